"""Issue #9, item 11: HTTP headers, the deployment check, the API docs behind log-in and
request errors in the log without personal data."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from samspar.core import logging as logging_redaction
from samspar.core import personnummer
from samspar.core.logging import REDACTED
from tests.seeds import register, seed_002_year

PNR = "19950109-3794"


def _boom(request: HttpRequest) -> HttpResponse:
    raise ValueError(f"invalid literal for int() with base 10: '{PNR}'")


# The URLconf of the logging test: one view that fails.
urlpatterns = [path("boom/", _boom)]


def _pages(insats: int) -> list[str]:
    return [
        "/",
        f"/insats/{insats}/",
        f"/insats/{insats}/deltagare/",
        "/rapporter/",
        "/rapporter/resultat/",
        "/konto/",
        "/api/v1/docs",
    ]


def test_every_page_has_a_strict_content_security_policy(client, registrator, insats):
    client.force_login(registrator)
    for url in [*_pages(insats.pk), "/login/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "object-src 'none'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert "frame-ancestors 'none'" in policy, url


def test_the_pages_need_no_inline_script_or_style(client, registrator, insats):
    """What the policy forbids is not used: no inline <script>, <style> or style=,
    charts (Vega SVG) and the API docs (Swagger UI) included."""
    register(registrator, insats, seed_002_year())
    client.force_login(registrator)
    year = f"level=insats&object_id={insats.pk}&date_from=2022-01-01&date_to=2022-12-31"
    pages = [*_pages(insats.pk), f"/rapporter/resultat/?{year}", f"/rapporter/deltagare/?{year}"]
    for url in pages:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html), url
        assert "<style" not in html and " style=" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url
    assert "<svg" in client.get(pages[-1]).content.decode()


def test_every_answer_to_a_signed_in_user_is_no_store(client, registrator, insats):
    client.force_login(registrator)
    exports = [
        f"/rapporter/resultat/export/xlsx/?level=insats&object_id={insats.pk}",
        "/api/v1/reports",
    ]
    for url in [*_pages(insats.pk), *exports]:
        response = client.get(url)
        assert response.status_code == 200, url
        cache = response["Cache-Control"]
        assert "no-store" in cache and "private" in cache, url


def test_the_api_schema_and_docs_are_behind_the_log_in(db):
    anonymous = Client()
    for url in ("/api/v1/openapi.json", "/api/v1/docs"):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    assert anonymous.get("/api/v1/reports").status_code == 401


def test_the_deployment_check_is_clean_with_the_documented_environment(tmp_path: Path):
    """``samspar check --deploy`` with the production environment of the README."""
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "DJANGO_SETTINGS_MODULE": "samspar.settings",
        "SAMSPAR_DEBUG": "0",
        "SAMSPAR_SECRET_KEY": "x7#kQ2!vLm9@pR4$tZ8&wB3^nC6*yD1(eF5)gH0-jK_sA=uE+oI",
        "SAMSPAR_FIELD_KEY": "q0mXzBd3TSx9nIhC6qkP5l1m0F3Yk7sSHt1r3vIM3XA=",
        "SAMSPAR_HASH_KEY": "a-long-random-string-for-the-hmac-of-personnummer",
        "SAMSPAR_ALLOWED_HOSTS": "samspar.example.se",
        "SAMSPAR_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "samspar.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_logged_without_personal_data(db):
    """A 500 is never silent, and its log line holds no personnummer, neither from the
    query string nor from the exception's message."""
    handler = logging.getLogger("django.request").handlers[0]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)  # type: ignore[attr-defined]
    try:
        response = Client(raise_request_exception=False).get(f"/boom/?q={PNR}")
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]
    assert response.status_code == 500
    logged = buffer.getvalue()
    assert "ERROR django.request: Internal Server Error: /boom/" in logged
    assert "ValueError" in logged and REDACTED in logged
    assert "3794" not in logged and "19950109" not in logged


@pytest.mark.parametrize(
    "spelling",
    [
        "19850315-1238",
        "850315-1238",
        "850315+1238",
        "198503151238",
        "19850315 1238",
        "1985 0315 1238",
        "19850315%2D1238",
        "１９８５０３１５－１２３８",  # fullwidth
        "١٩٨٥٠٣١٥-١٢٣٨",  # Arabic-Indic digits
    ],
)
def test_every_spelling_the_parser_accepts_is_masked_in_the_log(spelling):
    """What the personnummer parser takes as a number, the log must not print."""
    assert personnummer.parse(urllib.parse.unquote(spelling)).canonical[2:] == "8503151238"
    line = logging_redaction.redact(f"Internal Server Error: /sok/?q={spelling}")
    assert line == "Internal Server Error: /sok/?q=[personnummer]"
