"""Follow-up after exit through the API (issue 12, #1): a program lists the follow-ups to
do, registers, corrects and removes one through the same services as the pages; every
read of a participant is logged; everything out of scope is 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samspar.access.models import AccessLog
from samspar.access.scoping import Role
from samspar.registry.models import FollowUp
from tests.factories import ended_enrolment, make_forbund, make_insats, make_user
from tests.test_api_write import Caller

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    forbund = make_forbund()
    insats = make_insats(forbund)
    user = make_user("coach", Role.REGISTRATOR, insats=insats)
    today = timezone.localdate()
    enrolment = ended_enrolment(user, insats, today - dt.timedelta(days=200))
    other = make_insats(make_forbund("Annat förbund", county="01"), "Annan")
    stranger = make_user("stranger", Role.REGISTRATOR, insats=other)
    foreign = ended_enrolment(stranger, other, today - dt.timedelta(days=200), n=1)
    return Caller(user), user, enrolment, foreign


def test_a_follow_up_is_due_registered_corrected_and_removed(world):
    coach, user, enrolment, _foreign = world
    due = coach.get("/follow-ups/due")
    assert due.status_code == 200
    assert [(d["enrolment"], d["months_after"]) for d in due.json()] == [(enrolment.pk, 6)]
    assert due.json()[0]["last_name"] == enrolment.last_name
    assert AccessLog.objects.filter(user=user, kind=AccessLog.Kind.LIST).count() == 1

    url = f"/enrolments/{enrolment.pk}/follow-ups"
    day = timezone.localdate().isoformat()
    created = coach.post(
        url,
        {
            "months_after": 6,
            "date": day,
            "supply": ["ingen"],
            "occupation": "arbete",
            "occupation_percent": 75,
            "works": True,
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["reached"] is True and body["works"] is True and body["version"] == 1
    follow_up = FollowUp.objects.get(pk=body["id"])
    assert follow_up.history.get().history_user == user
    assert coach.get("/follow-ups/due").json() == [], "registered: no longer to do"
    assert [f["id"] for f in coach.get(url).json()] == [follow_up.pk]

    changed = coach.patch(f"/follow-ups/{follow_up.pk}", {"version": 1, "occupation_percent": 50})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["occupation_percent"] == 50 and changed.json()["works"] is True
    assert changed.json()["version"] == 2
    stale = coach.patch(f"/follow-ups/{follow_up.pk}", {"version": 1, "works": False})
    assert stale.status_code == 409
    null = coach.patch(f"/follow-ups/{follow_up.pk}", {"version": 2, "reached": None})
    assert null.status_code == 422 and set(null.json()["errors"]) == {"reached"}

    not_reached = coach.patch(f"/follow-ups/{follow_up.pk}", {"version": 2, "reached": False})
    assert not_reached.status_code == 422, "a situation is registered: not reached refused"
    assert coach.client.delete(f"/api/v1/follow-ups/{follow_up.pk}").status_code == 204
    assert not FollowUp.objects.exists()
    assert FollowUp.history.filter(history_type="-").get().history_user == user


def test_wrong_follow_ups_are_refused_with_the_reason(world):
    coach, _user, enrolment, _foreign = world
    url = f"/enrolments/{enrolment.pk}/follow-ups"
    day = timezone.localdate().isoformat()
    twelve = coach.post(url, {"months_after": 12, "date": day})
    assert twelve.status_code == 422, "not due for another five months"
    three = coach.post(url, {"months_after": 3, "date": day})
    assert three.status_code == 422 and "months_after" in three.json()["errors"]
    unknown = coach.post(url, {"months_after": 6, "date": day, "occupation": "finns-inte"})
    assert unknown.status_code == 422 and set(unknown.json()["errors"]) == {"occupation"}
    assert not FollowUp.objects.exists()


def test_everything_of_another_insats_is_404(world):
    coach, _user, _enrolment, foreign = world
    stranger_follow_up = FollowUp.objects.create(
        enrolment=foreign, months_after=6, date=timezone.localdate()
    )
    for response in (
        coach.get(f"/enrolments/{foreign.pk}/follow-ups"),
        coach.post(f"/enrolments/{foreign.pk}/follow-ups", {"months_after": 6, "date": "x"}),
        coach.patch(f"/follow-ups/{stranger_follow_up.pk}", {"version": 1}),
        coach.client.delete(f"/api/v1/follow-ups/{stranger_follow_up.pk}"),
    ):
        assert response.status_code == 404, response.content
    assert FollowUp.objects.filter(pk=stranger_follow_up.pk).exists()
