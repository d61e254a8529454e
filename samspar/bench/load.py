"""`samspar bench load`: a load test of the main pages and the API on the production
server, with locust (docs/performance.md, "Load test").

1. ``prepare``: the bench förbund with N generated enrolments (``generate``, ``loader``),
   loaded once and **committed** — unlike ``bench reports`` — with the people who work
   on it: a registrar (coach) per insats and a förbund administrator, made through the
   account services by an operator superuser, each with a confirmed TOTP device.
2. ``make_plan``: a session per simulated user, logged in with both factors as
   ``django.contrib.auth.login`` and ``django_otp.login`` would leave it, and an API key
   per coach, plus the paths each kind of user visits; written to a JSON file (0600)
   that the locust process reads. Log-in itself is not measured.
3. ``Server``: ``samspar serve`` (gunicorn, production settings) on loopback.
4. ``run_locust``: locust as a process of its own — it monkey-patches the standard
   library with gevent, so it is never imported here — with a hard timeout.
5. ``read_stats``: locust's CSV, per page kind (``samspar/bench/locustfile.py`` names
   each request by its kind).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management.utils import get_random_secret_key
from django.db import connection, transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspar.access import accounts, apitokens, services
from samspar.access.apitokens import ApiToken
from samspar.access.scoping import Role
from samspar.access.sessions import LOGGED_IN_AT
from samspar.api.registry import PAGE_SIZE as API_PAGE_SIZE
from samspar.bench import formatting, loader
from samspar.bench.generate import generate
from samspar.bench.runner import database_name, last_full_year
from samspar.organisation.models import Forbund, Insats
from samspar.registry.models import Enrolment

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
PLAN_VARIABLE = "SAMSPAR_LOAD_PLAN"  # the locustfile reads the plan's path from it
LOOPBACK = ("127.0.0.1", "localhost")
REPORT = "deltagare"  # the förbund's report page: the slowest report (docs/performance.md)
# Issue 14: no errors, p95 under 500 ms for list and detail pages (the API's too) and
# under 2 s for a förbund's report page. Keys: the page kinds of the locustfile.
GOALS_P95_MS = {
    "enrolment-list": 500,
    "enrolment-detail": 500,
    "insats-detail": 500,
    "forbund-detail": 500,
    "report-forbund": 2000,
    "api-insatser": 500,
    "api-enrolments": 500,
    "api-enrolment": 500,
}
OPERATOR = "load.operator"
ADMIN = "load.admin"
TOKEN_NAME = "samspar bench load"
SAMPLE = 100  # enrolments per insats whose record the simulated users open
API_PAGES = 20  # pages of an insats's enrolments the API clients ask for
START_TIMEOUT_S = 600  # collecting the static files takes half a minute on a busy machine
STOP_TIMEOUT_S = 30  # locust lets running requests finish this long after the duration
LOCUST_MARGIN_S = 180  # the locust process's hard timeout: duration + this


class LoadError(Exception):
    """Why the load test cannot run or did not finish; the message is for the operator."""


@dataclass(frozen=True)
class Stat:
    name: str
    requests: int
    failures: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None

    @property
    def goal_p95_ms(self) -> int | None:
        return GOALS_P95_MS.get(self.name)

    @property
    def meets_goal(self) -> bool:
        goal = self.goal_p95_ms
        return (
            goal is not None
            and self.requests > 0
            and self.failures == 0
            and self.p95_ms is not None
            and self.p95_ms <= goal
        )


@dataclass(frozen=True)
class Stats:
    pages: list[Stat]  # one per page kind of GOALS_P95_MS, in its order
    total: Stat
    failures: list[str]  # locust's failure lines: method, name, error, occurrences


@dataclass(frozen=True)
class Result:
    database: str
    enrolments: int
    users: int
    duration_s: int
    workers: int
    base: str  # the server's address
    stats: Stats
    server_log: str  # its last lines, when a request failed


@dataclass
class Plan:
    """What the locust process needs (``data``, written as JSON), and what to undo."""

    data: dict[str, Any]
    sessions: list[str] = field(default_factory=list)
    tokens: list[ApiToken] = field(default_factory=list)


def run(
    *, size: int, users: int, duration: int, host: str, seed: int, say: Callable[[str], None]
) -> Result:
    """The whole load test; ``say`` reports each step as it begins."""
    check_database()
    # DEBUG would keep every query's SQL in memory while a million rows load.
    with override_settings(DEBUG=False):
        forbund = prepare(size, seed=seed, say=say)
        secret = get_random_secret_key()
        plan = Plan(data={})
        try:
            make_plan(plan, forbund, users, secret, seed=seed)
            with tempfile.TemporaryDirectory(prefix="samspar-load-") as tmp:
                workdir = Path(tmp)
                write_plan(plan, workdir / "plan.json")
                env = server_env(host, free_port(host), secret)
                say(
                    _("Starting the production server (samspar serve, %(workers)s workers) …")
                    % {"workers": workers()}
                )
                with serving(env, workdir / "server.log") as server:
                    warm_up(server.base, plan)
                    say(
                        _("Running locust: %(users)s users for %(seconds)s s against %(base)s …")
                        % {"users": users, "seconds": duration, "base": server.base}
                    )
                    prefix = run_locust(
                        server.base, workdir / "plan.json", workdir, users=users, duration=duration
                    )
                stats = read_stats(prefix)
                server_log = tail(workdir / "server.log") if stats.total.failures else ""
        finally:
            undo(plan)
        return Result(
            database=database_name(),
            enrolments=enrolment_count(forbund),
            users=users,
            duration_s=duration,
            workers=workers(),
            base=server.base,
            stats=stats,
            server_log=server_log,
        )


# -- 1. Data and people --------------------------------------------------------------------


def check_database() -> None:
    """Refuse a database that holds any other förbund — the load test commits its data
    and users, so it runs only on a database of its own — and one the server cannot
    open (SQLite in memory)."""
    if Forbund.objects.exclude(name=loader.FORBUND_NAME).exists():
        raise LoadError(
            _(
                "The database holds other förbund than %(name)s. The load test writes into "
                "the database and runs only on a throw-away database of its own."
            )
            % {"name": loader.FORBUND_NAME}
        )
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        raise LoadError(_("The load test needs a database file or server, not SQLite in memory."))


def prepare(size: int, *, seed: int, say: Callable[[str], None]) -> Forbund:
    """The bench förbund: found, or generated with ``size`` enrolments, loaded and
    committed in one transaction together with its people."""
    forbund = Forbund.objects.filter(name=loader.FORBUND_NAME).first()
    if forbund is not None:
        say(
            _("%(name)s is in the database already: its enrolments are used as they are.")
            % {"name": loader.FORBUND_NAME}
        )
        with transaction.atomic():
            people(forbund)  # made by an earlier run; checked, and completed if need be
        return forbund
    say(
        _("Generating and loading %(size)s enrolments (committed) …")
        % {"size": formatting.number(size)}
    )
    data = generate(size, today=timezone.localdate(), seed=seed)
    with transaction.atomic():
        forbund = loader.load(data)
        people(forbund)
    return forbund


def enrolment_count(forbund: Forbund) -> int:
    return Enrolment.objects.filter(insats__forbund=forbund).count()


def coach_name(insats: Insats) -> str:
    return f"load.coach.{insats.pk}"


def people(forbund: Forbund) -> tuple[User, list[tuple[User, Insats]]]:
    """The förbund administrator and one registrar per insats, each with a confirmed
    TOTP device: found, or made through the services (accounts, two-factor set-up) by
    an operator superuser, as a system administrator would on the set-up pages."""
    operator = User.objects.filter(username=OPERATOR).first()
    if operator is None:
        operator = User.objects.create_superuser(OPERATOR, email="", password=None)
    admin = _user(operator, ADMIN, Role.FORBUND_ADMIN, forbund=forbund)
    coaches = [
        (_user(operator, coach_name(insats), Role.REGISTRATOR, insats=insats), insats)
        for insats in forbund.insatser.order_by("pk")
    ]
    return admin, coaches


def _user(
    operator: User,
    username: str,
    role: Role,
    *,
    forbund: Forbund | None = None,
    insats: Insats | None = None,
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts.create_user(
            actor=operator,
            username=username,
            first_name="Load",
            last_name="Test",
            email=f"{username}@example.invalid",
            role=role,
            forbund=forbund,
            insats=insats,
        )
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        device = services.new_pending_totp_device(user)
        services.confirm_totp_device(user, device, _current_code(device))
    return user


def _current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


# -- 2. Sessions, keys and paths ----------------------------------------------------------


def make_plan(plan: Plan, forbund: Forbund, users: int, secret: str, *, seed: int) -> None:
    """Fill ``plan`` (whose sessions and keys ``undo`` removes even if this stops
    halfway): per simulated user its own session (``users`` for the coaches, as many for the
    administrators: locust takes what its users need), an API key per coach, and the
    paths of each page kind with ids from the loaded data. ``secret``: the server's
    SECRET_KEY, which signs the sessions."""
    rng = random.Random(seed)
    admin, coaches = people(forbund)
    date_from, date_to = last_full_year(timezone.localdate())
    report = (
        reverse("report", args=[REPORT])
        + "?"
        + urllib.parse.urlencode(
            {
                "level": "forbund",
                "object_id": forbund.pk,
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
            }
        )
    )
    coach_pages, api_pages = [], []
    for _user, insats in coaches:
        sample = list(
            Enrolment.objects.filter(insats=insats)
            .order_by("?")
            .values_list("pk", flat=True)[:SAMPLE]
        )
        pages = max(1, math.ceil(Enrolment.objects.filter(insats=insats).count() / API_PAGE_SIZE))
        coach_pages.append(
            {
                "enrolment-list": [reverse("enrolment-list", args=[insats.pk])],
                "enrolment-detail": [reverse("enrolment-detail", args=[pk]) for pk in sample],
                "insats-detail": [reverse("insats-detail", args=[insats.pk])],
            }
        )
        enrolments = reverse("api:insats-enrolments", args=[insats.pk])
        api_pages.append(
            {
                "api-insatser": [reverse("api:insatser")],
                "api-enrolments": [
                    f"{enrolments}?page={page}"
                    for page in sorted(rng.sample(range(1, pages + 1), min(pages, API_PAGES)))
                ],
                "api-enrolment": [reverse("api:enrolment", args=[pk]) for pk in sample],
            }
        )
    admin_pages = {
        "forbund-detail": [reverse("forbund-detail", args=[forbund.pk])],
        "insats-detail": [reverse("insats-detail", args=[i.pk]) for _u, i in coaches],
        "report-forbund": [report],
    }
    with override_settings(SECRET_KEY=secret):
        plan.data["coaches"] = [
            _visitor(plan, coaches[n % len(coaches)][0], coach_pages[n % len(coaches)])
            for n in range(users)
        ]
        plan.data["admins"] = [_visitor(plan, admin, admin_pages) for _n in range(users)]
    plan.data["api"] = [
        _api_client(plan, user, pages) for (user, _i), pages in zip(coaches, api_pages, strict=True)
    ]


def _visitor(plan: Plan, user: User, pages: dict[str, list[str]]) -> dict[str, Any]:
    key = _session(user)
    plan.sessions.append(key)
    cookie = f"{settings.SESSION_COOKIE_NAME}={key}"
    return {"headers": {"Cookie": cookie, "X-Forwarded-Proto": "https"}, "pages": pages}


def _session(user: User) -> str:
    """A stored session of ``user`` after both log-in steps: what Django's ``login()``
    (user, backend, session hash), Samspår's log-in signal (the time of log-in) and
    ``django_otp.login()`` (the verified device) leave in it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None  # people() gave every user one
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[LOGGED_IN_AT] = int(time.time())
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return str(store.session_key)


