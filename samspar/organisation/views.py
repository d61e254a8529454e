"""The förbund and insats pages and the insats set-up pages (plan, budget, staff, counts).

Views stay thin: forms parse, ``samspar.organisation.services`` and
``samspar.registry.services`` write, ``samspar.organisation.selectors`` read. Every
object is fetched through the user's scope, so anything out of scope is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samspar.access.accounts import administered_forbund_ids
from samspar.access.scoping import Action, can
from samspar.core.parsing import posted_id, whole_number
from samspar.organisation import forms as org_forms
from samspar.organisation import selectors, services
from samspar.organisation.models import BudgetLine, Financing, Forbund, Insats, StaffMember
from samspar.registry import services as registry_services
from samspar.registry.models import StructuralCount, VolumeCount, WaitingListCount
from samspar.reports.key_figures import shown_key_figures

GET_POST = require_http_methods(["GET", "POST"])


# --- helpers -------------------------------------------------------------------------


def _user(request: HttpRequest) -> AbstractBaseUser:
    """The signed-in user (every view here requires login)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def _managed_insats(request: HttpRequest, pk: int) -> Insats:
    return get_object_or_404(
        Insats.objects.restrict(request.user, Action.MANAGE).select_related("forbund", "team"),
        pk=pk,
    )


def show_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            form.add_error(target, errors)
    else:
        form.add_error(None, error.messages)


def _try_save(form: forms.BaseForm, save: Callable[[], Any]) -> bool:
    """Call ``save`` if the form is valid; True when it saved, else errors are on the form."""
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as e:
        show_errors(form, e)
        return False
    return True


def _selected_year(request: HttpRequest) -> int:
    """The year asked for (?year=, or the posted year), else the current year."""
    year = whole_number(request.POST.get("year") or request.GET.get("year"))
    if year is not None and org_forms.YEAR_MIN <= year <= org_forms.YEAR_MAX:
        return year
    return timezone.localdate().year


def _back(name: str, insats: Insats, query: str = "") -> HttpResponse:
    return redirect(reverse(name, args=[insats.pk]) + query)


# --- förbund and insats hub ----------------------------------------------------------


@login_required
def forbund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    forbund = get_object_or_404(
        selectors.reachable_forbund(request.user).select_related("county"), pk=pk
    )
    return render(
        request,
        "organisation/forbund_detail.html",
        {
            "forbund": forbund,
            "parties": forbund.parties.select_related("municipality").order_by("kind", "name"),
            "teams": forbund.teams.annotate(n_insatser=Count("insatser")),
            "insatser": selectors.visible_insatser(request.user).filter(forbund=forbund),
            "may_create": selectors.manageable_forbund(request.user).filter(pk=pk).exists(),
            "admin_here": selectors.administered_forbund(request.user).filter(pk=pk).exists(),
        },
    )


@login_required
@GET_POST
def forbund_settings(request: HttpRequest, pk: int) -> HttpResponse:
    forbund = get_object_or_404(selectors.manageable_forbund(request.user), pk=pk)
    target = Forbund.objects.get(pk=pk)  # the form checks this copy, the service saves
    form = org_forms.ForbundSettingsForm(request.POST or None, instance=target)
    if request.method == "POST" and _try_save(
        form,
        lambda: services.update_forbund_settings(_user(request), forbund, **form.cleaned_data),
    ):
        messages.success(request, _("The förbund's settings were saved."))
        return redirect("forbund-detail", pk)
    return render(
        request,
        "organisation/forbund_settings.html",
        {"form": form, "forbund": forbund, "history": selectors.settings_history(forbund)},
    )


@login_required
def insats_detail(request: HttpRequest, pk: int) -> HttpResponse:
    insats = get_object_or_404(selectors.visible_insatser(request.user), pk=pk)
    user = request.user
    return render(
        request,
        "organisation/insats_detail.html",
        {
            "insats": insats,
            "may_view_personal": can(user, Action.VIEW_PERSONAL, pk),
            "may_register": can(user, Action.REGISTER, pk),
            "may_manage": can(user, Action.MANAGE, pk),
            "may_define_questions": can(user, Action.QUESTIONS, pk),
            # The förbund administrator gives the insats's roles on "Users and roles".
            "may_give_roles": insats.forbund_id in administered_forbund_ids(user),
            "figures": shown_key_figures(user, insats, timezone.localdate()),
        },
    )


