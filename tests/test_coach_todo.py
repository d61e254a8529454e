"""The coach's to-do list (issue 12, #3): follow-ups due, active participants whose
record has been quiet for six months, and the recently ended without end variables —
counted on the start page, named (and logged) on the to-do page."""

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
from samspar.registry import todo
from samspar.registry.models import Enrolment
from tests.factories import (
    code,
    ended_enrolment,
    enrol,
    make_forbund,
    make_insats,
    make_pnr,
    make_user,
)

TODAY = timezone.localdate()


@pytest.fixture
def world(db):
    forbund = make_forbund()
    insats = make_insats(forbund, start=dt.date(2015, 1, 1))
    coach = make_user("coach", Role.REGISTRATOR, insats=insats)
    return forbund, insats, coach


def _quiet_since(enrolment: Enrolment, day: dt.date) -> None:
    """Its history as if its last change were on ``day``."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    enrolment.history.update(history_date=moment)


def test_an_active_participant_quiet_for_six_months_is_listed(world):
    _forbund, insats, coach = world
    old = enrol(coach, insats, personnummer_text=make_pnr(dt.date(1980, 1, 1), man=True))
    _quiet_since(old, add_months(TODAY, -6) - dt.timedelta(days=1))
    recent = enrol(coach, insats, personnummer_text=make_pnr(dt.date(1981, 1, 1), man=False))
    _quiet_since(recent, add_months(TODAY, -6) + dt.timedelta(days=1))
    ended = ended_enrolment(coach, insats, add_months(TODAY, -8), n=3)
    _quiet_since(ended, add_months(TODAY, -8))
    assert list(todo.quiet(coach, TODAY)) == [old]


def test_the_recently_ended_without_end_variables_are_listed(world):
    _forbund, insats, coach = world
    lon, arbete = code(codes.SupplyType, "lon"), code(codes.OccupationType, "arbete")
    month = add_months(TODAY, -1)
    missing = ended_enrolment(coach, insats, month, n=1)  # neither
    no_supply = ended_enrolment(coach, insats, month, n=2, occupation_after=arbete)
    no_occupation = ended_enrolment(coach, insats, month, n=3, supply_after=[lon])
    ended_enrolment(coach, insats, month, n=4, supply_after=[lon], occupation_after=arbete)
    ended_enrolment(coach, insats, month, reason="felregistrering", n=5)
    ended_enrolment(coach, insats, add_months(TODAY, -13), n=6)  # long ago
    found = set(todo.missing_end(coach, TODAY))
    assert found == {missing, no_supply, no_occupation}


def test_the_start_page_counts_and_the_to_do_page_names_them(world):
    forbund, insats, coach = world
    ended_enrolment(coach, insats, add_months(TODAY, -6), n=1)  # follow-up due, no end variables
    client = Client(headers={"accept-language": "en"})
    client.force_login(coach)
    home = client.get(reverse("home")).content.decode()
    assert "1 follow-up due" in home and "1 ended without end variables" in home
    assert "0 active participants unchanged" in home
    assert not AccessLog.objects.exists()  # counts only: nothing personal read
    page = client.get(reverse("todo")).content.decode()
    assert page.count("Andersson, Erik") == 2
    entry = AccessLog.objects.get(detail="to-do list")
    assert entry.insats == insats and entry.records == 2
    board = Client()
    board.force_login(make_user("board", Role.BOARD, forbund=forbund))
    assert board.get(reverse("todo")).status_code == 404
    assert 'id="todo"' not in board.get(reverse("home")).content.decode()
