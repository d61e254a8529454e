"""Follow-up after exit through the API: the follow-ups to do, and registering,
correcting and removing one. The twins of ``registry.follow_up_views``: the same scope
(``restrict``), the same services and the same access log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status

from samspar.access.scoping import Action, actions_somewhere
from samspar.api.core import (
    OBJECT_ERRORS,
    WRITE_ERRORS,
    api,
    caller,
    get_in_scope,
    scoped,
)
from samspar.api.registry import code_of, enrolments_in_scope, log_record_read, resolved_codes
from samspar.api.schemas import FollowUpChange, FollowUpCreate, FollowUpDue, FollowUpOut, object_id
from samspar.codelists.models import CodeListEntry, OccupationType, SupplyType
from samspar.registry import follow_ups, reads, services
from samspar.registry.models import FollowUp

# What a follow-up names: an occupation and the support types.
CODES: dict[str, type[CodeListEntry]] = {"occupation": OccupationType, "supply": SupplyType}
# What a correction may not set to null (an occupation may be unknown, support none).
NOT_NULL = ("date", "reached", "works", "studies", "notes")


def _follow_ups(user: Any, action: Action) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.restrict(user, action)
        .select_related("enrolment__person", "enrolment__insats", "occupation")
        .prefetch_related("supply")
    )


scoped("enrolment-follow-ups", "GET", "enrolment_id", Action.VIEW_PERSONAL, enrolments_in_scope)
scoped("enrolment-follow-ups", "POST", "enrolment_id", Action.REGISTER, enrolments_in_scope)
scoped("follow-up", "PATCH", "follow_up_id", Action.REGISTER, _follow_ups)
scoped("follow-up", "DELETE", "follow_up_id", Action.REGISTER, _follow_ups)


def _out(f: FollowUp) -> dict[str, Any]:
    return {
        "id": f.pk,
        "enrolment": f.enrolment_id,
        "version": f.version,
        "months_after": f.months_after,
        "date": f.date,
        "reached": f.reached,
        "supply": sorted(s.code for s in f.supply.all()),
        "occupation": code_of(f.occupation),
        "occupation_percent": f.occupation_percent,
        "works": f.works,
        "studies": f.studies,
        "notes": f.notes,
    }


def _logged(request: HttpRequest, follow_up: FollowUp, detail: str) -> dict[str, Any]:
    """The follow-up as stored now, its read logged as the enrolment's record is."""
    follow_up = _follow_ups(caller(request), Action.VIEW_PERSONAL).get(pk=follow_up.pk)
    enrolment = follow_up.enrolment
    log_record_read(
        caller(request),
        enrolment,
        f"follow-up {follow_up.pk} of enrolment {enrolment.pk}, {detail}",
    )
    return _out(follow_up)


@api.get(
    "/follow-ups/due",
    response={200: list[FollowUpDue], **OBJECT_ERRORS},
    url_name="follow-ups-due",
    summary="The follow-ups to do in the insatser you register for (logged)",
)
def list_due(request: HttpRequest) -> list[dict[str, Any]]:
    """404 for a user who registers in no insats, as the page."""
    user = caller(request)
    if Action.REGISTER not in actions_somewhere(user):
        raise Http404
    due = follow_ups.due_for(user, timezone.localdate())
    reads.log_list(user, [d.enrolment for d in due], detail="api follow-ups due")
    return [
        {
            "enrolment": d.enrolment.pk,
            "insats": d.enrolment.insats_id,
            "first_name": d.enrolment.first_name,
            "last_name": d.enrolment.last_name,
            "end_date": d.enrolment.end_date,
            "months_after": d.months_after,
            "due": d.due,
            "upcoming": d.upcoming,
        }
        for d in due
    ]


@api.get(
    "/enrolments/{enrolment_id}/follow-ups",
    response={200: list[FollowUpOut], **OBJECT_ERRORS},
    url_name="enrolment-follow-ups",
    summary="The follow-ups of an enrolment (logged)",
)
def list_follow_ups(request: HttpRequest, enrolment_id: int = object_id()) -> list[dict[str, Any]]:
    user = caller(request)
    enrolment = get_in_scope(request, enrolments_in_scope, Action.VIEW_PERSONAL, enrolment_id)
    rows = list(_follow_ups(user, Action.VIEW_PERSONAL).filter(enrolment=enrolment))
    log_record_read(user, enrolment, f"follow-ups of enrolment {enrolment.pk}")
    return [_out(f) for f in rows]


@api.post(
    "/enrolments/{enrolment_id}/follow-ups",
    response={201: FollowUpOut, **WRITE_ERRORS},
    url_name="enrolment-follow-ups",
    summary="Register a follow-up after exit",
)
def register_follow_up(
    request: HttpRequest, data: FollowUpCreate, enrolment_id: int = object_id()
) -> Status[dict[str, Any]]:
    enrolment = get_in_scope(request, enrolments_in_scope, Action.REGISTER, enrolment_id)
    values = resolved_codes(data.dict(), CODES)
    follow_up = services.register_follow_up(user=caller(request), enrolment=enrolment, **values)
    return Status(201, _logged(request, follow_up, "register"))


@api.patch(
    "/follow-ups/{follow_up_id}",
    response={200: FollowUpOut, **WRITE_ERRORS},
    url_name="follow-up",
    summary="Correct a follow-up",
)
def update_follow_up(
    request: HttpRequest, data: FollowUpChange, follow_up_id: int = object_id()
) -> dict[str, Any]:
    follow_up = get_in_scope(request, _follow_ups, Action.REGISTER, follow_up_id)
    given = data.dict(exclude_unset=True)
    stored = {
        "date": follow_up.date,
        "reached": follow_up.reached,
        "supply": list(follow_up.supply.all()),
        "occupation": follow_up.occupation,
        "occupation_percent": follow_up.occupation_percent,
        "works": follow_up.works,
        "studies": follow_up.studies,
        "notes": follow_up.notes,
    }
    version = given.pop("version")
    null = sorted(k for k in NOT_NULL if k in given and given[k] is None)
    if null:
        raise ValidationError({name: _("This field cannot be null.") for name in null})
    if given.get("supply", ()) is None:
        given["supply"] = []
    values = stored | resolved_codes(given, CODES, current=follow_up)
    services.update_follow_up(user=caller(request), follow_up=follow_up, version=version, **values)
    return _logged(request, follow_up, "update")


@api.delete(
    "/follow-ups/{follow_up_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="follow-up",
    summary="Remove a follow-up registered by mistake",
)
def delete_follow_up(request: HttpRequest, follow_up_id: int = object_id()) -> Status[None]:
    follow_up = get_in_scope(request, _follow_ups, Action.REGISTER, follow_up_id)
    services.delete_follow_up(user=caller(request), follow_up=follow_up)
    return Status(204, None)
