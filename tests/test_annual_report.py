"""The team's annual report (#19): composed from the report catalogue on the seed-002
registrations (tests/seeds.py), previewed and edited on its page, downloaded as PDF and
.docx with the same numbers."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.table import Table as DocxTable
from lxml import html  # type: ignore[import-untyped]  # python-docx's dependency

from samspar.access.scoping import Role
from samspar.annual import compose, documents
from samspar.annual.chapters import BY_CODE, CHAPTERS, Chapter, Figure
from samspar.annual.compose import build_annual_report
from samspar.annual.models import ChapterText
from samspar.annual.rendering import chapter_views
from samspar.annual.services import save_chapter_text
from samspar.reports.catalogue import REPORTS
from tests.factories import enrol, make_forbund, make_insats, make_pnr, make_user
from tests.pdf_layout import page_texts, text_beyond_the_margin
from tests.pdf_text import pdf_text
from tests.seeds import register, seed_002_economy, seed_002_participants

YEAR = 2022
pytestmark = pytest.mark.seed_002  # the module's insats holds seed 002


@pytest.fixture
def avesta(insats, manager):
    seed_002_economy(manager, insats)
    return insats


def _url(name: str, insats, *args: Any) -> str:
    return reverse(name, args=[insats.pk, *args])


def _preview_tables(content: bytes) -> dict[tuple[str, str], list[list[str]]]:
    """{(chapter code, table key): rows of cell texts (header row first)} of the preview
    page; figure ids are "table-<chapter>-<table key>-<n>"."""
    page = html.fromstring(content)
    tables = {}
    for figure in page.xpath("//figure[contains(@class, 'annual-table')]"):
        name = figure.get("id").removeprefix("table-").rsplit("-", 1)[0]
        chapter = next(c.code for c in CHAPTERS if name.startswith(c.code + "-"))
        tables[chapter, name.removeprefix(chapter + "-")] = [
            [cell.text_content().strip() for cell in row.xpath("./th|./td")]
            for row in figure.xpath(".//tr")
        ]
    return tables


# The summary's sentences, whole: seed 002's "arbetat med 75 individer, 32 personer är
# nyinskrivna … 52 personer den 31/12 … 33 år … 21 personer har avslutats …, 9 (43%) …
# 10,5 månader … 4,8 år … 6 personer".
KEY_FIGURES = [
    "Teamet har under året arbetat med 75 deltagare, varav 32 är nyinskrivna under året.",
    "Vid årets slut var 52 personer inskrivna.",
    "Medelåldern var 33 år.",
    "21 personer har avslutats (tidiga avhopp ej medräknade); 9 (43 %) av dessa gick till "
    "arbete, studier eller annan arbetslivsinriktad rehabilitering.",
    "Genomströmningstiden för de avslutade deltagarna var 10,5 månader.",
    "Före insatsen hade de i genomsnitt haft offentlig försörjning i 4,8 år.",
    "Vid årets slut väntade 6 personer på att skrivas in.",
]


def _by_label(rows: list[list[str]]) -> dict[str, list[str]]:
    """A table's body rows by their first cell; thousands grouped by plain spaces."""
    return {row[0]: [cell.replace("\xa0", " ") for cell in row[1:]] for row in rows[1:]}


