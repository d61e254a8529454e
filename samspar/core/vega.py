"""Vega-Lite specs rendered on the server by vl-convert, for the reports' and the
evaluations' charts alike: SVG to inline in pages and PDFs, PNG for Word documents.

A chart takes 30–100 ms to render, and the same chart is often asked for again — a
report's page, its preview in the annual report and the PDF, each reader of the same
figures — so each process keeps the latest renderings, keyed on the spec as JSON (what
is drawn, to the last value) and the number format: a bounded cache in memory, never
on disk. Two specs that differ in any value are two entries."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Literal

import vl_convert
from django.utils.translation import get_language

# d3-format locales by language: sv-SE a decimal comma and a no-break space between thousands.
Locale = Literal["sv-SE", "en-US"]
_FORMAT_LOCALES: dict[str, Locale] = {"sv": "sv-SE", "en": "en-US"}
# Renderings kept per process: a chart's SVG is 10–100 kB, its PNG about as much.
_KEPT = 128


def format_locale() -> Locale:
    """The number format of the active language."""
    return _FORMAT_LOCALES.get((get_language() or "sv").split("-")[0], "sv-SE")


def svg(spec: dict[str, Any]) -> str:
    """The spec drawn as SVG markup, numbers in the active language's format."""
    return _svg(json.dumps(spec, sort_keys=True), format_locale())


def png(spec: dict[str, Any], scale: float = 2) -> bytes:
    """The spec drawn as a PNG image, ``scale`` pixels per unit."""
    return _png(json.dumps(spec, sort_keys=True), format_locale(), scale)


@lru_cache(maxsize=_KEPT)
def _svg(spec: str, locale: Locale) -> str:
    return str(vl_convert.vegalite_to_svg(spec, format_locale=locale))


@lru_cache(maxsize=_KEPT)
def _png(spec: str, locale: Locale, scale: float) -> bytes:
    return bytes(vl_convert.vegalite_to_png(spec, scale=scale, format_locale=locale))
