"""Exports (Excel, CSV, JSON, PDF), charts and `samspar report` give the seed's numbers,
hide what suppression hides, never let text become a formula, and take a fixed number
of queries however many participants there are."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from samspar.access.scoping import Role
from samspar.reports.catalogue import REPORTS
from samspar.reports.cellkey import perturbed
from samspar.reports.charts import chart_png, chart_svg, vega_lite_spec
from samspar.reports.exports import FORMATS, export, pdf, report_dict
from samspar.reports.exports.common import csv_safe, formula_like, rounded
from samspar.reports.presentation import table_view
from samspar.reports.scope import Level, ReportScope
from samspar.reports.tables import Chart, Column, Kind, Report, Table
from tests.factories import enrol, make_forbund, make_insats, make_user
from tests.pdf_layout import page_texts, text_beyond_the_margin
from tests.pdf_text import pdf_text
from tests.seeds import AVESTA_YEAR, register, seed_002_participants

PERIOD = ["--from", "2022-01-01", "--to", "2022-12-31"]
# The counts table's worked with, new, ended and active (after the label; shares between).
COUNT_COLUMNS = (0, 2, 4, 5)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed 002 (Samverkansteam Avesta 2022), registered once for the module's tests and
    rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        forbund = make_forbund()
        insats = make_insats(forbund)
        registrator = make_user("seed-coach", Role.REGISTRATOR, insats=insats)
        register(registrator, insats, seed_002_participants())
        yield SimpleNamespace(forbund=forbund, insats=insats, registrator=registrator)
        transaction.set_rollback(True)


@pytest.fixture
def avesta(seeded, db):
    return seeded


def _scope(avesta, *, exact: bool = True, **options) -> ReportScope:
    return ReportScope.for_operator(
        *AVESTA_YEAR,
        level=Level.INSATS,
        object_id=avesta.insats.pk,
        exact=exact,
        **options,
    )


def _export(avesta, key: str, fmt: str, *, exact: bool = True):
    scope = _scope(avesta, exact=exact)
    return export(REPORTS[key].build(scope), scope, fmt)


# --- Excel ---------------------------------------------------------------------------


def _sheet_rows(content: bytes, sheet: int) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content))
    return list(book.worksheets[sheet].iter_rows(values_only=True))


def _body(rows: list[tuple[Any, ...]], first_heading: str) -> dict[str, tuple[Any, ...]]:
    """The table rows below the heading row, by their label."""
    start = next(i for i, row in enumerate(rows) if row[0] == first_heading)
    return {row[0]: row[1:] for row in rows[start + 1 :] if row[0] is not None}


def test_xlsx_has_a_sheet_per_table_with_numbers_as_numbers(avesta):
    exported = _export(avesta, "deltagare", "xlsx")
    assert exported.filename == "samspar-deltagare-2022-01-01-2022-12-31.xlsx"
    assert exported.content_type.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(exported.content))
    assert len(book.worksheets) == 2  # counts, by method
    rows = _sheet_rows(exported.content, 0)
    assert rows[0][0] == str(REPORTS["deltagare"].title)
    header = {row[0]: row[1] for row in rows[1:6]}
    assert header["Period"] == "2022-01-01 – 2022-12-31"
    assert header["Organisation"] == "Insats: Samverkansteam Avesta"
    counts = _body(rows, "Grupp")
    # worked with, share, new, share, ended, active at the end, share
    assert counts["Totalt"] == (75, 100, 32, 100, 23, 52, 100)
    assert [counts["Kvinnor"][i] for i in COUNT_COLUMNS] == [40, 19, 10, 30]
    assert counts["Kvinnor"][1] == pytest.approx(100 * 40 / 75)  # "40 personer (53 %)"
    assert all(type(counts["Totalt"][i]) is int for i in COUNT_COLUMNS)
    total_cell = book.worksheets[0].cell(
        next(i for i, r in enumerate(rows, 1) if r[0] == "Totalt"), 2
    )
    assert total_cell.number_format == "#,##0"
    assert total_cell.font.bold


def test_xlsx_percent_is_an_unrounded_number_shown_with_one_decimal(avesta):
    content = _export(avesta, "resultat", "xlsx").content
    rows = _sheet_rows(content, 0)
    headings = next(row for row in rows if row[0] == "Grupp")
    total = _body(rows, "Grupp")["Totalt"]
    column = headings.index("Resultat mot mål (%)")
    assert total[column - 1] == pytest.approx(100 * 9 / 21)  # 42,857…: shown as 42,9
    row = next(i for i, r in enumerate(rows, 1) if r[0] == "Totalt")
    cell = load_workbook(io.BytesIO(content)).worksheets[0].cell(row, column + 1)
    assert cell.value == pytest.approx(100 * 9 / 21)
    assert cell.number_format == "0.0"


# --- CSV -----------------------------------------------------------------------------


def _csv_tables(content: bytes) -> tuple[list[list[str]], dict[str, list[list[str]]]]:
    """The header lines and each table's lines (heading first) by title."""
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Swedish Excel reads it as UTF-8
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    blocks: list[list[list[str]]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        else:
            blocks.append([])
    return blocks[0], {block[0][0]: block[1:] for block in blocks[1:]}


def test_csv_lists_every_table_after_its_title(avesta):
    exported = _export(avesta, "deltagare", "csv")
    assert exported.content_type == "text/csv; charset=utf-8"
    header, tables = _csv_tables(exported.content)
    assert ["Organisation", "Insats: Samverkansteam Avesta"] in header
    counts = tables["Deltagare med personuppgifter"]
    assert counts[0][0] == "Grupp"
    assert counts[3] == ["Totalt", "75", "100,0", "32", "100,0", "23", "52", "100,0"]
    assert "Deltagare per uppföljningsmetod" in tables


def test_csv_numbers_have_a_decimal_comma(avesta):
    _header, tables = _csv_tables(_export(avesta, "genomstromning", "csv").content)
    throughput = {line[0]: line[1:] for line in tables["Genomströmningstid"][1:]}
    assert throughput["Kvinnor"] == ["10", "9,5", "4", "7,2"]
    assert throughput["Män"] == ["11", "11,4", "5", "8,5"]


# --- JSON ----------------------------------------------------------------------------


def test_json_has_the_report_scope_and_tables(avesta):
    scope = _scope(avesta)
    report = REPORTS["resultat"].build(scope)
    exported = export(report, scope, "json")
    data = json.loads(exported.content)
    assert data == report_dict(report, scope) | {"generated": data["generated"]}
    assert dt.datetime.fromisoformat(data["generated"]).tzinfo is not None
    assert data["report"] == "resultat"
    assert data["period"] == {"from": "2022-01-01", "to": "2022-12-31"}
    assert data["organisation"]["level"] == "insats"
    assert data["organisation"]["id"] == avesta.insats.pk
    assert data["suppression"] == {
        "applied": False,
        "published": False,
        "threshold": None,
        "note": "",
    }
    (table,) = data["tables"]
    assert table["key"] == "results"
    assert table["columns"][-1] == {
        "key": "goal_percent",
        "label": "Resultat mot mål (%)",
        "kind": "percent",
    }
    total = table["rows"][table["total_row"]]
    assert (total["group"], total["ended"], total["to_goal"]) == ("Totalt", 23, 9)
    assert total["goal_percent"] == pytest.approx(100 * 9 / 21)  # unrounded
    assert table["suppressed"] == []


# --- PDF -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["deltagare", "alder"])
def test_pdf_is_a_pdf(avesta, key):
    exported = _export(avesta, key, "pdf")
    assert exported.content.startswith(b"%PDF")
    assert exported.content_type == "application/pdf"
    assert exported.filename == f"samspar-{key}-2022-01-01-2022-12-31.pdf"


def test_pdf_tables_are_formatted_in_swedish_with_the_chart_inline(avesta):
    report = REPORTS["genomstromning"].build(_scope(avesta))
    view = table_view(report.table("throughput"))
    assert [cell.text for cell in view.rows[0].cells] == ["Kvinnor", "10", "9,5", "4", "7,2"]
    assert view.rows[-1].total  # the total row is marked
    assert view.chart_svg is not None and view.chart_svg.startswith("<svg")


def test_the_results_pdf_has_every_column_on_the_page(avesta):
    """Thirteen columns on A4 landscape: set smaller, the last ("Resultat mot mål (%)")
    inside the margin."""
    scope = _scope(avesta)
    report = REPORTS["resultat"].build(scope)
    document = pdf.document(report, scope)
    assert text_beyond_the_margin(document) == []
    first_page = page_texts(document.write_pdf())[0]
    assert "Totalt 43 23 2 8 0 1 4 8 52 9 21 42,9" in first_page


# --- rounding ------------------------------------------------------------------------


def test_means_are_exact_in_json_and_excel_and_rounded_half_up_when_shown(avesta):
    """Seed 002's women's time in public support is 30 years / 8 = 3,75: JSON and Excel
    keep 3.75 (Excel shows it with one decimal), the page, PDF, .docx and CSV show 3,8."""
    scope = _scope(avesta, population="ended_kept")
    report = REPORTS["forsorjningstid"].build(scope)
    women = report.table("public_support").row_by_label("Kvinnor")
    assert women[-1] == 3.75
    data = json.loads(export(report, scope, "json").content)
    assert data["tables"][0]["rows"][0]["mean_years"] == 3.75

    rows = _sheet_rows(export(report, scope, "xlsx").content, 0)
    assert _body(rows, "Grupp")["Kvinnor"][-1] == 3.75
    book = load_workbook(io.BytesIO(export(report, scope, "xlsx").content))
    row = next(i for i, r in enumerate(rows, 1) if r[0] == "Kvinnor")
    assert book.worksheets[0].cell(row, 5).number_format == "0.0"

    _header, tables = _csv_tables(export(report, scope, "csv").content)
    csv_rows = next(lines for title, lines in tables.items() if title.startswith("Tid i"))
    assert csv_rows[1][-1] == "3,8"
    view = table_view(report.table("public_support"))
    assert view.rows[0].cells[-1].text == "3,8"


def test_whole_years_show_without_decimals(avesta):
    scope = _scope(avesta, population="active_end", age_on="end")
    report = REPORTS["alder"].build(scope)
    total = table_view(report.table("age")).rows[-1].cells
    assert [c.text for c in total[1:5]] == ["52", "33,0", "20", "59"]
    rows = _sheet_rows(export(report, scope, "xlsx").content, 0)
    book = load_workbook(io.BytesIO(export(report, scope, "xlsx").content))
    row = next(i for i, r in enumerate(rows, 1) if r[0] == "Totalt")
    assert [book.worksheets[0].cell(row, c).number_format for c in (3, 4, 5)] == [
        "0.0",
        "0",
        "0",
    ]


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (3.75, 1, "3.8"),
        (2.25, 1, "2.3"),  # Python's round() gives 2.2 (half to even)
        (2.675, 2, "2.68"),  # round() gives 2.67 (the float is 2.67499…)
        (100 * 9 / 21, 1, "42.9"),
        (-0.04, 1, "0.0"),  # never "-0,0"
        (20, 0, "20"),
        (Decimal("2.80"), 1, "2.8"),
    ],
)
def test_the_display_rounding_rule(value, places, shown):
    assert str(rounded(value, places)) == shown


