"""Whether a run's check or write is being carried out right now by a live process.

The process that executes a run (the task worker, or ``samspar import``) holds a lock
for it that the operating system or the database releases when the process ends, however
it ends — a killed worker or a restarted machine leaves no lock behind. The task queue's
own status cannot tell this: a task whose worker was killed stays *running* there.

- PostgreSQL: a session-level advisory lock on a connection of its own, released when
  that session ends (also when its process is killed or the server restarts).
- SQLite (development, demo): an exclusive ``flock`` on a file in the temporary
  directory, released by the kernel when the process ends; SQLite is a local file, so
  every process that uses the database is on this machine.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

# The first key of the advisory lock pair: "imports" (any constant int4 of this app).
LOCK_CLASS = 0x1A4F


def _postgres() -> bool:
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def _lock_path(run_id: int) -> Path:
    name = str(connections[DEFAULT_DB_ALIAS].settings_dict.get("NAME") or "")
    if "memory" in name or not name:
        # An in-memory database lives in one process only.
        name = f"{name}:{os.getpid()}"
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"samspar-import-{digest}-{run_id}.lock"


def _try_file(run_id: int) -> IO[bytes] | None:
    handle = _lock_path(run_id).open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _try_advisory(run_id: int) -> BaseDatabaseWrapper | None:
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    with side.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, run_id])
        (got,) = cursor.fetchone()
    if not got:
        side.close()
        return None
    return side


@contextmanager
def hold(run_id: int) -> Iterator[bool]:
    """Hold the run's lock while the block runs; yields False (and holds nothing) if
    another live process holds it."""
    if _postgres():
        side = _try_advisory(run_id)
        try:
            yield side is not None
        finally:
            if side is not None:
                side.close()  # ends the session, and with it the lock
        return
    handle = _try_file(run_id)
    try:
        yield handle is not None
    finally:
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


def is_held(run_id: int) -> bool:
    """Whether a live process is executing the run now."""
    with hold(run_id) as got:
        return not got
