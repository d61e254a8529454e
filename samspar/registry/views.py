"""Participant registration pages: list, register, check personnummer, detail, edit, end,
anonymous participants. Forms parse, services write, selectors read; every page that
shows personal data logs the read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog
from samspar.access.scoping import Action, actions_somewhere, can
from samspar.core import concurrency
from samspar.organisation.models import Insats
from samspar.registry import (
    consistency,
    follow_ups,
    forms,
    question_record,
    reads,
    selectors,
    services,
)
from samspar.registry.models import AnonymousEnrolment, CountGender, Enrolment

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PURPOSE = reads.PURPOSE
PAGE_SIZE = 50


class AuthenticatedRequest(HttpRequest):
    user: User


def _insats(request: AuthenticatedRequest, insats_id: int, action: Action) -> Insats:
    """The insats if the user may ``action`` on it; 404 otherwise."""
    return get_object_or_404(
        Insats.objects.restrict(request.user, action).select_related("forbund"), pk=insats_id
    )


def enrolment_or_404(request: AuthenticatedRequest, pk: int, action: Action) -> Enrolment:
    """The enrolment if the user may ``action`` on its insats; 404 otherwise."""
    return get_object_or_404(
        Enrolment.objects.restrict(request.user, action).select_related(
            "person", "insats__forbund"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_list(request: AuthenticatedRequest, insats_id: int) -> HttpResponse:
    """The participants of one insats."""
    insats = _insats(request, insats_id, Action.VIEW_PERSONAL)
    return _list(request, insats)


@login_required
@require_http_methods(["GET", "POST"])
def all_enrolments(request: AuthenticatedRequest) -> HttpResponse:
    """The participants of every insats whose personal data the user may see: one search
    for a coach of several insatser (404 for a user who sees none's)."""
    if Action.VIEW_PERSONAL not in actions_somewhere(request.user):
        raise Http404
    return _list(request, None)


def _list(request: AuthenticatedRequest, insats: Insats | None) -> HttpResponse:
    """A list of participants; searches, filters, sorting and pages are POSTed, so that
    no personnummer or name ever stands in a URL (and so in a server's or proxy's log).
    The read is logged per insats, with the persons shown."""
    form = forms.EnrolmentFilterForm(request.POST if request.method == "POST" else None)
    filters = form.filters()
    enrolments = selectors.filtered_enrolments(request.user, insats=insats, **filters)
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.POST.get("page"))
    q = str(filters.get("q", ""))
    reads.log_list(
        request.user,
        list(page.object_list),
        insats=insats,
        kind=selectors.search_kind(q),
        searched=bool(q.strip()),
        detail=f"page {page.number}" if insats else f"all insatser, page {page.number}",
    )
    return render(
        request,
        "registry/enrolment_list.html",
        {
            "insats": insats,
            "form": form,
            "page": page,
            "sorted_by": form.sorted_by(),
            "can_register": insats is not None and can(request.user, Action.REGISTER, insats.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_create(request: AuthenticatedRequest, insats_id: int) -> HttpResponse:
    insats = _insats(request, insats_id, Action.REGISTER)
    if not insats.has_personal_data:
        messages.error(request, _("This insats is not followed up with personal data."))
        return redirect("enrolment-list", insats_id=insats.pk)
    check_url = reverse("personnummer-check", args=[insats.pk])
    if request.method == "POST":
        form = forms.RegisterEnrolmentForm(request.POST, insats=insats, check_url=check_url)
        if form.is_valid():
            try:
                enrolment = services.register_enrolment(
                    user=request.user, insats=insats, **form.service_kwargs()
                )
            except ValidationError as e:
                forms.apply_service_error(form, e)
            else:
                messages.success(
                    request, _("%(name)s is registered.") % {"name": enrolment.full_name}
                )
                _warn(request, enrolment)
                return redirect("enrolment-detail", pk=enrolment.pk)
    else:
        form = forms.RegisterEnrolmentForm(
            insats=insats,
            check_url=check_url,
            initial={"municipality": selectors.default_municipality(insats.forbund)},
        )
    pnr_text = form["personnummer"].value() or ""
    return render(
        request,
        "registry/enrolment_form.html",
        {
            "insats": insats,
            "form": form,
            "title": _("Register participant"),
            "pnr": _check(request, insats, str(pnr_text)) if form.is_bound else {},
        },
    )


@login_required
@require_POST
def personnummer_check(request: AuthenticatedRequest, insats_id: int) -> HttpResponse:
    """HTMX: the birth date and legal gender a typed number gives, or what is wrong, and
    whether the person is known or already active here — only within the user's scope."""
    insats = _insats(request, insats_id, Action.REGISTER)
    summary = _check(request, insats, request.POST.get("personnummer", ""))
    return render(request, "registry/_personnummer_check.html", {"pnr": summary})


def _check(request: AuthenticatedRequest, insats: Insats, text: str) -> dict[str, object]:
    """The personnummer summary plus how the number is known in the user's scope; a look-up
    that finds a person is logged as a search."""
    summary = forms.personnummer_summary(text)
    parsed = summary.pop("parsed", None)
    if parsed is not None:
        known, person = selectors.known_in_scope(request.user, insats, parsed)
        summary["known"] = known.value
        if person is not None:
            log_personal_data_read(
                request.user,
                AccessLog.Kind.SEARCH_PERSONNUMMER,
                insats,
                purpose=PURPOSE,
                person=person,
                detail="personnummer check",
            )
    return summary


@login_required
def enrolment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_or_404(request, pk, Action.VIEW_PERSONAL)
    others = list(selectors.other_enrolments(request.user, enrolment))
    log_personal_data_read(
        request.user,
        AccessLog.Kind.DETAIL,
        enrolment.insats,
        purpose=PURPOSE,
        person=enrolment.person,
        records=1 + len(others),
        detail=f"enrolment {enrolment.pk}",
    )
    return render(
        request,
        "registry/enrolment_detail.html",
        {
            "insats": enrolment.insats,
            "enrolment": enrolment,
            "person": enrolment.person,
            "facts": selectors.enrolment_facts(enrolment),
            "others": others,
            "answers": question_record.record_answers(enrolment),
            "history": question_record.record_history(enrolment),
            "can_register": can(request.user, Action.REGISTER, enrolment.insats_id),
            "follow_up_points": follow_ups.points(enrolment, timezone.localdate()),
            "warnings": consistency.warnings(enrolment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_or_404(request, pk, Action.REGISTER)
    insats = enrolment.insats
    if request.method == "POST":
        form = forms.EditEnrolmentForm(request.POST, insats=insats, current=enrolment)
        if form.is_valid():
            try:
                services.update_registration(
                    user=request.user, enrolment=enrolment, **form.service_kwargs()
                )
            except ValidationError as e:
                enrolment.refresh_from_db()
                forms.apply_service_error(form, e)
            else:
                messages.success(request, _("The changes are saved."))
                _warn(request, enrolment)
                return redirect("enrolment-detail", pk=enrolment.pk)
    else:
        form = forms.EditEnrolmentForm(insats=insats, current=enrolment)
    _log_form_read(request, enrolment, "edit")
    return render(
        request,
        "registry/enrolment_form.html",
        {
            "insats": insats,
            "form": form,
            "enrolment": enrolment,
            "title": _("Edit enrolment"),
            "conflict": _rebased_if_stale(form, enrolment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_or_404(request, pk, Action.REGISTER)
    insats = enrolment.insats
    if enrolment.end_date is not None and request.method == "GET":
        messages.error(request, _("The enrolment has already ended."))
        return redirect("enrolment-detail", pk=enrolment.pk)
    if request.method == "POST":
        form = forms.EndEnrolmentForm(request.POST, insats=insats, current=enrolment)
        if form.is_valid():
            try:
                services.end_enrolment(
                    user=request.user, enrolment=enrolment, **form.service_kwargs()
                )
            except ValidationError as e:
                enrolment.refresh_from_db()
                forms.apply_service_error(form, e)
            else:
                messages.success(request, _("The enrolment is ended."))
                _warn(request, enrolment)
                return redirect("enrolment-detail", pk=enrolment.pk)
    else:
        form = forms.EndEnrolmentForm(insats=insats, current=enrolment)
    _log_form_read(request, enrolment, "end")
    return render(
        request,
        "registry/enrolment_form.html",
        {
            "insats": insats,
            "form": form,
            "enrolment": enrolment,
            "title": _("End enrolment"),
            "conflict": _rebased_if_stale(form, enrolment),
        },
    )


def _warn(request: AuthenticatedRequest, enrolment: Enrolment) -> None:
    """Saved, but worth a look (``consistency.warnings``)."""
    for warning in consistency.warnings(enrolment):
        messages.warning(request, warning)


def _rebased_if_stale(form: forms.EnrolmentFieldsForm, enrolment: Enrolment) -> bool:
    """Whether the form was refused because the enrolment changed since the form was
    loaded (another tab, another registrator). If so, the form keeps what was typed but
    is based on the stored version from now on: saving again replaces it on purpose."""
    if not form.has_error(NON_FIELD_ERRORS, concurrency.STALE_CODE):
        return False
    concurrency.rebase(form, enrolment.version)
    return True


def _log_form_read(request: AuthenticatedRequest, enrolment: Enrolment, page: str) -> None:
    log_personal_data_read(
        request.user,
        AccessLog.Kind.DETAIL,
        enrolment.insats,
        purpose=PURPOSE,
        person=enrolment.person,
        detail=f"enrolment {enrolment.pk} ({page})",
    )


@login_required
@require_http_methods(["GET", "POST"])
def anonymous_list(request: AuthenticatedRequest, insats_id: int) -> HttpResponse:
    insats = _insats(request, insats_id, Action.REGISTER)
    if not insats.takes_anonymous:
        raise Http404
    if request.method == "POST":
        form = forms.AnonymousEnrolmentForm(request.POST)
        if form.is_valid():
            try:
                services.register_anonymous(user=request.user, insats=insats, **form.cleaned_data)
            except ValidationError as e:
                forms.apply_service_error(form, e)
            else:
                messages.success(request, _("The anonymous participant is registered."))
                return redirect("anonymous-list", insats_id=insats.pk)
    else:
        form = forms.AnonymousEnrolmentForm()
    rows = selectors.anonymous_counts(insats)
    totals = [sum(r.counts[i] for r in rows) for i in range(len(CountGender))]
    registrations = Paginator(
        AnonymousEnrolment.objects.filter(insats=insats).order_by("-created_at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/anonymous_list.html",
        {
            "insats": insats,
            "form": form,
            "rows": rows,
            "genders": [label for _value, label in CountGender.choices],
            "totals": totals,
            "total": sum(totals),
            "registrations": registrations,
        },
    )


def _anonymous(request: AuthenticatedRequest, pk: int) -> AnonymousEnrolment:
    return get_object_or_404(
        AnonymousEnrolment.objects.restrict(request.user, Action.REGISTER).select_related(
            "insats__forbund"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def anonymous_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    anonymous = _anonymous(request, pk)
    form = forms.AnonymousEnrolmentForm(request.POST or None, instance=anonymous)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_anonymous(
                user=request.user, anonymous=anonymous, **form.service_kwargs()
            )
        except ValidationError as e:
            anonymous.refresh_from_db()
            forms.apply_service_error(form, e)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("anonymous-list", insats_id=anonymous.insats_id)
    return render(
        request,
        "registry/anonymous_form.html",
        {"insats": anonymous.insats, "anonymous": anonymous, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def anonymous_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A confirmation page; the removal itself is its POST."""
    anonymous = _anonymous(request, pk)
    if request.method == "POST":
        services.delete_anonymous(user=request.user, anonymous=anonymous)
        messages.success(request, _("The anonymous participant is removed."))
        return redirect("anonymous-list", insats_id=anonymous.insats_id)
    return render(
        request,
        "registry/anonymous_delete.html",
        {"insats": anonymous.insats, "anonymous": anonymous},
    )
