"""Starting, mapping, confirming and discarding an import; running a phase of it (called
by the task worker and the CLI). Every write of imported rows goes through the
registry's and organisation's services (``kinds.py``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from samspar.access.scoping import Action, can
from samspar.core import outage
from samspar.imports import engine, liveness, selectors
from samspar.imports.kinds import KINDS
from samspar.imports.models import ImportMapping, ImportRun, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from samspar.organisation.models import Insats

MAX_BYTES = 50 * 1024 * 1024

Progress = Callable[[int, int], None]


def kind_of(key: str) -> engine.Kind:
    try:
        return KINDS[key]
    except KeyError:
        raise ValidationError({"kind": _("Unknown kind of import.")}) from None


def _require(user: AbstractBaseUser, kind: engine.Kind, insats: Insats) -> None:
    if not can(user, Action(kind.action), insats.pk):
        raise PermissionDenied


def _enqueue(run: ImportRun) -> None:
    from samspar.imports.tasks import run_import

    result = run_import.enqueue(run.pk)
    run.task_id = str(result.id)
    ImportRun.objects.filter(pk=run.pk).update(task_id=run.task_id)


@transaction.atomic
def start_import(
    *,
    user: AbstractBaseUser,
    insats: Insats,
    kind: str,
    file_name: str,
    data: bytes,
    queue: bool = True,
) -> ImportRun:
    """Keep the file and queue its check (dry run). Earlier checked but unconfirmed files
    of the same user, insats and kind are discarded: only the newest can be imported."""
    spec = kind_of(kind)
    _require(user, spec, insats)
    if not spec.allowed(insats):
        raise ValidationError({"kind": _("This insats does not take this kind of data.")})
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 50 MB.")})
    ImportRun.objects.filter(
        user_id=user.pk, insats=insats, kind=kind, status=Status.CHECKED
    ).update(status=Status.DISCARDED, data=None)
    run = ImportRun(
        insats=insats,
        user_id=user.pk,
        kind=kind,
        file_name=file_name[:255],
        file_hash=hashlib.sha256(data).hexdigest(),
    )
    run.set_file(data)
    run.save()
    if queue:
        _enqueue(run)
    return run


def _own(user: AbstractBaseUser, run: ImportRun) -> engine.Kind:
    spec = kind_of(run.kind)
    if run.user_id != user.pk:
        raise PermissionDenied
    _require(user, spec, run.insats)
    return spec


@transaction.atomic
def confirm_import(*, user: AbstractBaseUser, run: ImportRun, queue: bool = True) -> ImportRun:
    """Queue the write of a checked file that had no errors."""
    _own(user, run)
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != Status.CHECKED or run.error_count or run.data is None:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    run.status = Status.WRITE_QUEUED
    run.progress_done = 0
    run.save(update_fields=["status", "progress_done"])
    if queue:
        _enqueue(run)
    return run


@transaction.atomic
def discard_import(*, user: AbstractBaseUser, run: ImportRun) -> ImportRun:
    """Drop a checked (or interrupted) file without importing it (its copy is deleted)."""
    _own(user, run)
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    waiting = (Status.CHECKED, Status.QUEUED, Status.WRITE_QUEUED)
    if run.status not in waiting and not selectors.run_state(run).interrupted:
        raise ValidationError(_("This import can no longer be discarded."))
    run.status = Status.DISCARDED
    run.data = None
    run.save(update_fields=["status", "data"])
    return run


@transaction.atomic
def resume_import(*, user: AbstractBaseUser, run: ImportRun, queue: bool = True) -> ImportRun:
    """Queue again the phase of a run whose worker was stopped or killed. A check starts
    over; so does a write, which is one transaction: a write that was cut off wrote
    nothing, and the rows are checked again before they are written."""
    _own(user, run)
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.data is None or not selectors.run_state(run).interrupted:
        raise ValidationError(_("This import is not interrupted."))
    writing = run.status in (Status.WRITE_QUEUED, Status.WRITING)
    run.status = Status.WRITE_QUEUED if writing else Status.QUEUED
    run.progress_done = 0
    run.save(update_fields=["status", "progress_done"])
    if queue:
        _enqueue(run)
    return run


def remove_expired_personal_data(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Retention (run by ``samspar gallring``): the runs whose last step (written,
    checked, else uploaded) is at least ``SAMSPAR_IMPORT_RETENTION_DAYS`` old lose their
    error list, unknown values and any kept file; their counts stay. A checked file
    never confirmed, or a run whose worker was stopped, is discarded with it; a run
    that is being carried out or waits for a worker is left alone. Returns how many
    runs were (with ``dry_run``: would be) cleared."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.SAMSPAR_IMPORT_RETENTION_DAYS)
    due = (
        ImportRun.objects.filter(personal_data_removed_at__isnull=True)
        .annotate(last_step=Coalesce("written_at", "checked_at", "created_at"))
        .filter(last_step__lte=cutoff)
        .order_by("pk")
    )
    cleared = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().defer("data").get(pk=pk)
            state = selectors.run_state(run)
            if run.running and not state.interrupted:
                continue
            cleared += 1
            if dry_run:
                continue
            if run.status == Status.CHECKED or run.running:
                run.status = Status.DISCARDED
            run.data = None
            run.errors_encrypted = ""  # error_count stays
            run.unknown = {}
            run.personal_data_removed_at = now
            run.save(
                update_fields=[
                    "status",
                    "data",
                    "errors_encrypted",
                    "unknown",
                    "personal_data_removed_at",
                ]
            )
    return cleared


@transaction.atomic
def save_mapping(
    *,
    user: AbstractBaseUser,
    run: ImportRun,
    columns: dict[str, str],
    values: dict[str, dict[str, str]],
    queue: bool = True,
) -> ImportMapping:
    """Save headings → variables and values → codes for the förbund (merged into what it
    saved before, with history) and check the file again with them."""
    spec = _own(user, run)
    keys = {c.key for c in spec.columns}
    if any(target and target not in keys for target in columns.values()):
        raise ValidationError(_("Unknown variable."))
    if run.status != Status.CHECKED or run.data is None:
        raise ValidationError(_("Only a checked file can be mapped."))
    mapping, _created = ImportMapping.objects.select_for_update().get_or_create(
        forbund_id=run.insats.forbund_id, kind=run.kind
    )
    from samspar.imports.values import normalise

    mapping.columns = {**mapping.columns, **{normalise(k): v for k, v in columns.items()}}
    merged = {k: dict(v) for k, v in mapping.values.items()}
    for key, pairs in values.items():
        if key not in keys:
            raise ValidationError(_("Unknown variable."))
        merged.setdefault(key, {}).update({normalise(raw): code for raw, code in pairs.items()})
    mapping.values = merged
    mapping._history_user = user  # type: ignore[attr-defined]
    mapping.save()
    run.status = Status.QUEUED
    run.save(update_fields=["status"])
    if queue:
        _enqueue(run)
    return mapping


def mapping_of(run: ImportRun) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    mapping = ImportMapping.objects.filter(forbund_id=run.insats.forbund_id, kind=run.kind).first()
    return (mapping.columns, mapping.values) if mapping else ({}, {})


def _side_connection() -> BaseDatabaseWrapper | None:
    """A second connection to the database, in autocommit, for the write's progress: the
    write is one transaction, whose own updates nobody else sees before it ends. Only
    on PostgreSQL: SQLite lets one connection write at a time, and the write holds it
    (there the bar shows the write only when it ends)."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return None
    return connections.create_connection(DEFAULT_DB_ALIAS)


