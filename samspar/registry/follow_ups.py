"""Follow-up after exit: which ended enrolments are followed up, when each follow-up is
due, and which are due now (docs/definitions.md, "Follow-up after exit").

An enrolment is followed up when it ended for real — not a wrong registration, not an
early dropout — and its participant's identity is kept. Its follow-ups are due the
insats's ``follow_up_months`` after the end date (calendar months,
``core.months.add_months``); each may be registered from a month before its due date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from samspar.access.scoping import Action
from samspar.codelists.models import ResultGroup
from samspar.core.months import add_months, latest_reaching
from samspar.organisation.models import FollowUpMethod, Insats
from samspar.registry.models import CLOSED_BY_GALLRING, Enrolment, FollowUp

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

# A follow-up may be registered from this many months before its due date: contact is
# taken around the due date, not on it.
EARLY_MONTHS = 1
# A follow-up stays on the list of those to do for this many months after its due date;
# later it no longer tells the situation at its point, and is left out of the list
# (it can still be registered from the participant's page).
WINDOW_MONTHS = 3


def followed_up_q() -> Q:
    """The enrolments followed up after exit, in the database (``problem`` in Python)."""
    return Q(end_date__isnull=False, early_dropout=False, person__anonymised_at__isnull=True) & ~Q(
        end_reason__result_group=ResultGroup.CANCELLED
    )


def problem(enrolment: Enrolment) -> str | None:
    """Why ``enrolment`` is not followed up after exit, or None (``followed_up_q``)."""
    if enrolment.end_date is None:
        return _("The enrolment has not ended.")
    if enrolment.end_reason is not None and (
        enrolment.end_reason.result_group == ResultGroup.CANCELLED
    ):
        return _("A wrong registration is not followed up.")
    if enrolment.early_dropout:
        return _("An early dropout is not followed up after exit.")
    if enrolment.person.anonymised_at is not None:
        return str(CLOSED_BY_GALLRING)
    return None


def due_q(months: int, first: dt.date, last: dt.date) -> Q:
    """The enrolments whose follow-up ``months`` after the end falls due from ``first``
    to ``last`` (both included), compared on the end date itself."""
    return Q(
        end_date__gt=latest_reaching(first - dt.timedelta(days=1), months),
        end_date__lte=latest_reaching(last, months),
    )


def earliest(end_date: dt.date, months: int) -> dt.date:
    """The first day a follow-up ``months`` after ``end_date`` may be registered."""
    return add_months(end_date, months - EARLY_MONTHS)


@dataclass(frozen=True)
class Due:
    """A follow-up that is due, or may be registered already, and is not registered."""

    enrolment: Enrolment
    months_after: int
    due: dt.date
    upcoming: bool  # not yet due


def _due(user: User, today: dt.date) -> Iterator[tuple[int, QuerySet[Enrolment]]]:
    """Per follow-up point of the insatser ``user`` registers for: the enrolments whose
    follow-up there is due from ``WINDOW_MONTHS`` ago to ``EARLY_MONTHS`` ahead and not
    registered."""
    insatser = Insats.objects.restrict(user, Action.REGISTER).filter(
        follow_up_method=FollowUpMethod.PERSONAL
    )
    by_months: dict[int, list[int]] = {}
    for pk, points in insatser.values_list("pk", "follow_up_months"):
        for months in points:
            by_months.setdefault(months, []).append(pk)
    # Due from WINDOW_MONTHS ago; may be registered up to EARLY_MONTHS before it is due.
    first, last = add_months(today, -WINDOW_MONTHS), add_months(today, EARLY_MONTHS)
    for months, ids in sorted(by_months.items()):
        yield (
            months,
            (
                Enrolment.objects.restrict(user, Action.REGISTER)
                .filter(followed_up_q(), due_q(months, first, last), insats__in=ids)
                .exclude(follow_ups__months_after=months)
            ),
        )


def due_for(user: User, today: dt.date) -> list[Due]:
    """The follow-ups to do in every insats ``user`` registers for, by due date. One
    query per distinct follow-up point."""
    due: list[Due] = []
    for months, enrolments in _due(user, today):
        for e in enrolments.select_related("person", "insats"):
            assert e.end_date is not None  # followed_up_q
            day = add_months(e.end_date, months)
            due.append(Due(e, months, day, upcoming=day > today))
    return sorted(due, key=lambda d: (d.due, d.enrolment.list_name, d.months_after))


def due_count(user: User, today: dt.date) -> int:
    """How many ``due_for`` lists, counted in the database."""
    return sum(enrolments.count() for _months, enrolments in _due(user, today))


@dataclass(frozen=True)
class Point:
    """One follow-up point of an ended enrolment: when it is due, and what is
    registered."""

    months_after: int
    due: dt.date
    follow_up: FollowUp | None
    may_register: bool  # no follow-up yet, and from a month before the due date


def points(enrolment: Enrolment, today: dt.date) -> list[Point]:
    """The follow-up points of an ended ``enrolment``: its insats's, if it is followed
    up, and every one registered (also one the insats no longer has, or of an enrolment
    corrected since into one that is not followed up)."""
    if enrolment.end_date is None:
        return []
    followed = problem(enrolment) is None
    registered = {
        f.months_after: f
        for f in enrolment.follow_ups.select_related("occupation").prefetch_related("supply")
    }
    planned = set(enrolment.insats.follow_up_months) if followed else set()
    result = []
    for months in sorted(planned | registered.keys()):
        follow_up = registered.get(months)
        may = followed and follow_up is None and earliest(enrolment.end_date, months) <= today
        result.append(Point(months, add_months(enrolment.end_date, months), follow_up, may))
    return result
