"""``samspar worker``: the background worker that runs imports (and any other queued
task). It is django-tasks-db's ``db_worker`` under the product's own name, with the
same options (docs/deployment.md, section 6), and one difference: when the database does
not answer (restarted, unreachable) it waits and goes on instead of stopping, so a
database restart needs no restart of the worker (samspar/core/outage.py)."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.core.management.base import CommandError
from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from samspar.core import outage

logger = logging.getLogger("samspar.imports")


class PatientWorker(db_worker.Worker):
    """A worker whose loop survives a database that went away. A task the outage cut off
    stays *running* in the queue's table; its import run shows as interrupted
    (docs/import.md, "When the worker stops")."""

    def run(self) -> None:
        while True:
            try:
                super().run()
                return
            except Exception as error:
                if not outage.is_unavailable(error) or not self.running:
                    raise
                logger.warning(
                    "The database did not answer (%s); trying again in %s s.",
                    type(error).__name__,
                    outage.RETRY_AFTER_S,
                )
                close_old_connections()
                time.sleep(outage.RETRY_AFTER_S)


class Command(DbWorkerCommand):
    help = "Run the background worker: imports started on the pages (django-tasks-db)."

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        """db_worker's own, with the patient worker."""
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = PatientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloader's child
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
