"""The import pages: upload and template download on an insats, and each run's page
(dry-run result, mapping, confirm) with its progress fragment. A run is seen only by
the user who started it, and only while they may still do what it imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog
from samspar.access.scoping import Action, can
from samspar.imports import choices, selectors, services, template
from samspar.imports.engine import Kind
from samspar.imports.forms import UploadForm
from samspar.imports.kinds import KINDS
from samspar.imports.models import ImportRun, Status
from samspar.organisation.models import Insats

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PURPOSE = "import"


class AuthenticatedRequest(HttpRequest):
    user: User


def _insats_and_kinds(request: AuthenticatedRequest, insats_id: int) -> tuple[Insats, list[Kind]]:
    insats = get_object_or_404(
        Insats.objects.restrict(request.user, Action.VIEW).select_related("forbund"),
        pk=insats_id,
    )
    kinds = selectors.importable_kinds(request.user, insats)
    if not kinds:
        raise Http404
    return insats, kinds


def _run(request: AuthenticatedRequest, pk: int) -> ImportRun:
    run = get_object_or_404(
        ImportRun.objects.select_related("insats__forbund"), pk=pk, user_id=request.user.pk
    )
    kind = KINDS.get(run.kind)
    if kind is None or not can(request.user, Action(kind.action), run.insats_id):
        raise Http404
    return run


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: AuthenticatedRequest, insats_id: int) -> HttpResponse:
    insats, kinds = _insats_and_kinds(request, insats_id)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = services.start_import(
                user=request.user,
                insats=insats,
                kind=form.cleaned_data["kind"],
                file_name=upload.name or "",
                data=upload.read(services.MAX_BYTES + 1),
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            return redirect("import-run", pk=run.pk)
    return render(
        request,
        "imports/start.html",
        {
            "insats": insats,
            "form": form,
            "kinds": kinds,
            "runs": [
                (run, run.running and selectors.run_state(run).interrupted)
                for run in selectors.runs(request.user, insats)[:20]
            ],
        },
    )


@login_required
def import_template(request: AuthenticatedRequest, insats_id: int, kind: str) -> HttpResponse:
    insats, kinds = _insats_and_kinds(request, insats_id)
    spec = next((k for k in kinds if k.key == kind), None)
    if spec is None:
        raise Http404
    response = HttpResponse(
        template.build(spec, insats),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="samspar-mall-{spec.key}.xlsx"'
    return response


@login_required
def import_run(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    kind = KINDS[run.kind]
    errors = run.errors
    if errors and kind.key == "enrolments":
        # The error list shows the file's values, personnummer among them.
        log_personal_data_read(
            request.user,
            AccessLog.Kind.IMPORT,
            run.insats,
            purpose=PURPOSE,
            records=len(errors),
            detail=f"import {run.pk}",
        )
    return render(request, "imports/run.html", {**_run_context(run, kind), "errors": errors})


def _kept_until(run: ImportRun) -> object:
    """The day the retention removes the run's error list (``samspar gallring``)."""
    if run.running or run.personal_data_removed_at or not run.error_count:
        return None
    last = run.written_at or run.checked_at or run.created_at
    return last + dt.timedelta(days=settings.SAMSPAR_IMPORT_RETENTION_DAYS)


def _run_context(run: ImportRun, kind: Kind) -> dict[str, object]:
    unknown_values = []
    if run.status == Status.CHECKED:
        for key, raws in (run.unknown.get("values") or {}).items():
            column = next((c for c in kind.columns if c.key == key), None)
            if column is None or not column.choices:
                continue
            options = choices.options(column.choices, run.insats)
            unknown_values.append(
                {
                    "key": key,
                    "heading": column.heading,
                    "raws": raws,
                    "options": [(o.code, o.shown) for o in options],
                }
            )
    state = selectors.run_state(run)
    return {
        "run": run,
        "state": state,
        "live": run.running and not state.interrupted,
        "kept_until": _kept_until(run),
        "insats": run.insats,
        "kind": kind,
        "columns": [(c.key, c.heading) for c in kind.columns],
        "unknown_headings": run.unknown.get("headings") or []
        if run.status == Status.CHECKED
        else [],
        "unknown_values": unknown_values,
        "can_confirm": run.status == Status.CHECKED
        and not run.error_count
        and run.data is not None,
    }


@login_required
def import_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """HTMX: the progress bar while the run works; the whole page again when it is done."""
    run = _run(request, pk)
    state = selectors.run_state(run)
    live = run.running and not state.interrupted
    response = render(request, "imports/_progress.html", {"run": run, "state": state, "live": live})
    if not live:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_mapping(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    columns: dict[str, str] = {}
    value_map: dict[str, dict[str, str]] = {}
    for name in request.POST:
        value = request.POST.get(name, "")
        if name.startswith("col::"):
            columns[name[5:]] = value
        elif name.startswith("val::"):
            key, _sep, raw = name[5:].partition("::")
            if value:
                value_map.setdefault(key, {})[raw] = value
    try:
        services.save_mapping(user=request.user, run=run, columns=columns, values=value_map)
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, " ".join(getattr(e, "messages", [_("Not allowed.")])))
    else:
        messages.success(request, _("The mapping is saved; the file is checked again."))
    return redirect("import-run", pk=run.pk)


def _act(
    request: AuthenticatedRequest,
    pk: int,
    action: Callable[..., ImportRun],
    done: str,
    *,
    to_insats: bool = False,
) -> HttpResponse:
    """One button of a run's page: the service ``action``, its refusal as a message."""
    run = _run(request, pk)
    try:
        action(user=request.user, run=run)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, done)
    if to_insats:
        return redirect("import-start", insats_id=run.insats_id)
    return redirect("import-run", pk=run.pk)


@login_required
@require_POST
def import_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.confirm_import, _("The import has started."))


@login_required
@require_POST
def import_resume(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.resume_import, _("The import is queued again."))


@login_required
@require_POST
def import_discard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.discard_import, _("The file is discarded."), to_insats=True)
