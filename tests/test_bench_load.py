"""Issue 14, item 3: `samspar bench load`, a load test of the production server.

End to end on a tiny scale: generated data committed to the suite's database, the
production server (`samspar serve`) and locust as processes of their own. On PostgreSQL
the server reads the test database itself (a transactional test, so the rows are
committed); on SQLite, whose test database lives in memory, a file copy of it that the
command's connection and the server share. Only behaviour is asserted, never a time:
every page kind was requested and none failed.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import translation

from samspar.access.apitokens import ApiToken
from samspar.bench import load
from samspar.bench.loader import FORBUND_NAME
from samspar.organisation.models import Forbund
from samspar.registry.models import Enrolment
from tests.factories import make_forbund
from tests.serving import copy_of_test_database

JSON_KEYS = {
    "benchmark",
    "database",
    "enrolments",
    "users",
    "duration_s",
    "name",
    "requests",
    "failures",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "goal_p95_ms",
}


def _bench(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("bench", "load", *args, stdout=out)
    return out.getvalue()


@contextmanager
def _database_the_server_can_open(tmp_path: Path) -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "load.sqlite3"
    copy_of_test_database(path)  # reference data too
    original = connections["default"]
    on_file = type(original)({**original.settings_dict, "NAME": str(path)}, "default")
    connections["default"] = on_file
    try:
        yield
    finally:
        on_file.close()
        connections["default"] = original


@pytest.mark.django_db(transaction=True)
def test_every_page_kind_is_requested_and_none_fails(reference_data, tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSPAR_WORKERS", "2")
    with _database_the_server_can_open(tmp_path):
        text = _bench("--enrolments", "2000", "--users", "5", "--duration", "10", "--json")

        # The data and its people stay (committed) for the next run; the run's sessions
        # and API keys do not.
        forbund = Forbund.objects.get(name=FORBUND_NAME)
        assert Enrolment.objects.filter(insats__forbund=forbund).count() == 2000
        assert User.objects.filter(username__startswith="load.coach.").count() == 10
        assert not Session.objects.exists()
        assert ApiToken.objects.count() == 10
        assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
        # A second run finds the data and the people as they are.
        load.prepare(5, seed=1, say=lambda _text: None)
        assert Enrolment.objects.filter(insats__forbund=forbund).count() == 2000
        assert User.objects.filter(username__startswith="load.").count() == 12

    assert "2 000 enrolments, 5 users for 10 s" in text
    # Columns are two spaces apart or more; a number's thousands one space.
    rows = {
        cells[0]: cells
        for cells in (re.split(r" {2,}", line.strip()) for line in text.splitlines())
        if cells[0] in load.GOALS_P95_MS
    }
    for name, goal in load.GOALS_P95_MS.items():
        _name, requests, failures, _p50, _p95, _p99, goal_cell, verdict = rows[name]
        assert int(requests.replace(" ", "")) > 0 and failures == "0", text
        assert goal_cell.replace(" ", "") == str(goal) and verdict in ("met", "missed")
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert [line["name"] for line in lines] == list(load.GOALS_P95_MS)
    for line in lines:
        assert set(line) == JSON_KEYS
        assert line["benchmark"] == "load" and line["enrolments"] == 2000
        assert line["users"] == 5 and line["duration_s"] == 10
        assert line["requests"] > 0 and line["failures"] == 0
        assert line["p50_ms"] <= line["p95_ms"] <= line["p99_ms"]
        assert line["goal_p95_ms"] == load.GOALS_P95_MS[line["name"]]


@pytest.mark.django_db
def test_refuses_a_database_with_other_forbund():
    make_forbund()
    with pytest.raises(CommandError, match="holds other förbund than Samspår benchmark"):
        _bench("--enrolments", "10")
    assert not Forbund.objects.filter(name=FORBUND_NAME).exists()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the suite's SQLite is in memory")
def test_refuses_sqlite_in_memory():
    with pytest.raises(CommandError, match="not SQLite in memory"):
        _bench("--enrolments", "10")
    assert not Forbund.objects.exists()


@pytest.mark.parametrize("host", ["192.0.2.1", "0.0.0.0", "example.org"])
def test_refuses_any_host_but_loopback(host):
    with pytest.raises(CommandError, match=re.escape("on this machine only: 127.0.0.1, localhost")):
        _bench("--host", host)


def test_needs_a_user_of_each_kind():
    with pytest.raises(CommandError, match="at least 3 users"):
        _bench("--users", "2")


def test_a_failed_request_is_listed_with_the_server_log_and_fails(monkeypatch):
    pages = [load.Stat(name, 10, 0, 20.0, 40.0, 60.0) for name in load.GOALS_P95_MS]
    pages[4] = load.Stat("report-forbund", 3, 1, 900.0, 2500.0, 2500.0)
    stats = load.Stats(
        pages, load.Stat("all", 73, 1, 20.0, 900.0, 2500.0), ["GET report-forbund: HTTP 500 (1 ×)"]
    )
    result = load.Result("SQLite", 2000, 5, 10, 2, "http://127.0.0.1:1", stats, "a log line")
    monkeypatch.setattr(load, "run", lambda **_options: result)
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError, match=r"^1 request failed"):
        call_command("bench", "load", stdout=out)
    text = out.getvalue()
    assert re.search(r"report-forbund +3 +1 +900 +2 500 +2 500 +2 000 +missed", text)
    assert re.search(r"api-enrolment +10 +0 +20 +40 +60 +500 +met", text)
    assert "GET report-forbund: HTTP 500 (1 ×)" in text
    assert "a log line" in text


def test_reads_locusts_statistics(tmp_path):
    heads = "Type,Name,Request Count,Failure Count,50%,95%,99%"
    (tmp_path / "locust_stats.csv").write_text(
        f"{heads}\nGET,enrolment-list,12,0,71,130,140\n"
        "GET,api-enrolment,0,0,N/A,N/A,N/A\n,Aggregated,12,0,71,130,140\n"
    )
    (tmp_path / "locust_failures.csv").write_text("Method,Name,Error,Occurrences\n")
    stats = load.read_stats(tmp_path / "locust")

    listed = {stat.name: stat for stat in stats.pages}
    assert list(listed) == list(load.GOALS_P95_MS)
    assert listed["enrolment-list"] == load.Stat("enrolment-list", 12, 0, 71.0, 130.0, 140.0)
    assert listed["enrolment-list"].meets_goal
    assert listed["api-enrolment"] == load.Stat("api-enrolment", 0, 0, None, None, None)
    assert listed["report-forbund"].requests == 0 and not listed["report-forbund"].meets_goal
    assert stats.total == load.Stat("all", 12, 0, 71.0, 130.0, 140.0)
    assert stats.failures == []


def test_a_server_that_stops_is_reported_with_its_log(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "SAMSPAR_DEBUG": "1",  # samspar serve refuses development settings
        "SAMSPAR_VAR_DIR": str(tmp_path),
        "SAMSPAR_BIND": f"127.0.0.1:{load.free_port('127.0.0.1')}",
    }
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    server = load.Server(env, tmp_path / "server.log")
    with pytest.raises(load.LoadError, match="Servern stannade") as stopped:
        server.wait_until_serving()
    assert "samspar serve" in str(stopped.value)  # its own message, from the log


class _ToTheLogInPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", "/login/")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_warming_up_stops_at_a_page_that_does_not_answer_200(monkeypatch):
    monkeypatch.setenv("SAMSPAR_WORKERS", "2")
    plan = load.Plan({"coaches": [{"headers": {}, "pages": {"enrolment-list": ["/x/?a=1"]}}]})
    with HTTPServer(("127.0.0.1", 0), _ToTheLogInPage) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with pytest.raises(load.LoadError, match=r"Under uppvärmningen svarade /x/ 302\."):
                load.warm_up(base, plan)
        finally:
            server.shutdown()
