"""The two charts of an evaluation as server-side SVG (vl-convert, as the statistics
reports draw theirs): revenue per perspective, and society's cumulative
profitability over the horizon with the simulated 80 % and 95 % bands."""

from __future__ import annotations

from typing import Any

import vl_convert
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from samspar.economics.model import PERSPECTIVES
from samspar.economics.output.labels import PERSPECTIVE_LABELS
from samspar.economics.output.numbers import MILLION
from samspar.economics.report import EconomicsReport
from samspar.reports.charts import _format_locale

_WIDTH = 480
_BAR_STEP = 26
_HEIGHT = 240
_GAIN, _LOSS = "#2166ac", "#b2182b"
_BAND95, _BAND80, _POINT = "#c6dbef", "#6baed6", "#08306b"


def actor_chart_spec(report: EconomicsReport) -> dict[str, Any]:
    """Revenue per year per perspective, in millions; losses drawn to the left."""
    values = [
        {
            "label": str(PERSPECTIVE_LABELS[p]),
            "value": report.result.perspectives[p].revenue / MILLION,
        }
        for p in PERSPECTIVES
    ]
    return _spec(
        _("Revenue per year per perspective"),
        {
            "height": _BAR_STEP * len(values),
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "y": {
                    "field": "label",
                    "type": "nominal",
                    "sort": [v["label"] for v in values],
                    "title": None,
                },
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": _("Million SEK per year"),
                    "axis": {"format": ",.1~f"},
                },
                "color": {
                    "condition": {"test": "datum.value < 0", "value": _LOSS},
                    "value": _GAIN,
                },
            },
        },
    )


def curve_chart_spec(report: EconomicsReport) -> dict[str, Any]:
    """Society's profitability after 0…horizon years, in millions, with a zero line
    and, when the report has a simulation, its 80 % and 95 % bands shaded."""
    point = _("Point estimate")
    rows: list[dict[str, Any]] = [
        {"year": c.year, "point": c.cumulative / MILLION} for c in report.result.curve
    ]
    x = {
        "field": "year",
        "type": "quantitative",
        "title": _("Years after the insats"),
        "axis": {"tickMinStep": 1, "format": "d"},
    }
    y_title = _("Million SEK")
    bands = []
    if report.simulation is not None:
        for row, band in zip(rows, report.simulation.curve, strict=True):
            for key in ("low80", "high80", "low95", "high95"):
                value = getattr(band, key)
                row[key] = None if value is None else value / MILLION
        bands = [
            (level, _("%(level)s %% interval") % {"level": level}, colour)
            for level, colour in (("95", _BAND95), ("80", _BAND80))
        ]
    # One colour scale for all layers: the legend names the bands and the line.
    colour_scale = {
        "type": "nominal",
        "scale": {
            "domain": [name for _level, name, _colour in bands] + [point],
            "range": [colour for _level, _name, colour in bands] + [_POINT],
        },
        "legend": {"orient": "bottom", "title": None},
    }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "area", "opacity": 0.8},
            "encoding": {
                "x": x,
                "y": {"field": f"low{level}", "type": "quantitative", "title": y_title},
                "y2": {"field": f"high{level}"},
                "color": {"datum": name, **colour_scale},
            },
        }
        for level, name, _colour in bands
    ]
    layers.append(
        {
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": x,
                "y": {
                    "field": "point",
                    "type": "quantitative",
                    "title": y_title,
                    "axis": {"format": ",.1~f"},
                },
                "color": {"datum": point, **colour_scale},
            },
        }
    )
    layers.append({"mark": {"type": "rule", "color": "#333"}, "encoding": {"y": {"datum": 0}}})
    return _spec(
        _("Cumulative profitability for society"),
        {
            "height": _HEIGHT,
            "data": {"values": rows},
            "layer": layers,
        },
    )


def _spec(title: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": _WIDTH,
        "background": "white",
        "config": {"font": "DejaVu Sans", "view": {"stroke": None}},
        **body,
    }


def svg(spec: dict[str, Any]) -> SafeString:
    """A spec as SVG markup to inline in HTML (vl-convert escapes every text it draws)."""
    return mark_safe(vl_convert.vegalite_to_svg(spec, format_locale=_format_locale()))


def actor_chart_svg(report: EconomicsReport) -> SafeString:
    return svg(actor_chart_spec(report))


def curve_chart_svg(report: EconomicsReport) -> SafeString:
    return svg(curve_chart_spec(report))
