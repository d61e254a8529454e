"""Logging a list of participants as read (``access.audit``): one access-log entry per
insats, with the persons shown — the participant lists, their exports, the follow-ups
to do and the to-do list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog
from samspar.access.scoping import Action
from samspar.organisation.models import Insats

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from samspar.registry.models import Enrolment

PURPOSE = "registrering"


def log_list(
    user: AbstractBaseUser,
    shown: list[Enrolment],
    *,
    detail: str,
    insats: Insats | None = None,
    kind: AccessLog.Kind = AccessLog.Kind.LIST,
    searched: bool = False,
) -> None:
    """Log ``shown`` per insats. A list of one ``insats`` is logged for it even when it
    shows no one; a search across insatser (``searched``) that found no one, for every
    insats it searched: a search is a read of personal data whatever it finds."""
    groups: dict[int, list[Enrolment]] = {}
    places: dict[int, Insats] = {}
    for e in shown:
        groups.setdefault(e.insats_id, []).append(e)
        places[e.insats_id] = e.insats
    if insats is not None:
        places[insats.pk] = insats
    elif searched and not shown:
        places |= {i.pk: i for i in Insats.objects.restrict(user, Action.VIEW_PERSONAL)}
    for pk, place in sorted(places.items()):
        listed = groups.get(pk, [])
        log_personal_data_read(
            user,
            kind,
            place,
            purpose=PURPOSE,
            persons=[e.person for e in listed],
            records=len(listed),
            detail=detail,
        )
