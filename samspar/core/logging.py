"""Log formatting that keeps personal data out of the server's logs."""

from __future__ import annotations

import logging
import re
from typing import Any

# A personnummer or samordningsnummer in any spelling the parser accepts
# (core.personnummer.normalise): 10 or 12 digits of any script, with a separator — "-",
# "+", their fullwidth forms, any space, or their URL encodings — or none between the
# groups of the century, the year, the month and day, and the last four.
_SEP = r"(?:[-+\uff0b\uff0d]|\s|%2[BbDd0]|\+)?"
_PERSONNUMMER_RE = re.compile(rf"(?<!\d)(?:\d{{2}}{_SEP})?\d{{2}}{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)")
REDACTED = "[personnummer]"
# The token of a link to set a password (``/konto/losenord/satt/<uid>/<token>/``): whoever
# reads it in a log could set the new user's password before they do.
_SET_PASSWORD_TOKEN_RE = re.compile(r"(/konto/losenord/satt/[^/\s]+/)[^/\s?\"]+")
REDACTED_TOKEN = "[token]"


def redact(text: str) -> str:
    text = _SET_PASSWORD_TOKEN_RE.sub(rf"\g<1>{REDACTED_TOKEN}", text)
    return _PERSONNUMMER_RE.sub(REDACTED, text)


class RedactingFormatter(logging.Formatter):
    """Formats as usual (message and traceback), then masks anything shaped like a
    personnummer (an exception message may quote the input that caused it) and the token
    of a set-password link (the access log's request line)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def stderr_config(levels: dict[str, str]) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` that sends the named loggers (at their levels), and
    everything else from WARNING, to stderr through the masking formatter. Used by
    Django's settings and by gunicorn's, so both logs mask the same things."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "redacted": {
                "()": "samspar.core.logging.RedactingFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            }
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "redacted",
            }
        },
        "loggers": {
            name: {"handlers": ["stderr"], "level": level, "propagate": False}
            for name, level in levels.items()
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }
