"""#9.2 and #9.3: one number is one person in every path, and what one insats registers
about a person never changes what another insats's registrators see.

The attacks of the issue, performed through the registration form, the service, the
search and the personnummer check (HTMX)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from samspar.access.models import AccessLog, RoleAssignment
from samspar.access.scoping import Role
from samspar.registry import services
from samspar.registry.models import Enrolment, Person
from tests.factories import enrol, make_forbund, make_insats, make_pnr, make_user
from tests.test_registration_views import form_data, html

PLAIN = "19850315-1238"
SPELLINGS = {
    "fullwidth": "19850315-１２３8",
    "arabic-indic": "١٩٨٥٠٣١٥-١٢٣8",
    "devanagari, fullwidth hyphen": "१९८५०३१५－१२३८",
    "no-break space, ten digits": "850315\u00a01238",
}


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def two_insatser(insats, registrator):
    """The registrator's insats plus a second one they also register in."""
    second = make_insats(insats.forbund, "Unga vuxna")
    RoleAssignment.objects.create(user=registrator, role=Role.REGISTRATOR, insats=second)
    return insats, second


# --- #9.2 Non-ASCII digits ----------------------------------------------------------------


def test_unicode_digits_through_the_form_are_the_same_person(two_insatser, registrator):
    first, second = two_insatser
    client = client_for(registrator)
    create = reverse("enrolment-create", args=[first.pk])
    assert client.post(create, form_data(personnummer=PLAIN)).status_code == 302
    for spelling in SPELLINGS.values():
        # The attack: the same number in other digits registered a second active enrolment.
        response = client.post(create, form_data(personnummer=spelling))
        assert response.status_code == 200
        assert "already has an active enrolment in this insats" in html(response)
    response = client.post(
        reverse("enrolment-create", args=[second.pk]),
        form_data(personnummer=SPELLINGS["arabic-indic"]),
    )
    assert response.status_code == 302
    assert Person.objects.count() == 1
    assert Enrolment.objects.filter(person=Person.objects.get()).count() == 2
    assert Person.objects.get().personnummer == PLAIN
    # A search for the plain number finds the enrolment registered in Arabic-Indic digits.
    page = html(client.post(reverse("enrolment-list", args=[second.pk]), {"q": PLAIN}))
    assert "1 enrolment" in page and PLAIN in page


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_unicode_digits_through_the_service_are_the_same_person(two_insatser, registrator, name):
    first, second = two_insatser
    enrol(registrator, first, personnummer_text=PLAIN)
    enrolment = enrol(registrator, second, personnummer_text=SPELLINGS[name])
    assert Person.objects.count() == 1
    assert enrolment.person.personnummer == PLAIN


def test_foreign_characters_are_refused_with_a_clear_error(insats, registrator):
    client = client_for(registrator)
    for typed in ["19850315–1238", "19850315-12\u200b38", "19850315_1238"]:
        response = client.post(
            reverse("enrolment-create", args=[insats.pk]), form_data(personnummer=typed)
        )
        assert "The number may contain only digits" in html(response), typed
        check = client.post(
            reverse("personnummer-check", args=[insats.pk]), {"personnummer": typed}
        )
        assert "The number may contain only digits" in html(check), typed
    assert Person.objects.count() == 0


# --- #9.3 Names per insats, with history --------------------------------------------------


@pytest.fixture
def other_forbund():
    forbund = make_forbund("Finsam Norr", county="25")
    insats = make_insats(forbund, "Steget")
    return insats, make_user("coach-b", Role.REGISTRATOR, insats=insats)


def test_registrar_of_another_forbund_cannot_rename_a_person(insats, registrator, other_forbund):
    pnr = make_pnr(dt.date(1990, 3, 14), man=True)
    mine = enrol(
        registrator, insats, personnummer_text=pnr, first_name="Erik", last_name="Andersson"
    )
    person_before = Person.objects.values().get()
    # The attack: B registers A's person with other names.
    b_insats, b_registrator = other_forbund
    theirs = enrol(
        b_registrator, b_insats, personnummer_text=pnr, first_name="Mallory", last_name="Evil"
    )
    assert theirs.person_id == mine.person_id  # one number, one person …
    assert Person.objects.values().get() == person_before  # … whose row did not change

    a = client_for(registrator)
    for page in (
        html(a.get(reverse("enrolment-list", args=[insats.pk]))),
        html(a.get(reverse("enrolment-detail", args=[mine.pk]))),
        html(a.get(reverse("enrolment-edit", args=[mine.pk]))),
    ):
        assert "Andersson" in page and "Erik" in page
        assert "Mallory" not in page and "Evil" not in page
    assert "0 enrolments" in html(
        a.post(reverse("enrolment-list", args=[insats.pk]), {"q": "Mallory"})
    )

    b = client_for(b_registrator)
    page = html(b.get(reverse("enrolment-detail", args=[theirs.pk])))
    assert "Mallory Evil" in page and "Andersson" not in page
    # What B registered is in B's enrolment's history, by B's registrator.
    record = theirs.history.get()
    assert (record.first_name, record.last_name, record.history_user) == (
        "Mallory",
        "Evil",
        b_registrator,
    )


