"""Accessibility on the demo (issue 12, #7): axe-core over the pages each demo login
reaches by following the links from its start page — with the demo's long lists, real
names and every report filled — finds no serious or critical violation.

``tests/test_accessibility.py`` checks every URL as every role that may open it, on the
small world; this walk checks the same pages with the data a user meets. It follows
same-site links breadth first and opens at most ``PER_VIEW`` pages of each view (one
participant's record stands for all), skipping downloads, the API, the admin site and
log-out."""

from __future__ import annotations

from collections import Counter, deque
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.db import connections
from django.test import Client
from django.urls import Resolver404, resolve

from samspar.demo import builder
from tests.browser import load_axe_on_every_page, serious_violations, skip_without_chromium

pytestmark = pytest.mark.browser
skip_without_chromium()

# One login of each role (README's demo logins).
LOGINS = (
    "coach.avesta",
    "insats.avesta",
    "admin.sodradalarna",
    "styrelse.sodradalarna",
    "dso.sodradalarna",
    "sysadmin",
)
PER_VIEW = 2
MAX_PAGES = 60  # per login
SKIP = ("/api/", "/admin/", "/static/", "/logga-ut", "/logout", "/i18n/")
SKIP_VIEWS = ("export", "pdf", "docx", "template", "esf-file", "logout")


def _view(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _links(page: Any, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin or parts.path.startswith(SKIP):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_no_serious_or_critical_violation(reference_data, page, live_server):
    from django.contrib.auth.models import User

    builder.build(scale=0.3)
    load_axe_on_every_page(page)
    found: list[str] = []
    checked: Counter[str] = Counter()
    try:
        for username in LOGINS:
            client = Client()
            client.force_login(User.objects.get(username=username))
            page.context.clear_cookies()
            page.context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "url": live_server.url,
                    }
                ]
            )
            seen: set[str] = set()
            per_view: Counter[str] = Counter()
            queue = deque(["/"])
            while queue and checked[username] < MAX_PAGES:
                path = queue.popleft()
                view = _view(urlsplit(path).path)
                if path in seen or view is None or any(w in view for w in SKIP_VIEWS):
                    continue
                seen.add(path)
                if per_view[view] >= PER_VIEW:
                    continue
                response = page.goto(f"{live_server.url}{path}")
                if response is None or response.status != 200:
                    continue
                if "text/html" not in response.headers.get("content-type", ""):
                    continue
                per_view[view] += 1
                checked[username] += 1
                found += serious_violations(page, f"{username} {path}")
                queue.extend(_links(page, live_server.url))
    finally:
        connections.close_all()
    assert all(checked[u] >= 3 for u in LOGINS), checked
    assert sum(checked.values()) > 80, checked
    assert not found, "\n".join(found)
