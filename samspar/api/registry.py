"""The registry operations: insatser, enrolments, anonymous participants, counts.

Each is a page's twin: it fetches through the caller's scope (``restrict``), writes
through the same service (``samspar.registry.services``: the same validation, the same
history with the caller as its author) and logs every read of personal data in the
access log, as the pages do.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import Query, Schema, Status

from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog
from samspar.access.scoping import Action
from samspar.api.core import (
    AUTH_ERRORS,
    OBJECT_ERRORS,
    WRITE_ERRORS,
    api,
    caller,
    get_in_scope,
    scoped,
)
from samspar.api.schemas import (
    AnonymousCreate,
    AnonymousOut,
    CodeLists,
    EnrolmentChange,
    EnrolmentCreate,
    EnrolmentEnd,
    EnrolmentOut,
    EnrolmentPage,
    InsatsOut,
    QuestionOut,
    StructuralCountIn,
    StructuralCountOut,
    VolumeCountIn,
    VolumeCountOut,
    object_id,
)
from samspar.codelists.models import (
    CodeListEntry,
    EducationLevel,
    EndReason,
    OccupationType,
    ReferringActor,
    SupplyType,
)
from samspar.organisation.models import Insats, MemberParty, Municipality
from samspar.registry import question_selectors, question_services, selectors, services
from samspar.registry.models import (
    CHOICE_KINDS,
    Answer,
    Enrolment,
    Question,
    QuestionKind,
    StructuralCount,
    VolumeCount,
)
from samspar.registry.question_services import AnswerValue

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

PURPOSE = "registrering"  # as the registration pages
PAGE_SIZE = 50


def _insatser(user: AbstractBaseUser, action: Action) -> QuerySet[Insats]:
    return Insats.objects.restrict(user, action).select_related("forbund", "team")


def enrolments_in_scope(user: AbstractBaseUser, action: Action) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.restrict(user, action)
        .select_related(
            "person",
            "insats__forbund",
            "referring_actor",
            "education_level",
            "occupation_before",
            "occupation_after",
            "end_reason",
        )
        .prefetch_related("supply_before", "supply_after", *ANSWERS)
    )


# What an enrolment's answers need, prefetched.
ANSWERS = ("answers__question", "answers__choices")


# Which object each operation's path names and what it needs: checked before the body.
scoped("insats-enrolments", "GET", "insats_id", Action.VIEW_PERSONAL, _insatser)
scoped("insats-enrolments", "POST", "insats_id", Action.REGISTER, _insatser)
scoped("enrolment", "GET", "enrolment_id", Action.VIEW_PERSONAL, enrolments_in_scope)
scoped("enrolment", "PATCH", "enrolment_id", Action.REGISTER, enrolments_in_scope)
scoped("enrolment-end", "POST", "enrolment_id", Action.REGISTER, enrolments_in_scope)
scoped("insats-questions", "GET", "insats_id", Action.VIEW, _insatser)
scoped("insats-anonymous", "POST", "insats_id", Action.REGISTER, _insatser)
scoped("insats-volume-counts", "POST", "insats_id", Action.MANAGE, _insatser)
scoped("insats-structural-counts", "POST", "insats_id", Action.MANAGE, _insatser)


# --- codes ------------------------------------------------------------------------------

_CODE_LISTS: dict[str, type[CodeListEntry]] = {
    "referring_actor": ReferringActor,
    "education_level": EducationLevel,
    "occupation_before": OccupationType,
    "occupation_after": OccupationType,
    "end_reason": EndReason,
    "supply_before": SupplyType,
    "supply_after": SupplyType,
}


def resolved_codes(
    values: dict[str, Any],
    code_lists: dict[str, type[CodeListEntry]],
    current: Model | None = None,
) -> dict[str, Any]:
    """``values`` with the codes of ``code_lists`` turned into the rows they name. A code
    must be in use, or be the current row's value (as on the forms); otherwise a field
    error, every one reported."""
    errors: dict[str, list[str]] = {}
    out = dict(values)
    for name, model in code_lists.items():
        if name not in values or values[name] is None:
            continue
        given = values[name]
        codes = given if isinstance(given, list) else [given]
        kept: set[str] = set()
        if current is not None:
            value = getattr(current, name)
            if isinstance(value, Model):
                kept = {getattr(value, "code", "")}
            elif value is not None:
                kept = {row.code for row in value.all()}
        rows = {row.code: row for row in model._default_manager.filter(code__in=codes)}
        unknown = [c for c in codes if c not in rows or not (rows[c].active or c in kept)]
        if unknown:
            errors[name] = [
                _("Unknown code: %(codes)s (GET /api/v1/codes lists them).")
                % {"codes": ", ".join(unknown)}
            ]
            continue
        out[name] = (
            [rows[c] for c in dict.fromkeys(codes)] if isinstance(given, list) else rows[given]
        )
    if errors:
        raise ValidationError(errors)
    return out


def _resolved(values: dict[str, Any], current: Enrolment | None = None) -> dict[str, Any]:
    """An enrolment's ``values`` with codes and the municipality turned into rows."""
    errors: dict[str, list[str]] = {}
    try:
        out = resolved_codes(values, _CODE_LISTS, current)
    except ValidationError as e:
        errors, out = e.message_dict, dict(values)
    if values.get("municipality") is not None:
        found = Municipality.objects.filter(pk=values["municipality"]).first()
        if found is None:
            errors["municipality"] = [_("Unknown municipality code.")]
        out["municipality"] = found
    if errors:
        raise ValidationError(errors)
    return out


