"""Reads of the participant registry for the registration pages, always through the
user's scope. Formatting of values for display (labels of code lists and choices, not
raw ids) lives here too, so the detail page and the change history agree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, ExpressionWrapper, F, Q
from django.db.models.expressions import OrderBy
from django.utils import formats
from django.utils.translation import gettext as _

from samspar.access.models import AccessLog
from samspar.access.scoping import Action
from samspar.core import crypto, personnummer
from samspar.organisation.models import MemberParty, Municipality, PartyKind
from samspar.registry import services
from samspar.registry.models import (
    UNKNOWN_LABEL,
    AnonymousEnrolment,
    CountGender,
    Enrolment,
    Person,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet

    from samspar.organisation.models import Forbund, Insats

    User = AbstractBaseUser | AnonymousUser

# Start variables, background and end variables, in the order the pages show them.
START_FIELDS = [
    "start_date",
    "referral_date",
    "consent_date",
    "municipality",
    "residence_kind",
    "referring_actor",
]
BACKGROUND_FIELDS = [
    "supply_before",
    "years_in_public_support",
    "education_level",
    "occupation_before",
    "occupation_before_percent",
]
END_FIELDS = [
    "end_date",
    "early_dropout",
    "end_reason",
    "supply_after",
    "occupation_after",
    "occupation_after_percent",
    "works_after",
    "studies_after",
    "work_or_studies_increased",
]
# Fields the history never shows: they do not change, or are bookkeeping.
_HISTORY_EXCLUDED = {"person", "insats", "created_by", "created_at", "version"}


# --- Enrolments -------------------------------------------------------------------------


def enrolments_with_personal_data(user: User) -> QuerySet[Enrolment]:
    """Every enrolment whose personal data the user may see."""
    return Enrolment.objects.restrict(user, Action.VIEW_PERSONAL).select_related(
        "person", "insats__forbund", "end_reason"
    )


# The participant list's sort keys ("-key" descending): the columns they sort by; the
# name, then the id, break ties. The personnummer is stored encrypted, so it sorts by the
# birth date it begins with; the status puts the active first.
SORTS: dict[str, tuple[str, ...]] = {
    "name": ("last_name", "first_name"),
    "personnummer": ("person_birth_date",),
    "gender": ("person_gender",),
    "insats": ("insats__name",),
    "start": ("start_date",),
    "end": ("end_date",),
    "end_reason": ("end_reason__sort_order",),
    "status": ("ended",),
}
DEFAULT_SORT = "name"


def _ordering(sort: str) -> list[OrderBy]:
    fields = SORTS.get(sort.removeprefix("-"), SORTS[DEFAULT_SORT])
    descending = sort.startswith("-")
    ordered = [
        F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True) for f in fields
    ]
    return [*ordered, F("last_name").asc(), F("first_name").asc(), F("pk").asc()]


def filtered_enrolments(
    user: User,
    *,
    insats: Insats | None = None,
    status: str = "",
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    gender: str = "",
    q: str = "",
    sort: str = DEFAULT_SORT,
) -> QuerySet[Enrolment]:
    """The enrolments of ``insats`` — or of every insats whose personal data the user may
    see — matching the list filters, in the order ``sort`` (a key of ``SORTS``).

    ``status`` is "active", "ended" or empty (all). The period keeps the enrolments active
    at least one day in it. ``q`` is a personnummer (exact match through the look-up hash)
    or name words (each must match the first or last name the enrolment was registered with).
    """
    qs = enrolments_with_personal_data(user)
    if insats is not None:
        qs = qs.filter(insats=insats)
    if status == "active":
        qs = qs.filter(end_date__isnull=True)
    elif status == "ended":
        qs = qs.filter(end_date__isnull=False)
    if period_to is not None:
        qs = qs.filter(start_date__lte=period_to)
    if period_from is not None:
        qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=period_from))
    if gender:
        qs = qs.filter(person_gender=gender)
    q = q.strip()
    if q:
        pnr = _as_personnummer(q)
        if pnr is not None:
            qs = qs.filter(person__pnr_hash=crypto.lookup_hash(pnr))
        else:
            for word in q.split():
                qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    ended = ExpressionWrapper(Q(end_date__isnull=False), output_field=models.BooleanField())
    return qs.annotate(ended=ended).order_by(*_ordering(sort))


def search_kind(q: str) -> AccessLog.Kind:
    """What the access log records for a list request with search text ``q``."""
    q = q.strip()
    if not q:
        return AccessLog.Kind.LIST
    if _as_personnummer(q) is not None:
        return AccessLog.Kind.SEARCH_PERSONNUMMER
    return AccessLog.Kind.SEARCH_NAME


def _as_personnummer(text: str) -> str | None:
    """The canonical number if the text parses as one, else None."""
    try:
        return services.parse_personnummer(text).canonical
    except ValidationError:
        return None


class Known(StrEnum):
    """What the personnummer check may tell a registrator about a typed number."""

    UNKNOWN = ""  # also: known only where the user may not see personal data
    KNOWN = "known"  # enrolled in an insats whose personal data the user may see
    ACTIVE_HERE = "active_here"  # has an active enrolment in this insats


def known_in_scope(
    user: User, insats: Insats, pnr: personnummer.Personnummer
) -> tuple[Known, Person | None]:
    """How the number is known within the user's personal-data scope, and the person if
    it is. A person enrolled only outside that scope is UNKNOWN, exactly like a number
    never registered."""
    enrolments = enrolments_with_personal_data(user).filter(
        person__pnr_hash=crypto.lookup_hash(pnr.canonical)
    )
    first = enrolments.first()
    if first is None:
        return Known.UNKNOWN, None
    if enrolments.filter(insats=insats, end_date__isnull=True).exists():
        return Known.ACTIVE_HERE, first.person
    return Known.KNOWN, first.person


def other_enrolments(user: User, enrolment: Enrolment) -> QuerySet[Enrolment]:
    """The person's other enrolments, in insatser whose personal data the user may see."""
    return (
        enrolments_with_personal_data(user)
        .filter(person_id=enrolment.person_id)
        .exclude(pk=enrolment.pk)
        .order_by("-start_date")
    )


