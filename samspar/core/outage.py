"""When the database does not answer: restarted, failed over, unreachable, or (SQLite) kept
locked past the wait. A page or an API call then gets 503 with a sentence to try again,
the worker waits and goes on, and a write in progress is left undone by its transaction
(docs/deployment.md, "When the database restarts").

Django reconnects by itself: every request checks its kept connection before the first
query (``CONN_HEALTH_CHECKS`` in settings), and a connection that failed is closed at
the end of the request or task, so the next one opens a fresh one.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _

# Seconds a client is asked to wait before trying again (the Retry-After header): a
# PostgreSQL restart takes a second or two.
RETRY_AFTER_S = 5

TITLE = _("The database did not answer")
MESSAGE = _(
    "The database did not answer. Nothing you sent was saved half-way; try again in a "
    "moment, and tell your administrator if it happens again."
)


def is_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` says the database could not be reached or dropped the
    connection, as opposed to refusing a statement (a constraint, bad data)."""
    return isinstance(error, OperationalError | InterfaceError)
