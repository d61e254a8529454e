"""Outputs for publication: a registrator, who sees exact counts, gets small counts hidden
and a note saying so, with the threshold, when they ask for publication — on the report
page, in every download, from the API and from `samspar report --published`. (The
annual report's preview, PDF and .docx: tests/test_annual_report.py.)"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from tests.test_report_views import YEAR_2022, _page, _row

PUBLISHED = {"published": "on"}
NOTE = "Antal under 5 personer visas inte"


pytestmark = pytest.mark.seed_002  # the module's insats holds seed 002


@pytest.fixture
def seed_002(insats, registrator, client):
    client.force_login(registrator)
    return {"level": "insats", "object_id": insats.pk}


def test_the_page_for_publication_hides_small_counts(client, seed_002):
    exact = _page(client, "resultat", **seed_002).content.decode()
    assert _row(exact, "results", "Män")[3] == "2"  # the men's early dropouts
    assert NOTE not in exact
    page = _page(client, "resultat", **seed_002, **PUBLISHED).content.decode()
    assert _row(page, "results", "Män")[3] == "–"
    assert "För publicering." in page and NOTE in page
    checkbox = re.search(r'<input[^>]*name="published"[^>]*>', page)
    assert checkbox is not None and "checked" in checkbox.group()
    assert "published=on" in page  # the download links keep the choice


def _export(client, key: str, fmt: str, params: dict[str, object]) -> bytes:
    url = reverse("report-export", args=[key, fmt])
    response = client.get(url, {**YEAR_2022, **params})
    assert response.status_code == 200
    return response.content


def test_every_download_for_publication_hides_small_counts(client, seed_002):
    params = {**seed_002, **PUBLISHED}
    data = json.loads(_export(client, "resultat", "json", params))
    assert data["suppression"] == {
        "applied": True,
        "published": True,
        "threshold": 5,
        "note": data["suppression"]["note"],
    }
    assert NOTE in data["suppression"]["note"]
    (table,) = data["tables"]
    assert table["rows"][1]["dropouts"] is None and [1, "dropouts"] in table["suppressed"]

    rows = list(
        csv.reader(
            io.StringIO(_export(client, "resultat", "csv", params).decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert ["Avsedd för", "Publicering"] in rows
    assert any(NOTE in cell for row in rows for cell in row)
    assert next(r for r in rows if r and r[0] == "Män")[3] == "–"

    sheet = load_workbook(io.BytesIO(_export(client, "resultat", "xlsx", params))).worksheets[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Avsedd för", "Publicering"] in [row[:2] for row in cells]
    assert next(r for r in cells if r[0] == "Män")[3] == "–"

    assert _export(client, "resultat", "pdf", params).startswith(b"%PDF")
    exact = json.loads(_export(client, "resultat", "json", seed_002))
    assert (
        exact["suppression"]["applied"] is False and exact["tables"][0]["rows"][1]["dropouts"] == 2
    )


def test_the_api_gives_the_report_for_publication(client, seed_002):
    url = "/api/v1/reports/resultat"
    params = {"from": "2022-01-01", "to": "2022-12-31", **seed_002}
    exact = client.get(url, params).json()
    assert exact["suppression"]["applied"] is False
    published = client.get(url, {**params, "published": "true"}).json()
    assert published["suppression"]["applied"] is True
    assert published["suppression"]["published"] is True
    assert published["suppression"]["threshold"] == 5
    assert published["tables"][0]["rows"][1]["dropouts"] is None


def _call(*args: str) -> Any:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_the_cli_marks_a_report_for_publication(seed_002):
    period = ("--from", "2022-01-01", "--to", "2022-12-31", "--insats", str(seed_002["object_id"]))
    data = _call("resultat", *period, "--published")
    assert data["suppression"]["applied"] is True and data["suppression"]["published"] is True
    assert NOTE in data["suppression"]["note"]
    assert _call("resultat", *period)["suppression"]["published"] is False
    with pytest.raises(CommandError, match="--exact"):
        _call("resultat", *period, "--published", "--exact")


def test_the_note_says_the_shown_counts_are_perturbed(client, seed_002):
    """Perturbed counts need not add up (a team's rows against the total); the note that
    says what is hidden says so too, in every output, with the perturbation's bound."""
    perturbed = "övriga antal kan avvika med högst 2, alltid lika mycket för samma deltagare"
    page = _page(client, "resultat", **seed_002, **PUBLISHED).content.decode()
    assert perturbed in page
    assert perturbed not in _page(client, "resultat", **seed_002).content.decode()
    data = json.loads(_export(client, "resultat", "json", {**seed_002, **PUBLISHED}))
    assert data["suppression"]["note"].endswith(
        "alltid lika mycket för samma deltagare, så en tabell behöver inte summera exakt."
    )
