"""An import whose worker is stopped or killed, a run no worker takes, and the retention
of finished runs' error lists (docs/import.md, "When the worker stops" and "Retention").

A killed worker leaves its task *running* in the task queue's table and the run in
*Kontrolleras*/*Importeras*; the tests put the queue and the run in exactly that state
(the task claimed, the process gone: nobody holds the run's lock) or stop the process in
the middle of the write with the exception a second SIGTERM raises in the worker."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samspar.imports import liveness, selectors, services
from samspar.imports.models import ImportRun, Status
from samspar.registry.models import Enrolment
from tests.factories import make_pnr

HEADER = "Personnummer;Förnamn;Efternamn;Startdatum;Remitterande aktör\n"

# The worker checks its connection between tasks, which on PostgreSQL would end a
# test's surrounding transaction: these tests commit.
worker = pytest.mark.django_db(transaction=True)


def _csv(*numbers: str, bad: str = "") -> bytes:
    lines = [f"{pnr};Anna;Berg;2021-02-01;AF\n" for pnr in numbers]
    if bad:
        lines.append(f"{bad};Bo;Ek;2021-02-01;AF\n")
    return (HEADER + "".join(lines)).encode()


def _women(n: int) -> list[str]:
    return [make_pnr(dt.date(1981, 3, 1 + i), man=False) for i in range(n)]


def _work() -> None:
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, insats, data: bytes) -> ImportRun:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        reverse("import-start", args=[insats.pk]),
        {"kind": "enrolments", "file": SimpleUploadedFile("deltagare.csv", data)},
    )
    return ImportRun.objects.latest("pk")


def _claim(run: ImportRun) -> None:
    """What a worker did when it took the run's task a while ago; killed since, it left
    the task like this."""
    DBTaskResult.objects.filter(pk=run.task_id).update(
        status="RUNNING",
        started_at=timezone.now() - selectors.CLAIM_GRACE - dt.timedelta(seconds=1),
        worker_ids=["killed"],
    )


class Stopped(SystemExit):
    """What the worker raises on a second SIGTERM (``sys.exit(1)``): not an Exception,
    so the run is not marked failed, exactly as when the process is killed."""


def _stop_when_all_rows_are_written(done: int, total: int) -> None:
    if total and done == total:
        raise Stopped(1)


@worker
def test_a_write_cut_off_wrote_nothing_and_is_run_again(reference_data, registrator, insats):
    client = _client(registrator)
    run = _upload(client, insats, _csv(*_women(3)))
    assert run.task_id and DBTaskResult.objects.get(pk=run.task_id).status == "READY"
    _work()
    client.post(reverse("import-confirm", args=[run.pk]))
    run.refresh_from_db()
    first_task = run.task_id
    assert run.status == Status.WRITE_QUEUED and first_task

    # The worker takes the write and is stopped after every row is written, before the
    # transaction commits.
    _claim(run)
    with pytest.raises(Stopped):
        services.execute(run.pk, _stop_when_all_rows_are_written)
    run.refresh_from_db()
    assert run.status == Status.WRITING and run.data is not None
    assert not Enrolment.objects.exists()  # one transaction: rolled back, nothing written
    assert DBTaskResult.objects.get(pk=first_task).status == "RUNNING"
    assert selectors.run_state(run).interrupted

    page = client.get(reverse("import-run", args=[run.pk]))
    text = page.content.decode()
    assert 'id="import-interrupted"' in text and "inget av den sparades" in text
    assert reverse("import-resume", args=[run.pk]) in text
    assert reverse("import-discard", args=[run.pk]) in text
    assert "hx-get" not in text  # no progress bar polling a run nobody carries out
    fragment = client.get(reverse("import-progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert fragment.headers.get("HX-Refresh") == "true"

    client.post(reverse("import-resume", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == Status.WRITE_QUEUED and run.task_id != first_task
    assert not selectors.run_state(run).interrupted
    _work()
    run.refresh_from_db()
    assert run.status == Status.DONE and run.data is None and run.to_create == 3
    assert Enrolment.objects.filter(insats=insats).count() == 3
    # Running it again once it is done is refused.
    client.post(reverse("import-resume", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == Status.DONE


@worker
def test_a_check_whose_worker_died_is_discarded(reference_data, registrator, insats):
    client = _client(registrator)
    run = _upload(client, insats, _csv(*_women(2)))
    _claim(run)
    ImportRun.objects.filter(pk=run.pk).update(status=Status.CHECKING, progress_total=2)
    run.refresh_from_db()

    # While a live process holds the run's lock, the run is running: the bar polls.
    with liveness.hold(run.pk) as got:
        assert got
        assert not selectors.run_state(run).interrupted
        page = client.get(reverse("import-run", args=[run.pk])).content.decode()
        assert 'id="import-interrupted"' not in page
        assert reverse("import-progress", args=[run.pk]) in page
        # A second executor (a re-queued task) leaves the run to the live one.
        assert services.execute(run.pk).status == Status.CHECKING
        with pytest.raises(ValidationError):
            services.resume_import(user=registrator, run=run)

    # The process is gone: the lock with it.
    assert selectors.run_state(run).interrupted
    listing = client.get(reverse("import-start", args=[insats.pk])).content.decode()
    assert "Avbröts" in listing
    page = client.get(reverse("import-run", args=[run.pk])).content.decode()
    assert 'id="import-interrupted"' in page
    client.post(reverse("import-discard", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == Status.DISCARDED and run.data is None
    assert not selectors.run_state(run).interrupted
    assert not Enrolment.objects.exists()


@worker
def test_a_task_just_taken_is_not_interrupted(reference_data, registrator, insats):
    """Between taking the task and taking the run's lock the worker has no lock yet."""
    client = _client(registrator)
    run = _upload(client, insats, _csv(*_women(1)))
    DBTaskResult.objects.filter(pk=run.task_id).update(status="RUNNING", started_at=timezone.now())
    assert not selectors.run_state(run).interrupted
    with pytest.raises(ValidationError):
        services.resume_import(user=registrator, run=run)


