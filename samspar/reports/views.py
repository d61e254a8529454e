"""Report pages: the catalogue, one report with its filters, tables and charts, and the
same report as a file. The catalogue builds the report; these views only format it.

A filter change sent by HTMX gets the report block alone (filters and results), so the
page updates in place; without JavaScript the form is a plain GET.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from samspar.reports import definitions
from samspar.reports.catalogue import REPORTS, ReportSpec
from samspar.reports.exports import FORMATS, export
from samspar.reports.exports.common import small_counts_note
from samspar.reports.forms import ReportFilterForm
from samspar.reports.presentation import table_view

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_htmx.middleware import HtmxDetails

    class AuthenticatedRequest(HttpRequest):
        user: User
        htmx: HtmxDetails

else:
    AuthenticatedRequest = HttpRequest

FORMAT_LABELS = {"xlsx": "Excel", "csv": "CSV", "json": "JSON", "pdf": "PDF"}


def _spec(key: str) -> ReportSpec:
    try:
        return REPORTS[key]
    except KeyError:
        raise Http404(key) from None


@login_required
@require_GET
def report_index(request: AuthenticatedRequest) -> HttpResponse:
    form = ReportFilterForm(None, user=request.user)
    return render(
        request,
        "reports/index.html",
        {"reports": REPORTS.values(), "may_see_anything": form.may_see_anything()},
    )


@login_required
@require_GET
def report_definitions(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """What each figure of the report means: its sections of docs/definitions.md."""
    spec = _spec(key)
    return render(
        request,
        "reports/definitions.html",
        {"spec": spec, "sections": definitions.for_report(spec)},
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def report_page(request: AuthenticatedRequest, key: str) -> HttpResponse:
    spec = _spec(key)
    form = ReportFilterForm(request.GET, user=request.user, report=spec)
    context: dict[str, object] = {"spec": spec, "form": form, "fields": form.fields_for(key)}
    if not form.may_see_anything():
        return render(request, "reports/nothing_to_see.html", context)
    if not form.is_valid() and form.awaiting_choice():
        # The level was just changed: ask for the choice, without an error in red.
        del form.errors["object_id"]
        context["awaiting"] = form.choice_prompt()
    elif form.is_valid():
        scope = form.scope()
        report = spec.build(scope)
        query = request.GET.urlencode()
        context |= {
            "report": report,
            "small_counts_note": small_counts_note(scope),
            "published": scope.published,
            "tables": [table_view(t, percent_sign=True) for t in report.tables],
            "covers": form.object_label(),
            "exports": [
                (
                    FORMAT_LABELS.get(fmt, fmt.upper()),
                    reverse("report-export", args=[key, fmt]) + (f"?{query}" if query else ""),
                )
                for fmt in FORMATS
            ],
        }
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "reports/_report.html" if partial else "reports/report.html", context)


@login_required
@require_GET
def report_export(request: AuthenticatedRequest, key: str, fmt: str) -> HttpResponse:
    spec = _spec(key)
    if fmt not in FORMATS:
        raise Http404(fmt)
    form = ReportFilterForm(request.GET, user=request.user, report=spec)
    if not form.may_see_anything() or not form.is_valid():
        # The report page shows what is wrong with the filters.
        query = request.GET.urlencode()
        return redirect(reverse("report", args=[key]) + (f"?{query}" if query else ""))
    scope = form.scope()
    exported = export(spec.build(scope), scope, fmt)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    disposition = content_disposition_header(as_attachment=True, filename=exported.filename)
    assert disposition is not None  # always given for an attachment
    response["Content-Disposition"] = disposition
    return response
