"""What a coach has to do (docs/definitions.md, "The coach's to-do list"): the
follow-ups due, the active participants whose record has not changed for a long time,
and the recently ended whose end variables are missing — in every insats the user
registers for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from samspar.access.scoping import Action
from samspar.codelists.models import ResultGroup
from samspar.core.months import add_months
from samspar.registry import follow_ups
from samspar.registry.models import Enrolment

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

# An active participant whose record has not changed for this long may have ended.
QUIET_MONTHS = 6
# Ended this recently and still without end variables: worth completing while known.
RECENT_END_MONTHS = 12


def _registered(user: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.restrict(user, Action.REGISTER).select_related("person", "insats")


def quiet(user: User, today: dt.date) -> QuerySet[Enrolment]:
    """Active enrolments whose last saved change (the newest history record) is more
    than ``QUIET_MONTHS`` old, the longest quiet first."""
    last = Enrolment.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date")
    since = timezone.make_aware(dt.datetime.combine(add_months(today, -QUIET_MONTHS), dt.time()))
    return (
        _registered(user)
        .filter(end_date__isnull=True)
        .annotate(last_change=Subquery(last.values("history_date")[:1]))
        .filter(last_change__lt=since)
        .order_by("last_change", "pk")
    )


def missing_end(user: User, today: dt.date) -> QuerySet[Enrolment]:
    """Enrolments ended in the last ``RECENT_END_MONTHS`` months (not wrong
    registrations) whose support after or occupation after is not registered, the most
    recently ended first."""
    supply = Enrolment.supply_after.through.objects.filter(enrolment_id=OuterRef("pk"))
    return (
        _registered(user)
        .filter(end_date__gte=add_months(today, -RECENT_END_MONTHS))
        .exclude(end_reason__result_group=ResultGroup.CANCELLED)
        .filter(Q(occupation_after__isnull=True) | ~Exists(supply))
        .order_by("-end_date", "pk")
    )


@dataclass(frozen=True)
class Counts:
    follow_ups: int
    quiet: int
    missing_end: int

    @property
    def any(self) -> bool:
        return bool(self.follow_ups or self.quiet or self.missing_end)


def counts(user: User, today: dt.date) -> Counts:
    """How many of each, for the start page (counts only: no names, nothing to log)."""
    return Counts(
        follow_ups.due_count(user, today),
        quiet(user, today).count(),
        missing_end(user, today).count(),
    )