def test_a_name_correction_is_kept_in_history(insats, registrator, other_forbund):
    pnr = make_pnr(dt.date(1990, 3, 14), man=True)
    mine = enrol(registrator, insats, personnummer_text=pnr, first_name="Erik")
    b_insats, b_registrator = other_forbund
    theirs = enrol(b_registrator, b_insats, personnummer_text=pnr, first_name="Erik")
    services.update_registration(
        user=registrator, enrolment=mine, first_name="Eric", last_name="Andersson"
    )
    page = html(client_for(registrator).get(reverse("enrolment-detail", args=[mine.pk])))
    assert "<del>Erik</del>" in page and "<ins>Eric</ins>" in page
    assert [h.first_name for h in mine.history.order_by("history_date", "history_id")] == [
        "Erik",
        "Eric",
    ]
    theirs.refresh_from_db()
    assert theirs.first_name == "Erik"  # the other förbund's registration is untouched


# --- #9.3 The personnummer check: unknown, known, active here -----------------------------


def _check(client: Client, insats, number: str):
    return client.post(reverse("personnummer-check", args=[insats.pk]), {"personnummer": number})


def test_check_tells_unknown_known_and_active_here(two_insatser, registrator):
    first, second = two_insatser
    pnr = make_pnr(dt.date(1990, 3, 14), man=True)
    client = client_for(registrator)
    unknown = html(_check(client, first, pnr))
    assert "Born 1990-03-14, man" in unknown
    assert "Known person" not in unknown and "Already active" not in unknown
    enrol(registrator, first, personnummer_text=pnr)
    assert "Already active in this insats." in html(_check(client, first, pnr))
    fullwidth = pnr.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    known = html(_check(client, second, fullwidth))
    assert "Known person." in known and "Already active" not in known
    # The same answers on the registration form after a refused submit.
    page = html(
        client.post(reverse("enrolment-create", args=[first.pk]), form_data(personnummer=pnr))
    )
    assert "Already active in this insats." in page
    # A check that found a person is a look-up of personal data: it is logged.
    assert AccessLog.objects.filter(kind="search_pnr", detail="personnummer check").count() == 3


def test_out_of_scope_person_looks_exactly_like_an_unknown_number(
    forbund, insats, registrator, other_forbund
):
    pnr = make_pnr(dt.date(1990, 3, 14), man=True)
    hidden = make_insats(forbund, "Dold insats")  # same förbund, not the registrator's
    hidden_coach = make_user("coach-hidden", Role.REGISTRATOR, insats=hidden)
    b_insats, b_registrator = other_forbund
    client = client_for(registrator)
    before = _check(client, insats, pnr)
    enrol(b_registrator, b_insats, personnummer_text=pnr)  # known in another förbund
    enrol(hidden_coach, hidden, personnummer_text=pnr)  # and in another insats of mine
    after = _check(client, insats, pnr)
    assert after.status_code == before.status_code == 200
    assert after.content == before.content
    # The same headers, but for the clock (Expires is "now" to the second).
    assert _timeless(after.headers) == _timeless(before.headers)
    assert not AccessLog.objects.filter(user=registrator).exists()


def test_the_errors_and_answers_are_in_swedish(insats, registrator):
    client = client_for(registrator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    check = reverse("personnummer-check", args=[insats.pk])
    refused = html(client.post(check, {"personnummer": "19850315–1238"}))
    assert "Numret får bara innehålla siffror" in refused
    enrol(registrator, insats, personnummer_text=PLAIN)
    assert "Redan aktiv i den här insatsen." in html(client.post(check, {"personnummer": PLAIN}))


def _timeless(headers: Any) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in headers.items() if k not in ("Date", "Expires"))
