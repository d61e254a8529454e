from __future__ import annotations

import importlib
import json
import math
import os
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client, RequestFactory
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from samspar.access.scoping import Role
from samspar.codelists.loading import load_codelists, load_counties_and_municipalities
from samspar.organisation.models import Forbund, Insats
from tests.factories import make_forbund, make_insats, make_user
from tests.seeds import register, seed_002_participants, seed_002_year

# -- Two-factor log-in in tests ---------------------------------------------------------
# ``client.force_login(user)`` and ``client.login(...)`` give a session that has also done
# the second step (as if the user had typed a code from their app): the user gets a
# confirmed TOTP device if they have none, and the session is marked verified with it.
# ``password_only_login`` gives the session of someone who has typed only the password.
_password_only_force_login = Client.force_login


def password_only_login(client: Client, user: User) -> None:
    """Log the client in with the password step only (no second factor)."""
    _password_only_force_login(client, user)


def _force_login_with_second_factor(self: Client, user: User, backend: str | None = None) -> None:
    _password_only_force_login(self, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _login_with_second_factor(self: Client, **credentials: str) -> bool:
    # django-axes needs the request that Django's Client.login does not pass.
    user = authenticate(RequestFactory().post("/login/"), **credentials)
    if user is None:
        return False
    self.force_login(user, backend=getattr(user, "backend", None))
    return True


Client.force_login = _force_login_with_second_factor  # type: ignore[method-assign,assignment]
Client.login = _login_with_second_factor  # type: ignore[method-assign,assignment]


# No test depends on the machine's speed: hypothesis has no deadline (a property that
# takes 300 ms on a busy machine is as true as one that takes 3 ms), and in CI
# (CI=true, set by .ci/run) it draws the same examples on every run.
hypothesis_settings.register_profile("default", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")


@pytest.fixture
def reference_data(transactional_db):
    """For a transactional test: the code lists, counties and municipalities and the
    shipped standard values that the data migrations load, loaded again if a
    transactional test before it (the browser test, the export round trip) flushed the
    database. (serialized_rollback would clash with the content types that a flush
    re-creates.)"""
    load_reference_data()


def load_reference_data() -> None:
    """What the data migrations load into an empty installation (each loader skips what
    is there already)."""
    load_codelists(django_apps)
    load_counties_and_municipalities(django_apps)
    for name, loader in (
        ("0002_load_standard_values", "load"),
        ("0010_shipped_values_new_version", "add_changed_versions"),
    ):
        migration = importlib.import_module(f"samspar.economics.migrations.{name}")
        getattr(migration, loader)(django_apps, None)


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language (Swedish): a page requested in English
    leaves English active in the thread, which must not leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="module")
def seed_002_world(request, django_db_setup, django_db_blocker):
    """For a test module marked ``seed_002``: seed 002 (Samverkansteam Avesta from 2015
    to 2022; with ``seed_002(only_2022=True)`` the year 2022 alone) registered through
    the services once for the module — it takes seconds — and rolled back after it; each
    test still runs in a transaction of its own, and the module's ``forbund``, ``insats``,
    ``registrator`` and ``manager`` are its. None for every other module."""
    marker = request.node.get_closest_marker("seed_002")
    if marker is None:
        yield None
        return
    participants = seed_002_year() if marker.kwargs.get("only_2022") else seed_002_participants()
    with django_db_blocker.unblock(), transaction.atomic():
        forbund = make_forbund()
        insats = make_insats(forbund)
        registrator = make_user("coach", Role.REGISTRATOR, insats=insats)
        manager = make_user("chef", Role.INSATS_MANAGER, insats=insats)
        register(registrator, insats, participants)
        yield SimpleNamespace(
            forbund=forbund.pk, insats=insats.pk, registrator=registrator.pk, manager=manager.pk
        )
        transaction.set_rollback(True)


# The module-scoped world comes first in each signature, so it is set up before the
# test's own transaction (db) and outlives it.
@pytest.fixture
def forbund(seed_002_world, db):
    return Forbund.objects.get(pk=seed_002_world.forbund) if seed_002_world else make_forbund()


@pytest.fixture
def insats(seed_002_world, forbund):
    if seed_002_world:
        return Insats.objects.get(pk=seed_002_world.insats)
    return make_insats(forbund)


@pytest.fixture
def registrator(seed_002_world, insats):
    if seed_002_world:
        return User.objects.get(pk=seed_002_world.registrator)
    return make_user("coach", Role.REGISTRATOR, insats=insats)


@pytest.fixture
def manager(seed_002_world, insats):
    if seed_002_world:
        return User.objects.get(pk=seed_002_world.manager)
    return make_user("chef", Role.INSATS_MANAGER, insats=insats)


@pytest.fixture
def forbund_admin(forbund):
    return make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund)


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """The live server, started after (so stopped before) the test database goes away."""
    return live_server


