"""The economics outputs on seed 004: tables, charts, summary and the Excel, JSON and
PDF files carry the model's numbers."""

import datetime
import io
import json
import re
import zlib
from dataclasses import replace

import pytest
from django.utils import translation
from openpyxl import load_workbook

from samspar.economics import seed004
from samspar.economics.defaults import shipped_sets
from samspar.economics.model import (
    Perspective,
    Uncertainty,
    evaluate,
    simulate,
    switching_value,
)
from samspar.economics.output import (
    FORMATS,
    charts,
    export,
    report_tables,
    summary_paragraphs,
    tables,
)
from samspar.economics.output.numbers import money, months
from samspar.economics.report import SWITCHING_MONTHS, EconomicsReport, ValueRow
from samspar.reports.presentation import table_view
from samspar.reports.tables import Kind

P = Perspective


def build(evaluation=None, *, draws=500, uncertainty=None):
    shipped = shipped_sets()[2025]
    values = seed004.values(shipped.value_set())
    evaluation = evaluation or seed004.evaluation()
    uncertainty = uncertainty or (Uncertainty(draws=draws) if draws else None)
    return EconomicsReport(
        title="Samverkansteamet",
        organisation="Samordningsförbundet Ale, Kungälv, Stenungsund och Tjörn",
        method="type_cases",
        period="",
        value_set=shipped.name,
        price_year=shipped.price_year,
        evaluation=evaluation,
        result=evaluate(evaluation, values),
        simulation=simulate(evaluation, values, uncertainty) if uncertainty else None,
        switching=[(m, switching_value(evaluation, m)) for m in SWITCHING_MONTHS],
        values=[
            ValueRow(v.key, v.key, values.amounts[v.key], v.unit, v.grade, v.source)
            for v in shipped.values
        ],
        created=datetime.date(2025, 3, 1),
        uncertainty=uncertainty,
    )


@pytest.fixture(scope="module")
def report():
    return build()


def _row(table, perspective):
    return table.rows[list(P).index(perspective)]


# --- tables ----------------------------------------------------------------------


def test_results_table_has_the_models_numbers(report):
    table = tables.results_table(report)
    society = report.result.society
    row = dict(zip([c.key for c in table.columns], _row(table, P.SOCIETY), strict=True))
    assert row["revenue"] == society.revenue
    assert row["revenue_per_participant"] == pytest.approx(society.revenue / 81)
    assert row["cost"] == pytest.approx(7_500_000)
    assert row["profit_horizon"] == society.profit_horizon
    assert row["payback_months"] == society.payback_months
    assert 34 <= row["payback_months"] <= 36
    # amounts and months, never counts: small-count suppression cannot touch it
    assert {c.kind for c in table.columns} == {Kind.LABEL, Kind.AMOUNT, Kind.NUMBER}
    assert len(table.rows) == len(P)


def test_arbetsformedlingen_with_a_negative_revenue_has_no_payback(report):
    assert report.result.perspectives[P.AF].revenue < 0
    table = tables.results_table(report)
    payback = table.column_index("payback_months")
    with translation.override("en"):
        assert str(_row(table, P.AF)[payback]) == "none"
        cells = table_view(table).rows[list(P).index(P.AF)].cells
        assert cells[payback].text == "none"
    # the individual bears no cost: nothing to pay back, the cell stays empty
    assert _row(table, P.INDIVIDUAL)[payback] is None


def test_items_add_up_to_societys_revenue(report):
    table = tables.items_table(report)
    assert table.total_row == len(table.rows) - 1
    total = table.rows[-1]
    assert total[table.column_index("change")] == pytest.approx(report.result.society.revenue)
    with translation.override("en"):
        labels = [(str(r[0]), str(r[1]), str(r[2])) for r in table.rows]
    assert ("Municipality", "Income support", "Financial transfer") in labels
    assert ("Employers", "Production", "Production") in labels


