"""Figures #1 (participants) and #2 (results for the ended) of
``reports/figures/participants.py``, every cell of both tables for a förbund over 2022:
each destination, gender and population has a number of its own, persons with several
enrolments count once where the column counts persons, and an ending outside the period
or an early dropout to a goal destination never counts towards the goal (pinned by
mutation testing, docs/development.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.reports.catalogue import get_report
from samspar.reports.scope import Level, ReportScope
from samspar.reports.tables import Report
from tests.factories import code, enrol, make_insats, make_pnr, make_user

D = dt.date
FIRST, LAST = D(2022, 1, 1), D(2022, 12, 31)
_births = iter(range(0, 10_000, 11))


def _pnr(woman: bool) -> str:
    return make_pnr(D(1980, 1, 1) + dt.timedelta(days=next(_births)), man=not woman)


def _enrol(user, insats, pnr: str, start: D, end: D | None = None, reason: str = "", **kw):
    ending: dict[str, Any] = {}
    if end:
        ending = {"end_date": end, "end_reason": code(codes.EndReason, reason), **kw}
    return enrol(
        user, insats, personnummer_text=pnr, start_date=start, consent_date=start, **ending
    )


@pytest.fixture
def world(forbund, insats, registrator):
    """Women: one ended to studies in 2022 and enrolled again (new twice, one person),
    one to other rehabilitation, one early dropout, one still active, one to work with
    support. Men: one to compensation, one job seeker (other), one to work, one active in
    two insatser (enrolled at the start and active at the end twice, one person), two
    early dropouts (one to studies), and one who ended to work in 2021."""
    other = make_insats(forbund, "Andra teamet")
    coach = make_user("coach-andra", Role.REGISTRATOR, insats=other)
    w1 = _pnr(True)
    _enrol(registrator, insats, w1, D(2022, 1, 15), D(2022, 3, 1), "studier")
    _enrol(registrator, insats, w1, D(2022, 6, 1))
    _enrol(registrator, insats, _pnr(True), D(2022, 2, 1), D(2022, 9, 1), "annan-rehab")
    _enrol(
        registrator,
        insats,
        _pnr(True),
        D(2022, 4, 1),
        D(2022, 5, 1),
        "avbrott",
        early_dropout=True,
    )
    _enrol(registrator, insats, _pnr(True), D(2022, 1, 10))
    _enrol(registrator, insats, _pnr(True), D(2021, 6, 1), D(2022, 11, 30), "arbete-med-stod")
    _enrol(registrator, insats, _pnr(False), D(2021, 1, 1), D(2022, 6, 1), "ersattning")
    _enrol(registrator, insats, _pnr(False), D(2022, 3, 1), D(2022, 10, 1), "arbetssokande")
    _enrol(registrator, insats, _pnr(False), D(2022, 2, 1), D(2022, 8, 1), "arbete")
    m4 = _pnr(False)
    _enrol(registrator, insats, m4, D(2021, 9, 1))
    _enrol(coach, other, m4, D(2021, 10, 1))
    for start, end, reason in (
        (D(2022, 5, 1), D(2022, 7, 1), "flytt"),
        (D(2022, 3, 1), D(2022, 4, 1), "studier"),
    ):
        _enrol(registrator, insats, _pnr(False), start, end, reason, early_dropout=True)
    _enrol(registrator, insats, _pnr(False), D(2021, 2, 1), D(2021, 12, 1), "arbete")
    return forbund


def _report(forbund, key: str) -> Report:
    scope = ReportScope.for_operator(
        FIRST, LAST, exact=True, level=Level.FORBUND, object_id=forbund.pk
    )
    return get_report(key).build(scope)


def _table(report: Report, key: str) -> tuple[list[str], list[list[Any]]]:
    table = report.table(key)
    return [str(c.label) for c in table.columns], [[str(r[0]), *r[1:]] for r in table.rows]


def test_participant_counts_every_cell(world):
    """Worked with 5 women + 6 men (the woman enrolled twice and the man in two insatser
    once each), new 4 + 4, ended 4 + 5 (endings), active at the end 2 + 1."""
    labels, rows = _table(_report(world, "deltagare"), "counts")
    assert labels == [
        "Grupp",
        "Arbetat med under perioden",
        "Andel (%)",
        "Nya under perioden",
        "Andel (%)",
        "Avslutade under perioden",
        "Aktiva vid periodens slut",
        "Andel (%)",
    ]
    assert rows == [
        ["Kvinnor", 5, pytest.approx(100 * 5 / 11), 4, 50.0, 4, 2, pytest.approx(200 / 3)],
        ["Män", 6, pytest.approx(100 * 6 / 11), 4, 50.0, 5, 1, pytest.approx(100 / 3)],
        ["Totalt", 11, 100.0, 8, 100.0, 9, 3, 100.0],
    ]


def test_results_every_cell(world):
    """Enrolled at the start 1 + 2 (the man in two insatser once), ended 4 + 5 of whom
    1 + 2 early dropouts; of the 3 + 3 others: work 1 + 1, studies 1 + 0 (the man who
    dropped out to studies does not count), other rehabilitation 1 + 0, compensation
    0 + 1, other 0 + 1; towards the goal 3 of 3 and 1 of 3 (the man who ended to work in
    2021 is in no figure)."""
    labels, rows = _table(_report(world, "resultat"), "results")
    assert labels == [
        "Grupp",
        "Inskrivna vid periodens början",
        "Avslutade, totalt",
        "Varav tidiga avhopp",
        "Till arbete",
        "Till studier",
        "Till annan arbetslivsinriktad rehabilitering",
        "Till sjuk- eller aktivitetsersättning",
        "Övrigt",
        "Aktiva vid periodens slut",
        "Till arbete, studier eller rehabilitering",
        "Avslutade, ej tidiga avhopp",
        "Resultat mot mål (%)",
    ]
    assert rows == [
        ["Kvinnor", 1, 4, 1, 1, 1, 1, 0, 0, 2, 3, 3, 100.0],
        ["Män", 2, 5, 2, 1, 0, 0, 1, 1, 1, 1, 3, pytest.approx(100 / 3)],
        ["Totalt", 3, 9, 3, 2, 1, 1, 1, 1, 3, 4, 6, pytest.approx(200 / 3)],
    ]


def test_participants_by_method_counts_persons(world):
    """With personal data 5 + 6 persons (the woman enrolled twice and the man in two
    insatser once each); no anonymous or volume-registered participant, so those are 0."""
    _labels, rows = _table(_report(world, "deltagare"), "by_method")
    assert rows == [["Kvinnor", 5, 0, 0, 5], ["Män", 6, 0, 0, 6], ["Totalt", 11, 0, 0, 11]]
