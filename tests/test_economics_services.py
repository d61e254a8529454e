"""Evaluations and standard values through the services and selectors, on the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.economics import seed004, selectors, services
from samspar.economics.defaults import shipped_sets
from samspar.economics.model import Perspective
from samspar.economics.models import Evaluation, Method, StandardValueSet
from samspar.registry.services import end_enrolment
from tests.factories import code, enrol, make_forbund, make_pnr, make_user

MKR = 1_000_000


def shipped(year=2025):
    return StandardValueSet.objects.get(forbund=None, price_year=year)


def seed_groups():
    return [
        {
            "name": name,
            "share": Decimal(str(share * 100)),
            "supply": {k: v * 100 for k, v in state.supply.items()},
            "work_extent": Decimal(str(state.work_extent * 100)),
            "wage_subsidy": Decimal(str(state.wage_subsidy * 100)),
            "resource_factor": Decimal(80 if state.work_extent else 100),
        }
        for name, share, state in seed004.GROUPS
    ]


def type_case(forbund, value_set, **fields):
    values = {
        "forbund": forbund,
        "name": "Samverkansteamet",
        "method": Method.TYPE_CASES,
        "value_set": value_set,
        "participants": 81,
        "cost": 6_000_000,
        "before_supply": {k: v * 100 for k, v in seed004.BEFORE.supply.items()},
        "before_resources": dict(seed004.RESOURCE_USE),
    }
    values.update(fields)
    return Evaluation(**values)


def seed_levels(user, forbund):
    changes = {
        key: services.ValueChange(Decimal(str(amount)), "C", "Seed 004")
        for key, amount in seed004.LEVELS.items()
    }
    return services.update_standard_values(
        user=user, forbund=forbund, value_set=shipped(), changes=changes
    )


def test_shipped_standard_values_are_loaded(db):
    for year, expected in shipped_sets().items():
        value_set = shipped(year)
        rows = {v.key: v for v in value_set.values.all()}
        assert set(rows) == {v.key for v in expected.values}
        assert all(v.source and v.unit and v.grade for v in rows.values())
    assert shipped(2025).values.get(key="prisbasbelopp").amount == 58_800
    assert shipped(2026).values.get(key="prisbasbelopp").amount == 59_200


def test_seed_004_through_the_database(forbund, forbund_admin):
    own = seed_levels(forbund_admin, forbund)
    evaluation = services.save_evaluation(
        user=forbund_admin, evaluation=type_case(forbund, own), groups=seed_groups()
    )
    report = selectors.evaluation_report(evaluation, with_simulation=False)
    society = report.result.society
    assert round(society.revenue / MKR, 1) == 2.6
    assert report.result.total_cost == pytest.approx(7.5 * MKR)
    assert 34 <= society.payback_months <= 36
    assert report.result.perspectives[Perspective.AF].payback_months is None
    assert [g.name for g in evaluation.groups.all()] == [name for name, _, _ in seed004.GROUPS]


def test_shares_that_do_not_sum_save_nothing(forbund, forbund_admin):
    groups = seed_groups()
    groups[0]["share"] = Decimal(10)
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(
            user=forbund_admin, evaluation=type_case(forbund, shipped()), groups=groups
        )
    assert "100" in " ".join(error.value.messages)
    assert not Evaluation.objects.exists()


def test_negative_cost_and_before_shares_are_refused(forbund, forbund_admin):
    evaluation = type_case(
        forbund, shipped(), before_supply={"sjukpenning": 60, "forsorjningsstod": 60}
    )
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(user=forbund_admin, evaluation=evaluation, groups=seed_groups())
    assert any("100" in m for m in error.value.messages)
    assert not Evaluation.objects.exists()


def test_a_missing_standard_value_is_named(forbund, forbund_admin):
    own = seed_levels(forbund_admin, forbund)
    own.values.filter(key="sjukpenning").delete()
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(
            user=forbund_admin, evaluation=type_case(forbund, own), groups=seed_groups()
        )
    (message,) = error.value.message_dict["value_set"]
    assert "Sjukpenning" in message and "2025" in message


def test_only_managers_of_the_forbund_save(forbund, insats, registrator):
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    other = make_user("annan", Role.FORBUND_ADMIN, forbund=make_forbund("Sydnärke", "18"))
    for user in (registrator, board, other):
        with pytest.raises(PermissionDenied):
            services.save_evaluation(
                user=user, evaluation=type_case(forbund, shipped()), groups=seed_groups()
            )


def test_who_sees_an_evaluation(forbund, insats, forbund_admin, registrator, manager):
    saved = services.save_evaluation(
        user=forbund_admin, evaluation=type_case(forbund, shipped()), groups=seed_groups()
    )
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    other = make_user("annan", Role.FORBUND_ADMIN, forbund=make_forbund("Sydnärke", "18"))
    assert list(selectors.evaluations(board)) == [saved]
    assert list(selectors.evaluations(other)) == []
    # an evaluation of the förbund as a whole is not an insats manager's
    assert list(selectors.evaluations(manager)) == []
    saved.insats = insats
    saved.save()
    assert list(selectors.evaluations(manager)) == [saved]
    assert list(selectors.evaluations(registrator)) == [saved]


def test_editing_values_never_changes_an_evaluation_already_made(forbund, forbund_admin):
    own = seed_levels(forbund_admin, forbund)
    assert own.forbund == forbund and own.based_on == shipped() and own.version == 1
    assert shipped().values.get(key="sjukpenning").amount == 17_500  # untouched
    # not used yet: edited in place
    change = {"average_wage": services.ValueChange(Decimal(38_000), "B", "SCB")}
    assert (
        services.update_standard_values(
            user=forbund_admin, forbund=forbund, value_set=own, changes=change
        )
        == own
    )
    evaluation = services.save_evaluation(
        user=forbund_admin, evaluation=type_case(forbund, own), groups=seed_groups()
    )
    before = selectors.evaluation_report(evaluation, with_simulation=False).result.society.revenue
    change = {"average_wage": services.ValueChange(Decimal(50_000), "B", "SCB")}
    newer = services.update_standard_values(
        user=forbund_admin, forbund=forbund, value_set=own, changes=change
    )
    assert newer != own and newer.version == 2
    evaluation.refresh_from_db()
    assert evaluation.value_set == own
    after = selectors.evaluation_report(evaluation, with_simulation=False).result.society.revenue
    assert after == before
    assert own.values.get(key="average_wage").amount == 38_000


def test_standard_values_refuse_negative_amounts_and_outsiders(forbund, forbund_admin, manager):
    bad = {"average_wage": services.ValueChange(Decimal(-1), "B", "x")}
    with pytest.raises(ValidationError):
        services.update_standard_values(
            user=forbund_admin, forbund=forbund, value_set=shipped(), changes=bad
        )
    assert StandardValueSet.objects.count() == 2
    ok = {"average_wage": services.ValueChange(Decimal(1), "B", "x")}
    with pytest.raises(PermissionDenied):
        services.update_standard_values(
            user=manager, forbund=forbund, value_set=shipped(), changes=ok
        )


def _end(user, insats, pnr_day, reason, supply_after, **fields):
    enrolment = enrol(
        user,
        insats,
        personnummer_text=make_pnr(dt.date(1985, 1, pnr_day), man=pnr_day % 2 == 0),
        supply_before=[code(codes.SupplyType, c) for c in ("forsorjningsstod", "sjukpenning")],
        start_date=dt.date(2023, 2, 1),
        consent_date=dt.date(2023, 2, 1),
    )
    return end_enrolment(
        user=user,
        enrolment=enrolment,
        end_date=dt.date(2024, 3, 1),
        end_reason=code(codes.EndReason, reason),
        supply_after=[code(codes.SupplyType, c) for c in supply_after],
        **fields,
    )


def test_individuals_become_cohorts_of_equal_profiles(forbund, insats, registrator, forbund_admin):
    work = codes.OccupationType.objects.get(code="arbete")
    for day in (1, 2):
        _end(
            registrator,
            insats,
            day,
            "arbete-med-stod",
            [],
            occupation_after=work,
            occupation_after_percent=50,
            works_after=True,
        )
    _end(registrator, insats, 3, "ersattning", ["sjukersattning"])
    for day in (5, 6, 7):
        _end(registrator, insats, day, "annan-rehab", ["aktivitetsstod"])
    _end(registrator, insats, 4, "felregistrering", [])
    evaluation = Evaluation(
        forbund=forbund,
        insats=insats,
        name="Individer 2024",
        method=Method.INDIVIDUALS,
        value_set=shipped(),
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        cost=500_000,
        before_resources={"care_visit_primary": 10},
    )
    saved = services.save_evaluation(user=forbund_admin, evaluation=evaluation)
    cohorts = {c.count: c for c in selectors.individual_cohorts(saved)}
    assert sorted(cohorts) == [1, 2, 3]  # the felregistrering does not count
    working = cohorts[2]
    assert working.before.supply == {"forsorjningsstod": 0.5, "sjukpenning": 0.5}
    assert working.after.work_extent == 0.5 and working.after.wage_subsidy == 0.5
    assert working.after.resource_use == {"care_visit_primary": 8.0}
    assert cohorts[1].after.supply == {"sjukersattning": 1.0}
    assert cohorts[1].after.work_extent == 0
    report = selectors.evaluation_report(saved, with_simulation=False)
    assert cohorts[3].after.supply == {"aktivitetsstod": 1.0}
    assert report.result.participants == 6
    assert report.result.society.revenue > 0
    assert not report.shows_cohorts  # no profile of one or two participants is shown


def test_individuals_below_the_forbunds_threshold_are_refused(
    forbund, insats, registrator, forbund_admin
):
    for day in (1, 2, 3):
        _end(registrator, insats, day, "ersattning", ["sjukersattning"])
    evaluation = Evaluation(
        forbund=forbund,
        insats=insats,
        name="För få",
        method=Method.INDIVIDUALS,
        value_set=shipped(),
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        cost=500_000,
    )
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(user=forbund_admin, evaluation=evaluation)
    assert "3" in error.value.messages[0] and "5" in error.value.messages[0]
    assert not Evaluation.objects.exists()


def test_individuals_without_anyone_ended_save_nothing(forbund, insats, forbund_admin):
    evaluation = Evaluation(
        forbund=forbund,
        insats=insats,
        name="Tomt",
        method=Method.INDIVIDUALS,
        value_set=shipped(),
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        cost=500_000,
    )
    with pytest.raises(ValidationError):
        services.save_evaluation(user=forbund_admin, evaluation=evaluation)
    assert not Evaluation.objects.exists()


def test_cost_shares_must_sum_to_100(forbund, forbund_admin):
    evaluation = type_case(forbund, shipped(), cost_share_kommun=Decimal(50))
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(user=forbund_admin, evaluation=evaluation, groups=seed_groups())
    assert any("100" in m for m in error.value.messages)
    assert not Evaluation.objects.exists()


def test_the_database_holds_the_cost_shares_to_100(forbund):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        type_case(forbund, shipped(), cost_share_af=Decimal(30)).save()
