"""Figures about insatser, förbund and their resources: #14 (budgeted vs actual
participants), #15 (comparison between förbund and between län), #16 (multi-year trend),
#17 (budget outcome) and #18 (staff and waiting list) of DOMAIN.md §4. Definitions:
docs/definitions.md.

Plans and budgets are kept per calendar year: a report sums the years its period touches.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Aggregate, Avg, Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from samspar.codelists.models import CostCategory
from samspar.organisation.models import (
    BudgetLine,
    County,
    FollowUpMethod,
    Insats,
    InsatsKind,
    InsatsYear,
    MemberParty,
    StaffMember,
)
from samspar.registry.models import WaitingListCount
from samspar.reports import cellkey
from samspar.reports.aggregates import TOTAL, as_float, scope_dims
from samspar.reports.cellkey import SumOfCounts
from samspar.reports.figures.outcomes import ENDED_KEPT
from samspar.reports.figures.outcomes import _months as months_in_insats
from samspar.reports.figures.participants import (
    ANONYMOUS_DIMS,
    GOAL_GROUPS,
    NOT_TO_GOAL,
    VOLUME_DIMS,
    goal_columns,
)
from samspar.reports.scope import ReportScope, active_q, ended_q, new_q, worked_with_q
from samspar.reports.tables import (
    Chart,
    Column,
    Dims,
    Implied,
    Kind,
    Line,
    Table,
    Text,
    Value,
    percent,
)

Grouped = dict[Any, dict[str, Any]]
WAITING_KIND = WaitingListCount._meta.label_lower  # a waiting list's counts' record key


def _years(scope: ReportScope) -> Q:
    """Yearly rows (plans, budgets) of the calendar years the period touches."""
    return Q(year__gte=scope.date_from.year, year__lte=scope.date_to.year)


def _running(scope: ReportScope, kind: str) -> QuerySet[Insats]:
    """Insatser of ``kind`` in scope that ran at least one day in the period (their own
    start and end dates are the fields ``worked_with_q`` reads)."""
    return scope.insatser().filter(worked_with_q(scope.date_from, scope.date_to), kind=kind)


def _grouped(qs: QuerySet[Any], group: str | None, aggregates: dict[str, Aggregate]) -> Grouped:
    """``aggregates`` per value of ``group``, or over everything under the key None."""
    if group is None:
        return {None: cellkey.aggregate(qs, aggregates)}
    return {row[group]: row for row in cellkey.annotate(qs.order_by().values(group), aggregates)}


def _n(grouped: Grouped, key: Any, field: str = "n") -> int:
    return grouped.get(key, {}).get(field) or 0


# --- #14 budgeted vs actual participants --------------------------------------------------


def _budgeted(scope: ReportScope) -> Grouped:
    plans = InsatsYear.objects.filter(_years(scope), insats__in=scope.insatser())
    return _grouped(plans, "insats", {"n": Sum("budgeted_participants")})


def _budget_table(
    scope: ReportScope,
    key: str,
    title: Text,
    insatser: list[Insats],
    budgeted: Grouped,
    actual: tuple[Dims, dict[int, int]],
) -> Table:
    actual_dims, counts = actual
    pairs: list[tuple[Text, Text, int, int]] = [
        (i.name, i.get_follow_up_method_display(), _n(budgeted, i.pk), counts.get(i.pk, 0))
        for i in insatser
    ]
    pairs.append((TOTAL, "", sum(p[2] for p in pairs), sum(p[3] for p in pairs)))
    rows: list[list[Value]] = [[*p, percent(p[3], p[2])] for p in pairs]
    return Table(
        key=key,
        title=title,
        columns=[
            Column("insats", _("Insats"), Kind.LABEL),
            Column("method", _("Follow-up method"), Kind.LABEL),
            Column("budgeted", _("Budgeted participants"), Kind.TALLY),
            Column("actual", _("Actual participants"), dims=actual_dims),
            Column(
                "actual_percent",
                _("Actual of budgeted (%)"),
                Kind.PERCENT,
                ("actual", "budgeted"),
            ),
        ],
        rows=rows,
        total_row=len(rows) - 1,
        chart=Chart("bar", ("budgeted", "actual"), x_label=_("Insats"), y_label=_("Participants")),
        dims=scope_dims(scope),
        row_dims=[*({"insats": i.pk} for i in insatser), {}],
    )


def budgeted_individual(scope: ReportScope) -> Table:
    """#14: budgeted and actual participants of the individual insatser; actual = persons
    worked with + anonymous + volume-registered (seed 003: 375 budgeted, 430 actual)."""
    f, t = scope.date_from, scope.date_to
    insatser = list(_running(scope, InsatsKind.INDIVIDUAL))
    persons = _grouped(
        scope.enrolments().filter(worked_with_q(f, t)),
        "insats",
        {"n": Count("person", distinct=True)},
    )
    anonymous = _grouped(scope.anonymous(), "insats", {"n": Count("pk")})
    volume = _grouped(scope.volume(), "insats", {"n": SumOfCounts("count")})
    actual = {i.pk: _n(persons, i.pk) + _n(anonymous, i.pk) + _n(volume, i.pk) for i in insatser}
    table = _budget_table(
        scope,
        "budgeted_individual",
        _("Budgeted and actual participants, individual-oriented insatser"),
        insatser,
        _budgeted(scope),
        ({"method": "all"}, actual),
    )
    table.sheet = _("Budgeted and actual, individual")
    return table


def budgeted_structural(scope: ReportScope) -> Table:
    """#14: budgeted and actual participants of the structural insatser (seed 003: 275
    budgeted, 342 actual)."""
    insatser = list(_running(scope, InsatsKind.STRUCTURAL))
    counts = _grouped(scope.structural(), "insats", {"n": SumOfCounts("count")})
    table = _budget_table(
        scope,
        "budgeted_structural",
        _("Budgeted and actual participants, structural insatser"),
        insatser,
        _budgeted(scope),
        ({"method": "structural"}, {i.pk: _n(counts, i.pk) for i in insatser}),
    )
    table.sheet = _("Budgeted and actual, structural")
    return table


# --- #15 comparison between förbund and between län ---------------------------------------

COMPARISON_COLUMNS = [
    Column("insatser", _("Individual-oriented insatser"), Kind.TALLY),
    Column("budgeted", _("Budgeted participants"), Kind.TALLY),
    Column(
        "participants", _("Participants with personal data"), dims={"population": "worked_with"}
    ),
    Column("new", _("New participants"), dims={"population": "new"}),
    Column("ended", _("Ended participants"), dims={"population": "ended"}),
    Column("anonymous", _("New anonymous participants"), dims=ANONYMOUS_DIMS),
    Column("budgeted_volume", _("Budgeted volume-registered"), Kind.TALLY),
    Column("volume", _("Volume-registered"), dims=VOLUME_DIMS),
]


def _comparison_counts(scope: ReportScope, path: str | None) -> dict[Any, dict[str, int]]:
    """The comparison columns per value of the insats field ``path`` (None: in total)."""
    f, t = scope.date_from, scope.date_to
    via_insats = None if path is None else f"insats__{path}"
    running = _running(scope, InsatsKind.INDIVIDUAL)
    parts = [
        _grouped(running, path, {"insatser": Count("pk")}),
        _grouped(
            InsatsYear.objects.filter(_years(scope), insats__in=running),
            via_insats,
            {
                "budgeted": Sum(
                    "budgeted_participants",
                    filter=~Q(insats__follow_up_method=FollowUpMethod.VOLUME),
                ),
                "budgeted_volume": Sum(
                    "budgeted_participants",
                    filter=Q(insats__follow_up_method=FollowUpMethod.VOLUME),
                ),
            },
        ),
        _grouped(
            scope.period_enrolments(),
            via_insats,
            {
                "participants": Count("person", distinct=True, filter=worked_with_q(f, t)),
                "new": Count("person", distinct=True, filter=new_q(f, t)),
                "ended": Count("pk", filter=ended_q(f, t)),
            },
        ),
        _grouped(scope.anonymous(), via_insats, {"anonymous": Count("pk")}),
        _grouped(scope.volume(), via_insats, {"volume": SumOfCounts("count")}),
    ]
    merged: dict[Any, dict[str, Any]] = {}
    for part in parts:
        for key, values in part.items():
            merged.setdefault(key, {}).update(values)
    return {
        key: {c.key: values.get(c.key) or 0 for c in COMPARISON_COLUMNS}
        for key, values in merged.items()
    }


def _comparison(
    scope: ReportScope, key: str, title: Text, path: str, labels: dict[Any, str]
) -> Table:
    counts = _comparison_counts(scope, path)
    keys = [c.key for c in COMPARISON_COLUMNS]
    ordered = sorted(counts, key=lambda k: labels.get(k, ""))
    rows: list[list[Value]] = [[labels.get(k, ""), *(counts[k][c] for c in keys)] for k in ordered]
    total = _comparison_counts(scope, None)[None]
    rows.append([TOTAL, *(total[c] for c in keys)])
    # Rows by förbund or county; the two tables' total rows are the same counts.
    dimension = path.rsplit("__", 1)[-1]
    return Table(
        key=key,
        title=title,
        columns=[Column("name", title, Kind.LABEL), *COMPARISON_COLUMNS],
        rows=rows,
        total_row=len(rows) - 1,
        chart=Chart("bar", ("participants", "new", "ended"), y_label=_("Participants")),
        note=_(
            "Individual-oriented insatser that ran in the period. Participants and new count "
            "persons, ended counts ended enrolments; a person in two förbund counts once in "
            "the total."
        ),
        dims=scope_dims(scope),
        row_dims=[*({dimension: k} for k in ordered), {}],
    )


def forbund_comparison(scope: ReportScope) -> Table:
    """#15: the förbund in scope side by side (seed 003's first table within Örebro län)."""
    labels = dict(scope.forbund().values_list("pk", "name"))
    return _comparison(scope, "forbund_comparison", _("Samordningsförbund"), "forbund", labels)


