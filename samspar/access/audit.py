"""Write the access log. Called by every view that shows personal data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from samspar.access.models import AccessLog

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from samspar.organisation.models import Insats
    from samspar.registry.models import Person


def log_personal_data_read(
    user: AbstractBaseUser,
    kind: AccessLog.Kind,
    insats: Insats,
    *,
    purpose: str,
    person: Person | None = None,
    records: int = 1,
    detail: str = "",
) -> None:
    AccessLog.objects.create(
        user_id=user.pk,
        kind=kind,
        insats=insats,
        person=person,
        records=records,
        detail=detail[:300],
        purpose=purpose,
    )
