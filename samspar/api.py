"""The HTTP API (version 1): the report catalogue and any report as JSON.

It signs in with the browser session, like the pages, and reads its filters through the
report pages' own form, so a figure and its filters have one definition everywhere.
Schema and interactive docs: /api/v1/openapi.json and /api/v1/docs, for signed-in users
only (anonymous: redirected to the log-in page).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.security import django_auth

from samspar.reports.catalogue import REPORTS
from samspar.reports.exports import report_dict
from samspar.reports.forms import ReportFilterForm

api = NinjaAPI(
    title="Samspår API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_decorator=login_required,
    description="Reports of Samspår as JSON. Sign in on the website first: the API uses "
    "the session cookie and shows only what the signed-in user may see.",
)

# Form fields whose query parameter has another name.
_PARAMETER = {"date_from": "from", "date_to": "to"}


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
        "20 years before the last day",
        json_schema_extra={"format": "date"},
    )
    date_to: str | None = Field(
        None,
        alias="to",
        description="Last day, YYYY-MM-DD (default: 31 Dec last year); at the latest "
        "31 Dec next year",
        json_schema_extra={"format": "date"},
    )
    gender: str | None = Field(None, description="K, M or empty for both")
    population: str | None = Field(
        None,
        description="Whom age, education, time in public support and referrers cover: "
        "new (default), ended_kept, active_end or worked_with",
    )
    age_bounds: str | None = Field(None, description="Ages where age groups start: 25,30,40")
    month_step: str | None = Field(None, description="Months per interval of time in insats")
    base_year: str | None = Field(None, description="Base year of the trend")
    published: bool | None = Field(
        None,
        description="true: for publication, small counts hidden whoever asks (see "
        "suppression in the answer)",
    )


class Problem(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


@api.get("/reports", response=list[ReportOut], summary="The reports")
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
    response={200: dict[str, Any], 400: Problem, 403: Problem, 404: Problem},
    summary="One report",
)
def get_report(
    request: HttpRequest, key: str, filters: Query[ReportFilters]
) -> Status[dict[str, Any]]:
    spec = REPORTS.get(key)
    if spec is None:
        detail = _("No report '{key}'. Known reports: {names}.")
        return Status(404, {"detail": detail.format(key=key, names=", ".join(REPORTS))})
    given = {k: v for k, v in filters.dict().items() if v is not None}
    form = ReportFilterForm(given, user=request.user)
    if not form.may_see_anything():
        return Status(403, {"detail": _("You have no insatser in your scope.")})
    if not form.is_valid():
        errors = {_PARAMETER.get(f, f): [str(e) for e in es] for f, es in form.errors.items()}
        return Status(400, {"detail": _("Invalid filters."), "errors": errors})
    scope = form.scope()
    return Status(200, report_dict(spec.build(scope), scope))
