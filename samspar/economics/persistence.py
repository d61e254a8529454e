"""Drop-off measured by the follow-ups after exit (DOMAIN.md §5: "drop-off per year,
measured by follow-ups after exit where they exist"; docs/economics.md, "Measured
drop-off").

Of the participants who worked or studied at the end (ended, not early dropouts, not
wrong registrations) and were reached at a follow-up point m months after it, the share
who still work or study is the persistence p over m months; the yearly drop-off is
1 − p^(12/m), a constant rate. The longest point with at least ``MIN_REACHED`` reached
is used. The 80 % Wilson interval of p gives the Monte Carlo range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from samspar.codelists.models import ResultGroup
from samspar.registry.models import Enrolment, FollowUp

# Reached follow-ups a measured drop-off rests on, at least: with fewer, one person more
# or less moves it by several percentage points.
MIN_REACHED = 20
# The normal quantile of an 80 % two-sided interval, as the evaluation's whiskers.
Z80 = 1.2815515655446004


@dataclass(frozen=True)
class MeasuredDropOff:
    months: int  # the follow-up point
    reached: int  # worked or studied at the end, and reached then
    kept: int  # of them, who still work or study

    def _yearly(self, persistence: float) -> Decimal:
        """The yearly drop-off in percent, two decimals."""
        lost = 1 - max(persistence, 0.0) ** (12 / self.months)
        return Decimal(100 * lost).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def drop_off(self) -> Decimal:
        return self._yearly(self.kept / self.reached)

    @property
    def interval(self) -> tuple[Decimal, Decimal]:
        """(low, high) drop-off from the 80 % Wilson interval of the persistence."""
        n, p, z2 = self.reached, self.kept / self.reached, Z80**2
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = Z80 / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
        return self._yearly(min(centre + half, 1.0)), self._yearly(max(centre - half, 0.0))

    def as_json(self) -> dict[str, int]:
        return {"months": self.months, "reached": self.reached, "kept": self.kept}


def measured_drop_off(enrolments: QuerySet[Enrolment]) -> MeasuredDropOff | None:
    """The drop-off measured on ``enrolments`` (those the caller may read, already
    narrowed to the evaluation's insats and period), or None where no follow-up point
    has ``MIN_REACHED`` reached. One query."""
    working = (
        enrolments.filter(end_date__isnull=False, early_dropout=False)
        .exclude(end_reason__result_group=ResultGroup.CANCELLED)
        .filter(Q(works_after=True) | Q(studies_after=True))
    )
    by_point = (
        FollowUp.objects.filter(enrolment__in=working, reached=True)
        .values("months_after")
        .annotate(reached=Count("pk"), kept=Count("pk", filter=Q(works=True) | Q(studies=True)))
        .order_by("-months_after")
    )
    for row in by_point:
        if row["reached"] >= MIN_REACHED:
            return MeasuredDropOff(row["months_after"], row["reached"], row["kept"])
    return None