def test_band_tables_only_with_a_simulation(report):
    assert tables.band_tables(replace(report, simulation=None)) == []
    revenue, first_year, profit, payback = tables.band_tables(report)
    assert _row(first_year, P.SOCIETY)[1] == report.simulation.profit_first_year[P.SOCIETY].median
    assert _row(first_year, P.SOCIETY)[1] < 0 < _row(profit, P.SOCIETY)[1]
    low80, high80 = revenue.column_index("low80"), revenue.column_index("high80")
    society = _row(revenue, P.SOCIETY)
    assert society[low80] < report.result.society.revenue < society[high80]
    assert _row(profit, P.SOCIETY)[1] == report.simulation.profit_horizon[P.SOCIETY].median
    assert _row(payback, P.SOCIETY)[low80] < _row(payback, P.SOCIETY)[high80]
    assert _row(payback, P.INDIVIDUAL)[1:] == [None] * 6  # no cost, nothing to pay back


def test_results_per_participant(report):
    table = tables.per_participant_table(report)
    society = dict(zip([c.key for c in table.columns], _row(table, P.SOCIETY), strict=True))
    assert society["revenue"] == pytest.approx(report.result.society.revenue / 81)
    assert society["cost"] == pytest.approx(7_500_000 / 81)
    assert society["profit_first_year"] == pytest.approx(
        report.result.society.profit_first_year / 81
    )
    assert society["profit_horizon"] == pytest.approx(report.result.society.profit_horizon / 81)
    with translation.override("en"):
        assert str(table.columns[-1].label) == "Profitability after 5 years, per participant"


def test_the_switching_value_for_a_chosen_payback_time():
    evaluation = seed004.evaluation()
    chosen = replace(
        build(draws=0),
        switching=[(m, switching_value(evaluation, m)) for m in (12, 18, 24, 36)],
        switching_target=18,
    )
    table = tables.switching_table(chosen)
    assert [r[0] for r in table.rows] == [12, 18, 24, 36]
    assert table.rows[1][2] == pytest.approx(7_500_000 * 12 / 18)
    with translation.override("en"):
        text = " ".join(summary_paragraphs(chosen))
        note = str(table.note)
        needed = money(chosen.switching[1][1])
    assert (
        f"To pay back within 18 months, the revenue for society would have to be {needed}" in text
    )
    assert note.endswith("The evaluation's own target: 18 months.")


def test_curve_cohorts_switching_and_values(report):
    curve = tables.curve_table(report)
    assert [r[0] for r in curve.rows] == list(range(report.result.horizon_years + 1))
    assert curve.rows[0][1] == pytest.approx(-7_500_000)
    assert len(curve.columns) == 7  # year, point estimate, median and four bounds

    cohorts = tables.cohorts_table(report)
    assert cohorts.total_row == len(cohorts.rows) - 1
    assert cohorts.rows[-1][4] == pytest.approx(report.result.society.revenue)

    switching = tables.switching_table(report)
    assert [r[0] for r in switching.rows] == list(SWITCHING_MONTHS)
    assert switching.rows[0][2] == pytest.approx(7_500_000)  # 12 months: the whole cost

    shown = tables.values_table(report).row_by_label("employer_contribution")
    assert shown[1] == "0,3142"
    numeric = tables.values_table(report, numeric=True).row_by_label("employer_contribution")
    assert numeric[1] == 0.3142


def test_every_table_and_none_counts_people(report):
    keys = [t.key for t in report_tables(report)]
    assert keys == [
        "assumptions",
        "results",
        "per_participant",
        "items",
        "bands_revenue",
        "bands_profit_first_year",
        "bands_profit",
        "bands_payback",
        "curve",
        "cohorts",
        "switching",
        "values",
    ]
    # no COUNT column: small-count suppression has nothing to hide
    assert all(c.kind != Kind.COUNT for t in report_tables(report) for c in t.columns)
    plain = [t.key for t in report_tables(replace(report, simulation=None))]
    assert "bands_revenue" not in plain and len(plain) == len(keys) - 4