def _answers(insats: Insats, given: dict[int, Any] | None) -> dict[Question, AnswerValue]:
    """The answers as the services take them: each question of the insats by id, each
    value checked against its kind (a choice by its label). Every fault is reported, at
    the question's field (``question_<id>``)."""
    if not given:
        return {}
    questions = {q.pk: q for q in question_selectors.of_insats(insats).filter(pk__in=given)}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(given) - set(questions))
    if unknown:
        errors["answers"] = [
            _("Unknown question: %(ids)s (GET /api/v1/insatser/{id}/questions lists them).")
            % {"ids": ", ".join(map(str, unknown))}
        ]
    out: dict[Question, AnswerValue] = {}
    for pk, question in questions.items():
        try:
            out[question] = _answer(question, given[pk])
        except ValueError as e:
            errors[question_services.field_name(question)] = [str(e)]
    if errors:
        raise ValidationError(errors)
    return out


def _answer(question: Question, value: Any) -> AnswerValue:
    """One JSON value as the answer to ``question``; ValueError with the reason."""
    if value is None:
        return None
    kind = question.kind
    if kind == QuestionKind.YES_NO and isinstance(value, bool):
        return value
    if (
        kind == QuestionKind.NUMBER
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        number = Decimal(str(value))
        if not number.is_finite() or abs(number) >= 10**10 or number != round(number, 2):
            raise ValueError(_("Give a number with at most two decimals below 10 000 000 000."))
        return number
    if kind == QuestionKind.TEXT and isinstance(value, str):
        return value
    if kind == QuestionKind.DATE and isinstance(value, str):
        try:
            if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
        raise ValueError(_("Give the date as YYYY-MM-DD."))
    if kind in CHOICE_KINDS and isinstance(value, str | list):
        labels = [value] if isinstance(value, str) else value
        if kind == QuestionKind.CHOICE and not isinstance(value, str):
            raise ValueError(_("Give one choice's label."))
        choices = {c.label: c for c in question.choices.all()}
        unknown = [label for label in labels if label not in choices]
        if unknown:
            raise ValueError(
                _("Not a choice of this question: %(labels)s.") % {"labels": ", ".join(unknown)}
            )
        chosen = [choices[label] for label in dict.fromkeys(labels)]
        return chosen[0] if kind == QuestionKind.CHOICE else chosen
    raise ValueError(_("This is not an answer to this question."))


def _answer_out(answer: Answer) -> dict[str, Any]:
    """An answer as JSON gives it (the inverse of ``_answer``)."""
    question = answer.question
    value = question_selectors.value(question, answer)
    match question.kind:
        case QuestionKind.NUMBER:
            value = float(value)
        case QuestionKind.DATE:
            value = value.isoformat()
        case QuestionKind.CHOICE:
            value = value[0].label if value else None
        case QuestionKind.CHOICES:
            value = [c.label for c in value]
    return {"question": question.pk, "text": question.text, "value": value}


def code_of(row: Any) -> str | None:
    return None if row is None else str(row.code)


def _enrolment_out(e: Enrolment) -> dict[str, Any]:
    return {
        "id": e.pk,
        "insats": e.insats_id,
        "version": e.version,
        "personnummer": e.person.personnummer,
        "birth_date": e.person.birth_date,
        "gender": e.person.gender,
        "first_name": e.first_name,
        "last_name": e.last_name,
        "start_date": e.start_date,
        "referral_date": e.referral_date,
        "consent_date": e.consent_date,
        "municipality": e.municipality_id,
        "residence_kind": e.residence_kind,
        "referring_actor": code_of(e.referring_actor),
        "supply_before": sorted(s.code for s in e.supply_before.all()),
        "years_in_public_support": (
            None if e.years_in_public_support is None else float(e.years_in_public_support)
        ),
        "education_level": code_of(e.education_level),
        "occupation_before": code_of(e.occupation_before),
        "occupation_before_percent": e.occupation_before_percent,
        "end_date": e.end_date,
        "end_reason": code_of(e.end_reason),
        "early_dropout": e.early_dropout,
        "supply_after": sorted(s.code for s in e.supply_after.all()),
        "occupation_after": code_of(e.occupation_after),
        "occupation_after_percent": e.occupation_after_percent,
        "works_after": e.works_after,
        "studies_after": e.studies_after,
        "work_or_studies_increased": e.work_or_studies_increased,
        "notes": e.notes,
        "answers": [_answer_out(a) for a in e.answers.all()],
        "created_at": e.created_at,
    }


def log_record_read(user: AbstractBaseUser, enrolment: Enrolment, detail: str) -> None:
    """Log a read of one enrolment's personal data (or of what hangs from it, such as
    its follow-ups) as the record page logs it."""
    log_personal_data_read(
        user,
        AccessLog.Kind.DETAIL,
        enrolment.insats,
        purpose=PURPOSE,
        person=enrolment.person,
        detail=f"{detail} (api)",
    )


def _shown(request: HttpRequest, enrolment_id: int, detail: str) -> dict[str, Any]:
    """The enrolment as stored now, its read logged as the record page logs it."""
    enrolment = enrolments_in_scope(caller(request), Action.VIEW_PERSONAL).get(pk=enrolment_id)
    log_record_read(caller(request), enrolment, f"enrolment {enrolment.pk}, {detail}")
    return _enrolment_out(enrolment)


# --- insatser and codes -----------------------------------------------------------------


@api.get(
    "/insatser",
    response={200: list[InsatsOut], **AUTH_ERRORS},
    url_name="insatser",
    summary="The insatser you can see",
)
def list_insatser(request: HttpRequest) -> list[dict[str, Any]]:
    user = caller(request)
    insatser = list(
        _insatser(user, Action.VIEW).prefetch_related("forbund__parties").order_by("pk")
    )
    allowed = {
        action: set(Insats.objects.restrict(user, action).values_list("pk", flat=True))
        for action in (Action.VIEW, Action.VIEW_PERSONAL, Action.REGISTER, Action.MANAGE)
    }
    return [
        {
            "id": i.pk,
            "name": i.name,
            "forbund": {"id": i.forbund_id, "name": i.forbund.name},
            "team": None if i.team is None else {"id": i.team.pk, "name": i.team.name},
            "kind": i.kind,
            "follow_up_method": i.follow_up_method,
            "follow_up_months": i.follow_up_months,
            "start_date": i.start_date,
            "end_date": i.end_date,
            "actions": [str(a) for a, pks in allowed.items() if i.pk in pks],
            "parties": [
                {"id": p.pk, "kind": p.kind, "name": p.name, "municipality": p.municipality_id}
                for p in i.forbund.parties.all()
            ],
        }
        for i in insatser
    ]


@api.get("/codes", response={200: CodeLists, **AUTH_ERRORS}, url_name="codes", summary="Code lists")
def code_lists(request: HttpRequest) -> dict[str, Any]:
    def rows(entries: Iterable[CodeListEntry]) -> list[dict[str, Any]]:
        return [
            {
                "code": e.code,
                "label": e.label,
                "active": e.active,
                "parent": code_of(getattr(e, "parent", None)),
            }
            for e in entries
        ]

    return {
        "referring_actors": rows(ReferringActor.objects.select_related("parent")),
        "supply_types": rows(SupplyType.objects.all()),
        "education_levels": rows(EducationLevel.objects.all()),
        "occupation_types": rows(OccupationType.objects.all()),
        "end_reasons": rows(EndReason.objects.all()),
        "municipalities": [
            {"code": m.pk, "label": m.name, "active": True, "parent": None}
            for m in Municipality.objects.order_by("pk")
        ],
    }


# --- enrolments -------------------------------------------------------------------------


class EnrolmentFilters(Schema):
    """No search by name or personnummer: such a term must never stand in a URL."""

    status: Literal["all", "active", "ended"] = "all"
    gender: Literal["K", "M"] | None = NinjaField(None, description="K, M or none for both")
    period_from: dt.date | None = NinjaField(None, description="Active on or after this day")
    period_to: dt.date | None = NinjaField(None, description="Started on or before this day")
    page: int = NinjaField(1, ge=1, le=1_000_000)


@api.get(
    "/insatser/{insats_id}/enrolments",
    response={200: EnrolmentPage, **OBJECT_ERRORS},
    url_name="insats-enrolments",
    summary="The enrolments of an insats (logged)",
)
def list_enrolments(
    request: HttpRequest,
    filters: Query[EnrolmentFilters],
    insats_id: int = object_id(),
) -> dict[str, Any]:
    user = caller(request)
    insats = get_in_scope(request, _insatser, Action.VIEW_PERSONAL, insats_id)
    found = selectors.filtered_enrolments(
        user,
        insats=insats,
        status="" if filters.status == "all" else filters.status,
        period_from=filters.period_from,
        period_to=filters.period_to,
        gender=filters.gender or "",
    ).prefetch_related("supply_before", "supply_after", *ANSWERS)
    found = found.select_related(
        "referring_actor", "education_level", "occupation_before", "occupation_after"
    )
    paginator = Paginator(found, PAGE_SIZE)
    page = paginator.get_page(filters.page)
    items = list(page.object_list)
    log_personal_data_read(
        user,
        AccessLog.Kind.LIST,
        insats,
        purpose=PURPOSE,
        persons=[e.person for e in items],
        records=len(items),
        detail=f"api page {page.number}",
    )
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": PAGE_SIZE,
        "items": [_enrolment_out(e) for e in items],
    }