def assert_seed_002_tables(tables: dict[tuple[str, str], list[list[str]]]) -> None:
    """Seed 002's numbers, chapter by chapter, as the preview and the .docx print them
    (shares and means with one decimal, no "%" after a share)."""

    def rows(chapter: str, key: str) -> dict[str, list[str]]:
        return _by_label(tables[chapter, key])

    # 1. "75 deltagare … 40 personer (53%) kvinnor och 35 personer (47%) män"; 32 new,
    # "19 (59%) kvinnor och 13 (41%) män"; at year end "22 (42%) män och 30 (58%) kvinnor".
    # Columns: worked with, share, new, share, ended, active at the end, share.
    counts = rows("participants-conditions", "counts")
    assert counts["Kvinnor"] == ["40", "53,3", "19", "59,4", "10", "30", "57,7"]
    assert counts["Män"] == ["35", "46,7", "13", "40,6", "13", "22", "42,3"]
    assert counts["Totalt"] == ["75", "100,0", "32", "100,0", "23", "52", "100,0"]
    # "Medelåldern … 33 år, den yngste 20 år och den äldsta 59 år … 12 personer under 30
    # år, alltså 23%": the 52 active at year end. Whole years without decimals.
    assert rows("participants-conditions", "age")["Totalt"] == [
        "52",
        "33,0",
        "20",
        "59",
        "12",
        "23,1",
    ]
    # "Handläggare och försörjningsgrund": support before of the 32 new by who pays it
    # (social services, FK, AF, other), and who referred them.
    cross = rows("participants-conditions", "referrers_by_supply")
    assert cross["Totalt"] == ["14", "13", "0", "5", "32"]
    assert [
        cross[a][-1] for a in ("Kommun", "Arbetsförmedlingen", "Försäkringskassan", "Region")
    ] == [
        "12",
        "2",
        "5",
        "13",
    ]

    # 3. "Deltagarresultat 220101-221231": enrolled on 1 January (43, not the seed's 42),
    # ended, dropouts, work, studies, other rehabilitation, compensation, other, active at
    # the end, to goal, ended not dropouts, result towards goal (%): "9 av 21 = 43%".
    results = rows("participants-results", "results")
    assert results["Totalt"] == ["43", "23", "2", "8", "0", "1", "4", "8", "52", "9", "21", "42,9"]
    # "Arbete: 4 kvinnor, 4 män; Annan arbetslivsinriktad rehab: 1 man".
    assert results["Kvinnor"][3:8] == ["4", "0", "0", "2", "4"]
    assert results["Män"][3:8] == ["4", "0", "1", "2", "4"]
    # "3 kvinnor och 4 män … medicinsk rehab/annat stöd, 1 kvinna pga föräldraledighet
    # samt 2 kvinnor och 2 män söker sjukersättning" (women, men, total, share).
    reasons = rows("participants-results", "end_reasons")
    assert reasons["Arbete (osubventionerat)"][:3] == ["4", "4", "8"]
    assert reasons["Annan arbetslivsinriktad rehabilitering/insats"][:3] == ["0", "1", "1"]
    assert reasons["Medicinsk rehabilitering/vård"][:3] == ["3", "4", "7"]
    assert reasons["Föräldraledighet"][:3] == ["1", "0", "1"]
    assert reasons["Sjuk- eller aktivitetsersättning"][:3] == ["2", "2", "4"]
    assert reasons["Avbrott"][:3] == ["0", "2", "2"]  # the two early dropouts
    assert reasons["Totalt"] == ["10", "13", "23", "100,0"]
    # "Genomströmningstid: 10,5 mån; kvinnor 9,5 mån, män 11,4 mån"; of those who went
    # to work or rehabilitation "kvinnorna haft kortare genomströmningstid än männen".
    through = rows("participants-results", "throughput")
    assert [through[g] for g in ("Kvinnor", "Män", "Totalt")] == [
        ["10", "9,5", "4", "7,2"],
        ["11", "11,4", "5", "8,5"],
        ["21", "10,5", "9", "7,9"],
    ]
    # "Tabell: genomströmningstid" 1907-2006 17,8 … 2201-2212 10,5.
    rolling = rows("participants-results", "throughput_rolling")
    assert list(rolling) == [
        "1907-2006",
        "2001-2012",
        "2007-2106",
        "2101-2112",
        "2107-2206",
        "2201-2212",
    ]
    assert [r[1] for r in rolling.values()] == ["17,8", "20,5", "21,3", "25,2", "16,6", "10,5"]
    # "Tid i bidragsberoende: snitt 4,8 år; kvinnor 3,75 år, män 5,6 år" (3,75 shows as
    # 3,8); "Snittålder: 33 år; kvinnor 29 år, män 36 år" (the 21's mean is 32,7).
    support = rows("participants-results", "public_support")
    assert [support[g][-1] for g in ("Kvinnor", "Män", "Totalt")] == ["3,8", "5,6", "4,8"]
    age = rows("participants-results", "age")
    assert [age[g][1] for g in ("Kvinnor", "Män", "Totalt")] == ["29,0", "36,0", "32,7"]

    # 4. "Vid 2022 års slut består teamet av följande personer" (role, party, FTE %), per
    # employing party, and "Vid årets slut väntar 6 personer".
    people = rows("staff-conditions", "staff_list")
    assert people["Sonja Tiger"] == ["Verksamhetssamordnare/coach", "Avesta kommun", "100"]
    assert people["Jan Pettersson"] == ["Coach", "Avesta kommun", "80"]
    assert people["Malin Hagström"] == ["Coach", "Avesta kommun", "100"]
    assert people["Karin Dilts Lindblom"][1:] == ["Region Dalarna", "20"]
    assert people["Anna-Lena Holmberg"][1:] == ["Avesta kommun", "20"]
    assert people["Veronica Stenbäck"][1:] == ["Försäkringskassan", "1"]
    staff = rows("staff-conditions", "staff")
    assert staff["Avesta kommun"] == ["4", "3,0"]
    assert staff["Totalt"] == ["6", "3,2"]
    assert rows("staff-conditions", "waiting")["Totalt"][-1] == "6"

    # 9. "Tabell: budgetutfall per 2022-12-31".
    budget = rows("organisation-results", "budget")
    assert budget["Egen personal"] == ["2 000 000", "1 923 361", "76 639"]
    assert budget["Övriga kostnader"] == ["110 000", "129 875", "-19 875"]
    assert budget["Totalt"] == ["2 300 000", "2 152 194", "147 806"]

    # Appendix 2, "Resultat under perioden 2015-05-13 — 2022-12-31": "240 personer … 138
    # personer (57,5%) kvinnor och 102 personer (42,5%) män".
    since = rows("appendix-since-start", "counts")
    assert [since[g][:2] for g in ("Kvinnor", "Män", "Totalt")] == [
        ["138", "57,5"],
        ["102", "42,5"],
        ["240", "100,0"],
    ]
    assert since["Totalt"][4:6] == ["189", "52"]  # ended, active on 2022-12-31
    # Ended 189, dropouts 12, work 41, studies 12, other rehab 40, compensation 7, other
    # 77, active 52; "93 av 177 = 52,5 %".
    assert rows("appendix-since-start", "results")["Totalt"][1:] == [
        "189",
        "12",
        "41",
        "12",
        "40",
        "7",
        "77",
        "52",
        "93",
        "177",
        "52,5",
    ]
    # "Genomströmningstid: 17,8 mån; kvinnor 18,6 mån, män 16,7 mån"; "Tid i
    # bidragsberoende: snitt 5,2 år; kvinnor 5,5 år, män 4,8 år".
    through = rows("appendix-since-start", "throughput")
    assert [through[g][1] for g in ("Kvinnor", "Män", "Totalt")] == ["18,6", "16,7", "17,8"]
    support = rows("appendix-since-start", "public_support")
    assert [support[g][-1] for g in ("Kvinnor", "Män", "Totalt")] == ["5,5", "4,8", "5,2"]


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