def county_comparison(scope: ReportScope) -> Table:
    """#15: the län in scope side by side (seed 003's comparison between five län)."""
    rows = County.objects.filter(forbund__in=scope.forbund()).values_list("pk", "name", "forbund")
    labels = {county: name for county, name, _forbund in rows}
    table = _comparison(scope, "county_comparison", _("County"), "forbund__county", labels)
    # A county's counts are those of its förbund in forbund_comparison, summed.
    forbund: dict[Any, list[Any]] = {}
    for county, _name, member in rows:
        forbund.setdefault(county, []).append(member)
    table.lines = [
        _members_line(table, column.dims, county, members)
        for county, members in forbund.items()
        for column in COMPARISON_COLUMNS
        if column.kind == Kind.COUNT
    ]
    return table


def _members_line(table: Table, dims: Dims, county: Any, members: list[Any]) -> Line:
    return (
        (table.key_of({**dims, "county": county}),),
        tuple(table.key_of({**dims, "forbund": f}) for f in members),
    )


# --- #16 multi-year trend -------------------------------------------------------------------


def year_periods(scope: ReportScope) -> tuple[list[int], list[tuple[dt.date, dt.date]]]:
    """The calendar years of the period, and the part of each inside it."""
    years = list(range(scope.date_from.year, scope.date_to.year + 1))
    periods = [
        (max(dt.date(y, 1, 1), scope.date_from), min(dt.date(y, 12, 31), scope.date_to))
        for y in years
    ]
    return years, periods


