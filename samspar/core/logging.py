"""Log formatting that keeps personal data out of the server's logs."""

from __future__ import annotations

import logging
import re

# A personnummer or samordningsnummer in any usual spelling: 10 or 12 digits, with or
# without "-" or "+" before the last four (also URL-encoded "%2B"/"%2D").
_PERSONNUMMER_RE = re.compile(
    r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}(?:[-+]|%2[BbDd])?[0-9]{4}(?![0-9])", re.ASCII
)
REDACTED = "[personnummer]"


def redact(text: str) -> str:
    return _PERSONNUMMER_RE.sub(REDACTED, text)


class RedactingFormatter(logging.Formatter):
    """Formats as usual (message and traceback), then masks anything shaped like a
    personnummer: an exception message may quote the input that caused it."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
