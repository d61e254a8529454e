"""Every edge of the period populations (docs/definitions.md, "Populations";
``reports/scope.py`` and ``reports/populations.py``), pinned in the figures of real
reports over 2022: an enrolment that ends ON the period's first day was worked with, ended
in the period, enrolled at its start and carried over; one that starts ON its last day is
new and active at the end; one that ends on the last day is still active at the end. One
day further out on either side is outside. Anonymous participants, volume and structural
counts are in the period when their year or their whole period lies inside it.

Each kind of enrolment comes in a number of its own (1, 2, 3, 4 persons), so every
population has a total of its own and moving any one edge changes a figure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.organisation.models import FollowUpMethod, InsatsKind
from samspar.registry import services as registry
from samspar.reports.catalogue import get_report
from samspar.reports.populations import Population
from samspar.reports.scope import Level, ReportScope
from samspar.reports.tables import Report
from tests.factories import code, enrol, make_forbund, make_insats, make_pnr, make_user

FIRST, LAST = dt.date(2022, 1, 1), dt.date(2022, 12, 31)
DAY = dt.timedelta(days=1)

# (how many, woman, start, end, early dropout): each kind of enrolment of the insats.
KINDS = {
    # ends ON the first day: worked with, ended, enrolled at the start, carried over
    "ends_on_first": (1, False, dt.date(2021, 6, 1), FIRST, False),
    # starts ON the last day: worked with, new, active at the end
    "starts_on_last": (2, True, LAST, None, False),
    # starts on the first day and ends on the last: all of worked with, new, ended,
    # enrolled at the start and active at the end; not carried over
    "first_to_last": (3, False, FIRST, LAST, False),
    # from the day before the period to the day after: worked with, enrolled at the
    # start, carried over, active at the end; neither new nor ended
    "across": (4, False, FIRST - DAY, LAST + DAY, False),
    # an early dropout inside the period: worked with, new, ended; not "ended, kept"
    "dropout": (1, True, dt.date(2022, 3, 1), dt.date(2022, 5, 2), True),
    # one day outside on either side: in no population of 2022
    "ends_before": (1, False, dt.date(2021, 6, 1), FIRST - DAY, False),
    "starts_after": (1, True, LAST + DAY, None, False),
}
_births = iter(range(0, 10_000, 7))


def _enrol(user, insats, woman: bool, start: dt.date, end: dt.date | None, dropout: bool):
    born = dt.date(1975, 1, 1) + dt.timedelta(days=next(_births))
    ending: dict[str, Any] = {}
    if end:
        reason = "avbrott" if dropout else "arbete"
        ending = {"end_date": end, "end_reason": code(codes.EndReason, reason)}
        ending["early_dropout"] = dropout
    return enrol(
        user,
        insats,
        personnummer_text=make_pnr(born, man=not woman),
        start_date=start,
        consent_date=start,
        **ending,
    )


@pytest.fixture
def world(forbund, insats, registrator):
    """The insats's enrolments (KINDS) and a felregistrering inside the period, which no
    population counts; beside it a volume-registered and a structural insats, and an
    individual insats that closed on the period's first day."""
    for n, woman, start, end, dropout in KINDS.values():
        for _ in range(n):
            _enrol(registrator, insats, woman, start, end, dropout)
    wrong = _enrol(registrator, insats, False, dt.date(2022, 4, 1), None, False)
    registry.end_enrolment(
        user=registrator,
        enrolment=wrong,
        end_date=dt.date(2022, 4, 1),
        end_reason=code(codes.EndReason, "felregistrering"),
    )
    # Anonymous participants of the years before, in and after the period: 1, 2 and 4.
    for year, n in ((2021, 1), (2022, 2), (2023, 4)):
        for i in range(n):
            registry.register_anonymous(
                user=registrator,
                insats=insats,
                gender="KM"[i % 2],
                start_year=year,
                reason="skyddad",
            )
    volume = make_insats(forbund, "Rådgivning", method=FollowUpMethod.VOLUME)
    structural = make_insats(
        forbund, "Kompetens", kind=InsatsKind.STRUCTURAL, method=FollowUpMethod.VOLUME
    )
    manager = make_user("chef-volym", Role.INSATS_MANAGER, insats=volume)
    RoleAssignment.objects.create(user=manager, role=Role.INSATS_MANAGER, insats=structural)
    # Counts whose period is exactly the report period (7 women and 5 men, 70 in the
    # structural insats) count; those that reach one day outside it (100, 1000 …) do not.
    periods = {
        (FIRST, LAST): 7,
        (FIRST - DAY, LAST): 100,
        (FIRST, LAST + DAY): 200,
    }
    for (start, end), n in periods.items():
        registry.record_volume_count(
            user=manager, insats=volume, period_start=start, period_end=end, gender="K", count=n
        )
        registry.record_structural_count(
            user=manager,
            insats=structural,
            period_start=start,
            period_end=end,
            party=None,
            count=10 * n,
        )
    registry.record_volume_count(
        user=manager, insats=volume, period_start=FIRST, period_end=LAST, gender="M", count=5
    )
    # Another förbund's counts over the same period are never the report's.
    other = make_forbund("Annat förbund", county="18")
    their_volume = make_insats(other, "Deras rådgivning", method=FollowUpMethod.VOLUME)
    their_structural = make_insats(
        other, "Deras kompetens", kind=InsatsKind.STRUCTURAL, method=FollowUpMethod.VOLUME
    )
    theirs = make_user("chef-annat", Role.INSATS_MANAGER, insats=their_volume)
    RoleAssignment.objects.create(user=theirs, role=Role.INSATS_MANAGER, insats=their_structural)
    registry.record_volume_count(
        user=theirs,
        insats=their_volume,
        period_start=FIRST,
        period_end=LAST,
        gender="K",
        count=3000,
    )
    registry.record_structural_count(
        user=theirs,
        insats=their_structural,
        period_start=FIRST,
        period_end=LAST,
        party=None,
        count=30000,
    )
    their_team = make_insats(other, "Deras team")
    their_coach = make_user("coach-annat", Role.REGISTRATOR, insats=their_team)
    for gender in "KM":
        registry.register_anonymous(
            user=their_coach, insats=their_team, gender=gender, start_year=2022, reason="skyddad"
        )
    # Insatser closed on the period's first day (ran in it) and on the day before (did not).
    for name, end in (("Stängd på årets första dag", FIRST), ("Stängd dagen före", FIRST - DAY)):
        closed = make_insats(forbund, name)
        closed.end_date = end
        closed.save(update_fields=["end_date"])
    return insats