def test_the_assumptions_are_stated(report):
    with translation.override("en"):
        rows = {str(r[0]): str(r[1]) for r in tables.assumptions_table(report).rows}
    assert rows["Method"] == "Type cases"
    assert rows["Participants"] == "81"
    assert rows["Supply before (average participant)"] == (
        "Income support 50\N{NO-BREAK SPACE}%, Sickness benefit 37.5\N{NO-BREAK SPACE}%, "
        "Activity support 12.5\N{NO-BREAK SPACE}%"
    )
    hours = seed004.RESOURCE_USE["caseworker_kommun"]
    assert rows["Resource use before, per participant and year"].startswith(
        f"Caseworker hours, municipality (per year) {hours:g}"
    )
    assert rows["Cost of the insats"] == "6.0 million SEK"
    assert rows["Indirect-tax factor"] == "1.25"
    assert rows["Socio-economic cost"] == "7.5 million SEK"
    assert rows["Cost split"].startswith("Municipality 25\N{NO-BREAK SPACE}%, Region 25")
    assert rows["Horizon"] == "5 years"
    assert rows["Discount rate"] == "none (not discounted)"
    assert rows["Deadweight"] == "0\N{NO-BREAK SPACE}%"
    assert rows["Optimism-bias haircut"] == "none"
    assert rows["Monte Carlo"] == "500 draws, random seed 2025"
    assert rows["Spread of the standard values by confidence grade"] == (
        "A ±2\N{NO-BREAK SPACE}%, B ±10\N{NO-BREAK SPACE}%, C ±25\N{NO-BREAK SPACE}%, "
        "D ±40\N{NO-BREAK SPACE}%"
    )
    assert rows["Standard values"] == f"{report.value_set}, price year 2025"


def test_adjusted_figures_say_so():
    evaluation = replace(
        seed004.evaluation(), deadweight=0.1, drop_off=0.2, discount_rate=0.035, optimism_bias=True
    )
    report = build(evaluation, uncertainty=Uncertainty(draws=200, deadweight=(0.05, 0.2)))
    with translation.override("en"):
        rows = {str(r[0]): str(r[1]) for r in tables.assumptions_table(report).rows}
        paragraphs = summary_paragraphs(report)
    assert rows["Deadweight"] == (
        "10\N{NO-BREAK SPACE}% (Monte Carlo: 5\N{NO-BREAK SPACE}%–20\N{NO-BREAK SPACE}%)"
    )
    assert rows["Discount rate"] == "3.5\N{NO-BREAK SPACE}%"
    assert rows["Optimism-bias haircut"].startswith("by confidence grade: A 0\N{NO-BREAK SPACE}%")
    assert paragraphs[1] == (
        "The figures are adjusted for a deadweight of 10\N{NO-BREAK SPACE}%, a drop-off of "
        "20\N{NO-BREAK SPACE}% a year, discounting at 3.5\N{NO-BREAK SPACE}% a year and the "
        "optimism-bias haircut by the standard values' confidence grades."
    )
    with translation.override("en"):
        plain = summary_paragraphs(build(draws=0))
    assert not any(p.startswith("The figures are adjusted") for p in plain)


# --- summary and numbers ------------------------------------------------------------


def test_money_and_months_in_swedish_and_english():
    with translation.override("en"):
        assert money(2_630_112) == "2.6 million SEK"
        assert money(32_470.6) == "32,471 SEK"
        assert months(34.2) == "34 months"
        assert months(1) == "1 month"
    assert money(2_630_112).startswith("2,6 ")
    assert money(-4_869_887).startswith("-4,9 ")
    assert money(32_470.6).startswith("32\N{NO-BREAK SPACE}471 ")


def test_summary_gives_revenue_cost_and_payback(report):
    society = report.result.society
    text = " ".join(summary_paragraphs(report))
    assert money(society.revenue) in text and money(society.revenue).startswith("2,6")
    assert money(report.result.total_cost) in text and money(7_500_000).startswith("7,5")
    assert months(society.payback_months) in text
    assert money(society.profit_horizon) in text
    with translation.override("en"):
        paragraphs = summary_paragraphs(report)
        actors = next(p for p in paragraphs if p.startswith("Gaining:"))
        assert "Arbetsförmedlingen -2.8 million SEK per year, no payback time" in actors
        assert "over 12 months" in " ".join(paragraphs)
        assert any("In 80 % of 500 simulations" in p for p in paragraphs)
    assert len(summary_paragraphs(replace(report, simulation=None))) == len(paragraphs) - 1


