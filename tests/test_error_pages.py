"""Swedish 404 and 500 pages (issue 12, #6): a page that does not exist, or that the
user may not see, answers with the site's own page in the user's language — never
Django's list of URL patterns, also in debug mode (the demo); the API keeps its JSON."""

from __future__ import annotations

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from samspar.access.scoping import Role
from samspar.core.views import server_error
from tests.factories import make_forbund, make_user


@pytest.mark.parametrize("debug", [False, True])
def test_a_missing_page_is_the_sites_own_in_swedish(db, debug):
    client = Client(headers={"accept-language": "sv"})
    client.force_login(make_user("board", Role.BOARD, forbund=make_forbund()))
    with override_settings(DEBUG=debug):
        for path in ("/finns-inte/", reverse("enrolment-detail", args=[999_999])):
            response = client.get(path)
            html = response.content.decode()
            assert response.status_code == 404
            assert "Sidan finns inte" in html and "Till startsidan" in html
            assert "URLconf" not in html and "uppfoljning/" not in html


def test_the_api_keeps_its_own_not_found(db):
    client = Client()
    client.force_login(make_user("board", Role.BOARD, forbund=make_forbund()))
    response = client.get("/api/v1/enrolments/999999")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def _handled(path: str, error: Exception) -> HttpResponse:
    """The site's 500 handler, called as Django calls it: while ``error`` is handled."""
    try:
        raise error
    except Exception:
        return server_error(RequestFactory().get(path))


def test_the_server_error_page_needs_nothing_but_its_template():
    """No database: the handler reads neither the user nor the session."""
    response = _handled("/", ValueError("a bug"))
    html = response.content.decode()
    assert response.status_code == 500 and "Retry-After" not in response
    assert "Något gick fel" in html and "Till startsidan" in html


@pytest.mark.parametrize("error", [OperationalError("gone"), InterfaceError("closed")])
def test_a_database_that_does_not_answer_is_503_try_again(error):
    """A restarted or unreachable database (tests/test_database_restart.py does it for
    real): 503 with Retry-After and a sentence, on a page or in the API's JSON."""
    page = _handled("/rapporter/deltagare/", error)
    assert page.status_code == 503 and page["Retry-After"] == "5"
    html = page.content.decode()
    assert "Databasen svarade inte" in html and "försök igen om en stund" in html
    assert "gone" not in html and "closed" not in html

    api = _handled("/api/v1/enrolments", error)
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert api["Content-Type"] == "application/json"
    assert json.loads(api.content)["detail"].startswith("Databasen svarade inte.")
