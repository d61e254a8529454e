"""Evaluations and standard values through the services and selectors, on the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samspar.access.scoping import Action, Role
from samspar.codelists import models as codes
from samspar.economics import seed004, selectors, services, typecases
from samspar.economics.decimal_text import plain_number as shown
from samspar.economics.defaults import shipped_sets
from samspar.economics.model import Grade, Perspective
from samspar.economics.models import NYTTOSAM, Evaluation, Method, StandardValueSet
from samspar.registry.models import Enrolment
from samspar.registry.services import end_enrolment
from tests.factories import code, enrol, make_forbund, make_insats, make_pnr, make_user

MKR = 1_000_000


def shipped(year=2025):
    return StandardValueSet.objects.get(forbund=None, price_year=year)


def seed_groups():
    return typecases.group_rows()


def type_case(forbund, value_set, **fields):
    values = {
        "forbund": forbund,
        "name": "Samverkansteamet",
        "method": Method.TYPE_CASES,
        "value_set": value_set,
        "participants": 81,
        "cost": 6_000_000,
        "actor_cost": seed004.ACTOR_COST.value,
        "wage_subsidy_ceiling": seed004.WAGE_SUBSIDY_CEILING,
        "before_supply": typecases.before_supply(),
        "before_resources": dict(seed004.RESOURCE_USE),
        **NYTTOSAM,
    }
    values.update(fields)
    return Evaluation(**values)


def seed_levels(user, forbund):
    """The förbund's version of the shipped 2025 set with seed 004's own values."""
    changes = {
        v.key: services.ValueChange(Decimal(str(v.amount)), v.grade.value, v.source)
        for v in seed004.calibrated_set().values
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


def _end(
    user,
    insats,
    pnr_day,
    reason,
    supply_after,
    *,
    before=("forsorjningsstod", "sjukpenning"),
    worked=None,
    end_date=dt.date(2024, 3, 1),
    **fields,
):
    start = {}
    if worked is not None:
        start = {
            "occupation_before": codes.OccupationType.objects.get(code="arbete"),
            "occupation_before_percent": worked,
        }
    enrolment = enrol(
        user,
        insats,
        personnummer_text=make_pnr(dt.date(1985, 1, pnr_day), man=pnr_day % 2 == 0),
        supply_before=[code(codes.SupplyType, c) for c in before],
        start_date=dt.date(2023, 2, 1),
        consent_date=dt.date(2023, 2, 1),
        **start,
    )
    return end_enrolment(
        user=user,
        enrolment=enrolment,
        end_date=end_date,
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
    # every change here is shared by fewer than the threshold of 5: none is counted
    # (docs/economics.md, "Small groups"; tests/test_economics_privacy.py)
    assert report.result.society.revenue == 0
    assert all(i.change == 0 for i in report.result.items)
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
    (message,) = error.value.messages
    assert "Färre än 5 deltagare" in message and "3" not in message  # a small count
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


def individuals(forbund, insats, **fields):
    values = {
        "forbund": forbund,
        "insats": insats,
        "name": "Individer 2024",
        "method": Method.INDIVIDUALS,
        "value_set": shipped(),
        "period_start": dt.date(2024, 1, 1),
        "period_end": dt.date(2024, 12, 31),
        "cost": 500_000,
        "before_resources": {"care_visit_primary": 10},
        **NYTTOSAM,
    }
    values.update(fields)
    return Evaluation(**values)


def entry(work_extent, wage_subsidy, resource_factor):
    return selectors.MappingEntry(
        Decimal(work_extent), Decimal(wage_subsidy), Decimal(resource_factor)
    )


def _works(extent):
    return {
        "occupation_after": codes.OccupationType.objects.get(code="arbete"),
        "occupation_after_percent": extent,
        "works_after": True,
    }


def test_work_before_is_subtracted(forbund, insats, registrator, forbund_admin):
    # Five who worked half time before and half time after: no new production.
    for day in range(1, 6):
        _end(
            registrator,
            insats,
            day,
            "arbete",
            ["lon", "sjukpenning"],
            before=("lon", "sjukpenning"),
            worked=50,
            **_works(50),
        )
    saved = services.save_evaluation(
        user=forbund_admin, evaluation=individuals(forbund, insats, before_resources={})
    )
    (cohort,) = selectors.individual_cohorts(saved)
    assert cohort.count == 5
    assert cohort.before.work_extent == 0.5 and cohort.before.supply == {"sjukpenning": 0.5}
    # "lön + sjukpenning, 50 %": sjukpenning for the half not worked, not in full
    assert cohort.after.work_extent == 0.5 and cohort.after.supply == {"sjukpenning": 0.5}
    report = selectors.evaluation_report(saved, with_simulation=False)
    assert report.result.society.revenue == pytest.approx(0)
    assert all(i.change == pytest.approx(0) for i in report.result.items)


def test_benefits_share_the_time_not_worked(forbund, insats, registrator, forbund_admin):
    for day in range(1, 6):
        _end(registrator, insats, day, "arbete", ["lon", "sjukpenning"], **_works(50))
    saved = services.save_evaluation(user=forbund_admin, evaluation=individuals(forbund, insats))
    (cohort,) = selectors.individual_cohorts(saved)
    assert cohort.before.work_extent == 0
    assert cohort.before.supply == {"forsorjningsstod": 0.5, "sjukpenning": 0.5}
    assert cohort.after.supply == {"sjukpenning": 0.5}
    assert cohort.after.work_extent == 0.5 and cohort.after.wage_subsidy == 0


def test_the_mapping_is_a_table_per_evaluation(forbund, insats, registrator, forbund_admin):
    for day in range(1, 4):
        _end(registrator, insats, day, "studier", ["studiemedel"])
    for day in range(4, 6):
        _end(registrator, insats, day, "arbete-med-stod", [])  # no extent registered
    saved = services.save_evaluation(user=forbund_admin, evaluation=individuals(forbund, insats))
    defaults = selectors.evaluation_mapping(saved)
    assert defaults["arbete-med-stod"] == entry(100, 50, 80)
    assert defaults["studier"] == entry(0, 0, 90)
    assert defaults["arbetssokande"] == entry(0, 0, 100)
    assert saved.mapping_rows.count() == len(defaults)
    cohorts = {c.count: c for c in selectors.individual_cohorts(saved)}
    assert cohorts[2].after.work_extent == 1.0 and cohorts[2].after.wage_subsidy == 0.5
    assert cohorts[3].after.work_extent == 0
    assert cohorts[3].after.resource_use == {"care_visit_primary": 9.0}

    # studies count as a quarter of work here, and work with support at 80 % subsidy
    services.save_evaluation(
        user=forbund_admin,
        evaluation=saved,
        mapping={
            "studier": entry(25, 0, 100),
            "arbete-med-stod": entry(75, 80, 80),
        },
    )
    cohorts = {c.count: c for c in selectors.individual_cohorts(saved)}
    assert cohorts[3].after.work_extent == 0.25 and cohorts[3].after.supply == {"studiemedel": 0.75}
    assert cohorts[2].after.work_extent == 0.75 and cohorts[2].after.wage_subsidy == 0.8
    report = selectors.evaluation_report(saved, with_simulation=False)
    shown = {m.code: m for m in report.mapping}
    assert shown["studier"].work_extent == 25 and shown["arbete"].work_extent == 100
    (changes,) = [e.changes for e in selectors.evaluation_history(saved) if not e.created]
    labels = {c.label: (c.old, c.new) for c in changes}
    assert labels["Studier: Arbetsomfattning efter, när ingen är registrerad (%)"] == ("0", "25")


def test_a_bad_mapping_saves_nothing(forbund, insats, registrator, forbund_admin):
    for day in range(1, 6):
        _end(registrator, insats, day, "studier", ["studiemedel"])
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(
            user=forbund_admin,
            evaluation=individuals(forbund, insats),
            mapping={"studier": entry(120, 0, 100)},
        )
    assert list(error.value.message_dict) == ["mapping.studier.work_extent"]
    assert not Evaluation.objects.exists()


def test_an_evaluation_made_keeps_its_registry_data(forbund, insats, registrator, forbund_admin):
    for day in range(1, 6):
        _end(registrator, insats, day, "ersattning", ["sjukersattning"])
    saved = services.save_evaluation(user=forbund_admin, evaluation=individuals(forbund, insats))
    read_at = saved.registry_as_of
    assert read_at is not None and selectors.profile_count(saved) == 5
    first = selectors.evaluation_report(saved, with_simulation=False).result.society.revenue
    assert not selectors.registry_changed(saved, forbund_admin)

    # the registry changes: five more ended in the period (one more would single
    # them out: tests/test_economics_privacy.py)
    for day in range(6, 11):
        _end(registrator, insats, day, "arbete", [], **_works(100))
    saved = Evaluation.objects.get(pk=saved.pk)
    report = selectors.evaluation_report(saved, with_simulation=False)
    assert report.result.participants == 5 and report.result.society.revenue == first
    assert report.registry_as_of == read_at
    assert selectors.registry_changed(saved, forbund_admin)
    # editing another input keeps what was read
    saved.cost = 600_000
    services.save_evaluation(user=forbund_admin, evaluation=saved)
    assert Evaluation.objects.get(pk=saved.pk).registry_as_of == read_at

    refreshed = services.refresh_from_registry(user=forbund_admin, evaluation=saved)
    assert selectors.profile_count(refreshed) == 10 and refreshed.registry_as_of > read_at
    assert not selectors.registry_changed(refreshed, forbund_admin)
    newest = selectors.evaluation_history(refreshed)[0]
    labels = {c.label: (c.old, c.new) for c in newest.changes}
    assert labels["Deltagare från registret"] == ("5", "10")
    assert "Beräknad från registret per" in labels


def test_the_registry_is_read_only_as_far_as_the_reader_may_manage_it(
    forbund, insats, registrator, manager, forbund_admin
):
    """Issue 9, item 15: an evaluation's participants are read through the reader's
    MANAGE scope, never the whole registry. Another förbund's administrator, the
    manager of another insats, the registrator (personal data, but no MANAGE) and a
    board member read no participant and are not told the registry has changed; the
    insats's manager and the förbund's administrator read them all."""
    for day in range(1, 6):
        _end(registrator, insats, day, "ersattning", ["sjukersattning"])
    saved = services.save_evaluation(user=forbund_admin, evaluation=individuals(forbund, insats))
    where = (insats.pk, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    others = [
        make_user("annan", Role.FORBUND_ADMIN, forbund=make_forbund("Sydnärke", "18")),
        make_user("granne", Role.INSATS_MANAGER, insats=make_insats(forbund, "Grannteamet")),
        registrator,
        make_user("styrelse", Role.BOARD, forbund=forbund),
    ]
    for user in (manager, forbund_admin):
        managed = Enrolment.objects.restrict(user, Action.MANAGE)
        assert sum(p.count for p in selectors.registry_profiles(managed, *where)) == 5
        assert selectors.registry_population(managed, *where) == saved.population
    for user in others:
        managed = Enrolment.objects.restrict(user, Action.MANAGE)
        assert selectors.registry_profiles(managed, *where) == []
        assert selectors.registry_population(managed, *where) == []

    # five more ended in the period: only those who may compute it again are told
    for day in range(6, 11):
        _end(registrator, insats, day, "arbete", [], **_works(100))
    assert selectors.registry_changed(saved, manager)
    assert not any(selectors.registry_changed(saved, user) for user in others)
    # and reading it again is refused to them, nothing read
    for user in others:
        with pytest.raises(PermissionDenied):
            services.refresh_from_registry(user=user, evaluation=saved)
    assert selectors.profile_count(Evaluation.objects.get(pk=saved.pk)) == 5


def test_the_history_of_a_type_case_evaluation(forbund, forbund_admin):
    saved = services.save_evaluation(
        user=forbund_admin, evaluation=type_case(forbund, shipped()), groups=seed_groups()
    )
    groups = seed_groups()
    new_share = Decimal(str(100 - seed004.PERCENT[2])).quantize(Decimal("0.01"))
    groups[0]["share"] = new_share
    del groups[1]  # group 2's participants go to group 1
    saved.cost = 5_000_000
    services.save_evaluation(user=forbund_admin, evaluation=saved, groups=groups)
    history = selectors.evaluation_history(saved)
    assert [e.created for e in history] == [False, True]  # newest first
    edit = history[0]
    assert edit.user == forbund_admin.get_username()
    labels = {c.label: (c.old, c.new) for c in edit.changes}
    assert labels["Insatsens kostnad (kr)"] == ("6\xa0000\xa0000", "5\xa0000\xa0000")
    assert labels["Grupp 1: Andel av deltagarna (%)"] == (
        shown(seed004.PERCENT[0]),
        shown(new_share),
    )
    assert labels["Grupp 2: Namn"] == (
        "Mår bättre men klarar inte arbete",
        "Har inte förbättrat sig",
    )
    third = f"Har inte förbättrat sig, {shown(seed004.PERCENT[2])}\N{NO-BREAK SPACE}%"
    assert labels["Grupp 3"] == (third, "–")
    assert saved.groups.count() == 2


def test_monte_carlo_ranges_reach_the_model(forbund, forbund_admin):
    fixed = services.save_evaluation(
        user=forbund_admin,
        evaluation=type_case(forbund, shipped(), deadweight=Decimal(10), draws=2000),
        groups=seed_groups(),
    )
    ranged = services.save_evaluation(
        user=forbund_admin,
        evaluation=type_case(
            forbund,
            shipped(),
            name="Med intervall",
            deadweight=Decimal(10),
            deadweight_low=Decimal(0),
            deadweight_high=Decimal(60),
            spread_c=Decimal(40),
            draws=2000,
        ),
        groups=seed_groups(),
    )
    uncertainty = selectors.model_uncertainty(ranged)
    assert uncertainty.deadweight == (0, 0.6) and uncertainty.attribution is None
    assert uncertainty.spreads[Grade.C] == 0.4 and uncertainty.spreads[Grade.A] == 0.02
    assert uncertainty.resample_participants
    fixed_counts = type_case(forbund, shipped(), resample_participants=False)
    assert not selectors.model_uncertainty(fixed_counts).resample_participants

    def width(evaluation):
        band = selectors.evaluation_report(evaluation).simulation.revenue[Perspective.SOCIETY]
        return band.high80 - band.low80

    assert width(ranged) > width(fixed)


@pytest.mark.parametrize(
    ("bounds", "field"),
    [
        ({"deadweight_low": Decimal(15), "deadweight_high": Decimal(20)}, "deadweight_low"),
        ({"deadweight_low": Decimal(0)}, "deadweight_high"),
        ({"deadweight_high": Decimal(5)}, "deadweight_low"),
    ],
)
def test_a_range_must_hold_the_value(forbund, forbund_admin, bounds, field):
    evaluation = type_case(forbund, shipped(), deadweight=Decimal(10), **bounds)
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(user=forbund_admin, evaluation=evaluation, groups=seed_groups())
    assert list(error.value.message_dict) == [field]
    assert not Evaluation.objects.exists()


def test_a_new_evaluation_starts_from_the_counterfactual(forbund, forbund_admin):
    """Deadweight 30 % (20–50), attribution 20 % (10–30), displacement 30 % (0–65):
    the fields' defaults reach the model and its Monte Carlo (docs/economics.md, "The
    counterfactual")."""
    evaluation = Evaluation(
        forbund=forbund,
        name="Ny",
        method=Method.TYPE_CASES,
        value_set=shipped(),
        participants=81,
        cost=6_000_000,
        actor_cost=seed004.ACTOR_COST.value,
        wage_subsidy_ceiling=seed004.WAGE_SUBSIDY_CEILING,
        before_supply=typecases.before_supply(),
        before_resources=dict(seed004.RESOURCE_USE),
    )
    saved = services.save_evaluation(
        user=forbund_admin, evaluation=evaluation, groups=seed_groups()
    )
    inputs = selectors.model_evaluation(saved)
    assert (inputs.deadweight, inputs.attribution, inputs.displacement) == (0.3, 0.2, 0.3)
    uncertainty = selectors.model_uncertainty(saved)
    assert uncertainty.deadweight == (0.2, 0.5)
    assert uncertainty.attribution == (0.1, 0.3)
    assert uncertainty.displacement == (0.0, 0.65)
    plain = selectors.evaluation_report(
        services.save_evaluation(
            user=forbund_admin,
            evaluation=type_case(forbund, shipped(), name="NyttoSam"),
            groups=seed_groups(),
        ),
        with_simulation=False,
    ).result.society.revenue
    counterfactual = selectors.evaluation_report(saved, with_simulation=False)
    # Seed 004's society revenue comes from the cohort at work alone: 0,7 · 0,8 · 0,7 of it,
    # in consumer prices (× the indirect-tax factor 1,25, as the cost).
    assert inputs.consumer_prices and inputs.actor_cost == "nominal"
    assert counterfactual.result.society.revenue == pytest.approx(plain * 0.7 * 0.8 * 0.7 * 1.25)


