"""The cell-key perturbation of published counts (reports.cellkey, reports.perturbation;
docs/definitions.md, "Perturbed counts"): every count a reader without exact counts sees
is keyed on the records it counts, the same records show the same value in every
report, and subtracting reports over nested periods, levels, genders and populations
recovers no small count."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from samspar.access.scoping import Role
from samspar.annual.compose import build_annual_report
from samspar.reports.catalogue import REPORTS
from samspar.reports.cellkey import (
    PTABLE,
    Counted,
    consistent,
    is_keyed,
    perturbation,
    perturbed,
    possible,
)
from samspar.reports.perturbation import perturb
from samspar.reports.populations import Population
from samspar.reports.scope import Level, ReportScope
from samspar.reports.suppression import threshold
from samspar.reports.tables import Column, Kind, Report, Table
from tests.factories import make_user
from tests.random_world import build

pytestmark = pytest.mark.django_db

T = 5  # the random world's threshold (checked below)
YEAR = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


# --- the perturbation ------------------------------------------------------------------


def test_counts_combine_their_record_keys():
    a = Counted(3, {"registry.person": 10})
    b = Counted(2, {"registry.person": 4, "registry.anonymousenrolment": 7})
    total = a + b
    assert total == 5 and isinstance(total, Counted)
    assert total.record_key == (("registry.anonymousenrolment", 7), ("registry.person", 14))
    rest = total - b
    assert isinstance(rest, Counted) and rest.record_key == a.record_key  # the set less a subset
    assert sum([a, b]).record_key == total.record_key  # sum() starts from a plain 0
    assert not is_keyed(a + 1) and is_keyed(a + 0) and is_keyed(0)


def test_the_perturbation_follows_the_published_table():
    draws = Counter(perturbation(20, (("registry.enrolment", s),)) for s in range(1, 20_001))
    for p, probability in PTABLE:
        assert draws[p] / 20_000 == pytest.approx(probability, abs=0.01)
    assert set(draws) == {p for p, _probability in PTABLE}


def test_zero_stays_zero_and_no_count_falls_below_the_threshold():
    assert perturbed(0, T) == 0
    for s in range(1, 500):
        for n in (T, T + 1, T + 2, 40):
            shown = perturbed(Counted(n, {"registry.person": s}), T)
            assert shown >= T and shown in possible(n, T) and n in consistent(shown, T)
    with pytest.raises(TypeError, match="no record key"):
        perturbed(7, T)  # a count that escaped its key is refused, never shown exact


def test_means_are_rounded_and_whole_ages_stay_whole_numbers():
    """Means are rounded to their decimals for a reader without exact counts; the
    youngest and oldest age (no decimals) stay whole numbers, as JSON gives them to a
    reader of exact counts (19, not 19.0)."""
    table = Table(
        "age",
        "Age",
        [
            Column("group", "Group", Kind.LABEL),
            Column("participants", "Participants"),
            Column("mean_age", "Mean", Kind.NUMBER, "participants"),
            Column("youngest", "Youngest", Kind.NUMBER, "participants", decimals=0),
        ],
        [["Totalt", 0, 36.2857142857, 19]],
    )
    perturb([table], T)
    assert table.rows[0][2:] == [36.3, 19]
    assert type(table.rows[0][3]) is int


def test_the_same_records_show_the_same_value():
    key = {"registry.person": 123}
    assert perturbed(Counted(9, key), T) == perturbed(Counted(9, dict(key)), T)
    shown = {perturbed(Counted(30, {"registry.person": s}), T) for s in range(1, 101)}
    assert shown == {28, 29, 30, 31, 32}


# --- on a random registry ----------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = build(seed=2024, size=700)
        admin = make_user("analytiker-brus", Role.FORBUND_ADMIN, forbund=world.forbund)
        coach = make_user("coach-brus", Role.REGISTRATOR, insats=world.insatser[0])
        yield SimpleNamespace(world=world, admin=admin, coach=coach)
        transaction.set_rollback(True)


def _scopes(w: Any, user: Any) -> Iterator[ReportScope]:
    forbund = {"level": Level.FORBUND, "object_id": w.world.forbund.pk}
    yield ReportScope(*YEAR, user=user, **forbund)
    yield ReportScope(dt.date(2021, 1, 1), YEAR[1], user=user, gender="K", **forbund)
    yield ReportScope(*YEAR, user=user, level=Level.TEAM, object_id=w.world.teams[0].pk)
    for population in Population:
        yield ReportScope(*YEAR, user=user, population=population.value, **forbund)
    for insats in w.world.insatser:
        yield ReportScope(*YEAR, user=user, level=Level.INSATS, object_id=insats.pk)


def _unkeyed(tables: list[Table]) -> list[tuple[str, int, str, Any]]:
    return [
        (table.key, r, column.key, row[i])
        for table in tables
        for i, column in enumerate(table.columns)
        if column.kind == Kind.COUNT
        for r, row in enumerate(table.rows)
        if not is_keyed(row[i])
    ]


def test_every_count_of_every_report_carries_its_record_key(world):
    assert threshold(ReportScope(*YEAR, user=world.admin)) == T
    keyed = 0
    for scope in _scopes(world, world.admin):
        for key, spec in REPORTS.items():
            tables = spec.compute(scope).tables
            assert not _unkeyed(tables), (key, scope)
            keyed += sum(isinstance(v, Counted) for t in tables for row in t.rows for v in row)
    assert keyed > 5000


def test_every_count_of_the_annual_report_carries_its_record_key(world):
    report = build_annual_report(world.coach, world.world.insatser[0], 2023)
    assert report.exact
    tables = [t for chapter in report.chapters for t in chapter.tables]
    assert not _unkeyed(tables)
    assert sum(isinstance(v, Counted) and v > 0 for t in tables for r in t.rows for v in r) > 100


def test_a_published_report_shows_every_count_perturbed(world):
    """On the förbund's participants over the year: counts near their exact values,
    some changed, none below the threshold, and shares of the counts as shown."""
    scope = ReportScope(
        *YEAR, user=world.admin, level=Level.FORBUND, object_id=world.world.forbund.pk
    )
    spec = REPORTS["deltagare"]
    exact, shown = spec.compute(scope).table("counts"), spec.build(scope).table("counts")
    deviations = []
    for r in range(len(exact.rows)):
        for key in ("worked_with", "new", "ended", "active_end"):
            n, v = exact.value(r, key), shown.value(r, key)
            assert v in possible(n, T)
            deviations.append(v - n)
    assert any(deviations)
    total = shown.total_row
    assert total is not None
    assert shown.value(0, "new_percent") == pytest.approx(
        100 * shown.value(0, "new") / shown.value(total, "new")
    )


def test_the_same_records_show_the_same_value_in_every_report(world):
    """Women in the report filtered on women, and in the report for both; the förbund's
    new in the counts table and in the table by follow-up method's … whose records
    are the same."""
    both = ReportScope(
        *YEAR, user=world.admin, level=Level.FORBUND, object_id=world.world.forbund.pk
    )
    women = dataclasses.replace(both, gender="K")
    unfiltered = REPORTS["deltagare"].build(both).table("counts")
    filtered = REPORTS["deltagare"].build(women).table("counts")
    exact = REPORTS["deltagare"].compute(women).table("counts")
    for key in ("worked_with", "new", "ended", "active_end"):
        assert filtered.value(0, key) == unfiltered.value(0, key) == filtered.value(2, key)
        assert exact.value(0, key) >= T
    by_method = REPORTS["deltagare"].build(both).table("by_method")
    assert by_method.value(0, "personal") == unfiltered.value(0, "worked_with")
    age = REPORTS["alder"].build(dataclasses.replace(both, population="worked_with"))
    assert age.table("age").value(2, "participants") == age.table("age_distribution").value(
        len(age.table("age_distribution").rows) - 1, "total"
    )


# --- the differencing attack --------------------------------------------------------------

Fetch = Callable[[str, ReportScope], Report]


@dataclasses.dataclass(frozen=True)
class Attacked:
    what: str
    true: int  # the small count: the larger report's cell less the smaller's
    shown: tuple[int, int]  # the two cells as the reader sees them

    @property
    def recovered(self) -> int:
        return self.shown[0] - self.shown[1]

    def candidates(self) -> set[int]:
        """The differences consistent with what was shown, to a reader who knows
        PTABLE: a − b over the true counts each shown value may come from."""
        larger, smaller = (consistent(v, T) for v in self.shown)
        return {a - b for a in larger for b in smaller if a >= b}


def _cells(report: Report) -> dict[tuple[str, str, str], Any]:
    return {
        (table.key, str(row[0]), column.key): row[i]
        for table in report.tables
        for i, column in enumerate(table.columns)
        if column.kind == Kind.COUNT
        for row in table.rows
    }


def _pairs(w: Any, user: Any) -> Iterator[tuple[str, str, ReportScope, ReportScope, bool]]:
    """(report, what, larger scope, smaller scope, cross-gender): pairs of reports whose
    cells count nested sets of records."""
    forbund = w.world.forbund.pk
    team = w.world.teams[0]
    where = [(Level.FORBUND, forbund), (Level.TEAM, team.pk)]
    where += [(Level.INSATS, i.pk) for i in w.world.insatser[:4]]
    for level, pk in where:

        def scope(start: dt.date, end: dt.date, **more: Any) -> ReportScope:
            return ReportScope(start, end, user=user, level=level, object_id=pk, **more)  # noqa: B023

        jan = dt.date(2023, 1, 1)
        periods = [
            (
                "Jan–Jun vs Jan–May",
                scope(jan, dt.date(2023, 6, 30)),
                scope(jan, dt.date(2023, 5, 31)),
            ),
            ("year vs year to date", scope(*YEAR), scope(jan, dt.date(2023, 12, 15))),
            (
                "Q3 vs Jul–Aug",
                scope(dt.date(2023, 7, 1), dt.date(2023, 9, 30)),
                scope(dt.date(2023, 7, 1), dt.date(2023, 8, 31)),
            ),
        ]
        for report in ("deltagare", "resultat", "efter-insats", "avslutsanledningar"):
            for what, larger, smaller in periods:
                yield report, f"{level} {pk} {what}", larger, smaller, False
        # the report for both genders less the one for men: the women
        yield "deltagare", f"{level} {pk} both − men", scope(*YEAR), scope(*YEAR, gender="M"), True
        # the worked with less the new, less the active at the end
        for population in ("new", "active_end"):
            for report in ("alder", "utbildning", "forsorjningstid"):
                yield (
                    report,
                    f"{level} {pk} worked with − {population}",
                    scope(*YEAR, population="worked_with"),
                    scope(*YEAR, population=population),
                    False,
                )
    # a parent level less one of its insatser: the others (a team of two, made below)
    yield (
        "deltagare",
        "team − insats",
        ReportScope(*YEAR, user=user, level=Level.TEAM, object_id=w.pair.pk),
        ReportScope(*YEAR, user=user, level=Level.INSATS, object_id=w.world.insatser[8].pk),
        False,
    )


def _attack(w: Any, fetch: Fetch) -> list[Attacked]:
    """Every small difference a reader gets by subtracting a cell of one report from the
    same cell of the other, where both are shown."""
    found = []
    for report, what, larger_scope, smaller_scope, cross in _pairs(w, w.admin):
        larger, smaller = fetch(report, larger_scope), fetch(report, smaller_scope)
        exact_l = _cells(REPORTS[report].compute(larger_scope))
        exact_s = _cells(REPORTS[report].compute(smaller_scope))
        shown_l, shown_s = _cells(larger), _cells(smaller)
        for cell, n in exact_l.items():
            twin = (cell[0], "Män", cell[2]) if cross else cell
            if cross and cell[1] != "Totalt":
                continue
            if twin not in exact_s or not 0 < n - exact_s[twin] < T:
                continue
            a, b = shown_l[cell], shown_s[twin]
            if a is not None and b is not None:
                found.append(Attacked(f"{report} {what} {cell}", n - exact_s[twin], (a, b)))
    return found


@pytest.fixture
def attackable(world):
    """Insatser 8 and 9 of the random world as a team of their own."""
    from samspar.organisation.models import Team

    pair = Team.objects.create(forbund=world.world.forbund, name="Paret")
    for insats in world.world.insatser[8:10]:
        insats.team = pair
        insats.save(update_fields=["team"])
    return SimpleNamespace(**vars(world), pair=pair)


def test_subtracting_exact_reports_recovers_the_small_counts(attackable):
    """The control: the same attack on exact reports gives every small count back."""
    attacked = _attack(attackable, lambda key, scope: REPORTS[key].compute(scope))
    assert len(attacked) > 50
    assert all(a.recovered == a.true for a in attacked)
    assert {a.true for a in attacked} == set(range(1, T))


def test_subtracting_published_reports_recovers_no_small_count(attackable):
    """Over nested periods, a parent level and its insats, with and without a gender
    filter, and nested populations: every difference a förbund administrator can take
    between two shown counts leaves more than one true value possible, among them 0 or
    one at or above the threshold; and the plain difference is often wrong."""
    attacked = _attack(attackable, lambda key, scope: REPORTS[key].build(scope))
    assert len(attacked) > 20
    for a in attacked:
        candidates = a.candidates()
        assert a.true in candidates, a
        assert len(candidates) > 1, a
        assert 0 in candidates or max(candidates) >= T, a
    wrong = sum(a.recovered != a.true for a in attacked)
    assert wrong > len(attacked) / 3
