"""Report filters that let people type (issue 12, #4), in a real browser: a date being
typed sends nothing until the button; a new level asks for its choice without an error;
the address keeps the filters."""

from __future__ import annotations

import pytest
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser import log_in, skip_without_chromium

pytestmark = pytest.mark.browser
skip_without_chromium()


@pytest.mark.django_db(transaction=True)
def test_typing_a_date_sends_nothing_until_the_button(
    reference_data, page, live_server, insats, registrator
):
    device = TOTPDevice.objects.create(user=registrator, name="app", confirmed=True)
    try:
        _type_and_choose(page, live_server, insats, device)
    finally:
        connections.close_all()  # as in tests/test_browser.py


def _type_and_choose(page, live_server, insats, device):
    log_in(page, live_server, "coach", device)
    page.goto(f"{live_server.url}/rapporter/resultat/")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/rapporter/resultat/" in r.url else None)

    # Typing a year digit by digit, Chromium fires a change for every date it makes on
    # the way (years 2, 20, 202 …): the five reports the issue saw. Here the same events.
    for field, typed in (("from", "2024-03-01"), ("to", "2024-12-31")):
        for year in ("0002", "0020", "0202", typed[:4]):
            page.eval_on_selector(
                f"#id_date_{field}",
                "(el, v) => { el.value = v;"
                " el.dispatchEvent(new Event('input', {bubbles: true}));"
                " el.dispatchEvent(new Event('change', {bubbles: true})); }",
                year + typed[4:],
            )
    page.wait_for_timeout(500)
    assert sent == []
    assert page.locator("#id_date_from").input_value() == "2024-03-01"
    assert page.locator("#id_date_to").input_value() == "2024-12-31"

    _swap(page, lambda: page.click("form.report-filters button[type=submit]"))
    assert len(sent) == 1 and "date_from=2024-03-01" in sent[0]
    assert page.locator("#id_date_from").input_value() == "2024-03-01"
    assert "date_from=2024-03-01" in page.url  # the address keeps the filters

    _swap(page, lambda: page.select_option("#id_level", "insats"))
    page.wait_for_selector("text=Välj en insats för att se rapporten.")
    assert page.locator(".report-filters .error").count() == 0
    _swap(page, lambda: page.select_option("#id_object_id", str(insats.pk)))
    page.wait_for_selector("table")
    assert len(sent) == 3
    assert f"object_id={insats.pk}" in page.url


def _swap(page, action):
    """Do ``action`` and wait until HTMX has put the new report block in place. The
    response alone is not enough: on a busy machine the next step could otherwise act
    on the old form in the moment before the swap, and its change would be lost."""
    page.eval_on_selector("#report-block", "el => { el.dataset.old = 'yes'; }")
    with page.expect_response(lambda r: "/rapporter/resultat/" in r.url):
        action()
    page.wait_for_function(
        "() => { const b = document.querySelector('#report-block');"
        " return b && !b.dataset.old && !b.classList.contains('htmx-settling'); }"
    )
