"""Figures #1 (counts) and #2 (results for the ended) of DOMAIN.md §4."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from samspar.codelists.models import ResultGroup
from samspar.registry.models import CountGender
from samspar.reports.aggregates import GENDER_ROW_DIMS, GENDER_ROWS, TOTAL, by_gender, scope_dims
from samspar.reports.cellkey import SumOfCounts
from samspar.reports.scope import ReportScope, active_q, ended_q, new_q, worked_with_q
from samspar.reports.tables import Chart, Column, Implied, Kind, Table, Value, percent

# Anonymous participants count as new in their start year; volume counts are their own.
ANONYMOUS_DIMS = {"population": "new", "method": "anonymous"}
VOLUME_DIMS = {"method": "volume"}
UNKNOWN_GENDER = CountGender.UNKNOWN.value
GOAL_GROUPS = (ResultGroup.WORK, ResultGroup.STUDIES, ResultGroup.OTHER_REHAB)
# Where the ended who were not early dropouts went; felregistreringar never count.
RESULT_GROUPS = tuple(g for g in ResultGroup if g != ResultGroup.CANCELLED)


def _kept(result_group: str) -> dict[str, str]:
    return {"population": "ended_kept", "result_group": result_group}


def result_group_columns() -> list[Column]:
    """The destination columns of the results (#2) and outflow (#13) tables."""
    labels = {
        ResultGroup.WORK: _("To work"),
        ResultGroup.STUDIES: _("To studies"),
        ResultGroup.OTHER_REHAB: _("To other work-oriented rehabilitation"),
        ResultGroup.COMPENSATION: _("To sickness or activity compensation"),
        ResultGroup.OTHER: _("Other"),
    }
    return [Column(group.value, label, dims=_kept(group.value)) for group, label in labels.items()]


def goal_columns() -> list[Column]:
    """The ended to work, studies or rehabilitation, as the results, outflow and trend
    tables count them."""
    return [Column("to_goal", _("To work, studies or rehabilitation"), dims=_kept("goal"))]


# The ended who were not early dropouts and went elsewhere: ended_kept − to_goal.
NOT_TO_GOAL = Implied("not_to_goal", ("ended_kept",), ("to_goal",), _kept("not_goal"))


def participant_counts(scope: ReportScope) -> Table:
    """#1: worked with, new, ended and active at the end of the period, by gender, with
    each gender's share of the persons worked with, new and active (seed 002: "40
    personer (53 %) kvinnor och 35 personer (47 %) män").

    Persons are counted once per column even if they have several enrolments; ended
    counts endings (one per ended enrolment), as the results table does.
    """
    f, t = scope.date_from, scope.date_to
    counts = by_gender(
        scope.period_enrolments(),
        {
            "worked_with": Count("person", distinct=True, filter=worked_with_q(f, t)),
            "new": Count("person", distinct=True, filter=new_q(f, t)),
            "ended": Count("pk", filter=ended_q(f, t)),
            "active_end": Count("person", distinct=True, filter=active_q(t)),
        },
    )
    shared = ("worked_with", "new", "active_end")  # persons: a share of the gender
    labels = {
        "worked_with": _("Worked with in the period"),
        "new": _("New in the period"),
        "ended": _("Ended in the period"),
        "active_end": _("Active at the end of the period"),
    }
    total_row = len(GENDER_ROWS)
    columns = [Column("group", _("Group"), Kind.LABEL)]
    for key, label in labels.items():
        columns.append(Column(key, label, dims={"population": key}))
        if key in shared:
            columns.append(
                Column(
                    f"{key}_percent",
                    _("Share (%)"),
                    Kind.PERCENT,
                    depends_on=key,
                    base_row=total_row,
                )
            )
    total = {k: counts["total"][k] or 0 for k in labels}
    rows: list[list[Value]] = []
    for code, group in [*GENDER_ROWS, ("total", TOTAL)]:
        row: list[Value] = [group]
        for key in labels:
            n = counts[code][key] or 0
            row.append(n)
            if key in shared:
                row.append(percent(n, total[key]))
        rows.append(row)
    return Table(
        key="counts",
        title=_("Participants with personal data"),
        columns=columns,
        rows=rows,
        total_row=len(rows) - 1,
        chart=Chart("bar", tuple(labels), y_label=_("Participants")),
        note=_(
            "A participant can appear in several columns. Share = the gender's part of "
            "the persons in the column."
        ),
        # Nearly: someone worked with has ended or is still active (or both, and ended
        # counts endings), so a reader would take one for the other two's difference.
        column_sums={"worked_with": ("ended", "active_end")},
        dims=scope_dims(scope),
        row_dims=GENDER_ROW_DIMS,
        # Worked with but not new, or not active at the end: a reader can subtract.
        implied=[
            Implied("not_new", ("worked_with",), ("new",), {"population": "worked_with_not_new"}),
            Implied(
                "not_active_end",
                ("worked_with",),
                ("active_end",),
                {"population": "worked_with_not_active_end"},
            ),
        ],
    )


def participants_by_method(scope: ReportScope) -> Table:
    """#1: participants with personal data, anonymous and volume-registered (seed 003)."""
    f, t = scope.date_from, scope.date_to
    personal = by_gender(
        scope.period_enrolments(),
        {"n": Count("person", distinct=True, filter=worked_with_q(f, t))},
    )
    anonymous = by_gender(scope.anonymous(), {"n": Count("pk")}, gender_field="gender")
    volume = by_gender(scope.volume(), {"n": SumOfCounts("count")}, gender_field="gender")
    columns = [
        Column("group", _("Group"), Kind.LABEL),
        Column("personal", _("With personal data"), dims={"population": "worked_with"}),
        Column("anonymous", _("Anonymous"), dims=ANONYMOUS_DIMS),
        Column("volume", _("Volume-registered"), dims=VOLUME_DIMS),
        Column("total", _("Total"), dims={"method": "all"}),
    ]
    # Anonymous and volume counts may have unknown gender: a row of their own, so that
    # the rows add up to the total (and the unknown are protected like the rest).
    groups = list(GENDER_ROWS)
    if UNKNOWN_GENDER in anonymous or UNKNOWN_GENDER in volume:
        groups.append((UNKNOWN_GENDER, _("Gender unknown")))
    rows = []
    for code, label in [*groups, ("total", TOTAL)]:
        values = [
            (counts.get(code) or {}).get("n") or 0 for counts in (personal, anonymous, volume)
        ]
        rows.append([label, *values, sum(values)])
    return Table(
        key="by_method",
        title=_("Participants by follow-up method"),
        columns=columns,
        rows=rows,
        total_row=len(rows) - 1,
        column_sums={"total": ("personal", "anonymous", "volume")},
        note=_(
            "Anonymous participants count in the years they started; volume counts whose "
            "period lies inside the report period."
        ),
        dims=scope_dims(scope),
        row_dims=[*({"gender": code} for code, _label in groups), {}],
    )


def results(scope: ReportScope) -> Table:
    """#2: the results table for the ended (seed 002 'Deltagarresultat'), by gender."""
    f, t = scope.date_from, scope.date_to
    ended = ended_q(f, t)
    kept = ended & Q(early_dropout=False)
    aggregates = {
        "active_start": Count("person", distinct=True, filter=active_q(f)),
        "ended": Count("pk", filter=ended),
        "dropouts": Count("pk", filter=ended & Q(early_dropout=True)),
        **{
            group.value: Count("pk", filter=kept & Q(end_reason__result_group=group))
            for group in ResultGroup
            if group != ResultGroup.CANCELLED
        },
        "to_goal": Count("pk", filter=kept & Q(end_reason__result_group__in=GOAL_GROUPS)),
        "active_end": Count("person", distinct=True, filter=active_q(t)),
    }
    counts = by_gender(scope.period_enrolments(), aggregates)
    columns = [
        Column("group", _("Group"), Kind.LABEL),
        Column("active_start", _("Enrolled at the start"), dims={"population": "active_start"}),
        Column("ended", _("Ended, total"), dims={"population": "ended"}),
        Column("dropouts", _("Of whom early dropouts"), dims={"population": "dropouts"}),
        *result_group_columns(),
        Column("active_end", _("Active at the end"), dims={"population": "active_end"}),
        *goal_columns(),
        Column("ended_kept", _("Ended, not early dropouts"), dims={"population": "ended_kept"}),
        Column(
            "goal_percent",
            _("Result towards goal (%)"),
            Kind.PERCENT,
            depends_on=("to_goal", "ended_kept"),
        ),
    ]
    rows = []
    for code, label in [*GENDER_ROWS, ("total", TOTAL)]:
        c = {k: v or 0 for k, v in counts[code].items()}
        kept_n = c["ended"] - c["dropouts"]
        rows.append(
            [label, *(c[col.key] for col in columns[1:11]), kept_n, percent(c["to_goal"], kept_n)]
        )
    return Table(
        key="results",
        title=_("Results for the ended"),
        columns=columns,
        rows=rows,
        total_row=len(rows) - 1,
        # Every sum a reader could subtract from, so suppression hides a partner cell.
        column_sums={
            "ended": ("dropouts", "ended_kept"),
            "ended_kept": tuple(g.value for g in RESULT_GROUPS),
            "to_goal": tuple(g.value for g in GOAL_GROUPS),
        },
        chart=Chart(
            "stacked",
            tuple(g.value for g in ResultGroup if g != ResultGroup.CANCELLED),
            y_label=_("Ended (number)"),
        ),
        note=_(
            "Result towards goal = ended to work, studies or other work-oriented "
            "rehabilitation, divided by the ended who were not early dropouts."
        ),
        dims=scope_dims(scope),
        row_dims=GENDER_ROW_DIMS,
        implied=[NOT_TO_GOAL],
    )
