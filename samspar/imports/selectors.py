"""Reads of the import pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samspar.access.scoping import Action, can
from samspar.imports import liveness
from samspar.imports.engine import Kind
from samspar.imports.kinds import allowed_kinds
from samspar.imports.models import ImportRun

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from samspar.organisation.models import Insats


def importable_kinds(user: AbstractBaseUser, insats: Insats) -> list[Kind]:
    """The kinds the insats takes that the user may write."""
    return [k for k in allowed_kinds(insats) if can(user, Action(k.action), insats.pk)]


def runs(user: AbstractBaseUser, insats: Insats) -> QuerySet[ImportRun]:
    """The user's own imports into the insats, newest first."""
    return ImportRun.objects.filter(user_id=user.pk, insats=insats).defer("data")


# A run queued longer than this without a worker taking it: the page says so.
NO_WORKER_AFTER = dt.timedelta(minutes=1)
# A worker takes a task (the task is *running*) a moment before the run's lock: so long
# a run without a lock still counts as running.
CLAIM_GRACE = dt.timedelta(seconds=10)


@dataclass(frozen=True)
class RunState:
    """Where a run that is not finished stands. ``interrupted``: no live process is
    carrying it out and no task for it is waiting (its worker was stopped or killed, or
    the machine restarted); it can be run again or discarded. ``waiting_since``: its
    task has waited that long for a worker (None when a worker has taken it)."""

    interrupted: bool = False
    waiting_since: dt.datetime | None = None

    @property
    def no_worker(self) -> bool:
        return (
            self.waiting_since is not None and timezone.now() - self.waiting_since > NO_WORKER_AFTER
        )


def run_state(run: ImportRun) -> RunState:
    """The state of a run whose status says it is queued or running. The task queue's
    status alone cannot tell a killed worker's task (it stays *running* there), so a
    run is live only while its executing process holds its lock (``liveness``)."""
    if not run.running:
        return RunState()
    task = (
        DBTaskResult.objects.filter(pk=run.task_id)
        .only("status", "enqueued_at", "started_at")
        .first()
        if run.task_id
        else None
    )
    if task is not None and task.status == "READY":
        return RunState(waiting_since=task.enqueued_at)
    if liveness.is_held(run.pk):
        return RunState()
    if (
        task is not None
        and task.status == "RUNNING"
        and task.started_at is not None
        and timezone.now() - task.started_at < CLAIM_GRACE
    ):
        return RunState()
    return RunState(interrupted=True)
