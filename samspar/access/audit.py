"""Write the access log. Called by every view and command that shows personal data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from samspar.access.models import AccessLog, AccessLogPerson

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from samspar.organisation.models import Insats
    from samspar.registry.models import Person


def log_personal_data_read(
    user: AbstractBaseUser | None,
    kind: AccessLog.Kind,
    insats: Insats,
    *,
    purpose: str,
    person: Person | None = None,
    persons: Iterable[Person] = (),
    records: int = 1,
    detail: str = "",
) -> AccessLog:
    """Log one read: ``person`` (a record) and/or ``persons`` (the rows of a list or
    search) are the persons shown. ``user`` None is the server operator (CLI)."""
    entry = AccessLog.objects.create(
        user_id=user.pk if user is not None else None,
        kind=kind,
        insats=insats,
        records=records,
        detail=detail[:300],
        purpose=purpose,
    )
    shown = {p.pk for p in persons}
    if person is not None:
        shown.add(person.pk)
    AccessLogPerson.objects.bulk_create(
        [AccessLogPerson(entry=entry, person_id=pk) for pk in sorted(shown)]
    )
    return entry
