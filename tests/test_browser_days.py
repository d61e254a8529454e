"""Issue 12's "done when", in a real browser on the demo: a coach's day and a förbund
administrator's.

The coach (coach.avesta, as the README's demo logins) starts on the start page, opens
the to-do list, registers a follow-up that is due, registers a participant answering the
förbund's own questions, ends another participant answering the end question, and sorts,
searches and exports the participant list. The administrator (admin.sodradalarna) defines
a question for Samverkansteam Avesta and reads the follow-up report. Each step is checked
against what was saved, or against the same figure counted in the database.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone
from django_otp.oath import totp
from openpyxl import load_workbook

from samspar.demo import builder
from samspar.registry.models import Answer, Enrolment, FollowUp, Question
from tests.browser import skip_without_chromium
from tests.factories import make_pnr

pytestmark = pytest.mark.browser
skip_without_chromium()

AVESTA = "Samverkansteam Avesta"


def _log_in(page: Any, live_server: Any, username: str) -> None:
    """The demo password, then the code of the demo's authenticator key."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", builder.DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#id_code")
    page.fill("#id_code", f"{totp(builder.demo_totp_key()):06d}")
    page.click("button[type=submit].primary")
    page.wait_for_selector("main h1")


@pytest.fixture
def demo(reference_data):
    builder.build()
    yield
    connections.close_all()  # as in tests/test_browser.py


@pytest.mark.django_db(transaction=True)
def test_a_coachs_day_on_the_demo(demo, page, live_server):
    today = timezone.localdate()
    _log_in(page, live_server, "coach.avesta")

    # The start page counts what needs doing; the to-do list names it.
    page.click("a[href$='/att-gora/']")
    page.wait_for_selector("#follow-ups")
    follow_ups = FollowUp.objects.count()
    page.click("#follow-ups tbody tr:first-child a")
    page.wait_for_selector("#id_date")
    page.select_option("#id_occupation", index=1)
    page.check("#id_works")
    page.click("form button[type=submit].primary")
    page.wait_for_selector("text=Uppföljningen är registrerad.")
    assert FollowUp.objects.count() == follow_ups + 1
    assert FollowUp.objects.latest("pk").works

    # Register a participant, answering the förbund's two start questions.
    insats = Enrolment.objects.filter(insats__name=AVESTA).first().insats
    licence = Question.objects.get(insats=insats, text="Har deltagaren körkort?")
    travel = Question.objects.get(insats=insats, text="Hur tar sig deltagaren till insatsen?")
    page.goto(f"{live_server.url}/insats/{insats.pk}/deltagare/ny/")
    page.fill("#id_personnummer", make_pnr(dt.date(1991, 7, 9), man=False))
    page.fill("#id_first_name", "Ingrid")
    page.fill("#id_last_name", "Dagsvensson")
    page.fill("#id_start_date", today.isoformat())
    page.fill("#id_consent_date", today.isoformat())
    page.select_option("#id_municipality", label="Avesta")
    page.select_option("#id_education_level", index=1)
    page.select_option(f"#id_question_{licence.pk}", label="Ja")
    page.check(f"input[name=question_{travel.pk}]:near(:text('Kollektivtrafik'))")
    page.click("form button[type=submit].primary")
    page.wait_for_selector("text=Dagsvensson")
    registered = Enrolment.objects.get(last_name="Dagsvensson")
    answers = {a.question_id: a for a in Answer.objects.filter(enrolment=registered)}
    assert answers[licence.pk].yes is True
    assert [c.label for c in answers[travel.pk].choices.all()] == ["Kollektivtrafik"]
    page.wait_for_selector("text=Förbundets frågor")

    # End another active participant, answering the end question.
    satisfied = Question.objects.get(insats=insats, text="Hur nöjd är deltagaren med insatsen?")
    ending = (
        Enrolment.objects.filter(insats=insats, end_date__isnull=True)
        .exclude(pk=registered.pk)
        .earliest("start_date")
    )
    page.goto(f"{live_server.url}/deltagare/{ending.pk}/avsluta/")
    page.fill("#id_end_date", today.isoformat())
    page.select_option("#id_end_reason", label="Studier")
    page.check("#id_studies_after")
    page.select_option(f"#id_question_{satisfied.pk}", label="Mycket nöjd")
    page.click("form button[type=submit].primary")
    page.wait_for_selector(f"text={today.isoformat()}")
    ending.refresh_from_db()
    assert ending.end_date == today and ending.end_reason.code == "studier"
    assert Answer.objects.get(enrolment=ending, question=satisfied).choices.get().label == (
        "Mycket nöjd"
    )

    # The participant list: sorted by start date (newest first), searched, exported.
    page.goto(f"{live_server.url}/insats/{insats.pk}/deltagare/")
    page.click("button.sort[value=start]")
    page.click("button.sort[value='-start']")
    page.wait_for_selector("th[aria-sort=descending] button[value=start]")
    first = page.locator("table.list tbody tr:first-child td:first-child").inner_text()
    assert first == "Dagsvensson, Ingrid", "the newest start first"
    page.fill("#id_q", "Dagsvensson")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("text=1 inskrivning")
    with page.expect_download() as download:
        page.click("button:text('Exportera till Excel')")
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and "Har deltagaren körkort?" in r)
    data = [r for r in rows[rows.index(header) + 1 :] if any(r)]
    assert len(data) == 1, "the export is the searched list"
    row = dict(zip(header, data[0], strict=False))
    assert row["Har deltagaren körkort?"] == "Ja"
    assert row["Hur tar sig deltagaren till insatsen?"] == "Kollektivtrafik"