def _api_client(plan: Plan, user: User, pages: dict[str, list[str]]) -> dict[str, Any]:
    # An earlier run that was stopped may have left its key; a user has at most 20.
    for token in ApiToken.objects.filter(user=user, name=TOKEN_NAME, revoked_at__isnull=True):
        apitokens.revoke_token(user=user, token=token)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    token, key = apitokens.create_token(user=user, name=TOKEN_NAME, expires_on=tomorrow)
    plan.tokens.append(token)
    headers = {"Authorization": f"Bearer {key}", "X-Forwarded-Proto": "https"}
    return {"headers": headers, "pages": pages}


def undo(plan: Plan) -> None:
    """Delete the run's sessions and revoke its API keys."""
    Session.objects.filter(session_key__in=plan.sessions).delete()
    for token in plan.tokens:
        apitokens.revoke_token(user=token.user, token=token)


def write_plan(plan: Plan, path: Path) -> None:
    """The plan holds live sessions and keys: readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(plan.data, out)


# -- 3. The production server -----------------------------------------------------------


def database_url() -> str:
    """The URL of the database this process uses, for the server process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    user = urllib.parse.quote(s["USER"] or "", safe="")
    password = urllib.parse.quote(s["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = s["HOST"] or "localhost"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{s['NAME']}"


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def server_env(host: str, port: int, secret: str) -> dict[str, str]:
    """The production environment (docs/deployment.md) on loopback, behind a TLS proxy
    that the load generator plays (X-Forwarded-Proto), with this process's database and
    keys — the personnummer were encrypted with them — and a secret key of its own."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(settings.VAR_DIR)),
        "DJANGO_SETTINGS_MODULE": "samspar.settings",
        "SAMSPAR_DEBUG": "0",
        "SAMSPAR_SECRET_KEY": secret,
        "SAMSPAR_FIELD_KEY": settings.SAMSPAR_FIELD_KEY,
        "SAMSPAR_HASH_KEY": settings.SAMSPAR_HASH_KEY,
        "SAMSPAR_ALLOWED_HOSTS": host,
        "SAMSPAR_BEHIND_PROXY": "1",
        "SAMSPAR_BIND": f"{host}:{port}",
        # The static files are collected once into var/static and reused.
        "SAMSPAR_VAR_DIR": str(settings.VAR_DIR),
        "DATABASE_URL": database_url(),
    }
    for name in ("PYTHONPATH", "SAMSPAR_WORKERS", "SAMSPAR_TIMEOUT"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


def workers() -> int:
    """Gunicorn's worker processes as samspar/gunicorn_config.py chooses them."""
    return int(os.environ.get("SAMSPAR_WORKERS", "0")) or 2 * (os.cpu_count() or 1) + 1


class Server:
    """``samspar serve`` as a process, its output in ``log``."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.base = f"http://{env['SAMSPAR_BIND']}"
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "samspar.cli", "serve"],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait_until_serving(self) -> None:
        """Until the log-in page answers 200; bounded so that a broken start fails
        instead of hanging."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LoadError(
                    _("The server stopped (exit status %(status)s):\n%(log)s")
                    % {"status": self.process.returncode, "log": tail(self.log)}
                )
            request = urllib.request.Request(
                f"{self.base}/login/", headers={"X-Forwarded-Proto": "https"}
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise LoadError(
            _("The server did not answer within %(seconds)s s:\n%(log)s")
            % {"seconds": START_TIMEOUT_S, "log": tail(self.log)}
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[Server]:
    server = Server(env, log)
    try:
        server.wait_until_serving()
        yield server
    finally:
        server.stop()


def tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect (to the log-in page) is an answer of its own


def warm_up(base: str, plan: Plan) -> None:
    """Open every page kind once per gunicorn worker (as many requests at a time as
    there are workers, so that each gets one), unmeasured: a worker's first requests
    import code, compile templates and connect to the database, which a server that has
    been running for days no longer does. A page that does not answer 200 stops the
    test here, before any measurement."""
    opener = urllib.request.build_opener(_NoRedirect)
    requests = [
        (path, identities[0]["headers"])
        for identities in plan.data.values()
        for path in (paths[0] for paths in identities[0]["pages"].values())
    ]

    def get(request: tuple[str, dict[str, str]]) -> None:
        path, headers = request
        try:
            with opener.open(urllib.request.Request(base + path, headers=headers), timeout=600):
                pass
        except urllib.error.HTTPError as error:
            raise LoadError(
                _("Warming up, %(path)s answered %(status)s.")
                % {"path": path.split("?")[0], "status": error.code}
            ) from None

    with ThreadPoolExecutor(max_workers=workers()) as pool:
        for request in requests:
            list(pool.map(get, [request] * workers()))


# -- 4. Locust ---------------------------------------------------------------------------


def run_locust(base: str, plan: Path, workdir: Path, *, users: int, duration: int) -> Path:
    """Run the locustfile's users against ``base`` for ``duration`` seconds; returns
    the prefix of locust's CSV files. Users are started over the first tenth of the
    run (at most 10 s)."""
    prefix = workdir / "locust"
    log = workdir / "locust.log"
    rate = users / max(1.0, min(10.0, duration / 10))
    command = [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        f"{rate:.2f}",
        "--run-time",
        f"{duration}s",
        "--stop-timeout",
        str(STOP_TIMEOUT_S),
        "--host",
        base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(workdir)),
        PLAN_VARIABLE: str(plan),
    }
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    with log.open("wb") as output:
        try:
            process = subprocess.run(
                command,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                timeout=duration + STOP_TIMEOUT_S + LOCUST_MARGIN_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise LoadError(
                _("Locust did not stop in time:\n%(log)s") % {"log": tail(log)}
            ) from None
    # Exit status 1 only says that some request failed; the statistics tell which.
    if not prefix.with_name("locust_stats.csv").exists():
        raise LoadError(
            _("Locust stopped without statistics (exit status %(status)s):\n%(log)s")
            % {"status": process.returncode, "log": tail(log)}
        )
    return prefix


# -- 5. The statistics -------------------------------------------------------------------


def read_stats(prefix: Path) -> Stats:
    """Locust's ``<prefix>_stats.csv`` per page kind (a kind that got no request has a
    row of zeros) and its ``<prefix>_failures.csv``."""
    with prefix.with_name(f"{prefix.name}_stats.csv").open(newline="") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    with prefix.with_name(f"{prefix.name}_failures.csv").open(newline="") as f:
        failures = [
            f"{row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']} ×)"
            for row in csv.DictReader(f)
        ]
    pages = [_stat(name, rows.get(name)) for name in GOALS_P95_MS]
    return Stats(pages=pages, total=_stat("all", rows.get("Aggregated")), failures=failures)


def _stat(name: str, row: dict[str, str] | None) -> Stat:
    if row is None:
        return Stat(name, 0, 0, None, None, None)

    def ms(column: str) -> float | None:
        value = row[column]
        return None if value in ("", "N/A") else float(value)

    return Stat(
        name=name,
        requests=int(row["Request Count"]),
        failures=int(row["Failure Count"]),
        p50_ms=ms("50%"),
        p95_ms=ms("95%"),
        p99_ms=ms("99%"),
    )