@api.post(
    "/insatser/{insats_id}/enrolments",
    response={201: EnrolmentOut, **WRITE_ERRORS},
    url_name="insats-enrolments",
    summary="Register an enrolment",
)
def register_enrolment(
    request: HttpRequest, data: EnrolmentCreate, insats_id: int = object_id()
) -> Status[dict[str, Any]]:
    insats = get_in_scope(request, _insatser, Action.REGISTER, insats_id)
    values = _resolved(data.dict())
    enrolment = services.register_enrolment(
        user=caller(request),
        insats=insats,
        answers=_answers(insats, values.pop("answers")),
        personnummer_text=values.pop("personnummer"),
        first_name=values.pop("first_name") or "",
        last_name=values.pop("last_name") or "",
        supply_before=values.pop("supply_before"),
        **values,
    )
    return Status(201, _shown(request, enrolment.pk, "register"))


@api.get(
    "/enrolments/{enrolment_id}",
    response={200: EnrolmentOut, **OBJECT_ERRORS},
    url_name="enrolment",
    summary="One enrolment (logged)",
)
def get_enrolment(request: HttpRequest, enrolment_id: int = object_id()) -> dict[str, Any]:
    get_in_scope(request, enrolments_in_scope, Action.VIEW_PERSONAL, enrolment_id)
    return _shown(request, enrolment_id, "detail")