# --- suppressed cells in every format ------------------------------------------------


def test_suppressed_cells_in_every_format(avesta):
    """The operator without --exact: the two early dropouts (men) are hidden."""
    scope = _scope(avesta, exact=False)
    report = REPORTS["resultat"].build(scope)
    table = report.table("results")
    total = table.total_row
    assert total is not None
    assert (total, "dropouts") in table.suppressed

    data = report_dict(report, scope)
    assert data["suppression"]["applied"] is True
    assert data["suppression"]["threshold"] == 5
    rows = data["tables"][0]["rows"]
    assert rows[total]["dropouts"] is None
    ended = REPORTS["resultat"].compute(scope).table("results").value(total, "ended")
    assert ended == 23 and rows[total]["ended"] == perturbed(ended, 5)
    assert [total, "dropouts"] in data["tables"][0]["suppressed"]
    assert len(data["tables"][0]["suppressed"]) == len(table.suppressed)

    xlsx_rows = _sheet_rows(export(report, scope, "xlsx").content, 0)
    headings = next(row for row in xlsx_rows if row[0] == "Grupp")
    xlsx_total = _body(xlsx_rows, "Grupp")["Totalt"]
    assert xlsx_total[headings.index("Varav tidiga avhopp") - 1] == "–"
    assert any("Antal under 5 personer visas inte" in str(row[1]) for row in xlsx_rows[:7])

    header, tables = _csv_tables(export(report, scope, "csv").content)
    csv_total = tables["Resultat för de avslutade"][3]
    assert csv_total[0] == "Totalt"
    assert csv_total[3] == "–"
    assert header[-1][0] == "Små tal"

    view = table_view(table)
    assert view.has_suppressed
    assert view.rows[total].cells[3].text == "–"
    assert view.rows[total].cells[3].suppressed

    # The PDF says what is hidden once, in its header, not again under the table.
    text = " ".join(" ".join(pdf_text(export(report, scope, "pdf").content)).split())
    assert text.count("visas inte (–)") == 1


