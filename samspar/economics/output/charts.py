"""The charts of an evaluation as server-side SVG (vl-convert, as the statistics
reports draw theirs): revenue per perspective, society's cumulative profitability
over the horizon with the simulated 80 % and 95 % bands, and the one-way sensitivity
(tornado) of society's payback time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from samspar.core import vega
from samspar.economics.model import PERSPECTIVES
from samspar.economics.output.labels import PERSPECTIVE_LABELS, sensitivity_label
from samspar.economics.output.numbers import MILLION
from samspar.economics.report import EconomicsReport

_WIDTH = 480
_BAR_STEP = 26
_HEIGHT = 240
_GAIN, _LOSS = "#2166ac", "#b2182b"
_BAND95, _BAND80, _POINT = "#c6dbef", "#6baed6", "#08306b"
_WHISKER = "#333333"


@dataclass(frozen=True)
class Unit:
    """Kronor, thousands or millions: whichever keeps the axis's numbers readable."""

    divisor: float
    per_year: str  # axis title of a yearly amount
    total: str  # axis title of an amount


def unit_for(amounts: Iterable[float | None]) -> Unit:
    """The unit by the largest amount: mkr from a million, tkr from ten thousand, else
    kronor. The axis labels are left to Vega, which gives each tick the decimals its
    step needs (a fixed format repeats labels on a small scale)."""
    largest = max((abs(a) for a in amounts if a is not None), default=0.0)
    if largest >= MILLION:
        return Unit(MILLION, _("Million SEK per year"), _("Million SEK"))
    if largest >= 10_000:
        return Unit(1_000, _("Thousand SEK per year"), _("Thousand SEK"))
    return Unit(1, _("SEK per year"), _("SEK"))


def actor_chart_spec(report: EconomicsReport) -> dict[str, Any]:
    """Revenue per year per perspective; losses drawn to the left. With a simulation,
    each bar has a whisker over its 80 % interval."""
    sim = report.simulation
    rows: list[dict[str, Any]] = []
    for p in PERSPECTIVES:
        band = sim.revenue[p] if sim is not None else None
        rows.append(
            {
                "label": str(PERSPECTIVE_LABELS[p]),
                "value": report.result.perspectives[p].revenue,
                "low": band.low80 if band else None,
                "high": band.high80 if band else None,
            }
        )
    unit = unit_for(v for row in rows for v in (row["value"], row["low"], row["high"]))
    for row in rows:
        for key in ("value", "low", "high"):
            if row[key] is not None:
                row[key] /= unit.divisor
    y = {"field": "label", "type": "nominal", "sort": [r["label"] for r in rows], "title": None}
    x = {"field": "value", "type": "quantitative", "title": unit.per_year}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "bar"},
            "encoding": {
                "y": y,
                "x": x,
                "color": {
                    "condition": {"test": "datum.value < 0", "value": _LOSS},
                    "value": _GAIN,
                },
            },
        }
    ]
    title: Any = _("Revenue per year per perspective")
    if sim is not None:
        layers.append(
            {
                "mark": {"type": "rule", "color": _WHISKER, "strokeWidth": 1.5, "aria": False},
                "encoding": {
                    "y": y,
                    "x": {"field": "low", "type": "quantitative", "title": unit.per_year},
                    "x2": {"field": "high"},
                },
            }
        )
        for end in ("low", "high"):
            layers.append(
                {
                    "mark": {
                        "type": "tick",
                        "color": _WHISKER,
                        "thickness": 1.5,
                        "size": 10,
                        "aria": False,
                    },
                    "encoding": {
                        "y": y,
                        "x": {"field": end, "type": "quantitative", "title": unit.per_year},
                    },
                }
            )
        title = {
            "text": title,
            "subtitle": _("The whiskers span the 80 %% interval of the simulations.") % {},
        }
    return _spec(
        title, {"height": _BAR_STEP * len(rows), "data": {"values": rows}, "layer": layers}
    )


