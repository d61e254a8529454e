"""Swedish 404 and 500 pages (issue 12, #6): a page that does not exist, or that the
user may not see, answers with the site's own page in the user's language — never
Django's list of URL patterns, also in debug mode (the demo); the API keeps its JSON."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from samspar.access.scoping import Role
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


def test_the_server_error_page_needs_nothing_but_its_template(db):
    """Rendered by Django's handler without the request's context, as for a real 500."""
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel" in html and "Till startsidan" in html
