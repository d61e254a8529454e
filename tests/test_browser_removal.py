"""Every removal asks first (issue 12, #5), in a real browser: "Ta bort" on the waiting
list opens the browser's dialog; dismissed, nothing is removed; accepted, the count is."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspar.registry import services as registry
from samspar.registry.models import WaitingListCount
from tests.browser import log_in, skip_without_chromium

pytestmark = pytest.mark.browser
skip_without_chromium()


@pytest.mark.django_db(transaction=True)
def test_a_waiting_list_count_is_removed_only_when_confirmed(
    reference_data, page, live_server, insats, manager
):
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    registry.record_waiting_count(user=manager, insats=insats, date=dt.date(2024, 3, 31), count=7)
    try:
        log_in(page, live_server, manager.username, device)
        page.goto(f"{live_server.url}/insats/{insats.pk}/vantelista/")
        questions: list[str] = []

        def answer(dialog: Any, accept: bool) -> None:
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", lambda d: answer(d, False))
        page.click("form[data-confirm] button")
        page.wait_for_timeout(500)
        assert questions == ["Ta bort 2024-03-31?"]
        assert WaitingListCount.objects.count() == 1

        page.once("dialog", lambda d: answer(d, True))
        with page.expect_navigation():
            page.click("form[data-confirm] button")
        assert WaitingListCount.objects.count() == 0
    finally:
        connections.close_all()
