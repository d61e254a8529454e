"""Distributions of enrolments over groups (intervals, code-list entries) by gender.

One grouped query counts the enrolments per group and gender; the Python loop only
turns those few result rows into table rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from samspar.core.personnummer import Gender
from samspar.reports import cellkey
from samspar.reports.aggregates import TOTAL
from samspar.reports.tables import Chart, Column, Dims, Kind, Table, Text, percent
from samspar.reports.tables import Value as Cell

GENDER_COLUMNS = {Gender.WOMAN.value: "women", Gender.MAN.value: "men"}
GENDER_TOTAL_KEYS = ("women", "men", "total")
GENDER_LABELS = {"women": _("Women"), "men": _("Men")}
# The dims of each count column: the gender, or none for the total.
GENDER_DIMS: dict[str, Dims] = {
    **{column: {"gender": code} for code, column in GENDER_COLUMNS.items()},
    "total": {},
}

Counts = dict[Hashable, dict[str, int]]  # the counts are ``cellkey.Counted``


def interval_labels(bounds: Sequence[int], lowest: int | None = None) -> list[str]:
    """Labels of the intervals cut at ``bounds`` over whole numbers (completed years or
    months): (25, 30, 40) → "–24", "25–29", "30–39", "40–"; with ``lowest`` 0 the first
    is "0–24"."""
    starts: list[int | None] = [lowest, *bounds]
    labels = []
    for start, end in zip(starts, [*bounds, None], strict=True):
        if end is None:
            labels.append(f"{start}–")
        elif start is None:
            labels.append(f"–{end - 1}")
        else:
            labels.append(str(start) if end - 1 == start else f"{start}–{end - 1}")
    return labels


def interval_index(name: str, bounds: Sequence[int]) -> Case:
    """The index of the interval the annotation ``name`` falls in: 0 below the first
    bound, len(bounds) from the last; None when the value is unknown."""
    return Case(
        When(**{f"{name}__isnull": True}, then=Value(None)),
        *(When(**{f"{name}__lt": bound}, then=Value(i)) for i, bound in enumerate(bounds)),
        default=Value(len(bounds)),
        output_field=IntegerField(),
    )


def counts_by(qs: QuerySet[Any], group: str) -> Counts:
    """Enrolments per value of ``group`` and gender: {value: {"women", "men", "total"}}."""
    result: Counts = defaultdict(lambda: dict.fromkeys(GENDER_TOTAL_KEYS, 0))
    grouped = qs.order_by().values(group, "person_gender")
    for row in cellkey.annotate(grouped, {"n": Count("pk")}):
        cell = result[row[group]]
        cell[GENDER_COLUMNS[row["person_gender"]]] += row["n"]
        cell["total"] += row["n"]
    return result


def distribution_table(
    key: str,
    title: Text,
    group_label: Text,
    groups: Sequence[tuple[Hashable, Text]],
    counts: Counts,
    *,
    dims: Dims,
    dimension: str,
    note: Text = "",
    grand: dict[str, int] | None = None,
    row_sums: dict[int, tuple[int, ...]] | None = None,
) -> Table:
    """Rows ``groups`` (value, label) with their counts by gender, a share of the total,
    and a total row. The total is the sum of ``counts`` unless ``grand`` is given (when
    some rows are sums of others, see ``Table.row_sums``); every counted value must be
    one of ``groups``. ``dims`` are the table's (Table.dims); a group's row adds
    ``{dimension: value}``."""
    total_row = len(groups)
    columns = [
        Column("group", group_label, Kind.LABEL),
        *(Column(k, label, dims=GENDER_DIMS[k]) for k, label in GENDER_LABELS.items()),
        Column("total", _("Total")),
        # A share of the grand total: hidden with the total of its row or of the table.
        Column("percent", _("Share (%)"), Kind.PERCENT, depends_on="total", base_row=total_row),
    ]
    keys = GENDER_TOTAL_KEYS
    if grand is None:
        grand = {k: sum(c[k] for c in counts.values()) for k in keys}
    rows: list[list[Cell]] = []
    for value, label in groups:
        c = counts.get(value, dict.fromkeys(keys, 0))
        rows.append([label, *(c[k] for k in keys), percent(c["total"], grand["total"])])
    rows.append([TOTAL, *(grand[k] for k in keys), percent(grand["total"], grand["total"])])
    return Table(
        key=key,
        title=title,
        columns=columns,
        rows=rows,
        total_row=total_row,
        column_sums={"total": ("women", "men")},
        row_sums=row_sums or {},
        chart=Chart("bar", ("women", "men"), x_label=group_label, y_label=_("Participants")),
        note=note,
        dims=dims,
        row_dims=[*({dimension: value} for value, _label in groups), {}],
    )
