"""Charts show what is hidden and print numbers as the tables do (issue 11, item 3): a
suppressed cell is a marked placeholder with the tables' note, never a missing bar that
reads as zero; a chart's numbers are the table's cells, rounded by the same formatter."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

from samspar.access.scoping import Role
from samspar.annual.compose import build_annual_report
from samspar.core import vega
from samspar.reports.catalogue import REPORTS
from samspar.reports.charts import chart_png, chart_svg, vega_lite_spec
from samspar.reports.presentation import table_view
from samspar.reports.scope import Level, ReportScope
from samspar.reports.tables import Chart, Column, Kind, Table
from tests.factories import make_user
from tests.seeds import AVESTA_YEAR

YEAR = 2022
pytestmark = pytest.mark.seed_002  # the module's insats holds seed 002 (for those asking)
NOTE = "– Dolt: färre deltagare än förbundets gräns"


def _table(kind: str, rows: list[list[Any]], *series: Column, **extra: Any) -> Table:
    """A table of ``series`` by group, with a total row, charted as ``kind``."""
    return Table(
        "t",
        "T",
        [Column("group", "Grupp", Kind.LABEL), *series],
        rows,
        total_row=len(rows) - 1,
        chart=Chart(kind, tuple(c.key for c in series)),
        **extra,
    )


def _datum(spec: dict[str, Any], label: str, series: str) -> dict[str, Any]:
    [datum] = [v for v in spec["data"]["values"] if (v["label"], v["series"]) == (label, series)]
    return datum


def _svg(table: Table) -> str:
    svg = chart_svg(table)
    assert svg is not None
    return svg


def _spec(table: Table) -> dict[str, Any]:
    spec = vega_lite_spec(table)
    assert spec is not None
    return spec


def _aria_labels(svg: str) -> list[str]:
    return re.findall(r'aria-label="([^"]*)"', svg)


WOMEN, MEN = Column("women", "Kvinnor"), Column("men", "Män")


def test_a_hidden_bar_is_a_marked_placeholder_with_the_note_not_a_zero():
    table = _table("bar", [["Kommun", 5, None], ["Region", 5, 7], ["Totalt", 10, 19]], WOMEN, MEN)
    table.suppressed = {(0, "men"), (2, "men")}
    spec = vega_lite_spec(table)
    assert spec is not None
    hidden = _datum(spec, "Kommun", "Män")
    assert hidden["hidden"] is True
    assert hidden["value"] is None  # no bar, and nothing that reads as zero
    assert hidden["text"] == "–"
    assert hidden["base"] == 0
    assert not any(v["value"] == 0 for v in spec["data"]["values"])
    assert [v["text"] for v in spec["data"]["values"] if not v["hidden"]] == ["5", "5", "7"]
    shown, placeholder, mark = spec["layer"]
    assert shown["mark"]["type"] == "bar" and shown["transform"] == [{"filter": "!datum.hidden"}]
    # An empty dashed bar from the baseline to the top of the plot, in the series' slot.
    assert placeholder["mark"]["type"] == "rect" and placeholder["mark"]["strokeDash"]
    assert placeholder["transform"] == [{"filter": "datum.hidden"}]
    assert placeholder["encoding"]["y"]["field"] == "base"
    assert placeholder["encoding"]["y2"] == {"value": 0}
    assert spec["encoding"]["xOffset"]["field"] == "series"  # shared by every layer
    assert mark["encoding"]["text"] == {"value": "–"}
    assert spec["title"]["text"] == "T"
    assert " ".join(spec["title"]["subtitle"]).startswith(NOTE)
    # Headroom over the highest shown bar, so a placeholder never ends where a bar does.
    assert spec["encoding"]["y"]["scale"]["domainMax"] == pytest.approx(7 * 1.15)

    svg = chart_svg(table)
    assert svg is not None
    labels = _aria_labels(svg)
    assert "Kommun, Män: –" in labels
    assert {"Kommun, Kvinnor: 5", "Region, Kvinnor: 5", "Region, Män: 7"} <= set(labels)
    assert any(label.startswith(f"Subtitle text '{NOTE}") for label in labels)
    assert ">–</text>" in svg  # the mark over the placeholder
    assert 'stroke-dasharray="4,3"' in svg
    assert chart_png(table).startswith(b"\x89PNG")


def test_a_chart_without_hidden_cells_has_no_placeholder_and_no_note():
    table = _table("bar", [["Kommun", 5, 6], ["Region", 5, 7], ["Totalt", 10, 13]], WOMEN, MEN)
    spec = vega_lite_spec(table)
    assert spec is not None
    assert "layer" not in spec and spec["mark"] == {"type": "bar"}
    assert spec["title"] == "T"
    assert not any(v["hidden"] for v in spec["data"]["values"])
    assert "Dolt" not in chart_svg(table)


def test_a_hidden_stack_segment_sits_on_top_of_the_shown_ones():
    work, studies = Column("work", "Arbete"), Column("studies", "Studier")
    other = Column("other", "Övrigt")
    table = _table(
        "stacked",
        [["Kvinnor", 4, None, 6], ["Män", None, None, 3], ["Totalt", 8, 1, 9]],
        work,
        studies,
        other,
    )
    table.suppressed = {(0, "studies"), (1, "work"), (1, "studies")}
    spec = vega_lite_spec(table)
    assert spec is not None
    assert _datum(spec, "Kvinnor", "Studier")["base"] == 10  # 4 + 6 shown below it
    assert _datum(spec, "Män", "Arbete")["base"] == 3
    assert _datum(spec, "Män", "Studier")["value"] is None
    assert spec["encoding"]["y"]["stack"] == "zero"
    _shown, placeholder, mark = spec["layer"]
    # Each hidden segment in its series' slot of the stack, outlined in its colour.
    assert placeholder["encoding"]["xOffset"]["field"] == "series"
    assert placeholder["encoding"]["stroke"]["field"] == "series"
    assert mark["encoding"]["xOffset"]["field"] == "series"
    assert spec["encoding"]["y"]["scale"]["domainMax"] == pytest.approx(10 * 1.15)
    assert {"Kvinnor, Studier: –", "Män, Arbete: –", "Män, Studier: –"} <= set(
        _aria_labels(_svg(table))
    )


def _colours(svg: str, attribute: str, hidden: bool) -> dict[str, set[str]]:
    """{series: the ``attribute`` colours of its hidden (or shown) cells' marks}."""
    colours: dict[str, set[str]] = {}
    for name, text, mark in re.findall(
        r'<path aria-label="[^",]*, ([^":]*): ([^"]*)"([^>]*)>', svg
    ):
        found = re.search(rf' {attribute}="(#[0-9a-f]+)"', mark)
        if found and (text == "–") == hidden:
            colours.setdefault(name, set()).add(found.group(1))
    return colours


@pytest.mark.parametrize("kind", ["stacked", "bar"])
def test_a_hidden_cell_is_outlined_in_its_own_series_colour(kind):
    """The placeholder's outline is the colour its series has in the legend and the
    shown bars, also when the first series hidden is not the first series (the results
    chart outlined a hidden "Övrigt" in the colour of "Till studier")."""
    series = [Column(k, k.title()) for k in ("work", "studies", "rehab", "comp", "other")]
    table = _table(
        kind,
        [
            ["Kvinnor", 8, 5, 9, None, 23],
            ["Män", 5, 5, 11, None, None],
            ["Totalt", 13, 10, 20, 3, 30],
        ],
        *series,
    )
    table.suppressed = {(0, "comp"), (1, "comp"), (1, "other"), (2, "comp")}
    svg = chart_svg(table)
    assert svg is not None
    fills, outlines = _colours(svg, "fill", False), _colours(svg, "stroke", True)
    assert set(outlines) == {"Comp", "Other"}
    assert outlines["Other"] == fills["Other"]  # green, as Kvinnor's shown 23
    assert len(fills["Work"] | fills["Studies"] | fills["Rehab"] | fills["Other"]) == 4
    # "Comp" is hidden in every row: its outline is its own, no other series' colour.
    assert len(outlines["Comp"]) == 1
    assert not outlines["Comp"] & set().union(*fills.values())


def test_a_hidden_point_breaks_the_line_with_a_marked_rule():
    months = Column("months", "Månader", Kind.NUMBER)
    table = _table(
        "line", [["2101", 12.04], ["2102", None], ["2103", 14.25], ["2104", 13.0]], months
    )
    table.total_row = None
    table.suppressed = {(1, "months")}
    spec = vega_lite_spec(table)
    assert spec is not None
    assert [v["value"] for v in spec["data"]["values"]] == [12.04, None, 14.25, 13.0]
    line, rule, _mark = spec["layer"]
    assert line["mark"] == {"type": "line", "point": True}
    assert line["transform"] == []  # the null stays in the line: it breaks there
    assert rule["mark"]["type"] == "rule" and rule["mark"]["strokeDash"]
    svg = chart_svg(table)
    assert svg is not None
    # The line is two pieces: it moves to the point after the gap instead of drawing to it.
    [path] = re.findall(r'<g class="mark-line[^>]*><path [^>]*d="([^"]*)"', svg)
    assert path.count("M") == 2 and path.count("L") == 1
    labels = _aria_labels(svg)
    assert {"2101, Månader: 12,0", "2102, Månader: –", "2103, Månader: 14,3"} <= set(labels)


def test_chart_numbers_are_rounded_as_the_table_rounds_them():
    mean = Column("months", "Medel", Kind.NUMBER)
    share = Column("share", "Andel", Kind.PERCENT, decimals=0)
    table = _table(
        "bar", [["Kvinnor", 17.2857142857, 42.5], ["Män", 9.25, 57.5], ["Totalt", 13, 100]], mean
    )
    spec = vega_lite_spec(table)
    assert spec is not None
    assert [v["text"] for v in spec["data"]["values"]] == ["17,3", "9,3"]
    assert spec["data"]["values"][0]["value"] == 17.2857142857  # drawn at its value
    svg = chart_svg(table)
    assert svg is not None
    assert "Kvinnor, Medel: 17,3" in _aria_labels(svg)
    assert "Män, Medel: 9,3" in _aria_labels(svg)  # half away from zero, as the tables
    assert "17.28" not in svg and "17,28" not in svg
    # The column's own decimals: a share with none.
    table.columns.append(share)
    table.chart = Chart("bar", ("share",))
    assert [v["text"] for v in _spec(table)["data"]["values"]] == ["43", "58"]
    # English pages: a decimal point.
    table.chart = Chart("bar", ("months",))
    with translation.override("en"):
        assert "Kvinnor, Medel: 17.3" in _aria_labels(_svg(table))


# --- seed 002's annual report ---------------------------------------------------------


@pytest.fixture
def board(forbund):
    return make_user("styrelse", Role.BOARD, forbund=forbund)


def test_the_referral_chart_marks_a_hidden_referrer_instead_of_dropping_it(registrator, insats):
    """The issue's example: a referrer's hidden count was left out of the chart and read
    as zero. Kommun referred 12 of the 32 new, all paid by social services; hidden, it is a
    placeholder where its bar would stand."""
    report = build_annual_report(registrator, insats, YEAR)
    table = next(t for c in report.chapters for t in c.tables if t.key == "referrers_by_supply")
    spec = vega_lite_spec(table)
    assert spec is not None
    assert _datum(spec, "Kommun", "Socialtjänsten")["value"] == 12
    assert _datum(spec, "Region", "Försäkringskassan")["text"] == "8"
    kommun = next(r for r, row in enumerate(table.rows) if row[0] == "Kommun")
    table.suppressed = {(kommun, "kommun"), (kommun, "total")}
    spec = vega_lite_spec(table)
    assert spec is not None
    hidden = _datum(spec, "Kommun", "Socialtjänsten")
    assert (hidden["value"], hidden["hidden"], hidden["text"]) == (None, True, "–")
    assert _datum(spec, "Kommun", "Försäkringskassan")["value"] == 0  # a real zero stays
    assert _datum(spec, "Region", "Försäkringskassan")["value"] == 8
    svg = chart_svg(table)
    assert svg is not None
    assert "Kommun, Socialtjänsten: –" in _aria_labels(svg)
    assert NOTE in svg


def test_every_hidden_cell_of_the_boards_annual_report_charts_is_marked(board, insats):
    report = build_annual_report(board, insats, YEAR)
    marked = 0
    for table in (t for c in report.chapters for t in c.tables):
        spec = vega_lite_spec(table)
        if spec is None:
            continue
        values = spec["data"]["values"]
        for datum in values:
            assert (datum["value"] is None) == datum["hidden"], (table.key, datum)
            assert datum["text"] == "–" if datum["hidden"] else datum["text"] != "–"
        hidden = [v for v in values if v["hidden"]]
        marked += len(hidden)
        # Every hidden cell of a plotted row and series is drawn, as hidden.
        plotted = {v["label"] for v in values}
        names = {c.key: str(c.label) for c in table.columns}
        for r, key in table.suppressed:
            if key in table.chart.y and r != table.total_row and str(table.rows[r][0]) in plotted:
                assert _datum(spec, str(table.rows[r][0]), names[key])["hidden"], (table.key, r)
        if hidden:
            assert " ".join(spec["title"]["subtitle"]).startswith(NOTE), table.key
            assert [layer["transform"] for layer in spec["layer"][1:]] == [
                [{"filter": "datum.hidden"}]
            ] * 2
        else:
            assert spec["title"] == str(table.title)
    # The board does not see seed 002's small counts (2 early dropouts, 1 to other
    # rehabilitation …): some charted cell is hidden.
    assert marked > 0


@pytest.mark.parametrize("exact", [True, False])
def test_every_catalogue_chart_prints_its_cells_as_the_table_does(insats, exact):
    """Every chart of the catalogue, bar, stacked and line: each datum's text is its
    cell on the page, hidden or not, and no mark's name carries more decimals."""
    scope = ReportScope.for_operator(
        *AVESTA_YEAR, level=Level.INSATS, object_id=insats.pk, exact=exact
    )
    kinds, hidden, decimals = set(), 0, 0
    for report_spec in REPORTS.values():
        for table in report_spec.build(scope).tables:
            spec = vega_lite_spec(table)
            if spec is None:
                continue
            kinds.add(table.chart.kind)
            view = table_view(table)
            page = {
                (str(row[0]), str(c.label)): view.rows[r].cells[i].text
                for r, row in enumerate(table.rows)
                for i, c in enumerate(table.columns)
            }
            for datum in spec["data"]["values"]:
                assert datum["text"] == page[datum["label"], datum["series"]], table.key
                hidden += datum["hidden"]
                decimals += "," in datum["text"]
            svg = chart_svg(table)
            assert svg is not None
            for label in _aria_labels(svg):
                assert not re.search(r"\d[.,]\d{2}", label), (table.key, label)
    assert kinds == {"bar", "stacked", "line"}
    assert decimals > 0  # means and shares among them, with their one decimal
    assert (hidden > 0) is not exact


def _bar(value: float) -> dict[str, Any]:
    return {
        "data": {"values": [{"label": "a", "n": value}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "label", "type": "nominal"},
            "y": {
                "field": "n",
                "type": "quantitative",
                "axis": {"values": [value], "format": ",.1f"},
            },
        },
    }


def test_a_chart_asked_for_again_is_drawn_once_and_a_changed_one_again():
    """The same spec in the same language is drawn once per process; another value or
    another language's number format is another drawing."""
    vega._svg.cache_clear()
    first = vega.svg(_bar(1234.5))
    assert vega.svg(_bar(1234.5)) == first
    assert vega._svg.cache_info().hits == 1 and vega._svg.cache_info().misses == 1
    assert ">1\xa0234,5<" in first  # sv-SE: a space between thousands, a decimal comma
    assert vega.svg(_bar(1234.25)) != first
    with translation.override("en"):
        english = vega.svg(_bar(1234.5))
    assert ">1,234.5<" in english
    assert vega._svg.cache_info().misses == 3
    vega._png.cache_clear()
    assert vega.png(_bar(1234.5)).startswith(b"\x89PNG")
    assert vega.png(_bar(1234.5)) == vega.png(_bar(1234.5), scale=2)
    assert vega._png.cache_info().hits == 2 and vega._png.cache_info().misses == 1
    assert vega.png(_bar(1234.5), scale=1) != vega.png(_bar(1234.5))
