"""Figures by home municipality: #10 (home municipality per insats), #11 (inflow: carried
over and new) and #13 (outflow with destination) of DOMAIN.md §4. Definitions:
docs/definitions.md.

The municipality is the one registered on the enrolment (folkbokförings- or
vistelsekommun). Anonymous participants have none and get their own column or row;
volume-registered participants are only a count.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from samspar.organisation.models import Insats, Municipality
from samspar.reports import cellkey
from samspar.reports.aggregates import TOTAL, scope_dims
from samspar.reports.cellkey import SumOfCounts
from samspar.reports.figures.participants import (
    ANONYMOUS_DIMS,
    GOAL_GROUPS,
    NOT_TO_GOAL,
    RESULT_GROUPS,
    VOLUME_DIMS,
    goal_columns,
    result_group_columns,
)
from samspar.reports.scope import ReportScope, carried_over_q, ended_q, new_q, worked_with_q
from samspar.reports.tables import Chart, Column, Implied, Kind, Table, Text, Value, percent

ANONYMOUS = _("Anonymous (no municipality registered)")
# Enrolments whose home municipality is unknown (historical data): a row or column of
# their own, shown when there are any.
UNKNOWN_MUNICIPALITY = _("Unknown municipality (not registered)")
UNKNOWN = "unknown"
UNKNOWN_NOTE = _("Unknown municipality: none registered on the enrolment (historical data).")


def _with_unknown(note: Text) -> Text:
    return format_lazy("{} {}", note, UNKNOWN_NOTE)


def _municipalities(codes: set[str | None]) -> list[Municipality]:
    return list(Municipality.objects.filter(pk__in=codes - {None}).order_by("name"))


def _places(codes: set[str | None]) -> list[tuple[str | None, Text]]:
    """(code, label) of the municipalities among ``codes`` by name, then the unknown."""
    places: list[tuple[str | None, Text]] = [(m.code, m.name) for m in _municipalities(codes)]
    if None in codes:
        places.append((None, UNKNOWN_MUNICIPALITY))
    return places


def home_municipality(scope: ReportScope) -> Table:
    """#10: participants worked with in the period per insats and home municipality, with
    each cell's share of its row (seed 003 "Hemvist")."""
    f, t = scope.date_from, scope.date_to
    persons: dict[int, dict[str | None, int]] = defaultdict(dict)
    for cell in cellkey.annotate(
        scope.enrolments().filter(worked_with_q(f, t)).order_by().values("insats", "municipality"),
        {"n": Count("person", distinct=True)},
    ):
        persons[cell["insats"]][cell["municipality"]] = cell["n"]
    anonymous = _per_insats(
        cellkey.annotate(scope.anonymous().order_by().values("insats"), {"n": Count("pk")})
    )
    volume = _per_insats(
        cellkey.annotate(scope.volume().order_by().values("insats"), {"n": SumOfCounts("count")})
    )
    places = _places({code for cells in persons.values() for code in cells})
    insatser = list(Insats.objects.filter(pk__in={*persons, *anonymous, *volume}))

    columns = [Column("insats", _("Insats"), Kind.LABEL)]
    # Shares are of the row's total: hidden with their count or with the total.
    place_keys = [code or UNKNOWN for code, _name in places]
    for (code, name), key in zip(places, place_keys, strict=True):
        worked_with = {"population": "worked_with", "municipality": code}
        columns.append(Column(key, name, dims=worked_with))
        columns.append(
            Column(
                f"{key}_percent",
                format_lazy("{} (%)", name),
                Kind.PERCENT,
                (key, "total"),
            )
        )
    columns += [
        Column("anonymous", ANONYMOUS, dims=ANONYMOUS_DIMS),
        Column("anonymous_percent", _("Anonymous (%)"), Kind.PERCENT, ("anonymous", "total")),
        Column("volume", _("Volume-registered"), dims=VOLUME_DIMS),
        Column("total", _("Total"), dims={"method": "all"}),
    ]
    count_keys = [*place_keys, "anonymous", "volume"]
    counts: list[tuple[Text, dict[str, int]]] = [
        (
            i.name,
            {
                **{
                    key: persons[i.pk].get(code, 0)
                    for (code, _name), key in zip(places, place_keys, strict=True)
                },
                "anonymous": anonymous.get(i.pk, 0),
                "volume": volume.get(i.pk, 0),
            },
        )
        for i in insatser
    ]
    counts.append((TOTAL, {k: sum(c[k] for _label, c in counts) for k in count_keys}))
    rows: list[list[Value]] = []
    for label, c in counts:
        whole = sum(c.values())
        row: list[Value] = [label]
        for key in place_keys:
            row += [c[key], percent(c[key], whole)]
        row += [c["anonymous"], percent(c["anonymous"], whole), c["volume"], whole]
        rows.append(row)
    return Table(
        key="home_municipality",
        title=_("Home municipality"),
        columns=columns,
        rows=rows,
        total_row=len(rows) - 1,
        column_sums={"total": tuple(count_keys)},
        chart=Chart(
            "stacked",
            (*place_keys, "anonymous"),
            x_label=_("Insats"),
            y_label=_("Participants"),
        ),
        note=_with_unknown(
            _(
                "Participants worked with in the period, by the home municipality registered on "
                "the enrolment; shares are of the row's total. Anonymous participants count in "
                "their start year; volume-registered participants have no municipality."
            )
        ),
        dims=scope_dims(scope),
        row_dims=[*({"insats": i.pk} for i in insatser), {}],
    )


