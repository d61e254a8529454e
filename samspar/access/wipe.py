"""The one way to delete the access log: wiping a demo database (``samspar demo --reset``).

The access log is append-only in all code. Only ``allow()`` lifts that, for the current
thread and, on PostgreSQL, for the current transaction (the trigger of migration 0004
checks the setting ``samspar.access_log_wipe``); it refuses unless ``DEBUG`` is on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

_state = threading.local()

# The PostgreSQL setting the trigger reads; SET LOCAL ends with the transaction.
PG_SETTING = "samspar.access_log_wipe"


def allowed() -> bool:
    return bool(getattr(_state, "allowed", False))


@contextmanager
def allow() -> Iterator[None]:
    """Let the access log be deleted inside this block (one transaction). DEBUG only."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("The access log can only be wiped in a DEBUG installation.")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL {PG_SETTING} = 'on'")
        _state.allowed = True
        try:
            yield
        finally:
            _state.allowed = False
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL {PG_SETTING} = 'off'")
