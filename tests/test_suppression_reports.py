"""Suppression over whole reports: a count hidden in one table is hidden in every table
of the report or annual report that shows it; a change since the base year hides with
the base year; the trend's implied early dropouts are protected. (Subtracting a report
from the same report without the gender filter or for the level above is met by the
cell-key noise, not by hiding: docs/roles.md, "How suppression works".)"""

from __future__ import annotations

import datetime as dt

import pytest

from samspar.access.scoping import Role
from samspar.annual.compose import build_annual_report
from samspar.reports import perturbation
from samspar.reports.catalogue import REPORTS
from samspar.reports.cellkey import perturbed
from samspar.reports.cells import collect
from samspar.reports.scope import Level, ReportScope
from tests.factories import make_insats, make_user
from tests.reader import given_away
from tests.seeds import P, register, seed_002_participants


def _hidden(table, label: str) -> set[str]:
    r = next(i for i, row in enumerate(table.rows) if str(row[0]) == label)
    return {key for row, key in table.suppressed if row == r}


def test_the_annual_report_hides_a_count_in_every_table_that_shows_it(insats, registrator, manager):
    """Seed 002, as the insats manager sees it: the results hide the men's early dropouts
    (2). Their ended who were not dropouts (11) may be shown, perturbed: with the ended
    (13) perturbed too, 13 − 11 leaves the dropouts several values, in the results, in
    the throughput table and in the background tables of the ended alike."""
    register(registrator, insats, seed_002_participants())
    report = build_annual_report(manager, insats, 2022)
    exact = build_annual_report(registrator, insats, 2022)
    tables = {(c.chapter.code, t.key): t for c in report.chapters for t in c.tables}
    results = tables["participants-results", "results"]
    assert "dropouts" in _hidden(results, "Män")
    shown = [t for c in report.chapters for t in c.tables]
    exact_tables = [t for c in exact.chapters for t in c.tables]
    assert not given_away(shown, exact_tables, 5)
    # In general: every count is hidden everywhere or nowhere.
    cells = collect(shown)
    for quantity in cells.quantities.values():
        hidden = {(r, key) in table.suppressed for table, r, key in quantity.positions}
        assert len(hidden) <= 1


def _trend_people() -> list[P]:
    """Three who start in 2015 and stay; ten who start and end in 2016, two of them as
    early dropouts."""
    people = [P(woman=i % 2 == 0, age=30, start=dt.date(2015, 3, 1 + i)) for i in range(3)]
    for i in range(10):
        people.append(
            P(
                woman=i % 2 == 0,
                age=30 + i,
                start=dt.date(2016, 1, 4 + i),
                end=dt.date(2016, 11, 1 + i),
                reason="arbete",
                dropout=i < 2,
            )
        )
    return people


def _trend_scope(forbund, name: str, people: list[P]) -> ReportScope:
    """An insats ``name`` started in 2015 with ``people`` registered, and the trend's
    scope over 2015–2016 for a förbund administrator (no exact counts)."""
    insats = make_insats(forbund, name, start=dt.date(2015, 1, 1))
    register(make_user(f"{name} coach", Role.REGISTRATOR, insats=insats), insats, people)
    admin = make_user(f"{name} analytiker", Role.FORBUND_ADMIN, forbund=forbund)
    return ReportScope(
        dt.date(2015, 1, 1),
        dt.date(2016, 12, 31),
        user=admin,
        level=Level.INSATS,
        object_id=insats.pk,
    )


def test_the_trend_hides_the_change_with_its_base_year_and_protects_the_dropouts(forbund):
    scope = _trend_scope(forbund, "Trendteamet", _trend_people())
    exact = REPORTS["trend"].compute(scope).table("trend")
    assert exact.value(0, "worked_with") == 3 and exact.value(
        1, "worked_with_change"
    ) == pytest.approx(333.3, abs=0.05)
    assert exact.value(1, "ended") - exact.value(1, "ended_kept") == 2  # the dropouts
    table = REPORTS["trend"].build(scope).table("trend")
    assert (0, "worked_with") in table.suppressed
    # 2016 shows 13 worked with (perturbed); +333 % would give 2015's 3 back.
    assert table.value(1, "worked_with") == perturbed(exact.value(1, "worked_with"), 5)
    assert table.value(1, "worked_with_change") is None
    # The dropouts (2) = ended − ended_kept, both perturbed: not one value left.
    assert not given_away([table], [exact], 5)


def test_the_trend_shows_each_change_from_the_counts_as_shown(forbund, monkeypatch):
    """A change since the base year that a reader without exact counts sees is worked
    out from the counts as shown (perturbed), as the shares are: a count's change in per
    cent of the base year's, a result's in percentage points. (The perturbation here adds
    one to every count, so that a change of the exact counts tells itself apart; the
    real one is keyed on the records' ids and may leave these counts as they are.)"""
    monkeypatch.setattr(perturbation, "perturbed", lambda n, _threshold: n + 1 if n else 0)
    # 2015: twelve start, six of them end in work
    people = [
        P(
            woman=i % 2 == 0,
            age=25 + i,
            start=dt.date(2015, 3, 2 + i),
            end=dt.date(2015, 10, 1 + i) if i < 6 else None,
            reason="arbete" if i < 6 else None,
        )
        for i in range(12)
    ]
    for i in range(14):  # 2016: fourteen new, ten end — seven in work, three otherwise
        ends = i < 10
        people.append(
            P(
                woman=i % 2 == 0,
                age=30 + i,
                start=dt.date(2016, 3, 1 + i),
                end=dt.date(2016, 10, 1 + i) if ends else None,
                reason=("arbete" if i < 7 else "annat") if ends else None,
            )
        )
    scope = _trend_scope(forbund, "Växande", people)
    exact = REPORTS["trend"].compute(scope).table("trend")
    assert [exact.value(r, "worked_with") for r in (0, 1)] == [12, 20]
    table = REPORTS["trend"].build(scope).table("trend")
    assert [table.value(r, "worked_with") for r in (0, 1)] == [13, 21]

    def shown(r: int, key: str) -> int:
        value = table.value(r, key)
        assert isinstance(value, int), (r, key, value)
        return value

    for count in ("worked_with", "ended"):
        now, then = shown(1, count), shown(0, count)
        assert table.value(1, f"{count}_change") == pytest.approx(100 * (now - then) / then)
    shares = [100 * shown(r, "to_goal") / shown(r, "ended_kept") for r in (0, 1)]
    assert table.value(1, "goal_change") == pytest.approx(shares[1] - shares[0])


def test_the_trend_hides_a_change_of_a_mean_over_a_few_in_the_base_year(forbund):
    """2015's throughput time is a mean over three: hidden, and so is 2016's change
    since then (2016's own mean, over ten, is shown)."""
    people = [
        P(woman=i % 2 == 0, age=30 + i, start=dt.date(2015, 2, 2 + i), end=end, reason="arbete")
        for i, end in enumerate([dt.date(2015, 9, 1)] * 3 + [dt.date(2016, 9, 1)] * 10)
    ]
    scope = _trend_scope(forbund, "Liten start", people)
    assert REPORTS["trend"].compute(scope).table("trend").value(0, "ended_kept") == 3
    table = REPORTS["trend"].build(scope).table("trend")
    assert table.value(0, "months") is None and table.value(1, "months") is not None
    assert table.value(1, "months_change") is None