def test_the_age_of_the_active_is_their_present_age_at_year_end(avesta, registrator):
    """ "Medelåldern … 33 år, den yngste deltagaren är 20 år och den äldsta 59 år … Av de
    aktuella vid årets slut är 12 personer under 30 år": their age on 31 December (at
    start the same 52 were 19–58, 16 under 30); the ended's "Snittålder" is at start."""
    with translation.override("sv"):
        report = build_annual_report(registrator, avesta, YEAR)
    tables = {(c.chapter.code, t.key): t for c in report.chapters for t in c.tables}
    age = tables["participants-conditions", "age"]
    keys = ("participants", "mean_age", "youngest", "oldest", "young")
    assert age.total_row is not None
    assert [age.value(age.total_row, k) for k in keys] == [52, 33.0, 20, 59, 12]
    ended = tables["participants-results", "age"]
    assert ended.total_row is not None
    assert ended.value(ended.total_row, "participants") == 21
    with translation.override("sv"):
        assert str(age.title).startswith("Ålder vid periodens slut")
        assert str(ended.title).startswith("Ålder vid start")
    assert "Medelåldern var 33 år." in report.key_figures


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
    assert_seed_002_tables(_preview_tables(response.content))

    key_figures = html.fromstring(response.content).get_element_by_id("key-figures")
    assert [li.text_content() for li in key_figures.xpath("./li")] == KEY_FIGURES
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
    gets each report of the annual report built once, as the manager does: no report is
    built to compare it with (the cell-key noise protects across reports). About 75
    queries (the throughput report's table per team adds three per build), whatever
    the data."""
    second = make_insats(forbund, "Arbetsträning")
    register(make_user("coach2", Role.REGISTRATOR, insats=second), second, seed_002_participants())
    client.force_login(make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund))
    with django_assert_max_num_queries(85):
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
        edit, {"description": "Studiebesök är obligatoriskt.", "reflection": "Bra.", "version": 0}
    )
    assert response.status_code == 302
    assert response.url.endswith("#chapter-participants-process")

    response = client.post(
        edit,
        {
            "description": "Studiebesök är obligatoriskt.\n\nProvtid två månader.",
            "reflection": "",
            "version": 1,
        },
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


def test_chapter_6_has_an_analysis_between_description_and_reflection(avesta, registrator, client):
    """Seed 002's chapter 6 has Beskrivning, Analys and Reflektion; the other chapters
    have no Analys to write."""
    client.force_login(registrator)
    page = html.fromstring(client.get(_url("annual-report", avesta, YEAR)).content)
    assert page.xpath("//*[@id='edit-staff-results']//textarea[@name='analysis']")
    assert not page.xpath("//*[@id='edit-participants-process']//textarea[@name='analysis']")

    edit = _url("annual-chapter-edit", avesta, YEAR, "staff-results")
    assert client.post(edit, {**CHAPTER_6, "version": 0}).status_code == 302
    text = ChapterText.objects.get(insats=avesta, year=YEAR, chapter="staff-results")
    assert (text.description, text.analysis, text.reflection) == tuple(CHAPTER_6.values())
    chapter = (
        html.fromstring(client.get(_url("annual-report", avesta, YEAR)).content)
        .get_element_by_id("chapter-staff-results")
        .text_content()
    )
    order = [chapter.index(words) for words in ("Beskrivning", "Analys", "Reflektion")]
    assert order == sorted(order)
    assert CHAPTER_6["analysis"] in chapter

    changed = {**CHAPTER_6, "analysis": "Ny analys.", "version": 1}
    response = client.post(edit, changed, HTTP_HX_REQUEST="true")
    fragment = html.fromstring(f"<div>{response.content.decode()}</div>")
    assert "Ny analys." in fragment.get_element_by_id("analysis-staff-results").text_content()
    history = client.get(_url("annual-chapter-history", avesta, YEAR, "staff-results"))
    versions = html.fromstring(history.content).xpath("//article[@class='version']")
    assert "Ny analys." in versions[0].text_content()
    assert CHAPTER_6["analysis"] in versions[1].text_content()

    # An analysis posted to a chapter without one is not a field of its form.
    other = _url("annual-chapter-edit", avesta, YEAR, "participants-process")
    client.post(
        other, {"description": "Studiebesök.", "analysis": "Nej.", "reflection": "", "version": 0}
    )
    text = ChapterText.objects.get(insats=avesta, year=YEAR, chapter="participants-process")
    assert (text.description, text.analysis) == ("Studiebesök.", "")


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


# The team's own texts of chapter 6 (seed 002), as the team would write them.
CHAPTER_6: dict[str, Any] = {
    "description": (
        "Teamets ordinarie personal blir allt säkrare i arbetet utifrån ett "
        "lösningsfokuserat arbetssätt."
    ),
    "analysis": (
        "En viktig framgångsfaktor för teamets arbete är, och har varit, en stabil "
        "personalgrupp med tillgång till kvalificerad kompetens från alla aktörer."
    ),
    "reflection": (
        "En farhåga är att ovanstående faktorer kommer att få negativa effekter för "
        "kvarvarande personal på sikt."
    ),
}


def _with_chapter_6(insats, registrator) -> None:
    save_chapter_text(
        user=registrator, insats=insats, year=YEAR, chapter="staff-results", **CHAPTER_6
    )


def _docx_tables(doc, report: compose.AnnualReport) -> dict[tuple[str, str], list[list[str]]]:
    """{(chapter code, table key): rows} as the document itself places them: each table
    under its chapter's heading (Heading 1) and its own title (Heading 3)."""
    chapters = {str(c.title): c.code for c in CHAPTERS}
    keys = {(c.chapter.code, str(t.title)): t.key for c in report.chapters for t in c.tables}
    tables: dict[tuple[str, str], list[list[str]]] = {}
    chapter = title = ""
    body = iter(doc.iter_inner_content())
    for block in body:
        if isinstance(block, DocxTable):
            rows = [[cell.text for cell in row.cells] for row in block.rows]
            tables[chapter, keys[chapter, title]] = rows
        elif block.style.name == "Heading 1":
            chapter = chapters[block.text]
        elif block.style.name == "Heading 3":
            title = block.text
    return tables


def test_the_docx_has_the_same_numbers_in_real_tables(avesta, registrator, client):
    _with_chapter_6(avesta, registrator)
    client.force_login(registrator)
    response = client.get(_url("annual-report-docx", avesta, YEAR))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="arsrapport-samverkansteam-avesta-2022.docx"'
    )
    doc = Document(io.BytesIO(response.content))
    report = build_annual_report(registrator, avesta, YEAR)
    assert len(doc.tables) == len(_by_key(report))
    assert_seed_002_tables(_docx_tables(doc, report))
    assert len(doc.inline_shapes) >= 5  # the charts, as pictures
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [str(c.title) for c in CHAPTERS]

    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert [text for style, text in paragraphs if style == "List Bullet"] == KEY_FIGURES
    chapter_6 = paragraphs.index(("Heading 1", str(BY_CODE["staff-results"].title)))
    assert paragraphs[chapter_6 + 1 : chapter_6 + 7] == [
        ("Heading 2", "Beskrivning"),
        ("Normal", CHAPTER_6["description"]),
        ("Heading 2", "Analys"),
        ("Normal", CHAPTER_6["analysis"]),
        ("Heading 2", "Reflektion"),
        ("Normal", CHAPTER_6["reflection"]),
    ]


