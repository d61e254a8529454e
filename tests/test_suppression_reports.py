"""Suppression over whole reports: a count hidden in one table is hidden in every table
of the report or annual report that shows it; a change since the base year hides with
the base year; the trend's implied early dropouts are protected; and a report cannot be
subtracted from the same report without the gender filter or for the level above."""

from __future__ import annotations

import datetime as dt

import pytest

from samspar.access.scoping import Role
from samspar.annual.compose import build_annual_report
from samspar.organisation.models import Team
from samspar.reports.catalogue import REPORTS
from samspar.reports.cellkey import perturbed
from samspar.reports.cells import collect
from samspar.reports.comparisons import comparisons
from samspar.reports.scope import Level, ReportScope
from tests.factories import make_insats, make_user
from tests.seeds import AVESTA_YEAR, P, register, seed_002_participants


def _hidden(table, label: str) -> set[str]:
    r = next(i for i, row in enumerate(table.rows) if str(row[0]) == label)
    return {key for row, key in table.suppressed if row == r}


def test_the_annual_report_hides_a_count_in_every_table_that_shows_it(insats, registrator, manager):
    """Seed 002, as the insats manager sees it: the results hide the men's early dropouts
    (2) and so their ended who were not dropouts (11). The throughput table shows that 11
    too, and would give the dropouts away (13 − 11); so would the men's participants in
    the background tables of the ended."""
    register(registrator, insats, seed_002_participants())
    report = build_annual_report(manager, insats, 2022)
    tables = {(c.chapter.code, t.key): t for c in report.chapters for t in c.tables}
    results = tables["participants-results", "results"]
    assert {"dropouts", "ended_kept"} <= _hidden(results, "Män")
    assert "ended_kept" in _hidden(tables["participants-results", "throughput"], "Män")
    for key in ("public_support", "age"):  # the ended, not early dropouts
        assert "participants" in _hidden(tables["participants-results", key], "Män")
    # In general: every count is hidden everywhere or nowhere.
    cells = collect([t for c in report.chapters for t in c.tables])
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


def test_the_trend_hides_the_change_with_its_base_year_and_protects_the_dropouts(forbund):
    insats = make_insats(forbund, "Trendteamet", start=dt.date(2015, 1, 1))
    coach = make_user("trendcoach", Role.REGISTRATOR, insats=insats)
    register(coach, insats, _trend_people())
    admin = make_user("trendanalytiker", Role.FORBUND_ADMIN, forbund=forbund)
    scope = ReportScope(
        dt.date(2015, 1, 1),
        dt.date(2016, 12, 31),
        user=admin,
        level=Level.INSATS,
        object_id=insats.pk,
    )
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
    assert None in (table.value(1, "ended"), table.value(1, "ended_kept"))


def _gender_split(registrator, insats, women: int, men: int, day: int = 1) -> None:
    people = [P(woman=True, age=40, start=dt.date(2022, 2, day + i)) for i in range(women)]
    people += [P(woman=False, age=40, start=dt.date(2022, 4, day + i)) for i in range(men)]
    register(registrator, insats, people)


def test_a_gender_filter_cannot_be_subtracted_from_the_report_without_it(
    insats, registrator, manager
):
    """3 women and 10 men new: the manager sees women –, men –, total 13. With the men
    alone, men 10 would give the women away (13 − 10)."""
    _gender_split(registrator, insats, women=3, men=10)
    both = ReportScope(*AVESTA_YEAR, user=manager, level=Level.INSATS, object_id=insats.pk)
    counts = REPORTS["deltagare"].build(both).table("counts")
    exact = REPORTS["deltagare"].compute(both).table("counts")
    assert [exact.value(r, "new") for r in range(3)] == [3, 10, 13]
    assert [counts.value(r, "new") for r in range(3)] == [
        None,
        None,
        perturbed(exact.value(2, "new"), 5),
    ]
    men = ReportScope(
        *AVESTA_YEAR, user=manager, level=Level.INSATS, object_id=insats.pk, gender="M"
    )
    counts = REPORTS["deltagare"].build(men).table("counts")
    assert counts.value(1, "new") is None and counts.value(2, "new") is None
    # Exact counts for the registrator, filtered or not: they see the persons anyway.
    own = ReportScope(
        *AVESTA_YEAR, user=registrator, level=Level.INSATS, object_id=insats.pk, gender="M"
    )
    assert REPORTS["deltagare"].build(own).table("counts").value(2, "new") == 10


def test_an_insats_cannot_be_subtracted_from_its_forbund(forbund, insats, registrator):
    """The förbund has 13 new, Avesta 10 of them: the other insats's 3 would follow."""
    _gender_split(registrator, insats, women=5, men=5)
    other = make_insats(forbund, "Arbetsträning")
    coach = make_user("coach2", Role.REGISTRATOR, insats=other)
    _gender_split(coach, other, women=2, men=1, day=15)
    admin = make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund)
    whole = ReportScope(*AVESTA_YEAR, user=admin, level=Level.FORBUND, object_id=forbund.pk)
    new = REPORTS["deltagare"].compute(whole).table("counts").value(2, "new")
    assert new == 13
    assert REPORTS["deltagare"].build(whole).table("counts").value(2, "new") == perturbed(new, 5)
    part = ReportScope(*AVESTA_YEAR, user=admin, level=Level.INSATS, object_id=insats.pk)
    assert REPORTS["deltagare"].build(part).table("counts").value(2, "new") is None
    # A manager of Avesta alone sees no other insats to subtract: the total 10, shown.
    manager = make_user("avestachef", Role.INSATS_MANAGER, insats=insats)
    mine = ReportScope(*AVESTA_YEAR, user=manager, level=Level.FORBUND, object_id=forbund.pk)
    own = REPORTS["deltagare"].compute(mine).table("counts").value(2, "new")
    assert own == 10
    assert REPORTS["deltagare"].build(mine).table("counts").value(2, "new") == perturbed(own, 5)


def test_the_comparisons_are_the_levels_above_with_more_to_see(forbund, insats, manager):
    """An analyst of a förbund of three insatser, two of them in a team: an insats is
    compared with its team and the förbund, the team with the förbund; a manager of one
    insats has nothing to compare with; a gender filter adds the report without it."""
    team = Team.objects.create(forbund=forbund, name="Teamet")
    second = make_insats(forbund, "Arbetsträning")
    make_insats(forbund, "Rådgivning")
    for member in (insats, second):
        member.team = team
        member.save()
    admin = make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund)

    def levels(user, level, object_id, gender=""):
        scope = ReportScope(
            *AVESTA_YEAR, user=user, level=level, object_id=object_id, gender=gender
        )
        return [(c.scope.level, c.scope.object_id, c.without_gender) for c in comparisons(scope)]

    assert levels(admin, Level.INSATS, insats.pk) == [
        (Level.TEAM, team.pk, False),
        (Level.FORBUND, forbund.pk, False),
    ]
    assert levels(admin, Level.TEAM, team.pk) == [(Level.FORBUND, forbund.pk, False)]
    assert levels(admin, Level.FORBUND, forbund.pk) == []
    assert levels(manager, Level.INSATS, insats.pk) == []
    assert levels(manager, Level.INSATS, insats.pk, "K") == [(Level.INSATS, insats.pk, True)]
