"""Issue 10's "done when", as one journey in a real browser, on an empty installation:

the system administrator (made by ``samspar createsuperuser``, as a new installation
does) sets up a förbund with its member parties and first administrator; the
administrator sets a password from the e-mailed link, turns on two-factor log-in, adds an
insats and a coach; the coach does the same, imports a spreadsheet shaped like a team's
own history (its own headings, "K"/"Kvinna", "Soc", years with two decimals, bad rows),
maps what is unknown, sees every problem in the dry run, fixes the file, imports it; and
the Deltagare and Resultat reports show the figures counted by hand below.

Everything after the first administrator goes through the pages; between steps the test
runs the task worker once, as ``samspar worker`` does on a server. Drives Debian's
chromium through Playwright (the ``page`` fixture of tests/conftest.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connections
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import totp
from openpyxl import Workbook

from samspar.imports.models import ImportRun
from samspar.registry import services as registry
from samspar.registry.models import Enrolment
from samspar.reports.cellkey import possible
from tests.browser import skip_without_chromium
from tests.factories import make_pnr

pytestmark = pytest.mark.browser
skip_without_chromium()

PASSWORD = "kanotpaddel i Runn vid gryning"
FORBUND = "Södra Dalarnas samordningsförbund"
INSATS = "Samverkansteam Avesta"
HEADINGS = [
    "Personnr",
    "Kön",
    "Startdag",  # not a heading Samspår knows: the mapping page asks
    "Slutdatum",
    "Avslutsorsak",
    "Remittent",
    "År i offentlig försörjning",
    "Utbildning",
    "Handläggare",  # not a variable at all: ignored on the mapping page
]


@dataclass
class Row:
    pnr: str
    gender: str
    start: dt.date
    end: dt.date | None = None
    reason: str | None = None
    referrer: str = "Soc"
    years: str = "5,75"
    education: str = "Gymnasial"

    def cells(self) -> list[object]:
        return [
            self.pnr,
            self.gender,
            self.start,
            self.end,
            self.reason,
            self.referrer,
            self.years,
            self.education,
            "Lisa",
        ]


def _history() -> list[Row]:
    """23 participants, all started in 2021. Women 13: 6 ended to work, 2 to studies, 5
    still active. Men 10: 5 ended to work, 1 to studies, 4 still active."""
    women_says = ["K", "Kvinna", "kvinna"]
    men_says = ["M", "Man", "man"]
    referrers = ["Soc", "AF", "Psykiatri"]
    educations = ["Gymnasial", "Förgymnasial", "okänd"]
    years = ["5,75", "0,5", "12,25", "3"]
    plan = [("K", "Arbete")] * 6 + [("K", "Studier")] * 2 + [("K", None)] * 5
    plan += [("M", "arbete")] * 5 + [("M", "Studier")] + [("M", None)] * 4
    rows = []
    for i, (gender, reason) in enumerate(plan):
        man = gender == "M"
        start = dt.date(2021, 1, 11) + dt.timedelta(days=7 * i)
        rows.append(
            Row(
                pnr=make_pnr(dt.date(1970 + i, 1 + i % 12, 1 + i), man=man),
                gender=(men_says if man else women_says)[i % 3],
                start=start,
                end=dt.date(2021, 10, 1) + dt.timedelta(days=3 * i) if reason else None,
                reason=reason,
                referrer=referrers[i % 3],
                years=years[i % 4],
                education=educations[i % 3],
            )
        )
    return rows


# The rows the team got wrong, by index: a personnummer with a wrong check digit, an end
# date before the start, an end reason that is no end reason.
BAD_PNR, BAD_DATES, BAD_REASON = 3, 15, 7


def _with_mistakes(rows: list[Row]) -> list[Row]:
    bad = [Row(**vars(r)) for r in rows]
    pnr = bad[BAD_PNR].pnr
    bad[BAD_PNR].pnr = pnr[:-1] + str((int(pnr[-1]) + 1) % 10)
    bad[BAD_DATES].end = bad[BAD_DATES].start - dt.timedelta(days=1)
    bad[BAD_REASON].reason = "Semester"
    return bad


def _workbook(rows: list[Row]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Inskrivna 2021"
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row.cells())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_from_an_empty_installation_to_the_reports(
    reference_data, page, live_server, monkeypatch, tmp_path
):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser", "--noinput", username="sys", email="sys@example.se", verbosity=0
    )
    try:
        _journey(page, live_server.url, tmp_path)
    finally:
        # ORM calls made while Playwright runs get a connection of their own context;
        # close it here, in that context, so PostgreSQL can drop the test database.
        connections.close_all()


def _journey(page, url, tmp_path):
    # 1. The system administrator: password, then the two-factor set-up the role demands.
    _log_in(page, url, "sys")
    page.click("a[href$='/forbund/ny/']")
    page.select_option("#id_lan", "20")
    page.click("form[method=get] button[type=submit]")
    page.wait_for_selector("input[name=municipalities][value='2084']")
    page.fill("#id_name", FORBUND)
    page.select_option("#id_county", "20")
    page.fill("#id_organisation_number", "222000-1230")
    for municipality in ("2084", "2083", "2085"):  # Avesta, Hedemora, Ludvika
        page.check(f"input[name=municipalities][value='{municipality}']")
    page.fill("#id_admin_username", "anna.admin")
    page.fill("#id_admin_email", "anna@example.se")
    page.fill("#id_admin_first_name", "Anna")
    page.fill("#id_admin_last_name", "Admin")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=anna.admin")
    page.context.clear_cookies()

    # 2. The förbund administrator: a password from the link, two factors, an insats and
    # a coach who registers participants in it.
    _set_password(page, url, _link_mail("anna@example.se"))
    _log_in(page, url, "anna.admin")
    page.locator("a[href$='/insats/ny/']").first.click()
    page.fill("#id_name", INSATS)
    page.select_option("#id_kind", "individ")
    page.select_option("#id_follow_up_method", "personal")
    page.fill("#id_start_date", "2020-01-01")
    page.click("button[type=submit].primary")
    page.wait_for_selector(f"h1:has-text('{INSATS}')")
    page.goto(f"{url}/")
    page.locator("a[href$='/anvandare/']").first.click()
    page.click("a[href$='/anvandare/ny/']")
    page.fill("#id_username", "coach")
    page.fill("#id_first_name", "Karin")
    page.fill("#id_last_name", "Coach")
    page.fill("#id_email", "karin@example.se")
    page.select_option("#id_role", "registrator")
    page.select_option("#id_insats", label=f"{FORBUND} – {INSATS}")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=karin@example.se")
    admin_session = page.context.storage_state()  # for the reports, at the end
    page.context.clear_cookies()

    # 3. The coach: a password, two factors, then the team's own spreadsheet.
    _set_password(page, url, _link_mail("karin@example.se"))
    _log_in(page, url, "coach")
    page.click(f"a:has-text('{INSATS}')")
    page.click("a[href$='/import/']")
    rows = _history()
    _upload(page, tmp_path / "historik.xlsx", _workbook(_with_mistakes(rows)))
    _work_and_wait(page)
    # "Startdag" is no heading Samspår knows, so the start date is missing: map it.
    errors = _errors(page)
    assert [(e[0], e[1]) for e in errors] == [("1", "Startdatum")], errors
    page.select_option("select[name='col::Startdag']", "start_date")
    page.select_option("select[name='col::Handläggare']", "")
    page.click("form[action$='/mappning/'] button[type=submit]")
    _work_and_wait(page)
    # Now the values: "Soc" is the social services; "Semester" is no end reason.
    page.select_option("select[name='val::referring_actor::Soc']", "kommun-socialtjanst")
    assert page.locator("select[name='val::end_reason::Semester']").count() == 1
    page.click("form[action$='/mappning/'] button[type=submit]")
    _work_and_wait(page)

    # The dry run names every bad row, with its line (heading = line 1) and the reason.
    with translation.override("sv"):
        # The registration form's own message for the number.
        with pytest.raises(ValidationError) as refused:
            registry.parse_personnummer(_with_mistakes(rows)[BAD_PNR].pnr)
        pnr_reason = " ".join(refused.value.messages)
        dates_reason = gettext("The end date cannot be before the start date.")
        value_reason = gettext(
            "Unknown value: use a value of the list or map it on the mapping page."
        )
    errors = _errors(page)
    by_line = {(line, reason) for line, _column, _value, reason in errors}
    assert (str(BAD_PNR + 2), pnr_reason) in by_line, errors
    assert (str(BAD_DATES + 2), dates_reason) in by_line, errors
    assert (str(BAD_REASON + 2), value_reason) in by_line, errors
    # A date is shown as the date the file holds (not with openpyxl's midnight).
    bad_end = _with_mistakes(rows)[BAD_DATES].end
    assert [str(BAD_DATES + 2), "Slutdatum", str(bad_end), dates_reason] in errors, errors
    assert {line for line, *_rest in errors} == {
        str(i + 2) for i in (BAD_PNR, BAD_DATES, BAD_REASON)
    }, errors
    assert page.inner_text("#import-errors") == str(len(errors))
    assert page.inner_text("#import-create") == "20"
    # Nothing is written, and there is nothing to confirm.
    assert page.locator("form[action$='/bekrafta/']").count() == 0
    assert Enrolment.objects.count() == 0

    # 4. The coach fixes the file and imports it.
    page.click("a[href$='/import/']")
    _upload(page, tmp_path / "historik-rattad.xlsx", _workbook(rows))
    _work_and_wait(page)
    # The förbund's saved mapping is used: nothing is asked this time.
    assert page.locator("form[action$='/mappning/']").count() == 0
    assert page.inner_text("#import-errors") == "0"
    assert page.inner_text("#import-create") == "23"
    assert Enrolment.objects.count() == 0
    page.click("form[action$='/bekrafta/'] button[type=submit]")
    _work_and_wait(page)
    assert page.inner_text("#import-create") == "23"
    assert page.inner_text("#import-errors") == "0"
    assert page.inner_text("tr:has(#import-create) th") == "Skapade"
    assert Enrolment.objects.count() == 23
    assert ImportRun.objects.filter(status="done").count() == 1
    # The same file again: every row is found (person, insats, start date), none is new.
    page.click("a[href$='/import/']")
    _upload(page, tmp_path / "historik-igen.xlsx", _workbook(rows))
    _work_and_wait(page)
    assert page.inner_text("#import-skip") == "23"
    assert page.inner_text("#import-create") == "0"
    page.click("form[action$='/kasta/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/insats/\d+/import/$"))
    assert Enrolment.objects.count() == 23

    # 5. The reports of 2021. The coach registers for this insats only, so sees exact
    # counts (docs/roles.md), small ones included.
    _open_report(page, "deltagare")
    with translation.override("sv"):
        women, men, total = gettext("Women"), gettext("Men"), gettext("Total")
        worked, new = gettext("Worked with in the period"), gettext("New in the period")
        ended, active = gettext("Ended in the period"), gettext("Active at the end of the period")
        counts = _table(page, "counts")
        assert {g: counts[g][worked] for g in (women, men, total)} == {
            women: "13",
            men: "10",
            total: "23",
        }
        assert {g: counts[g][new] for g in (women, men, total)} == {
            women: "13",
            men: "10",
            total: "23",
        }
        assert [counts[g][ended] for g in (women, men, total)] == ["8", "6", "14"]
        assert [counts[g][active] for g in (women, men, total)] == ["5", "4", "9"]

        _open_report(page, "resultat")
        results = _table(page, "results")
        ended_total, to_work = gettext("Ended, total"), gettext("To work")
        to_studies, dropouts = gettext("To studies"), gettext("Of whom early dropouts")
        assert [results[g][ended_total] for g in (women, men, total)] == ["8", "6", "14"]
        assert [results[g][dropouts] for g in (women, men, total)] == ["0", "0", "0"]
        assert [results[g][to_work] for g in (women, men, total)] == ["6", "5", "11"]
        assert [results[g][to_studies] for g in (women, men, total)] == ["2", "1", "3"]
        goal = gettext("Result towards goal (%)")
        assert results[total][goal].replace("\xa0", " ") == "100,0 %"

        # The förbund administrator sees the same report with the counts below the
        # förbund's threshold (5) hidden: the 4 men still active, at least; the others
        # perturbed by their cell keys, within the published table's ±2 (reports.cellkey).
        admin = page.context.browser.new_context(storage_state=admin_session, locale="sv-SE")
        admin_page = admin.new_page()
        admin_page.goto(f"{url}/")
        _open_report(admin_page, "deltagare")
        counts = _table(admin_page, "counts")
        shown = [int(counts[g][worked]) for g in (women, men, total)]
        assert all(v in possible(n, 5) for v, n in zip(shown, (13, 10, 23), strict=True))
        assert counts[men][active] == "–"
        assert admin_page.locator("#table-counts td.suppressed").count() >= 1
        admin.close()


def _log_in(page, url, username):
    """Password, then the second factor: the first time, the set-up page, whose key is
    read off the page as a person would type it into their app."""
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("code.secret")
    secret = page.inner_text("code.secret").replace(" ", "")
    page.fill("#id_code", f"{totp(base64.b32decode(secret)):06d}")
    page.click("button[type=submit].primary")
    # The recovery codes are shown once; then on to the home page.
    page.wait_for_selector("ul.recovery-codes")
    page.click("a.button.primary")
    page.wait_for_load_state()


def _link_mail(address):
    """The path of the set-password link in the one mail that sent ``address`` a link
    (the locmem e-mail backend of the test run keeps every mail in ``mail.outbox``)."""
    links = [
        match.group(1)
        for message in mail.outbox
        if message.to == [address]
        and (match := re.search(r"https?://[^/\s]+(/konto/losenord/satt/\S+/)", str(message.body)))
    ]
    assert len(links) == 1, [(m.to, m.subject) for m in mail.outbox]
    return links[0]


def _set_password(page, url, path):
    page.goto(url + path)
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/login/.*"))


def _upload(page, path, data):
    path.write_bytes(data)
    page.set_input_files("input[type=file]", str(path))
    page.select_option("select[name=kind]", "enrolments")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/import/\d+/$"))


def _open_report(page, key):
    """From the menu to the report, then the period 2021 in its filters: typed dates
    apply with the button, and the report is reloaded in place."""
    page.locator("a[href$='/rapporter/']").first.click()
    page.click(f"a[href$='/rapporter/{key}/']")
    page.fill("#id_date_from", "2021-01-01")
    page.fill("#id_date_to", "2021-12-31")
    page.click("form.report-filters button[type=submit]")
    page.wait_for_selector(".covers:has-text('2021-01-01 – 2021-12-31')")


def _work_and_wait(page):
    """The task worker, once (``samspar worker``): every queued task, then it stops.
    The run page polls its progress and shows the result when the run is done."""
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page.wait_for_selector("#import-rows")


def _errors(page):
    if page.locator("#import-error-list").count() == 0:
        return []
    return page.eval_on_selector_all(
        "#import-error-list tbody tr",
        "rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))",
    )


def _table(page, key):
    """A report table as {row label: {column heading: cell text}} (first heading wins)."""
    headers, rows = page.eval_on_selector(
        f"#table-{key} table",
        """t => [Array.from(t.tHead.rows[0].cells, c => c.innerText.trim()),
                 Array.from(t.tBodies[0].rows,
                            r => Array.from(r.cells, c => c.innerText.trim()))]""",
    )
    table: dict[str, dict[str, str]] = {}
    for row in rows:
        cells: dict[str, str] = {}
        for header, text in zip(headers, row, strict=True):
            cells.setdefault(header, text)
        table[row[0]] = cells
    return table
