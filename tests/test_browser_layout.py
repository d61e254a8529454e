"""Layout (issue 12, #6), measured in a real browser at 1 366 px: a wide table scrolls
inside its card with its first column in view, and a 100-character name wraps instead
of widening the page (it made it 2 107 px wide)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspar.registry.models import Enrolment
from tests.browser import log_in, skip_without_chromium
from tests.factories import enrol, make_pnr

pytestmark = pytest.mark.browser
skip_without_chromium()

WIDTH = 1366
PAGE_WIDTH = "document.documentElement.scrollWidth"


@pytest.mark.django_db(transaction=True)
def test_long_names_and_wide_tables_stay_inside_the_page(
    reference_data, page, live_server, insats, registrator
):
    device = TOTPDevice.objects.create(user=registrator, name="app", confirmed=True)
    long_name = ("Långnamnsdotter" * 7)[:100]  # one word of 100 letters
    assert len(long_name) == 100

    enrolment = enrol(
        registrator,
        insats,
        personnummer_text=make_pnr(dt.date(1991, 2, 3), man=False),
        last_name=long_name,
    )
    try:
        page.set_viewport_size({"width": WIDTH, "height": 800})
        log_in(page, live_server, registrator.username, device)
        for path in (f"/deltagare/{enrolment.pk}/", f"/insats/{insats.pk}/deltagare/"):
            page.goto(f"{live_server.url}{path}")
            assert long_name[:20] in page.content()
            assert page.evaluate(PAGE_WIDTH) <= WIDTH, path
        page.goto(f"{live_server.url}/rapporter/resultat/?level=insats&object_id={insats.pk}")
        page.wait_for_selector("table.report")
        assert page.evaluate(PAGE_WIDTH) <= WIDTH
        first = page.locator("table.report tbody tr th").first
        assert first.evaluate("el => getComputedStyle(el).position") == "sticky"
        assert Enrolment.objects.count() == 1
    finally:
        connections.close_all()
