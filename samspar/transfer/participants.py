"""The participant list of one insats — or of every insats the user sees personal data
of, with a column naming each row's insats — as a spreadsheet, for its registrators:
every variable of DOMAIN.md §3 of the enrolments the list page's filters select, then one
column per question of the insatser (the förbund's own questions, headed by the question),
the answer as the pages show it. An unknown value (a variable left unregistered, e.g. in
imported history) or an unanswered question is an empty cell, as is a question of another
insats than the row's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspar.organisation.models import Insats
from samspar.registry import question_selectors
from samspar.registry.models import Enrolment, Person, Question
from samspar.reports.tables import Column, Kind
from samspar.transfer.sheets import Cell, Sheet


def label(obj: Any) -> str:
    """A code-list entry's label; empty when unknown."""
    return "" if obj is None else str(obj.label if hasattr(obj, "label") else obj)


def related(obj: Any, name: str) -> Any:
    """The object a foreign key points to, or None when unknown (a field that may be
    left empty in imported history)."""
    return None if getattr(obj, f"{name}_id", None) is None else getattr(obj, name)


def labels(objects: Iterable[Any]) -> str:
    return ", ".join(label(o) for o in objects)


def _field(name: str, kind: Kind = Kind.LABEL, decimals: int | None = None) -> Column:
    """A column headed by the model field's own label, so that a field's name reads the
    same here as on the pages."""
    model = Person if name in ("birth_date", "gender") else Enrolment
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    title = capfirst(field.verbose_name)
    return Column(name, title, kind, decimals=decimals)


INSATS = Column("insats", gettext_lazy("Insats"), Kind.LABEL)
COLUMNS: tuple[Column, ...] = (
    Column("personnummer", gettext_lazy("Personnummer"), Kind.LABEL),
    _field("last_name"),
    _field("first_name"),
    _field("gender"),
    _field("birth_date"),
    Column("municipality_code", gettext_lazy("Municipality code"), Kind.LABEL),
    _field("municipality"),
    _field("residence_kind"),
    _field("referral_date"),
    _field("start_date"),
    _field("consent_date"),
    _field("referring_actor"),
    _field("supply_before"),
    _field("years_in_public_support", Kind.NUMBER, decimals=2),
    _field("education_level"),
    _field("occupation_before"),
    _field("occupation_before_percent", Kind.TALLY),
    _field("end_date"),
    _field("early_dropout"),
    _field("end_reason"),
    _field("supply_after"),
    _field("occupation_after"),
    _field("occupation_after_percent", Kind.TALLY),
    _field("works_after"),
    _field("studies_after"),
    _field("work_or_studies_increased"),
    _field("notes"),
)


def _row(e: Enrolment) -> list[Cell]:
    person = e.person
    municipality = related(e, "municipality")
    return [
        person.personnummer,
        e.last_name,
        e.first_name,
        person.get_gender_display(),
        person.birth_date,
        getattr(municipality, "code", None),
        getattr(municipality, "name", None),
        e.get_residence_kind_display() if e.residence_kind else None,
        e.referral_date,
        e.start_date,
        e.consent_date,
        label(related(e, "referring_actor")),
        labels(e.supply_before.all()),
        e.years_in_public_support,
        label(related(e, "education_level")),
        label(related(e, "occupation_before")),
        e.occupation_before_percent,
        e.end_date,
        e.early_dropout if e.end_date else None,
        label(related(e, "end_reason")),
        labels(e.supply_after.all()),
        label(related(e, "occupation_after")),
        e.occupation_after_percent,
        e.works_after if e.end_date else None,
        e.studies_after if e.end_date else None,
        e.work_or_studies_increased if e.end_date else None,
        e.notes,
    ]


def with_everything(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return enrolments.select_related(
        "person",
        "insats",
        "municipality",
        "referring_actor__parent",
        "education_level",
        "occupation_before",
        "occupation_after",
        "end_reason",
    ).prefetch_related("supply_before", "supply_after")


def _questions(insats: Insats | None, listed: list[Enrolment]) -> list[Question]:
    """The questions of ``insats``, or of the insatser of the listed enrolments (by
    insats name, each insats's in order)."""
    if insats is not None:
        return list(question_selectors.of_insats(insats))
    ids = {e.insats_id for e in listed}
    return list(
        Question.objects.filter(insats_id__in=ids)
        .select_related("insats")
        .order_by("insats__name", "insats_id", *question_selectors.ORDER)
    )


def _question_columns(questions: list[Question]) -> list[Column]:
    """One column per question, headed by its text; a text two insatser's questions
    share is followed by the insats's name."""
    texts = [q.text for q in questions]
    return [
        Column(
            f"question_{q.pk}",
            q.text if texts.count(q.text) == 1 else f"{q.text} ({q.insats.name})",
            Kind.LABEL,
        )
        for q in questions
    ]


def _answers(e: Enrolment, questions: list[Question]) -> list[Cell]:
    """The enrolment's answers to ``questions`` as shown (prefetched with their choices);
    empty when unanswered or another insats's question."""
    answers = {a.question_id: a for a in e.answers.all()}
    return [
        (question_selectors.shown(q, answers.get(q.pk)) or None)
        if q.insats_id == e.insats_id
        else None
        for q in questions
    ]


def participant_sheet(insats: Insats | None, enrolments: QuerySet[Enrolment]) -> Sheet:
    """The sheet of ``insats``'s enrolments, or (None) of several insatser's."""
    where = (
        [(str(_("Insats")), insats.name), (str(_("Samordningsförbund")), insats.forbund.name)]
        if insats is not None
        else [(str(_("Insats")), str(_("Every insats whose participants you see")))]
    )
    listed = list(with_everything(enrolments).prefetch_related("answers__choices"))
    questions = _questions(insats, listed)
    rows = [[*_row(e), *_answers(e, questions)] for e in listed]
    columns: tuple[Column, ...] = (*COLUMNS, *_question_columns(questions))
    if insats is None:
        columns = (INSATS, *columns)
        rows = [[e.insats.name, *row] for e, row in zip(listed, rows, strict=True)]
    return Sheet(
        title=str(_("Participants")),
        columns=columns,
        rows=rows,
        header=[
            *where,
            (str(_("Generated")), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            (str(_("Note")), str(_("Personal data: store and share only as your role allows."))),
        ],
    )