@worker
def test_an_interrupted_check_is_run_again(reference_data, registrator, insats):
    client = _client(registrator)
    run = _upload(client, insats, _csv(*_women(2)))
    _claim(run)
    ImportRun.objects.filter(pk=run.pk).update(status=Status.CHECKING)
    client.post(reverse("import-resume", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == Status.QUEUED
    _work()
    run.refresh_from_db()
    assert run.status == Status.CHECKED and run.to_create == 2
    assert not Enrolment.objects.exists()


@worker
def test_a_run_no_worker_takes_says_so(reference_data, registrator, insats):
    client = _client(registrator)
    run = _upload(client, insats, _csv(*_women(1)))
    page = client.get(reverse("import-run", args=[run.pk])).content.decode()
    assert 'id="import-no-worker"' not in page  # just queued
    DBTaskResult.objects.filter(pk=run.task_id).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=5)
    )
    state = selectors.run_state(run)
    assert not state.interrupted and state.no_worker
    page = client.get(reverse("import-run", args=[run.pk])).content.decode()
    assert 'id="import-no-worker"' in page and "samspar worker" in page
    assert 'id="import-interrupted"' not in page
    fragment = client.get(reverse("import-progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in fragment.headers and b"import-no-worker" in fragment.content
    # A waiting run is not interrupted: it cannot be queued twice.
    client.post(reverse("import-resume", args=[run.pk]))
    assert ImportRun.objects.get(pk=run.pk).task_id == run.task_id
    # When a worker comes, it runs.
    _work()
    run.refresh_from_db()
    assert run.status == Status.CHECKED


@worker
def test_cli_import_leaves_no_run_behind(reference_data, registrator, insats, tmp_path):
    path = tmp_path / "deltagare.csv"
    path.write_bytes(_csv(*_women(1)))
    call_command(
        "import",
        str(path),
        "--insats",
        str(insats.pk),
        "--user",
        registrator.username,
        "--no-progress",
        stdout=io.StringIO(),
    )
    run = ImportRun.objects.get()
    assert run.status == Status.DONE and not selectors.run_state(run).interrupted


# Retention


def _finished_with_errors(client, insats, bad: str) -> ImportRun:
    run = _upload(client, insats, _csv(*_women(1), bad=bad))
    _work()
    run.refresh_from_db()
    assert run.status == Status.CHECKED and run.error_count == 1
    return run


@worker
def test_error_lists_are_removed_after_the_retention_period(
    reference_data, registrator, insats, settings
):
    settings.SAMSPAR_IMPORT_RETENTION_DAYS = 30
    client = _client(registrator)
    bad = "19800101-0000"
    old = _finished_with_errors(client, insats, bad)
    ImportRun.objects.filter(pk=old.pk).update(
        checked_at=timezone.now() - dt.timedelta(days=31),
        unknown={"headings": ["Pnr kopia"], "values": {}},
    )

    out = io.StringIO()
    call_command("gallring", "--dry-run", stdout=out)
    last = out.getvalue().splitlines()[-1]
    assert " 1 " in last and " 30 " in last
    assert ImportRun.objects.get(pk=old.pk).errors != []

    out = io.StringIO()
    call_command("gallring", stdout=out)
    assert bad not in out.getvalue()
    old.refresh_from_db()
    # The checked file never confirmed is discarded; its personal data is gone, the
    # counts stay.
    assert old.status == Status.DISCARDED and old.data is None
    assert old.errors == [] and old.errors_encrypted == "" and old.unknown == {}
    assert (old.error_count, old.rows, old.to_create) == (1, 2, 1)
    assert old.personal_data_removed_at is not None

    recent = _finished_with_errors(client, insats, bad)
    page = client.get(reverse("import-run", args=[recent.pk])).content.decode()
    assert 'id="import-kept-until"' in page
    waiting = _upload(client, insats, _csv(*_women(2)))  # queued, no worker yet
    ImportRun.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - dt.timedelta(days=40)
    )
    DBTaskResult.objects.filter(pk=waiting.task_id).update(
        enqueued_at=timezone.now() - dt.timedelta(days=40)
    )
    assert services.remove_expired_personal_data() == 0
    recent.refresh_from_db()
    assert recent.errors[0]["value"] == bad
    waiting.refresh_from_db()
    assert waiting.status == Status.QUEUED and waiting.data is not None
    assert waiting.personal_data_removed_at is None

    page = client.get(reverse("import-run", args=[old.pk])).content.decode()
    assert bad not in page and 'id="import-removed"' in page


@worker
def test_retention_removes_a_done_runs_errors_and_discards_interrupted_runs(
    reference_data, registrator, insats, settings
):
    settings.SAMSPAR_IMPORT_RETENTION_DAYS = 7
    client = _client(registrator)
    bad = "19800101-0000"
    failed = _finished_with_errors(client, insats, bad)
    ImportRun.objects.filter(pk=failed.pk).update(
        status=Status.FAILED,
        data=None,
        written_at=timezone.now() - dt.timedelta(days=8),
    )
    stuck = _upload(client, insats, _csv(*_women(1)))
    _claim(stuck)
    ImportRun.objects.filter(pk=stuck.pk).update(
        status=Status.WRITING, created_at=timezone.now() - dt.timedelta(days=9)
    )
    # Two days earlier the failed run (written 8 days ago) was not yet due.
    assert services.remove_expired_personal_data(now=timezone.now() - dt.timedelta(days=2)) == 1
    stuck.refresh_from_db()
    failed.refresh_from_db()
    assert stuck.status == Status.DISCARDED and stuck.data is None
    assert failed.errors[0]["value"] == bad
    assert services.remove_expired_personal_data() == 1
    failed.refresh_from_db()
    assert failed.status == Status.FAILED and failed.errors == [] and failed.error_count == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process needs the suite's database; SQLite's lives in memory",
)
@worker
def test_a_worker_process_killed_mid_check_leaves_a_run_that_is_run_again(
    reference_data, registrator, insats, settings, tmp_path
):
    """A real ``samspar worker`` process holds the run's lock while it checks; killed
    with SIGKILL, its task stays *running* in the queue, the lock is gone with its
    session, and the page offers to run the check again, which then completes.

    No race with the worker's speed: a second connection holds the run's row, so the
    worker, once it has taken the task and the run's lock, waits at its first write of
    the run until it is killed."""
    from tests.serving import database_url, production_env

    days = [dt.date(1950, 1, 1) + dt.timedelta(days=i) for i in range(600)]
    numbers = [make_pnr(day, man=i % 2 == 0) for i, day in enumerate(days)]
    client = _client(registrator)
    run = _upload(client, insats, _csv(*numbers))
    env = production_env(
        tmp_path,
        DATABASE_URL=database_url(connection.settings_dict),
        SAMSPAR_FIELD_KEY=settings.SAMSPAR_FIELD_KEY,
        SAMSPAR_HASH_KEY=settings.SAMSPAR_HASH_KEY,
    )
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    with holder.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute(
            f"SELECT id FROM {ImportRun._meta.db_table} WHERE id = %s FOR UPDATE", [run.pk]
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "samspar.cli", "worker", "--no-reload", "--no-startup-delay"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Until the worker holds the run's lock; the pause between looks is the wait for
        # the process (bounded only so that a broken start fails instead of hanging).
        for _look in range(3000):
            if liveness.is_held(run.pk):
                break
            with pytest.raises(subprocess.TimeoutExpired):
                process.wait(timeout=0.1)  # the worker must not end
        assert liveness.is_held(run.pk)  # by the worker process, waiting for the row
        run.refresh_from_db()
        assert not selectors.run_state(run).interrupted
    finally:
        process.kill()
        process.wait()
        # The server notices a killed client only when it next talks to it: end the
        # worker's sessions (every one in the database but the test's) before the row
        # is let go, as a restart of the machine would.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (own,) = cursor.fetchone()
        with holder.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid, 60000) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
                [own],
            )
            cursor.execute("ROLLBACK")
        holder.close()
    run.refresh_from_db()
    assert run.status == Status.QUEUED  # its first write never got through
    assert DBTaskResult.objects.get(pk=run.task_id).status == "RUNNING"
    assert not liveness.is_held(run.pk)
    # Ten seconds on (the grace for a worker between taking a task and its lock):
    DBTaskResult.objects.filter(pk=run.task_id).update(
        started_at=timezone.now() - selectors.CLAIM_GRACE - dt.timedelta(seconds=1)
    )
    page = client.get(reverse("import-run", args=[run.pk])).content.decode()
    assert 'id="import-interrupted"' in page
    client.post(reverse("import-resume", args=[run.pk]))
    _work()
    run.refresh_from_db()
    assert run.status == Status.CHECKED and run.to_create == len(numbers)
