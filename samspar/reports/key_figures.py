"""The insats page's key figures as a reader may see them (issue 9, #4).

``organisation.selectors.key_figures`` counts exactly; here every count of persons goes
through ``reports.suppression.shown_count`` with the scope a report of the insats for
this year would have, so the page hides what that report hides from the same reader,
and is then perturbed by its cell key (``reports.cellkey``) as the reports' counts are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from samspar.organisation.selectors import KeyFigures, key_figures
from samspar.reports.cellkey import perturbed
from samspar.reports.scope import Level, ReportScope
from samspar.reports.suppression import shown_count, threshold

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from samspar.organisation.models import Insats


def shown_key_figures(
    user: AbstractBaseUser | AnonymousUser, insats: Insats, today: dt.date
) -> KeyFigures:
    """The key figures of ``insats`` for ``user``: unless the user sees exact counts (a
    registrator of the insats), small counts of persons are None and the others are
    perturbed by their cell keys as the reports' are."""
    figures = key_figures(insats, today)
    scope = ReportScope(
        dt.date(today.year, 1, 1), today, user=user, level=Level.INSATS, object_id=insats.pk
    )
    if scope.sees_exact_counts():
        return figures

    def shown(n: int | None) -> int | None:
        shown = None if n is None else shown_count(scope, n)
        return None if shown is None else perturbed(shown, threshold(scope))

    return dataclasses.replace(
        figures,
        active_today=shown(figures.active_today),
        started_this_year=shown(figures.started_this_year),
        ended_this_year=shown(figures.ended_this_year),
        anonymous_this_year=shown(figures.anonymous_this_year),
        volume_this_year=shown(figures.volume_this_year),
        structural_this_year=shown(figures.structural_this_year),
        waiting_count=shown(figures.waiting_count),
        hidden_below=threshold(scope),
    )
