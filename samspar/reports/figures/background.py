"""Figures about the participants' background: #5 (time in public support before),
#6 (age), #7 (education level) and #12 (referring actor, and referring actor × support
before) of DOMAIN.md §4. Definitions: docs/definitions.md.

#5, #6, #7 and #12 cover the population a page asked for in ``scope.population``
(``Population``), else those who started in the period. #6 also takes the day the age is
on (``AgeOn``): the start, or the end of the period.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from django.db.models import Avg, Count, Expression, Max, Min, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Least
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from samspar.codelists.models import EducationLevel, Payer, ReferringActor
from samspar.registry.models import UNKNOWN_LABEL, Enrolment
from samspar.reports import cellkey
from samspar.reports.aggregates import (
    GENDER_ROW_DIMS,
    GENDER_ROWS,
    TOTAL,
    as_float,
    by_gender,
    scope_dims,
)
from samspar.reports.dbfunctions import AgeAt
from samspar.reports.distribution import (
    GENDER_DIMS,
    GENDER_TOTAL_KEYS,
    Counts,
    counts_by,
    distribution_table,
    interval_index,
    interval_labels,
)
from samspar.reports.populations import AgeOn, Population
from samspar.reports.scope import ReportScope
from samspar.reports.tables import (
    Chart,
    Column,
    Dims,
    Implied,
    Kind,
    Line,
    Table,
    Text,
    percent,
)
from samspar.reports.tables import Value as Cell

# Time in public support, completed years: "0", "1", "2", "3–4", "5–9", "10–".
YEAR_BOUNDS = (1, 2, 3, 5, 10)
YOUNG_AGE = 30  # seed 002: "12 personer under 30 år"
# The column of #12's cross table for those with no support before registered.
SUPPLY_UNKNOWN = "unknown"
KNOWN_YEARS = {"years": "known"}
# The under 30 and the rest, as the value of an age dim (_age_dimension).
YOUNG = "young"
NOT_YOUNG = "not_young"


def _population(scope: ReportScope) -> Population:
    return Population.chosen(scope, Population.NEW)


def _enrolments(scope: ReportScope, population: Population) -> QuerySet[Enrolment]:
    return scope.enrolments().filter(population.q(scope))


def _title(title: Text, population: Population) -> Text:
    return format_lazy("{} – {}", title, population.label)


def _dims(scope: ReportScope, population: Population) -> dict[str, Hashable]:
    return scope_dims(scope, population=population.value)


def _sum_lines(table: Table, whole: Dims, parts: Sequence[Dims]) -> list[Line]:
    """whole = Σ parts for women, men and the total: a count of another table that this
    distribution splits (the known of #5, the under 30 of #6)."""
    return [
        (
            (table.key_of({**whole, **gender}),),
            tuple(table.key_of({**part, **gender}) for part in parts),
        )
        for gender in GENDER_DIMS.values()
    ]


def _gender_rows(counts: dict[str, dict[str, Any]], keys: list[str]) -> list[list[Cell]]:
    return [
        [label, *(counts[code][k] for k in keys)]
        for code, label in [*GENDER_ROWS, ("total", TOTAL)]
    ]


# --- #5 time in public support before ---------------------------------------------------


def public_support_years(scope: ReportScope) -> Table:
    """#5: mean years in public support before the insats, by gender; unknown values
    are left out of the mean and counted."""
    population = _population(scope)
    years = "years_in_public_support"
    counts = by_gender(
        _enrolments(scope, population),
        {"participants": Count("pk"), "known": Count(years), "mean_years": Avg(years)},
    )
    for c in counts.values():
        c["participants"] = c["participants"] or 0
        c["known"] = c["known"] or 0
        c["unknown"] = c["participants"] - c["known"]
        c["mean_years"] = as_float(c["mean_years"])
    rows = _gender_rows(counts, ["participants", "known", "unknown", "mean_years"])
    return Table(
        key="public_support",
        title=_title(_("Time in public support before the insats"), population),
        columns=[
            Column("group", _("Group"), Kind.LABEL),
            Column("participants", _("Participants")),
            Column("known", _("Time known"), dims=KNOWN_YEARS),
            Column("unknown", _("Time unknown"), dims={"years": None}),
            Column("mean_years", _("Mean years"), Kind.NUMBER, depends_on="known"),
        ],
        rows=rows,
        total_row=len(rows) - 1,
        column_sums={"participants": ("known", "unknown")},
        chart=Chart("bar", ("mean_years",), y_label=_("Years")),
        note=_("The mean is over those whose time in public support is known."),
        dims=_dims(scope, population),
        row_dims=GENDER_ROW_DIMS,
    )


def public_support_distribution(scope: ReportScope) -> Table:
    """#5: participants by completed years in public support before the insats."""
    population = _population(scope)
    qs = _enrolments(scope, population).annotate(
        interval=interval_index("years_in_public_support", YEAR_BOUNDS)
    )
    intervals = list(enumerate(interval_labels(YEAR_BOUNDS, lowest=0)))
    groups: list[tuple[Hashable, Text]] = [*intervals, (None, UNKNOWN_LABEL)]
    table = distribution_table(
        "public_support_distribution",
        _title(_("Years in public support before the insats"), population),
        _("Completed years"),
        groups,
        counts_by(qs, "interval"),
        dims=_dims(scope, population),
        dimension="years",
    )
    table.lines = _sum_lines(table, KNOWN_YEARS, [{"years": i} for i, _label in intervals])
    return table


# --- #6 age -------------------------------------------------------------------------------


def _age_on(scope: ReportScope, age_on: AgeOn | None) -> AgeOn:
    return age_on or AgeOn.chosen(scope)


def _with_age(qs: QuerySet[Enrolment], scope: ReportScope, age_on: AgeOn) -> QuerySet[Enrolment]:
    """``qs`` with ``age`` in whole years on the start date, or on the enrolment's last
    day in the period (the period's last day, or its end date if that is earlier)."""
    day: Expression | str = "start_date"
    if age_on == AgeOn.END:
        last = Value(scope.date_to)
        day = Least(Coalesce("end_date", last), last)
    return qs.annotate(age=AgeAt(day, "person_birth_date"))


def _age_dimension(age_on: AgeOn) -> str:
    """The dim of an age group: ages on different days are different counts."""
    return "age" if age_on == AgeOn.START else f"age_{age_on.value}"


_AGE_TITLES: dict[AgeOn, Text] = {
    AgeOn.START: _("Age at start"),
    AgeOn.END: _("Age at the end of the period"),
}
_AGE_NOTES: dict[AgeOn, Text] = {
    AgeOn.START: _("Age in whole years on the start date of the enrolment."),
    AgeOn.END: _(
        "Age in whole years on the last day of the period, or on the end date for those "
        "who ended before it."
    ),
}


def age_summary(scope: ReportScope, age_on: AgeOn | None = None) -> Table:
    """#6: mean, youngest and oldest age, and how many were under 30 — at start, or at
    the end of the period (seed 002's 52 active on 31 December: 33, 20–59, 12 under 30)."""
    population = _population(scope)
    age_on = _age_on(scope, age_on)
    counts = by_gender(
        _with_age(_enrolments(scope, population), scope, age_on),
        {
            "participants": Count("pk"),
            "mean_age": Avg("age"),
            "youngest": Min("age"),
            "oldest": Max("age"),
            "young": Count("pk", filter=Q(age__lt=YOUNG_AGE)),
        },
    )
    for c in counts.values():
        c["participants"] = c["participants"] or 0
        c["young"] = c["young"] or 0
        c["young_percent"] = percent(c["young"], c["participants"])
    keys = ["participants", "mean_age", "youngest", "oldest", "young", "young_percent"]
    rows = _gender_rows(counts, keys)
    dimension = _age_dimension(age_on)
    return Table(
        key="age",
        title=_title(_AGE_TITLES[age_on], population),
        columns=[
            Column("group", _("Group"), Kind.LABEL),
            Column("participants", _("Participants")),
            Column("mean_age", _("Mean age"), Kind.NUMBER, depends_on="participants"),
            # Whole years: shown without decimals.
            Column("youngest", _("Youngest"), Kind.NUMBER, "participants", decimals=0),
            Column("oldest", _("Oldest"), Kind.NUMBER, "participants", decimals=0),
            Column("young", _("Under 30"), dims={dimension: YOUNG}),
            Column(
                "young_percent",
                _("Under 30 (%)"),
                Kind.PERCENT,
                depends_on=("young", "participants"),
            ),
        ],
        rows=rows,
        total_row=len(rows) - 1,
        note=_AGE_NOTES[age_on],
        dims=_dims(scope, population),
        row_dims=GENDER_ROW_DIMS,
        implied=[Implied("not_young", ("participants",), ("young",), {dimension: NOT_YOUNG})],
    )


def age_distribution(scope: ReportScope, age_on: AgeOn | None = None) -> Table:
    """#6: participants by age at start or at the end of the period, in the intervals of
    ``scope.age_bounds``."""
    population = _population(scope)
    age_on = _age_on(scope, age_on)
    bounds = scope.age_bounds
    qs = _with_age(_enrolments(scope, population), scope, age_on)
    qs = qs.annotate(interval=interval_index("age", bounds))
    dimension = _age_dimension(age_on)
    table = distribution_table(
        "age_distribution",
        _title(_AGE_TITLES[age_on], population),
        _("Age"),
        list(enumerate(interval_labels(bounds))),
        counts_by(qs, "interval"),
        dims=_dims(scope, population),
        dimension=dimension,
        note=_AGE_NOTES[age_on],
    )
    table.sheet = _("Age groups")
    if YOUNG_AGE in bounds:  # the groups below it add up to the under 30 of age_summary
        cut = bounds.index(YOUNG_AGE) + 1
        groups = [{dimension: i} for i in range(len(bounds) + 1)]
        table.lines = [
            *_sum_lines(table, {dimension: YOUNG}, groups[:cut]),
            *_sum_lines(table, {dimension: NOT_YOUNG}, groups[cut:]),
        ]
    return table


# --- #7 education level -------------------------------------------------------------------


def education_distribution(scope: ReportScope) -> Table:
    """#7: participants by highest completed education level. Unknown education is the
    code list's own "okänd" entry (registry.services.UNKNOWN_EDUCATION), a row like any
    other."""
    population = _population(scope)
    counts = counts_by(_enrolments(scope, population), "education_level")
    levels = EducationLevel.objects.all()
    return distribution_table(
        "education",
        _title(_("Education level"), population),
        _("Education level"),
        [(level.pk, level.label) for level in levels if level.active or level.pk in counts],
        counts,
        dims=_dims(scope, population),
        dimension="education",
    )


# --- #12 referring actor ------------------------------------------------------------------


def referring_actors(scope: ReportScope) -> Table:
    """#12: participants by referring actor: each top-level actor with its sub-categories
    below it (seed 003: "Kommunen (AME-AMI/Socialtjänsten/Annan) 31 (7/20/4)"), and
    those whose referrer is unknown in a row of their own after them."""
    population = _population(scope)
    leaf_counts = counts_by(_enrolments(scope, population), "referring_actor")
    actors = list(ReferringActor.objects.select_related("parent"))
    children: dict[int, list[ReferringActor]] = {}
    for actor in actors:
        if actor.parent_id is not None:
            children.setdefault(actor.parent_id, []).append(actor)
    counts: Counts = dict(leaf_counts)
    groups: list[tuple[Hashable, Text]] = []
    top_rows: list[int] = []
    child_rows: dict[int, tuple[int, ...]] = {}
    for parent in (a for a in actors if a.parent_id is None):
        kids = [a for a in children.get(parent.pk, []) if a.active or a.pk in leaf_counts]
        family = [parent.pk, *(a.pk for a in kids)]
        if not (parent.active or any(pk in leaf_counts for pk in family)):
            continue
        top_key = ("top", parent.pk)
        counts[top_key] = _sum(leaf_counts[pk] for pk in family if pk in leaf_counts)
        top_rows.append(len(groups))
        groups.append((top_key, parent.label))
        if kids:
            first = len(groups)
            groups += [(a.pk, a.label) for a in kids]
            if parent.pk in leaf_counts:  # registered on the top level itself
                label = format_lazy("{}: {}", parent.label, _("not specified"))
                groups.append((parent.pk, label))
            child_rows[top_rows[-1]] = tuple(range(first, len(groups)))
    if None in leaf_counts:  # unknown / not registered (historical data)
        top_rows.append(len(groups))
        groups.append((None, UNKNOWN_LABEL))
    return distribution_table(
        "referrers",
        _title(_("Referring actor"), population),
        _("Referring actor"),
        groups,
        counts,
        dims=_dims(scope, population),
        dimension="referrer",
        grand=_sum(leaf_counts.values()),
        row_sums={len(groups): tuple(top_rows), **child_rows},
    )


def _sum(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total = dict.fromkeys(GENDER_TOTAL_KEYS, 0)
    for c in counts:
        for k in GENDER_TOTAL_KEYS:
            total[k] += c[k]
    return total


def referrers_by_supply(scope: ReportScope) -> Table:
    """#12: top-level referring actor × who paid the support before the insats (seed 002's
    table for the 32 new: försörjning from social services 14, FK 13, other 5).

    Unknown values are their own row (referrer) and column (support before: none
    registered), each shown when someone has it."""
    population = _population(scope)
    payers = list(Payer)
    aggregates = {
        "total": Count("pk", distinct=True),
        **{
            p.value: Count("pk", distinct=True, filter=Q(supply_before__payer=p.value))
            for p in payers
        },
        SUPPLY_UNKNOWN: Count("pk", distinct=True, filter=Q(supply_before__isnull=True)),
    }
    qs = _enrolments(scope, population)
    top = Coalesce("referring_actor__parent_id", "referring_actor_id")
    by_top = {
        row["top"]: row
        for row in cellkey.annotate(qs.order_by().annotate(top=top).values("top"), aggregates)
    }
    total = cellkey.aggregate(qs, aggregates)
    tops = ReferringActor.objects.filter(parent__isnull=True)
    supply_keys = [p.value for p in payers]
    supply_columns = [Column(p.value, p.label, dims={"payer": p.value}) for p in payers]
    if total[SUPPLY_UNKNOWN]:
        supply_keys.append(SUPPLY_UNKNOWN)
        supply_columns.append(Column(SUPPLY_UNKNOWN, _("Support unknown"), dims={"payer": None}))
    keys = [*supply_keys, "total"]
    # (the top-level actor's pk or None for unknown, its referring_actors row key, label)
    shown: list[tuple[int | None, Hashable, Text]] = [
        (actor.pk, ("top", actor.pk), actor.label)
        for actor in tops
        if actor.active or actor.pk in by_top
    ]
    if None in by_top:
        shown.append((None, None, UNKNOWN_LABEL))
    rows: list[list[Cell]] = [
        [label, *(by_top.get(pk, {}).get(k, 0) for k in keys)] for pk, _key, label in shown
    ]
    rows.append([TOTAL, *(total[k] or 0 for k in keys)])
    return Table(
        key="referrers_by_supply",
        title=_title(_("Referring actor and support before the insats"), population),
        sheet=_("Referrer and support before"),
        columns=[
            Column("group", _("Referring actor"), Kind.LABEL),
            *supply_columns,
            Column("total", _("Participants")),
        ],
        rows=rows,
        total_row=len(rows) - 1,
        # The rows are referrers_actors' top-level rows; the total column is theirs.
        dims=_dims(scope, population),
        row_dims=[*({"referrer": key} for _pk, key, _label in shown), {}],
        # Those without a kind of support: the participants less its column.
        implied=[
            Implied(f"without_{k}", ("total",), (k,), {"payer": ("without", k)})
            for k in supply_keys
        ],
        chart=Chart("bar", tuple(supply_keys), y_label=_("Participants")),
        note=format_lazy(
            "{} {}",
            _(
                "Support before is counted by who pays it. A participant can have several "
                "kinds of support and then counts in each of their columns, so the support "
                "columns can add up to more than the participants."
            ),
            _("Support unknown: no support before registered (historical data)."),
        ),
    )