@login_required
@GET_POST
def insats_create(request: HttpRequest, forbund_id: int) -> HttpResponse:
    forbund = get_object_or_404(selectors.manageable_forbund(request.user), pk=forbund_id)
    form = org_forms.InsatsForm(request.POST or None, forbund=forbund)
    created: list[Insats] = []
    if request.method == "POST" and _try_save(
        form,
        lambda: created.append(
            services.create_insats(_user(request), forbund, **form.cleaned_data)
        ),
    ):
        messages.success(request, _("The insats was created."))
        return redirect("insats-detail", created[0].pk)
    return render(
        request, "organisation/insats_form.html", {"form": form, "forbund": forbund, "insats": None}
    )


@login_required
@GET_POST
def insats_edit(request: HttpRequest, pk: int) -> HttpResponse:
    insats = _managed_insats(request, pk)
    initial = model_to_dict(insats, fields=services.INSATS_FIELDS)
    form = org_forms.InsatsForm(request.POST or None, initial=initial, forbund=insats.forbund)
    target = Insats.objects.get(pk=pk)  # the service changes this copy, not the one shown
    if request.method == "POST" and _try_save(
        form, lambda: services.update_insats(_user(request), target, **form.cleaned_data)
    ):
        messages.success(request, _("The insats was saved."))
        return redirect("insats-detail", pk)
    return render(
        request,
        "organisation/insats_form.html",
        {"form": form, "forbund": insats.forbund, "insats": insats},
    )


# --- budget --------------------------------------------------------------------------


@login_required
@GET_POST
def insats_budget(request: HttpRequest, pk: int) -> HttpResponse:
    insats = _managed_insats(request, pk)
    user = _user(request)
    year = _selected_year(request)
    query = f"?year={year}"
    budget = selectors.budget_for_year(insats, year)
    plan_initial = {"year": year}
    if budget.plan:
        plan_initial["budgeted_participants"] = budget.plan.budgeted_participants
    line_initial: dict[str, Any] = {"year": year}
    edit_line = whole_number(request.GET.get("line"))
    if edit_line is not None:
        line = budget.lines.filter(pk=edit_line).first()
        if line:
            line_initial.update(category=line.category_id, budget=line.budget, outcome=line.outcome)
    plan_form = org_forms.InsatsYearForm(initial=plan_initial, prefix="plan")
    line_form = org_forms.BudgetLineForm(initial=line_initial, prefix="line")
    financing_form = org_forms.FinancingForm(
        initial={"year": year}, prefix="financing", forbund=insats.forbund
    )

    if request.method == "POST":
        action = request.POST.get("action")
        saved = False
        if action == "plan":
            plan_form = org_forms.InsatsYearForm(request.POST, prefix="plan")
            saved = _try_save(
                plan_form,
                lambda: services.set_insats_year(user, insats, **plan_form.cleaned_data),
            )
        elif action == "line":
            line_form = org_forms.BudgetLineForm(request.POST, prefix="line")
            saved = _try_save(
                line_form,
                lambda: services.set_budget_line(user, insats, **line_form.cleaned_data),
            )
        elif action == "financing":
            financing_form = org_forms.FinancingForm(
                request.POST, prefix="financing", forbund=insats.forbund
            )
            saved = _try_save(
                financing_form,
                lambda: services.set_financing(user, insats, **financing_form.cleaned_data),
            )
        elif action == "delete-line":
            line = get_object_or_404(
                BudgetLine.objects.restrict(user, Action.MANAGE).filter(insats=insats),
                pk=posted_id(request),
            )
            services.delete_budget_line(user, line)
            saved = True
        elif action == "delete-financing":
            row = get_object_or_404(
                Financing.objects.restrict(user, Action.MANAGE).filter(insats=insats),
                pk=posted_id(request),
            )
            services.delete_financing(user, row)
            saved = True
        if saved:
            messages.success(request, _("Saved."))
            return _back("insats-budget", insats, query)

    return render(
        request,
        "organisation/insats_budget.html",
        {
            "insats": insats,
            "year": year,
            "years": selectors.budget_years(insats, timezone.localdate().year),
            "budget": budget,
            "plan_form": plan_form,
            "line_form": line_form,
            "financing_form": financing_form,
            "section": "budget",
        },
    )


# --- staff ---------------------------------------------------------------------------


@login_required
@GET_POST
def insats_staff(request: HttpRequest, pk: int) -> HttpResponse:
    insats = _managed_insats(request, pk)
    today = timezone.localdate()
    form = org_forms.StaffForm(
        request.POST or None, initial={"start_date": today}, forbund=insats.forbund
    )
    if request.method == "POST" and _try_save(
        form, lambda: services.add_staff_member(_user(request), insats, **form.cleaned_data)
    ):
        messages.success(request, _("The staff member was added."))
        return _back("insats-staff", insats)
    per_party = selectors.fte_per_party(insats, today)
    return render(
        request,
        "organisation/insats_staff.html",
        {
            "insats": insats,
            "staff": selectors.staff_list(insats, today),
            "per_party": per_party,
            "total_fte": selectors.current_staff(insats, today).aggregate(fte=Sum("fte_percent"))[
                "fte"
            ],
            "form": form,
            "today": today,
            "section": "staff",
        },
    )