def _per_insats(rows: Any) -> dict[int, int]:
    return {row["insats"]: row["n"] or 0 for row in rows}


def inflow(scope: ReportScope) -> Table:
    """#11: participants carried over from before the period and new in it, per home
    municipality (seed 003 "Inflöde": "Deltagare kvar från 2018", "Nya deltagare 2019")."""
    f, t = scope.date_from, scope.date_to
    aggregates = {
        "carried_over": Count("person", distinct=True, filter=carried_over_q(f)),
        "new": Count("person", distinct=True, filter=new_q(f, t)),
    }
    qs = scope.enrolments().filter(worked_with_q(f, t))
    by_place = {
        row["municipality"]: row
        for row in cellkey.annotate(qs.order_by().values("municipality"), aggregates)
    }
    anonymous = cellkey.aggregate(scope.anonymous(), {"n": Count("pk")})["n"]
    rows: list[list[Value]] = []
    places = _places(set(by_place))
    for code, name in places:
        c = by_place[code]
        rows.append([name, c["carried_over"], c["new"], c["carried_over"] + c["new"]])
    rows.append([ANONYMOUS, 0, anonymous, anonymous])
    total = cellkey.aggregate(qs, aggregates)
    carried, new = total["carried_over"], total["new"] + anonymous
    rows.append([TOTAL, carried, new, carried + new])
    return Table(
        key="inflow",
        title=_("Inflow: carried over and new"),
        sheet=_("Inflow, carried over and new"),
        columns=[
            Column("municipality", _("Municipality"), Kind.LABEL),
            Column(
                "carried_over",
                _("Carried over from before the period"),
                dims={"population": "carried_over"},
            ),
            Column("new", _("New in the period"), dims={"population": "new"}),
            Column("total", _("Total"), dims={"population": "carried_over_or_new"}),
        ],
        rows=rows,
        total_row=len(rows) - 1,
        column_sums={"total": ("carried_over", "new")},
        chart=Chart(
            "stacked",
            ("carried_over", "new"),
            x_label=_("Municipality"),
            y_label=_("Participants"),
        ),
        note=_with_unknown(
            _(
                "Persons: carried over = started before the period and still enrolled on its "
                "first day; new = started in the period. Anonymous participants have only a "
                "start year and count as new in it."
            )
        ),
        # The total row holds the anonymous participants too.
        dims=scope_dims(scope),
        row_dims=[
            *({"municipality": code} for code, _name in places),
            {"method": "anonymous"},
            {"method": "all"},
        ],
    )


def outflow(scope: ReportScope) -> Table:
    """#13: enrolments ended in the period per home municipality, with where they went
    (seed 003 "Utflöde": ended, of whom to work, studies or rehabilitation, or granted
    sickness or activity compensation)."""
    f, t = scope.date_from, scope.date_to
    kept = Q(early_dropout=False)
    groups = RESULT_GROUPS
    aggregates = {
        "ended": Count("pk"),
        "dropouts": Count("pk", filter=Q(early_dropout=True)),
        **{g.value: Count("pk", filter=kept & Q(end_reason__result_group=g)) for g in groups},
        "to_goal": Count("pk", filter=kept & Q(end_reason__result_group__in=GOAL_GROUPS)),
    }
    qs = scope.enrolments().filter(ended_q(f, t))
    by_place = {
        row["municipality"]: row
        for row in cellkey.annotate(qs.order_by().values("municipality"), aggregates)
    }
    keys = list(aggregates)
    rows: list[list[Value]] = []
    places = _places(set(by_place))
    labelled: list[tuple[Text, dict[str, Any]]] = [(name, by_place[code]) for code, name in places]
    for label, c in [*labelled, (TOTAL, cellkey.aggregate(qs, aggregates))]:
        kept_n = c["ended"] - c["dropouts"]
        rows.append([label, *(c[k] for k in keys), percent(c["to_goal"], kept_n)])
    return Table(
        key="outflow",
        title=_("Outflow by municipality and destination"),
        sheet=_("Outflow by municipality"),
        columns=[
            Column("municipality", _("Municipality"), Kind.LABEL),
            Column("ended", _("Ended in the period"), dims={"population": "ended"}),
            Column("dropouts", _("Of whom early dropouts"), dims={"population": "dropouts"}),
            *result_group_columns(),
            *goal_columns(),
            # Its denominator, ended − dropouts, is not shown: both must be hidden with it.
            Column(
                "goal_percent",
                _("Result towards goal (%)"),
                Kind.PERCENT,
                ("to_goal", "ended", "dropouts"),
            ),
        ],
        rows=rows,
        total_row=len(rows) - 1,
        column_sums={
            "ended": ("dropouts", *(g.value for g in groups)),
            "to_goal": tuple(g.value for g in GOAL_GROUPS),
        },
        chart=Chart(
            "stacked",
            tuple(g.value for g in groups),
            x_label=_("Municipality"),
            y_label=_("Ended (number)"),
        ),
        note=_with_unknown(
            _(
                "Ended enrolments by the home municipality registered on them. The destination "
                "is the end reason's result group; early dropouts have none. Result towards "
                "goal is of the ended who were not early dropouts."
            )
        ),
        dims=scope_dims(scope),
        row_dims=[*({"municipality": code} for code, _name in places), {}],
        implied=[
            Implied("ended_kept", ("ended",), ("dropouts",), {"population": "ended_kept"}),
            Implied("not_to_goal", ("ended",), ("dropouts", "to_goal"), NOT_TO_GOAL.dims),
        ],
    )
