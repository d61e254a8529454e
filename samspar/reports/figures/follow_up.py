"""Follow-up after exit (issue 12): the situation of the ended at each follow-up point
after the end, by gender and by where they went at the end, with the share reached.
Definitions: docs/definitions.md, "Follow-up after exit"."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samspar.organisation.models import FollowUpMethod, default_follow_up_months
from samspar.registry.follow_ups import due_q
from samspar.registry.models import Enrolment
from samspar.reports.aggregates import (
    GENDER_ROW_DIMS,
    GENDER_ROWS,
    TOTAL,
    by_gender,
    by_group,
    scope_dims,
)
from samspar.reports.figures.participants import RESULT_GROUPS
from samspar.reports.scope import ReportScope
from samspar.reports.tables import Chart, Column, Dims, Implied, Kind, Table, Text, Value, percent

# What a reader works out from the nested columns: those reached who neither work nor
# study, and those who both work and study.
IMPLIED = [
    Implied("neither", ("reached",), ("works_or_studies",), {"follow_up": "neither"}),
    Implied("studies_only", ("works_or_studies",), ("works",), {"follow_up": "studies_only"}),
    Implied("works_only", ("works_or_studies",), ("studies",), {"follow_up": "works_only"}),
    Implied("both", ("works", "studies"), ("works_or_studies",), {"follow_up": "both"}),
]


def points(scope: ReportScope) -> dict[int, list[int]]:
    """The follow-up points of the insatser in scope followed up with personal data,
    each with the insatser that follow up at it; the default points (6 and 12 months)
    where none has any. One query."""
    insatser = scope.insatser().filter(follow_up_method=FollowUpMethod.PERSONAL)
    found: dict[int, list[int]] = {}
    for pk, months_list in insatser.values_list("pk", "follow_up_months"):
        for months in months_list:
            found.setdefault(months, []).append(pk)
    if not found:
        return {months: [] for months in default_follow_up_months()}
    return dict(sorted(found.items()))


def due(scope: ReportScope, months: int, insatser: list[int]) -> QuerySet[Enrolment]:
    """The enrolments of ``insatser`` (those that follow up at the point) whose
    follow-up ``months`` after the end fell due in the period: ended, not early
    dropouts (nor wrong registrations: ``scope.enrolments``); with their follow-up at
    that point as ``point``."""
    return (
        scope.enrolments()
        .filter(due_q(months, scope.date_from, scope.date_to), insats__in=insatser)
        .filter(end_date__isnull=False, early_dropout=False)
        .annotate(
            point=FilteredRelation("follow_ups", condition=Q(follow_ups__months_after=months))
        )
    )


def _aggregates() -> dict[str, Count]:
    reached = Q(point__reached=True)
    return {
        "due": Count("pk"),
        "reached": Count("pk", filter=reached),
        "not_reached": Count("pk", filter=Q(point__reached=False)),
        "missing": Count("pk", filter=Q(point__months_after__isnull=True)),
        "works": Count("pk", filter=reached & Q(point__works=True)),
        "studies": Count("pk", filter=reached & Q(point__studies=True)),
        "works_or_studies": Count(
            "pk", filter=reached & (Q(point__works=True) | Q(point__studies=True))
        ),
    }


def _columns(first: Column) -> list[Column]:
    return [
        first,
        Column("due", _("Due in the period")),
        Column("reached", _("Reached"), dims={"follow_up": "reached"}),
        Column("not_reached", _("Not reached"), dims={"follow_up": "not_reached"}),
        Column("missing", _("Not registered"), dims={"follow_up": "missing"}),
        Column(
            "reached_percent", _("Share reached (%)"), Kind.PERCENT, depends_on=("reached", "due")
        ),
        Column("works", _("Works"), dims={"follow_up": "works"}),
        Column("studies", _("Studies"), dims={"follow_up": "studies"}),
        Column("works_or_studies", _("Works and/or studies"), dims={"follow_up": "either"}),
        Column(
            "either_percent",
            _("Share of the reached who work and/or study (%)"),
            Kind.PERCENT,
            depends_on=("works_or_studies", "reached"),
        ),
    ]


def _row(label: Text, c: dict[str, int | None]) -> list[Value]:
    n = {k: v or 0 for k, v in c.items()}
    counts = [n[k] for k in ("due", "reached", "not_reached", "missing")]
    after = [n[k] for k in ("works", "studies", "works_or_studies")]
    return [
        label,
        *counts,
        percent(n["reached"], n["due"]),
        *after,
        percent(n["works_or_studies"], n["reached"]),
    ]


def _table(
    scope: ReportScope,
    months: int,
    by: tuple[str, Text, Text, Text],
    rows: list[list[Value]],
    row_dims: Sequence[Dims],
) -> Table:
    """One point's table: ``rows`` (the last the total) of the due and their situation,
    ``by`` (key, what the title says it is by, the label of its rows' column, what its
    Excel sheet's name says it is by)."""
    key, what, group, short = by
    title = ngettext(
        "%(months)s month after the end, by %(by)s",
        "%(months)s months after the end, by %(by)s",
        months,
    ) % {"months": months, "by": what}
    by_gender = key == "follow_up_gender"
    return Table(
        key=f"{key}_{months}",
        title=title,
        sheet=ngettext("%(months)s month, by %(by)s", "%(months)s months, by %(by)s", months)
        % {"months": months, "by": short},
        columns=_columns(Column("group", group, Kind.LABEL)),
        rows=rows,
        total_row=len(rows) - 1,
        column_sums={"due": ("reached", "not_reached", "missing")},
        chart=Chart(
            "bar",
            ("works", "studies"),
            x_label="" if by_gender else group,
            y_label=_("Reached (number)"),
        ),
        note=_(
            "Due in the period: the ended (early dropouts excluded) whose follow-up this "
            "many months after the end fell due in the period. Works and studies: of the "
            "reached."
        ),
        dims=scope_dims(scope, population="follow_up", months=months),
        row_dims=row_dims,
        implied=IMPLIED,
    )


def tables(scope: ReportScope) -> list[Table]:
    """Per follow-up point: the due, the reached and their situation, for women, men and
    in total; and the same by where they went at the end (the result groups of the
    results table, #2). 1 + 3 queries a point."""
    result = []
    for months, insatser in points(scope).items():
        qs = due(scope, months, insatser)
        counts = by_gender(qs, _aggregates())
        rows = [_row(label, counts[code]) for code, label in [*GENDER_ROWS, ("total", TOTAL)]]
        by = ("follow_up_gender", _("gender"), _("Group"), _("gender"))
        result.append(_table(scope, months, by, rows, GENDER_ROW_DIMS))
        grouped = by_group(qs, ["end_reason__result_group"], _aggregates())
        empty = dict.fromkeys(_aggregates(), 0)
        rows = [_row(g.label, grouped.get((g.value,), empty)) for g in RESULT_GROUPS]
        rows.append(_row(TOTAL, counts["total"]))
        by = ("follow_up_end", _("result at the end"), _("At the end"), _("result"))
        result.append(
            _table(
                scope, months, by, rows, [*({"result_group": g.value} for g in RESULT_GROUPS), {}]
            )
        )
    return result
