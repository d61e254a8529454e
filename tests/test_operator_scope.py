"""Nobody sees everything by accident (issue 9, #15): a report scope needs a reader.

``ReportScope(user=None)`` used to mean "the operator: every insats". Now the operator on
the command line is an explicit principal (``ReportScope.for_operator``), and a scope
without a user, or with None, is refused. `samspar economics` reads as the same
explicit operator (``economics.selectors.evaluations(Operator())``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from samspar.access.scoping import Role
from samspar.economics import selectors, services
from samspar.reports.catalogue import REPORTS
from samspar.reports.cellkey import possible
from samspar.reports.scope import Level, Operator, ReportScope
from tests.factories import enrol, make_forbund, make_insats, make_pnr, make_user
from tests.test_economics_services import seed_groups, seed_levels, shipped, type_case

YEAR = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))


def test_a_scope_without_a_reader_is_refused():
    with pytest.raises(TypeError):
        ReportScope(*YEAR)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^A ReportScope needs a user, or ReportScope\.for_"):
        ReportScope(*YEAR, user=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^date_to is before date_from$"):
        ReportScope(YEAR[1], YEAR[0], user=Operator())


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


def test_samspar_economics_reads_as_the_explicit_operator(forbund, forbund_admin):
    """Every förbund's evaluations and value sets on the command line — which the
    operator, and no user's scope, is given."""
    south = make_forbund("Sydnärke", "18")
    south_admin = make_user("annan", Role.FORBUND_ADMIN, forbund=south)
    ours, theirs = (
        services.save_evaluation(
            user=admin, evaluation=type_case(place, shipped(), name=name), groups=seed_groups()
        )
        for admin, place, name in ((forbund_admin, forbund, "Vår"), (south_admin, south, "Deras"))
    )
    assert list(selectors.evaluations(forbund_admin)) == [ours]
    assert set(selectors.evaluations(Operator())) == {ours, theirs}
    listed = io.StringIO()
    call_command("economics", "list", stdout=listed)
    assert [line.split("\t")[:2] for line in listed.getvalue().splitlines()] == [
        [str(ours.pk), "Vår"],
        [str(theirs.pk), "Deras"],
    ]
    shown = io.StringIO()
    call_command("economics", "show", str(theirs.pk), "--format", "json", stdout=shown)
    assert json.loads(shown.getvalue())["title"] == "Deras"
    # another förbund's own standard values: the operator's, not the other administrator's
    own = seed_levels(south_admin, south)
    assert own not in selectors.value_sets(forbund_admin)
    values = io.StringIO()
    call_command("economics", "values", "--id", str(own.pk), stdout=values)
    assert values.getvalue().splitlines()[0] == str(own)


def test_each_level_has_its_own_threshold(forbund, insats):
    """A scope and the scopes of the levels above it (reports.comparisons) share what
    they remember of the reader; the threshold stays each level's own: the förbund's 5,
    everything the operator sees 5 and 8."""
    other = make_forbund("Strängare förbund", county="18")
    other.suppression_threshold = 8
    other.save(update_fields=["suppression_threshold"])
    make_insats(other, "Deras insats")
    own = ReportScope.for_operator(*YEAR, level=Level.FORBUND, object_id=forbund.pk)
    assert own.thresholds() == {5}
    everything = dataclasses.replace(own, level=Level.ALL, object_id=None)
    assert everything.thresholds() == {5, 8}
    assert own.thresholds() == {5}


def test_exact_counts_are_decided_per_level(forbund, insats, registrator):
    """The registrator sees their insats exactly, not the förbund with another insats
    they manage, though the two scopes share what they remember of the reader."""
    other = make_insats(forbund, "Annan insats")
    registrator.role_assignments.create(role=Role.INSATS_MANAGER, insats=other)
    own = ReportScope(*YEAR, user=registrator, level=Level.INSATS, object_id=insats.pk)
    assert own.sees_exact_counts()
    wider = dataclasses.replace(own, level=Level.FORBUND, object_id=forbund.pk)
    assert not wider.sees_exact_counts()


def test_a_reader_without_exact_counts_gets_everything_they_see_as_published(
    forbund, insats, forbund_admin, registrator
):
    """At the top level the reader's own insatser are the report's: the förbund
    administrator's report over everything is their förbund's, suppressed and perturbed
    alike."""
    make_insats(make_forbund("Annat förbund", county="18"), "Deras insats")
    for n in range(7):
        birth = dt.date(1980 + n, 5, 1)
        enrol(registrator, insats, personnummer_text=make_pnr(birth, man=n % 2 == 0))
    everything = ReportScope(*YEAR, user=forbund_admin, level=Level.ALL, object_id=None)
    own = dataclasses.replace(everything, level=Level.FORBUND, object_id=forbund.pk)
    assert not everything.sees_exact_counts()
    assert set(everything.for_any_reader().insatser()) == {insats}
    # The view for any reader of the förbund: never exact, whoever asks.
    assert own.for_any_reader().sees_exact_counts() is False
    for key in ("deltagare", "resultat"):
        assert REPORTS[key].build(everything).tables == REPORTS[key].build(own).tables
    counts = REPORTS["deltagare"].build(everything).table("counts")
    assert counts.value(2, "new") in possible(7, 5)
