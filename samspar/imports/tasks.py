"""The background task: a file's check or write runs in the task worker
(``samspar worker``), so it goes on when the browser is closed."""

from __future__ import annotations

import logging

from django.db import close_old_connections
from django_tasks import task

from samspar.core import outage
from samspar.imports import services

logger = logging.getLogger("samspar.imports")


@task()
def run_import(run_id: int) -> None:
    """Run the phase the import waits for. An unexpected error has already marked the
    run as failed (its report says so); it goes to the log, whose formatter masks
    personnummer, and not into the task queue's table, which keeps a failed task's
    traceback — with whatever value of the file an error message might quote."""
    try:
        services.execute(run_id)
    except Exception as error:
        if not outage.is_unavailable(error):
            logger.exception("Import run %s stopped on an internal error.", run_id)
            return
        logger.warning("Import run %s was cut off: the database did not answer.", run_id)
        # Drop the dead connection, so the worker records the task's end on a new one.
        close_old_connections()