def _pdf_sections(pages: list[str]) -> dict[str, str]:
    """The PDF's text by chapter: from each chapter's heading to the next one's, after the
    title page and the contents. (Charts are drawn as vector graphics; pypdf reads their
    labels last on a page, so only the tables and texts are in order.)"""
    assert "Innehåll" in pages[1]
    text = "\n".join(pages[2:])
    starts, at = [], 0
    for chapter in CHAPTERS:
        at = text.index(str(chapter.title), at)
        starts.append(at)
    ends = [*starts[1:], len(text)]
    return {c.code: text[a:b] for c, a, b in zip(CHAPTERS, starts, ends, strict=True)}


def test_the_pdf_reads_like_seed_002(avesta, registrator, client):
    """The PDF's own text, chapter by chapter: the seed's numbers in the sections where
    the seed prints them."""
    _with_chapter_6(avesta, registrator)
    client.force_login(registrator)
    response = client.get(_url("annual-report-pdf", avesta, YEAR))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="arsrapport-samverkansteam-avesta-2022.pdf"'
    )
    pages = page_texts(response.content)
    assert "Årsrapport 2022" in pages[0] and "Samverkansteam Avesta" in pages[0]
    text = _pdf_sections(pages)

    def lines(chapter: str) -> list[str]:
        return [line.strip() for line in text[chapter].splitlines()]

    # Sammanfattning: "arbetat med 75 individer, 32 personer är nyinskrivna … 52 personer
    # den 31/12 … 33 år … 21 personer har avslutats …, 9 (43%) … 10,5 månader … 4,8 år …
    # 6 personer".
    summary = " ".join(lines("summary"))
    assert " ".join(KEY_FIGURES) in summary  # whole sentences, in order

    # 1. Counts with the gender shares, the age of the 52 active, referrer × supply.
    chapter_1 = lines("participants-conditions")
    for row in (
        "Kvinnor 40 53,3 19 59,4 10 30 57,7",
        "Män 35 46,7 13 40,6 13 22 42,3",
        "Totalt 75 100,0 32 100,0 23 52 100,0",
        "Totalt 52 33,0 20 59 12 23,1",
        "Arbetsförmedlingen 2 0 0 0 2",
        "Försäkringskassan 0 5 0 0 5",
        "Kommun 12 0 0 0 12",
        "Region 0 8 0 5 13",
        "Totalt 14 13 0 5 32",
    ):
        assert row in chapter_1, row

    # 3. Results (9 of 21 = 42,9 %; by gender), end reasons by gender, throughput 10,5
    # (9,5 / 11,4), the rolling windows, time in public support 4,8 (3,8 / 5,6).
    chapter_3 = lines("participants-results")
    for row in (
        "Kvinnor 21 10 0 4 0 0 2 4 30 4 10 40,0",
        "Män 22 13 2 4 0 1 2 4 22 5 11 45,5",
        "Totalt 43 23 2 8 0 1 4 8 52 9 21 42,9",
        "Arbete (osubventionerat) 4 4 8 34,8",
        "Annan arbetslivsinriktad rehabilitering/insats 0 1 1 4,3",
        "Medicinsk rehabilitering/vård 3 4 7 30,4",
        "Föräldraledighet 1 0 1 4,3",
        "Sjuk- eller aktivitetsersättning 2 2 4 17,4",
        "Kvinnor 10 9,5 4 7,2",
        "Män 11 11,4 5 8,5",
        "Totalt 21 10,5 9 7,9",
        "Kvinnor 10 8 2 3,8",
        "Män 11 10 1 5,6",
        "Totalt 21 18 3 4,8",
    ):
        assert row in chapter_3, row
    rolling = {
        line.split()[0]: line.split()[-1]
        for line in chapter_3
        if re.fullmatch(r"\d{4}-\d{4} \d+ \d+,\d", line)
    }
    assert rolling == {
        "1907-2006": "17,8",
        "2001-2012": "20,5",
        "2007-2106": "21,3",
        "2101-2112": "25,2",
        "2107-2206": "16,6",
        "2201-2212": "10,5",
    }

    # 4. The staff one by one, per employing party, and the waiting list.
    chapter_4 = lines("staff-conditions")
    for row in (
        "Sonja Tiger Verksamhetssamordnare/coach Avesta kommun 100",
        "Jan Pettersson Coach Avesta kommun 80",
        "Malin Hagström Coach Avesta kommun 100",
        "Karin Dilts Lindblom Representant vuxenpsykiatrin Region Dalarna 20",
        "Anna-Lena Holmberg Representant socialtjänsten Avesta kommun 20",
        "Avesta kommun 4 3,0",
        "Totalt 6 3,2",
        "Samverkansteam Avesta 2022-12-31 6",
    ):
        assert row in chapter_4, row

    # 6. The team's Beskrivning, Analys and Reflektion, in that order.
    chapter_6 = " ".join(lines("staff-results"))
    positions = [chapter_6.index(h) for h in ("Beskrivning", "Analys", "Reflektion")]
    assert positions == sorted(positions)
    assert "stabil personalgrupp med tillgång till kvalificerad kompetens" in chapter_6

    # 9. "Tabell: budgetutfall per 2022-12-31".
    chapter_9 = lines("organisation-results")
    assert "Egen personal 2 000 000 1 923 361 76 639" in chapter_9
    assert "Övriga kostnader 110 000 129 875 -19 875" in chapter_9
    assert "Totalt 2 300 000 2 152 194 147 806" in chapter_9

    # Appendix 2: 240 persons (138 / 102), the results row, 93 of 177 = 52,5 %,
    # throughput 17,8 (18,6 / 16,7), time in public support 5,2 (5,5 / 4,8).
    appendix = lines("appendix-since-start")
    for row in (
        "Kvinnor 138 57,5 138 57,5 109 30 57,7",
        "Män 102 42,5 102 42,5 80 22 42,3",
        "Totalt 240 100,0 240 100,0 189 52 100,0",
        "Totalt 0 189 12 41 12 40 7 77 52 93 177 52,5",
        "Kvinnor 104 18,6 54 18,6",
        "Män 73 16,7 39 16,6",
        "Totalt 177 17,8 93 17,7",
        "Kvinnor 104 102 2 5,5",
        "Män 73 72 1 4,8",
        "Totalt 177 174 3 5,2",
    ):
        assert row in appendix, row