def test_charts_leave_out_the_total_row_and_mark_suppressed_cells(avesta):
    table = REPORTS["deltagare"].build(_scope(avesta)).table("counts")
    spec = vega_lite_spec(table)
    assert spec is not None
    assert spec["title"] == "Deltagare med personuppgifter"
    assert spec["encoding"]["y"]["title"] == "Deltagare"
    values = spec["data"]["values"]
    assert {v["label"] for v in values} == {"Kvinnor", "Män"}
    assert len(values) == 2 * 4
    table.suppressed.add((0, "new"))
    spec = vega_lite_spec(table)
    assert spec is not None
    values = spec["data"]["values"]
    assert len(values) == 2 * 4  # the hidden cell is drawn as hidden, not left out
    [hidden] = [v for v in values if v["hidden"]]
    assert (hidden["label"], hidden["series"]) == ("Kvinnor", "Nya under perioden")
    assert hidden["value"] is None
    assert chart_svg(table).startswith("<svg")
    assert chart_png(table).startswith(b"\x89PNG")


def test_every_chart_has_a_title_and_named_axes(avesta):
    charted = 0
    for spec in REPORTS.values():
        for table in spec.build(_scope(avesta)).tables:
            chart = vega_lite_spec(table)
            if chart is None:
                continue
            charted += 1
            assert chart["title"] == str(table.title)
            encoding = chart["encoding"]
            assert encoding["x"]["title"], table.key
            assert encoding["y"]["title"], table.key
            if all(table.columns[table.column_index(k)].kind == Kind.COUNT for k in table.chart.y):
                assert encoding["y"]["axis"]["tickMinStep"] == 1, table.key
    assert charted >= 15


