"""The evaluation pages: thin — forms parse, services write, selectors read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from samspar.access.scoping import Action
from samspar.core.parsing import BadInput, whole_number
from samspar.economics import comparison, output, selectors, services
from samspar.economics.forms import (
    EvaluationForm,
    ForbundChoiceForm,
    GroupForm,
    GroupFormSet,
    MappingForm,
    PriceYearForm,
    ValueForm,
    group_initial,
    seed004_initial,
    value_label,
)
from samspar.economics.labels import problem_message
from samspar.economics.model import InputError
from samspar.economics.models import Evaluation, Method, StandardValueSet
from samspar.economics.output import board
from samspar.economics.output import comparison as comparison_output
from samspar.economics.services import BEFORE_SUPPLY, COST_SPLIT, GROUPS, MAPPING
from samspar.organisation.models import Forbund
from samspar.organisation.selectors import manageable_forbund
from samspar.reports.presentation import table_view

EXPORT_FORMATS = ("pdf", "xlsx", "json")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "economics/index.html",
        {
            "evaluations": selectors.evaluations(request.user),
            "may_create": _may_create(request.user),
            "methods": Method.choices,
        },
    )


def _may_create(user: Any) -> bool:
    """Whether the user manages a förbund or insats to make an evaluation for."""
    form = EvaluationForm(user=user, method=Method.TYPE_CASES)
    return bool(form.fields["forbund"].queryset.exists())  # type: ignore[attr-defined]


def _method(method: str) -> str:
    if method not in Method.values:
        raise Http404
    return method


def _show_errors(
    form: EvaluationForm,
    groups: Sequence[GroupForm],
    mapping: MappingForm | None,
    error: ValidationError,
) -> list[str]:
    """A service's errors on the form: at their field, their card, their group row
    (``groups``: the forms of the groups that were saved, in order) or mapping row, else
    above the form. Returns the errors about the groups as a whole."""
    about_groups: list[str] = []
    for key, errors in error.message_dict.items():
        part, _dot, rest = key.partition(".")
        index, _dot, field = rest.partition(".")
        if key in form.fields:
            form.add_error(key, errors)
        elif key in (BEFORE_SUPPLY, COST_SPLIT):
            form.add_section_errors(key, errors)
        elif key == GROUPS:
            about_groups += errors
        elif part == GROUPS and index.isdigit() and int(index) < len(groups):
            group = groups[int(index)]
            group.add_error(field if field in group.fields else None, errors)
        elif part == MAPPING and mapping is not None and mapping.has_field(index, field):
            mapping.add_error(mapping.field_name(index, field), errors)
        else:
            form.add_error(None, errors)
    return about_groups


def _edit(request: HttpRequest, evaluation: Evaluation, method: str) -> HttpResponse:
    initial = {} if evaluation.pk else seed004_initial() if method == Method.TYPE_CASES else {}
    data = request.POST if request.method == "POST" else None
    form = EvaluationForm(
        data, instance=evaluation, initial=initial, user=request.user, method=method
    )
    groups = (
        GroupFormSet(data, initial=group_initial(evaluation), prefix=GROUPS)
        if method == Method.TYPE_CASES
        else None
    )
    mapping = (
        MappingForm(data, mapping=selectors.evaluation_mapping(evaluation))
        if method == Method.INDIVIDUALS
        else None
    )
    group_errors: list[str] = []
    valid = [f.is_valid() for f in (form, groups, mapping) if f is not None]
    if data is not None and all(valid):
        kept = [
            g
            for g in (groups.forms if groups is not None else [])
            if g.cleaned_data and not g.cleaned_data.get("DELETE")
        ]
        try:
            saved = services.save_evaluation(
                user=request.user,
                evaluation=form.save(),
                groups=[g.row() for g in kept],
                mapping=mapping.entries() if mapping is not None else None,
            )
        except ValidationError as error:
            group_errors = _show_errors(form, kept, mapping, error)
        else:
            messages.success(request, _("The evaluation is saved."))
            return redirect("economics-detail", pk=saved.pk)
    return render(
        request,
        "economics/evaluation_form.html",
        {
            "form": form,
            "groups": groups,
            "group_errors": group_errors,
            "mapping": mapping,
            "evaluation": evaluation,
            "method": method,
            "method_label": Method(method).label,
        },
    )


@login_required
def evaluation_create(request: HttpRequest, method: str) -> HttpResponse:
    if not _may_create(request.user):
        raise Http404
    return _edit(request, Evaluation(method=_method(method)), method)


@login_required
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(selectors.evaluations(request.user, Action.MANAGE), pk=pk)
    return _edit(request, evaluation, evaluation.method)


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(selectors.evaluations(request.user), pk=pk)
    may_edit = selectors.evaluations(request.user, Action.MANAGE).filter(pk=pk).exists()
    context: dict[str, Any] = {
        "evaluation": evaluation,
        "may_edit": may_edit,
        "registry_changed": selectors.registry_changed(evaluation, request.user),
        # A refused evaluation of individuals shows no history either: its versions'
        # participant counts and periods would tell what the refusal hides.
        "history": None,
    }
    try:
        report = selectors.evaluation_report(evaluation)
    except InputError as error:
        context["problems"] = [
            problem_message(p, year=evaluation.value_set.price_year) for p in error.problems
        ]
        if evaluation.method != Method.INDIVIDUALS:
            context["history"] = selectors.evaluation_history(evaluation)
    else:
        context.update(
            history=selectors.evaluation_history(evaluation),
            report=report,
            summary=output.summary_paragraphs(report),
            actor_chart=output.actor_chart_svg(report),
            curve_chart=output.curve_chart_svg(report),
            tornado_chart=output.tornado_chart_svg(report),
            key_figures=board.key_figures(report),
            headline=board.headline(report),
            sections=board.sections([table_view(t) for t in output.report_tables(report)]),
            exports=[
                (fmt.upper(), reverse("economics-export", args=[pk, fmt])) for fmt in EXPORT_FORMATS
            ],
        )
    return render(request, "economics/evaluation_detail.html", context)


@login_required
def evaluation_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Read an evaluation of individuals from the registry again (POST only)."""
    if request.method != "POST":
        raise Http404
    evaluation = get_object_or_404(
        selectors.evaluations(request.user, Action.MANAGE), pk=pk, method=Method.INDIVIDUALS
    )
    before = selectors.profile_count(evaluation)
    try:
        saved = services.refresh_from_registry(user=request.user, evaluation=evaluation)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("Computed again from the registry: %(now)s participants (before: %(before)s).")
            % {"now": selectors.profile_count(saved), "before": before},
        )
    return redirect("economics-detail", pk=pk)