def test_summary_of_an_insats_that_does_not_pay_back():
    # Nobody works afterwards: society gains only a little saved resource use.
    evaluation = seed004.evaluation()
    cohorts = [replace(c, after=seed004.BEFORE) for c in evaluation.cohorts]
    report = build(replace(evaluation, cohorts=cohorts), draws=0)
    with translation.override("en"):
        text = " ".join(summary_paragraphs(report))
    assert "does not pay back" in text


def test_a_gaining_actor_that_never_recovers_its_share_says_so():
    # Discounted at 50 % a year, a krona a year adds up to less than two: the
    # Försäkringskassan gains a little each year but never its cost share.
    report = build(replace(seed004.evaluation(), discount_rate=0.5), draws=0)
    fk = report.result.perspectives[P.FK]
    assert fk.revenue > 0 and fk.payback_months is None
    with translation.override("en"):
        gaining = next(p for p in summary_paragraphs(report) if p.startswith("Gaining:"))
        expected = (
            f"Försäkringskassan {money(fk.revenue)} per year, does not pay back within 50 years"
        )
    assert expected in gaining
    assert "no payback time" not in gaining.split("Losing:")[0]


def test_summary_of_an_insats_without_cost_is_coherent():
    report = build(replace(seed004.evaluation(), cost=0))
    with translation.override("en"):
        text = " ".join(summary_paragraphs(report))
    assert "nothing to pay back" in text
    assert "never pays back" not in text and "payback time for society" not in text


# --- charts and files ---------------------------------------------------------------


def _axis_labels(svg: str) -> list[str]:
    """The tick labels of the first axis of a vl-convert SVG."""
    group = re.search(r'class="mark-text role-axis-label"[^>]*>(.*?)</g>', svg, re.S)
    assert group is not None
    return re.findall(r"<text[^>]*>([^<]*)</text>", group.group(1))


def test_actor_bars_have_80_percent_whiskers(report):
    spec = charts.actor_chart_spec(report)
    society = spec["data"]["values"][list(P).index(P.SOCIETY)]
    band = report.simulation.revenue[P.SOCIETY]
    assert society["low"] == pytest.approx(band.low80 / 1e6)
    assert society["high"] == pytest.approx(band.high80 / 1e6)
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "rule", "tick", "tick"]
    plain = charts.actor_chart_spec(replace(report, simulation=None))
    assert [layer["mark"]["type"] for layer in plain["layer"]] == ["bar"]


def test_the_axis_unit_follows_the_amounts():
    assert charts.unit_for([2_600_000, -300_000]).divisor == 1_000_000
    assert charts.unit_for([-250_000, 12_000]).divisor == 1_000
    assert charts.unit_for([1_420, None]).divisor == 1
    # a small insats: a tenth of the seed's cost and participants
    small = replace(
        seed004.evaluation(),
        cost=60_000,
        cohorts=[replace(c, count=c.count / 100) for c in seed004.evaluation().cohorts],
    )
    report = build(small)
    with translation.override("en"):
        spec = charts.actor_chart_spec(report)
        svg = charts.actor_chart_svg(report)
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Thousand SEK per year"
    labels = _axis_labels(svg)
    assert len(labels) == len(set(labels)) > 2  # no tick label repeated


def test_charts_are_svg_with_titles(report):
    with translation.override("en"):
        actors = charts.actor_chart_svg(report)
        curve = charts.curve_chart_svg(report)
        plain_curve = charts.curve_chart_svg(replace(report, simulation=None))
    assert actors.startswith("<svg") and "Revenue per year per perspective" in actors
    assert "Arbetsförmedlingen" in actors
    assert curve.startswith("<svg") and "Cumulative profitability for society" in curve
    assert "80 % interval" in curve and "80 % interval" not in plain_curve


