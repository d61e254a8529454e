"""The access log answers "who looked up this person": searches record the persons shown;
the förbund administrator reads who/when/where/how many, the data protection officer also
whose data — by a personnummer typed into a POST form, never in a URL."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from samspar.access.models import AccessLog
from samspar.access.scoping import Role
from tests.factories import enrol, make_forbund, make_insats, make_pnr, make_user

URL = "/dataskydd/atkomstlogg/"


@pytest.fixture
def world(db, forbund, insats, registrator):
    lena_pnr = make_pnr(dt.date(1985, 6, 1), man=False)
    lena = enrol(registrator, insats, personnummer_text=lena_pnr, first_name="Lena")
    erik = enrol(registrator, insats, first_name="Erik", last_name="Berg")
    other_forbund = make_forbund("Sydnärkes samordningsförbund", county="18")
    other_insats = make_insats(other_forbund, "Steget")
    other_coach = make_user("coach2", Role.REGISTRATOR, insats=other_insats)
    enrol(other_coach, other_insats, personnummer_text=lena_pnr, first_name="Lena")
    dpo = make_user("dso", Role.DPO, forbund=forbund)
    return lena, lena_pnr, erik, other_coach, other_insats, dpo


def _page(client, user, data=None):
    client.force_login(user)
    response = client.post(URL, data) if data is not None else client.get(URL)
    return response, response.content.decode()


def test_searches_record_their_kind_and_every_person_shown(client, world, registrator, insats):
    lena, lena_pnr, erik, *_ = world
    client.force_login(registrator)
    list_url = reverse("enrolment-list", args=[insats.pk])
    client.get(list_url)
    client.post(list_url, {"q": lena_pnr})
    client.post(list_url, {"q": "Berg"})
    entries = list(AccessLog.objects.order_by("pk"))
    assert [e.kind for e in entries] == ["list", "search_pnr", "search_name"]
    assert set(entries[0].persons.all()) == {lena.person, erik.person}
    assert list(entries[1].persons.all()) == [lena.person]
    assert list(entries[2].persons.all()) == [erik.person]
    assert all(lena_pnr[:8] not in e.detail for e in entries)


def test_only_forbund_admin_and_dpo_read_the_log(client, world, registrator, manager, forbund):
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    for user in (registrator, manager, board):
        assert _page(client, user)[0].status_code == 404
        assert _page(client, user, {})[0].status_code == 404
    admin = make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund)
    dpo = world[-1]
    for user in (admin, dpo):
        response, _html = _page(client, user)
        assert response.status_code == 200
        assert response["Cache-Control"].count("no-store") == 1


def test_admin_sees_who_when_where_but_not_whose_data(client, world, registrator, insats, forbund):
    lena, lena_pnr, *_ = world
    client.force_login(registrator)
    client.get(reverse("enrolment-detail", args=[lena.pk]))
    admin = make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund)
    response, page = _page(client, admin)
    assert insats.name in page and "coach" in page
    assert "Lena" not in page and lena_pnr not in page
    assert 'name="personnummer"' not in page
    # Posting a personnummer anyway filters nothing and shows no identity.
    response, page = _page(client, admin, {"personnummer": lena_pnr})
    assert response.status_code == 200 and "Lena" not in page


def test_dpo_asks_who_read_a_person_and_the_question_is_logged(client, world, registrator, insats):
    lena, lena_pnr, erik, other_coach, other_insats, dpo = world
    client.force_login(registrator)
    client.get(reverse("enrolment-detail", args=[lena.pk]))
    client.get(reverse("enrolment-detail", args=[erik.pk]))
    client.force_login(other_coach)  # another förbund: not the DPO's business
    client.get(reverse("enrolment-list", args=[other_insats.pk]))
    response, page = _page(client, dpo, {"personnummer": lena_pnr})
    assert response.status_code == 200
    assert lena_pnr in page
    rows = page.split("<tbody>")[1]
    assert rows.count("<tr>") == 2  # her record read, and the DPO's own question
    assert "Steget" not in rows
    lookup = AccessLog.objects.filter(kind="log_lookup").get()
    assert (lookup.user, lookup.insats, list(lookup.persons.all())) == (
        dpo,
        insats,
        [lena.person],
    )
    assert lena_pnr not in response.request["PATH_INFO"] + response.request["QUERY_STRING"]


def test_dpo_of_another_forbund_cannot_look_up_a_person(client, world):
    _lena, lena_pnr, _erik, _coach, other_insats, _dpo = world
    enrolled_elsewhere_only = make_pnr(dt.date(1990, 1, 1), man=True)
    other_dpo = make_user("dso2", Role.DPO, forbund=other_insats.forbund)
    _response, page = _page(client, other_dpo, {"personnummer": enrolled_elsewhere_only})
    assert "No person" in page or "Ingen person" in page
    _response, page = _page(client, other_dpo, {"personnummer": lena_pnr})
    assert "Samverkansteam Avesta" not in page.split("<tbody>")[-1]


def test_filters_and_bad_input(client, world, registrator, insats):
    *_, dpo = world
    client.force_login(registrator)
    client.get(reverse("enrolment-list", args=[insats.pk]))
    client.post(reverse("enrolment-list", args=[insats.pk]), {"q": "Berg"})
    today = dt.date.today().isoformat()
    response, page = _page(client, dpo, {"kind": "search_name", "date_from": today})
    assert page.split("<tbody>")[1].count("<tr>") == 1
    for bad in [
        {"date_from": "1000-01-01"},
        {"date_from": "2024-05-01", "date_to": "2024-01-01"},
        {"reader": "99999999999999999999"},
        {"insats": "x"},
        {"kind": "nonsense"},
        {"personnummer": "19850315-１２３8"},
        {"personnummer": "abc"},
    ]:
        response, page = _page(client, dpo, bad)
        assert response.status_code == 200, bad
        assert 'class="error"' in page, bad


def test_exports_escape_formulas(client, world, forbund):
    *_, dpo = world
    evil_insats = make_insats(forbund, '=HYPERLINK("http://x")')
    evil = make_user("=cmd|' /C calc'!A0", Role.REGISTRATOR, insats=evil_insats)
    client.force_login(evil)
    client.get(reverse("enrolment-list", args=[evil_insats.pk]))
    client.force_login(dpo)
    response = client.post(URL, {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1].startswith("'=") and rows[1][3].startswith("'=")
    response = client.post(URL, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 4).value == evil_insats.name and sheet.cell(2, 4).data_type == "s"
    assert "no-store" in response["Cache-Control"]


def test_the_administrators_export_holds_no_enrolment_ids(client, world, registrator, forbund):
    """An enrolment id in the detail is a key to one person: only the data protection
    officer's export has the detail column."""
    lena, *_, dpo = world
    client.force_login(registrator)
    client.get(reverse("enrolment-detail", args=[lena.pk]))
    admin = make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund)
    for user, shows in ((admin, False), (dpo, True)):
        client.force_login(user)
        text = client.post(URL, {"export": "csv"}).content.decode("utf-8-sig")
        assert (f"enrolment {lena.pk}" in text) is shows
