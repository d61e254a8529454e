"""Figures #1 (counts) and #2 (results for the ended) of DOMAIN.md §4."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from samspar.codelists.models import ResultGroup
from samspar.reports.aggregates import GENDER_ROWS, TOTAL, by_gender
from samspar.reports.scope import ReportScope, active_q, ended_q, new_q, worked_with_q
from samspar.reports.tables import Chart, Column, Kind, Table, Value, percent

GOAL_GROUPS = (ResultGroup.WORK, ResultGroup.STUDIES, ResultGroup.OTHER_REHAB)
# Where the ended who were not early dropouts went; felregistreringar never count.
RESULT_GROUPS = tuple(g for g in ResultGroup if g != ResultGroup.CANCELLED)


def result_group_columns() -> list[Column]:
    """The destination columns of the results (#2) and outflow (#13) tables."""
    return [
        Column(ResultGroup.WORK.value, _("To work")),
        Column(ResultGroup.STUDIES.value, _("To studies")),
        Column(ResultGroup.OTHER_REHAB.value, _("To other work-oriented rehabilitation")),
        Column(ResultGroup.COMPENSATION.value, _("To sickness or activity compensation")),
        Column(ResultGroup.OTHER.value, _("Other")),
    ]


def participant_counts(scope: ReportScope) -> Table:
    """#1: worked with, new, ended and active at the end of the period, by gender, with
    each gender's share of the persons worked with, new and active (seed 002: "40
    personer (53 %) kvinnor och 35 personer (47 %) män").

    Persons are counted once per column even if they have several enrolments; ended
    counts endings (one per ended enrolment), as the results table does.
    """
    f, t = scope.date_from, scope.date_to
    counts = by_gender(
        scope.enrolments(),
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
    columns = [Column("group", _("Group"), Kind.LABEL)]
    for key, label in labels.items():
        columns.append(Column(key, label))
        if key in shared:
            columns.append(Column(f"{key}_percent", _("Share (%)"), Kind.PERCENT, depends_on=key))
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
    )


def participants_by_method(scope: ReportScope) -> Table:
    """#1: participants with personal data, anonymous and volume-registered (seed 003)."""
    f, t = scope.date_from, scope.date_to
    personal = by_gender(
        scope.enrolments(), {"n": Count("person", distinct=True, filter=worked_with_q(f, t))}
    )
    anonymous = by_gender(scope.anonymous(), {"n": Count("pk")}, gender_field="gender")
    volume = by_gender(scope.volume(), {"n": Sum("count")}, gender_field="gender")
    columns = [
        Column("group", _("Group"), Kind.LABEL),
        Column("personal", _("With personal data")),
        Column("anonymous", _("Anonymous")),
        Column("volume", _("Volume-registered")),
        Column("total", _("Total")),
    ]
    rows = []
    for code, label in [*GENDER_ROWS, ("total", TOTAL)]:
        values = [personal[code]["n"] or 0, anonymous[code]["n"] or 0, volume[code]["n"] or 0]
        rows.append([label, *values, sum(values)])
    # Volume counts may have unknown gender; they appear only in the total.
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
    counts = by_gender(scope.enrolments(), aggregates)
    columns = [
        Column("group", _("Group"), Kind.LABEL),
        Column("active_start", _("Enrolled at the start")),
        Column("ended", _("Ended, total")),
        Column("dropouts", _("Of whom early dropouts")),
        *result_group_columns(),
        Column("active_end", _("Active at the end")),
        Column("to_goal", _("To work, studies or rehabilitation")),
        Column("ended_kept", _("Ended, not early dropouts")),
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
            y_label=_("Ended"),
        ),
        note=_(
            "Result towards goal = ended to work, studies or other work-oriented "
            "rehabilitation, divided by the ended who were not early dropouts."
        ),
    )
