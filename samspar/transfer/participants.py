"""The participant list of one insats — or of every insats the user sees personal data
of, with a column naming each row's insats — as a spreadsheet, for its registrators:
every variable of DOMAIN.md §3 of the enrolments the list page's filters select. An unknown
value (a variable left unregistered, e.g. in imported history) is an empty cell."""

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
from samspar.registry.models import Enrolment, Person
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


def participant_sheet(insats: Insats | None, enrolments: QuerySet[Enrolment]) -> Sheet:
    """The sheet of ``insats``'s enrolments, or (None) of several insatser's."""
    where = (
        [(str(_("Insats")), insats.name), (str(_("Samordningsförbund")), insats.forbund.name)]
        if insats is not None
        else [(str(_("Insats")), str(_("Every insats whose participants you see")))]
    )
    listed = list(with_everything(enrolments))
    rows = [_row(e) for e in listed]
    columns = COLUMNS
    if insats is None:
        columns = (INSATS, *COLUMNS)
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
