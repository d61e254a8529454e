"""The report catalogue and any report as JSON.

A report reads its filters through the report pages' own form, so a figure and its
filters have one definition everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from samspar.api.core import AUTH_ERRORS, Problem, api, problem
from samspar.reports.catalogue import REPORTS
from samspar.reports.exports import report_dict
from samspar.reports.forms import ReportFilterForm

# Form fields whose query parameter has another name.
_PARAMETER = {"date_from": "from", "date_to": "to"}

Cell = int | float | str | None


class ReportOut(Schema):
    key: str
    title: str
    description: str
    figures: str = Field(description="The numbers of the figures it gives (docs/definitions.md)")


class ReportFilters(Schema):
    """The filters of the report pages; every one may be left out."""

    level: str | None = Field(None, description="all, lan, forbund, team or insats")
    object_id: str | None = Field(None, description="Id of the county, förbund, team or insats")
    # Typed as dates in the schema, read as text: a bad date is the form's 400 in the
    # user's language, not the framework's 422.
    date_from: str | None = Field(
        None,
        alias="from",
        description="First day, YYYY-MM-DD (default: 1 Jan last year); from 1990, at most "
        "20 years before the last day. Without exact counts: 1 January",
        json_schema_extra={"format": "date"},
    )
    date_to: str | None = Field(
        None,
        alias="to",
        description="Last day, YYYY-MM-DD (default: 31 Dec last year); at the latest "
        "31 Dec next year. Without exact counts: the last day of a month of the first "
        "day's year, or for trend, oversikt, budget and personal-vantelista also 31 "
        "December of a later year (a publication period; else 400)",
        json_schema_extra={"format": "date"},
    )
    gender: str | None = Field(None, description="K, M or empty for both")
    population: str | None = Field(
        None,
        description="Whom age, education, time in public support and referrers cover: "
        "new (default), ended_kept, active_end or worked_with",
    )
    age_on: str | None = Field(
        None,
        description="The day age is taken on: start (default) or end (the period's last "
        "day, or the end date of an enrolment that ended before it)",
    )
    age_bounds: str | None = Field(None, description="Ages where age groups start: 25,30,40")
    month_step: str | None = Field(None, description="Months per interval of time in insats")
    base_year: str | None = Field(None, description="Base year of the trend")
    published: bool | None = Field(
        None,
        description="true: for publication, small counts hidden whoever asks (see "
        "suppression in the answer)",
    )


class Period(Schema):
    from_: dt.date = Field(alias="from")
    to: dt.date


class Organisation(Schema):
    level: str = Field(description="all, lan, forbund, team or insats")
    id: str | int | None
    label: str


class Suppression(Schema):
    applied: bool = Field(description="Whether counts below the threshold are hidden")
    published: bool
    threshold: int | None
    note: str


class ColumnOut(Schema):
    key: str
    label: str
    kind: str = Field(description="The column's kind of value (label, count, mean, share …)")


class TableOut(Schema):
    key: str
    title: str
    note: str
    columns: list[ColumnOut]
    rows: list[dict[str, Cell]] = Field(
        description="One object per row, keyed by column key; a hidden cell is null"
    )
    total_row: int | None = Field(description="Index of the row of totals, if any")
    suppressed: list[tuple[int, str]] = Field(
        description="The hidden cells as [row index, column key]"
    )


class ReportData(Schema):
    report: str
    title: str
    description: str
    period: Period
    organisation: Organisation
    gender: str | None
    generated: dt.datetime
    suppression: Suppression
    tables: list[TableOut]


@api.get("/reports", response={200: list[ReportOut], **AUTH_ERRORS}, summary="The reports")
def list_reports(request: HttpRequest) -> list[dict[str, str]]:
    return [
        {
            "key": spec.key,
            "title": str(spec.title),
            "description": str(spec.description),
            "figures": spec.figures,
        }
        for spec in REPORTS.values()
    ]


@api.get(
    "/reports/{key}",
    response={200: ReportData, 400: Problem, 401: Problem, 403: Problem, 404: Problem},
    summary="One report",
    by_alias=True,
)
def get_report(request: HttpRequest, key: str, filters: Query[ReportFilters]) -> Any:
    spec = REPORTS.get(key)
    if spec is None:
        detail = _("No report '{key}'. Known reports: {names}.")
        return problem(request, 404, detail.format(key=key, names=", ".join(REPORTS)))
    given = {k: v for k, v in filters.dict().items() if v is not None}
    form = ReportFilterForm(given, user=request.auth, report=spec)  # type: ignore[attr-defined]
    if not form.may_see_anything():
        return problem(request, 403, _("You have no insatser in your scope."))
    if not form.is_valid():
        errors = {_PARAMETER.get(f, f): [str(e) for e in es] for f, es in form.errors.items()}
        return problem(request, 400, _("Invalid filters."), **errors)
    scope = form.scope()
    return report_dict(spec.build(scope), scope)
