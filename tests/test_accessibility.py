"""Accessibility (issue 12, #7): axe-core, through Playwright and Debian's chromium, over
every page of the site, as each role that may open it (docs/roles.md's table), on the
small world of the URL walk: no serious or critical violation.

Downloads, the API, the admin site and the POST-only URLs are no pages to check."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from tests.browser import load_axe_on_every_page, serious_violations, skip_without_chromium
from tests.small_world import ROLES, build
from tests.test_url_access import access_table
from tests.url_walk import POST_ONLY, URLS, url_for

pytestmark = pytest.mark.browser
skip_without_chromium()

# Not pages: files, redirects, the API, the admin site (Django's), form-only endpoints.
NOT_PAGES = ("api:", "admin:", "admin/", "static")
NOT_PAGE_KEYS = {
    "logout",
    "set_language",
    "personnummer-check",
    "import-progress",
    "economics-refresh",
    "economics-value-set-year",
    "annual-report-latest",
}


def _is_page(key: str) -> bool:
    if key.startswith(NOT_PAGES) or key in NOT_PAGE_KEYS or key in POST_ONLY:
        return False
    return not any(word in key for word in ("export", "-pdf", "-docx", "template", "esf-file"))


def _log_in(context: Any, live_server: Any, user: Any) -> None:
    """The session of a Django client (logged in with both factors), as a cookie."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.clear_cookies()
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.django_db(transaction=True)
def test_no_page_has_a_serious_or_critical_violation(reference_data, page, live_server):
    world = build()
    table = access_table()
    load_axe_on_every_page(page)
    found: list[str] = []
    checked = 0
    try:
        for role in ROLES:
            user = world.a.users[role]
            _log_in(page.context, live_server, user)
            for key in sorted(URLS):
                if not _is_page(key) or role not in table.get(key, frozenset()):
                    continue
                path, _scoped = url_for(key, world)
                try:
                    response = page.goto(f"{live_server.url}{path}")
                except PlaywrightError:  # an empty answer (405 to a GET of a POST form)
                    continue
                if response is None or "text/html" not in response.headers.get("content-type", ""):
                    continue
                checked += 1
                found += serious_violations(page, f"{role} {key}")
    finally:
        connections.close_all()
    assert checked > 60
    assert not found, "\n".join(found)
