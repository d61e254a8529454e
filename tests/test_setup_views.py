"""The förbund, insats hub and insats set-up pages: who reaches them, what they show,
what they save, and that bad input saves nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samspar.access.scoping import Role
from samspar.codelists.models import CostCategory
from samspar.organisation import services
from samspar.organisation.models import (
    BudgetLine,
    Financing,
    FollowUpMethod,
    Insats,
    InsatsKind,
    InsatsYear,
    MemberParty,
    StaffMember,
    Team,
)
from samspar.registry.models import StructuralCount, VolumeCount, WaitingListCount
from tests.factories import code, make_forbund, make_insats, make_user

NBSP = "\xa0"
SETUP_PAGES = ["insats-budget", "insats-staff", "insats-waiting", "insats-edit"]
SEED_002_BUDGET = [
    ("egen-personal", "2 000 000", "1 923 361"),
    ("externa-tjanster", "150 000", "90 498"),
    ("lokaler", "40 000", "8 460"),
    ("ovriga", "110 000", "129 875"),
]


def sek(text: str) -> str:
    """A number as rendered in Swedish: non-breaking spaces between thousands."""
    return text.replace(" ", NBSP)


@pytest.fixture
def other_forbund(db):
    return make_forbund("Samordningsförbundet Gävleborg", county="21")


@pytest.fixture
def other_insats(other_forbund):
    return make_insats(other_forbund, "Gävle arbetsträning")


@pytest.fixture
def volume_insats(forbund):
    return make_insats(forbund, "Rådgivning", method=FollowUpMethod.VOLUME)


@pytest.fixture
def structural_insats(forbund):
    return make_insats(
        forbund,
        "Kompetensutveckling till handläggare",
        kind=InsatsKind.STRUCTURAL,
        method=FollowUpMethod.VOLUME,
    )


@pytest.fixture
def client():
    """English pages, so messages can be asserted whatever the Swedish catalogue says."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def sv_client():
    """Swedish pages (the default language): numbers grouped with non-breaking spaces."""
    return Client(headers={"accept-language": "sv"})


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def login(client, user):
    client.force_login(user)
    return client


# --- access --------------------------------------------------------------------------


def test_anonymous_user_is_sent_to_login(client, insats):
    response = client.get(url("insats-detail", insats.pk))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("name", SETUP_PAGES)
def test_setup_pages_render_for_manager_and_forbund_admin(
    client, manager, forbund_admin, insats, name
):
    for user in (manager, forbund_admin):
        response = login(client, user).get(url(name, insats.pk))
        assert response.status_code == 200, (user, name)
        assert insats.name in response.content.decode()


@pytest.mark.parametrize("name", [*SETUP_PAGES, "insats-volume", "insats-structural"])
def test_setup_pages_are_404_without_manage(
    client, registrator, forbund, insats, other_insats, name
):
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    for user in (registrator, board):
        assert login(client, user).get(url(name, insats.pk)).status_code == 404
    manager_elsewhere = make_user("chef2", Role.INSATS_MANAGER, insats=other_insats)
    assert login(client, manager_elsewhere).get(url(name, insats.pk)).status_code == 404


def test_post_to_setup_page_out_of_scope_saves_nothing(client, registrator, insats):
    response = login(client, registrator).post(
        url("insats-waiting", insats.pk), {"date": "2022-12-31", "count": "6"}
    )
    assert response.status_code == 404
    assert not WaitingListCount.objects.exists()


def test_volume_and_structural_pages_only_for_their_kind(
    client, forbund_admin, insats, volume_insats, structural_insats
):
    login(client, forbund_admin)
    assert client.get(url("insats-volume", insats.pk)).status_code == 404
    assert client.get(url("insats-structural", insats.pk)).status_code == 404
    assert client.get(url("insats-volume", volume_insats.pk)).status_code == 200
    assert client.get(url("insats-structural", volume_insats.pk)).status_code == 404
    assert client.get(url("insats-structural", structural_insats.pk)).status_code == 200
    assert client.get(url("insats-volume", structural_insats.pk)).status_code == 404