def trend(scope: ReportScope) -> Table:
    """#16: per calendar year of the period: persons worked with, ended, result towards
    goal and throughput time, with the change since ``scope.base_year`` (default: the first
    year; seed 000: "+50 % sedan 2015", ended doubled). One query, however many years."""
    years, periods = year_periods(scope)
    aggregates: dict[str, Aggregate] = {}
    for y, (start, end) in zip(years, periods, strict=True):
        kept = ended_q(start, end) & Q(early_dropout=False)
        towards_goal = kept & Q(end_reason__result_group__in=GOAL_GROUPS)
        aggregates[f"worked_with{y}"] = Count(
            "person", distinct=True, filter=worked_with_q(start, end)
        )
        aggregates[f"ended{y}"] = Count("pk", filter=ended_q(start, end))
        aggregates[f"ended_kept{y}"] = Count("pk", filter=kept)
        aggregates[f"to_goal{y}"] = Count("pk", filter=towards_goal)
        aggregates[f"months{y}"] = Avg(months_in_insats(), filter=kept)
        aggregates[f"goal_months{y}"] = Avg(months_in_insats(), filter=towards_goal)
    result = cellkey.aggregate(scope.period_enrolments(), aggregates)
    base = scope.base_year if scope.base_year in years else years[0]

    def goal(y: int) -> float | None:
        return percent(result[f"to_goal{y}"], result[f"ended_kept{y}"])

    def months(y: int) -> float | None:
        return as_float(result[f"months{y}"])

    def change(now: float | None, then: float | None) -> float | None:
        return None if now is None or then is None else now - then

    rows: list[list[Value]] = []
    for y in years:
        c = {k: result[f"{k}{y}"] for k in ("worked_with", "ended", "ended_kept", "to_goal")}
        rows.append(
            [
                str(y),
                *c.values(),
                goal(y),
                months(y),
                as_float(result[f"goal_months{y}"]),
                percent(
                    c["worked_with"] - result[f"worked_with{base}"], result[f"worked_with{base}"]
                ),
                percent(c["ended"] - result[f"ended{base}"], result[f"ended{base}"]),
                change(goal(y), goal(base)),
                change(months(y), months(base)),
            ]
        )
    return Table(
        key="trend",
        title=_("Trend per year"),
        columns=[
            Column("year", _("Year"), Kind.LABEL),
            Column(
                "worked_with", _("Participants worked with"), dims={"population": "worked_with"}
            ),
            Column("ended", _("Ended (number)"), dims={"population": "ended"}),
            ENDED_KEPT,
            *goal_columns(),
            Column(
                "goal_percent",
                _("Result towards goal (%)"),
                Kind.PERCENT,
                ("to_goal", "ended_kept"),
            ),
            Column("months", _("Throughput time (months)"), Kind.NUMBER, "ended_kept"),
            # seed 000: "18,8 månader i snitt per deltagare som avslutar mot mål"
            Column(
                "goal_months",
                _("Throughput time, ended towards the goal (months)"),
                Kind.NUMBER,
                "to_goal",
            ),
            # A change since the base year is hidden with the year's count or the base's.
            Column(
                "worked_with_change",
                format_lazy(_("Participants, change since {year} (%)"), year=base),
                Kind.PERCENT,
                "worked_with",
                base_row=years.index(base),
                change=True,
            ),
            Column(
                "ended_change",
                format_lazy(_("Ended, change since {year} (%)"), year=base),
                Kind.PERCENT,
                "ended",
                base_row=years.index(base),
                change=True,
            ),
            # seed 000: "Resultat mot mål … ökat från 52 till 65 procent"
            Column(
                "goal_change",
                format_lazy(
                    _("Result towards goal, change since {year} (percentage points)"), year=base
                ),
                Kind.NUMBER,
                ("to_goal", "ended_kept"),
                base_row=years.index(base),
                change=True,
            ),
            Column(
                "months_change",
                format_lazy(_("Throughput time, change since {year} (months)"), year=base),
                Kind.NUMBER,
                "ended_kept",
                base_row=years.index(base),
            ),
        ],
        rows=rows,
        chart=Chart("line", ("worked_with", "ended"), x_label=_("Year"), y_label=_("Participants")),
        note=_(
            "Each year is the part of the calendar year inside the report period. A person "
            "enrolled over several years counts in each of them, so the years have no total."
        ),
        dims=scope_dims(scope),
        row_dims=[{"period": period} for period in periods],
        # ended − ended_kept gives the early dropouts away, ended_kept − to_goal the rest.
        implied=[
            Implied("dropouts", ("ended",), ("ended_kept",), {"population": "dropouts"}),
            NOT_TO_GOAL,
        ],
    )