_END_FIELDS = set(selectors.END_FIELDS)


@api.patch(
    "/enrolments/{enrolment_id}",
    response={200: EnrolmentOut, **WRITE_ERRORS},
    url_name="enrolment",
    summary="Correct an enrolment",
)
def update_enrolment(
    request: HttpRequest, data: EnrolmentChange, enrolment_id: int = object_id()
) -> dict[str, Any]:
    enrolment = get_in_scope(request, enrolments_in_scope, Action.REGISTER, enrolment_id)
    given = data.dict(exclude_unset=True)
    version = given.pop("version")
    if enrolment.end_date is None and (ending := sorted(_END_FIELDS & set(given))):
        raise ValidationError({f: _("End an active enrolment with POST …/end.") for f in ending})
    required = [
        name
        for name, value in given.items()
        if value is None
        and name not in ("first_name", "last_name", "supply_before", "supply_after", "answers")
        and not getattr(Enrolment._meta.get_field(name), "null", False)
    ]
    if required:
        raise ValidationError({name: _("This field cannot be null.") for name in required})
    for name in ("first_name", "last_name"):
        if name in given:
            given[name] = (given[name] or "").strip()
    for name in ("supply_before", "supply_after"):
        if name in given and given[name] is None:
            given[name] = []
    values = _resolved(given, current=enrolment)
    services.update_enrolment(
        user=caller(request),
        enrolment=enrolment,
        version=version,
        answers=_answers(enrolment.insats, values.pop("answers", None)),
        supply_before=values.pop("supply_before", None),
        supply_after=values.pop("supply_after", None),
        **values,
    )
    return _shown(request, enrolment_id, "update")


