"""Static charts of a table's ``Chart``: a Vega-Lite spec rendered to SVG or PNG on the
server by vl-convert, so pages, PDFs and Word documents need no JavaScript.

The chart shows the rows of the table against its label column, without the total
row (it would dwarf the rest) and without sub-categories (they would count twice).
A suppressed cell is drawn as what it is, a value not shown: a dashed, empty
placeholder from the baseline (or the top of the shown stack) to the top of the plot
marked "–", a gap in a line with a dashed rule, and the tables' note on hidden cells
under the title — never a missing bar that reads as zero, nor one of any height
that would give the hidden count away. Every number a chart prints (its marks' texts
for screen readers, its tooltips) is the table's cell as the table shows it.
"""

from __future__ import annotations

import textwrap
from typing import Any

from django.utils.translation import gettext_lazy as _

from samspar.core import vega
from samspar.reports.exports.common import SUPPRESSED, display
from samspar.reports.tables import Column, Kind, Table

_WIDTH = 480
_HEIGHT = 240
# Characters per line of the note under the title (about the chart's width).
_NOTE_WIDTH = 90
_PLACEHOLDER_FILL = "#f4f4f4"
_PLACEHOLDER_GREY = "#666666"
_DASH = [4, 3]
# The y axis of a chart with a hidden value reaches this much above its highest stack.
_HEADROOM = 1.15

# What a hidden cell ("–") is: the note under a report's table, and under a chart
# that has a hidden value.
HIDDEN_NOTE = _(
    "– Hidden: fewer participants than the förbund's threshold, or a cell that would let "
    "a hidden one be worked out. This keeps anyone from being identified."
)


def vega_lite_spec(table: Table) -> dict[str, Any] | None:
    """The Vega-Lite spec of ``table.chart``; None if the table has no chart or it
    would have no shown value above zero.

    Each datum is a cell: ``value`` (None when hidden), ``hidden``, ``text`` (the cell
    as the table shows it), ``description`` (label, series and text, the mark's
    accessible name) and ``base`` (where a hidden cell's placeholder starts: zero, or
    the top of the shown part of a stack)."""
    chart = table.chart
    if chart is None:
        return None
    label_column = next((c for c in table.columns if c.kind == Kind.LABEL), None)
    label_key = label_column.key if label_column else None
    series = [table.columns[table.column_index(key)] for key in chart.y]
    values = _values(table, label_key, series)
    if not any(v["value"] for v in values):
        return None  # nothing shown to draw: no data, or all of it suppressed
    if chart.kind == "stacked":
        _stack_bases(values)
    hidden = any(v["hidden"] for v in values)
    labels = list(dict.fromkeys(v["label"] for v in values))
    # The series with a datum, in the table's order: the one colour domain of the fills
    # and of the placeholders' outlines, so a hidden cell is outlined in its own series'
    # colour, not in that of the first series that happens to be hidden.
    series_labels = [
        s for s in (str(c.label) for c in series) if any(v["series"] == s for v in values)
    ]
    x: dict[str, Any] = {
        "field": "label",
        "type": "ordinal",
        "sort": labels,
        # Every axis has a title: the chart's own, else the label column's (x) or the
        # one plotted column's (y); several series are named by the legend instead.
        "title": str(chart.x_label or (label_column.label if label_column else "")) or None,
        "axis": {"labelAngle": 0 if chart.kind == "line" or len(labels) <= 4 else -40},
    }
    y: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "title": str(chart.y_label or (series[0].label if len(series) == 1 else "")) or None,
        # Whole numbers get whole ticks: a tick at 0,5 would print as a second "1".
        "axis": (
            {"format": ",d", "tickMinStep": 1}
            if _all_counts(table, chart.y)
            else {"format": ",.1~f"}
        ),
    }
    encoding: dict[str, Any] = {
        "x": x,
        "y": y,
        "tooltip": [
            {"field": "label", "type": "nominal", "title": x["title"] or ""},
            {"field": "series", "type": "nominal"},
            {"field": "text", "type": "nominal", "title": y["title"] or ""},
        ],
        "description": {"field": "description"},
    }
    if len(series) > 1:
        encoding["color"] = {
            "field": "series",
            "type": "nominal",
            "sort": series_labels,
            "scale": {"domain": series_labels},
            "title": None,
            "legend": {"orient": "bottom", "columns": 2, "labelLimit": 320},
        }
    grouped = chart.kind == "bar" and len(series) > 1
    if chart.kind == "stacked":
        y["stack"] = "zero"
    elif grouped:
        y["stack"] = None
        encoding["xOffset"] = {"field": "series", "sort": series_labels}
    shown_mark: dict[str, Any] = (
        {"type": "line", "point": True} if chart.kind == "line" else {"type": "bar"}
    )
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": _title(table, hidden),
        "width": _WIDTH,
        "height": _HEIGHT,
        "background": "white",
        "data": {"values": values},
        "mark": shown_mark,
        "encoding": encoding,
        "config": {"font": "DejaVu Sans", "view": {"stroke": None}},
    }
    if hidden:
        _mark_hidden(spec, chart.kind, series_labels)
    return spec