def test_xlsx_has_a_summary_sheet_and_numbers(report):
    with translation.override("en"):
        exported = export(report, "xlsx")
    book = load_workbook(io.BytesIO(exported.content))
    assert book.sheetnames[0] == "Summary"
    first = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    assert ("Price year", "2025") in [row[:2] for row in first]
    assert any("2.6 million SEK" in str(row[0]) for row in first)

    results = book["Results"]
    rows = {row[0]: row for row in results.iter_rows(values_only=True) if row[0]}
    society = rows["Society as a whole"]
    assert society[1] == pytest.approx(report.result.society.revenue)
    assert society[6] == pytest.approx(report.result.society.payback_months)
    assert rows["Arbetsförmedlingen"][6] == "none"
    assert exported.filename == "samspar-samhallsekonomi-samverkansteamet-2025-03-01.xlsx"


def test_xlsx_sheet_names_are_short_and_whole(report):
    book = load_workbook(io.BytesIO(export(report, "xlsx").content))
    assert book.sheetnames == [
        "Sammanfattning",
        "Ingångsvärden",
        "Resultat",
        "Per deltagare",
        "Poster per aktör",
        "Osäkerhet intäkt",
        "Osäkerhet lönsamhet 1 år",
        "Osäkerhet lönsamhet 5 år",
        "Osäkerhet återbetalning",
        "Ackumulerad lönsamhet",
        "Grupper",
        "Brytvärden",
        "Standardvärden",
    ]
    # each sheet still carries the table's full title
    assert book["Osäkerhet intäkt"]["A2"].value == "Osäkerhet: intäkt per år"


def test_xlsx_keeps_formula_like_text_as_text(report):
    hostile = replace(report, title='=HYPERLINK("http://x")')
    book = load_workbook(io.BytesIO(export(hostile, "xlsx").content))
    cell = book.worksheets[0]["A1"]
    assert cell.data_type == "s" and cell.value == hostile.title


def test_json_round_trips_with_the_models_numbers(report):
    data = json.loads(export(report, "json").content)
    assert data["results"]["society"]["revenue"] == report.result.society.revenue
    assert round(data["results"]["society"]["revenue"] / 1e6, 1) == 2.6
    assert data["results"]["af"]["payback_months"] is None
    assert data["inputs"]["cost"] == 6_000_000
    assert data["inputs"]["cost_split"] == {"kommun": 0.25, "region": 0.25, "fk": 0.25, "af": 0.25}
    assert data["inputs"]["cohorts"][0]["after"]["work_extent"] == 0.75
    assert data["simulation"]["draws"] == 500
    assert data["inputs"]["monte_carlo"]["spreads"]["C"] == 0.25
    assert data["inputs"]["before"]["supply"] == {
        "forsorjningsstod": 0.5,
        "sjukpenning": 0.375,
        "aktivitetsstod": 0.125,
    }
    assumptions = {a["input"]: a["value"] for a in data["assumptions"]}
    assert assumptions["Tidshorisont"] == "5 år"
    assert len(data["curve"]) == len(data["simulation"]["curve"]) == 6
    assert {v["key"] for v in data["values"]} >= {"average_wage", "employer_contribution"}
    assert (
        json.loads(export(replace(report, simulation=None), "json").content)["simulation"] is None
    )


def test_pdf_has_several_pages(report):
    exported = export(report, "pdf")
    assert exported.content.startswith(b"%PDF")
    assert exported.content_type == "application/pdf"
    pages = 0
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", exported.content, re.S):
        try:
            pages += len(re.findall(rb"/Type\s*/Page\b", zlib.decompress(stream)))
        except zlib.error:
            continue  # not a compressed object stream (e.g. a font)
    assert pages > 1


def test_unknown_format(report):
    assert FORMATS == ("xlsx", "json", "pdf")
    with pytest.raises(ValueError, match="unknown format"):
        export(report, "csv")


def test_every_problem_the_model_reports_has_swedish_words():
    from samspar.economics.labels import _PROBLEMS
    from samspar.economics.model.inputs import MESSAGES

    assert set(MESSAGES) <= set(_PROBLEMS)
    with translation.override("sv"):
        assert all(str(_PROBLEMS[code]) != MESSAGES[code] for code in MESSAGES)
