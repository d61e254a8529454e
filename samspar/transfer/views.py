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
from samspar.access.scoping import Action, actions_somewhere
from samspar.organisation.models import Insats
from samspar.registry import reads, selectors
from samspar.registry.forms import EnrolmentFilterForm
from samspar.transfer import esf, sheets
from samspar.transfer.participants import participant_sheet

if TYPE_CHECKING:
    from django.contrib.auth.models import User


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
    """The participant list of one insats as .xlsx or .csv."""
    return _export(request, _insats(request, insats_id), fmt)


@login_required
@require_http_methods(["GET", "POST"])
def all_participants_export(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    """The participant list of every insats whose personal data the user may see."""
    if Action.VIEW_PERSONAL not in actions_somewhere(request.user):
        raise Http404
    return _export(request, None, fmt)


def _export(request: AuthenticatedRequest, insats: Insats | None, fmt: str) -> HttpResponse:
    """The filters are POSTed from the list page (no personnummer or name in a URL); a
    GET gives what the list shows unfiltered, the active participants. Logged per insats
    with the persons it holds."""
    if fmt not in sheets.FORMATS:
        raise Http404
    filters = EnrolmentFilterForm(request.POST if request.method == "POST" else None).filters()
    enrolments = selectors.filtered_enrolments(request.user, insats=insats, **filters)
    sheet = participant_sheet(insats, enrolments)
    reads.log_list(
        request.user,
        list(enrolments.select_related("insats", "person")),
        insats=insats,
        searched=bool(str(filters.get("q", "")).strip()),
        detail=f"export {fmt}" if insats else f"export {fmt}, all insatser",
    )
    day = timezone.localdate().isoformat()
    name = f"deltagare-{insats.pk}-{day}" if insats else f"deltagare-{day}"
    return _file(sheets.render(sheet, fmt), fmt, name)


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