# --- #17 budget outcome ---------------------------------------------------------------------


def budget(scope: ReportScope) -> Table:
    """#17: budget (beslut), outcome (utfall) and remaining (återstår) per cost category
    (seed 002: 2 300 000 / 2 152 194 / 147 806)."""
    lines = BudgetLine.objects.filter(_years(scope), insats__in=scope.insatser())
    aggregates: dict[str, Aggregate] = {"budget": Sum("budget"), "outcome": Sum("outcome")}
    by_category = _grouped(lines, "category", aggregates)
    categories = CostCategory.objects.filter(pk__in=by_category)
    rows: list[list[Value]] = []
    named: list[tuple[Text, dict[str, Any]]] = [(c.label, by_category[c.pk]) for c in categories]
    for label, c in [*named, (TOTAL, lines.aggregate(**aggregates))]:
        remaining = None if c["outcome"] is None else (c["budget"] or 0) - c["outcome"]
        rows.append([label, c["budget"] or 0, c["outcome"], remaining])
    return Table(
        key="budget",
        title=_("Budget outcome"),
        columns=[
            Column("category", _("Cost category"), Kind.LABEL),
            Column("budget", _("Budget"), Kind.AMOUNT),
            Column("outcome", _("Outcome"), Kind.AMOUNT),
            Column("remaining", _("Remaining"), Kind.AMOUNT),
        ],
        rows=rows,
        total_row=len(rows) - 1,
        chart=Chart("bar", ("budget", "outcome"), x_label=_("Cost category"), y_label=_("SEK")),
        note=_("Kronor, for the calendar years the period touches. Remaining = budget − outcome."),
    )


# --- #18 staff and waiting list ------------------------------------------------------------


