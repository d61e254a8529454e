"""aggregates.by_gender makes each total from the rows per gender in the same query
(issue 14): the totals, their record keys and their means must be what a query over
everyone gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Avg, Count, Max, Min, Sum

from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.organisation.models import Insats
from samspar.registry.models import Enrolment
from samspar.reports import cellkey
from samspar.reports.aggregates import by_gender
from tests.factories import enrol, make_insats, make_pnr


@pytest.fixture
def enrolments(registrator, insats, forbund):
    """Five persons, one of them in two insatser: three women and two men, with years in
    public support 1, 2, 4 (women) and 3, unknown (men)."""
    second = make_insats(forbund, name="Andra insatsen")
    RoleAssignment.objects.create(user=registrator, role=Role.REGISTRATOR, insats=second)
    people = [
        (dt.date(1980, 1, 1), False, 1),
        (dt.date(1981, 2, 2), False, 2),
        (dt.date(1982, 3, 3), False, 4),
        (dt.date(1983, 4, 4), True, 3),
        (dt.date(1984, 5, 5), True, None),
    ]
    numbers = [make_pnr(birth, man=man) for birth, man, _years in people]
    for number, (_birth, _man, years) in zip(numbers, people, strict=True):
        enrol(registrator, insats, personnummer_text=number, years_in_public_support=years)
    # The first woman again, in the second insats: one person, two enrolments.
    enrol(registrator, second, personnummer_text=numbers[0], years_in_public_support=6)
    return Enrolment.objects.filter(insats__in=Insats.objects.filter(forbund=forbund))


AGGREGATES = {
    "persons": Count("person", distinct=True),
    "enrolments": Count("pk"),
    "known": Count("years_in_public_support"),
    "years": Sum("years_in_public_support"),
    "mean": Avg("years_in_public_support"),
    "least": Min("years_in_public_support"),
    "most": Max("years_in_public_support"),
}


def test_the_totals_are_those_of_everyone(enrolments, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = by_gender(enrolments, AGGREGATES)
    everyone = cellkey.aggregate(enrolments, AGGREGATES)
    total = counts["total"]
    assert (total["persons"], total["enrolments"], total["known"]) == (5, 6, 5)
    assert (total["least"], total["most"], total["years"]) == (1, 6, 16)
    # The mean of the known: (1 + 2 + 4 + 6 + 3) / 5, not the mean of the two genders'.
    assert Decimal(str(total["mean"])) == Decimal("3.2")
    assert float(counts["K"]["mean"]) == pytest.approx(13 / 4)
    assert float(counts["M"]["mean"]) == pytest.approx(3)
    for name in AGGREGATES:
        assert total[name] == pytest.approx(everyone[name]), name
    # The same records, so the same cell keys and the same perturbation.
    for name in ("persons", "enrolments", "known"):
        assert total[name].record_key == everyone[name].record_key, name


def test_a_total_over_nobody_is_zero_or_none(enrolments):
    counts = by_gender(enrolments.none(), AGGREGATES)
    assert counts["total"]["persons"] == 0 and counts["total"]["enrolments"] == 0
    assert counts["total"]["mean"] is None and counts["total"]["least"] is None
    assert counts["total"]["years"] is None
    assert cellkey.is_keyed(counts["total"]["persons"])


def test_a_distinct_count_that_does_not_add_up_over_the_genders_gets_its_own_query(
    enrolments, django_assert_num_queries
):
    """The women are in both insatser, the men in the first: 2 and 1 per gender, but 2
    in all (not 3), so this total is counted over everyone."""
    insatser = {"insatser": Count("insats", distinct=True)}
    with django_assert_num_queries(2):
        counts = by_gender(enrolments, insatser)
    assert (counts["K"]["insatser"], counts["M"]["insatser"]) == (2, 1)
    assert counts["total"]["insatser"] == 2
