"""Nobody sees everything by accident (issue 9, #15): a report scope needs a reader.

``ReportScope(user=None)`` used to mean "the operator: every insats". Now the operator on
the command line is an explicit principal (``ReportScope.for_operator``), and a scope
without a user, or with None, is refused.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from samspar.access.scoping import Role
from samspar.reports.catalogue import REPORTS
from samspar.reports.scope import Level, Operator, ReportScope
from tests.factories import enrol, make_insats, make_user

YEAR = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))


def test_a_scope_without_a_reader_is_refused():
    with pytest.raises(TypeError):
        ReportScope(*YEAR)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ReportScope(*YEAR, user=None)  # type: ignore[arg-type]


def test_the_operator_sees_every_insats_suppressed_unless_exact(forbund, insats, registrator):
    other = make_insats(forbund, "Annan insats")
    enrol(registrator, insats)
    operator = ReportScope.for_operator(*YEAR)
    assert operator.user == Operator(exact=False)
    assert set(operator.insatser()) == {insats, other}
    assert not operator.sees_exact_counts()
    assert ReportScope.for_operator(*YEAR, exact=True).sees_exact_counts()
    assert not ReportScope.for_operator(*YEAR, exact=True, published=True).sees_exact_counts()
    # The one enrolment is a small count: hidden for the operator unless exact.
    new = REPORTS["deltagare"].build(operator).table("counts")
    assert any((r, "new") in new.suppressed for r in range(len(new.rows)))


def test_an_anonymous_or_unassigned_reader_sees_nothing(forbund, insats, registrator):
    enrol(registrator, insats)
    for user in (AnonymousUser(), make_user("ingen", Role.SYSADMIN)):
        scope = ReportScope(*YEAR, user=user, level=Level.FORBUND, object_id=forbund.pk)
        assert not scope.insatser().exists()
        assert not scope.enrolments().exists()