def test_the_pdf_keeps_every_table_inside_the_margins(avesta, registrator):
    """The widest table (results, 13 columns) is set smaller: no text beyond the A4
    page's right margin."""
    document = documents.pdf_document(build_annual_report(registrator, avesta, YEAR))
    assert text_beyond_the_margin(document) == []


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
    assert _docx_tables(Document(io.BytesIO(docx)), report) == expected
    assert "Antal under 5 personer visas inte" in _docx_text(docx)

    text = pdf_text(client.get(_url("annual-report-pdf", avesta, YEAR)).content)
    assert any("Antal under 5 personer visas inte" in line for line in text)
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
    assert "För publicering." in note and "Antal under 5 personer visas inte" in note
    hrefs = {a.get("href") for a in tree.xpath("//a")}
    assert _url("annual-report-pdf", avesta, YEAR) + "?published=1" in hrefs
    assert _url("annual-report", avesta, YEAR) in hrefs  # back to the exact numbers
    results = _preview_tables(published.content)["participants-results", "results"]
    assert results[2][3] == "–"  # the men's two early dropouts

    report = build_annual_report(registrator, avesta, YEAR, published=True)
    assert not report.exact
    docx = client.get(_url("annual-report-docx", avesta, YEAR), {"published": "1"}).content
    assert _docx_tables(Document(io.BytesIO(docx)), report) == _cell_texts(report)
    assert "För publicering." in _docx_text(docx)
    text = pdf_text(client.get(_url("annual-report-pdf", avesta, YEAR), {"published": "1"}).content)
    assert re.search(r"För publicering\.\s+Antal under 5 personer visas inte\b", " ".join(text))
    exact_docx = client.get(_url("annual-report-docx", avesta, YEAR)).content
    assert "Antal under" not in _docx_text(exact_docx)