def _mark_hidden(spec: dict[str, Any], kind: str, series_labels: list[str]) -> None:
    """Layers ``spec``: the shown values, a placeholder for each hidden one and "–" over
    it, with headroom above the highest shown value (or stack) so that a placeholder on
    top of the highest stack still shows."""
    values = spec["data"]["values"]
    highest = (
        max(_tops(values).values()) if kind == "stacked" else max(v["value"] or 0.0 for v in values)
    )
    spec["encoding"]["y"]["scale"] = {"domainMax": _HEADROOM * highest}
    # A line keeps its hidden points (as nulls: the line breaks there); bars drop them.
    shown_filter = [] if kind == "line" else [{"filter": "!datum.hidden"}]
    # In a stack each hidden segment has a slot of its own (the bars share theirs).
    slot = (
        {"xOffset": {"field": "series", "sort": series_labels}}
        if kind == "stacked" and len(series_labels) > 1
        else {}
    )
    spec["layer"] = [
        {"mark": spec.pop("mark"), "transform": shown_filter},
        _placeholder(kind, series_labels, slot),
        {
            "mark": {"type": "text", "baseline": "bottom", "dy": -2, "fontSize": 15},
            "transform": [{"filter": "datum.hidden"}],
            "encoding": {
                "y": {"value": 0},
                "text": {"value": SUPPRESSED},
                "color": {"value": "black"},
                **slot,
            },
        },
    ]


def chart_svg(table: Table) -> str | None:
    """SVG markup of the table's chart, to inline in HTML; None if it has none."""
    spec = vega_lite_spec(table)
    if spec is None:
        return None
    return vega.svg(spec)


def chart_png(table: Table, scale: float = 2) -> bytes | None:
    """PNG of the table's chart (for Word documents); None if it has none."""
    spec = vega_lite_spec(table)
    if spec is None:
        return None
    return vega.png(spec, scale)


def _values(table: Table, label_key: str | None, series: list[Column]) -> list[dict[str, Any]]:
    """The plotted cells, hidden ones included; unknown (None, not hidden) ones left out."""
    values = []
    for r in _plotted_rows(table):
        row = table.rows[r]
        label = str(row[table.column_index(label_key)]) if label_key else str(r + 1)
        for column in series:
            value = row[table.column_index(column.key)]
            hidden = (r, column.key) in table.suppressed
            number: float | None
            if hidden:
                number = None
            elif isinstance(value, int | float):
                number = float(value)
            else:
                continue
            text = display(value, column, hidden)
            values.append(
                {
                    "label": label,
                    "series": str(column.label),
                    "value": number,
                    "hidden": hidden,
                    "text": text,
                    "description": f"{label}, {column.label}: {text}",
                    "base": 0.0,
                }
            )
    return values


def _stack_bases(values: list[dict[str, Any]]) -> None:
    """A hidden segment's placeholder starts on top of the shown segments of its stack."""
    tops = _tops(values)
    for v in values:
        if v["hidden"]:
            v["base"] = tops[v["label"]]


def _tops(values: list[dict[str, Any]]) -> dict[str, float]:
    """The sum of the shown values by label: the height of each stack."""
    tops: dict[str, float] = {}
    for v in values:
        tops[v["label"]] = tops.get(v["label"], 0.0) + (v["value"] or 0.0)
    return tops


def _placeholder(kind: str, series_labels: list[str], slot: dict[str, Any]) -> dict[str, Any]:
    """The layer drawing hidden cells: an empty dashed bar (in its series' slot of a
    group or of a stack) or, on a line, a dashed rule across the plot."""
    several = len(series_labels) > 1
    encoding: dict[str, Any] = {
        "y": {"field": "base", "type": "quantitative"},
        "y2": {"value": 0},  # the top of the plot
        **slot,
    }
    if kind == "line":
        mark: dict[str, Any] = {"type": "rule", "strokeDash": _DASH, "strokeWidth": 1.5}
    else:
        mark = {"type": "rect", "fill": _PLACEHOLDER_FILL, "strokeDash": _DASH, "strokeWidth": 1.5}
    if several:
        encoding["stroke"] = {
            "field": "series",
            "type": "nominal",
            "sort": series_labels,
            "scale": {"domain": series_labels},
            "legend": None,
        }
    else:
        mark["stroke"] = _PLACEHOLDER_GREY
    return {"mark": mark, "transform": [{"filter": "datum.hidden"}], "encoding": encoding}


def _title(table: Table, hidden: bool) -> str | dict[str, Any]:
    """The table's title; with a hidden value, the note on hidden cells under it."""
    if not hidden:
        return str(table.title)
    return {
        "text": str(table.title),
        "subtitle": textwrap.wrap(str(HIDDEN_NOTE), _NOTE_WIDTH),
        "subtitleFontSize": 11,
        "subtitleColor": "#333333",
        "subtitlePadding": 6,
    }


def _plotted_rows(table: Table) -> list[int]:
    """The parts of the total: the rows the total row sums (top-level categories without
    their sub-categories) where given, else every row but the total."""
    if table.total_row is not None and table.total_row in table.row_sums:
        return list(table.row_sums[table.total_row])
    return [r for r in range(len(table.rows)) if r != table.total_row]


def _all_counts(table: Table, keys: tuple[str, ...]) -> bool:
    return all(table.columns[table.column_index(k)].kind in (Kind.COUNT, Kind.TALLY) for k in keys)
