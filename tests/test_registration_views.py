"""The participant registration pages: scope, access log, search and filters, and how bad
input is refused (clear message, typed values kept, nothing saved)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samspar.access.models import AccessLog
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.core.personnummer import luhn_check_digit
from samspar.organisation.models import FollowUpMethod, MemberParty, Municipality, PartyKind
from samspar.registry.models import AnonymousEnrolment, Enrolment, Person
from tests.factories import code, enrol, make_insats, make_pnr, make_user

TODAY = timezone.localdate()


@pytest.fixture
def client() -> Client:
    """A client asking for English, so the assertions hold once Swedish is translated."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def coach_client(client, registrator):
    client.force_login(registrator)
    return client


def form_data(**overrides):
    """A valid POST of the registration form (a man born 1990-03-14 from Avesta)."""
    data = {
        "personnummer": make_pnr(dt.date(1990, 3, 14), man=True),
        "first_name": "Erik",
        "last_name": "Andersson",
        "start_date": "2022-03-01",
        "referral_date": "2022-02-15",
        "consent_date": "2022-03-01",
        "municipality": "2084",
        "residence_kind": "folkbokford",
        "referring_actor": code(codes.ReferringActor, "region-psykiatri").pk,
        "supply_before": [
            code(codes.SupplyType, "forsorjningsstod").pk,
            code(codes.SupplyType, "sjukpenning").pk,
        ],
        "years_in_public_support": "4.5",
        "education_level": code(codes.EducationLevel, "gymnasial").pk,
        "occupation_before": code(codes.OccupationType, "ingen").pk,
        "occupation_before_percent": "0",
        "notes": "",
    }
    data.update(overrides)
    return data


def end_data(**overrides):
    data = {
        "end_date": "2023-01-31",
        "end_reason": code(codes.EndReason, "arbete").pk,
        "supply_after": [code(codes.SupplyType, "lon").pk],
        "occupation_after": code(codes.OccupationType, "arbete").pk,
        "occupation_after_percent": "75",
        "works_after": "on",
        "work_or_studies_increased": "on",
        "version": "1",  # the form's hidden field: a new enrolment is at version 1
    }
    data.update(overrides)
    return data


def counts():
    return Person.objects.count(), Enrolment.objects.count()


def html(response) -> str:
    return response.content.decode()


# --- Access -----------------------------------------------------------------------------