# --- insats hub ----------------------------------------------------------------------


def test_hub_for_registrator_shows_no_setup(client, registrator, insats, other_insats):
    response = login(client, registrator).get(url("insats-detail", insats.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert insats.forbund.name in html
    assert url("insats-budget", insats.pk) not in html
    assert login(client, registrator).get(url("insats-detail", other_insats.pk)).status_code == 404


def test_hub_links_participants_for_registrator_only(client, registrator, manager, insats):
    participants = url("enrolment-list", insats.pk)
    anonymous = url("anonymous-list", insats.pk)
    html = login(client, registrator).get(url("insats-detail", insats.pk)).content.decode()
    assert participants in html and anonymous in html
    html = login(client, manager).get(url("insats-detail", insats.pk)).content.decode()
    assert participants not in html and anonymous not in html


def test_hub_for_manager_shows_setup_links_and_key_figures(client, manager, insats):
    year = timezone.localdate().year
    services.set_insats_year(manager, insats, year, 45)
    services.add_staff_member(
        manager,
        insats,
        name="Anna",
        role="Coach",
        fte_percent=Decimal(100),
        employer=None,
        start_date=dt.date(2020, 1, 1),
    )
    services.add_staff_member(
        manager,
        insats,
        name="Bo",
        role="Coach",
        fte_percent=Decimal(80),
        employer=None,
        start_date=dt.date(2020, 1, 1),
    )
    html = login(client, manager).get(url("insats-detail", insats.pk)).content.decode()
    for name in ("insats-budget", "insats-staff", "insats-waiting", "insats-edit"):
        assert url(name, insats.pk) in html
    assert url("insats-volume", insats.pk) not in html  # not a volume insats
    assert '<dd class="num" id="kf-budgeted">45</dd>' in html
    assert 'id="kf-fte">180 %' in html
    assert 'id="kf-active">0<' in html


def test_hub_of_volume_insats_links_volume_page(client, forbund_admin, volume_insats):
    html = login(client, forbund_admin).get(url("insats-detail", volume_insats.pk)).content.decode()
    assert url("insats-volume", volume_insats.pk) in html
    assert url("insats-structural", volume_insats.pk) not in html


# --- förbund page, create and edit insats --------------------------------------------


def test_forbund_page(client, forbund_admin, registrator, forbund, insats, other_forbund):
    Team.objects.create(forbund=forbund, name="Mottagningsteamet")
    html = login(client, forbund_admin).get(url("forbund-detail", forbund.pk)).content.decode()
    assert "Mottagningsteamet" in html and "Försäkringskassan" in html and insats.name in html
    assert url("insats-create", forbund.pk) in html
    # An insats-scoped registrar sees the förbund of its insats but may not create one.
    response = login(client, registrator).get(url("forbund-detail", forbund.pk))
    assert response.status_code == 200
    assert url("insats-create", forbund.pk) not in response.content.decode()
    assert client.get(url("forbund-detail", other_forbund.pk)).status_code == 404


def test_forbund_admin_sets_the_suppression_threshold(
    client, forbund_admin, manager, forbund, other_forbund
):
    settings_url = url("forbund-settings", forbund.pk)
    page = login(client, forbund_admin).get(url("forbund-detail", forbund.pk)).content.decode()
    assert settings_url in page
    response = client.post(settings_url, {"organisation_number": "222000-1230", "threshold": ""})
    assert response.status_code == 200  # the threshold is required: nothing saved
    forbund.refresh_from_db()
    assert (forbund.organisation_number, forbund.suppression_threshold) == ("", 5)
    html = response.content.decode()
    assert 'value="222000-1230"' in html and 'class="error"' in html
    for too_weak in ("1", "2", "21"):
        response = client.post(settings_url, {"suppression_threshold": too_weak})
        assert response.status_code == 200
    forbund.refresh_from_db()
    assert forbund.suppression_threshold == 5
    response = client.post(
        settings_url,
        {
            "organisation_number": "222000-1230",
            "suppression_threshold": "3",
            "retention_years": "5",
        },
    )
    assert response.status_code == 302
    forbund.refresh_from_db()
    assert (forbund.organisation_number, forbund.suppression_threshold) == ("222000-1230", 3)
    assert client.get(url("forbund-settings", other_forbund.pk)).status_code == 404
    # An insats-scoped manager may not change the förbund's threshold.
    assert login(client, manager).get(settings_url).status_code == 404
    assert client.post(settings_url, {"suppression_threshold": "20"}).status_code == 404
    forbund.refresh_from_db()
    assert forbund.suppression_threshold == 3


def insats_post(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Kompetensutveckling till handläggare",
        "team": "",
        "kind": "struktur",
        "follow_up_method": "volume",
        "start_date": "2022-01-01",
        "end_date": "",
        "target_group": "Handläggare hos parterna",
        "trial_period_months": "0",
    }
    data.update(overrides)
    return data


def test_forbund_admin_creates_insats(client, forbund_admin, forbund):
    team = Team.objects.create(forbund=forbund, name="Mottagningsteamet")
    response = login(client, forbund_admin).post(
        url("insats-create", forbund.pk), insats_post(team=str(team.pk))
    )
    insats = Insats.objects.get(name="Kompetensutveckling till handläggare")
    assert response.status_code == 302
    assert response["Location"] == url("insats-detail", insats.pk)
    assert (insats.forbund, insats.team, insats.kind) == (forbund, team, "struktur")


def test_create_insats_bad_input_keeps_form(client, forbund_admin, forbund):
    response = login(client, forbund_admin).post(
        url("insats-create", forbund.pk), insats_post(end_date="2021-06-30")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The end date cannot be before the start date." in html
    assert 'value="Kompetensutveckling till handläggare"' in html
    response = client.post(
        url("insats-create", forbund.pk), insats_post(follow_up_method="personal")
    )
    assert "A structural insats is followed up by counts only." in response.content.decode()
    assert not Insats.objects.exists()


def test_create_insats_denied(client, manager, forbund_admin, forbund, other_forbund):
    assert login(client, manager).get(url("insats-create", forbund.pk)).status_code == 404
    response = login(client, forbund_admin).post(
        url("insats-create", other_forbund.pk), insats_post()
    )
    assert response.status_code == 404
    assert not Insats.objects.filter(forbund=other_forbund).exists()


def test_edit_insats(client, manager, insats):
    data = insats_post(
        name=insats.name, kind="individ", follow_up_method="personal", start_date="2015-05-13"
    )
    data["target_group"] = "Personer långt från arbetsmarknaden"
    response = login(client, manager).post(url("insats-edit", insats.pk), data)
    assert response.status_code == 302
    insats.refresh_from_db()
    assert insats.target_group == "Personer långt från arbetsmarknaden"
    # a team of another förbund is not a choice
    foreign = Team.objects.create(forbund=make_forbund("Annat förbund", county="21"), name="Annat")
    response = client.post(url("insats-edit", insats.pk), {**data, "team": str(foreign.pk)})
    assert response.status_code == 200
    assert insats.__class__.objects.get(pk=insats.pk).team is None


# --- budget --------------------------------------------------------------------------


def test_budget_page_shows_seed_002_budget(sv_client, manager, insats):
    client = login(sv_client, manager)
    page = url("insats-budget", insats.pk) + "?year=2022"
    for category, budget, outcome in SEED_002_BUDGET:
        response = client.post(
            page,
            {
                "action": "line",
                "line-year": "2022",
                "line-category": str(code(CostCategory, category).pk),
                "line-budget": budget,
                "line-outcome": outcome,
            },
        )
        assert response.status_code == 302, response.content.decode()
    assert BudgetLine.objects.filter(insats=insats, year=2022).count() == 4
    html = client.get(page).content.decode()
    assert f'id="total-budget">{sek("2 300 000")}<' in html
    assert f'id="total-outcome">{sek("2 152 194")}<' in html
    assert f'id="total-remaining">{sek("147 806")}<' in html
    assert f">{sek('-19 875')}<" in html  # Övriga kostnader over budget
    assert "Övriga kostnader" in html
    assert f">{sek('1 923 361')}<" in html
    # another year is empty
    assert (
        'id="total-budget"'
        not in client.get(url("insats-budget", insats.pk) + "?year=2021").content.decode()
    )


def test_budget_plan_and_financing_forms(sv_client, manager, insats, other_forbund):
    client = login(sv_client, manager)
    page = url("insats-budget", insats.pk) + "?year=2022"
    response = client.post(
        page, {"action": "plan", "plan-year": "2022", "plan-budgeted_participants": "45"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2022")
    assert InsatsYear.objects.get(insats=insats, year=2022).budgeted_participants == 45
    fk = MemberParty.objects.get(forbund=insats.forbund, kind="fk")
    client.post(
        page,
        {
            "action": "financing",
            "financing-year": "2022",
            "financing-party": fk.pk,
            "financing-amount": "1 150 000",
        },
    )
    assert Financing.objects.get().amount == 1_150_000
    html = client.get(page).content.decode()
    assert f'id="total-financing">{sek("1 150 000")}<' in html
    assert 'id="budgeted-participants">45<' in html


def test_budget_bad_input_saves_nothing(client, manager, insats, other_forbund):
    login(client, manager)
    page = url("insats-budget", insats.pk) + "?year=2022"
    response = client.post(
        page,
        {
            "action": "line",
            "line-year": "2022",
            "line-category": str(code(CostCategory, "lokaler").pk),
            "line-budget": "-40000",
            "line-outcome": "8 460",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="field has-error' in html
    assert 'value="-40000"' in html  # the form keeps what was typed
    response = client.post(
        page, {"action": "plan", "plan-year": "2022", "plan-budgeted_participants": "-3"}
    )
    assert response.status_code == 200 and 'value="-3"' in response.content.decode()
    foreign = MemberParty.objects.get(forbund=other_forbund, kind="fk")
    response = client.post(
        page,
        {
            "action": "financing",
            "financing-year": "2022",
            "financing-party": foreign.pk,
            "financing-amount": "100",
        },
    )
    assert response.status_code == 200
    assert not BudgetLine.objects.exists()
    assert not InsatsYear.objects.exists()
    assert not Financing.objects.exists()


def test_budget_line_edit_link_prefills_form(client, manager, insats):
    line = BudgetLine.objects.create(
        insats=insats,
        year=2022,
        category=code(CostCategory, "lokaler"),
        budget=40_000,
        outcome=8_460,
    )
    html = (
        login(client, manager)
        .get(url("insats-budget", insats.pk) + f"?year=2022&line={line.pk}")
        .content.decode()
    )
    assert 'name="line-budget" value="40000"' in html
    assert f'<option value="{line.category_id}" selected>' in html


def test_budget_delete_line_and_other_insats_line_is_404(client, manager, insats, other_insats):
    line = BudgetLine.objects.create(
        insats=insats, year=2022, category=code(CostCategory, "lokaler"), budget=40_000
    )
    theirs = BudgetLine.objects.create(
        insats=other_insats, year=2022, category=code(CostCategory, "lokaler"), budget=1
    )
    login(client, manager)
    page = url("insats-budget", insats.pk) + "?year=2022"
    assert client.post(page, {"action": "delete-line", "id": theirs.pk}).status_code == 404
    assert client.post(page, {"action": "delete-line", "id": line.pk}).status_code == 302
    assert list(BudgetLine.objects.all()) == [theirs]


# --- staff ---------------------------------------------------------------------------


def staff_post(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Anna Coach",
        "role": "Coach",
        "fte_percent": "100",
        "employer": "",
        "start_date": "2020-01-01",
        "end_date": "",
    }
    data.update(overrides)
    return data


def test_staff_page_adds_and_sums_fte(sv_client, manager, insats):
    af = MemberParty.objects.get(forbund=insats.forbund, kind="af")
    client = login(sv_client, manager)
    page = url("insats-staff", insats.pk)
    for name, fte in [("Anna", "100"), ("Bertil", "100"), ("Cecilia", "80")]:
        response = client.post(page, staff_post(name=name, fte_percent=fte, employer=str(af.pk)))
        assert response.status_code == 302
    client.post(page, staff_post(name="Doris", fte_percent="12,5"))
    client.post(page, staff_post(name="Erik", end_date="2021-06-30"))
    assert StaffMember.objects.count() == 5
    html = client.get(page).content.decode()
    assert 'id="total-fte">292,5<' in html
    assert ">280<" in html  # Arbetsförmedlingen's sum
    assert "Erik" in html


def test_staff_bad_input_saves_nothing(client, manager, insats, other_forbund):
    login(client, manager)
    page = url("insats-staff", insats.pk)
    for bad in (
        {"fte_percent": "120"},
        {"end_date": "2019-12-31"},
        {"fte_percent": "-5"},
    ):
        response = client.post(page, staff_post(**bad))
        assert response.status_code == 200
        assert 'class="field has-error' in response.content.decode()
        assert 'value="Anna Coach"' in response.content.decode()
    response = client.post(page, staff_post(end_date="2019-12-31"))
    assert "The end date cannot be before the start date." in response.content.decode()
    assert not StaffMember.objects.exists()


def test_staff_edit_ends_and_deletes(client, manager, insats, other_insats):
    staff = services.add_staff_member(
        manager,
        insats,
        name="Anna",
        role="Coach",
        fte_percent=Decimal(100),
        employer=None,
        start_date=dt.date(2020, 1, 1),
    )
    login(client, manager)
    edit = url("insats-staff-edit", insats.pk, staff.pk)
    assert client.get(edit).status_code == 200
    response = client.post(edit, staff_post(name="Anna", end_date="2022-08-31"))
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.end_date == dt.date(2022, 8, 31)
    html = client.get(url("insats-staff", insats.pk)).content.decode()
    assert "badge ended" in html
    # staff of another insats cannot be reached through this insats
    theirs = StaffMember.objects.create(
        insats=other_insats, name="X", role="Y", fte_percent=50, start_date=dt.date(2020, 1, 1)
    )
    assert client.get(url("insats-staff-edit", insats.pk, theirs.pk)).status_code == 404
    assert client.get(url("insats-staff-edit", other_insats.pk, theirs.pk)).status_code == 404
    assert client.post(edit, {"action": "delete"}).status_code == 302
    assert list(StaffMember.objects.all()) == [theirs]


# --- counts --------------------------------------------------------------------------


def test_waiting_list_form(client, manager, insats):
    login(client, manager)
    page = url("insats-waiting", insats.pk)
    assert client.post(page, {"date": "2022-12-31", "count": "6"}).status_code == 302
    assert client.post(page, {"date": "2022-12-31", "count": "7"}).status_code == 302
    assert WaitingListCount.objects.get(insats=insats).count == 7
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    for bad in ({"date": future, "count": "4"}, {"date": "2022-06-30", "count": "-1"}):
        response = client.post(page, bad)
        assert response.status_code == 200
        assert f'value="{bad["count"]}"' in response.content.decode()
    response = client.post(page, {"date": future, "count": "4"})
    assert "The date cannot be in the future." in response.content.decode()
    assert WaitingListCount.objects.count() == 1
    row = WaitingListCount.objects.get()
    assert client.post(page, {"action": "delete", "id": row.pk}).status_code == 302
    assert not WaitingListCount.objects.exists()


def test_volume_form(client, forbund_admin, volume_insats):
    login(client, forbund_admin)
    page = url("insats-volume", volume_insats.pk)
    period = {"period_start": "2022-01-01", "period_end": "2022-12-31"}
    assert client.post(page, {**period, "gender": "K", "count": "100"}).status_code == 302
    assert client.post(page, {**period, "gender": "M", "count": "63"}).status_code == 302
    html = client.get(page).content.decode()
    assert ">163<" in html
    response = client.post(
        page,
        {"period_start": "2022-12-31", "period_end": "2022-01-01", "gender": "K", "count": "5"},
    )
    assert response.status_code == 200
    assert "The period cannot end before it starts." in response.content.decode()
    response = client.post(page, {**period, "gender": "K", "count": "-5"})
    assert response.status_code == 200
    assert VolumeCount.objects.filter(insats=volume_insats).count() == 2
    assert VolumeCount.objects.get(gender="K").count == 100


def test_structural_form(client, forbund_admin, structural_insats, other_forbund):
    login(client, forbund_admin)
    page = url("insats-structural", structural_insats.pk)
    fk = MemberParty.objects.get(forbund=structural_insats.forbund, kind="fk")
    period = {"period_start": "2022-01-01", "period_end": "2022-12-31"}
    assert client.post(page, {**period, "party": fk.pk, "count": "20"}).status_code == 302
    assert client.post(page, {**period, "party": "", "count": "5"}).status_code == 302
    html = client.get(page).content.decode()
    assert 'id="total-structural">25<' in html
    foreign = MemberParty.objects.get(forbund=other_forbund, kind="fk")
    response = client.post(page, {**period, "party": foreign.pk, "count": "3"})
    assert response.status_code == 200 and 'class="field has-error' in response.content.decode()
    future = timezone.localdate() + dt.timedelta(days=40)
    response = client.post(
        page,
        {
            "period_start": future.isoformat(),
            "period_end": future.isoformat(),
            "party": "",
            "count": "3",
        },
    )
    assert "The date cannot be in the future." in response.content.decode()
    assert StructuralCount.objects.count() == 2


def test_forbund_admin_sets_the_retention_period_within_bounds(client, forbund_admin, forbund):
    """Gallring's retention period (docs/security.md, chapter 4): 1–10 years, default 5."""
    settings_url = url("forbund-settings", forbund.pk)
    login(client, forbund_admin)
    base = {"suppression_threshold": "5"}
    for bad in ("0", "11", "-1", "x", "", "99999999999999999999"):
        response = client.post(settings_url, {**base, "retention_years": bad})
        assert response.status_code == 200 and 'class="error"' in response.content.decode()
    forbund.refresh_from_db()
    assert forbund.retention_years == 5
    assert client.post(settings_url, {**base, "retention_years": "2"}).status_code == 302
    forbund.refresh_from_db()
    assert forbund.retention_years == 2


@pytest.mark.parametrize(
    ("typed", "stored"), [("6, 12", [6, 12]), ("12 3", [3, 12]), ("6,6", [6]), ("", [])]
)
def test_an_insats_is_given_its_follow_up_points(client, forbund_admin, forbund, typed, stored):
    """Typed with commas or spaces in any order; empty: no follow-up after exit."""
    login(client, forbund_admin).post(
        url("insats-create", forbund.pk),
        insats_post(kind="individ", follow_up_method="personal", follow_up_months=typed),
    )
    assert Insats.objects.get().follow_up_months == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("sex, tolv", "Write whole numbers of months separated by commas"),
        ("0, 6", "Give at most 4 whole numbers of months from 1 to 60"),
        ("1 2 3 4 5", "Give at most 4 whole numbers of months from 1 to 60"),
    ],
)
def test_follow_up_points_that_cannot_be_are_refused_and_kept(
    client, forbund_admin, forbund, typed, message
):
    response = login(client, forbund_admin).post(
        url("insats-create", forbund.pk),
        insats_post(kind="individ", follow_up_method="personal", follow_up_months=typed),
    )
    html = response.content.decode()
    assert message in html and f'value="{typed}"' in html
    assert not Insats.objects.exists()


def test_the_insats_page_shows_its_follow_up_points(client, manager, insats):
    insats.follow_up_months = [3, 12]
    insats.save()
    html = login(client, manager).get(url("insats-detail", insats.pk)).content.decode()
    assert "3, 12 months after the end" in html
