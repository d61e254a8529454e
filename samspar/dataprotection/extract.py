"""Registerutdrag (GDPR Art. 15): everything stored about one person within the
requester's scope, and who read it, as JSON and PDF.

Who may: a data protection officer for the insatser of their förbund, a registrar for
their own insatser, the server operator (``samspar registerutdrag``) for every insats or
one förbund. The extract covers the person's data, each of their enrolments in those
insatser with every variable (code labels, not codes), the answers to the förbund's own
questions, follow-ups and change history (the answers' changes included), and the
access-log entries of those insatser about the person. Each extract is itself logged.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML

from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog
from samspar.access.scoping import Action
from samspar.core import crypto
from samspar.dataprotection.personal_data import HOLDERS
from samspar.organisation.models import Forbund, Insats
from samspar.registry import question_record, selectors, services
from samspar.registry.models import Enrolment, FollowUp, Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

PURPOSE = "registerutdrag"
FORMATS = ("pdf", "json")
CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json"}

ENROLMENT_FIELDS = [
    "first_name",
    "last_name",
    *selectors.START_FIELDS,
    *selectors.BACKGROUND_FIELDS,
    "notes",
    *selectors.END_FIELDS,
]
FOLLOW_UP_FIELDS = [
    "months_after",
    "date",
    "reached",
    "supply",
    "occupation",
    "occupation_percent",
    "works",
    "studies",
    "notes",
]


def extract_insatser(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Insats]:
    """The insatser whose data the user may put in a register extract."""
    dpo = Insats.objects.restrict(user, Action.DATA_PROTECTION).values("pk")
    registrar = Insats.objects.restrict(user, Action.VIEW_PERSONAL).values("pk")
    return Insats.objects.filter(models.Q(pk__in=dpo) | models.Q(pk__in=registrar))


def find_person(personnummer_text: str, insatser: QuerySet[Insats]) -> Person:
    """The person with this number enrolled in one of ``insatser``; else a ValidationError
    that does not tell whether the person exists elsewhere."""
    pnr = services.parse_personnummer(personnummer_text)
    person = Person.objects.filter(
        pnr_hash=crypto.lookup_hash(pnr.canonical), enrolments__insats__in=insatser
    ).first()
    if person is None:
        raise ValidationError(
            {"personnummer": _("No person with this number is registered in your insatser.")}
        )
    return person


def _label(model: type[models.Model], name: str) -> str:
    label = str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    return label[:1].upper() + label[1:]


def _value(obj: models.Model, name: str) -> str:
    f = obj._meta.get_field(name)
    if isinstance(f, models.ManyToManyField):
        return ", ".join(str(o) for o in getattr(obj, name).all()) or "–"
    return selectors.display_value(f, getattr(obj, name))  # type: ignore[arg-type]


def _fields(obj: models.Model, names: list[str]) -> list[dict[str, str]]:
    return [{"field": n, "label": _label(type(obj), n), "value": _value(obj, n)} for n in names]


def _other_tables(person: Person, insatser: QuerySet[Insats]) -> list[dict[str, Any]]:
    """The rows about the person of every ``personal_data.HOLDERS`` table marked
    ``in_extract``, each column labelled, ciphertexts decrypted."""
    tables = []
    for holder in HOLDERS:
        if not holder.in_extract:
            continue
        model = holder.model_class()
        rows = model._base_manager.filter(**{holder.person: person.pk})
        if holder.insats:
            rows = rows.filter(**{f"{holder.insats}__in": insatser.values("pk")})
        names = [
            f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != "person"
        ]
        shown = []
        for row in rows.order_by("pk"):
            values = _fields(row, names)
            for value in values:
                if value["field"] in holder.encrypted and getattr(row, value["field"]):
                    value["value"] = crypto.decrypt(getattr(row, value["field"]))
            shown.append(values)
        if shown:
            tables.append({"table": str(model._meta.verbose_name_plural), "rows": shown})
    return tables


def _import_errors(person: Person, insatser: QuerySet[Insats]) -> list[dict[str, Any]]:
    """The errors of the kept error lists of enrolment imports into ``insatser`` whose
    value is the person's number (an error list keeps the file's values for
    ``SAMSPAR_IMPORT_RETENTION_DAYS``; docs/import.md, "Retention"). An error on another
    column of the person's row holds that column's value, which names nobody, and is not
    found."""
    from samspar.imports.models import ImportRun

    canonical = services.parse_personnummer(person.personnummer).canonical
    runs = (
        ImportRun.objects.filter(insats__in=insatser, kind="enrolments")
        .exclude(errors_encrypted="")
        .select_related("insats", "user")
        .defer("data")
        .order_by("created_at", "pk")
    )
    found = []
    for run in runs:
        for error in run.errors:
            try:
                number = services.parse_personnummer(str(error.get("value") or ""))
            except ValidationError:
                continue
            if number.canonical != canonical:
                continue
            found.append(
                {
                    "file": run.file_name,
                    "uploaded_at": timezone.localtime(run.created_at).isoformat(timespec="seconds"),
                    "by": _who(run.user),
                    "insats": run.insats.name,
                    "row": error.get("row"),
                    "column": error.get("column"),
                    "reason": error.get("reason"),
                }
            )
    return found


def _who(user: Any) -> str:
    if user is None:
        return _("the server operator")
    return str(user.get_full_name() or user.get_username())


def _enrolment(enrolment: Enrolment) -> dict[str, Any]:
    follow_ups = FollowUp.objects.filter(enrolment=enrolment).order_by("months_after")
    return {
        "insats": enrolment.insats.name,
        "forbund": enrolment.insats.forbund.name,
        "registered_at": enrolment.created_at.isoformat(timespec="seconds"),
        "registered_by": _who(enrolment.created_by),
        "fields": _fields(enrolment, ENROLMENT_FIELDS),
        # The förbund's own questions the enrolment has answered, in order.
        "answers": [
            {"question": a.question, "answer": a.answer}
            for a in question_record.record_answers(enrolment)
            if a.answer
        ],
        "follow_ups": [_fields(f, FOLLOW_UP_FIELDS) for f in follow_ups],
        "history": [
            {
                "at": entry.at.isoformat(timespec="seconds"),
                "by": entry.user,
                "event": _("Registered") if entry.created else _("Changed"),
                "changes": [{"label": c.label, "old": c.old, "new": c.new} for c in entry.changes],
            }
            for entry in question_record.record_history(enrolment)
        ],
    }


@transaction.atomic
def register_extract(
    *,
    user: AbstractBaseUser | None,
    personnummer_text: str,
    insatser: QuerySet[Insats],
) -> dict[str, Any]:
    """The extract of the person with this number within ``insatser``, logged first (so it
    lists itself). ``user`` None is the operator on the command line."""
    person = find_person(personnummer_text, insatser)
    enrolments = list(
        Enrolment.objects.filter(person=person, insats__in=insatser)
        .select_related("insats__forbund", "created_by")
        .order_by("start_date", "pk")
    )
    covered = sorted({e.insats for e in enrolments}, key=lambda i: (i.forbund.name, i.name))
    for insats in covered:
        log_personal_data_read(user, AccessLog.Kind.EXTRACT, insats, purpose=PURPOSE, person=person)
    # Who read the person is the data protection officer's to tell (and the operator's):
    # a registrar's extract leaves the access log out, so that it never shows a
    # registrar the officer's look-ups or their colleagues' reads.
    log_insatser = (
        insatser
        if user is None
        else insatser.filter(pk__in=Insats.objects.restrict(user, Action.DATA_PROTECTION))
    )
    log = (
        AccessLog.objects.filter(persons=person, insats__in=log_insatser)
        .select_related("user", "insats")
        .order_by("at", "pk")
    )
    shows_log = user is None or log_insatser.exists()
    return {
        "title": _("Register extract"),
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "generated_by": _who(user),
        "insatser": [f"{i.name} ({i.forbund.name})" for i in covered],
        "person": {
            "personnummer": person.personnummer,
            "samordningsnummer": person.is_coordination_number,
            "birth_date": person.birth_date.isoformat(),
            "legal_gender": person.get_gender_display(),
            # The first registration in scope: the person row may be older, made by
            # another förbund, which is not the requester's to know.
            "registered_at": min(e.created_at for e in enrolments).isoformat(timespec="seconds"),
        },
        "enrolments": [_enrolment(e) for e in enrolments],
        "other": _other_tables(person, insatser),
        "import_errors": _import_errors(person, insatser),
        "access_log": None
        if not shows_log
        else [
            {
                "at": timezone.localtime(entry.at).isoformat(timespec="seconds"),
                "by": _who(entry.user),
                "what": entry.get_kind_display(),
                "insats": entry.insats.name,
                "purpose": entry.purpose,
            }
            for entry in log
        ],
    }


def render(extract: dict[str, Any], fmt: str) -> bytes:
    """The extract as a file: ``json`` or ``pdf``."""
    if fmt == "json":
        return json.dumps(extract, ensure_ascii=False, indent=2).encode()
    html = render_to_string("dataprotection/extract_pdf.html", {"x": extract})
    return bytes(HTML(string=html).write_pdf())


def operator_insatser(forbund_name: str = "") -> QuerySet[Insats]:
    """Every insats, or one förbund's (by name or id), for the operator's CLI."""
    if not forbund_name:
        return Insats.objects.all()
    forbund = Forbund.objects.filter(
        models.Q(name=forbund_name)
        | models.Q(pk=int(forbund_name) if forbund_name.isascii() and forbund_name.isdigit() else 0)
    ).first()
    if forbund is None:
        raise ValidationError(_("No förbund %(name)s.") % {"name": forbund_name})
    return Insats.objects.filter(forbund=forbund)
