"""The bad inputs of issue #9, item 6, each sent as the attacker did: every one gets a
form error or a 400 in Swedish, nothing is written, and a report period that would cost
seconds of CPU is refused before any figure is computed (counted in queries, not time)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.organisation.models import BudgetLine, Financing, FollowUpMethod, InsatsKind
from samspar.registry.models import Enrolment, Person, StructuralCount, WaitingListCount
from samspar.reports.forms import ReportFilterForm
from samspar.reports.scope import MAX_PERIOD_YEARS, period_problems
from tests.factories import code, make_insats, make_user
from tests.test_registration_views import form_data

NOT_IDS = ["", "abc", "1.0", "-1", "１２", "²", "99999999999999999999999", "1\x00"]
ROW_MESSAGE = "Förfrågan pekar inte ut någon giltig rad"
# A refused report period costs the session, the user and the filter form's choices.
REFUSAL_QUERIES = 8


@pytest.fixture
def sv() -> Client:
    return Client(headers={"accept-language": "sv"})


def _rows_of(insats, forbund_admin):
    year = timezone.localdate().year
    party = insats.forbund.parties.first()
    structural = make_insats(
        insats.forbund, "Kompetens", kind=InsatsKind.STRUCTURAL, method=FollowUpMethod.VOLUME
    )
    BudgetLine.objects.create(
        insats=insats, year=year, category=code(codes.CostCategory, "lokaler"), budget=1
    )
    Financing.objects.create(insats=insats, year=year, party=party, amount=1)
    WaitingListCount.objects.create(insats=insats, date=dt.date(2022, 12, 31), count=6)
    StructuralCount.objects.create(
        insats=structural,
        period_start=dt.date(2022, 1, 1),
        period_end=dt.date(2022, 12, 31),
        party=party,
        count=3,
    )
    return [
        (reverse("insats-budget", args=[insats.pk]), "delete-line", BudgetLine),
        (reverse("insats-budget", args=[insats.pk]), "delete-financing", Financing),
        (reverse("insats-waiting", args=[insats.pk]), "delete", WaitingListCount),
        (reverse("insats-structural", args=[structural.pk]), "delete", StructuralCount),
    ]


def test_delete_buttons_with_a_posted_id_that_is_no_id_are_a_swedish_400(sv, insats, forbund_admin):
    targets = _rows_of(insats, forbund_admin)
    sv.force_login(forbund_admin)
    for url, action, model in targets:
        for bad in NOT_IDS:
            response = sv.post(url, {"action": action, "id": bad})
            assert response.status_code == 400, (url, action, bad)
            assert ROW_MESSAGE in response.content.decode()
        response = sv.post(url, {"action": action})  # no id at all
        assert response.status_code == 400
        assert model.objects.count() == 1, model  # nothing removed


def test_huge_ids_for_supply_types_are_a_form_error(sv, insats, registrator):
    sv.force_login(registrator)
    url = reverse("enrolment-create", args=[insats.pk])
    for huge in (str(2**63), str(2**70), "9" * 40, "-" + str(2**70)):
        response = sv.post(url, form_data(supply_before=[huge]))
        assert response.status_code == 200
        assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Enrolment.objects.exists() and not Person.objects.exists()


def test_query_string_numbers_of_other_scripts_are_ignored(sv, insats, forbund_admin):
    sv.force_login(forbund_admin)
    assert sv.get(reverse("insats-budget", args=[insats.pk]), {"line": "²"}).status_code == 200
    assert sv.get(reverse("insats-budget", args=[insats.pk]), {"year": "²"}).status_code == 200
    latest = sv.get(reverse("annual-report-latest", args=[insats.pk]), {"year": "²"})
    assert latest.status_code == 302


@pytest.mark.parametrize("key", ["trend", "genomstromning", "tid-i-insats"])
@pytest.mark.parametrize(
    ("period", "field", "message"),
    [
        ({"date_from": "1000-01-01"}, "date_from", "En rapportperiod börjar tidigast 1990."),
        ({"date_to": "9999-12-31"}, "date_to", "En rapportperiod slutar senast"),
        (
            {"date_from": "1000-01-01", "date_to": "9999-12-31"},
            "date_to",
            "En rapportperiod slutar senast",
        ),
        (
            {"date_from": "1995-01-01", "date_to": "2015-01-01"},
            "date_to",
            f"En rapportperiod är högst {MAX_PERIOD_YEARS} år lång.",
        ),
    ],
)
def test_report_periods_out_of_bounds_are_refused_cheaply(
    sv, insats, forbund, django_assert_max_num_queries, key, period, field, message
):
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    sv.force_login(board)
    with django_assert_max_num_queries(REFUSAL_QUERIES):
        page = sv.get(reverse("report", args=[key]), period)
    assert page.status_code == 200
    assert message in page.content.decode()
    with django_assert_max_num_queries(REFUSAL_QUERIES):
        export = sv.get(reverse("report-export", args=[key, "csv"]), period)
    # A download with bad filters goes back to the page, which shows the errors.
    assert export.status_code == 302
    assert export["Location"].startswith(reverse("report", args=[key]))
    api = {"from" if k == "date_from" else "to": v for k, v in period.items()}
    with django_assert_max_num_queries(REFUSAL_QUERIES):
        answer = sv.get(f"/api/v1/reports/{key}", api)
    assert answer.status_code == 400
    errors = answer.json()["errors"]["from" if field == "date_from" else "to"]
    assert any(message in e for e in errors)


TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("date_from", "date_to", "valid"),
    [
        ("1990-01-01", "2009-12-31", True),  # 20 years from the first year
        ("1989-12-31", "2009-12-31", False),
        ("2000-03-01", "2020-02-29", True),  # one day short of 20 years
        ("2000-03-01", "2020-03-01", False),
        ("2027-01-01", "2027-12-31", True),  # next year is the last
        ("2027-06-01", "2028-01-01", False),
        ("2022-12-31", "2022-01-01", False),
    ],
)
def test_the_report_period_bounds(db, registrator, date_from, date_to, valid):
    form = ReportFilterForm(
        {"date_from": date_from, "date_to": date_to}, user=registrator, today=TODAY
    )
    assert form.is_valid() is valid, form.errors


@pytest.mark.parametrize(
    ("date_from", "date_to", "problems"),
    [
        (dt.date(2022, 5, 1), dt.date(2022, 5, 1), {}),  # one day is a period
        (
            dt.date(1989, 12, 31),
            dt.date(1990, 1, 1),
            {"date_from": "En rapportperiod börjar tidigast 1990."},
        ),
        (
            dt.date(2027, 1, 1),
            dt.date(2028, 1, 1),
            {"date_to": "En rapportperiod slutar senast 2027."},
        ),
        (
            dt.date(2022, 5, 2),
            dt.date(2022, 5, 1),
            {"date_to": "Perioden kan inte sluta innan den börjar."},
        ),
        (
            dt.date(2000, 3, 1),
            dt.date(2020, 3, 1),
            {"date_to": "En rapportperiod är högst 20 år lång."},
        ),
    ],
)
def test_each_refused_period_says_which_bound_in_swedish(date_from, date_to, problems):
    """The whole message, with the year or length it names (TODAY is in 2026)."""
    found = period_problems(date_from, date_to, TODAY)
    assert {field: str(message) for field, message in found.items()} == problems


def test_the_cli_refuses_the_same_periods(db):
    with pytest.raises(CommandError, match="1990"):
        call_command("report", "trend", "--from", "1000-01-01", stdout=StringIO())
    with pytest.raises(CommandError, match="20"):
        call_command(
            "report", "trend", "--from", "1990-01-01", "--to", "2020-12-31", stdout=StringIO()
        )