def default_municipality(forbund: Forbund) -> Municipality | None:
    """The municipality of the förbund's first member kommun, if it has one."""
    party = (
        MemberParty.objects.filter(forbund=forbund, kind=PartyKind.KOMMUN)
        .select_related("municipality")
        .first()
    )
    return party.municipality if party else None


_SWEDISH_ORDER = str.maketrans("åäöé", "{|}e")


def swedish_sort_key(text: str) -> str:
    """Sort Swedish names the Swedish way: å, ä, ö after z."""
    return text.lower().translate(_SWEDISH_ORDER)


def municipalities_by_name() -> list[Municipality]:
    return sorted(Municipality.objects.all(), key=lambda m: swedish_sort_key(m.name))


# --- Display of values ------------------------------------------------------------------


def display_value(model_field: models.Field[Any, Any], value: Any) -> str:
    """A value of an Enrolment field as a user reads it: labels, not codes or ids."""
    if value is None or value == "":
        return "–"
    if isinstance(model_field, models.ForeignKey):
        if isinstance(value, models.Model):
            return str(value)
        related = model_field.related_model
        assert isinstance(related, type)
        obj = related._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else _("(removed entry %(id)s)") % {"id": value}
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | int):
        return str(formats.localize(value, use_l10n=True))
    return str(value)


def _labels(objects: Any) -> str:
    names = [str(o) for o in objects]
    return ", ".join(names) if names else "–"


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def enrolment_facts(enrolment: Enrolment) -> dict[str, list[Fact]]:
    """All variables of an enrolment, labelled, in the page's sections."""
    meta = Enrolment._meta

    def facts(names: list[str]) -> list[Fact]:
        rows = []
        for name in names:
            f = meta.get_field(name)
            label = str(f.verbose_name)  # type: ignore[union-attr]
            if isinstance(f, models.ManyToManyField):
                value = _labels(getattr(enrolment, name).all())
            else:
                value = display_value(f, getattr(enrolment, name))  # type: ignore[arg-type]
            if value == "–" and name != "notes":
                value = str(UNKNOWN_LABEL)
            rows.append(Fact(label[:1].upper() + label[1:], value))
        return rows

    sections = {
        "start": facts(START_FIELDS),
        "background": facts([*BACKGROUND_FIELDS, "notes"]),
    }
    if enrolment.end_date is not None:
        sections["end"] = facts(END_FIELDS)
    return sections


# --- Change history ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: dt.datetime
    user: str
    created: bool
    changes: list[FieldChange] = field(default_factory=list)


def _m2m_labels(model_field: models.ManyToManyField[Any, Any], rows: list[dict[str, Any]]) -> str:
    target = model_field.related_model
    assert isinstance(target, type)
    key = target._meta.model_name or ""
    ids = [row[key] for row in rows if row.get(key) is not None]
    objects = {o.pk: o for o in target._default_manager.filter(pk__in=ids)}
    return _labels(objects.get(i, i) for i in ids)


def _change(name: str, old: Any, new: Any) -> FieldChange:
    f = Enrolment._meta.get_field(name)
    label = str(f.verbose_name)  # type: ignore[union-attr]
    label = label[:1].upper() + label[1:]
    if isinstance(f, models.ManyToManyField):
        return FieldChange(label, _m2m_labels(f, old), _m2m_labels(f, new))
    return FieldChange(label, display_value(f, old), display_value(f, new))  # type: ignore[arg-type]


def enrolment_history(enrolment: Enrolment) -> list[HistoryEntry]:
    """Who changed what and when, newest first, with old → new values.

    The services write one history record per registration or change (fields and supply
    types together); the oldest record is the registration itself.
    """
    records = list(
        enrolment.history.all()
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries: list[HistoryEntry] = []
    previous = None
    for record in records:
        user = record.history_user
        who = (user.get_full_name() or user.get_username()) if user else "–"
        if previous is None:
            entries.append(HistoryEntry(record.history_date, who, created=True))
        else:
            delta = record.diff_against(previous, excluded_fields=_HISTORY_EXCLUDED)
            changes = [_change(c.field, c.old, c.new) for c in delta.changes]
            if changes:
                entries.append(HistoryEntry(record.history_date, who, False, changes))
        previous = record
    entries.reverse()
    return entries


# --- Anonymous participants -------------------------------------------------------------


@dataclass(frozen=True)
class AnonymousYearRow:
    year: int
    counts: list[int]  # in the order of CountGender
    total: int


def anonymous_counts(insats: Insats) -> list[AnonymousYearRow]:
    """Anonymous participants per start year (newest first) and gender."""
    table: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        AnonymousEnrolment.objects.filter(insats=insats)
        .values("start_year", "gender")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        table[row["start_year"]][row["gender"]] = row["n"]
    result = []
    for year in sorted(table, reverse=True):
        counts = [table[year].get(g.value, 0) for g in CountGender]
        result.append(AnonymousYearRow(year, counts, sum(counts)))
    return result
