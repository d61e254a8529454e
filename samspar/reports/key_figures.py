"""The insats page's key figures as a reader may see them (issue 9, #4).

``organisation.selectors.key_figures`` counts exactly; here every count of persons goes
through ``reports.suppression.shown_count`` with the scope a report of the insats for
this year would have, so the page hides what that report hides from the same reader.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from samspar.organisation.selectors import PARTICIPANT_COUNTS, KeyFigures, key_figures
from samspar.reports.scope import Level, ReportScope
from samspar.reports.suppression import shown_count, threshold

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from samspar.organisation.models import Insats


def shown_key_figures(
    user: AbstractBaseUser | AnonymousUser, insats: Insats, today: dt.date
) -> KeyFigures:
    """The key figures of ``insats`` for ``user``: small counts of persons are None
    unless the user sees exact counts (a registrator of the insats)."""
    figures = key_figures(insats, today)
    scope = ReportScope(
        dt.date(today.year, 1, 1), today, user=user, level=Level.INSATS, object_id=insats.pk
    )
    if scope.sees_exact_counts():
        return figures
    shown: dict[str, int | None] = {}
    for name in PARTICIPANT_COUNTS:
        value = getattr(figures, name)
        shown[name] = None if value is None else shown_count(scope, value)
    return dataclasses.replace(figures, hidden_below=threshold(scope), **shown)