def test_the_database_holds_ranges_around_the_value(forbund):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        type_case(forbund, shipped(), drop_off=Decimal(5), drop_off_low=6, drop_off_high=9).save()


def test_discounting_is_switched_on_with_the_green_book_rate(forbund, forbund_admin):
    plain = type_case(forbund, shipped())
    assert plain.discount_rate == Decimal("3.5") and not plain.discounting
    assert selectors.model_evaluation(plain, []).discount_rate == 0
    discounted = type_case(forbund, shipped(), discounting=True)
    assert selectors.model_evaluation(discounted, []).discount_rate == 0.035


def test_a_version_for_another_price_year(forbund, forbund_admin, manager):
    made = services.new_price_year_version(
        user=forbund_admin, forbund=forbund, base=shipped(2026), price_year=2027
    )
    assert (made.forbund, made.price_year, made.version, made.based_on) == (
        forbund,
        2027,
        1,
        shipped(2026),
    )
    assert made.values.get(key="prisbasbelopp").amount == 59_200  # to be brought up to 2027
    again = services.new_price_year_version(
        user=forbund_admin, forbund=forbund, base=made, price_year=2027
    )
    assert again.version == 2
    with pytest.raises(ValidationError):
        services.new_price_year_version(
            user=forbund_admin, forbund=forbund, base=made, price_year=1990
        )
    other = make_forbund("Sydnärke", "18")
    with pytest.raises(PermissionDenied):  # not the manager's förbund
        services.new_price_year_version(user=manager, forbund=forbund, base=made, price_year=2028)
    with pytest.raises(PermissionDenied):  # another förbund's set
        services.new_price_year_version(
            user=make_user("annan", Role.FORBUND_ADMIN, forbund=other),
            forbund=other,
            base=made,
            price_year=2028,
        )


def test_a_wage_subsidy_needs_work(forbund, forbund_admin, insats, registrator):
    groups = seed_groups()
    groups[1]["wage_subsidy"] = Decimal(50)  # "Mår bättre men klarar inte arbete"
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(
            user=forbund_admin, evaluation=type_case(forbund, shipped()), groups=groups
        )
    assert list(error.value.message_dict) == ["groups.1.wage_subsidy"]
    assert not Evaluation.objects.exists()
    # individuals: an end reason's subsidy applies only to those who work
    for day in range(1, 6):
        _end(registrator, insats, day, "annan-rehab", ["aktivitetsstod"])
    saved = services.save_evaluation(
        user=forbund_admin,
        evaluation=individuals(forbund, insats),
        mapping={"annan-rehab": entry(0, 50, 100)},
    )
    (cohort,) = selectors.individual_cohorts(saved)
    assert cohort.after.work_extent == 0 and cohort.after.wage_subsidy == 0