def _report(world, key: str, level: Level = Level.INSATS, **options: Any) -> Report:
    """The report over 2022 for the operator, exact counts, at the insats or its förbund."""
    object_id = world.pk if level == Level.INSATS else world.forbund_id
    scope = ReportScope.for_operator(
        FIRST, LAST, exact=True, level=level, object_id=object_id, **options
    )
    return get_report(key).build(scope)


def _row(report: Report, table: str, label: str = "Totalt") -> dict[str, Any]:
    t = report.table(table)
    return dict(zip([c.key for c in t.columns], t.row_by_label(label), strict=True))


def _cells(row: dict[str, Any], keys: str) -> list[Any]:
    return [row[k] for k in keys.split()]


def test_participant_counts_at_every_edge(world):
    """#1: worked with 1+2+3+4+1 = 11, new 2+3+1 = 6, ended 1+3+1 = 5 (the one that ends
    on the first day included), active at the end 2+3+4 = 9 (the ones that start or end
    on the last day included)."""
    report = _report(world, "deltagare")
    keys = "worked_with new ended active_end"
    assert _cells(_row(report, "counts"), keys) == [11, 6, 5, 9]
    assert _cells(_row(report, "counts", "Kvinnor"), keys) == [3, 3, 1, 2]
    assert _cells(_row(report, "counts", "Män"), keys) == [8, 3, 4, 7]


def test_a_one_day_period(world):
    """A report over 1 January alone: worked with and active that day 1+3+4 = 8 (the one
    ending on it among them), new 3, ended 1."""
    scope = ReportScope.for_operator(
        FIRST, FIRST, exact=True, level=Level.INSATS, object_id=world.pk
    )
    row = _row(get_report("deltagare").build(scope), "counts")
    assert _cells(row, "worked_with new ended active_end") == [8, 3, 1, 8]


def test_results_enrolled_at_the_start_and_active_at_the_end(world):
    """#2: enrolled on 1 January 1+3+4 = 8 (ending on it or starting on it counts), ended
    5 of whom 1 early dropout, so 4 ended to work; active on 31 December 9."""
    row = _row(_report(world, "resultat"), "results")
    assert _cells(row, "active_start ended dropouts work ended_kept active_end") == [
        8,
        5,
        1,
        4,
        4,
        9,
    ]


def test_inflow_carried_over_and_new(world):
    """#11: carried over = started before the period and enrolled on its first day, 1+4 =
    5 (the one starting on the first day is new, not carried over); new 6 and the 2
    anonymous of 2022."""
    row = _row(_report(world, "inflode"), "inflow")
    assert _cells(row, "carried_over new total") == [5, 8, 13]


def test_outflow_counts_the_ended_of_the_period(world):
    row = _row(_report(world, "utflode"), "outflow")
    assert _cells(row, "ended dropouts to_goal") == [5, 1, 4]


