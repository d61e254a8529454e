"""Drop-off measured by the follow-ups after exit (issue 12, #1; DOMAIN.md §5): of those
who worked or studied at the end and were reached at a follow-up, how many still do —
the yearly drop-off an evaluation uses instead of an assumption where enough exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from samspar.access.scoping import Role
from samspar.codelists.models import EndReason
from samspar.economics import selectors as economics
from samspar.economics import services
from samspar.economics.models import Evaluation, StandardValueSet
from samspar.economics.output.tables import assumptions_table
from samspar.economics.persistence import MIN_REACHED, MeasuredDropOff, measured_drop_off
from samspar.registry import services as registry
from samspar.registry.models import Enrolment
from tests.factories import (
    code,
    ended_enrolment,
    make_forbund,
    make_insats,
    make_type_case_evaluation,
    make_user,
)


def test_the_yearly_drop_off_follows_from_the_persistence_at_the_point():
    """30 of 40 still work: a quarter lost in a year at 12 months; at 6 months the same
    persistence is lost twice a year, 1 − 0.75² = 43.75 %."""
    assert MeasuredDropOff(12, 40, 30).drop_off == Decimal("25.00")
    assert MeasuredDropOff(6, 40, 30).drop_off == Decimal("43.75")
    assert MeasuredDropOff(24, 40, 30).drop_off == Decimal("13.40")  # 1 − √0.75
    assert MeasuredDropOff(12, 40, 40).drop_off == Decimal("0.00")


@given(
    months=st.sampled_from([3, 6, 12, 24]),
    reached=st.integers(MIN_REACHED, 500),
    share=st.floats(0, 1),
)
def test_the_range_holds_the_drop_off_and_narrows_with_more_follow_ups(months, reached, share):
    kept = round(share * reached)
    measured = MeasuredDropOff(months, reached, kept)
    low, high = measured.interval
    assert Decimal(0) <= low <= measured.drop_off <= high <= Decimal(100)
    larger = MeasuredDropOff(months, reached * 4, kept * 4)
    assert larger.interval[1] - larger.interval[0] <= high - low


@pytest.fixture
def world(db):
    forbund = make_forbund()
    insats = make_insats(forbund, start=dt.date(2015, 1, 1))
    coach = make_user("coach", Role.REGISTRATOR, insats=insats)
    admin = make_user("admin", Role.FORBUND_ADMIN, forbund=forbund)
    return forbund, insats, coach, admin


def _followed(coach, insats, n, *, months, still, at_end=True, reached=True, **end_fields):
    end = dt.date(2023, 1, 10) + dt.timedelta(days=n)
    enrolment = ended_enrolment(coach, insats, end, n=n, works_after=at_end, **end_fields)
    registry.register_follow_up(
        user=coach,
        enrolment=enrolment,
        months_after=months,
        date=end + dt.timedelta(days=31 * months),
        reached=reached,
        works=still and reached,
    )
    return enrolment


def _population(world, kept, lost, *, months=12):
    _forbund, insats, coach, _admin = world
    for i in range(kept + lost):
        _followed(coach, insats, i, months=months, still=i < kept)


def test_the_drop_off_is_measured_on_those_who_worked_at_the_end_and_were_reached(world):
    """20 of 25 still work at 12 months: 20 %. Not counted: one who did not work at
    the end, an early dropout, one not reached, a wrong registration."""
    _forbund, insats, coach, _admin = world
    _population(world, 20, 5)
    _followed(coach, insats, 100, months=12, still=True, at_end=False)
    _followed(coach, insats, 102, months=12, still=False, reached=False)
    # Corrected after their follow-ups were registered (or imported so).
    dropout = _followed(coach, insats, 101, months=12, still=False)
    Enrolment.objects.filter(pk=dropout.pk).update(early_dropout=True)
    wrong = _followed(coach, insats, 103, months=12, still=False)
    Enrolment.objects.filter(pk=wrong.pk).update(end_reason=code(EndReason, "felregistrering"))
    measured = measured_drop_off(Enrolment.objects.all())
    assert measured == MeasuredDropOff(12, 25, 20)
    assert measured.drop_off == Decimal("20.00")


def test_the_longest_point_with_enough_reached_is_used(world):
    """19 reached at 12 months are too few; the 20 at 6 months are used."""
    _forbund, insats, coach, _admin = world
    for i in range(MIN_REACHED - 1):
        _followed(coach, insats, i, months=12, still=True)
    for i in range(MIN_REACHED):
        _followed(coach, insats, 50 + i, months=6, still=i % 2 == 0)
    assert measured_drop_off(Enrolment.objects.all()) == MeasuredDropOff(6, 20, 10)
    assert measured_drop_off(Enrolment.objects.filter(pk__lt=0)) is None


def test_an_evaluation_takes_its_drop_off_and_range_from_the_follow_ups(world):
    forbund, _insats, _coach, admin = world
    _population(world, 20, 5)
    value_set = StandardValueSet.objects.get(forbund=None, price_year=2025)
    evaluation = make_type_case_evaluation(admin, forbund, value_set)
    evaluation.drop_off_measured = True
    services.save_evaluation(user=admin, evaluation=evaluation, groups=_groups(evaluation))
    stored = Evaluation.objects.get(pk=evaluation.pk)
    assert stored.drop_off == Decimal("20.00")
    assert stored.drop_off_low < Decimal("20.00") < stored.drop_off_high
    assert stored.drop_off_basis == {"months": 12, "reached": 25, "kept": 20}
    report = economics.evaluation_report(stored)
    row = dict((str(r[0]), str(r[1])) for r in assumptions_table(report).rows)
    assert "av 25 som arbetade eller studerade vid avslutet" in row["Avtagande effekt per år"]
    assert report.evaluation.drop_off == pytest.approx(0.20)


def test_too_few_follow_ups_are_refused_at_the_choice(world):
    forbund, _insats, _coach, admin = world
    _population(world, 10, 5)
    value_set = StandardValueSet.objects.get(forbund=None, price_year=2025)
    evaluation = make_type_case_evaluation(admin, forbund, value_set)
    evaluation.drop_off_measured = True
    with pytest.raises(ValidationError) as caught:
        services.save_evaluation(user=admin, evaluation=evaluation, groups=_groups(evaluation))
    assert "Färre än 20" in caught.value.message_dict["drop_off_measured"][0]
    assert Evaluation.objects.get(pk=evaluation.pk).drop_off == Decimal(0)


def _groups(evaluation):
    return [{k: getattr(g, k) for k in services.GROUP_FIELDS} for g in evaluation.groups.all()]
