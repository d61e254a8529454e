"""The team's annual report (#19): composed from the report catalogue on the seed-002
registrations (tests/seeds.py), previewed and edited on its page, downloaded as PDF and
.docx with the same numbers."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from lxml import html  # type: ignore[import-untyped]  # python-docx's dependency

from samspar.access.scoping import Role
from samspar.annual import compose
from samspar.annual.chapters import CHAPTERS, Chapter, Figure
from samspar.annual.compose import build_annual_report
from samspar.annual.models import ChapterText
from samspar.annual.rendering import chapter_views
from samspar.annual.services import save_chapter_text
from tests.factories import make_forbund, make_insats, make_user
from tests.pdf_text import pdf_text
from tests.seeds import register, seed_002_economy, seed_002_participants

YEAR = 2022


@pytest.fixture
def avesta(insats, registrator, manager):
    register(registrator, insats, seed_002_participants())
    seed_002_economy(manager, insats)
    return insats


def _url(name: str, insats, *args: Any) -> str:
    return reverse(name, args=[insats.pk, *args])


def _preview_tables(content: bytes) -> dict[str, list[list[str]]]:
    """{figure id: rows of cell texts (header row first)} of the preview page."""
    page = html.fromstring(content)
    return {
        figure.get("id"): [
            [cell.text_content().strip() for cell in row.xpath("./th|./td")]
            for row in figure.xpath(".//tr")
        ]
        for figure in page.xpath("//figure[contains(@class, 'annual-table')]")
    }


def _total_row(rows: list[list[str]]) -> dict[str, str]:
    """The last row of a table (its total) keyed by header; thousands grouped by spaces."""
    return dict(zip(rows[0], [cell.replace("\xa0", " ") for cell in rows[-1]], strict=True))


def _by_key(report: compose.AnnualReport) -> list[tuple[str, str]]:
    """(chapter code, table key) of every table in report order."""
    return [(c.chapter.code, t.key) for c in report.chapters for t in c.tables]


# --- the composed report -------------------------------------------------------------------


def test_every_chapter_figure_is_in_the_catalogue(avesta, registrator):
    """A chapter never silently loses a table: every (report, table) it names must exist."""
    report = build_annual_report(registrator, avesta, YEAR)
    assert report.missing == [], "chapters name tables the catalogue lacks: " + ", ".join(
        f"{f.report}/{f.table}" for f in report.missing
    )


def test_a_missing_table_is_shown_not_dropped(avesta, registrator, client, monkeypatch):
    figure = Figure("no-such-report", "no-such-table")
    chapters = (Chapter("summary", "Summary", (Figure("deltagare", "nonsense"), figure)),)
    monkeypatch.setattr(compose, "CHAPTERS", chapters)
    report = build_annual_report(registrator, avesta, YEAR)
    assert report.missing == [Figure("deltagare", "nonsense"), figure]

    client.force_login(registrator)
    page = client.get(_url("annual-report", avesta, YEAR)).content.decode()
    assert "no-such-report" in page and "nonsense" in page


def test_the_registrators_see_exact_counts_others_suppressed(avesta, registrator, manager):
    exact = build_annual_report(registrator, avesta, YEAR)
    assert exact.exact
    results = exact.chapters[3].tables[0]
    assert results.key == "results" and not results.suppressed

    hidden = build_annual_report(manager, avesta, YEAR)
    assert not hidden.exact
    results = hidden.chapters[3].tables[0]
    assert results.total_row is not None
    assert (results.total_row, "other_rehab") in results.suppressed  # 1 participant


# --- the preview page ------------------------------------------------------------------------


def test_preview_shows_the_seed_002_numbers(avesta, registrator, client):
    client.force_login(registrator)
    response = client.get(_url("annual-report", avesta, YEAR))
    assert response.status_code == 200
    tables = _preview_tables(response.content)

    counts = _total_row(tables["table-participants-conditions-counts-1"])
    assert [counts[h] for h in list(counts)[1:]] == ["75", "32", "23", "52"]
    age = _total_row(tables["table-participants-conditions-age-2"])
    assert list(age.values())[1:5] == ["52", "33,0", "20,0", "59,0"]

    results = list(_total_row(tables["table-participants-results-results-1"]).values())
    # enrolled at start, ended, dropouts, work, studies, other rehab, compensation, other,
    # active at end, to goal, ended not dropouts, result towards goal (%)
    assert results[1:] == ["43", "23", "2", "8", "0", "1", "4", "8", "52", "9", "21", "42,9"]
    assert list(_total_row(tables["table-participants-results-throughput-2"]).values())[1:] == [
        "21",
        "10,5",
    ]
    rolling = tables["table-participants-results-throughput_rolling-3"]
    assert [row[0] for row in rolling[1:]] == [
        "1907-2006",
        "2001-2012",
        "2007-2106",
        "2101-2112",
        "2107-2206",
        "2201-2212",
    ]
    assert rolling[-1][1:] == ["21", "10,5"]
    support = _total_row(tables["table-participants-results-public_support-4"])
    assert list(support.values())[-1] == "4,8"

    staff = list(_total_row(tables["table-staff-conditions-staff-1"]).values())
    assert staff[1:] == ["3", "2,8"]
    assert list(_total_row(tables["table-staff-conditions-waiting-2"]).values())[-1] == "6"
    budget = list(_total_row(tables["table-organisation-results-budget-1"]).values())
    assert budget[1:] == ["2 300 000", "2 152 194", "147 806"]

    key_figures = html.fromstring(response.content).get_element_by_id("key-figures")
    text = key_figures.text_content()
    for number in ("75", "32", "52", "33", "43 %", "10,5", "4,8", "6"):
        assert number in text
    assert response.content.count(b"<svg") >= 5  # the charts, inline


def test_preview_takes_a_bounded_number_of_queries(
    avesta, registrator, client, django_assert_max_num_queries
):
    """Texts and versions in every chapter cost no query per chapter: the count is that of
    the report builds (about ten queries each), whatever the texts and data."""
    for chapter in CHAPTERS:
        for words in ("Första.", "Andra."):
            save_chapter_text(
                user=registrator,
                insats=avesta,
                year=YEAR,
                chapter=chapter.code,
                description=words,
                reflection="",
            )
    client.force_login(registrator)
    with django_assert_max_num_queries(80):
        assert client.get(_url("annual-report", avesta, YEAR)).status_code == 200


def test_preview_for_an_analyst_takes_a_bounded_number_of_queries(
    avesta, forbund, client, django_assert_max_num_queries
):
    """Someone who does not see exact counts and sees a second insats of the förbund
    gets each report of the annual report built twice: for the insats, and for the
    förbund to compare it with (reports.comparisons). About 120 queries (65 without a
    comparison), whatever the data."""
    second = make_insats(forbund, "Arbetsträning")
    register(make_user("coach2", Role.REGISTRATOR, insats=second), second, seed_002_participants())
    client.force_login(make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund))
    with django_assert_max_num_queries(125):
        assert client.get(_url("annual-report", avesta, YEAR)).status_code == 200


def test_hub_links_to_the_report_and_the_year_selector(avesta, registrator, client):
    client.force_login(registrator)
    hub = client.get(reverse("insats-detail", args=[avesta.pk])).content.decode()
    latest = _url("annual-report-latest", avesta)
    assert latest in hub
    response = client.get(latest, {"year": "2022"})
    assert response.url == _url("annual-report", avesta, 2022)
    assert client.get(latest, {"year": "1999"}).status_code == 302  # falls back to a year
    assert client.get(_url("annual-report", avesta, 2014)).status_code == 404  # before start


def test_outsiders_get_404(avesta, client):
    stranger = make_user("annan", Role.REGISTRATOR, insats=make_insats(make_forbund("Annat")))
    client.force_login(stranger)
    for name in ("annual-report", "annual-report-pdf", "annual-report-docx"):
        assert client.get(_url(name, avesta, YEAR)).status_code == 404
    edit = _url("annual-chapter-edit", avesta, YEAR, "summary")
    assert client.post(edit, {"description": "x", "reflection": ""}).status_code == 404
    assert not ChapterText.objects.exists()


# --- editing the texts -----------------------------------------------------------------------


def test_a_registrator_edits_in_place_and_without_javascript(avesta, registrator, client):
    client.force_login(registrator)
    edit = _url("annual-chapter-edit", avesta, YEAR, "participants-process")
    response = client.post(
        edit, {"description": "Studiebesök är obligatoriskt.", "reflection": "Bra."}
    )
    assert response.status_code == 302
    assert response.url.endswith("#chapter-participants-process")

    response = client.post(
        edit,
        {"description": "Studiebesök är obligatoriskt.\n\nProvtid två månader.", "reflection": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    fragment = html.fromstring(f"<div>{response.content.decode()}</div>")
    status = fragment.xpath("//*[@id='edit-participants-process']//p")[0].text_content()
    assert "2" in status  # the version count
    assert fragment.xpath("//*[@class='saved']")
    description = fragment.get_element_by_id("description-participants-process")
    assert description.get("hx-swap-oob") == "true"
    assert "Provtid två månader." in description.text_content()

    text = ChapterText.objects.get(insats=avesta, year=YEAR, chapter="participants-process")
    assert text.reflection == "" and text.history.count() == 2
    page = client.get(_url("annual-report", avesta, YEAR)).content.decode()
    assert "Provtid två månader." in page


def test_a_viewer_reads_but_may_not_write(avesta, forbund, registrator, client):
    save_chapter_text(
        user=registrator,
        insats=avesta,
        year=YEAR,
        chapter="summary",
        description="Teamet har arbetat med 75 individer.",
        reflection="",
    )
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    client.force_login(board)
    response = client.get(_url("annual-report", avesta, YEAR))
    assert response.status_code == 200
    assert "Teamet har arbetat med 75 individer." in response.content.decode()
    assert not html.fromstring(response.content).xpath("//textarea")
    edit = _url("annual-chapter-edit", avesta, YEAR, "summary")
    assert client.post(edit, {"description": "Nej", "reflection": ""}).status_code == 403
    assert client.get(edit).status_code == 403
    assert ChapterText.objects.get().description == "Teamet har arbetat med 75 individer."


def test_the_history_lists_every_version(avesta, registrator, manager, client):
    for user, words in [(registrator, "Första."), (manager, "Andra.")]:
        save_chapter_text(
            user=user,
            insats=avesta,
            year=YEAR,
            chapter="staff-methods",
            description=words,
            reflection="",
        )
    client.force_login(registrator)
    response = client.get(_url("annual-chapter-history", avesta, YEAR, "staff-methods"))
    versions = html.fromstring(response.content).xpath("//article[@class='version']")
    headings = [v.xpath(".//h3")[0].text_content() for v in versions]
    assert len(versions) == 2
    assert "chef" in headings[0] and "coach" in headings[1]  # newest first
    assert "Andra." in versions[0].text_content() and "Första." in versions[1].text_content()
    assert client.get(_url("annual-chapter-history", avesta, YEAR, "nope")).status_code == 404


# --- downloads -------------------------------------------------------------------------------


def test_the_docx_has_the_same_numbers_in_real_tables(avesta, registrator, client):
    client.force_login(registrator)
    response = client.get(_url("annual-report-docx", avesta, YEAR))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="arsrapport-samverkansteam-avesta-2022.docx"'
    )
    doc = Document(io.BytesIO(response.content))
    keys = _by_key(build_annual_report(registrator, avesta, YEAR))
    assert len(doc.tables) == len(keys)
    tables = {
        key: [[cell.text for cell in row.cells] for row in table.rows]
        for key, table in zip(keys, doc.tables, strict=True)
    }
    counts = tables["participants-conditions", "counts"][-1]
    assert counts[1:] == ["75", "32", "23", "52"]
    results = tables["participants-results", "results"][-1]
    assert results[4:9] == ["8", "0", "1", "4", "8"] and results[-1] == "42,9"
    assert tables["participants-results", "throughput"][-1][-1] == "10,5"
    assert tables["participants-results", "public_support"][-1][-1] == "4,8"
    assert tables["participants-conditions", "age"][-1][2] == "33,0"
    budget = tables["organisation-results", "budget"][-1]
    assert [cell.replace("\xa0", " ") for cell in budget[1:]] == [
        "2 300 000",
        "2 152 194",
        "147 806",
    ]
    assert len(doc.inline_shapes) >= 5  # the charts, as pictures
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [str(c.title) for c in CHAPTERS]


def test_the_pdf_is_produced(avesta, registrator, client):
    client.force_login(registrator)
    response = client.get(_url("annual-report-pdf", avesta, YEAR))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="arsrapport-samverkansteam-avesta-2022.pdf"'
    )
    assert response.content.startswith(b"%PDF")


def _cell_texts(report: compose.AnnualReport) -> dict[tuple[str, str], list[list[str]]]:
    """The formatted cells of every table, header row first, as every output prints them."""
    return {
        (chapter.code, view.table.key): [
            [cell.text for cell in view.headers],
            *([cell.text for cell in row.cells] for row in view.rows),
        ]
        for chapter in chapter_views(report)
        for view in chapter.tables
    }


def _docx_tables(content: bytes, report: compose.AnnualReport) -> dict[tuple[str, str], Any]:
    doc = Document(io.BytesIO(content))
    return {
        key: [[cell.text for cell in row.cells] for row in table.rows]
        for key, table in zip(_by_key(report), doc.tables, strict=True)
    }


def _docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


@pytest.mark.parametrize("role", [Role.INSATS_MANAGER, Role.BOARD])
def test_the_downloads_hide_small_counts_from_others_than_the_registrators(
    avesta, forbund, client, role
):
    """The PDF and the .docx print the suppressed report, with the note and threshold."""
    reader = make_user(
        "läsare",
        role,
        insats=avesta if role == Role.INSATS_MANAGER else None,
        forbund=forbund if role == Role.BOARD else None,
    )
    report = build_annual_report(reader, avesta, YEAR)
    expected = _cell_texts(report)
    results = expected["participants-results", "results"]
    assert results[2][3] == "–"  # the men's two early dropouts
    client.force_login(reader)

    docx = client.get(_url("annual-report-docx", avesta, YEAR)).content
    assert _docx_tables(docx, report) == expected
    assert "Antal under 5 döljs" in _docx_text(docx)

    text = pdf_text(client.get(_url("annual-report-pdf", avesta, YEAR)).content)
    assert any("Antal under 5 döljs" in line for line in text)
    title = str(next(t for t in report.chapters[3].tables if t.key == "results").title)
    men = text.index("Män", text.index(title))
    assert text[men : men + len(results[2])] == results[2]


def test_a_registrator_downloads_the_report_for_publication(avesta, registrator, client):
    """The exact numbers on the page; ?published=1 hides small counts in the preview,
    the PDF and the .docx, and says so with the threshold."""
    client.force_login(registrator)
    page = client.get(_url("annual-report", avesta, YEAR)).content.decode()
    assert f"{_url('annual-report', avesta, YEAR)}?published=1" in page
    exact = _preview_tables(client.get(_url("annual-report", avesta, YEAR)).content)
    assert "–" not in str(exact)

    published = client.get(_url("annual-report", avesta, YEAR), {"published": "1"})
    tree = html.fromstring(published.content)
    note = tree.get_element_by_id("small-counts").text_content()
    assert "För publicering." in note and "Antal under 5 döljs" in note
    hrefs = {a.get("href") for a in tree.xpath("//a")}
    assert _url("annual-report-pdf", avesta, YEAR) + "?published=1" in hrefs
    assert _url("annual-report", avesta, YEAR) in hrefs  # back to the exact numbers
    results = _preview_tables(published.content)["table-participants-results-results-1"]
    assert results[2][3] == "–"  # the men's two early dropouts

    report = build_annual_report(registrator, avesta, YEAR, published=True)
    assert not report.exact
    docx = client.get(_url("annual-report-docx", avesta, YEAR), {"published": "1"}).content
    assert _docx_tables(docx, report) == _cell_texts(report)
    assert "För publicering." in _docx_text(docx)
    text = pdf_text(client.get(_url("annual-report-pdf", avesta, YEAR), {"published": "1"}).content)
    assert any("För publicering." in line and "5" in line for line in text)
    exact_docx = client.get(_url("annual-report-docx", avesta, YEAR)).content
    assert "Antal under" not in _docx_text(exact_docx)