# --- one view per audience (issue 11, #4) ----------------------------------------------------


def _catalogue(reader, insats) -> dict[str, list[tuple[list[list[Any]], set[tuple[int, str]]]]]:
    """Every catalogue report of the insats and year as ``reader`` gets it: each table's
    rows and hidden cells."""
    scope = compose.year_scope(reader, insats, YEAR)
    return {
        key: [(t.rows, t.suppressed) for t in spec.build(scope).tables]
        for key, spec in REPORTS.items()
    }


def test_every_reader_without_exact_counts_gets_the_same_figures(avesta, forbund, manager):
    """The board, the insatsansvarig and the förbund administrator see the insats
    through different windows (the board and the administrator also see a second
    insats of the förbund); the annual report and every catalogue report of the insats
    and year are the same for them cell by cell, hidden cells included."""
    second = make_insats(forbund, "Arbetsträning")
    coach = make_user("coach2", Role.REGISTRATOR, insats=second)
    for day in (1, 2, 3):  # a förbund that differs from the insats by small counts
        enrol(
            coach,
            second,
            personnummer_text=make_pnr(dt.date(1985, 1, day), man=day % 2 == 0),
            start_date=dt.date(YEAR, 3, day),
            consent_date=dt.date(YEAR, 3, day),
        )
    readers = [
        manager,
        make_user("styrelse", Role.BOARD, forbund=forbund),
        make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund),
    ]
    reports = [build_annual_report(reader, avesta, YEAR) for reader in readers]
    assert not any(r.exact for r in reports)
    tables = [_cell_texts(r) for r in reports]
    assert tables[0]["participants-results", "results"][2][3] == "–"  # something is hidden
    assert tables[1] == tables[0] and tables[2] == tables[0]
    assert reports[1].key_figures == reports[0].key_figures == reports[2].key_figures
    catalogue = _catalogue(readers[0], avesta)
    assert any(hidden for tables_ in catalogue.values() for _rows, hidden in tables_)
    for reader in readers[1:]:
        assert _catalogue(reader, avesta) == catalogue