@login_required
@GET_POST
def insats_staff_edit(request: HttpRequest, pk: int, staff_pk: int) -> HttpResponse:
    insats = _managed_insats(request, pk)
    staff = get_object_or_404(
        StaffMember.objects.restrict(request.user, Action.MANAGE).filter(insats=insats),
        pk=staff_pk,
    )
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.delete_staff_member(_user(request), staff)
        messages.success(request, _("The staff member was removed."))
        return _back("insats-staff", insats)
    initial = model_to_dict(staff, fields=services.STAFF_FIELDS)
    form = org_forms.StaffForm(request.POST or None, initial=initial, forbund=insats.forbund)
    target = StaffMember.objects.get(pk=staff.pk)
    if request.method == "POST" and _try_save(
        form, lambda: services.update_staff_member(_user(request), target, **form.cleaned_data)
    ):
        messages.success(request, _("The staff member was saved."))
        return _back("insats-staff", insats)
    return render(
        request,
        "organisation/insats_staff_edit.html",
        {"insats": insats, "staff": staff, "form": form, "section": "staff"},
    )


# --- counts --------------------------------------------------------------------------


def _count_page(
    request: HttpRequest,
    insats: Insats,
    *,
    form: forms.Form,
    record: Callable[[dict[str, Any]], Any],
    rows: QuerySet[Any],
    url_name: str,
    template: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A list of counts with a form to add (or replace) one and buttons to remove one."""
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            row = get_object_or_404(rows, pk=posted_id(request))
            services.delete_count(_user(request), row)
            messages.success(request, _("The count was removed."))
            return _back(url_name, insats)
        if _try_save(form, lambda: record(form.cleaned_data)):
            messages.success(request, _("The count was saved."))
            return _back(url_name, insats)
    context = {"insats": insats, "form": form, "rows": rows, "section": url_name}
    context.update(extra or {})
    return render(request, template, context)


@login_required
@GET_POST
def insats_waiting(request: HttpRequest, pk: int) -> HttpResponse:
    insats = _managed_insats(request, pk)
    form = org_forms.WaitingCountForm(request.POST or None, initial={"date": timezone.localdate()})
    return _count_page(
        request,
        insats,
        form=form,
        record=lambda data: registry_services.record_waiting_count(
            user=_user(request), insats=insats, **data
        ),
        rows=WaitingListCount.objects.restrict(request.user, Action.MANAGE).filter(insats=insats),
        url_name="insats-waiting",
        template="organisation/insats_waiting.html",
    )


@login_required
@GET_POST
def insats_volume(request: HttpRequest, pk: int) -> HttpResponse:
    insats = _managed_insats(request, pk)
    if not insats.takes_volume_counts:
        raise Http404
    rows = VolumeCount.objects.restrict(request.user, Action.MANAGE).filter(insats=insats)
    form = org_forms.VolumeCountForm(request.POST or None)
    periods = (
        rows.values("period_start", "period_end")
        .annotate(
            women=Sum("count", filter=Q(gender="K")),
            men=Sum("count", filter=Q(gender="M")),
            unknown=Sum("count", filter=Q(gender="X")),
            total=Sum("count"),
        )
        .order_by("-period_start", "-period_end")
    )
    return _count_page(
        request,
        insats,
        form=form,
        record=lambda data: registry_services.record_volume_count(
            user=_user(request), insats=insats, **data
        ),
        rows=rows,
        url_name="insats-volume",
        template="organisation/insats_volume.html",
        extra={"periods": periods},
    )


@login_required
@GET_POST
def insats_structural(request: HttpRequest, pk: int) -> HttpResponse:
    insats = _managed_insats(request, pk)
    if not insats.is_structural:
        raise Http404
    rows = (
        StructuralCount.objects.restrict(request.user, Action.MANAGE)
        .filter(insats=insats)
        .select_related("party")
        .order_by("-period_start", "-period_end", "party__name")
    )
    form = org_forms.StructuralCountForm(request.POST or None, forbund=insats.forbund)
    return _count_page(
        request,
        insats,
        form=form,
        record=lambda data: registry_services.record_structural_count(
            user=_user(request), insats=insats, **data
        ),
        rows=rows,
        url_name="insats-structural",
        template="organisation/insats_structural.html",
        extra={"total": rows.aggregate(n=Sum("count"))["n"] or 0},
    )