def curve_chart_spec(report: EconomicsReport) -> dict[str, Any]:
    """Society's profitability after 0…horizon years, in millions, with a zero line
    and, when the report has a simulation, its 80 % and 95 % bands shaded."""
    point = _("Point estimate")
    amounts: list[float | None] = [c.cumulative for c in report.result.curve]
    if report.simulation is not None:
        amounts += [v for b in report.simulation.curve for v in (b.low95, b.high95)]
    unit = unit_for(amounts)
    rows: list[dict[str, Any]] = [
        {"year": c.year, "point": c.cumulative / unit.divisor} for c in report.result.curve
    ]
    x = {
        "field": "year",
        "type": "quantitative",
        "title": _("Years after the insats"),
        "axis": {"tickMinStep": 1, "format": "d"},
    }
    y_title = unit.total
    bands = []
    if report.simulation is not None:
        for row, band in zip(rows, report.simulation.curve, strict=True):
            for key in ("low80", "high80", "low95", "high95"):
                value = getattr(band, key)
                row[key] = None if value is None else value / unit.divisor
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
                "y": {"field": "point", "type": "quantitative", "title": y_title},
                "color": {"datum": point, **colour_scale},
            },
        }
    )
    # The whiskers and the zero line say nothing the bars' own labels do not (to screen
    # readers: marks without a label of their own are an accessibility fault).
    layers.append(
        {"mark": {"type": "rule", "color": "#333", "aria": False}, "encoding": {"y": {"datum": 0}}}
    )
    return _spec(
        _("Cumulative profitability for society"),
        {
            "height": _HEIGHT,
            "data": {"values": rows},
            "layer": layers,
        },
    )


def tornado_chart_spec(report: EconomicsReport) -> dict[str, Any] | None:
    """Society's payback time with each input at the low and the high end of its range
    (the rows of ``report.sensitivity``, largest swing on top), as bars from the point
    estimate. A payback that never comes is drawn to the axis's end and says "never".
    Where the point estimate itself never pays back, the bars show the profitability
    after the horizon instead. None without a sensitivity analysis."""
    sens = report.sensitivity
    if sens is None or not sens.rows:
        return None
    by_payback = sens.payback is not None
    if by_payback:
        ends = [(r.payback_low, r.payback_high) for r in sens.rows]
        point: float = sens.payback or 0.0
        finite = [x for pair in ends for x in pair if x is not None] + [point]
        cap = max(finite) * 1.15
        divisor, axis_title = 1.0, str(_("Payback time for society (months)"))
    else:
        ends = [(r.profit_low, r.profit_high) for r in sens.rows]
        point = sens.profit
        unit = unit_for([point, *(x for pair in ends for x in pair)])
        cap, divisor, axis_title = 0.0, unit.divisor, str(unit.total)
    low_name, high_name = str(_("Input at its low value")), str(_("Input at its high value"))
    never = str(_("never"))
    rows: list[dict[str, Any]] = []
    for r, pair in zip(sens.rows, ends, strict=True):
        label = sensitivity_label(r.key, r.label)
        for end, value in zip((low_name, high_name), pair, strict=True):
            rows.append(
                {
                    "label": label,
                    "end": end,
                    "point": point / divisor,
                    "value": (cap if value is None else value) / divisor,
                    "never": never if value is None else "",
                }
            )
    order = list(dict.fromkeys(row["label"] for row in rows))
    y = {"field": "label", "type": "nominal", "sort": order, "title": None}
    x = {"field": "value", "type": "quantitative", "title": axis_title}
    colour = {
        "field": "end",
        "type": "nominal",
        "scale": {"domain": [low_name, high_name], "range": [_BAND80, _LOSS]},
        "legend": {"orient": "bottom", "title": None},
    }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "bar", "opacity": 0.85},
            "encoding": {"y": y, "x": x, "x2": {"field": "point"}, "color": colour},
        },
        {
            "mark": {"type": "text", "align": "left", "dx": 3, "aria": False},
            "encoding": {"y": y, "x": x, "text": {"field": "never"}},
        },
        {
            "mark": {"type": "rule", "color": _WHISKER, "aria": False},
            "encoding": {"x": {"datum": point / divisor}},
        },
    ]
    subtitle = (
        _("Each input at the ends of its range, the rest at the point estimate (the line).")
        if by_payback
        else _(
            "The point estimate does not pay back: the bars show the profitability after "
            "the horizon."
        )
    )
    return _spec(
        {"text": _("What moves the payback time most"), "subtitle": subtitle},
        {"height": _BAR_STEP * len(order), "data": {"values": rows}, "layer": layers},
    )


def _spec(title: Any, body: dict[str, Any]) -> dict[str, Any]:
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
    return mark_safe(vega.svg(spec))


def actor_chart_svg(report: EconomicsReport) -> SafeString:
    return svg(actor_chart_spec(report))


def curve_chart_svg(report: EconomicsReport) -> SafeString:
    return svg(curve_chart_spec(report))


def tornado_chart_svg(report: EconomicsReport) -> SafeString | None:
    spec = tornado_chart_spec(report)
    return None if spec is None else svg(spec)