# --- what is hidden, said once (issue 11, #4) -------------------------------------------------

ONE_SENTENCE = (
    "Antal under 5 personer visas inte (–) för att skydda deltagarna, och inte heller de "
    "uppgifter som skulle avslöja dem; övriga antal kan avvika med högst 2, alltid lika "
    "mycket för samma deltagare, så en tabell behöver inte summera exakt."
)


def test_the_report_says_once_what_is_hidden_and_why(avesta, forbund, client):
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    client.force_login(board)
    page = client.get(_url("annual-report", avesta, YEAR)).content.decode()
    note = html.fromstring(page).get_element_by_id("small-counts").text_content()
    assert " ".join(note.split()) == ONE_SENTENCE
    assert page.count("visas inte (–)") == 1
    assert "–" in str(_preview_tables(page.encode()))  # the cells carry the mark alone

    docx = _docx_text(client.get(_url("annual-report-docx", avesta, YEAR)).content)
    assert docx.count(ONE_SENTENCE) == 1
    text = " ".join(pdf_text(client.get(_url("annual-report-pdf", avesta, YEAR)).content))
    assert " ".join(text.split()).count("visas inte (–)") == 1


def _summary(results: Any, throughput: Any) -> list[str]:
    class Tables:
        def get(self, figure: Figure) -> Any:
            return {"results": results, "throughput": throughput}.get(figure.table)

    return compose._key_figures(Tables())  # type: ignore[arg-type]