@pytest.fixture
def page(live_server):
    """A page of Debian's chromium through Playwright, Swedish, for the browser tests
    (``tests/browser.py`` says when they are skipped)."""
    from tests.browser import BUSY_MACHINE_TIMEOUT_MS, CHROMIUM

    # Playwright runs an event loop in this thread; Django's ORM calls in the test are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="sv-SE", viewport={"width": 1024, "height": 768})
        # A busy machine is slow, not wrong: wait long before calling a step failed.
        context.set_default_timeout(BUSY_MACHINE_TIMEOUT_MS)
        context.set_default_navigation_timeout(BUSY_MACHINE_TIMEOUT_MS)
        yield context.new_page()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


# -- Parallel runs (make test: pytest-xdist, --dist loadgroup) ---------------------------
# A transactional test (a live server, a browser, committed rows) leaves a flushed
# database: no code lists, no standard values. pytest-django runs those tests after all
# others, and a worker takes groups in that order, so a worker that has begun them gets no
# other test afterwards. Each module's other tests stay together (one group), so its
# module-scoped fixtures are built once.


def _group_for_workers(items: list[pytest.Item]) -> None:
    for item in items:
        kind = "flushes" if _flushes(item) else "keeps"
        item.add_marker(pytest.mark.xdist_group(f"{kind}:{item.path.name}"))


def _flushes(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return (
        "transactional_db" in fixtures
        or "live_server" in fixtures
        or (marker is not None and bool(marker.kwargs.get("transaction")))
    )


# -- Mutation testing (scripts/mutation.sh) ----------------------------------------------
# mutmut runs a mutant's tests with ``-x`` in no useful order. Running first the tests that
# cost least to reach — their fixtures' set-up (recorded in mutmut's stats run) and their
# own time (mutmut's stats) — ends a killed mutant sooner. Modules and classes stay
# together, so their fixtures are built once.
_SETUPS = Path("mutmut-setup-durations.json")  # mutmut runs the tests inside mutants/
_setups: dict[str, float] = {}


def _mutmut_phase() -> str:
    return os.environ.get("MUTANT_UNDER_TEST", "")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "setup" and _mutmut_phase() == "stats":
        _setups[report.nodeid] = report.duration


def pytest_sessionfinish() -> None:
    if _setups:  # a stats run of some tests only adds theirs
        known = json.loads(_SETUPS.read_text()) if _SETUPS.exists() else {}
        _SETUPS.write_text(json.dumps(known | _setups))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop a parallel run whose groups did not take: pytest-xdist 3.8 marks a test's
    group in its node id, which pytest 9.2 no longer reads (its node ids are built
    otherwise), so every module's tests were spread over both workers — its shared
    fixtures built twice, transactional tests in between (constraints.txt pins 9.1)."""
    config = session.config
    grouped = hasattr(config, "workerinput") and config.getoption("loadgroup", default=False)
    if grouped and any("@" not in item.nodeid for item in session.items):
        raise pytest.UsageError("pytest-xdist's groups (--dist loadgroup) were not applied")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    _group_for_workers(items)
    stats = Path("mutmut-stats.json")
    if _mutmut_phase() in {"", "fail", "stats", "list_all_tests"} or not _SETUPS.exists():
        return
    calls: dict[str, float] = json.loads(stats.read_text())["duration_by_test"]
    setups: dict[str, float] = json.loads(_SETUPS.read_text())
    set_up: defaultdict[str, float] = defaultdict(float)
    quickest: defaultdict[str, float] = defaultdict(lambda: math.inf)
    for item in items:
        for group in _groups(item.nodeid):
            set_up[group] += setups.get(item.nodeid, 0.0)
            quickest[group] = min(quickest[group], calls.get(item.nodeid, math.inf))

    def cost(group: str) -> float:
        return set_up[group] + quickest[group]

    def key(item: pytest.Item) -> tuple[object, ...]:
        module, klass = _groups(item.nodeid)
        own = setups.get(item.nodeid, 0.0) + calls.get(item.nodeid, math.inf)
        return (cost(module), module, cost(klass), klass, own)

    items.sort(key=key)


def _groups(nodeid: str) -> tuple[str, str]:
    """The module of a test and its class (the module again for a test outside a class)."""
    parts = nodeid.split("::")
    return parts[0], "::".join(parts[:-1])
