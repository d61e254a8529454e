"""The evaluation page at 1 366 × 768 (issue 13, item 8): the board's summary — key
figures, the headline per actor, the chance of profit and the tornado — fits the first
screen, and the page with its sections closed is a fraction of the 9 500 px
it was (a wall of tables)."""

from __future__ import annotations

import pytest
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser import log_in, skip_without_chromium
from tests.factories import make_type_case_evaluation
from tests.test_economics_services import shipped

pytestmark = pytest.mark.browser
skip_without_chromium()

WIDTH, HEIGHT = 1366, 768


@pytest.mark.django_db(transaction=True)
def test_the_summary_fits_the_first_screen(
    reference_data, page, live_server, forbund, forbund_admin
):
    device = TOTPDevice.objects.create(user=forbund_admin, name="app", confirmed=True)
    evaluation = make_type_case_evaluation(forbund_admin, forbund, shipped())
    try:
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        log_in(page, live_server, forbund_admin.username, device)
        page.goto(f"{live_server.url}/ekonomi/{evaluation.pk}/")
        summary = page.locator("#board-summary")
        box = summary.bounding_box()
        assert box is not None
        bottom = box["y"] + box["height"]
        tornado = page.locator("#tornado").bounding_box()
        height = page.evaluate("document.documentElement.scrollHeight")
        assert tornado is not None and tornado["y"] + tornado["height"] <= HEIGHT
        assert bottom <= HEIGHT
        assert height <= 3000
        # A section opens on demand and shows its tables.
        page.click("#section-results > summary")
        assert page.locator("#table-results").is_visible()
        assert page.evaluate("document.documentElement.scrollHeight") > height
    finally:
        connections.close_all()
