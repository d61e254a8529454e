"""Follow-up after exit: the follow-ups to do, and registering, correcting and removing
one. Forms parse, services write, ``registry.follow_ups`` reads; every page that shows
a participant logs the read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog
from samspar.access.scoping import Action, actions_somewhere
from samspar.core import concurrency
from samspar.organisation.models import Insats
from samspar.registry import follow_ups, forms, reads, services
from samspar.registry.models import Enrolment, FollowUp, Person
from samspar.registry.views import PURPOSE, AuthenticatedRequest, enrolment_or_404

# ``?from=due``: after saving, back to the list of follow-ups to do.
FROM_DUE = "due"


@login_required
def follow_ups_due(request: AuthenticatedRequest) -> HttpResponse:
    """The follow-ups to do in every insats the user registers for (404 for a user who
    registers in none)."""
    if Action.REGISTER not in actions_somewhere(request.user):
        raise Http404
    due = follow_ups.due_for(request.user, timezone.localdate())
    reads.log_list(request.user, [d.enrolment for d in due], detail="follow-ups due")
    return render(
        request,
        "registry/follow_ups_due.html",
        {
            "due": due,
            "window": follow_ups.WINDOW_MONTHS,
            "early": follow_ups.EARLY_MONTHS,
        },
    )


def _after_save(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    if request.GET.get("from") == FROM_DUE:
        return redirect("follow-ups-due")
    return redirect("enrolment-detail", pk=enrolment_id)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request: AuthenticatedRequest, pk: int, months: int) -> HttpResponse:
    enrolment = enrolment_or_404(request, pk, Action.REGISTER)
    point = _point(enrolment, months)
    if point is None or not point.may_register:
        raise Http404
    form = forms.FollowUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_follow_up(
                user=request.user,
                enrolment=enrolment,
                months_after=months,
                **form.service_kwargs(),
            )
        except ValidationError as e:
            forms.apply_service_error(form, e)
        else:
            messages.success(request, _("The follow-up is registered."))
            return _after_save(request, enrolment.pk)
    _log(request, enrolment.insats, enrolment.person, f"follow-up {months} of {enrolment.pk}")
    return render(
        request,
        "registry/follow_up_form.html",
        {"insats": enrolment.insats, "enrolment": enrolment, "point": point, "form": form},
    )


def _follow_up(request: AuthenticatedRequest, pk: int) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.restrict(request.user, Action.REGISTER).select_related(
            "enrolment__person", "enrolment__insats__forbund", "enrolment__end_reason"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    enrolment = follow_up.enrolment
    if request.method == "POST":
        form = forms.FollowUpForm(request.POST, current=follow_up)
        if form.is_valid():
            try:
                services.update_follow_up(
                    user=request.user, follow_up=follow_up, **form.service_kwargs()
                )
            except ValidationError as e:
                follow_up.refresh_from_db()
                forms.apply_service_error(form, e)
                if form.has_error(NON_FIELD_ERRORS, concurrency.STALE_CODE):
                    concurrency.rebase(form, follow_up.version)
            else:
                messages.success(request, _("The changes are saved."))
                return _after_save(request, enrolment.pk)
    else:
        form = forms.FollowUpForm(current=follow_up)
    _log(request, enrolment.insats, enrolment.person, f"follow-up {follow_up.pk} (edit)")
    point = _point(enrolment, follow_up.months_after)
    return render(
        request,
        "registry/follow_up_form.html",
        {"insats": enrolment.insats, "enrolment": enrolment, "point": point, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A confirmation page; the removal itself is its POST."""
    follow_up = _follow_up(request, pk)
    enrolment = follow_up.enrolment
    if request.method == "POST":
        services.delete_follow_up(user=request.user, follow_up=follow_up)
        messages.success(request, _("The follow-up is removed."))
        return redirect("enrolment-detail", pk=enrolment.pk)
    _log(request, enrolment.insats, enrolment.person, f"follow-up {follow_up.pk} (remove)")
    return render(
        request,
        "registry/follow_up_delete.html",
        {"insats": enrolment.insats, "enrolment": enrolment, "follow_up": follow_up},
    )


def _point(enrolment: Enrolment, months: int) -> follow_ups.Point | None:
    today = timezone.localdate()
    return next((p for p in follow_ups.points(enrolment, today) if p.months_after == months), None)


def _log(request: AuthenticatedRequest, insats: Insats, person: Person, detail: str) -> None:
    log_personal_data_read(
        request.user, AccessLog.Kind.DETAIL, insats, purpose=PURPOSE, person=person, detail=detail
    )