def test_no_chart_without_a_chart_or_anything_to_draw():
    table = Table("t", "T", [Column("g", "G", Kind.LABEL), Column("n", "N")], [["a", 0]])
    assert vega_lite_spec(table) is None and chart_svg(table) is None
    table.chart = Chart("bar", ("n",))
    assert vega_lite_spec(table) is None  # only a zero
    table.rows[0][1] = 7
    assert vega_lite_spec(table) is not None


# --- formula injection ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+46", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_a_spreadsheet_could_run_gets_an_apostrophe(text):
    assert formula_like(text)
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["Kvinnor", "–24", "25–29", "", "a=b"])
def test_ordinary_text_is_left_alone(text):
    assert not formula_like(text)
    assert csv_safe(text) == text


def test_exports_never_write_a_formula(avesta):
    evil = '=HYPERLINK("http://evil.example","x")'
    table = Table(
        "evil",
        "+Title",
        [Column("group", "@label", Kind.LABEL), Column("n", "N")],
        [[evil, 12], ["-1", 5]],
    )
    report = Report("evil", "Evil", [table])
    scope = _scope(avesta)

    book = load_workbook(io.BytesIO(export(report, scope, "xlsx").content))
    cells = {c.value: c for row in book.worksheets[0].iter_rows() for c in row if c.value}
    assert cells[evil].data_type == "s"  # a string, not a formula ("f")
    assert cells[evil].quotePrefix
    assert cells["-1"].data_type == "s"
    assert cells[12].data_type == "n"

    _header, tables = _csv_tables(export(report, scope, "csv").content)
    lines = tables["'+Title"]
    assert lines[0] == ["'@label", "N"]
    assert lines[1] == ["'" + evil, "12"]
    assert lines[2] == ["'-1", "5"]


# --- samspar report ------------------------------------------------------------------


