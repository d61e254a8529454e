"""Issue #10, item 3: the production server, `samspar serve` (docs/deployment.md).

The server runs as a real process with production settings (DEBUG off, HTTPS only behind
the proxy) against the suite's database: on PostgreSQL the test database itself, on
SQLite a file copy of it (the suite's SQLite database lives in memory). Production
settings load neither the demo nor the benchmarks.
"""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.serving import (
    Server,
    copy_of_test_database,
    database_url,
    free_port,
    get,
    production_env,
    samspar,
)

CSS_SOURCE = Path(__file__).resolve().parent.parent / "samspar/static/samspar/samspar.css"


@pytest.mark.django_db(transaction=True)
def test_the_production_server_serves_the_styled_login_page(tmp_path):
    if connection.vendor == "postgresql":
        # The test database, with every migration applied by the suite (committed:
        # a transactional test).
        env = production_env(tmp_path, DATABASE_URL=database_url(connection.settings_dict))
    else:
        env = production_env(tmp_path)
        copy_of_test_database(tmp_path / "samspar.sqlite3")  # production_env's database
    port = free_port()
    env.update(SAMSPAR_BIND=f"127.0.0.1:{port}", SAMSPAR_WORKERS="2")
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    server = Server(env, log)
    try:
        html = server.wait_until_serving(f"{base}/login/").decode()
        assert "<form" in html and 'name="password"' in html

        # Production mode: HSTS, and plain HTTP (no proxy header) is sent to HTTPS.
        status, headers, _ = get(f"{base}/login/")
        assert "max-age=31536000" in headers["Strict-Transport-Security"]
        plain = urllib.request.Request(f"{base}/login/")
        with pytest.raises(urllib.error.HTTPError) as redirect:
            urllib.request.build_opener(_NoRedirect).open(plain, timeout=60)
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"] == f"https://127.0.0.1:{port}/login/"

        # The stylesheet, collected under its hashed name and served by WhiteNoise.
        stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        assert len(stylesheets) == 1 and re.fullmatch(
            r"/static/samspar/samspar\.[0-9a-f]{12}\.css", stylesheets[0]
        ), stylesheets
        status, headers, css = get(base + stylesheets[0])
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert css == CSS_SOURCE.read_bytes()
        assert "immutable" in headers["Cache-Control"]
        status, headers, _ = get(base + stylesheets[0], **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"

        # DEBUG is off: a missing page is the plain 404, not Django's debug page, and
        # the access log masks a personnummer in the path.
        status, _, body = get(f"{base}/19850315-1238/?q=19850315-1238")
        assert status == 404 and b"URLconf" not in body and b"Traceback" not in body
    finally:
        server.stop()
    logged = log.read_text()
    assert "Samlar de statiska filerna" in logged  # the first start collected them
    assert '"GET /login/ HTTP/1.1" 200' in logged
    assert '"GET /[personnummer]/ HTTP/1.1" 404' in logged
    assert "19850315" not in logged and "1238" not in logged
    assert "Shutting down: Master" in logged

    # A second start finds the static files collected and unchanged: no new collection.
    again = samspar(env, "serve", "--check-only")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "är aktuella" in again.stdout and "Samlar" not in again.stdout


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_serve_refuses_unapplied_migrations(tmp_path):
    result = samspar(production_env(tmp_path), "serve")
    assert result.returncode != 0
    assert "har inte körts" in result.stderr and "samspar migrate" in result.stderr


def test_serve_refuses_a_deployment_warning(tmp_path):
    """An empty SAMSPAR_ALLOWED_HOSTS is a warning of `check --deploy`: no start."""
    result = samspar(production_env(tmp_path, SAMSPAR_ALLOWED_HOSTS=""), "serve")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_serve_refuses_development_settings():
    with pytest.raises(CommandError, match="kräver produktionsinställningar"):
        call_command("serve")


PROBE = """
import sys
import django
from django.conf import settings
from django.core.management import get_commands
from django.urls import get_resolver

import samspar.wsgi  # django.setup() and the WSGI application, as gunicorn loads it

get_resolver().url_patterns  # every URLconf imported
loaded = sorted(
    name for name in sys.modules
    if name.split(".")[:2] in (["samspar", "demo"], ["samspar", "bench"])
)
commands = sorted(c for c in get_commands() if c in {"demo", "demo_code", "bench", "serve"})
print(settings.PRODUCTION, loaded, commands)
"""


def test_production_settings_load_neither_demo_nor_bench(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True [] ['serve']"


def test_the_probe_sees_them_on_a_demo_installation(tmp_path):
    """The same probe with SAMSPAR_DEBUG=1 finds the demo and bench apps and commands (so
    the production test above would notice them)."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=production_env(tmp_path, SAMSPAR_DEBUG="1"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False ['samspar.bench', 'samspar.bench.apps', 'samspar.demo', 'samspar.demo.apps'] "
        "['bench', 'demo', 'demo_code', 'serve']"
    )


@pytest.mark.parametrize("command", ["demo", "demo_code", "bench"])
def test_demo_and_bench_commands_refuse_in_production(tmp_path, command):
    result = samspar(production_env(tmp_path), command)
    assert result.returncode != 0
    assert f"samspar {command} finns bara i en demo- eller utvecklingsinstallation" in result.stderr
