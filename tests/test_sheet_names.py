"""Excel sheet names (issue 12, #6): within Excel's 31 characters without cutting a
word ("Ålder vid start – startade unde" before), and telling every table of a report
apart — the title shortened by rule, or the table's own short name where the rule would
lose the difference."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from samspar.reports.catalogue import REPORTS
from samspar.reports.exports.xlsx import sheet_name, short_name
from samspar.reports.scope import ReportScope


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Ålder vid start – startade under perioden", "Ålder vid start"),
        ("Tid i insatsen, avslutade deltagare", "Tid i insatsen"),
        ("Tid i offentlig försörjning före insatsen – startade", "Tid i offentlig försörjning…"),
        ("Inflöde: kvar", "Inflöde  kvar"),
        ("Kort", "Kort"),
    ],
)
def test_a_long_title_is_shortened_at_its_parts_then_at_a_word(title, name):
    assert short_name(title) == name


@pytest.mark.parametrize("key", list(REPORTS))
def test_every_sheet_of_a_report_has_a_whole_name_of_its_own(db, key):
    translation.activate("sv")
    scope = ReportScope.for_operator(dt.date(2024, 1, 1), dt.date(2024, 12, 31), exact=True)
    used: set[str] = set()
    tables = REPORTS[key].compute(scope).tables
    names = [sheet_name(t, used) for t in tables]
    assert all(len(n) <= 31 for n in names), names
    assert not any(n.endswith(")") and " (" in n for n in names), names  # no "(2)"
    for table, name in zip(tables, names, strict=True):
        if table.sheet:
            continue  # its own short name
        title, start = str(table.title).replace(":", " "), name.rstrip("…")
        assert title.startswith(start), (title, name)
        assert len(title) == len(start) or title[len(start)] in " ,–", (title, name)
