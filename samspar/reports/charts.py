"""Static charts of a table's ``Chart``: a Vega-Lite spec rendered to SVG or PNG on the
server by vl-convert, so pages, PDFs and Word documents need no JavaScript.

The chart shows the rows of the table against its label column, without the total
row (it would dwarf the rest), without sub-categories (they would count twice) and
without suppressed cells (a bar would give away the hidden count).
"""

from __future__ import annotations

from typing import Any, Literal

import vl_convert
from django.utils.translation import get_language

from samspar.reports.tables import Kind, Table

# d3-format locales by language: decimal comma and a thin space between thousands.
Locale = Literal["sv-SE", "en-US"]
_FORMAT_LOCALES: dict[str, Locale] = {"sv": "sv-SE", "en": "en-US"}
_WIDTH = 480
_HEIGHT = 240


def vega_lite_spec(table: Table) -> dict[str, Any] | None:
    """The Vega-Lite spec of ``table.chart``; None if the table has no chart or it
    would have no bar above zero."""
    chart = table.chart
    if chart is None:
        return None
    label_column = next((c for c in table.columns if c.kind == Kind.LABEL), None)
    label_key = label_column.key if label_column else None
    series = [table.columns[table.column_index(key)] for key in chart.y]
    values = []
    for r in _plotted_rows(table):
        row = table.rows[r]
        label = str(row[table.column_index(label_key)]) if label_key else str(r + 1)
        for column in series:
            value = row[table.column_index(column.key)]
            if (r, column.key) in table.suppressed or not isinstance(value, int | float):
                continue
            values.append({"label": label, "series": str(column.label), "value": float(value)})
    if not any(v["value"] for v in values):
        return None  # nothing left to draw: no data, or all of it suppressed
    labels = list(dict.fromkeys(v["label"] for v in values))
    series_labels = [str(c.label) for c in series]
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
            {"field": "label", "type": "nominal"},
            {"field": "series", "type": "nominal"},
            {"field": "value", "type": "quantitative"},
        ],
    }
    if len(series) > 1:
        encoding["color"] = {
            "field": "series",
            "type": "nominal",
            "sort": series_labels,
            "title": None,
            "legend": {"orient": "bottom", "columns": 2, "labelLimit": 320},
        }
    mark: dict[str, Any]
    if chart.kind == "line":
        mark = {"type": "line", "point": True}
    else:
        mark = {"type": "bar"}
        if chart.kind == "stacked":
            y["stack"] = "zero"
        elif len(series) > 1:
            y["stack"] = None
            encoding["xOffset"] = {"field": "series", "sort": series_labels}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": str(table.title),
        "width": _WIDTH,
        "height": _HEIGHT,
        "background": "white",
        "data": {"values": values},
        "mark": mark,
        "encoding": encoding,
        "config": {"font": "DejaVu Sans", "view": {"stroke": None}},
    }


def chart_svg(table: Table) -> str | None:
    """SVG markup of the table's chart, to inline in HTML; None if it has none."""
    spec = vega_lite_spec(table)
    if spec is None:
        return None
    return str(vl_convert.vegalite_to_svg(spec, format_locale=_format_locale()))


def chart_png(table: Table, scale: float = 2) -> bytes | None:
    """PNG of the table's chart (for Word documents); None if it has none."""
    spec = vega_lite_spec(table)
    if spec is None:
        return None
    return bytes(vl_convert.vegalite_to_png(spec, scale=scale, format_locale=_format_locale()))


def _format_locale() -> Locale:
    return _FORMAT_LOCALES.get((get_language() or "sv").split("-")[0], "sv-SE")


def _plotted_rows(table: Table) -> list[int]:
    """The parts of the total: the rows the total row sums (top-level categories without
    their sub-categories) where given, else every row but the total."""
    if table.total_row is not None and table.total_row in table.row_sums:
        return list(table.row_sums[table.total_row])
    return [r for r in range(len(table.rows)) if r != table.total_row]


def _all_counts(table: Table, keys: tuple[str, ...]) -> bool:
    return all(table.columns[table.column_index(k)].kind in (Kind.COUNT, Kind.TALLY) for k in keys)