def test_the_summary_keeps_its_results_and_throughput_lines_when_a_figure_is_hidden(
    avesta, registrator
):
    report = build_annual_report(registrator, avesta, YEAR)
    results = next(t for t in report.chapters[3].tables if t.key == "results")
    throughput = next(t for t in report.chapters[3].tables if t.key == "throughput")
    total, throughput_total = results.total_row, throughput.total_row
    assert total is not None and throughput_total is not None
    assert _summary(results, throughput) == [
        "21 personer har avslutats (tidiga avhopp ej medräknade); 9 (43 %) av dessa gick "
        "till arbete, studier eller annan arbetslivsinriktad rehabilitering.",
        "Genomströmningstiden för de avslutade deltagarna var 10,5 månader.",
    ]
    for key in ("to_goal", "goal_percent"):
        results.suppressed.add((total, key))
    throughput.suppressed.add((throughput_total, "months"))
    throughput.rows[throughput_total][throughput.column_index("months")] = None
    assert _summary(results, throughput) == [
        "21 personer har avslutats (tidiga avhopp ej medräknade); hur många av dessa som "
        "gick till arbete, studier eller annan arbetslivsinriktad rehabilitering visas inte.",
        "Genomströmningstiden för de avslutade deltagarna visas inte.",
    ]
    results.suppressed.add((total, "ended_kept"))  # then all who ended, dropouts too
    assert _summary(results, throughput)[0] == (
        "23 personer har avslutats; hur många av dessa som gick till arbete, studier eller "
        "annan arbetslivsinriktad rehabilitering visas inte."
    )
    results.suppressed.discard((total, "to_goal"))
    assert _summary(results, throughput)[0] == (
        "23 personer har avslutats; 9 av dessa gick till arbete, studier eller annan "
        "arbetslivsinriktad rehabilitering."
    )
    results.suppressed.add((total, "ended"))
    assert _summary(results, throughput)[0] == (
        "9 av de avslutade gick till arbete, studier eller annan arbetslivsinriktad rehabilitering."
    )
    results.suppressed.add((total, "to_goal"))
    assert _summary(results, throughput)[0] == (
        "Hur många som har avslutats, och vart de gick, visas inte."
    )
