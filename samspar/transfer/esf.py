"""The monthly participant file of an ESF-financed insats: the DOMAIN.md §3 variables
mapped to the ESF+ participant indicators (Regulation (EU) 2021/1057, Annex I), one row
per enrolment active at least one day in the month. docs/esf.md says which column comes
from which variable and which ones Samspår cannot fill (left empty)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspar.codelists.models import ResultGroup
from samspar.core.personnummer import age_on
from samspar.organisation.models import Insats
from samspar.registry.models import Enrolment
from samspar.reports.scope import worked_with_q
from samspar.reports.tables import Column, Kind
from samspar.transfer.participants import related, with_everything
from samspar.transfer.sheets import Cell, Sheet

ESF_PURPOSE = "ESF-rapportering"  # the purpose of the access-log entries

# Employment status at start (ESF+ common output indicators), from the occupation before.
EMPLOYED, UNEMPLOYED, INACTIVE = "sysselsatt", "arbetslos", "utanfor"
STATUS_LABELS = {
    EMPLOYED: gettext_lazy("Employed, including self-employed"),
    UNEMPLOYED: gettext_lazy("Unemployed"),
    INACTIVE: gettext_lazy("Inactive"),
}
OCCUPATION_STATUS = {
    "arbete": EMPLOYED,
    "arbetssokande": UNEMPLOYED,
    "studier": INACTIVE,
    "ingen": INACTIVE,
}
# Education level (SUN 2020 levels as Samspår registers them) → ISCED 2011 groups.
ISCED = {
    "forgymnasial": "ISCED 0–2",
    "gymnasial": "ISCED 3–4",
    "eftergymnasial-kort": "ISCED 5–8",
    "eftergymnasial-lang": "ISCED 5–8",
}
WORK_REASONS = {"arbete", "arbete-med-stod"}
STUDY_REASONS = {"studier"}
JOB_SEARCH_REASONS = {"arbetssokande"}

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> tuple[dt.date, dt.date]:
    """'2025-03' → (2025-03-01, 2025-03-31); ValidationError in Swedish otherwise."""
    match = _MONTH.match(text.strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
    raise ValidationError(_("Give the month as YYYY-MM, e.g. 2025-03."))


def _text(key: str, title: object) -> Column:
    return Column(key, title, Kind.LABEL)  # type: ignore[arg-type]


COLUMNS: tuple[Column, ...] = (
    _text("personnummer", gettext_lazy("Personnummer")),
    _text("first_name", gettext_lazy("First name")),
    _text("last_name", gettext_lazy("Last name")),
    _text("gender", gettext_lazy("Gender")),
    _text("birth_date", gettext_lazy("Birth date")),
    Column("age", gettext_lazy("Age at start"), Kind.TALLY),
    _text("start_date", gettext_lazy("Start date")),
    _text("end_date", gettext_lazy("End date")),
    _text("new_in_month", gettext_lazy("Started this month")),
    _text("ended_in_month", gettext_lazy("Left this month")),
    _text("municipality_code", gettext_lazy("Municipality code")),
    _text("status", gettext_lazy("Labour market status at start")),
    _text("long_term_unemployed", gettext_lazy("Long-term unemployed")),
    _text("isced", gettext_lazy("Education level (ISCED)")),
    _text("disability", gettext_lazy("Disability")),
    _text("third_country", gettext_lazy("Third-country national")),
    _text("foreign_background", gettext_lazy("Foreign background")),
    _text("minority", gettext_lazy("Minority")),
    _text("homeless", gettext_lazy("Homeless or affected by housing exclusion")),
    _text("rural", gettext_lazy("From a rural area")),
    _text("job_searching", gettext_lazy("Job searching upon leaving")),
    _text("in_education", gettext_lazy("In education or training upon leaving")),
    _text("qualification", gettext_lazy("Gained a qualification upon leaving")),
    _text("employed", gettext_lazy("In employment, including self-employment, upon leaving")),
)
# The columns Samspår never fills: not registered (docs/esf.md).
NOT_REGISTERED = frozenset(
    {
        "long_term_unemployed",
        "disability",
        "third_country",
        "foreign_background",
        "minority",
        "homeless",
        "rural",
        "qualification",
    }
)


@dataclass(frozen=True)
class Month:
    first: dt.date
    last: dt.date

    @property
    def label(self) -> str:
        return self.first.strftime("%Y-%m")


def month_enrolments(insats: Insats, month: Month) -> QuerySet[Enrolment]:
    """The insats's enrolments active at least one day in the month; wrong registrations
    never count."""
    return (
        Enrolment.objects.filter(insats=insats)
        .filter(worked_with_q(month.first, month.last))
        .exclude(end_reason__result_group=ResultGroup.CANCELLED)
        .order_by("start_date", "last_name", "first_name", "pk")
    )


def _code(obj: object) -> str | None:
    return getattr(obj, "code", None)


def _status(e: Enrolment) -> str | None:
    status = OCCUPATION_STATUS.get(_code(related(e, "occupation_before")) or "")
    return str(STATUS_LABELS[status]) if status else None


def _upon_leaving(e: Enrolment, month: Month) -> tuple[bool | None, bool | None, bool | None]:
    """(job searching, in education, employed) for those who left in the month; empty
    for the others."""
    if e.end_date is None or not month.first <= e.end_date <= month.last:
        return None, None, None
    reason = _code(related(e, "end_reason")) or ""
    after = _code(related(e, "occupation_after")) or ""
    job_searching = reason in JOB_SEARCH_REASONS or after == "arbetssokande"
    education = reason in STUDY_REASONS or bool(e.studies_after) or after == "studier"
    employed = reason in WORK_REASONS or bool(e.works_after) or after == "arbete"
    return job_searching, education, employed


def _row(e: Enrolment, month: Month) -> list[Cell]:
    person = e.person
    ended = e.end_date is not None and e.end_date <= month.last
    job_searching, education, employed = _upon_leaving(e, month)
    education_code = _code(related(e, "education_level"))
    return [
        person.personnummer,
        e.first_name,
        e.last_name,
        person.get_gender_display(),
        person.birth_date,
        age_on(person.birth_date, e.start_date),
        e.start_date,
        e.end_date if ended else None,
        month.first <= e.start_date <= month.last,
        ended,
        _code(related(e, "municipality")),
        _status(e),
        None,
        ISCED.get(education_code or ""),
        None,
        None,
        None,
        None,
        None,
        None,
        job_searching,
        education,
        None,
        employed,
    ]


def esf_sheet(insats: Insats, month: Month) -> tuple[Sheet, list[Enrolment]]:
    enrolments = list(with_everything(month_enrolments(insats, month)))
    sheet = Sheet(
        title=f"ESF {month.label}",
        columns=COLUMNS,
        rows=[_row(e, month) for e in enrolments],
        header=[
            (str(_("Insats")), insats.name),
            (str(_("Samordningsförbund")), insats.forbund.name),
            (str(_("Month")), month.label),
            (str(_("Generated")), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            (
                str(_("Note")),
                str(
                    _(
                        "Personal data. Empty cells: not registered in Samspår or not "
                        "applicable (docs/esf.md)."
                    )
                ),
            ),
        ],
    )
    return sheet, enrolments
