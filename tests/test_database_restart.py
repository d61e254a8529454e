"""Issue 14, item 4: PostgreSQL restarts while an import is being written and while a
report is being built (docs/deployment.md, "When the database restarts").

The production server (``samspar serve``) and the background worker (``samspar worker``)
run as processes against a PostgreSQL cluster of this module's own, which the test
restarts (``pg_ctl restart -m fast``: every session is ended, as in a restart by the
operating system or a fail-over). The restart comes at a known moment, not after a
guessed delay: the test holds a lock on a table the import or the report must reach, waits
until PostgreSQL shows that session waiting for it, and restarts then.

What must hold: the user sees a clear page, never a traceback; the server and the worker
answer afterwards without being restarted themselves; the import leaves nothing and can
be run again to the end.
"""

from __future__ import annotations

import base64
import datetime as dt
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from django_otp.oath import totp

from samspar.registry.models import Enrolment, Person
from tests.factories import make_pnr
from tests.serving import Server, free_port, production_env, samspar, stop

# The demo's logins (README): one password, one TOTP key for all who need a code.
DEMO_PASSWORD = "samspar-demo"
DEMO_TOTP_KEY = base64.b32decode("SAMSPARDEMOSAMSPARDEMOSAMSPARDEM")
INSATS = "Samverkansteam Avesta"
FORBUND = "Södra Dalarnas samordningsförbund"
NEW_PEOPLE = 300
# Waits for the server, the worker and PostgreSQL are bounded only so that a broken run
# fails instead of hanging; nothing is asserted about how long anything takes.
WAIT_S = 300
LOOKS = 1500


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    initdb = found[-1] if found else shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path))


PG_BIN = _postgres_bin()
if PG_BIN is None:
    if os.environ.get("CI") == "true":
        pytest.fail("PostgreSQL's server (initdb, pg_ctl) is not installed", pytrace=False)
    pytest.skip("PostgreSQL's server (initdb, pg_ctl) is not installed", allow_module_level=True)


