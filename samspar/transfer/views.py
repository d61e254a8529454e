"""Spreadsheet exports of personal data for an insats's registrators: the participant
list (with the list page's filters) and the monthly ESF participant file. Each download
is a read of personal data and logged with the persons it holds."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog
from samspar.access.scoping import Action
from samspar.organisation.models import Insats
from samspar.registry import selectors
from samspar.registry.forms import EnrolmentFilterForm
from samspar.transfer import esf, sheets
from samspar.transfer.participants import participant_sheet

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PURPOSE = "registrering"


class AuthenticatedRequest(HttpRequest):
    user: User


def _insats(request: AuthenticatedRequest, insats_id: int) -> Insats:
    """The insats if the user may see its personal data and it keeps any; 404 otherwise."""
    insats = get_object_or_404(
        Insats.objects.restrict(request.user, Action.VIEW_PERSONAL).select_related("forbund"),
        pk=insats_id,
    )
    if not insats.has_personal_data:
        raise Http404
    return insats


def _file(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=sheets.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def participant_export(request: AuthenticatedRequest, insats_id: int, fmt: str) -> HttpResponse:
    """The participant list as .xlsx or .csv; the filters are POSTed from the list page
    (no personnummer or name in a URL), a GET gives every enrolment."""
    if fmt not in sheets.FORMATS:
        raise Http404
    insats = _insats(request, insats_id)
    form = EnrolmentFilterForm(request.POST if request.method == "POST" else None)
    filters = form.filters()
    enrolments = selectors.filtered_enrolments(insats, request.user, **filters)
    sheet = participant_sheet(insats, enrolments)
    persons = [e.person for e in enrolments]
    log_personal_data_read(
        request.user,
        AccessLog.Kind.LIST,
        insats,
        purpose=PURPOSE,
        persons=persons,
        records=len(sheet.rows),
        detail=f"export {fmt}",
    )
    day = timezone.localdate().isoformat()
    return _file(sheets.render(sheet, fmt), fmt, f"deltagare-{insats.pk}-{day}")


class EsfForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        help_text=_("YYYY-MM, e.g. 2025-03."),
        widget=forms.TextInput(attrs={"placeholder": "2025-03", "inputmode": "numeric"}),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")], initial="xlsx"
    )

    def clean_month(self) -> esf.Month:
        first, last = esf.parse_month(self.cleaned_data["month"])
        return esf.Month(first, last)


@login_required
@require_GET
def esf_file(request: AuthenticatedRequest, insats_id: int) -> HttpResponse:
    """The page to choose a month; with a valid month and format, the file."""
    insats = _insats(request, insats_id)
    form = EsfForm(request.GET if "month" in request.GET else None)
    if form.is_bound and form.is_valid():
        month: esf.Month = form.cleaned_data["month"]
        fmt = form.cleaned_data["format"]
        sheet, enrolments = esf.esf_sheet(insats, month)
        log_personal_data_read(
            request.user,
            AccessLog.Kind.LIST,
            insats,
            purpose=esf.ESF_PURPOSE,
            persons=[e.person for e in enrolments],
            records=len(enrolments),
            detail=f"ESF {month.label} {fmt}",
        )
        return _file(sheets.render(sheet, fmt), fmt, f"esf-{insats.pk}-{month.label}")
    if not form.is_bound:
        last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
        form = EsfForm(initial={"month": last.strftime("%Y-%m"), "format": "xlsx"})
    return render(request, "transfer/esf.html", {"insats": insats, "form": form})
