"""The background task: a file's check or write runs in the task worker
(``samspar db_worker``), so it goes on when the browser is closed."""

from __future__ import annotations

from django_tasks import task

from samspar.imports import services


@task()
def run_import(run_id: int) -> None:
    services.execute(run_id)
