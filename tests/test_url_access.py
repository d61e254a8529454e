"""Every URL declares its access (issue 9, #15), in the spirit of NetBox's view tests.

The table "Who may use which URL" in docs/roles.md is the source of truth: one row per
URL pattern of the whole urlconf (pages, the API's routes, the admin site), one column
per role. This test walks every pattern and, on a small world (``tests.small_world``):

- anonymous gets the log-in page (a redirect with ``next``) or 401, unless the row
  says anonymous may use it (or nobody may: a URL that is no page for anyone, 404);
- each role, in its own förbund, may use exactly the URLs the table marks for it;
- a user of any role in the other förbund gets 404 on every URL of förbund A's objects.

A URL without a row fails (the message names it and gives the row the walk observed,
to check and paste); so does a row for a URL that no longer exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests import small_world
from tests.small_world import ROLES, World

ROLES_DOC = Path(__file__).resolve().parent.parent / "docs" / "roles.md"
TABLE_HEADING = "## Who may use which URL"
COLUMNS = ("anonymous", *ROLES)
YES = "✓"
NO = "–"

Kwargs = dict[str, Any]


# --- the urlconf ----------------------------------------------------------------------


def _walk(patterns: list[Any], route: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(key, route) of every pattern: its name with namespaces (``api:get_report``), or
    the route itself for an unnamed one."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            full = route + str(pattern.pattern)
            if pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), full
            else:
                yield full, full


URLS = dict(_walk(get_resolver().url_patterns))


# --- the table in docs/roles.md -------------------------------------------------------


def access_table() -> dict[str, frozenset[str]]:
    """URL key → the columns (anonymous and roles) marked as allowed."""
    text = ROLES_DOC.read_text(encoding="utf-8")
    assert TABLE_HEADING in text, f"docs/roles.md has no section '{TABLE_HEADING}'"
    section = text.split(TABLE_HEADING, 1)[1].split("\n## ", 1)[0]
    rows: dict[str, frozenset[str]] = {}
    header: list[str] | None = None
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or set(cells[0]) <= {"-", ":", " "}:
            continue
        if header is None:
            header = [c.strip("`") for c in cells[1:]]
            assert tuple(header) == COLUMNS, f"the URL table's columns must be {COLUMNS}"
            continue
        key = cells[0].strip("`")
        assert key not in rows, f"docs/roles.md lists {key} twice"
        assert all(c in (YES, NO) for c in cells[1:]), f"row {key}: use {YES} or {NO}"
        rows[key] = frozenset(col for col, c in zip(header, cells[1:], strict=True) if c == YES)
    return rows


def table_row(key: str, allowed: set[str]) -> str:
    marks = " | ".join(YES if c in allowed else NO for c in COLUMNS)
    return f"| `{key}` | {marks} |"


# --- the objects behind the URLs --------------------------------------------------------


def _year(w: World) -> int:
    return timezone.localdate().year - 1


# URL kwargs from the world's objects of förbund A (``None``: the URL names no object of
# a förbund, so there is no out-of-scope check). A kwarg named insats_id or forbund_id
# needs no entry; a new URL with any other kwarg does (the test says so).
KWARGS: dict[str, Callable[[World], Kwargs]] = {
    "forbund-detail": lambda w: {"pk": w.a.forbund.pk},
    "forbund-settings": lambda w: {"pk": w.a.forbund.pk},
    "insats-detail": lambda w: {"pk": w.a.personal.pk},
    "insats-edit": lambda w: {"pk": w.a.personal.pk},
    "insats-budget": lambda w: {"pk": w.a.personal.pk},
    "insats-staff": lambda w: {"pk": w.a.personal.pk},
    "insats-staff-edit": lambda w: {"pk": w.a.personal.pk, "staff_pk": w.staff.pk},
    "insats-waiting": lambda w: {"pk": w.a.personal.pk},
    "insats-volume": lambda w: {"pk": w.a.volume.pk},
    "insats-structural": lambda w: {"pk": w.a.structural.pk},
    "enrolment-detail": lambda w: {"pk": w.enrolment.pk},
    "enrolment-edit": lambda w: {"pk": w.enrolment.pk},
    "enrolment-end": lambda w: {"pk": w.enrolment.pk},
    "annual-report-latest": lambda w: {"pk": w.a.personal.pk},
    "annual-report": lambda w: {"pk": w.a.personal.pk, "year": _year(w)},
    "annual-report-pdf": lambda w: {"pk": w.a.personal.pk, "year": _year(w)},
    "annual-report-docx": lambda w: {"pk": w.a.personal.pk, "year": _year(w)},
    "annual-chapter-edit": lambda w: {
        "pk": w.a.personal.pk,
        "year": _year(w),
        "chapter": "participants-conditions",
    },
    "annual-chapter-history": lambda w: {
        "pk": w.a.personal.pk,
        "year": _year(w),
        "chapter": "participants-conditions",
    },
    "economics-detail": lambda w: {"pk": w.evaluation.pk},
    "economics-edit": lambda w: {"pk": w.evaluation.pk},
    "economics-refresh": lambda w: {"pk": w.individuals.pk},
    "economics-export": lambda w: {"pk": w.evaluation.pk, "fmt": "json"},
    "economics-value-set": lambda w: {"pk": w.value_set.pk},
    "economics-value-set-year": lambda w: {"pk": w.value_set.pk},
}

# URLs whose kwargs name no förbund's object.
UNSCOPED: dict[str, Callable[[World], Kwargs]] = {
    "report": lambda w: {"key": "deltagare"},
    "report-export": lambda w: {"key": "deltagare", "fmt": "csv"},
    "api:get_report": lambda w: {"key": "deltagare"},
    "economics-create": lambda w: {"method": "type_cases"},
    "admin:app_list": lambda w: {"app_label": "auth"},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(User).pk,
        "object_id": w.sysadmin.pk,
    },
    "admin:auth_user_change": lambda w: {"object_id": w.a.users["board"].pk},
    "admin:auth_user_delete": lambda w: {"object_id": w.a.users["board"].pk},
    "admin:auth_user_history": lambda w: {"object_id": w.a.users["board"].pk},
    "admin:auth_user_password_change": lambda w: {"id": w.a.users["board"].pk},
    "admin:auth_group_change": lambda w: {"object_id": w.group.pk},
    "admin:auth_group_delete": lambda w: {"object_id": w.group.pk},
    "admin:auth_group_history": lambda w: {"object_id": w.group.pk},
}

# Unnamed patterns are requested by their path (the admin's redirects and catch-all).
PATHS: dict[str, Callable[[World], str]] = {
    "admin/auth/user/<path:object_id>/": lambda w: f"/admin/auth/user/{w.a.users['board'].pk}/",
    "admin/auth/group/<path:object_id>/": lambda w: f"/admin/auth/group/{w.group.pk}/",
    "admin/(?P<url>.*)$": lambda w: "/admin/ingen-sida/",
}

BY_NAME = {"insats_id": lambda w: w.a.personal.pk, "forbund_id": lambda w: w.a.forbund.pk}


def _path(key: str, world: World) -> tuple[str, bool]:
    """The URL to request for ``key`` and whether it names an object of förbund A."""
    if key in PATHS:
        return PATHS[key](world), False
    if key in KWARGS:
        return reverse(key, kwargs=KWARGS[key](world)), True
    if key in UNSCOPED:
        return reverse(key, kwargs=UNSCOPED[key](world)), False
    names = {a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", URLS[key])}
    missing = names - set(BY_NAME)
    assert not missing, (
        f"URL {key} ({URLS[key]}) takes {sorted(missing)}: give its kwargs in "
        "tests/test_url_access.py (KWARGS, or UNSCOPED if it names no förbund's object)"
    )
    return reverse(key, kwargs={n: BY_NAME[n](world) for n in names}), bool(names)


# --- requests ---------------------------------------------------------------------------

LOGIN_PATHS = {reverse(settings.LOGIN_URL), reverse("admin:login")}

# URLs that take only POST but answer a GET with 404 rather than 405.
POST_ONLY = {"economics-refresh", "economics-value-set-year"}


def outcome(user: User | None, path: str, *, post: bool = False) -> tuple[str, int]:
    """("allowed" | "denied" | "login", status) of a GET, or of an empty POST where the
    URL takes only POST. A fresh client each time: a log-out must not carry over."""
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.post(path, {}) if post else client.get(path)
    if response.status_code == 405:
        response = client.post(path, {})
    status = response.status_code
    assert status < 500, f"{path} as {user}: {status}"
    if status == 401:
        return "login", status
    if status in (301, 302):
        target = urlsplit(response["Location"])
        if target.path in LOGIN_PATHS and "next=" in target.query:
            return "login", status
    if status in (403, 404):
        return "denied", status
    return "allowed", status


# --- the world, once for the module -----------------------------------------------------


@pytest.fixture(scope="module")
def world_ids(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield SimpleNamespace(world=small_world.build())
        transaction.set_rollback(True)


@pytest.fixture
def world(world_ids, db) -> World:
    return world_ids.world


# --- the tests --------------------------------------------------------------------------


def test_the_table_has_a_row_for_every_url_and_no_other():
    table = access_table()
    missing = sorted(set(URLS) - set(table))
    stale = sorted(set(table) - set(URLS))
    assert not missing, (
        "URLs without a row in docs/roles.md's table 'Who may use which URL': "
        f"{missing}. Add a row for each (the walk's test prints what it observed)."
    )
    assert not stale, f"rows in docs/roles.md for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("key", sorted(URLS))
def test_url_access_is_as_declared(world, key):
    table = access_table()
    path, scoped = _path(key, world)
    post = key in POST_ONLY
    observed: set[str] = set()
    details = []
    anonymous, status = outcome(None, path, post=post)
    if anonymous == "allowed":
        observed.add("anonymous")
    details.append(f"anonymous: {status}")
    for role in ROLES:
        result, status = outcome(world.a.users[role], path, post=post)
        if result == "allowed":
            observed.add(role)
        details.append(f"{role}: {status}")
    assert key in table, (
        f"URL {key} ({URLS[key]}) has no row in docs/roles.md. The walk observed:\n"
        f"{table_row(key, observed)}\nCheck it is what each role should get, then add it."
    )
    # Anonymous is sent to log in, unless the URL is public or is no page for anyone.
    assert anonymous in ("login", "allowed") or not table[key], f"{key}: {details[0]}"
    assert observed == table[key], (
        f"URL {key} ({path}): docs/roles.md says\n{table_row(key, set(table[key]))}\n"
        f"but the walk observed\n{table_row(key, observed)}\n({', '.join(details)})"
    )
    if scoped:
        outsiders = {role: world.b.users[role] for role in ROLES if role != "sysadmin"}
        leaks = {
            role: status
            for role, user in outsiders.items()
            if (status := outcome(user, path, post=post)[1]) != 404
        }
        assert not leaks, f"URL {key} ({path}) of förbund A: users of förbund B got {leaks}"
