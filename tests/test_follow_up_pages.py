"""The follow-up pages (issue 12, #1): the follow-ups to do, registering one from the
list or the participant's page, bad input kept, corrections on their version and a
removal only after confirmation — each read of a participant logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samspar.access.models import AccessLog
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.core.months import add_months
from samspar.registry import services as registry
from samspar.registry.models import FollowUp
from tests.factories import code, ended_enrolment, make_forbund, make_insats, make_user

TODAY = timezone.localdate()
# Ended six months ago today: the 6-month follow-up is due today.
END = add_months(TODAY, -6)


@pytest.fixture
def world(db):
    forbund = make_forbund()
    insats = make_insats(forbund, start=dt.date(2015, 1, 1))
    coach = make_user("coach", Role.REGISTRATOR, insats=insats)
    enrolment = ended_enrolment(coach, insats, END, n=1)
    enrolment.first_name, enrolment.last_name = "Anna", "Berg"
    enrolment.save()
    client = Client(headers={"accept-language": "en"})
    client.force_login(coach)
    return insats, coach, enrolment, client


def _situation(**overrides):
    data = {
        "date": TODAY.isoformat(),
        "reached": "on",
        "supply": [code(codes.SupplyType, "lon").pk],
        "occupation": code(codes.OccupationType, "arbete").pk,
        "occupation_percent": "75",
        "works": "on",
        "notes": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_coach_sees_the_follow_ups_to_do_and_the_read_is_logged(world):
    insats, coach, enrolment, client = world
    page = client.get(reverse("follow-ups-due"))
    html = page.content.decode()
    assert "Berg, Anna" in html and "6 months" in html
    create = reverse("follow-up-create", args=[enrolment.pk, 6])
    assert f'href="{create}?from=due"' in html
    entry = AccessLog.objects.get(kind=AccessLog.Kind.LIST, user=coach)
    assert entry.insats == insats and entry.records == 1
    assert list(entry.shown.values_list("person_id", flat=True)) == [enrolment.person_id]
    assert reverse("follow-ups-due") in client.get(reverse("home")).content.decode()


def test_a_reader_without_registration_has_no_follow_up_page_and_no_link(world):
    insats, _coach, _enrolment, _client = world
    board = Client(headers={"accept-language": "en"})
    board.force_login(make_user("board", Role.BOARD, forbund=insats.forbund))
    assert board.get(reverse("follow-ups-due")).status_code == 404
    assert reverse("follow-ups-due") not in board.get(reverse("home")).content.decode()
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.LIST).exists()


def test_a_follow_up_registered_from_the_list_goes_back_to_the_list(world):
    _insats, _coach, enrolment, client = world
    url = reverse("follow-up-create", args=[enrolment.pk, 6]) + "?from=due"
    assert client.get(url).status_code == 200
    response = client.post(url, _situation())
    assert response.status_code == 302 and response["Location"] == reverse("follow-ups-due")
    follow_up = FollowUp.objects.get()
    assert (follow_up.months_after, follow_up.works, follow_up.occupation_percent) == (6, True, 75)
    assert "Berg, Anna" not in client.get(reverse("follow-ups-due")).content.decode()


def test_a_follow_up_that_does_not_add_up_keeps_what_was_typed(world):
    _insats, _coach, enrolment, client = world
    url = reverse("follow-up-create", args=[enrolment.pk, 6])
    response = client.post(url, _situation(reached=None, notes="Ringde två gånger"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "was not reached has no registered situation" in html
    assert "Ringde två gånger" in html and 'value="75"' in html
    assert not FollowUp.objects.exists()


def test_a_follow_up_point_that_cannot_be_registered_is_not_found(world):
    insats, coach, enrolment, client = world
    # 12 months: due in six months, more than a month ahead.
    assert client.get(reverse("follow-up-create", args=[enrolment.pk, 12])).status_code == 404
    assert client.get(reverse("follow-up-create", args=[enrolment.pk, 9])).status_code == 404
    other = make_insats(insats.forbund, "Ung framtid")
    stranger = Client()
    stranger.force_login(make_user("stranger", Role.REGISTRATOR, insats=other))
    assert stranger.get(reverse("follow-up-create", args=[enrolment.pk, 6])).status_code == 404
    registry.register_follow_up(
        user=coach, enrolment=enrolment, months_after=6, date=TODAY, reached=False
    )
    assert client.get(reverse("follow-up-create", args=[enrolment.pk, 6])).status_code == 404
    follow_up = FollowUp.objects.get()
    for name in ("follow-up-edit", "follow-up-delete"):
        assert stranger.get(reverse(name, args=[follow_up.pk])).status_code == 404


def test_the_participant_page_shows_each_follow_up_point(world):
    _insats, coach, enrolment, client = world
    registry.register_follow_up(
        user=coach, enrolment=enrolment, months_after=6, date=TODAY, reached=False
    )
    html = client.get(reverse("enrolment-detail", args=[enrolment.pk])).content.decode()
    assert "Follow-up after exit" in html
    assert "6 months after the end" in html and "Not reached" in html
    assert add_months(END, 12).isoformat() in html and "12 months after the end" in html


def test_a_correction_based_on_an_old_version_is_refused_and_kept(world):
    _insats, coach, enrolment, client = world
    follow_up = registry.register_follow_up(
        user=coach, enrolment=enrolment, months_after=6, date=TODAY, reached=False
    )
    url = reverse("follow-up-edit", args=[follow_up.pk])
    first = client.post(url, _situation(version="1"))
    assert first.status_code == 302
    stale = client.post(url, _situation(version="1", occupation_percent="50"))
    html = stale.content.decode()
    assert "Someone else saved a change" in html and 'value="50"' in html
    assert 'name="version" value="2"' in html
    assert FollowUp.objects.get().occupation_percent == 75


def test_a_follow_up_is_removed_only_after_confirmation(world):
    _insats, coach, enrolment, client = world
    follow_up = registry.register_follow_up(
        user=coach, enrolment=enrolment, months_after=6, date=TODAY, reached=False
    )
    url = reverse("follow-up-delete", args=[follow_up.pk])
    page = client.get(url)
    assert "Remove the follow-up 6 months after the end" in page.content.decode()
    assert FollowUp.objects.exists()
    response = client.post(url)
    assert response["Location"] == reverse("enrolment-detail", args=[enrolment.pk])
    assert not FollowUp.objects.exists()
