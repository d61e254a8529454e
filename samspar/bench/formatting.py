"""Numbers as the bench commands print them (Swedish style), and the table of Django's
and DuckDB's figures side by side."""

from __future__ import annotations

from typing import NamedTuple

from django.utils.translation import gettext as _

from samspar.bench import core


def number(value: float) -> str:
    """Thousands separated by spaces, as in Swedish: 1 000 000."""
    return f"{value:,.0f}".replace(",", " ")


def decimal(value: float, places: int) -> str:
    """Swedish style as in ``number``, with a decimal comma: 1 234,567."""
    return f"{value:,.{places}f}".replace(",", " ").replace(".", ",")


def figure(name: str, value: core.Figure) -> str:
    """A count as a whole number, a mean with one decimal, no value as a dash."""
    if value is None:
        return "–"
    return decimal(value, 1) if name in core.MEANS else number(value)


class Line(NamedTuple):
    text: str
    agrees: bool = True


def comparison(django: core.Figures, reference: core.Figures) -> list[Line]:
    """One line per figure: women, men and total by Django, then by DuckDB; a figure
    where the two disagree is marked ≠."""
    rows = []
    for name in core.names(django, reference):
        pairs = [(core.value(django, g, name), core.value(reference, g, name)) for g in core.GROUPS]
        cells = [figure(name, a) for a, _b in pairs] + [figure(name, b) for _a, b in pairs]
        rows.append((name, cells, all(core.same(name, a, b) for a, b in pairs)))
    headings = [_("Women"), _("Men"), _("Total")] * 2
    width = max(map(len, [*headings, *(cell for _n, cells, _a in rows for cell in cells)]))
    label = max(map(len, [_("Figure"), *(name for name, _c, _a in rows)]))

    def line(first: str, cells: list[str]) -> str:
        django_side, duckdb_side = (
            "  ".join(f"{c:>{width}}" for c in half) for half in (cells[:3], cells[3:])
        )
        return f"  {first:<{label}}    {django_side}    {duckdb_side}"

    lines = [
        Line(f"  {'':<{label}}    {'Django':<{3 * width + 4}}    DuckDB"),
        Line(line(_("Figure"), headings)),
    ]
    for name, cells, agrees in rows:
        text = line(name, cells)
        lines.append(Line(text if agrees else f"{text}  ≠", agrees))
    return lines