@pytest.mark.parametrize(
    ("population", "participants"),
    [
        (Population.NEW, 6),  # 2 + 3 + 1
        (Population.ENDED_KEPT, 4),  # 1 + 3: the early dropout left out
        (Population.ACTIVE_END, 9),  # 2 + 3 + 4
        (Population.WORKED_WITH, 11),
    ],
)
def test_each_population_of_the_background_figures(world, population, participants):
    """#6 (age) over each population a reader can choose (reports/populations.py)."""
    row = _row(_report(world, "alder", population=population.value), "age")
    assert row["participants"] == participants


def test_follow_up_methods_anonymous_and_volume(world):
    """Anonymous participants count in their start year (2 of 2022, not 2021's or
    2023's); a volume count counts when its period lies inside the report period (7 + 5)."""
    report = _report(world, "deltagare", Level.FORBUND)
    assert _cells(_row(report, "by_method"), "personal anonymous volume total") == [11, 2, 12, 25]
    assert _cells(_row(report, "by_method", "Kvinnor"), "personal anonymous volume") == [3, 1, 7]
    assert _cells(_row(report, "by_method", "Män"), "personal anonymous volume") == [8, 1, 5]


def test_a_volume_count_of_nobody_is_zero(world):
    """#10: a volume insats that registered 0 participants for the period has a row of 0
    in the home municipality table (it ran and counted), beside Rådgivning's 7 + 5."""
    empty = make_insats(world.forbund, "Tom rådgivning", method=FollowUpMethod.VOLUME)
    manager = make_user("chef-tom", Role.INSATS_MANAGER, insats=empty)
    registry.record_volume_count(
        user=manager, insats=empty, period_start=FIRST, period_end=LAST, gender="K", count=0
    )
    report = _report(world, "hemvist", Level.FORBUND)
    assert _cells(_row(report, "home_municipality", "Tom rådgivning"), "volume total") == [0, 0]
    assert _cells(_row(report, "home_municipality", "Rådgivning"), "volume total") == [12, 12]


def test_anonymous_participants_of_unknown_gender_have_a_row(world, registrator):
    """#1: two anonymous participants of 2022 whose gender was not registered get a row
    of their own (the volume counts all have a gender), so the rows add up to the total:
    1 + 1 + 2 anonymous, 25 + 2 in all."""
    for _ in range(2):
        registry.register_anonymous(
            user=registrator, insats=world, gender="X", start_year=2022, reason="skyddad"
        )
    report = _report(world, "deltagare", Level.FORBUND)
    labels = [str(row[0]) for row in report.table("by_method").rows]
    assert labels == ["Kvinnor", "Män", "Kön okänt", "Totalt"]
    keys = "personal anonymous volume total"
    assert _cells(_row(report, "by_method", "Kön okänt"), keys) == [0, 2, 0, 2]
    assert _cells(_row(report, "by_method"), keys) == [11, 4, 12, 27]


def test_a_gender_filter_applies_to_every_method(world):
    """The men only: 8 worked with, 1 anonymous man of 2022, 5 men volume-registered."""
    report = _report(world, "deltagare", Level.FORBUND, gender="M")
    assert _cells(_row(report, "by_method"), "personal anonymous volume total") == [8, 1, 5, 14]


def test_insatser_running_in_the_period_and_structural_counts(world):
    """#14: the insats closed on the first day ran in the period, the one closed the day
    before did not; structural counts inside the period (70) count."""
    report = _report(world, "budgeterat-utfall", Level.FORBUND)
    individual = report.table("budgeted_individual")
    actual = {str(row[0]): row[3] for row in individual.rows}
    assert actual == {
        "Rådgivning": 12,
        "Samverkansteam Avesta": 11 + 2,
        "Stängd på årets första dag": 0,
        "Totalt": 25,
    }
    assert _row(report, "budgeted_structural")["actual"] == 70
    # The table picks the förbund's own insatser; the scope's counts are its own as well.
    scope = ReportScope.for_operator(FIRST, LAST, level=Level.FORBUND, object_id=world.forbund_id)
    assert [c.count for c in scope.structural()] == [70]


def test_comparison_and_trend(world):
    """#15 and #16 count the same populations. Individual insatser that ran in the
    period: the team, the volume-registered one and the one closed on the first day."""
    forbund = _row(_report(world, "jamforelse", Level.FORBUND), "forbund_comparison")
    assert _cells(forbund, "insatser participants new ended anonymous volume") == [
        3,
        11,
        6,
        5,
        2,
        12,
    ]
    trend = _row(_report(world, "trend"), "trend", "2022")
    assert _cells(trend, "worked_with ended ended_kept to_goal") == [11, 5, 4, 4]