@login_required
def evaluation_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    evaluation = get_object_or_404(selectors.evaluations(request.user), pk=pk)
    try:
        exported = output.export(selectors.evaluation_report(evaluation), fmt)
    except InputError:
        raise Http404 from None
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


def _compared_forbund(request: HttpRequest) -> tuple[Forbund | None, QuerySet[Forbund]]:
    """The förbund whose evaluations to compare — ``?forbund=<id>`` among those of the
    evaluations the user may read, else the first of them (None: the user reads no
    evaluation) — and all of them."""
    choices = comparison.comparable_forbund(request.user)
    raw = request.GET.get("forbund", "")
    if not raw:
        return choices.first(), choices
    pk = whole_number(raw)
    if pk is None:
        raise BadInput(_("The request names no valid förbund: reload the page and try again."))
    return get_object_or_404(choices, pk=pk), choices


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    """The evaluations of one förbund side by side (docs/economics.md, "Comparing
    evaluations")."""
    forbund, choices = _compared_forbund(request)
    context: dict[str, Any] = {"forbund": forbund, "choices": choices}
    if forbund is not None:
        rows = comparison.comparison(request.user, forbund)
        query = f"?forbund={forbund.pk}"
        context.update(
            rows=rows,
            table=table_view(comparison_output.comparison_table(rows, forbund)),
            exports=[
                (fmt.upper(), reverse("economics-compare-export", args=[fmt]) + query)
                for fmt in comparison_output.FORMATS
            ],
        )
    return render(request, "economics/compare.html", context)


