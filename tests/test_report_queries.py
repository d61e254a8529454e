"""A report page or export for a förbund with ten years of data takes a bounded number of
queries: every figure is a fixed set of aggregations, whatever the number of enrolments."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import transaction

from samspar.access.scoping import Role
from samspar.bench import loader
from samspar.bench.generate import YEARS, generate
from samspar.registry.models import Enrolment
from samspar.reports.catalogue import REPORTS
from samspar.reports.exports import FORMATS
from tests.factories import make_user

TODAY = dt.date(2025, 1, 15)
LAST_YEAR = TODAY.year - 1
ENROLMENTS = 2_000

# The heaviest report, jamforelse, counts per förbund and per county. Two of each bound
# build the figures as any reader without exact counts (ReportScope.for_any_reader: one
# check that the reader sees the whole förbund, and the threshold read for that scope),
# and each reads the ids of its insatser once (ReportScope.insats_ids).
QUERY_BOUND = {"jamforelse": 37}
DEFAULT_QUERY_BOUND = 23


@pytest.fixture(scope="module")
def ten_years(django_db_setup, django_db_blocker):
    """The benchmark's förbund: ten insatser, start dates over ten years; rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        forbund = loader.load(generate(ENROLMENTS, today=TODAY))
        admin = make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund)
        yield SimpleNamespace(forbund=forbund, admin=admin)
        transaction.set_rollback(True)


def _params(forbund, key: str) -> dict[str, str]:
    # The administrator reads without exact counts: ten years only where a report counts
    # per calendar year, else the last year (publication periods).
    first = LAST_YEAR - YEARS + 1 if REPORTS[key].whole_years else LAST_YEAR
    return {
        "level": "forbund",
        "object_id": str(forbund.pk),
        "date_from": f"{first}-01-01",
        "date_to": f"{LAST_YEAR}-12-31",
        "base_year": str(LAST_YEAR - YEARS + 1),
    }


def test_the_forbund_has_ten_years_of_enrolments(ten_years, db):
    years = Enrolment.objects.filter(insats__forbund=ten_years.forbund).dates("start_date", "year")
    assert {d.year for d in years} >= set(range(LAST_YEAR - YEARS + 1, LAST_YEAR + 1))
    assert Enrolment.objects.filter(insats__forbund=ten_years.forbund).count() == ENROLMENTS


@pytest.mark.parametrize("key", list(REPORTS))
def test_a_page_and_its_exports_take_a_bounded_number_of_queries(
    ten_years, db, client, django_assert_max_num_queries, key
):
    params = _params(ten_years.forbund, key)
    client.force_login(ten_years.admin)
    bound = QUERY_BOUND.get(key, DEFAULT_QUERY_BOUND)
    with django_assert_max_num_queries(bound):
        page = client.get(f"/rapporter/{key}/", params)
    assert page.status_code == 200
    assert page.context["report"].tables
    for fmt in FORMATS:
        with django_assert_max_num_queries(bound):
            response = client.get(f"/rapporter/{key}/export/{fmt}/", params)
        assert response.status_code == 200, fmt
