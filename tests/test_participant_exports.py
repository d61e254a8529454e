"""The participant list as Excel/CSV and the monthly ESF participant file (issue 10,
item 6; docs/esf.md): their content, formula escaping, the access-log entry, and who
gets them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from samspar.access.models import AccessLog
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.core.personnummer import Gender
from samspar.organisation.models import FollowUpMethod
from samspar.registry import services
from samspar.registry.models import Person
from tests.factories import code, enrol, make_insats, make_pnr, make_user

pytestmark = pytest.mark.django_db

PNR_ANNA = make_pnr(dt.date(1999, 6, 1), man=False)
PNR_ERIK = make_pnr(dt.date(1965, 2, 3), man=True)


@pytest.fixture
def people(registrator, insats):
    """Anna (24 at start, eftergymnasial, job seeking) ended in March 2024 to work; Erik
    (59, förgymnasial, no occupation) started in March 2024 with a formula-like name;
    Olle ended in 2023 (not in March 2024's file)."""
    anna = enrol(
        registrator,
        insats,
        personnummer_text=PNR_ANNA,
        first_name="Anna",
        last_name="Berg",
        start_date=dt.date(2023, 9, 1),
        consent_date=dt.date(2023, 9, 1),
        education_level=code(codes.EducationLevel, "eftergymnasial-lang"),
        occupation_before=code(codes.OccupationType, "arbetssokande"),
        years_in_public_support=Decimal("2.5"),
    )
    services.end_enrolment(
        user=registrator,
        enrolment=anna,
        end_date=dt.date(2024, 3, 15),
        end_reason=code(codes.EndReason, "arbete"),
        works_after=True,
        occupation_after=code(codes.OccupationType, "arbete"),
        occupation_after_percent=75,
    )
    erik = enrol(
        registrator,
        insats,
        personnummer_text=PNR_ERIK,
        first_name='=HYPERLINK("http://x")',
        last_name="Ek",
        start_date=dt.date(2024, 3, 10),
        consent_date=dt.date(2024, 3, 10),
        education_level=code(codes.EducationLevel, "forgymnasial"),
        notes="+46 70 123",
    )
    olle = enrol(
        registrator,
        insats,
        first_name="Olle",
        last_name="Öst",
        start_date=dt.date(2022, 1, 10),
        consent_date=dt.date(2022, 1, 10),
    )
    services.end_enrolment(
        user=registrator,
        enrolment=olle,
        end_date=dt.date(2023, 1, 10),
        end_reason=code(codes.EndReason, "studier"),
    )
    return anna, erik, olle


def _rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _table(rows: list[list[Any]], first: str) -> tuple[list[str], list[dict[str, Any]]]:
    start = next(i for i, r in enumerate(rows) if r and r[0] == first)
    heading = [str(h) for h in rows[start]]
    return heading, [dict(zip(heading, r, strict=True)) for r in rows[start + 1 :]]


# --- the participant list ---------------------------------------------------------------


def test_participant_list_as_excel(client, registrator, insats, people):
    client.force_login(registrator)
    url = reverse("enrolment-list-export", args=[insats.pk, "xlsx"])
    response = client.post(url, {"status": "all"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    _heading, rows = _table(_rows(response.content), "Personnummer")
    assert len(rows) == 3
    by_pnr = {r["Personnummer"]: r for r in rows}
    anna = by_pnr[PNR_ANNA]
    assert anna["Förnamn"] == "Anna" and anna["Efternamn"] == "Berg"
    assert anna["Juridiskt kön"] == "Kvinna"
    assert anna["Slutdatum"].date() == dt.date(2024, 3, 15)
    assert anna["Avslutsanledning"] == "Arbete (osubventionerat)"
    assert anna["Tid i offentlig försörjning före (år)"] == pytest.approx(2.5)
    assert anna["Arbetar efter"] == "Ja"
    erik = by_pnr[PNR_ERIK]
    assert erik["Förnamn"] == '=HYPERLINK("http://x")'  # stored as text, not a formula
    assert erik["Slutdatum"] is None and erik["Arbetar efter"] is None
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for row in book.active.iter_rows() for c in row if c.value == erik["Förnamn"]]
    assert cells and all(c.data_type == "s" for c in cells)

    entry = AccessLog.objects.get(kind=AccessLog.Kind.LIST, detail="export xlsx")
    assert entry.user == registrator and entry.insats == insats and entry.records == 3
    assert set(entry.persons.all()) == {e.person for e in people}


def test_participant_list_as_csv_with_filters(client, registrator, insats, people):
    client.force_login(registrator)
    url = reverse("enrolment-list-export", args=[insats.pk, "csv"])
    response = client.post(url, {"status": "active"})
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK" in text and "'+46 70 123" in text  # formulas escaped
    assert PNR_ERIK in text and PNR_ANNA not in text  # only the active
    entry = AccessLog.objects.get(kind=AccessLog.Kind.LIST, detail="export csv")
    assert list(entry.persons.all()) == [people[1].person]


def test_csv_numbers_have_a_decimal_comma(client, registrator, insats, people):
    client.force_login(registrator)
    response = client.post(
        reverse("enrolment-list-export", args=[insats.pk, "csv"]), {"status": "ended"}
    )
    line = next(row for row in response.content.decode().splitlines() if PNR_ANNA in row)
    assert ";2,50;" in line


def test_an_export_without_filters_holds_what_the_list_shows_first(
    client, registrator, insats, people
):
    """The active participants, as the list page before any filter."""
    client.force_login(registrator)
    response = client.get(reverse("enrolment-list-export", args=[insats.pk, "csv"]))
    text = response.content.decode("utf-8")
    assert PNR_ERIK in text and PNR_ANNA not in text


def test_participant_list_export_refused_outside_scope(client, forbund, insats, people):
    other = make_insats(forbund, "Annan insats")
    elsewhere = make_user("coach2", Role.REGISTRATOR, insats=other)
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    admin = make_user("admin", Role.FORBUND_ADMIN, forbund=forbund)
    for user in (elsewhere, board, admin):
        client.force_login(user)
        for fmt in ("xlsx", "csv"):
            url = reverse("enrolment-list-export", args=[insats.pk, fmt])
            assert client.get(url).status_code == 404, (user, fmt)
        assert client.get(reverse("esf-file", args=[insats.pk])).status_code == 404
    assert not AccessLog.objects.filter(detail__startswith="export").exists()


def test_unknown_format_is_404(client, registrator, insats):
    client.force_login(registrator)
    assert client.get(reverse("enrolment-list-export", args=[insats.pk, "pdf"])).status_code == 404


# --- the ESF file ------------------------------------------------------------------------


def test_esf_file_for_a_month(client, registrator, insats, people):
    client.force_login(registrator)
    url = reverse("esf-file", args=[insats.pk])
    page = client.get(url)
    assert page.status_code == 200 and "ESF" in page.content.decode()
    response = client.get(url, {"month": "2024-03", "format": "xlsx"})
    assert response.status_code == 200
    _heading, rows = _table(_rows(response.content), "Personnummer")
    by_pnr = {r["Personnummer"]: r for r in rows}
    assert set(by_pnr) == {PNR_ANNA, PNR_ERIK}  # Olle ended in 2023
    anna, erik = by_pnr[PNR_ANNA], by_pnr[PNR_ERIK]
    assert anna["Ålder vid start"] == 24
    assert anna["Arbetsmarknadsstatus vid start"] == "Arbetslös"
    assert anna["Utbildningsnivå (ISCED)"] == "ISCED 5–8"
    assert anna["Lämnade under månaden"] == "Ja"
    assert anna["I arbete, inklusive eget företag, vid avslut"] == "Ja"
    assert anna["I utbildning vid avslut"] == "Nej"
    assert anna["Uppnått en kvalifikation vid avslut"] is None  # not registered
    assert anna["Funktionsnedsättning"] is None
    assert erik["Ålder vid start"] == 59
    assert erik["Började under månaden"] == "Ja"
    assert erik["Arbetsmarknadsstatus vid start"] == "Utanför arbetskraften"
    assert erik["Utbildningsnivå (ISCED)"] == "ISCED 0–2"
    assert erik["I arbete, inklusive eget företag, vid avslut"] is None  # has not left
    entry = AccessLog.objects.get(detail="ESF 2024-03 xlsx")
    assert entry.user == registrator and entry.kind == AccessLog.Kind.LIST
    assert set(entry.persons.all()) == {people[0].person, people[1].person}


def test_esf_csv_escapes_formulas(client, registrator, insats, people):
    client.force_login(registrator)
    response = client.get(
        reverse("esf-file", args=[insats.pk]), {"month": "2024-03", "format": "csv"}
    )
    text = response.content.decode()
    assert "'=HYPERLINK" in text and "\n=" not in text and ";=" not in text


def test_esf_bad_month_shows_the_form_again(client, registrator, insats):
    client.force_login(registrator)
    response = client.get(reverse("esf-file", args=[insats.pk]), {"month": "2024-13"})
    assert response.status_code == 200
    assert "ÅÅÅÅ-MM" in response.content.decode()
    assert not AccessLog.objects.exists()


def test_esf_not_for_an_insats_without_personal_data(client, forbund):
    volume = make_insats(forbund, "Rådgivning", method=FollowUpMethod.VOLUME)
    user = make_user("coach3", Role.REGISTRATOR, insats=volume)
    client.force_login(user)
    assert client.get(reverse("esf-file", args=[volume.pk])).status_code == 404


def test_esf_command(tmp_path, insats, people):
    path = tmp_path / "esf.csv"
    out = io.StringIO()
    call_command("esf", "--insats", str(insats.pk), "--month", "2024-03", str(path), stdout=out)
    text = path.read_text(encoding="utf-8-sig")
    assert PNR_ANNA in text and PNR_ERIK in text
    entry = AccessLog.objects.get(detail="ESF 2024-03 csv")
    assert entry.user is None and entry.records == 2


def test_unknown_values_are_empty(registrator, insats, people):
    """A variable left unknown (as imported history may have it) is an empty cell, not
    an error (the other helper makes several enrolment fields nullable)."""
    from samspar.transfer import esf, participants

    erik = people[1]
    erik.education_level = None  # as if unknown
    erik.occupation_before = None
    erik.referring_actor = None
    erik.consent_date = None
    row = participants._row(erik)
    assert (
        row[
            participants.COLUMNS.index(
                next(c for c in participants.COLUMNS if c.key == "referring_actor")
            )
        ]
        == ""
    )
    month = esf.Month(dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    esf_row = dict(zip([c.key for c in esf.COLUMNS], esf._row(erik, month), strict=True))
    assert esf_row["isced"] is None and esf_row["status"] is None
    assert Person.objects.filter(gender=Gender.MAN.value).exists()


def test_list_page_offers_the_exports_with_its_filters(client, registrator, insats, people):
    """The list page's export forms carry the filters as sent (POSTed, never in the
    URL); the manager of the insats sees no export."""
    client.force_login(registrator)
    page = client.post(reverse("enrolment-list", args=[insats.pk]), {"status": "ended"})
    html = page.content.decode()
    assert reverse("enrolment-list-export", args=[insats.pk, "xlsx"]) in html
    assert reverse("esf-file", args=[insats.pk]) in html
    assert 'type="hidden" name="status" value="ended"' in html
    response = client.post(
        reverse("enrolment-list-export", args=[insats.pk, "csv"]), {"status": "ended"}
    )
    text = response.content.decode()
    assert PNR_ANNA in text and PNR_ERIK not in text


def test_insats_page_links_the_esf_file_for_registrators_only(client, registrator, manager, insats):
    url = reverse("insats-detail", args=[insats.pk])
    esf_url = reverse("esf-file", args=[insats.pk])
    client.force_login(registrator)
    assert esf_url in client.get(url).content.decode()
    client.force_login(manager)
    assert esf_url not in client.get(url).content.decode()
