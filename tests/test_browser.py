"""One journey in a real browser: log in, register a participant, end the enrolment.

Drives Debian's chromium through Playwright (the ``page`` fixture of tests/conftest.py).
Skipped only where Chromium is missing and we are not in CI; in CI a missing browser is
a failure.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspar.registry.models import Enrolment
from tests.browser import log_in, skip_without_chromium
from tests.factories import make_pnr

pytestmark = pytest.mark.browser
skip_without_chromium()


@pytest.mark.django_db(transaction=True)
def test_register_and_end_a_participant(reference_data, page, live_server, insats, registrator):
    device = TOTPDevice.objects.create(user=registrator, name="app", confirmed=True)
    try:
        _register_and_end(page, live_server, insats, device)
    finally:
        # ORM calls made while Playwright runs get a connection of their own context;
        # close it here, in that context, so PostgreSQL can drop the test database.
        connections.close_all()


def _register_and_end(page, live_server, insats, device):
    pnr = make_pnr(dt.date(1993, 5, 20), man=False)
    # A registrator logs in with two factors: the code of their authenticator app.
    log_in(page, live_server, "coach", device)

    page.click(f"text={insats.name}")
    page.click(f"a[href$='/insats/{insats.pk}/deltagare/']")
    page.click("a[href$='/deltagare/ny/']")

    page.fill("#id_personnummer", pnr)
    page.locator("#id_personnummer").blur()
    # The number is checked as it is typed: the derived birth date appears.
    page.wait_for_selector("text=1993-05-20")
    page.fill("#id_first_name", "Karin")
    page.fill("#id_last_name", "Lund")
    page.fill("#id_start_date", "2022-03-01")
    page.fill("#id_consent_date", "2022-03-01")
    page.select_option("#id_municipality", label="Avesta")
    page.select_option("#id_referring_actor", index=1)
    page.check("input[name=supply_before][value]:near(:text('Försörjningsstöd'))")
    page.select_option("#id_education_level", index=1)
    page.select_option("#id_occupation_before", index=1)
    page.click("button[type=submit].primary")

    page.wait_for_selector("text=Lund")
    enrolment = Enrolment.objects.get()
    assert enrolment.person.birth_date == dt.date(1993, 5, 20)
    assert enrolment.person.gender == "K"

    page.click(f"a[href$='/deltagare/{enrolment.pk}/avsluta/']")
    page.fill("#id_end_date", "2022-11-30")
    page.select_option("#id_end_reason", label="Studier")
    page.check("#id_studies_after")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=2022-11-30")

    enrolment.refresh_from_db()
    assert enrolment.end_date == dt.date(2022, 11, 30)
    assert enrolment.end_reason.code == "studier"
    assert enrolment.studies_after
