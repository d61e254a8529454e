"""Follow-up after exit (issue 12, #1): when a follow-up is due, which are due for a
coach, and the services that register, correct and remove one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.core.months import add_months, latest_reaching
from samspar.organisation.models import Insats
from samspar.registry import follow_ups
from samspar.registry import services as registry
from samspar.registry.models import Enrolment, FollowUp
from tests.factories import (
    code,
    ended_enrolment,
    enrol,
    make_forbund,
    make_insats,
    make_pnr,
    make_user,
)

TODAY = dt.date(2025, 5, 15)


def test_a_month_later_is_the_same_day_or_the_months_last():
    assert add_months(dt.date(2024, 8, 31), 6) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 1, 15), 12) == dt.date(2025, 1, 15)
    assert add_months(dt.date(2025, 3, 31), -1) == dt.date(2025, 2, 28)


@given(
    end=st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)),
    day=st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31)),
    months=st.integers(1, 60),
)
def test_a_follow_up_is_due_by_a_day_exactly_when_the_end_is_on_or_before_its_latest(
    end, day, months
):
    """The database compares end dates with ``latest_reaching``; the pages compute the
    due date with ``add_months``: the two agree on every day."""
    assert (add_months(end, months) <= day) == (end <= latest_reaching(day, months))


@pytest.fixture
def world(db):
    forbund = make_forbund()
    insats = make_insats(forbund)
    coach = make_user("coach", Role.REGISTRATOR, insats=insats)
    return insats, coach


def _due(coach, today=TODAY) -> list[tuple[int, int, dt.date, bool]]:
    return [
        (d.enrolment.pk, d.months_after, d.due, d.upcoming)
        for d in follow_ups.due_for(coach, today)
    ]


def test_follow_ups_are_due_from_three_months_ago_to_a_month_ahead(world):
    """Due dates from 15 February (three months before 15 May) to 15 June are listed,
    by due date: the 6-month follow-up of an end on 15 August 2024 (due 15 February) and
    of one on 15 December 2024 (due 15 June, upcoming); not one due 14 February or 16
    June. The 12-month point has its own window."""
    insats, coach = world
    first = ended_enrolment(coach, insats, dt.date(2024, 8, 15), n=1)
    ended_enrolment(coach, insats, dt.date(2024, 8, 14), n=2)  # due 14 February: too late
    last = ended_enrolment(coach, insats, dt.date(2024, 12, 15), n=3)
    ended_enrolment(coach, insats, dt.date(2024, 12, 16), n=4)  # due 16 June: not yet
    year = ended_enrolment(coach, insats, dt.date(2024, 4, 30), n=5)  # 12 months: 30 April 2025
    assert _due(coach) == [
        (first.pk, 6, dt.date(2025, 2, 15), False),
        (year.pk, 12, dt.date(2025, 4, 30), False),
        (last.pk, 6, dt.date(2025, 6, 15), True),
    ]


def test_a_month_end_is_due_on_the_last_day_of_a_shorter_month(world):
    """31 August + 6 months is 28 February: due on the 28th, listed from a month before
    (28 January) to the last day whose three months back reach it (31 May)."""
    insats, coach = world
    enrolment = ended_enrolment(coach, insats, dt.date(2024, 8, 31), n=1)
    assert _due(coach, dt.date(2025, 1, 27)) == []
    assert _due(coach, dt.date(2025, 1, 28)) == [(enrolment.pk, 6, dt.date(2025, 2, 28), True)]
    assert _due(coach, dt.date(2025, 5, 31)) == [(enrolment.pk, 6, dt.date(2025, 2, 28), False)]
    assert _due(coach, dt.date(2025, 6, 1)) == []


def test_what_is_registered_early_dropouts_and_wrong_registrations_are_not_due(world):
    insats, coach = world
    done = ended_enrolment(coach, insats, dt.date(2024, 11, 1), n=1)
    ended_enrolment(coach, insats, dt.date(2024, 11, 2), n=2, early_dropout=True)
    ended_enrolment(coach, insats, dt.date(2024, 11, 3), reason="felregistrering", n=3)
    due = ended_enrolment(coach, insats, dt.date(2024, 11, 4), n=4)
    registry.register_follow_up(
        user=coach, enrolment=done, months_after=6, date=dt.date(2025, 5, 2), reached=False
    )
    assert [(pk, months) for pk, months, _d, _u in _due(coach)] == [(due.pk, 6)]


def test_each_insats_has_its_own_follow_up_points(world):
    """An insats that follows up after 3 months only, and one that does not follow up:
    the coach of both sees the 3-month point of the one, nothing of the other."""
    insats, coach = world
    insats.follow_up_months = [3]
    insats.save()
    other = make_insats(insats.forbund, "Ung framtid")
    other.follow_up_months = []
    other.save()
    coach_both = make_user("both", Role.REGISTRATOR, insats=other)
    coach_both.role_assignments.create(role=Role.REGISTRATOR, insats=insats)
    three = ended_enrolment(coach, insats, dt.date(2025, 2, 1), n=1)
    # 6 months after the next end (14 May) is not a point here.
    ended_enrolment(coach, insats, dt.date(2024, 11, 14), n=2)
    ended_enrolment(coach_both, other, dt.date(2024, 11, 15), n=3)
    assert _due(coach_both) == [(three.pk, 3, dt.date(2025, 5, 1), False)]


def test_a_coach_sees_only_the_follow_ups_of_insatser_they_register_for(world):
    insats, coach = world
    ended_enrolment(coach, insats, dt.date(2024, 11, 15), n=1)
    other = make_insats(insats.forbund, "Ung framtid")
    stranger = make_user("stranger", Role.REGISTRATOR, insats=other)
    board = make_user("board", Role.BOARD, forbund=insats.forbund)
    assert len(_due(coach)) == 1
    assert _due(stranger) == []
    assert _due(board) == []


def test_the_database_and_python_agree_on_who_is_followed_up(world):
    insats, coach = world
    ended_enrolment(coach, insats, dt.date(2024, 11, 1), n=1)
    ended_enrolment(coach, insats, dt.date(2024, 11, 2), n=2, early_dropout=True)
    ended_enrolment(coach, insats, dt.date(2024, 11, 3), reason="felregistrering", n=3)
    enrol(coach, insats, personnummer_text=make_pnr(dt.date(1970, 5, 5), man=False))
    gone = ended_enrolment(coach, insats, dt.date(2024, 11, 4), n=4)
    gone.person.anonymised_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    gone.person.save()
    enrolments = Enrolment.objects.select_related("person", "end_reason")
    in_db = set(enrolments.filter(follow_ups.followed_up_q()).values_list("pk", flat=True))
    assert len(in_db) == 1
    assert in_db == {e.pk for e in enrolments if follow_ups.problem(e) is None}


def _register(coach, enrolment, **overrides):
    values = {
        "user": coach,
        "enrolment": enrolment,
        "months_after": 6,
        "date": dt.date(2025, 2, 20),
        "reached": True,
        "supply": [code(codes.SupplyType, "lon")],
        "occupation": code(codes.OccupationType, "arbete"),
        "occupation_percent": 75,
        "works": True,
    }
    return registry.register_follow_up(**(values | overrides))


def test_a_follow_up_is_registered_with_its_situation_and_history(world):
    insats, coach = world
    enrolment = ended_enrolment(coach, insats, dt.date(2024, 8, 20), n=1)
    follow_up = _register(coach, enrolment)
    stored = FollowUp.objects.get(pk=follow_up.pk)
    assert (stored.reached, stored.works, stored.occupation_percent) == (True, True, 75)
    assert [s.code for s in stored.supply.all()] == ["lon"]
    (record,) = stored.history.all()
    assert record.history_user == coach
    assert [s.supplytype.code for s in record.supply.all()] == ["lon"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": dt.date(2025, 1, 19)}, "date", "kan göras från 2025-01-20"),
        ({"date": dt.date.today() + dt.timedelta(days=1)}, "date", "framtiden"),
        ({"months_after": 9}, "months_after", "följer inte upp 9 månader"),
        ({"reached": False}, "reached", "inte nåddes"),
        (
            {"reached": False, "occupation": None, "occupation_percent": None, "works": False},
            "reached",
            "inte nåddes",
        ),
        ({"occupation": None}, "__all__", "omfattning"),
    ],
)
def test_a_follow_up_that_does_not_add_up_is_refused_at_its_field(world, overrides, field, message):
    insats, coach = world
    enrolment = ended_enrolment(coach, insats, dt.date(2024, 8, 20), n=1)
    with pytest.raises(ValidationError) as caught:
        _register(coach, enrolment, **overrides)
    assert message in " ".join(caught.value.message_dict[field])
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    ("end_fields", "message"),
    [
        ({"early_dropout": True}, "tidigt avhopp"),
        ({"end_reason": "felregistrering"}, "felregistrering"),
    ],
)
def test_only_an_enrolment_that_ended_for_real_is_followed_up(world, end_fields, message):
    insats, coach = world
    reason = end_fields.pop("end_reason", "arbete")
    enrolment = ended_enrolment(
        coach, insats, dt.date(2024, 8, 20), reason=reason, n=1, **end_fields
    )
    with pytest.raises(ValidationError, match=message):
        _register(coach, enrolment)
    active = enrol(coach, insats, personnummer_text=make_pnr(dt.date(1970, 5, 5), man=False))
    with pytest.raises(ValidationError, match="inte avslutats"):
        _register(coach, active)


def test_a_follow_up_is_registered_once_and_only_by_its_registrators(world):
    insats, coach = world
    enrolment = ended_enrolment(coach, insats, dt.date(2024, 8, 20), n=1)
    board = make_user("board", Role.BOARD, forbund=insats.forbund)
    with pytest.raises(PermissionDenied):
        _register(board, enrolment)
    _register(coach, enrolment)
    with pytest.raises(ValidationError, match="redan registrerad"):
        _register(
            coach,
            enrolment,
            reached=False,
            supply=[],
            occupation=None,
            occupation_percent=None,
            works=False,
        )
    assert FollowUp.objects.count() == 1


def test_a_follow_up_is_corrected_on_its_version_and_removed_with_history(world):
    insats, coach = world
    enrolment = ended_enrolment(coach, insats, dt.date(2024, 8, 20), n=1)
    follow_up = _register(coach, enrolment)
    changes = {
        "date": dt.date(2025, 2, 21),
        "reached": True,
        "supply": [],
        "occupation": code(codes.OccupationType, "studier"),
        "occupation_percent": 100,
        "works": False,
        "studies": True,
        "notes": "",
    }
    registry.update_follow_up(user=coach, follow_up=follow_up, version=1, **changes)
    with pytest.raises(ValidationError) as stale:
        registry.update_follow_up(user=coach, follow_up=follow_up, version=1, **changes)
    assert stale.value.error_list[0].code == "stale"
    stored = FollowUp.objects.get()
    assert (stored.version, stored.studies, stored.supply.count()) == (2, True, 0)
    registry.delete_follow_up(user=coach, follow_up=stored)
    assert not FollowUp.objects.exists()
    assert [r.history_type for r in FollowUp.history.order_by("history_id")] == ["~", "~", "-"]


@pytest.mark.parametrize(
    ("months", "valid"),
    [
        ([], True),
        ([6, 12], True),
        ([1, 3, 6, 60], True),
        ([12, 6], False),
        ([6, 6], False),
        ([0], False),
        ([61], False),
        ([1, 2, 3, 4, 5], False),
        (["6"], False),
        ([True], False),
        ("6, 12", False),
    ],
)
def test_an_insats_follows_up_at_up_to_four_points_in_rising_order(world, months, valid):
    insats, _coach = world
    insats.follow_up_months = months
    if valid:
        insats.full_clean()
    else:
        with pytest.raises(ValidationError) as caught:
            insats.full_clean()
        assert "follow_up_months" in caught.value.message_dict


def test_an_insats_follows_up_after_six_and_twelve_months_unless_told_otherwise(world):
    insats, _coach = world
    assert Insats.objects.get(pk=insats.pk).follow_up_months == [6, 12]