def test_anonymous_user_is_sent_to_login(client, insats):
    response = client.get(reverse("enrolment-list", args=[insats.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_forbund_admin_gets_404_on_participant_list(client, insats, forbund_admin, registrator):
    enrolment = enrol(registrator, insats)
    client.force_login(forbund_admin)
    assert client.get(reverse("enrolment-list", args=[insats.pk])).status_code == 404
    assert client.get(reverse("enrolment-detail", args=[enrolment.pk])).status_code == 404
    assert client.get(reverse("enrolment-create", args=[insats.pk])).status_code == 404
    assert not AccessLog.objects.exists()


def test_manager_without_personal_data_right_gets_404(client, insats, manager, registrator):
    enrolment = enrol(registrator, insats)
    client.force_login(manager)
    assert client.get(reverse("enrolment-list", args=[insats.pk])).status_code == 404
    assert client.get(reverse("enrolment-detail", args=[enrolment.pk])).status_code == 404


def test_out_of_scope_registrator_gets_404(client, forbund, insats, registrator):
    other = make_insats(forbund, "Unga vuxna")
    other_coach = make_user("coach2", Role.REGISTRATOR, insats=other)
    foreign = enrol(other_coach, other)
    client.force_login(registrator)
    for name, arg in [
        ("enrolment-list", other.pk),
        ("enrolment-create", other.pk),
        ("anonymous-list", other.pk),
        ("enrolment-detail", foreign.pk),
        ("enrolment-edit", foreign.pk),
        ("enrolment-end", foreign.pk),
    ]:
        assert client.get(reverse(name, args=[arg])).status_code == 404, name
    check = client.post(reverse("personnummer-check", args=[other.pk]), {"personnummer": "x"})
    assert check.status_code == 404
    # Posting to another insats saves nothing either.
    before = counts()
    response = client.post(reverse("enrolment-create", args=[other.pk]), form_data())
    assert response.status_code == 404
    assert counts() == before


# --- List, search, filters, access log --------------------------------------------------


def test_list_shows_participants_and_logs_the_read(coach_client, insats, registrator):
    enrolment = enrol(registrator, insats)
    response = coach_client.get(reverse("enrolment-list", args=[insats.pk]))
    assert response.status_code == 200
    page = html(response)
    assert "Andersson, Erik" in page
    assert enrolment.person.personnummer in page
    assert reverse("enrolment-create", args=[insats.pk]) in page
    assert reverse("anonymous-list", args=[insats.pk]) in page
    log = AccessLog.objects.get()
    assert (log.kind, log.user, log.insats, log.records) == ("list", registrator, insats, 1)
    assert log.purpose == "registrering"


def test_search_by_name(coach_client, insats, registrator):
    enrol(registrator, insats, first_name="Erik", last_name="Andersson")
    enrol(
        registrator,
        insats,
        personnummer_text=make_pnr(dt.date(1985, 6, 1), man=False),
        first_name="Lena",
        last_name="Berg",
    )
    url = reverse("enrolment-list", args=[insats.pk])
    page = html(coach_client.post(url, {"q": "berg"}))
    assert "Berg, Lena" in page and "Andersson" not in page
    page = html(coach_client.post(url, {"q": "erik anders"}))
    assert "Andersson, Erik" in page and "Berg" not in page
    log = AccessLog.objects.first()
    assert log is not None and log.kind == "search_name" and log.records == 1


def test_search_by_personnummer(coach_client, insats, registrator):
    pnr = make_pnr(dt.date(1985, 6, 1), man=False)
    enrol(registrator, insats, first_name="Erik")
    enrol(registrator, insats, personnummer_text=pnr, first_name="Lena", last_name="Berg")
    url = reverse("enrolment-list", args=[insats.pk])
    for typed in [pnr, pnr.replace("-", ""), pnr[2:]]:
        page = html(coach_client.post(url, {"q": typed}))
        assert "Berg, Lena" in page, typed
        assert "Erik" not in page, typed
    # The searched number is never written to the log in plain text.
    assert not AccessLog.objects.filter(detail__contains=pnr[:8]).exists()


def test_filters_by_status_gender_and_period(coach_client, insats, registrator):
    ended = enrol(registrator, insats, first_name="Ended", start_date=dt.date(2021, 1, 4))
    ended.end_date, ended.end_reason = dt.date(2021, 6, 30), code(codes.EndReason, "studier")
    ended.save()
    enrol(
        registrator,
        insats,
        personnummer_text=make_pnr(dt.date(1980, 1, 1), man=False),
        first_name="Active",
        start_date=dt.date(2022, 3, 1),
    )
    url = reverse("enrolment-list", args=[insats.pk])

    def names(**params):
        page = html(coach_client.post(url, {"status": "all", **params}))
        return {n for n in ("Ended", "Active") if f"Andersson, {n}" in page}

    # At first the list shows the active participants.
    first = html(coach_client.get(url))
    assert "Andersson, Active" in first and "Andersson, Ended" not in first
    assert names() == {"Ended", "Active"}
    assert names(status="active") == {"Active"}
    assert names(status="ended") == {"Ended"}
    assert names(gender="K") == {"Active"}
    assert names(gender="M") == {"Ended"}
    assert names(period_from="2022-01-01", period_to="2022-12-31") == {"Active"}
    assert names(period_from="2021-06-30", period_to="2021-12-31") == {"Ended"}
    assert names(period_from="2021-01-01", period_to="2023-12-31") == {"Ended", "Active"}


def test_list_paginates_fifty_per_page(coach_client, insats, registrator):
    for i in range(51):
        enrol(
            registrator,
            insats,
            personnummer_text=make_pnr(dt.date(1970, 1, 1) + dt.timedelta(days=i), man=True),
            last_name=f"Person{i:02d}",
        )
    url = reverse("enrolment-list", args=[insats.pk])
    first = coach_client.post(url, {"status": "active"})
    assert html(first).count('badge">Active') == 50
    # The next page is a button of the filter form, which keeps the filters.
    assert 'form="filters" name="page" value="2"' in html(first)
    assert '<option value="active" selected>' in html(first)
    second = coach_client.post(url, {"status": "active", "page": 2})
    assert html(second).count('badge">Active') == 1
    assert [log.records for log in AccessLog.objects.order_by("at", "pk")] == [50, 1]


# --- Registration -----------------------------------------------------------------------


def test_register_participant(coach_client, insats):
    response = coach_client.post(reverse("enrolment-create", args=[insats.pk]), form_data())
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enrolment-detail", args=[enrolment.pk])
    assert enrolment.person.birth_date == dt.date(1990, 3, 14)
    assert enrolment.person.gender == "M"
    assert enrolment.years_in_public_support == 4.5
    assert set(enrolment.supply_before.values_list("code", flat=True)) == {
        "forsorjningsstod",
        "sjukpenning",
    }
    detail = coach_client.get(response["Location"])
    assert "Erik Andersson is registered." in html(detail)


def test_register_form_defaults_to_member_kommun(coach_client, forbund, insats):
    MemberParty.objects.create(
        forbund=forbund,
        kind=PartyKind.KOMMUN,
        name="Avesta kommun",
        municipality=Municipality.objects.get(code="2084"),
    )
    page = html(coach_client.get(reverse("enrolment-create", args=[insats.pk])))
    assert '<option value="2084" selected>Avesta</option>' in page
    assert page.count("<option value=") > 290  # all municipalities
    assert 'type="date"' in page
    assert 'hx-post="{}"'.format(reverse("personnummer-check", args=[insats.pk])) in page
    # Grouped referring actors: the region's services under one group.
    assert '<optgroup label="Region (healthcare)">' in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("19900314-1235", "The check digit is wrong"),
        ("1990-03-14", "Write the number as YYYYMMDD-NNNN"),
        ("19901314-1231", "The check digit is wrong"),
        ("ABCDEFGH-1234", "The number may contain only digits"),
        ("19900314–1234", "The number may contain only digits"),  # en dash
    ],
)
def test_register_refuses_bad_personnummer(coach_client, insats, typed, message):
    before = counts()
    response = coach_client.post(
        reverse("enrolment-create", args=[insats.pk]),
        form_data(personnummer=typed, first_name="Typed-Name"),
    )
    assert response.status_code == 200
    page = html(response)
    assert message in page
    assert f'value="{typed}"' in page
    assert 'value="Typed-Name"' in page
    assert counts() == before


def test_register_refuses_invalid_date_in_personnummer(coach_client, insats):
    # Month 13 with a correct check digit: the date is what is wrong.
    typed = "901314-123" + luhn_check_digit("901314123")
    response = coach_client.post(
        reverse("enrolment-create", args=[insats.pk]), form_data(personnummer=typed)
    )
    assert "The number does not contain a valid date of birth." in html(response)
    assert Person.objects.count() == 0


def test_register_refuses_future_start(coach_client, insats):
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    data = form_data(start_date=future, consent_date=TODAY.isoformat(), referral_date="")
    response = coach_client.post(reverse("enrolment-create", args=[insats.pk]), data)
    assert response.status_code == 200
    page = html(response)
    assert "The date cannot be in the future." in page
    assert f'value="{future}"' in page
    assert f'value="{data["personnummer"]}"' in page
    assert counts() == (0, 0)


def test_register_refuses_second_active_enrolment(coach_client, insats, registrator):
    pnr = make_pnr(dt.date(1990, 3, 14), man=True)
    enrol(registrator, insats, personnummer_text=pnr)
    before = counts()
    response = coach_client.post(
        reverse("enrolment-create", args=[insats.pk]),
        form_data(personnummer=pnr, first_name="Renamed", start_date="2023-01-02"),
    )
    assert response.status_code == 200
    page = html(response)
    assert "The person already has an active enrolment in this insats." in page
    assert f'value="{pnr}"' in page
    assert 'value="2023-01-02"' in page
    assert counts() == before
    # The refused registration left no names behind.
    assert list(Enrolment.objects.values_list("first_name", flat=True)) == ["Erik"]


def test_register_refuses_missing_required_fields(coach_client, insats):
    # Only what SUS required is required: the number, the start date, the education
    # level (its own "Unknown" entry); consent date and supply before may be unknown.
    response = coach_client.post(
        reverse("enrolment-create", args=[insats.pk]),
        form_data(personnummer="", start_date="", education_level="", consent_date=""),
    )
    assert response.status_code == 200
    assert html(response).count("This field is required.") == 3
    assert counts() == (0, 0)


def test_register_on_insats_without_personal_data_is_refused(client, forbund):
    anonymous = make_insats(forbund, "Anonym rådgivning", method=FollowUpMethod.ANONYMOUS)
    client.force_login(make_user("coach3", Role.REGISTRATOR, insats=anonymous))
    response = client.post(reverse("enrolment-create", args=[anonymous.pk]), form_data())
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assert "This insats is not followed up with personal data." in html(followed)
    assert counts() == (0, 0)


def test_personnummer_check_shows_birth_date_and_gender(coach_client, insats):
    url = reverse("personnummer-check", args=[insats.pk])
    man = coach_client.post(url, {"personnummer": make_pnr(dt.date(1990, 3, 14), man=True)})
    assert man.status_code == 200
    assert "Born 1990-03-14, man" in html(man)
    assert "<html" not in html(man)  # a fragment
    woman = coach_client.post(url, {"personnummer": make_pnr(dt.date(1985, 6, 1), man=False)})
    assert "Born 1985-06-01, woman" in html(woman)
    coordination = make_pnr(dt.date(1985, 6, 1), man=False, coordination=True)
    assert "samordningsnummer" in html(coach_client.post(url, {"personnummer": coordination}))
    wrong = coach_client.post(url, {"personnummer": "19900314-1235"})
    assert "The check digit is wrong" in html(wrong)
    assert coach_client.get(url).status_code == 405


# --- Detail, edit and history -----------------------------------------------------------


def test_detail_shows_variables_other_enrolments_and_logs(
    coach_client, forbund, insats, registrator
):
    pnr = make_pnr(dt.date(1990, 3, 14), man=True)
    enrolment = enrol(registrator, insats, personnummer_text=pnr)
    second = make_insats(forbund, "Unga vuxna")
    hidden = make_insats(forbund, "Dold insats")
    from samspar.access.models import RoleAssignment

    RoleAssignment.objects.create(user=registrator, role=Role.REGISTRATOR, insats=second)
    other_coach = make_user("coach2", Role.REGISTRATOR, insats=hidden)
    enrol(registrator, second, personnummer_text=pnr)
    enrol(other_coach, hidden, personnummer_text=pnr)

    response = coach_client.get(reverse("enrolment-detail", args=[enrolment.pk]))
    assert response.status_code == 200
    page = html(response)
    assert pnr in page
    assert "Psychiatry" in page  # the code list's label, not its id
    assert "Income support" in page
    assert "Avesta" in page
    assert "Unga vuxna" in page
    assert "Dold insats" not in page
    assert reverse("enrolment-end", args=[enrolment.pk]) in page
    log = AccessLog.objects.get()
    assert (log.kind, list(log.persons.all()), log.insats) == ("detail", [enrolment.person], insats)


def test_edit_records_history_shown_on_detail(coach_client, insats, registrator):
    enrolment = enrol(registrator, insats)
    url = reverse("enrolment-edit", args=[enrolment.pk])
    page = html(coach_client.get(url))
    assert enrolment.person.personnummer in page
    assert 'name="personnummer"' not in page  # read-only here
    assert 'name="end_date"' not in page  # still active
    data = form_data(
        version="1",
        first_name="Eric",
        years_in_public_support="6.0",
        education_level=code(codes.EducationLevel, "eftergymnasial-kort").pk,
        supply_before=[code(codes.SupplyType, "aktivitetsstod").pk],
    )
    del data["personnummer"]
    response = coach_client.post(url, data)
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.first_name == "Eric"
    assert enrolment.years_in_public_support == 6
    assert list(enrolment.supply_before.values_list("code", flat=True)) == ["aktivitetsstod"]

    detail = html(coach_client.get(reverse("enrolment-detail", args=[enrolment.pk])))
    assert "Change history" in detail
    assert "Years in public support before" in detail
    assert "Upper secondary" in detail and "Post-secondary under 3 years" in detail
    assert "<del>Income support</del>" in detail
    assert "<ins>Activity support/development allowance</ins>" in detail
    assert "<del>Erik</del>" in detail and "<ins>Eric</ins>" in detail
    history = detail[detail.index("Change history") :]
    assert "Consent date" not in history  # unchanged fields are not listed
    assert "Registered." in history
    assert "coach" in history


def test_edit_refuses_future_date_and_keeps_input(coach_client, insats, registrator):
    enrolment = enrol(registrator, insats)
    history = enrolment.history.count()
    future = (TODAY + dt.timedelta(days=10)).isoformat()
    data = form_data(start_date=future, notes="kept note", version="1")
    del data["personnummer"]
    response = coach_client.post(reverse("enrolment-edit", args=[enrolment.pk]), data)
    assert response.status_code == 200
    page = html(response)
    assert "The date cannot be in the future." in page
    assert f'value="{future}"' in page and "kept note" in page
    enrolment.refresh_from_db()
    assert enrolment.start_date == dt.date(2022, 3, 1)
    assert enrolment.history.count() == history


def test_edit_of_ended_enrolment_includes_end_fields(coach_client, insats, registrator):
    enrolment = enrol(registrator, insats)
    coach_client.post(reverse("enrolment-end", args=[enrolment.pk]), end_data())
    url = reverse("enrolment-edit", args=[enrolment.pk])
    assert 'name="end_reason"' in html(coach_client.get(url))
    data = {**form_data(), **end_data(end_date="2021-12-31", version="2")}
    del data["personnummer"]
    response = coach_client.post(url, data)
    assert "The end date cannot be before the start date." in html(response)
    enrolment.refresh_from_db()
    assert enrolment.end_date == dt.date(2023, 1, 31)


# --- End --------------------------------------------------------------------------------


def test_end_enrolment(coach_client, insats, registrator):
    enrolment = enrol(registrator, insats)
    url = reverse("enrolment-end", args=[enrolment.pk])
    page = html(coach_client.get(url))
    assert "trial period (2 months)" in page
    response = coach_client.post(url, end_data(early_dropout="on"))
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.end_date == dt.date(2023, 1, 31)
    assert enrolment.end_reason.code == "arbete"
    assert enrolment.early_dropout and enrolment.works_after and not enrolment.studies_after
    assert enrolment.occupation_after_percent == 75
    assert list(enrolment.supply_after.values_list("code", flat=True)) == ["lon"]
    detail = html(coach_client.get(response["Location"]))
    assert "The enrolment is ended." in detail
    assert "Work (unsubsidised)" in detail
    assert reverse("enrolment-end", args=[enrolment.pk]) not in detail
    # Ending again is refused: the form again, with why.
    again = coach_client.post(url, end_data())
    assert again.status_code == 200
    assert "This enrolment was ended while you were filling in the form" in html(again)
    assert enrolment.history.count() == 2


def test_end_before_start_is_refused(coach_client, insats, registrator):
    enrolment = enrol(registrator, insats)
    response = coach_client.post(
        reverse("enrolment-end", args=[enrolment.pk]), end_data(end_date="2022-02-01")
    )
    assert response.status_code == 200
    page = html(response)
    assert "The end date cannot be before the start date." in page
    assert 'value="2022-02-01"' in page
    assert 'value="75"' in page
    enrolment.refresh_from_db()
    assert enrolment.end_date is None and not enrolment.supply_after.exists()


def test_end_without_reason_is_refused(coach_client, insats, registrator):
    enrolment = enrol(registrator, insats)
    response = coach_client.post(
        reverse("enrolment-end", args=[enrolment.pk]), end_data(end_reason="")
    )
    assert response.status_code == 200
    page = html(response)
    assert "Give the end reason." in page
    assert 'value="2023-01-31"' in page
    enrolment.refresh_from_db()
    assert enrolment.end_date is None


def test_end_in_future_is_refused(coach_client, insats, registrator):
    enrolment = enrol(registrator, insats)
    history = enrolment.history.count()
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    response = coach_client.post(
        reverse("enrolment-end", args=[enrolment.pk]), end_data(end_date=future)
    )
    assert response.status_code == 200
    page = html(response)
    assert "The date cannot be in the future." in page
    assert f'value="{future}"' in page
    enrolment.refresh_from_db()
    assert enrolment.end_date is None
    assert enrolment.history.count() == history


# --- Anonymous participants -------------------------------------------------------------


def test_anonymous_registration(coach_client, insats):
    url = reverse("anonymous-list", args=[insats.pk])
    assert "No anonymous participants registered yet." in html(coach_client.get(url))
    for gender in ["K", "K", "M"]:
        response = coach_client.post(
            url, {"gender": gender, "start_year": "2023", "reason": "skyddad"}
        )
        assert response.status_code == 302
    coach_client.post(url, {"gender": "X", "start_year": "2022", "reason": "samtycke"})
    assert AnonymousEnrolment.objects.filter(insats=insats).count() == 4
    page = html(coach_client.get(url))
    assert "The anonymous participant is registered." in page
    assert '<td>2023</td><td class="num">2</td><td class="num">1</td><td class="num">0</td>' in page
    assert '<th class="num">4</th>' in page


def test_anonymous_registration_refuses_future_year(coach_client, insats):
    url = reverse("anonymous-list", args=[insats.pk])
    year = str(TODAY.year + 1)
    response = coach_client.post(url, {"gender": "K", "start_year": year, "reason": "skyddad"})
    assert response.status_code == 200
    page = html(response)
    assert "The year cannot be in the future." in page
    assert f'value="{year}"' in page
    assert not AnonymousEnrolment.objects.exists()


def test_anonymous_list_needs_register_right(client, insats, manager):
    client.force_login(manager)
    assert client.get(reverse("anonymous-list", args=[insats.pk])).status_code == 404
