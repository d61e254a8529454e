"""Keyboard-only use (issue 12, #7) in a real browser: registering a participant, ending
the enrolment and choosing a report's filters with Tab, typing, arrow keys, Space and
Enter — never the mouse. Every field is reached in the page's tab order (``_tab_to``
fails if it is not) and shows where the focus is."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspar.registry.models import Enrolment
from tests.browser import log_in, skip_without_chromium
from tests.factories import make_pnr

pytestmark = pytest.mark.browser
skip_without_chromium()

MAX_TABS = 150


def _tab_to(page: Any, selector: str) -> None:
    """Press Tab until the element ``selector`` has the focus; it must show it (the
    browser's focus ring, which no style may take away)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{selector} has the focus but does not show it"
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def _type_date(page: Any, selector: str, day: dt.date) -> None:
    """Type a date into the focused native date field, segment by segment. Debian's
    headless Chromium orders the segments month/day/year whatever the page's language;
    the assertion says so if that ever changes."""
    page.keyboard.type(f"{day.month:02d}{day.day:02d}{day.year}")
    assert page.locator(selector).input_value() == day.isoformat()


@pytest.fixture
def device(registrator):
    return TOTPDevice.objects.create(user=registrator, name="app", confirmed=True)


@pytest.mark.django_db(transaction=True)
def test_register_and_end_with_the_keyboard(reference_data, page, live_server, insats, device):
    try:
        _register_and_end(page, live_server, insats, device)
    finally:
        connections.close_all()  # as in tests/test_browser.py


def _register_and_end(page: Any, live_server: Any, insats: Any, device: Any) -> None:
    log_in(page, live_server, "coach", device)
    page.goto(f"{live_server.url}/insats/{insats.pk}/deltagare/ny/")

    _tab_to(page, "#id_personnummer")
    page.keyboard.type(make_pnr(dt.date(1993, 5, 20), man=False))
    _tab_to(page, "#id_first_name")
    page.keyboard.type("Karin")
    _tab_to(page, "#id_last_name")
    page.keyboard.type("Lund")
    _tab_to(page, "#id_start_date")
    _type_date(page, "#id_start_date", dt.date(2022, 3, 1))
    _tab_to(page, "#id_consent_date")
    _type_date(page, "#id_consent_date", dt.date(2022, 3, 1))
    _tab_to(page, "#id_municipality")
    page.keyboard.type("Avesta")  # a closed list picks the option typed
    _tab_to(page, "#id_referring_actor")
    page.keyboard.press("ArrowDown")
    _tab_to(page, "input[name=supply_before]")
    page.keyboard.press("Space")
    _tab_to(page, "#id_education_level")
    page.keyboard.press("ArrowDown")
    _tab_to(page, "form button[type=submit].primary")
    page.keyboard.press("Enter")

    page.wait_for_selector("text=Lund")
    enrolment = Enrolment.objects.get()
    assert (enrolment.first_name, enrolment.last_name) == ("Karin", "Lund")
    assert enrolment.start_date == enrolment.consent_date == dt.date(2022, 3, 1)
    assert enrolment.municipality is not None and enrolment.municipality.name == "Avesta"
    assert enrolment.referring_actor is not None and enrolment.supply_before.count() == 1

    # From the record: to the end form by the keyboard alone.
    _tab_to(page, f"a[href$='/deltagare/{enrolment.pk}/avsluta/']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_end_date")
    _tab_to(page, "#id_end_date")
    _type_date(page, "#id_end_date", dt.date(2022, 11, 30))
    _tab_to(page, "#id_end_reason")
    page.keyboard.type("Studier")
    _tab_to(page, "#id_studies_after")
    page.keyboard.press("Space")
    _tab_to(page, "form button[type=submit].primary")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=2022-11-30")

    enrolment.refresh_from_db()
    assert enrolment.end_date == dt.date(2022, 11, 30)
    assert enrolment.end_reason is not None and enrolment.end_reason.code == "studier"
    assert enrolment.studies_after


@pytest.mark.django_db(transaction=True)
def test_report_filters_with_the_keyboard(reference_data, page, live_server, insats, device):
    try:
        _filters(page, live_server, insats, device)
    finally:
        connections.close_all()


def _filters(page: Any, live_server: Any, insats: Any, device: Any) -> None:
    log_in(page, live_server, "coach", device)
    page.goto(f"{live_server.url}/rapporter/resultat/")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/rapporter/resultat/" in r.url else None)

    _tab_to(page, "#id_date_from")
    _type_date(page, "#id_date_from", dt.date(2024, 3, 1))
    _tab_to(page, "#id_date_to")
    _type_date(page, "#id_date_to", dt.date(2024, 12, 31))
    assert sent == [], "typing a date sends nothing"
    _tab_to(page, "form.report-filters button[type=submit]")
    with page.expect_response(lambda r: "/rapporter/resultat/" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('date_from=2024-03-01')")

    # The level, then the insats, each with the arrow keys of a closed list.
    page.wait_for_selector("#id_level")
    _tab_to(page, "#id_level")
    while page.locator("#id_level").input_value() != "insats":
        with page.expect_response(lambda r: "/rapporter/resultat/" in r.url):
            page.keyboard.press("ArrowDown")
        page.wait_for_function(
            "() => !document.querySelector('#report-block.htmx-request, .htmx-settling')"
        )
        _tab_to(page, "#id_level")
    page.wait_for_selector("text=Välj en insats för att se rapporten.")
    _tab_to(page, "#id_object_id")
    with page.expect_response(lambda r: "/rapporter/resultat/" in r.url):
        page.keyboard.type(insats.name)
    page.wait_for_selector("table")
    assert f"object_id={insats.pk}" in page.url and "date_from=2024-03-01" in page.url