def staff(scope: ReportScope) -> Table:
    """#18: staff working on the period's last day and their full-time equivalents, per
    employing party (seed 002: three coaches, 2,8 FTE, employed by Avesta kommun)."""
    members = StaffMember.objects.filter(active_q(scope.date_to), insats__in=scope.insatser())
    aggregates: dict[str, Aggregate] = {"staff": Count("pk"), "fte": Sum("fte_percent")}
    by_employer = _grouped(members, "employer", aggregates)
    parties = MemberParty.objects.filter(pk__in=[k for k in by_employer if k is not None])
    named: list[tuple[Text, dict[str, Any]]] = [(p.name, by_employer[p.pk]) for p in parties]
    if None in by_employer:
        named.append((_("Employer not given"), by_employer[None]))
    rows: list[list[Value]] = []
    for label, c in [*named, (TOTAL, members.aggregate(**aggregates))]:
        fte = None if c["fte"] is None else float(c["fte"]) / 100
        rows.append([label, c["staff"] or 0, fte])
    return Table(
        key="staff",
        title=_("Staff and full-time equivalents"),
        columns=[
            Column("employer", _("Employing party"), Kind.LABEL),
            Column("staff", _("Staff"), Kind.TALLY),
            Column("fte", _("Full-time equivalents"), Kind.NUMBER),
        ],
        rows=rows,
        total_row=len(rows) - 1,
        chart=Chart(
            "bar", ("fte",), x_label=_("Employing party"), y_label=_("Full-time equivalents")
        ),
        note=_(
            "Staff working on the last day of the period; 1 full-time equivalent = 100 % "
            "(40 hours a week)."
        ),
    )


def staff_list(scope: ReportScope) -> Table:
    """#18: each staff member working on the period's last day, with role, employing
    party and FTE (seed 002: "Sonja Tiger, verksamhetssamordnare/coach 100%" …)."""
    members = list(
        StaffMember.objects.filter(active_q(scope.date_to), insats__in=scope.insatser())
        .order_by("insats__name", "-fte_percent", "name")
        .values_list("name", "role", "employer__name", "fte_percent", "insats__name")
    )
    several = len({m[-1] for m in members}) > 1  # then a column says which insats
    rows: list[list[Value]] = [
        [name, role, employer or "", float(fte), *([insats] if several else [])]
        for name, role, employer, fte, insats in members
    ]
    columns = [
        Column("name", _("Name"), Kind.LABEL),
        Column("role", _("Role"), Kind.LABEL),
        Column("employer", _("Employing party"), Kind.LABEL),
        # As registered (1,2 % for two hours a month), shown in whole per cent as the
        # seed does.
        Column("fte_percent", _("FTE (%)"), Kind.NUMBER, decimals=0),
    ]
    if several:
        columns.append(Column("insats", _("Insats"), Kind.LABEL))
    return Table(
        key="staff_list",
        title=_("Staff at the end of the period"),
        columns=columns,
        rows=rows,
        note=_("Everyone working in the insats on the last day of the period."),
    )


def waiting_list(scope: ReportScope) -> Table:
    """#18: the waiting list of each insats at the end of the period: its latest count
    dated inside the period (seed 002: 6 waiting on 31 December 2022)."""
    latest = WaitingListCount.objects.filter(
        insats=OuterRef("pk"), date__gte=scope.date_from, date__lte=scope.date_to
    ).order_by("-date")
    insatser = list(
        scope.insatser()
        .annotate(
            counted_on=Subquery(latest.values("date")[:1]),
            waiting=Subquery(latest.values("count")[:1]),
            waiting_id=Subquery(latest.values("pk")[:1]),
        )
        .filter(waiting__isnull=False)
    )
    counts = [cellkey.Counted(i.waiting, {WAITING_KIND: i.waiting_id}) for i in insatser]
    rows: list[list[Value]] = [
        [i.name, i.counted_on.isoformat(), n] for i, n in zip(insatser, counts, strict=True)
    ]
    rows.append([TOTAL, "", sum(counts)])
    return Table(
        key="waiting",
        title=_("Waiting list at the end of the period"),
        columns=[
            Column("insats", _("Insats"), Kind.LABEL),
            Column("date", _("Counted on"), Kind.LABEL),
            Column("waiting", _("Waiting"), dims={"population": "waiting"}),
        ],
        rows=rows,
        total_row=len(rows) - 1,
        chart=Chart("bar", ("waiting",), x_label=_("Insats"), y_label=_("Waiting")),
        note=_("The latest waiting-list count of each insats dated inside the period."),
        dims=scope_dims(scope),
        row_dims=[*({"insats": i.pk} for i in insatser), {}],
    )
