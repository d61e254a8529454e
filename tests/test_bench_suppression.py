"""`samspar bench suppression`: every report exact and for publication, cell by cell."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from samspar.bench.suppression import Tally, tally
from samspar.registry import services as registry
from samspar.reports.catalogue import REPORTS
from samspar.reports.tables import Column, Kind, Table, Value
from tests.seeds import P, register


def _table(women: int, men: int, hidden: set[tuple[int, str]]) -> Table:
    rows: list[list[Value]] = [
        ["Women", women, men, women + men],
        ["Total", women, men, women + men],
    ]
    return Table(
        "t",
        "T",
        [
            Column("group", "Group", Kind.LABEL),
            Column("a", "A"),
            Column("b", "B"),
            Column("total", "Total"),
        ],
        rows,
        total_row=1,
        column_sums={"total": ("a", "b")},
        suppressed=hidden,
    )


def test_tally_counts_the_cells_at_or_above_the_threshold_and_the_totals():
    exact = _table(3, 12, set())
    shown = _table(3, 12, {(0, "a"), (0, "b"), (1, "a"), (1, "b")})
    # At or above 5: b 12 and total 15 in both rows; the totals are the total row's (b,
    # total) and the first row's total column.
    assert tally([exact], [shown], 5) == Tally(counts=4, hidden=2, totals=3, totals_hidden=1)
    assert tally([exact], [shown], 5).hidden_percent == 50.0
    assert not tally([exact], [shown], 5).meets_goal
    assert tally([exact], [exact], 5).meets_goal


def _bench(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("bench", "suppression", *args, stdout=out)
    return out.getvalue()


def _line(text: str, name: str) -> list[str]:
    return next(line.split() for line in text.splitlines() if line.split()[:1] == [name])


def test_the_bench_on_a_small_world(forbund, insats, registrator):
    """12 women and 10 men in 2022, and one anonymous woman: the participants report
    hides the anonymous 1 and none of the 15 counts at or above 5 (9 of them totals):
    the method table's total of women (13) and its grand total (23) are perturbed, so
    they give the 1 back only as one of several values. Each scope gets its verdict."""
    people = [P(woman=i < 12, age=30 + i, start=dt.date(2022, 2, 1 + i)) for i in range(22)]
    register(registrator, insats, people)
    registry.register_anonymous(
        user=registrator, insats=insats, gender="K", start_year=2022, reason="skyddad"
    )
    text = _bench("--forbund", str(forbund.pk), "--insats", insats.name, "--year", "2022")
    sections = [line for line in text.splitlines() if "threshold 5" in line]
    assert sections == [f"{forbund.name}, threshold 5", f"{insats.name}, threshold 5"]
    assert _line(text, "deltagare") == ["deltagare", "15", "0", "0,0", "9", "0", "9", "0"]
    assert {line.split()[0] for line in text.splitlines() if line.startswith("  ")} >= {
        *REPORTS,
        "annual",
        "all",
    }
    verdicts = [line for line in text.splitlines() if line.startswith("Goal for")]
    assert verdicts == [
        f"Goal for {name} (at most 5 % hidden, no hidden total): 0,0 % hidden, "
        "0 hidden totals: met."
        for name in (forbund.name, insats.name)
    ]


@pytest.mark.django_db
def test_an_unknown_forbund_or_insats_is_refused(forbund):
    with pytest.raises(CommandError, match="No such förbund"):
        _bench("--forbund", "Inget förbund")
    with pytest.raises(CommandError, match="No such insats"):
        _bench("--forbund", str(forbund.pk), "--insats", "999999")
