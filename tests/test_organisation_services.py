"""Services of the insats set-up: scope checks and validation (nothing saved on bad input)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samspar.access.scoping import Role
from samspar.codelists.models import CostCategory
from samspar.organisation import selectors, services
from samspar.organisation.models import (
    BudgetLine,
    Financing,
    FollowUpMethod,
    Insats,
    InsatsKind,
    InsatsYear,
    MemberParty,
    StaffMember,
    Team,
)
from tests.factories import code, enrol, make_forbund, make_insats, make_pnr, make_user

INSATS_FIELDS = {
    "name": "Kompetensutveckling till handläggare",
    "kind": InsatsKind.STRUCTURAL,
    "follow_up_method": FollowUpMethod.VOLUME,
    "start_date": dt.date(2022, 1, 1),
}


@pytest.fixture
def other_forbund(db):
    return make_forbund("Samordningsförbundet Gävleborg", county="21")


@pytest.fixture
def other_insats(forbund):
    return make_insats(forbund, "Mottagningsteamet Hedemora")


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- create/update insats ------------------------------------------------------------


def test_forbund_admin_creates_insats_in_own_forbund(forbund_admin, forbund):
    team = Team.objects.create(forbund=forbund, name="Mottagningsteamet")
    insats = services.create_insats(forbund_admin, forbund, team=team, **INSATS_FIELDS)
    assert insats.pk and insats.forbund == forbund and insats.team == team
    assert insats.is_structural


def test_forbund_admin_cannot_create_in_other_forbund(forbund_admin, other_forbund):
    with pytest.raises(PermissionDenied):
        services.create_insats(forbund_admin, other_forbund, **INSATS_FIELDS)
    assert not Insats.objects.filter(forbund=other_forbund).exists()


def test_forbundwide_insats_manager_may_create(forbund):
    boss = make_user("boss", Role.INSATS_MANAGER, forbund=forbund)
    assert list(selectors.manageable_forbund(boss)) == [forbund]
    assert services.create_insats(boss, forbund, **INSATS_FIELDS).pk


@pytest.mark.parametrize("who", ["manager", "registrator"])
def test_insats_scoped_users_and_board_cannot_create(request, who, forbund):
    user = request.getfixturevalue(who)
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    for u in (user, board):
        assert not selectors.manageable_forbund(u).exists()
        with pytest.raises(PermissionDenied):
            services.create_insats(u, forbund, **INSATS_FIELDS)


def test_create_rejects_end_before_start_and_foreign_team(forbund_admin, forbund, other_forbund):
    with pytest.raises(ValidationError) as e:
        services.create_insats(
            forbund_admin, forbund, **{**INSATS_FIELDS, "end_date": dt.date(2021, 12, 31)}
        )
    assert "end_date" in errors_of(e)
    foreign = Team.objects.create(forbund=other_forbund, name="Gävleteamet")
    with pytest.raises(ValidationError) as e:
        services.create_insats(forbund_admin, forbund, team=foreign, **INSATS_FIELDS)
    assert "team" in errors_of(e)
    assert Insats.objects.filter(forbund=forbund).count() == 0


def test_create_rejects_structural_with_personal_data_and_duplicate_name(forbund_admin, insats):
    with pytest.raises(ValidationError) as e:
        services.create_insats(
            forbund_admin,
            insats.forbund,
            **{**INSATS_FIELDS, "follow_up_method": FollowUpMethod.PERSONAL},
        )
    assert "follow_up_method" in errors_of(e)
    with pytest.raises(ValidationError):
        services.create_insats(
            forbund_admin, insats.forbund, **{**INSATS_FIELDS, "name": insats.name}
        )
    assert Insats.objects.count() == 1


def test_manager_updates_own_insats_not_another(manager, insats, other_insats):
    services.update_insats(manager, insats, target_group="Unga vuxna", trial_period_months=3)
    insats.refresh_from_db()
    assert (insats.target_group, insats.trial_period_months) == ("Unga vuxna", 3)
    with pytest.raises(PermissionDenied):
        services.update_insats(manager, other_insats, name="Kapad")
    other_insats.refresh_from_db()
    assert other_insats.name == "Mottagningsteamet Hedemora"


def test_registrator_cannot_manage(registrator, insats):
    with pytest.raises(PermissionDenied):
        services.update_insats(registrator, insats, name="X")
    with pytest.raises(PermissionDenied):
        services.set_insats_year(registrator, insats, 2022, 50)
    assert not InsatsYear.objects.exists()


def test_method_cannot_change_once_participants_registered(registrator, manager, insats):
    enrol(registrator, insats)
    with pytest.raises(ValidationError) as e:
        services.update_insats(manager, Insats.objects.get(pk=insats.pk), follow_up_method="volume")
    assert "follow_up_method" in errors_of(e)
    assert Insats.objects.get(pk=insats.pk).follow_up_method == FollowUpMethod.PERSONAL


# --- plan, budget, financing ---------------------------------------------------------


def test_insats_year_update_or_create(manager, insats):
    services.set_insats_year(manager, insats, 2022, 45)
    services.set_insats_year(manager, insats, 2022, 50)
    assert InsatsYear.objects.get(insats=insats, year=2022).budgeted_participants == 50
    for year, n in [(2022, -1), (1999, 10)]:
        with pytest.raises(ValidationError):
            services.set_insats_year(manager, insats, year, n)
    assert InsatsYear.objects.get().budgeted_participants == 50


def test_budget_line_update_or_create_and_scope(manager, insats, other_insats):
    staff_cost = code(CostCategory, "egen-personal")
    services.set_budget_line(manager, insats, 2022, staff_cost, 2_000_000, None)
    line = services.set_budget_line(manager, insats, 2022, staff_cost, 2_000_000, 1_923_361)
    assert BudgetLine.objects.get().outcome == 1_923_361 == line.outcome
    with pytest.raises(ValidationError) as e:
        services.set_budget_line(manager, insats, 2022, staff_cost, -5, 10)
    assert "budget" in errors_of(e)
    with pytest.raises(ValidationError) as e:
        services.set_budget_line(manager, insats, 2022, staff_cost, 5, -10)
    assert "outcome" in errors_of(e)
    with pytest.raises(PermissionDenied):
        services.set_budget_line(manager, other_insats, 2022, staff_cost, 1, 1)
    assert BudgetLine.objects.get().budget == 2_000_000
    services.delete_budget_line(manager, line)
    assert not BudgetLine.objects.exists()


def test_budget_totals_of_seed_002(manager, insats):
    for category, planned, spent in SEED_002_BUDGET:
        services.set_budget_line(
            manager, insats, 2022, code(CostCategory, category), planned, spent
        )
    budget = selectors.budget_for_year(insats, 2022)
    assert (budget.total_budget, budget.total_outcome, budget.total_remaining) == (
        2_300_000,
        2_152_194,
        147_806,
    )
    remaining = {line.category.code: line.remaining for line in budget.lines}
    assert remaining["ovriga"] == -19_875
    assert remaining["egen-personal"] == 76_639


SEED_002_BUDGET = [
    ("egen-personal", 2_000_000, 1_923_361),
    ("externa-tjanster", 150_000, 90_498),
    ("lokaler", 40_000, 8_460),
    ("ovriga", 110_000, 129_875),
]


def test_financing_party_must_belong_to_forbund(manager, insats, other_forbund):
    fk = MemberParty.objects.get(forbund=insats.forbund, kind="fk")
    services.set_financing(manager, insats, 2022, fk, 1_150_000)
    services.set_financing(manager, insats, 2022, fk, 1_100_000)
    assert Financing.objects.get().amount == 1_100_000
    foreign = MemberParty.objects.get(forbund=other_forbund, kind="fk")
    with pytest.raises(ValidationError) as e:
        services.set_financing(manager, insats, 2022, foreign, 100)
    assert "party" in errors_of(e)
    with pytest.raises(ValidationError) as e:
        services.set_financing(manager, insats, 2022, fk, -100)
    assert "amount" in errors_of(e)
    assert Financing.objects.count() == 1
    services.delete_financing(manager, Financing.objects.get())
    assert not Financing.objects.exists()


# --- staff ---------------------------------------------------------------------------


def staff_fields(**overrides):
    values = {
        "name": "Anna Coach",
        "role": "Coach",
        "fte_percent": Decimal(100),
        "employer": None,
        "start_date": dt.date(2020, 1, 1),
    }
    values.update(overrides)
    return values


def test_staff_add_update_end_delete(manager, insats):
    kommun = MemberParty.objects.get(forbund=insats.forbund, kind="af")
    staff = services.add_staff_member(manager, insats, **staff_fields(employer=kommun))
    services.update_staff_member(manager, staff, fte_percent=Decimal(80))
    services.end_staff_member(manager, staff, dt.date(2022, 8, 31))
    staff.refresh_from_db()
    assert (staff.fte_percent, staff.end_date) == (Decimal(80), dt.date(2022, 8, 31))
    today = dt.date(2023, 1, 1)
    assert not selectors.current_staff(insats, today).exists()
    services.delete_staff_member(manager, staff)
    assert not StaffMember.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"fte_percent": Decimal(101)}, "fte_percent"),
        ({"fte_percent": Decimal(-1)}, "fte_percent"),
        ({"end_date": dt.date(2019, 12, 31)}, "end_date"),
        ({"name": ""}, "name"),
    ],
)
def test_staff_validation(manager, insats, overrides, field):
    with pytest.raises(ValidationError) as e:
        services.add_staff_member(manager, insats, **staff_fields(**overrides))
    assert field in errors_of(e)
    assert not StaffMember.objects.exists()


def test_staff_employer_of_other_forbund_and_scope(manager, insats, other_insats, other_forbund):
    foreign = MemberParty.objects.get(forbund=other_forbund, kind="af")
    with pytest.raises(ValidationError) as e:
        services.add_staff_member(manager, insats, **staff_fields(employer=foreign))
    assert "employer" in errors_of(e)
    with pytest.raises(PermissionDenied):
        services.add_staff_member(manager, other_insats, **staff_fields())
    theirs = StaffMember.objects.create(insats=other_insats, **staff_fields())
    with pytest.raises(PermissionDenied):
        services.end_staff_member(manager, theirs, dt.date(2022, 1, 1))
    with pytest.raises(PermissionDenied):
        services.delete_staff_member(manager, theirs)
    assert StaffMember.objects.get().end_date is None


def test_staff_fte_sum_per_party(manager, insats):
    af = MemberParty.objects.get(forbund=insats.forbund, kind="af")
    fk = MemberParty.objects.get(forbund=insats.forbund, kind="fk")
    services.add_staff_member(manager, insats, **staff_fields(name="A", employer=af))
    services.add_staff_member(manager, insats, **staff_fields(name="B", employer=af))
    services.add_staff_member(
        manager, insats, **staff_fields(name="C", employer=af, fte_percent=Decimal(80))
    )
    services.add_staff_member(
        manager, insats, **staff_fields(name="D", employer=fk, fte_percent=Decimal("12.5"))
    )
    services.add_staff_member(
        manager, insats, **staff_fields(name="E", end_date=dt.date(2021, 6, 30))
    )
    today = dt.date(2022, 12, 31)
    per_party = {
        row["employer__name"]: row["fte"] for row in selectors.fte_per_party(insats, today)
    }
    assert per_party == {"Arbetsförmedlingen": Decimal(280), "Försäkringskassan": Decimal("12.5")}
    figures = selectors.key_figures(insats, today)
    assert (figures.staff_fte, figures.staff_count) == (Decimal("292.5"), 4)


# --- key figures ---------------------------------------------------------------------


def test_key_figures_ignore_wrong_registrations(registrator, manager, insats):
    from samspar.codelists.models import EndReason
    from samspar.registry import services as registry

    for birth, start in [(dt.date(1985, 1, 2), dt.date(2021, 3, 1)), (dt.date(1986, 1, 2), None)]:
        enrol(
            registrator,
            insats,
            personnummer_text=make_pnr(birth, man=False),
            start_date=start or dt.date(2022, 4, 1),
        )
    ended = enrol(
        registrator,
        insats,
        personnummer_text=make_pnr(dt.date(1987, 1, 2), man=True),
        start_date=dt.date(2022, 2, 1),
    )
    registry.end_enrolment(
        user=registrator,
        enrolment=ended,
        end_date=dt.date(2022, 5, 31),
        end_reason=code(EndReason, "arbete"),
    )
    wrong = enrol(
        registrator,
        insats,
        personnummer_text=make_pnr(dt.date(1988, 1, 2), man=True),
        start_date=dt.date(2022, 5, 1),
    )
    registry.end_enrolment(
        user=registrator,
        enrolment=wrong,
        end_date=dt.date(2022, 5, 2),
        end_reason=code(EndReason, "felregistrering"),
    )
    services.set_insats_year(manager, insats, 2022, 45)
    figures = selectors.key_figures(insats, dt.date(2022, 6, 1))
    assert figures.active_today == 2  # the one from 2021 and the one from April
    assert figures.started_this_year == 2  # April and February, not the wrong registration
    assert figures.ended_this_year == 1
    assert figures.budgeted_this_year == 45


def test_key_figures_count_across_the_turn_of_the_year(registrator, insats):
    """Only enrolments open on the 1st of January can count (the query reads no earlier
    years); one that ended on the 31st of December counts nowhere, one that ended on the
    1st of January has ended this year, one from an earlier year still open is active."""
    from samspar.codelists.models import EndReason
    from samspar.registry import services as registry

    def enrolment(day: int, start: dt.date, end: dt.date | None) -> None:
        made = enrol(
            registrator,
            insats,
            personnummer_text=make_pnr(dt.date(1980, 1, day), man=day % 2 == 0),
            start_date=start,
        )
        if end is not None:
            registry.end_enrolment(
                user=registrator, enrolment=made, end_date=end, end_reason=code(EndReason, "arbete")
            )

    enrolment(1, dt.date(2019, 3, 1), dt.date(2020, 6, 30))  # years ago
    enrolment(2, dt.date(2021, 3, 1), dt.date(2021, 12, 31))  # the day before the year
    enrolment(3, dt.date(2021, 3, 1), dt.date(2022, 1, 1))  # the year's first day
    enrolment(4, dt.date(2020, 3, 1), None)  # open since an earlier year
    enrolment(5, dt.date(2022, 2, 1), None)  # this year
    figures = selectors.key_figures(insats, dt.date(2022, 6, 1))
    assert figures.active_today == 2
    assert figures.started_this_year == 1
    assert figures.ended_this_year == 1