def _call(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_lists_the_reports(db):
    lines = _call("--list").splitlines()
    assert len(lines) == len(REPORTS)
    key, title, figures = lines[0].split("\t")
    assert (key, figures) == ("deltagare", "#1")
    assert title == str(REPORTS["deltagare"].title)


def test_cli_writes_json_to_stdout(avesta):
    out = _call("deltagare", "--insats", "Samverkansteam Avesta", *PERIOD, "--exact")
    data = json.loads(out)
    counts = data["tables"][0]
    total = counts["rows"][counts["total_row"]]
    assert [total[k] for k in ("worked_with", "new", "ended", "active_end")] == [75, 32, 23, 52]
    assert data["suppression"]["applied"] is False


def test_cli_suppresses_unless_exact(avesta):
    out = _call("resultat", "--forbund", str(avesta.forbund.pk), *PERIOD, "--format", "json")
    data = json.loads(out)
    assert data["organisation"]["level"] == "forbund"
    assert data["suppression"]["applied"] is True
    assert data["tables"][0]["suppressed"]


def test_cli_csv_on_stdout_has_no_byte_order_mark(avesta):
    out = _call("deltagare", "--lan", "Dalarnas län", *PERIOD, "--format", "csv", "--exact")
    assert not out.startswith("\ufeff")
    assert "Totalt;75;100,0;32;100,0;23;52;100,0" in out.splitlines()


def test_cli_writes_a_binary_format_to_a_file(avesta, tmp_path):
    path = tmp_path / "deltagare.xlsx"
    _call("deltagare", "--lan", "20", *PERIOD, "--exact", "--format", "xlsx", "--output", str(path))
    total = _body(_sheet_rows(path.read_bytes(), 0), "Grupp")["Totalt"]
    assert [total[i] for i in COUNT_COLUMNS] == [75, 32, 23, 52]


def test_cli_narrows_an_insats_by_its_forbund_and_takes_the_page_options(avesta):
    other = make_insats(make_forbund("Samordningsförbundet Norra"), "Samverkansteam Avesta")
    with pytest.raises(CommandError, match="Flera insatser"):
        _call("deltagare", "--insats", "Samverkansteam Avesta", *PERIOD)
    forbund = avesta.forbund.name
    args = ("--forbund", forbund, "--insats", "Samverkansteam Avesta", *PERIOD, "--exact")
    options = ("--population", "active_end", "--age-on", "end", "--age-bounds", "30")
    data = json.loads(_call("alder", *args, *options))
    assert data["organisation"]["level"] == "insats"
    age = data["tables"][0]
    total = age["rows"][age["total_row"]]
    assert (total["participants"], total["youngest"], total["oldest"]) == (52, 20, 59)
    groups = data["tables"][1]
    assert [row["group"] for row in groups["rows"]] == ["–29", "30–", "Totalt"]
    assert groups["rows"][0]["total"] == 12  # seed 002: 12 under 30 at year end
    assert other.pk != avesta.insats.pk


def test_cli_covers_the_last_full_year_by_default(db):
    data = json.loads(_call("deltagare"))
    year = dt.date.today().year - 1
    assert data["period"] == {"from": f"{year}-01-01", "to": f"{year}-12-31"}
    assert data["organisation"]["level"] == "all"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Ange en rapport"),
        (("okand",), "Okänd rapport 'okand'"),
        (("deltagare", "--from", "2022-13-01"), "är inte ett datum"),
        (
            ("deltagare", "--from", "2022-06-01", "--to", "2022-05-01"),
            "kan inte sluta innan den börjar",
        ),
        (("deltagare", "--forbund", "Inget förbund"), "Ingen träff för samordningsförbund"),
        (("deltagare", "--insats", "999999"), "Ingen träff för insats"),
        (("deltagare", "--format", "pdf"), "ange en fil med --output"),
        (("deltagare", "--format", "docx"), "invalid choice"),
        (("alder", "--age-bounds", "40,30"), "--age-bounds: Åldrarna måste öka"),
        (("tid-i-insats", "--month-step", "0"), "--month-step: "),
        (("trend", "--base-year", "tjugo"), "--base-year: "),
        (("alder", "--population", "alla"), "invalid choice"),
    ],
)
def test_cli_errors(db, args, message):
    with pytest.raises(CommandError, match=message):
        _call(*args)


# --- queries -------------------------------------------------------------------------

# The deltagare report for a förbund, suppressed, in any format: eight by-gender
# aggregations, the threshold and the organisation's name.
QUERY_BOUND = 15


def test_an_export_takes_the_same_number_of_queries_for_more_enrolments(
    avesta, django_assert_max_num_queries
):
    forbund, insats, registrator = avesta.forbund, avesta.insats, avesta.registrator

    def queries() -> dict[str, int]:
        counts = {}
        for fmt in FORMATS:
            scope = ReportScope.for_operator(
                *AVESTA_YEAR, level=Level.FORBUND, object_id=forbund.pk
            )
            with CaptureQueriesContext(connection) as captured:
                export(REPORTS["deltagare"].build(scope), scope, fmt)
            counts[fmt] = len(captured)
        return counts

    few = queries()
    second = make_insats(forbund, "Arbetsträning")
    coach = make_user("coach2", Role.REGISTRATOR, insats=second)
    for day in range(1, 9):
        enrol(registrator, insats, start_date=dt.date(2022, 3, day))
        enrol(coach, second, start_date=dt.date(2022, 4, day))
    assert queries() == few
    scope = ReportScope.for_operator(*AVESTA_YEAR, level=Level.FORBUND, object_id=forbund.pk)
    with django_assert_max_num_queries(QUERY_BOUND):
        export(REPORTS["deltagare"].build(scope), scope, "xlsx")