@api.post(
    "/enrolments/{enrolment_id}/end",
    response={200: EnrolmentOut, **WRITE_ERRORS},
    url_name="enrolment-end",
    summary="End an active enrolment",
)
def end_enrolment(
    request: HttpRequest, data: EnrolmentEnd, enrolment_id: int = object_id()
) -> dict[str, Any]:
    enrolment = get_in_scope(request, enrolments_in_scope, Action.REGISTER, enrolment_id)
    values = _resolved(data.dict(), current=enrolment)
    services.end_enrolment(
        user=caller(request),
        enrolment=enrolment,
        version=values.pop("version"),
        answers=_answers(enrolment.insats, values.pop("answers")),
        end_date=values.pop("end_date"),
        end_reason=values.pop("end_reason"),
        supply_after=values.pop("supply_after"),
        **values,
    )
    return _shown(request, enrolment_id, "end")


@api.get(
    "/insatser/{insats_id}/questions",
    response={200: list[QuestionOut], **OBJECT_ERRORS},
    url_name="insats-questions",
    summary="The förbund's own questions of an insats",
)
def list_questions(request: HttpRequest, insats_id: int = object_id()) -> list[dict[str, Any]]:
    insats = get_in_scope(request, _insatser, Action.VIEW, insats_id)
    return [
        {
            "id": q.pk,
            "text": q.text,
            "help_text": q.help_text,
            "kind": q.kind,
            "moment": q.moment,
            "valid_from": q.valid_from,
            "valid_until": q.valid_until,
            "choices": [c.label for c in q.choices.all()],
        }
        for q in question_selectors.of_insats(insats)
    ]


# --- aggregates -------------------------------------------------------------------------


@api.post(
    "/insatser/{insats_id}/anonymous",
    response={201: AnonymousOut, **WRITE_ERRORS},
    url_name="insats-anonymous",
    summary="Register an anonymous participant",
)
def register_anonymous(
    request: HttpRequest, data: AnonymousCreate, insats_id: int = object_id()
) -> Status[dict[str, Any]]:
    insats = get_in_scope(request, _insatser, Action.REGISTER, insats_id)
    row = services.register_anonymous(user=caller(request), insats=insats, **data.dict())
    return Status(
        201,
        {
            "id": row.pk,
            "insats": row.insats_id,
            "gender": row.gender,
            "start_year": row.start_year,
            "reason": row.reason,
        },
    )


def _count_out(row: VolumeCount | StructuralCount) -> dict[str, Any]:
    out = {
        "id": row.pk,
        "insats": row.insats_id,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "count": row.count,
    }
    if isinstance(row, VolumeCount):
        out["gender"] = row.gender
    else:
        out["party"] = row.party_id
    return out


@api.post(
    "/insatser/{insats_id}/volume-counts",
    response={200: VolumeCountOut, **WRITE_ERRORS},
    url_name="insats-volume-counts",
    summary="Set a volume count (replaces the count of the same period and gender)",
)
def record_volume_count(
    request: HttpRequest, data: VolumeCountIn, insats_id: int = object_id()
) -> dict[str, Any]:
    insats = get_in_scope(request, _insatser, Action.MANAGE, insats_id)
    row = services.record_volume_count(user=caller(request), insats=insats, **data.dict())
    return _count_out(row)


@api.post(
    "/insatser/{insats_id}/structural-counts",
    response={200: StructuralCountOut, **WRITE_ERRORS},
    url_name="insats-structural-counts",
    summary="Set a structural count (replaces the count of the same period and party)",
)
def record_structural_count(
    request: HttpRequest, data: StructuralCountIn, insats_id: int = object_id()
) -> dict[str, Any]:
    insats = get_in_scope(request, _insatser, Action.MANAGE, insats_id)
    values = data.dict()
    party = None
    if values["party"] is not None:
        party = MemberParty.objects.filter(pk=values["party"]).first()
        if party is None:
            raise ValidationError({"party": _("The party is not a member of this förbund.")})
    values["party"] = party
    row = services.record_structural_count(user=caller(request), insats=insats, **values)
    return _count_out(row)