@pytest.mark.django_db(transaction=True)
def test_a_forbund_administrators_day_on_the_demo(demo, page, live_server):
    _log_in(page, live_server, "admin.sodradalarna")
    insats = Enrolment.objects.filter(insats__name=AVESTA).first().insats

    # Defining a question for the insats's participants.
    page.goto(f"{live_server.url}/insats/{insats.pk}/")
    page.click("text=Frågor till deltagarna")
    page.wait_for_selector("text=Har deltagaren körkort?")
    page.fill("#id_text", "Har deltagaren barn under 18 år?")
    page.select_option("#id_kind", "yes_no")
    page.select_option("#id_moment", "start")
    page.click("form button[type=submit].primary")
    page.wait_for_selector("text=Har deltagaren barn under 18 år?")
    question = Question.objects.get(text="Har deltagaren barn under 18 år?")
    assert question.insats == insats and question.kind == "yes_no"
    assert question.valid_from == timezone.localdate()

    # Reading the follow-up report of the insats for the last full year: the page shows
    # the figures the API gives for the same filters (one definition of each figure).
    year = timezone.localdate().year - 1
    query = f"level=insats&object_id={insats.pk}&date_from={year}-01-01&date_to={year}-12-31"
    page.goto(f"{live_server.url}/rapporter/uppfoljning/?{query}")
    page.wait_for_selector("table.report")
    api = page.request.get(f"{live_server.url}/api/v1/reports/uppfoljning?{query}").json()
    assert api["suppression"]["applied"], "the administrator reads suppressed figures"
    shown = page.locator("table.report")
    assert shown.count() == len(api["tables"]) >= 2
    checked = 0
    for t, table in enumerate(api["tables"]):
        rows = shown.nth(t).locator("tbody tr")
        assert rows.count() == len(table["rows"])
        for r, row in enumerate(table["rows"]):
            cells = rows.nth(r).locator("th, td").all_inner_texts()
            for c, column in enumerate(table["columns"]):
                if column["kind"] == "count" and row[column["key"]] is not None:
                    assert cells[c].strip() == str(row[column["key"]]), (t, r, column)
                    checked += 1
    assert checked > 10
    reached = FollowUp.objects.filter(
        enrolment__insats=insats, enrolment__end_date__year=year, reached=True
    )
    assert reached.exists(), "the demo has follow-ups of that year to report"
