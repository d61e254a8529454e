"""Every URL of the urlconf, and the object of the small world each one names.

Shared by the tests that walk every page: ``tests/test_url_access.py`` (who may use
which URL) and ``tests/test_counts_suppressed.py`` (no page shows a small count).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from samspar.registry.models import Question
from tests import small_world
from tests.factories import make_question
from tests.small_world import World

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


# --- the objects behind the URLs --------------------------------------------------------


def _year(w: World) -> int:
    return timezone.localdate().year - 1


def _question(w: World) -> Question:
    """A question of A's personal insats, defined on first use (in the requesting test's
    transaction, so it is rolled back with it)."""
    return Question.objects.filter(insats=w.a.personal).first() or make_question(w.a.personal)


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
    "follow-up-create": lambda w: {"pk": w.ended.pk, "months": 1},
    "anonymous-edit": lambda w: {"pk": w.anonymous.pk},
    "anonymous-delete": lambda w: {"pk": w.anonymous.pk},
    "follow-up-edit": lambda w: {"pk": w.follow_up.pk},
    "follow-up-delete": lambda w: {"pk": w.follow_up.pk},
    "question-edit": lambda w: {"pk": _question(w).pk},
    "question-delete": lambda w: {"pk": _question(w).pk},
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
    "api:enrolment": lambda w: {"enrolment_id": w.enrolment.pk},
    "api:enrolment-end": lambda w: {"enrolment_id": w.enrolment.pk},
    "api:enrolment-follow-ups": lambda w: {"enrolment_id": w.ended.pk},
    "api:follow-up": lambda w: {"follow_up_id": w.follow_up.pk},
    "api:insats-volume-counts": lambda w: {"insats_id": w.a.volume.pk},
    "api:insats-structural-counts": lambda w: {"insats_id": w.a.structural.pk},
    "api:evaluation": lambda w: {"evaluation_id": w.evaluation.pk},
    "economics-detail": lambda w: {"pk": w.evaluation.pk},
    "economics-edit": lambda w: {"pk": w.evaluation.pk},
    "economics-refresh": lambda w: {"pk": w.individuals.pk},
    "economics-export": lambda w: {"pk": w.evaluation.pk, "fmt": "json"},
    "economics-value-set": lambda w: {"pk": w.value_set.pk},
    "economics-value-set-year": lambda w: {"pk": w.value_set.pk},
    "import-template": lambda w: {"insats_id": w.a.personal.pk, "kind": "enrolments"},
    "import-run": lambda w: {"pk": w.import_run.pk},
    "import-progress": lambda w: {"pk": w.import_run.pk},
    "import-mapping": lambda w: {"pk": w.import_run.pk},
    "import-confirm": lambda w: {"pk": w.import_run.pk},
    "import-discard": lambda w: {"pk": w.import_run.pk},
    "import-resume": lambda w: {"pk": w.import_run.pk},
    "user-detail": lambda w: {"pk": w.a.users["board"].pk},
    "enrolment-list-export": lambda w: {"insats_id": w.a.personal.pk, "fmt": "xlsx"},
}

# URLs whose kwargs name no förbund's object.
UNSCOPED: dict[str, Callable[[World], Kwargs]] = {
    "report": lambda w: {"key": "deltagare"},
    "all-enrolments-export": lambda w: {"fmt": "csv"},
    "report-definitions": lambda w: {"key": "resultat"},
    "set-password": lambda w: {"uidb64": "MQ", "token": "ingen-nyckel"},
    "report-export": lambda w: {"key": "deltagare", "fmt": "csv"},
    "api:get_report": lambda w: {"key": "deltagare"},
    "economics-create": lambda w: {"method": "type_cases"},
    "economics-compare-export": lambda w: {"fmt": "csv"},
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

# Any other admin page of one object (``admin:<app>_<model>_<action>``, or the unnamed
# ``admin/<app>/<model>/<id>/`` redirect) shows the model's first row: the small world
# holds one row of every model in the admin site.
ADMIN_OBJECT = re.compile(r"admin:(?P<app>\w+?)_(?P<model>[a-z0-9]+)_(?:simple_history|[a-z]+)$")
ADMIN_OBJECT_PATH = re.compile(r"admin/(?P<app>\w+)/(?P<model>[a-z0-9]+)/<path:object_id>/$")


def _first_pk(app: str, model: str) -> Any:
    row = apps.get_model(app, model).objects.order_by("pk").first()
    assert row is not None, f"the small world has no {app}.{model} for its admin pages"
    return row.pk


def url_for(key: str, world: World) -> tuple[str, bool]:
    """The URL to request for ``key`` and whether it names an object of förbund A."""
    if key in PATHS:
        return PATHS[key](world), False
    if match := ADMIN_OBJECT_PATH.fullmatch(key):
        return f"/{key.replace('<path:object_id>', str(_first_pk(**match.groupdict())))}", False
    if key in KWARGS:
        return reverse(key, kwargs=KWARGS[key](world)), True
    if key in UNSCOPED:
        return reverse(key, kwargs=UNSCOPED[key](world)), False
    names = {a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", URLS[key])}
    if (match := ADMIN_OBJECT.fullmatch(key)) and (names or key.endswith("_simple_history")):
        pk = _first_pk(**match.groupdict())
        if key.endswith("_simple_history"):  # one version of the row (positional groups)
            model = apps.get_model(match["app"], match["model"])
            version = model.history.filter(id=pk).earliest("history_id")
            return reverse(key, args=[pk, version.history_id]), False
        if names in ({"object_id"}, {"pk"}):
            return reverse(key, kwargs={names.pop(): pk}), False
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
    if response.status_code == 405:  # an API operation that only changes (PATCH)
        response = client.patch(path, "{}", content_type="application/json")
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


def module_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """The small world, built once for a test module and rolled back after it (use as
    a module-scoped fixture; each test still runs in a transaction of its own)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield small_world.build()
        transaction.set_rollback(True)