@login_required
def compare_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in comparison_output.FORMATS:
        raise Http404
    forbund, _choices = _compared_forbund(request)
    if forbund is None:
        raise Http404
    table = comparison_output.comparison_table(
        comparison.comparison(request.user, forbund), forbund
    )
    exported = comparison_output.export(table, forbund, fmt)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


@login_required
def value_set_index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "economics/value_sets.html", {"value_sets": selectors.value_sets(request.user)}
    )


def _targets(user: Any, value_set: StandardValueSet) -> QuerySet[Forbund]:
    """The förbund a change of ``value_set`` may go to: its own förbund, or for
    Samspår's set every förbund the user manages."""
    managed = manageable_forbund(user)
    return managed.filter(pk=value_set.forbund_id) if value_set.forbund_id else managed


@login_required
def value_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    value_set = get_object_or_404(selectors.value_sets(request.user), pk=pk)
    targets = _targets(request.user, value_set)
    may_edit = targets.exists()
    data = request.POST if request.method == "POST" else None
    target_form = ForbundChoiceForm(data, forbund=targets, prefix="target")
    values = list(value_set.values.all())
    forms: list[tuple[Any, ValueForm]] = [
        (
            v,
            ValueForm(
                data,
                prefix=v.key,
                unit=v.unit,
                value=str(value_label(v.key)),
                initial={"amount": v.amount, "grade": v.grade, "source": v.source},
            ),
        )
        for v in values
    ]
    if data is not None:
        if not may_edit:
            raise PermissionDenied
        if target_form.is_valid() and all(f.is_valid() for _v, f in forms):
            changes = {
                v.key: services.ValueChange(
                    f.cleaned_data["amount"], f.cleaned_data["grade"], f.cleaned_data["source"]
                )
                for v, f in forms
                if f.has_changed()
            }
            if changes:
                target = services.update_standard_values(
                    user=request.user,
                    forbund=target_form.cleaned_data["forbund"],
                    value_set=value_set,
                    changes=changes,
                )
                if target.pk != value_set.pk:
                    messages.info(
                        request,
                        _("A new version was made; earlier evaluations keep the values they used."),
                    )
                messages.success(request, _("The standard values are saved."))
                return redirect("economics-value-set", pk=target.pk)
    return render(
        request,
        "economics/value_set.html",
        {
            "value_set": value_set,
            "rows": [(value_label(v.key), v, f) for v, f in forms],
            "may_edit": may_edit,
            "target_form": target_form,
            "year_form": PriceYearForm(
                forbund=targets, prefix="year", initial={"price_year": value_set.price_year + 1}
            ),
            # only the evaluations the user may see count
            "used_by": selectors.evaluations(request.user).filter(value_set=value_set).count(),
        },
    )


@login_required
def value_set_new_year(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of a value set for another price year (POST only)."""
    if request.method != "POST":
        raise Http404
    value_set = get_object_or_404(selectors.value_sets(request.user), pk=pk)
    targets = _targets(request.user, value_set)
    if not targets.exists():
        raise PermissionDenied
    form = PriceYearForm(request.POST, forbund=targets, prefix="year")
    if form.is_valid():
        created = services.new_price_year_version(
            user=request.user,
            forbund=form.cleaned_data["forbund"],
            base=value_set,
            price_year=form.cleaned_data["price_year"],
        )
        messages.success(
            request,
            _(
                "A version for price year %(year)s was made from %(base)s. Bring its values "
                "up to that year: they are still those of %(base_year)s."
            )
            % {"year": created.price_year, "base": value_set, "base_year": value_set.price_year},
        )
        return redirect("economics-value-set", pk=created.pk)
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, str(text))
    return redirect("economics-value-set", pk=pk)