class Cluster:
    """A throw-away PostgreSQL cluster in a temporary directory, on a free port; as the
    ``postgres`` user when the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        assert PG_BIN is not None
        self.root = Path(tempfile.mkdtemp(prefix="samspar-restart-pg."))
        self.data = self.root / "data"
        self.log = self.root / "log"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self._pg(
            "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._pg("pg_ctl", "-D", self.data, "-o", options, "-l", self.log, "-w", "start")
        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE samspar")

    def url(self, database: str = "samspar") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def restart(self) -> None:
        """End every session and start again (pg_ctl keeps the start's options)."""
        self._pg("pg_ctl", "-D", self.data, "-m", "fast", "-l", self.log, "-w", "restart")

    def remove(self) -> None:
        self._pg("pg_ctl", "-D", self.data, "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def _pg(self, program: str, *args: object, check: bool = True) -> None:
        assert PG_BIN is not None
        command = [str(PG_BIN / program), *map(str, args)]
        if os.geteuid() == 0:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", subprocess.list2cmdline(command)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=WAIT_S)
        if check and done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            pytest.fail(f"{program} failed:\n{done.stdout}{done.stderr}\n{log}")


class Process:
    """``samspar worker`` as a process, its output kept in a file."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "samspar.cli", *args],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        stop(self.process)


class Browser:
    """Requests as the TLS proxy forwards them. Cookies are kept by hand: production
    marks them Secure, which a cookie jar would not send over the loopback's plain
    HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.headers = {
            "X-Forwarded-Proto": "https",
            "Origin": base.replace("http://", "https://"),
            "Referer": base.replace("http://", "https://") + "/",
            "Accept-Language": "sv",
        }

    def get(self, path: str, **params: Any) -> requests.Response:
        return self._send("GET", path, params=params)

    def post(self, path: str, data: dict[str, str], **files: Any) -> requests.Response:
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        return self._send("POST", path, data=data, files=files or None)

    def form_token(self, path: str) -> None:
        """GET a page with a form, which sets the CSRF cookie."""
        assert self.get(path).status_code == 200

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        response = requests.request(
            method,
            self.base + path,
            headers=self.headers,
            cookies=self.cookies,
            allow_redirects=False,
            timeout=WAIT_S,
            **kwargs,
        )
        self.cookies.update({k: v for k, v in response.cookies.get_dict().items() if v is not None})
        if response.status_code in (302, 303):
            location = response.headers["Location"].removeprefix(self.base)
            return self._send("GET", location)
        return response

    def log_in(self, username: str, *, second_factor: bool) -> None:
        self.form_token("/login/")
        response = self.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        if second_factor:
            assert 'name="code"' in response.text, response.text
            response = self.post("/login/tvafaktor/", {"code": f"{totp(DEMO_TOTP_KEY):06d}"})
        assert response.status_code == 200 and 'action="/logout/"' in response.text, response.text


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A demo database (a tenth of the demo) on the module's cluster, served by the
    production server, with a background worker."""
    var_dir = tmp_path_factory.mktemp("restart")
    cluster = Cluster()
    server: Server | None = None
    worker: Process | None = None
    try:
        env = production_env(var_dir, DATABASE_URL=cluster.url())
        demo_env = {**env, "SAMSPAR_DEBUG": "1"}
        for command in (("migrate", "--no-input", "-v", "0"), ("demo", "--scale", "0.1")):
            done = samspar(demo_env, *command)
            assert done.returncode == 0, done.stdout + done.stderr
        port = free_port()
        env.update(SAMSPAR_BIND=f"127.0.0.1:{port}", SAMSPAR_WORKERS="2")
        server = Server(env, var_dir / "server.log")
        base = f"http://127.0.0.1:{port}"
        server.wait_until_serving(f"{base}/login/")
        worker = Process(env, var_dir / "worker.log", "worker", "--no-startup-delay")
        yield {"cluster": cluster, "base": base, "server": server, "worker": worker}
    finally:
        if worker is not None:
            worker.stop()
        if server is not None:
            server.stop()
        cluster.remove()


def _one(cluster: Cluster, sql: str, *params: object) -> Any:
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        row = conn.execute(sql, params).fetchone()
    assert row is not None, sql
    return row[0]


def _until(what: str, check: Any, worker: Process) -> Any:
    """Look until ``check`` finds something. The pause between looks is a wait for the
    worker process, which must not end meanwhile; the looks are bounded only so that a
    broken run fails instead of hanging."""
    for _look in range(LOOKS):
        found = check()
        if found:
            return found
        with pytest.raises(subprocess.TimeoutExpired):
            worker.process.wait(timeout=0.2)
    pytest.fail(f"looked {LOOKS} times for {what}")


def _restart_while_waiting_on(
    cluster: Cluster, table: str, statement: str, worker: Process
) -> None:
    """Hold ``table`` locked until a session of the server or the worker waits for it
    in a statement starting with ``statement``; then restart PostgreSQL."""
    holder = psycopg.connect(cluster.url())
    holder.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
    waiting = (
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE %s"
    )
    _until(
        f"a session waiting for {table}",
        lambda: _one(cluster, waiting, f"{statement}%{table}%"),
        worker,
    )
    cluster.restart()  # ends the holder's session too
    holder.close()


def test_a_report_cut_off_by_a_restart_says_so_and_the_next_one_is_built(site):
    cluster, browser = site["cluster"], Browser(site["base"])
    browser.log_in("styrelse.sodradalarna", second_factor=False)
    forbund = _one(cluster, "SELECT id FROM organisation_forbund WHERE name = %s", FORBUND)
    year = dt.date.today().year - 1
    period = {
        "level": "forbund",
        "object_id": forbund,
        "date_from": f"{year}-01-01",
        "date_to": f"{year}-12-31",
    }
    answers: list[requests.Response] = []
    asking = threading.Thread(
        target=lambda: answers.append(browser.get("/rapporter/deltagare/", **period))
    )
    asking.start()
    _restart_while_waiting_on(cluster, Enrolment._meta.db_table, "SELECT", site["worker"])
    asking.join(WAIT_S)
    (cut_off,) = answers
    assert cut_off.status_code == 503
    assert cut_off.headers["Retry-After"].isdigit()
    assert "Databasen svarade inte" in cut_off.text and "Traceback" not in cut_off.text

    # The same server, not restarted: the next request gets a new connection.
    again = browser.get("/rapporter/deltagare/", **period)
    assert again.status_code == 200 and "<table" in again.text
    assert site["server"].process.poll() is None


def _file(people: int) -> bytes:
    header = "Personnummer;Förnamn;Efternamn;Startdatum;Remitterande aktör\n"
    rows = (
        f"{make_pnr(dt.date(1970, 1, 1) + dt.timedelta(days=i), man=i % 2 == 0)};"
        f"Ny{i};Person;{dt.date.today().year}-01-02;AF\n"
        for i in range(people)
    )
    return (header + "".join(rows)).encode()


def test_an_import_cut_off_by_a_restart_leaves_nothing_and_runs_again(site):
    cluster, worker, browser = site["cluster"], site["worker"], Browser(site["base"])
    browser.log_in("coach.avesta", second_factor=True)
    insats = _one(cluster, "SELECT id FROM organisation_insats WHERE name = %s", INSATS)
    enrolments = f'SELECT count(*) FROM "{Enrolment._meta.db_table}" WHERE insats_id = %s'
    persons = f'SELECT count(*) FROM "{Person._meta.db_table}"'
    before = _one(cluster, enrolments, insats), _one(cluster, persons)

    start = f"/insats/{insats}/import/"
    browser.form_token(start)
    page = browser.post(
        start, {"kind": "enrolments"}, file=("deltagare.csv", _file(NEW_PEOPLE), "text/csv")
    )
    run_path = page.url.removeprefix(site["base"])
    assert re.fullmatch(r"/import/\d+/", run_path), page.url
    _until(
        "the dry run", lambda: f'action="{run_path}bekrafta/"' in browser.get(run_path).text, worker
    )

    # The write: stopped where it writes the enrolments' history, after the people and
    # the enrolments themselves were written in its transaction.
    history = Enrolment.history.model._meta.db_table
    confirm = threading.Thread(target=browser.post, args=(run_path + "bekrafta/", {}))
    confirm.start()
    _restart_while_waiting_on(cluster, history, "INSERT", worker)
    confirm.join(WAIT_S)

    page = _until(
        "the run shown as interrupted",
        lambda: (
            (answer := browser.get(run_path)).status_code == 200
            and 'id="import-interrupted"' in answer.text
            and answer
        ),
        worker,
    )
    assert "Kör igen" in page.text and "Traceback" not in page.text
    assert (_one(cluster, enrolments, insats), _one(cluster, persons)) == before
    assert worker.alive() and site["server"].process.poll() is None

    # Run again: the same worker, not restarted, writes it all.
    browser.post(run_path + "kor-igen/", {})
    done = _until(
        "the import",
        lambda: (
            'id="import-status">Importerad<' in (answer := browser.get(run_path)).text and answer
        ),
        worker,
    )
    assert f'id="import-create">{NEW_PEOPLE}<' in done.text
    assert _one(cluster, enrolments, insats) == before[0] + NEW_PEOPLE
    assert _one(cluster, persons) == before[1] + NEW_PEOPLE
    assert "was cut off: the database did not answer" in worker.log.read_text()
