"""Reading the access log: who read personal data, when, where and how much.

A förbund administrator reads the entries of their förbund's insatser: who, when, what
kind of read, which insats, how many records, the purpose — never whose data. A data
protection officer reads the same and may also ask "who read this person?" by typing
the personnummer (a POST, never in a URL); that question is itself logged. A registrar,
an insats manager and the board do not read the log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog
from samspar.access.scoping import Action
from samspar.organisation.models import Insats
from samspar.registry.models import Enrolment, Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

PURPOSE = "tillsyn"  # supervision of the processing
PAGE_LIMIT = 500  # rows on the page; the exports hold every matching row


def log_insatser(user: User) -> QuerySet[Insats]:
    """The insatser whose access log the user reads."""
    return Insats.objects.restrict(user, Action.READ_ACCESS_LOG)


def may_read(user: User) -> bool:
    return log_insatser(user).exists()


def sees_persons(user: User) -> bool:
    """Whether the user may ask whose data was read (the data protection officer)."""
    return Insats.objects.restrict(user, Action.DATA_PROTECTION).exists()


def readers(user: User) -> QuerySet[AbstractBaseUser]:
    """The users who appear in the log entries the user reads (for the filter)."""
    ids = AccessLog.objects.filter(insats__in=log_insatser(user)).values("user_id")
    return get_user_model()._default_manager.filter(pk__in=ids).order_by("username")


@dataclass(frozen=True)
class LogFilter:
    reader: AbstractBaseUser | None = None
    insats: Insats | None = None
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    person: Person | None = None


def entries(user: User, f: LogFilter) -> QuerySet[AccessLog]:
    """The entries the user reads that match the filter, newest first."""
    qs = AccessLog.objects.filter(insats__in=log_insatser(user)).select_related(
        "user", "insats__forbund"
    )
    if f.reader is not None:
        qs = qs.filter(user_id=f.reader.pk)
    if f.insats is not None:
        qs = qs.filter(insats=f.insats)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.date_from is not None:
        qs = qs.filter(at__date__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(at__date__lte=f.date_to)
    if f.person is not None:
        audited = Insats.objects.restrict(user, Action.DATA_PROTECTION)
        qs = qs.filter(persons=f.person, insats__in=audited)
    return qs.order_by("-at", "-pk")


def person_in_scope(user: User, pnr_hash: str) -> Person | None:
    """The person with this look-up hash if enrolled in an insats the user audits."""
    enrolments = Enrolment.objects.restrict(user, Action.DATA_PROTECTION)
    return Person.objects.filter(pnr_hash=pnr_hash, pk__in=enrolments.values("person_id")).first()


def log_person_lookup(user: AbstractBaseUser, person: Person) -> None:
    """Asking who read a person is a read of that person: one entry per audited insats."""
    audited = Insats.objects.restrict(user, Action.DATA_PROTECTION)
    for insats in audited.filter(enrolments__person=person).distinct().order_by("pk"):
        log_personal_data_read(
            user, AccessLog.Kind.LOG_LOOKUP, insats, purpose=PURPOSE, person=person
        )
