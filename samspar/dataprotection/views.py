"""The access log page and the register extract page. Both take the personnummer only
in a POST body; both answer 404 to a user without the right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from samspar.dataprotection import accesslog, exports, extract, forms

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class AuthenticatedRequest(HttpRequest):
    user: User


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def access_log(request: AuthenticatedRequest) -> HttpResponse:
    if not accesslog.may_read(request.user):
        raise Http404
    form = forms.AccessLogFilterForm(request.POST or None, user=request.user)
    log_filter = accesslog.LogFilter()
    if form.is_bound:
        if not form.is_valid():
            return render(
                request, "dataprotection/access_log.html", {"form": form, "entries": None}
            )
        log_filter = form.log_filter()
        if log_filter.person is not None:
            accesslog.log_person_lookup(request.user, log_filter.person)
    entries = accesslog.entries(request.user, log_filter)
    fmt = request.POST.get("export", "")
    if fmt in forms.EXPORT_FORMATS:
        stamp = timezone.localdate().isoformat()
        return _attachment(
            exports.render(
                entries.iterator(), fmt, with_detail=accesslog.sees_persons(request.user)
            ),
            exports.CONTENT_TYPES[fmt],
            f"atkomstlogg-{stamp}.{fmt}",
        )
    total = entries.count()
    return render(
        request,
        "dataprotection/access_log.html",
        {
            "form": form,
            "entries": entries[: accesslog.PAGE_LIMIT],
            "total": total,
            "limited": total > accesslog.PAGE_LIMIT,
            "limit": accesslog.PAGE_LIMIT,
            "person": log_filter.person,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def register_extract(request: AuthenticatedRequest) -> HttpResponse:
    insatser = extract.extract_insatser(request.user)
    if not insatser.exists():
        raise Http404
    form = forms.ExtractForm(request.POST or None)
    if form.is_valid():
        try:
            data = extract.register_extract(
                user=request.user,
                personnummer_text=form.cleaned_data["personnummer"],
                insatser=insatser,
            )
        except ValidationError as e:
            for message in e.messages:
                form.add_error("personnummer", message)
        else:
            fmt = form.cleaned_data["format"]
            stamp = timezone.localdate().isoformat()
            return _attachment(
                extract.render(data, fmt),
                extract.CONTENT_TYPES[fmt],
                f"registerutdrag-{stamp}.{fmt}",
            )
    return render(request, "dataprotection/register_extract.html", {"form": form})
