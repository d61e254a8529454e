"""Values read straight from a request (outside a form), parsed strictly.

A browser only sends what its page gave it, so anything else is a bad request (400)
with a message in the user's language, never a server error: ``int()`` alone accepts
digits of every script ("١٢٣", "²" passes ``isdigit`` and fails ``int``) and numbers
no database column holds.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils.translation import gettext as _

# The largest id (and whole number) any of our databases stores: a signed 64-bit integer.
MAX_ID = 2**63 - 1


class BadInput(BadRequest):
    """A value of the request that no page of ours sends; its message is shown."""


def whole_number(raw: object) -> int | None:
    """The number if ``raw`` is ASCII digits of at most the size of an id, else None."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if value <= MAX_ID else None


def posted_id(request: HttpRequest, name: str = "id") -> int:
    """The id a button posted (the row to remove): a whole number, else a 400."""
    value = whole_number(request.POST.get(name))
    if value is None:
        raise BadInput(_("The request names no valid row: reload the page and try again."))
    return value
