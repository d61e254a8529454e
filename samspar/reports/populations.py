"""Whom a figure covers, where the seeds differ (docs/definitions.md, "Populations").

SUS computed age, education and time in public support over those who started in the
period (seed 003); seed 002 gives the same figures for the ended who were not early
dropouts, and for those active at the end of the period — whose age it gives as their
present age at the end of the year (``AgeOn``), not the age at start.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samspar.reports.scope import ReportScope, active_q, ended_q, new_q, worked_with_q
from samspar.reports.tables import Text


class Population(StrEnum):
    NEW = "new"
    ENDED_KEPT = "ended_kept"
    ACTIVE_END = "active_end"
    WORKED_WITH = "worked_with"

    @property
    def label(self) -> Text:
        return _POPULATION_LABELS[self]

    def q(self, scope: ReportScope) -> Q:
        """The enrolments of the population, as a filter on ``Enrolment``."""
        f, t = scope.date_from, scope.date_to
        if self == Population.NEW:
            return new_q(f, t)
        if self == Population.ENDED_KEPT:
            return ended_q(f, t) & Q(early_dropout=False)
        if self == Population.ACTIVE_END:
            return active_q(t)
        return worked_with_q(f, t)

    @classmethod
    def chosen(cls, scope: ReportScope, default: Population) -> Population:
        """The population a page, the CLI or the API asked for (``scope.population``)."""
        try:
            return cls(scope.population or default)
        except ValueError:
            return default


_POPULATION_LABELS: dict[Population, Text] = {
    Population.NEW: _("started in the period"),
    Population.ENDED_KEPT: _("ended in the period, not early dropouts"),
    Population.ACTIVE_END: _("active at the end of the period"),
    Population.WORKED_WITH: _("worked with in the period"),
}


class AgeOn(StrEnum):
    """The day an age is taken on (docs/definitions.md #6)."""

    START = "start"  # the enrolment's start date, as in SUS
    # The period's last day, or the enrolment's end date if it ended before it: the
    # present age of those active at the end of the period (seed 002: "den yngste
    # deltagaren är 20 år"), the age at exit of the ended.
    END = "end"

    @property
    def label(self) -> Text:
        return _AGE_ON_LABELS[self]

    @classmethod
    def chosen(cls, scope: ReportScope) -> AgeOn:
        """The day a page, the CLI or the API asked for (``scope.age_on``); default start."""
        try:
            return cls(scope.age_on or cls.START)
        except ValueError:
            return cls.START


_AGE_ON_LABELS: dict[AgeOn, Text] = {
    AgeOn.START: _("at the start of the enrolment"),
    AgeOn.END: _("at the end of the period, or at the end of the enrolment if earlier"),
}
