"""Gallring: remove a participant's identity a förbund-set number of years after their
last enrolment ended, keeping what the statistics count.

A person is *due* when none of their enrolments is active and, in every förbund where
they were enrolled, their last enrolment there ended at least that förbund's
``retention_years`` ago (on or before the same date that many years back). Then every
column of ``personal_data.HOLDERS`` is blanked for them (the encrypted number, the
look-up hash, the names, free-text notes and free-text answers to the förbund's own
questions, also in the history) and the person is marked ``anonymised_at``. Birth date,
legal gender and the enrolments' dates, municipality and codes stay, and so do the
other answers (numbers, yes/no, dates, choices), so every report gives the same figures
before and after.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from samspar.dataprotection.personal_data import HOLDERS
from samspar.organisation.models import Forbund
from samspar.registry.models import Enrolment, Person

BATCH = 500


def years_before(day: dt.date, years: int) -> dt.date:
    """The same date ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _still_needed(today: dt.date) -> Q:
    """Enrolments that keep their person's identity: active, or ended too recently."""
    q = Q(end_date__isnull=True)
    for forbund in Forbund.objects.only("pk", "retention_years"):
        cutoff = years_before(today, forbund.retention_years)
        q |= Q(insats__forbund_id=forbund.pk, end_date__gt=cutoff)
    return q


def due_persons(today: dt.date | None = None) -> QuerySet[Person]:
    """The persons whose identity gallring removes today."""
    today = today or timezone.localdate()
    keep = Enrolment.objects.filter(_still_needed(today)).values("person_id")
    return (
        Person.objects.filter(anonymised_at__isnull=True, enrolments__isnull=False)
        .exclude(pk__in=keep)
        .distinct()
    )


@dataclass(frozen=True)
class ForbundCount:
    forbund: str
    retention_years: int
    persons: int
    enrolments: int


@dataclass(frozen=True)
class Plan:
    persons: int  # distinct persons (one enrolled in two förbund is counted once here)
    per_forbund: list[ForbundCount]


def plan(today: dt.date | None = None) -> Plan:
    """What gallring would remove today: counts only, never a number or a name."""
    due = due_persons(today)
    rows = Enrolment.objects.filter(person__in=due).values_list("insats__forbund_id", "person_id")
    persons: dict[int, set[int]] = {}
    enrolments: Counter[int] = Counter()
    for forbund_id, person_id in rows:
        persons.setdefault(forbund_id, set()).add(person_id)
        enrolments[forbund_id] += 1
    per_forbund = [
        ForbundCount(f.name, f.retention_years, len(persons.get(f.pk, ())), enrolments[f.pk])
        for f in Forbund.objects.order_by("name")
    ]
    return Plan(due.count(), per_forbund)


def run(today: dt.date | None = None) -> Plan:
    """Remove the identities of the due persons, in batches of one transaction each."""
    result = plan(today)
    ids = list(due_persons(today).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        anonymise(ids[start : start + BATCH])
    return result


@transaction.atomic
def anonymise(person_ids: list[int]) -> None:
    """Blank every identifying column of these persons (see ``personal_data.HOLDERS``)."""
    for holder in HOLDERS:
        model = holder.model_class()
        rows = model._base_manager.filter(**{f"{holder.person}__in": person_ids})
        rows.update(**holder.erase)
    Person._base_manager.filter(pk__in=person_ids).update(anonymised_at=timezone.now())
