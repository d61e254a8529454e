"""A förbund's overview over several years and teams, as seeds 000 and 001 write it
(#16 with #2, #4 and #5 of DOMAIN.md §4): besides the trend per year, each team's result
in the latest year and the time in public support before of each year's ended.
Definitions: docs/definitions.md ("Overview").
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Aggregate, Avg, Count, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from samspar.reports import cellkey
from samspar.reports.aggregates import as_float, scope_dims
from samspar.reports.figures.background import KNOWN_YEARS
from samspar.reports.figures.organisation import year_periods
from samspar.reports.figures.outcomes import throughput_by_team
from samspar.reports.populations import Population
from samspar.reports.scope import ReportScope, ended_q
from samspar.reports.tables import Chart, Column, Kind, Table, Value


def latest_year_by_team(scope: ReportScope) -> Table:
    """Each team's ended, result towards goal and throughput time in the last calendar
    year of the period (seed 000, "det senaste året": "Kraften Hedemora har 73 procent
    som når målet, Samverkansteam Avesta är det 50 procent … Avesta … 15,6 månader …
    Hedemora runt 20 månader"). Its total row is the trend's last year."""
    last = scope.date_to.year
    latest = dataclasses.replace(scope, date_from=max(dt.date(last, 1, 1), scope.date_from))
    table = throughput_by_team(latest)
    table.key = "latest_by_team"
    table.title = format_lazy(_("Result and throughput time per team, {year}"), year=last)
    return table


def support_by_year(scope: ReportScope) -> Table:
    """#5 per year: the mean years in public support before the insats of the ended who
    were not early dropouts (seed 001: "De hade i genomsnitt levt på bidrag i fem år
    innan de började"). One query, however many years."""
    years, periods = year_periods(scope)
    aggregates: dict[str, Aggregate] = {}
    for y, (start, end) in zip(years, periods, strict=True):
        kept = ended_q(start, end) & Q(early_dropout=False)
        aggregates[f"participants{y}"] = Count("pk", filter=kept)
        aggregates[f"known{y}"] = Count("years_in_public_support", filter=kept)
        aggregates[f"mean_years{y}"] = Avg("years_in_public_support", filter=kept)
    result = cellkey.aggregate(scope.period_enrolments(), aggregates)
    rows: list[list[Value]] = []
    for y in years:
        participants, known = result[f"participants{y}"] or 0, result[f"known{y}"] or 0
        mean = as_float(result[f"mean_years{y}"])
        rows.append([str(y), participants, known, participants - known, mean])
    return Table(
        key="support_by_year",
        title=format_lazy(
            "{} – {}",
            _("Time in public support before the insats, per year"),
            Population.ENDED_KEPT.label,
        ),
        sheet=_("Support time before, per year"),
        columns=[
            Column("year", _("Year"), Kind.LABEL),
            Column("participants", _("Participants")),
            Column("known", _("Time known"), dims=KNOWN_YEARS),
            Column("unknown", _("Time unknown"), dims={"years": None}),
            Column("mean_years", _("Mean years"), Kind.NUMBER, depends_on="known"),
        ],
        rows=rows,
        column_sums={"participants": ("known", "unknown")},
        chart=Chart("line", ("mean_years",), x_label=_("Year"), y_label=_("Years")),
        note=_(
            "The ended of each year who were not early dropouts; the mean is over those "
            "whose time in public support is known."
        ),
        # The same counts as the trend's ended (not early dropouts) of each year.
        dims=scope_dims(scope, population=Population.ENDED_KEPT.value),
        row_dims=[{"period": period} for period in periods],
    )
