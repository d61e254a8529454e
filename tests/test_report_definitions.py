"""Every report's definitions readable in the app (issue 12, #6): a help page per report
with its sections of docs/definitions.md — the one source — and the shared ones; the
reports index links them instead of naming a file."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from samspar.access.scoping import Role
from samspar.reports import definitions
from samspar.reports.catalogue import REPORTS
from tests.factories import make_forbund, make_user


@pytest.mark.parametrize("key", list(REPORTS))
def test_every_report_has_its_own_definitions(key):
    spec = REPORTS[key]
    titles = [s.title for s in definitions.for_report(spec)]
    own = len(definitions.wanted(spec)) - len(definitions.SHARED)
    assert own >= 1 and len(titles) == own + len(definitions.SHARED), titles
    assert all(s.html.strip() for s in definitions.for_report(spec))


def test_the_help_page_shows_the_definitions_as_html_and_no_raw_html(db):
    client = Client(headers={"accept-language": "sv"})
    client.force_login(make_user("board", Role.BOARD, forbund=make_forbund()))
    page = client.get(reverse("report-definitions", args=["resultat"])).content.decode()
    assert "<h2>#2 Results — Deltagarresultat</h2>" in page
    assert "<h2>Small counts — Små tal</h2>" in page
    assert "<table>" in page or "<ul>" in page  # markdown rendered
    index = client.get(reverse("report-index")).content.decode()
    assert reverse("report-definitions", args=["uppfoljning"]) in index
    assert "docs/definitions.md" not in index


def test_html_in_the_source_is_shown_as_text(tmp_path, settings):
    source = tmp_path / "definitions.md"
    source.write_text("## #1 Participants\n\n<script>x()</script> *counted*\n", encoding="utf-8")
    settings.SAMSPAR_DEFINITIONS = source
    (section,) = definitions.for_report(REPORTS["deltagare"])
    assert "<script>" not in section.html and "&lt;script&gt;" in section.html
    assert "<em>counted</em>" in section.html
