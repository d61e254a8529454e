"""Figures about the ended: #3 (works/studies after), #4 (throughput time), #8 (time in
insats) and #9 (end reasons) of DOMAIN.md §4. Definitions: docs/definitions.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Aggregate, Avg, Case, Count, F, Q, When
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from samspar.codelists.models import EndReason, ResultGroup
from samspar.reports import cellkey
from samspar.reports.aggregates import (
    GENDER_ROW_DIMS,
    GENDER_ROWS,
    TOTAL,
    as_float,
    by_gender,
    by_group,
    scope_dims,
)
from samspar.reports.dbfunctions import MonthsBetween
from samspar.reports.distribution import (
    counts_by,
    distribution_table,
    interval_index,
    interval_labels,
)
from samspar.reports.figures.participants import GOAL_GROUPS, NOT_TO_GOAL, goal_columns
from samspar.reports.populations import Population
from samspar.reports.scope import ReportScope, ended_q, worked_with_q
from samspar.reports.tables import Chart, Column, Implied, Kind, Table, Text, Value, percent

# Time in insats: the last interval is open, from this many completed months.
MONTHS_OPEN_FROM = 36
# Rolling throughput windows (seed 002: 1907-2006, 2001-2012, …).
WINDOW_MONTHS = 12
WINDOW_STEP_MONTHS = 6
ENDED_KEPT = Column("ended_kept", _("Ended, not early dropouts"), dims={"population": "ended_kept"})


# What a reader works out from the nested columns of #3: each part's rest in its whole,
# and those who both work and study (works + studies − works and/or studies).
AFTER_IMPLIED = [
    Implied("none", ("ended",), ("any",), {"after": "none"}),
    Implied("increased_only", ("any",), ("works_or_studies",), {"after": "increased_only"}),
    Implied("not_increased", ("any",), ("increased",), {"after": "not_increased"}),
    Implied("studies_only", ("works_or_studies",), ("works",), {"after": "studies_only"}),
    Implied("works_only", ("works_or_studies",), ("studies",), {"after": "works_only"}),
    Implied("both", ("works", "studies"), ("works_or_studies",), {"after": "both"}),
]


def _months() -> MonthsBetween:
    return MonthsBetween("end_date", "start_date")


def works_or_studies_after(scope: ReportScope) -> Table:
    """#3: the ended who work and/or study after the insats, and those whose work or
    studies started or increased in extent (seed 003: 45 of 189 = 24 %)."""
    works, studies = Q(works_after=True), Q(studies_after=True)
    increased = Q(work_or_studies_increased=True)
    counts = by_gender(
        scope.enrolments().filter(ended_q(scope.date_from, scope.date_to)),
        {
            "ended": Count("pk"),
            "works": Count("pk", filter=works),
            "studies": Count("pk", filter=studies),
            "works_or_studies": Count("pk", filter=works | studies),
            "increased": Count("pk", filter=increased),
            "any": Count("pk", filter=works | studies | increased),
        },
    )
    columns = [
        Column("group", _("Group"), Kind.LABEL),
        Column("ended", _("Ended in the period")),
        Column("works", _("Works after"), dims={"after": "works"}),
        Column("studies", _("Studies after"), dims={"after": "studies"}),
        Column("works_or_studies", _("Works and/or studies after"), dims={"after": "either"}),
        Column(
            "increased",
            _("Work or studies started or increased in extent"),
            dims={"after": "increased"},
        ),
        Column("any", _("Works, studies or increased extent"), dims={"after": "any"}),
        Column(
            "any_percent", _("Share of the ended (%)"), Kind.PERCENT, depends_on=("any", "ended")
        ),
    ]
    rows: list[list[Value]] = []
    for code, label in [*GENDER_ROWS, ("total", TOTAL)]:
        c = {k: v or 0 for k, v in counts[code].items()}
        rows.append([label, *(c[col.key] for col in columns[1:7]), percent(c["any"], c["ended"])])
    return Table(
        key="after",
        title=_("Works and/or studies after the insats"),
        sheet=_("Works or studies after"),
        columns=columns,
        rows=rows,
        total_row=len(rows) - 1,
        chart=Chart("bar", ("works", "studies", "increased"), y_label=_("Ended (number)")),
        note=_(
            "All who ended in the period, early dropouts included. A participant who both "
            "works and studies counts once in 'Works and/or studies after'."
        ),
        dims=scope_dims(scope, population="ended"),
        row_dims=GENDER_ROW_DIMS,
        implied=AFTER_IMPLIED,
    )


def _throughput_aggregates() -> dict[str, Aggregate]:
    """Over the ended who were not early dropouts: how many and their mean months, in
    all and for those who ended towards the goal (seed 000: "18,8 månader i snitt per
    deltagare som avslutar mot mål")."""
    goal = Q(end_reason__result_group__in=GOAL_GROUPS)
    return {
        "ended_kept": Count("pk"),
        "months": Avg(_months()),
        "to_goal": Count("pk", filter=goal),
        "goal_months": Avg(_months(), filter=goal),
    }


MONTHS = Column("months", _("Mean months in the insats"), Kind.NUMBER, "ended_kept")
GOAL_MONTHS = Column(
    "goal_months", _("Mean months, ended towards the goal"), Kind.NUMBER, "to_goal"
)
THROUGHPUT_NOTE = _(
    "Months = days from start to end / (365.25 / 12). Early dropouts excluded. Towards "
    "the goal = to work, studies or other work-oriented rehabilitation."
)


def _throughput_values(c: dict[str, Any]) -> tuple[int, float | None, int, float | None]:
    """Ended (not early dropouts), their mean months, to goal, their mean months."""
    return (
        c["ended_kept"] or 0,
        as_float(c["months"]),
        c["to_goal"] or 0,
        as_float(c["goal_months"]),
    )


def throughput(scope: ReportScope) -> Table:
    """#4: mean months from start to end of the ended who were not early dropouts, and of
    those of them who ended towards the goal."""
    counts = by_gender(
        scope.enrolments().filter(Population.ENDED_KEPT.q(scope)), _throughput_aggregates()
    )
    rows: list[list[Value]] = [
        [label, *_throughput_values(counts[code])]
        for code, label in [*GENDER_ROWS, ("total", TOTAL)]
    ]
    return Table(
        key="throughput",
        title=_("Throughput time"),
        columns=[
            Column("group", _("Group"), Kind.LABEL),
            ENDED_KEPT,
            MONTHS,
            *goal_columns(),
            GOAL_MONTHS,
        ],
        rows=rows,
        total_row=len(rows) - 1,
        chart=Chart("bar", ("months", "goal_months"), y_label=_("Months")),
        note=THROUGHPUT_NOTE,
        dims=scope_dims(scope),
        row_dims=GENDER_ROW_DIMS,
        implied=[NOT_TO_GOAL],
    )


def _units(scope: ReportScope, *, all_of_them: bool = False) -> dict[tuple[str, int], Text]:
    """The teams of the individual insatser in scope that ran in the period (or of all
    of them), and those insatser that have no team: {("team", pk) or ("insats", pk):
    name}."""
    insatser = scope.individual_insatser()
    if not all_of_them:
        insatser = insatser.filter(worked_with_q(scope.date_from, scope.date_to))
    units: dict[tuple[str, int], Text] = {}
    for pk, name, team, team_name in insatser.values_list("pk", "name", "team", "team__name"):
        units[("insats", pk) if team is None else ("team", team)] = team_name or name
    return units


def throughput_by_team(scope: ReportScope) -> Table:
    """#2 and #4 per team: the ended who were not early dropouts, the result towards goal
    and the throughput time, in all and of those who ended towards the goal, for each
    team — or insats without a team — in scope (seed 000: "Kraften Hedemora har 73
    procent som når målet, Samverkansteam Avesta är det 50 procent … genomströmningstiden
    … i Avesta … 15,6 månader och … i Hedemora runt 20 månader")."""
    kept = scope.enrolments().filter(Population.ENDED_KEPT.q(scope))
    aggregates = _throughput_aggregates()
    # One group per team, and one per insats without a team.
    units_qs = kept.annotate(
        unit_team=F("insats__team"),
        unit_insats=Case(When(insats__team__isnull=True, then=F("insats"))),
    )
    grouped = by_group(units_qs, ("unit_team", "unit_insats"), aggregates)
    found = {
        ("insats", insats) if team is None else ("team", team): values
        for (team, insats), values in grouped.items()
    }
    units = _units(scope)
    if any(key not in units for key in found):  # ended in an insats that did not run
        units = _units(scope, all_of_them=True)
    shown = sorted(units, key=lambda key: str(units[key]))
    labelled = [(units[k], found.get(k, dict.fromkeys(aggregates))) for k in shown]
    rows: list[list[Value]] = []
    for label, c in [*labelled, (TOTAL, cellkey.aggregate(kept, aggregates))]:
        n, months, to_goal, goal_months = _throughput_values(c)
        rows.append([label, n, to_goal, percent(to_goal, n), months, goal_months])
    return Table(
        key="throughput_by_team",
        title=_("Result and throughput time per team"),
        sheet=_("Result and time per team"),
        columns=[
            Column("team", _("Team"), Kind.LABEL),
            ENDED_KEPT,
            *goal_columns(),
            Column(
                "goal_percent",
                _("Result towards goal (%)"),
                Kind.PERCENT,
                depends_on=("to_goal", "ended_kept"),
            ),
            MONTHS,
            GOAL_MONTHS,
        ],
        rows=rows,
        total_row=len(rows) - 1,
        chart=Chart("bar", ("months", "goal_months"), x_label=_("Team"), y_label=_("Months")),
        note=format_lazy(
            "{} {}",
            THROUGHPUT_NOTE,
            _("An insats that belongs to no team has a row of its own."),
        ),
        dims=scope_dims(scope),
        row_dims=[*({kind: pk} for kind, pk in shown), {}],
        implied=[NOT_TO_GOAL],
    )


def _month_end(year: int, month: int) -> dt.date:
    """The last day of a month; ``month`` may run outside 1–12."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def rolling_windows(date_from: dt.date, date_to: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Whole-month windows of WINDOW_MONTHS, stepped WINDOW_STEP_MONTHS back from the last
    whole month of the period, that end inside the period; oldest first."""
    year, month = date_to.year, date_to.month
    if _month_end(year, month) != date_to:
        month -= 1
    windows = []
    while (end := _month_end(year, month)) >= date_from:
        start = _month_end(year, month - WINDOW_MONTHS) + dt.timedelta(days=1)
        windows.append((start, end))
        month -= WINDOW_STEP_MONTHS
    return windows[::-1]


def throughput_rolling(scope: ReportScope) -> Table:
    """#4: throughput time over rolling 12-month windows, labelled YYMM-YYMM as in seed 002."""
    windows = rolling_windows(scope.date_from, scope.date_to)
    aggregates: dict[str, Aggregate] = {}
    for i, (start, end) in enumerate(windows):
        ended = ended_q(start, end)
        aggregates[f"n{i}"] = Count("pk", filter=ended)
        aggregates[f"m{i}"] = Avg(_months(), filter=ended)
    kept = scope.enrolments().filter(early_dropout=False)
    result = cellkey.aggregate(kept, aggregates)
    rows: list[list[Value]] = [
        [f"{start:%y%m}-{end:%y%m}", result[f"n{i}"], as_float(result[f"m{i}"])]
        for i, (start, end) in enumerate(windows)
    ]
    return Table(
        key="throughput_rolling",
        title=_("Throughput time, rolling 12-month periods"),
        sheet=_("Throughput, rolling 12 months"),
        columns=[
            Column("period", _("Period"), Kind.LABEL),
            ENDED_KEPT,
            Column("months", _("Mean months in the insats"), Kind.NUMBER, "ended_kept"),
        ],
        rows=rows,
        chart=Chart("line", ("months",), x_label=_("Period"), y_label=_("Months")),
        note=_(
            "12-month periods stepped by 6 months that end inside the report period; "
            "the periods overlap, so they have no total."
        ),
        # A window is a period of its own: the last one may be the report period.
        dims=scope_dims(scope),
        row_dims=[{"period": window} for window in windows],
    )


def time_in_insats(scope: ReportScope) -> Table:
    """#8: completed months from start to end of the ended, in intervals of
    ``scope.month_step`` months."""
    step = max(scope.month_step, 1)
    bounds = tuple(range(step, max(MONTHS_OPEN_FROM, step) + 1, step))
    qs = (
        scope.enrolments()
        .filter(ended_q(scope.date_from, scope.date_to))
        .annotate(months=_months())
        .annotate(interval=interval_index("months", bounds))
    )
    labels = interval_labels(bounds, lowest=0)
    return distribution_table(
        "time_in_insats",
        _("Time in the insats, ended participants"),
        _("Months in the insats"),
        list(enumerate(labels)),
        counts_by(qs, "interval"),
        note=_(
            "All who ended in the period, early dropouts included, by completed months "
            "from start to end."
        ),
        dims=scope_dims(scope, population="ended"),
        dimension="months",
    )


def end_reasons(scope: ReportScope) -> Table:
    """#9: the end reason of every enrolment ended in the period (one each)."""
    qs = scope.enrolments().filter(ended_q(scope.date_from, scope.date_to))
    counts = counts_by(qs, "end_reason")
    reasons = EndReason.objects.exclude(result_group=ResultGroup.CANCELLED)
    return distribution_table(
        "end_reasons",
        _("End reasons"),
        _("End reason"),
        [(r.pk, r.label) for r in reasons if r.active or r.pk in counts],
        counts,
        note=_("One end reason per ended enrolment; wrong registrations are not counted."),
        dims=scope_dims(scope, population="ended"),
        dimension="end_reason",
    )