def _report_aside(side: BaseDatabaseWrapper, run_id: int, done: int, total: int) -> None:
    table = side.ops.quote_name(ImportRun._meta.db_table)
    with side.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET progress_done = %s, progress_total = %s WHERE id = %s",
            [done, total, run_id],
        )


def execute(run_id: int, progress: Progress | None = None) -> ImportRun:
    """Run the phase a run waits for: the check (dry run) or the write. Called by the
    task worker (``tasks.run_import``) and the CLI. The run's lock (``liveness``) is
    held throughout, so the page can tell a live run from one whose worker is gone; if
    another live process holds it, this one leaves the run to it."""
    with liveness.hold(run_id) as held:
        if not held:
            return ImportRun.objects.get(pk=run_id)
        return _execute(run_id, progress)


def _execute(run_id: int, progress: Progress | None) -> ImportRun:
    run = ImportRun.objects.select_related("insats__forbund", "user").get(pk=run_id)
    if run.status == Status.QUEUED:
        writing = False
        run.status = Status.CHECKING
    elif run.status == Status.WRITE_QUEUED:
        writing = True
        run.status = Status.WRITING
    else:
        return run
    run.progress_done = 0
    run.save(update_fields=["status", "progress_done"])
    spec = kind_of(run.kind)
    columns, values = mapping_of(run)

    side = _side_connection() if writing else None

    def report(done: int, total: int) -> None:
        if side is not None:
            _report_aside(side, run.pk, done, total)
        elif not writing:
            ImportRun.objects.filter(pk=run.pk).update(progress_done=done, progress_total=total)
        if progress is not None:
            progress(done, total)

    try:
        result = engine.run(
            spec,
            run.file_bytes(),
            user=run.user,
            insats=run.insats,
            columns_map=columns,
            value_map=values,
            write=writing,
            progress=report,
        )
    except Exception as error:
        if outage.is_unavailable(error):
            # The database went away: it undoes the write's transaction, and the run's
            # lock went with the connection, so the page shows the run as interrupted,
            # to be run again with the kept file (docs/import.md).
            raise
        run.status = Status.FAILED
        run.data = None
        reason = _("The import stopped on an internal error; nothing was imported.")
        run.errors = [{"row": 0, "column": "", "value": "", "reason": reason}]
        run.save(update_fields=["status", "data", "errors_encrypted", "error_count"])
        raise
    finally:
        if side is not None:
            side.close()
    run.refresh_from_db(fields=["progress_done", "progress_total"])
    if writing and side is None:
        run.progress_done = run.progress_total
    run.rows = result.rows
    run.to_create, run.to_update, run.to_skip = result.created, result.updated, result.skipped
    run.errors = [e.as_dict() for e in result.errors]
    run.unknown = {"headings": result.unknown_headings, "values": result.unknown_values}
    if writing:
        run.status = Status.DONE if result.ok else Status.FAILED
        run.written_at = timezone.now()
        run.data = None
    else:
        run.status = Status.CHECKED
        run.checked_at = timezone.now()
    fields = ["rows", "to_create", "to_update", "to_skip", "errors_encrypted", "error_count"]
    fields += ["unknown", "status", "progress_done", "progress_total"]
    # The file's copy is only ever removed here (never written back: a discard
    # meanwhile stays a discard of the file).
    fields += ["written_at", "data"] if writing else ["checked_at"]
    run.save(update_fields=fields)
    return run
