"""Password rules beyond Django's own (docs/security.md, chapter 3).

- ``PersonalPartsValidator``: a password must not contain the user's username, first or
  last name or e-mail address, nor any part of them of four or more letters or digits
  (parts are split at anything that is not a letter or digit; case is ignored).
- ``CalendarWordValidator``: a password must not be built on a season, month or weekday
  (Swedish or English): when it contains one, what is left after removing every such
  word, every digit and every character that is not a letter must be at least eight
  letters. "Sommar2026" and "Hösten25!" are refused, "sommarstugan vid Runn 1998" is not.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

MIN_PART = 4
MIN_LETTERS_BESIDES_CALENDAR = 8

CALENDAR_WORDS = (
    # Swedish seasons, months and weekdays (stems: "höst" covers "hösten", "höstlig" …)
    "vår",
    "sommar",
    "höst",
    "vinter",
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
    "måndag",
    "tisdag",
    "onsdag",
    "torsdag",
    "fredag",
    "lördag",
    "söndag",
    "jul",
    "midsommar",
    # English
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "january",
    "february",
    "march",
    "may",
    "june",
    "july",
    "august",
    "october",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "christmas",
)
# Longest first, so "midsommar" is removed whole rather than leaving "mid".
_CALENDAR_RE = re.compile("|".join(sorted(CALENDAR_WORDS, key=len, reverse=True)))
_SEPARATOR_RE = re.compile(r"[\W_]+")


def _parts(user: AbstractBaseUser | None) -> set[str]:
    """The user's identifying texts and their parts of at least MIN_PART characters."""
    if user is None:
        return set()
    texts = [str(getattr(user, name, "") or "") for name in ("username", "first_name", "last_name")]
    texts.append(str(getattr(user, "email", "") or ""))
    parts: set[str] = set()
    for text in texts:
        text = text.casefold()
        if len(text) >= MIN_PART:
            parts.add(text)
        parts.update(p for p in _SEPARATOR_RE.split(text) if len(p) >= MIN_PART)
    return parts


class PersonalPartsValidator:
    """Refuses a password containing the username, names or e-mail or a part of them."""

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        folded = password.casefold()
        if any(part in folded for part in _parts(user)):
            raise ValidationError(
                _("The password must not contain your username, your name or a part of them."),
                code="password_has_personal_part",
            )

    def get_help_text(self) -> str:
        return _("It must not contain your username, your name or a part of them.")


class CalendarWordValidator:
    """Refuses a password built on a season, month or weekday, such as Sommar2026."""

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        folded = password.casefold()
        if not _CALENDAR_RE.search(folded):
            return
        rest = [c for c in _CALENDAR_RE.sub("", folded) if c.isalpha()]
        if len(rest) < MIN_LETTERS_BESIDES_CALENDAR:
            raise ValidationError(
                _(
                    "The password must not be built on a season, month or weekday with a "
                    "year or a number, such as Sommar2026."
                ),
                code="password_calendar_word",
            )

    def get_help_text(self) -> str:
        return _("It must not be built on a season, month or weekday, such as Sommar2026.")
