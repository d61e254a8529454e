"""The participant lists (issue 12, #3): active first, sorted by any column either way,
one search across every insats a coach works in, and its export — each read logged per
insats with the persons shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from samspar.access.models import AccessLog
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.registry import services as registry
from samspar.registry.selectors import SORTS
from tests.factories import code, enrol, make_forbund, make_insats, make_pnr, make_user


@pytest.fixture
def world(db):
    """A coach of two insatser; a third insats the coach does not work in."""
    forbund = make_forbund()
    first = make_insats(forbund, "Samverkansteam Avesta", start=dt.date(2015, 1, 1))
    second = make_insats(forbund, "Ung framtid", start=dt.date(2015, 1, 1))
    third = make_insats(forbund, "Annan insats", start=dt.date(2015, 1, 1))
    coach = make_user("coach", Role.REGISTRATOR, insats=first)
    coach.role_assignments.create(role=Role.REGISTRATOR, insats=second)
    other = make_user("other", Role.REGISTRATOR, insats=third)

    def person(insats, user, last, born, *, man, start, end=None, reason="arbete"):
        fields = {
            "personnummer_text": make_pnr(born, man=man),
            "first_name": "Test",
            "last_name": last,
            "start_date": start,
            "consent_date": start,
        }
        enrolment = enrol(user, insats, **fields)
        if end is not None:
            registry.end_enrolment(
                user=user,
                enrolment=enrolment,
                end_date=end,
                end_reason=code(codes.EndReason, reason),
            )

    person(first, coach, "Berg", dt.date(1990, 5, 1), man=False, start=dt.date(2024, 2, 1))
    person(
        first,
        coach,
        "Ahl",
        dt.date(1970, 1, 1),
        man=True,
        start=dt.date(2023, 1, 1),
        end=dt.date(2024, 6, 1),
        reason="studier",
    )
    person(second, coach, "Ceder", dt.date(1980, 3, 3), man=True, start=dt.date(2024, 9, 1))
    person(third, other, "Dahl", dt.date(1985, 4, 4), man=False, start=dt.date(2024, 9, 1))
    client = Client(headers={"accept-language": "en"})
    client.force_login(coach)
    return first, second, coach, client


def _names(html: str) -> list[str]:
    return re.findall(r">(\w+), Test<", html)


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("name", ["Ahl", "Berg", "Ceder"]),
        ("-name", ["Ceder", "Berg", "Ahl"]),
        ("insats", ["Ahl", "Berg", "Ceder"]),
        ("-insats", ["Ceder", "Ahl", "Berg"]),
        ("personnummer", ["Ahl", "Ceder", "Berg"]),
        ("-personnummer", ["Berg", "Ceder", "Ahl"]),
        ("gender", ["Berg", "Ahl", "Ceder"]),
        ("start", ["Ahl", "Berg", "Ceder"]),
        ("-start", ["Ceder", "Berg", "Ahl"]),
        ("end", ["Ahl", "Berg", "Ceder"]),
        ("-end", ["Ahl", "Berg", "Ceder"]),
        ("end_reason", ["Ahl", "Berg", "Ceder"]),
        ("status", ["Berg", "Ceder", "Ahl"]),
        ("-status", ["Ahl", "Berg", "Ceder"]),
    ],
)
def test_the_list_sorts_by_every_column_either_way(world, sort, order):
    """Ties (the active have no end) go by name; the personnummer sorts by birth date."""
    _first, _second, _coach, client = world
    html = client.post(reverse("all-enrolments"), {"status": "all", "sort": sort}).content
    assert _names(html.decode()) == order


def test_every_sort_key_has_a_heading_that_turns_it_around(world):
    _first, _second, _coach, client = world
    html = client.post(reverse("all-enrolments"), {"status": "all", "sort": "start"}).content
    page = html.decode()
    for key in SORTS:
        expected = f'value="-{key}"' if key == "start" else f'value="{key}"'
        assert f'name="sort" {expected}' in page, key
    assert 'aria-sort="ascending"' in page


def test_a_coach_searches_every_insats_they_work_in_at_once(world):
    first, second, coach, client = world
    page = client.get(reverse("all-enrolments")).content.decode()
    assert _names(page) == ["Berg", "Ceder"]  # the active, of both insatser, not Dahl
    found = client.post(reverse("all-enrolments"), {"q": "ced", "status": "all"})
    assert _names(found.content.decode()) == ["Ceder"]
    entries = AccessLog.objects.filter(user=coach).order_by("pk")
    assert [(e.kind, e.insats, e.records) for e in entries] == [
        (AccessLog.Kind.LIST, first, 1),
        (AccessLog.Kind.LIST, second, 1),
        (AccessLog.Kind.SEARCH_NAME, second, 1),
    ]


def test_the_list_of_every_insats_exports_with_the_insats_of_each_row(world):
    _first, _second, coach, client = world
    response = client.post(
        reverse("all-enrolments-export", args=["csv"]), {"status": "all", "sort": "-name"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    heading = next(i for i, r in enumerate(rows) if r[:2] == ["Insats", "Personnummer"])
    table = rows[heading + 1 :]
    assert [(r[0], r[2]) for r in table if len(r) > 2] == [
        ("Ung framtid", "Ceder"),
        ("Samverkansteam Avesta", "Berg"),
        ("Samverkansteam Avesta", "Ahl"),
    ]
    logged = AccessLog.objects.filter(user=coach, detail="export csv, all insatser")
    assert sorted((e.insats.name, e.records) for e in logged) == [
        ("Samverkansteam Avesta", 2),
        ("Ung framtid", 1),
    ]
