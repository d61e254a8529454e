"""Setting up a förbund through pages (issue 10, item 1): the system administrator creates
a förbund with its member parties and first administrator; the administrator makes
teams, insatser and users, gives and takes roles and deactivates accounts; a new user
sets a password from the e-mailed link and then logs in through the two-factor set-up.
Every change is kept with who made it. And the attacks: another förbund's administrator,
crafted posts, roles nobody may give."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from samspar.access import accounts
from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.access.security_log import SecurityEvent
from samspar.organisation import services
from samspar.organisation.models import (
    County,
    Forbund,
    Insats,
    MemberParty,
    Municipality,
    PartyKind,
    Team,
)
from tests.conftest import password_only_login
from tests.factories import make_forbund, make_insats, make_user

STRONG = "kanotpaddel i Runn vid gryning"


@pytest.fixture
def client():
    """English pages, so messages can be asserted whatever the Swedish catalogue says."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def sysadmin(db):
    return make_user("sys", Role.SYSADMIN)


@pytest.fixture
def side_a(db):
    forbund = make_forbund("Alfa samordningsförbund")
    insats = make_insats(forbund, "Alfa team")
    admin = make_user("admin-a", Role.FORBUND_ADMIN, forbund=forbund)
    coach = make_user("coach-a", Role.REGISTRATOR, insats=insats)
    return forbund, insats, admin, coach


@pytest.fixture
def side_b(db):
    forbund = make_forbund("Beta samordningsförbund", county="21")
    insats = make_insats(forbund, "Beta team")
    admin = make_user("admin-b", Role.FORBUND_ADMIN, forbund=forbund)
    coach = make_user("coach-b", Role.REGISTRATOR, insats=insats)
    return forbund, insats, admin, coach


def _link(message: mail.EmailMessage) -> str:
    match = re.search(r"http://testserver(/konto/losenord/satt/\S+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def _new_forbund_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Södra Dalarnas samordningsförbund",
        "county": "20",
        "organisation_number": "222000-1230",
        "with_fk": "on",
        "with_af": "on",
        "with_region": "on",
        "municipalities": ["2084", "2083"],
        "admin_username": "anna.admin",
        "admin_first_name": "Anna",
        "admin_last_name": "Admin",
        "admin_email": "anna@example.se",
    }
    data.update(overrides)
    return data


# --- the system administrator sets up a förbund ---------------------------------------


def test_sysadmin_creates_a_forbund_with_parties_and_first_admin(
    client, sysadmin, django_capture_on_commit_callbacks
):
    client.force_login(sysadmin)
    home = client.get(reverse("home"))
    assert reverse("forbund-create").encode() in home.content
    page = client.get(reverse("forbund-create") + "?lan=20")
    assert "Avesta (2084)" in page.content.decode()
    assert "Region Dalarna" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("forbund-create"), _new_forbund_post())
    forbund = Forbund.objects.get(name="Södra Dalarnas samordningsförbund")
    assert response.status_code == 302
    assert response["Location"] == reverse("forbund-users", args=[forbund.pk])
    assert (forbund.county_id, forbund.organisation_number) == ("20", "222000-1230")
    parties = {(p.kind, p.name, p.municipality_id) for p in forbund.parties.all()}
    assert parties == {
        (PartyKind.FK, "Försäkringskassan", None),
        (PartyKind.AF, "Arbetsförmedlingen", None),
        (PartyKind.REGION, "Region Dalarna", None),
        (PartyKind.KOMMUN, "Avesta kommun", "2084"),
        (PartyKind.KOMMUN, "Hedemora kommun", "2083"),
    }
    admin = User.objects.get(username="anna.admin")
    assert not admin.has_usable_password()
    assignment = RoleAssignment.objects.get(user=admin)
    assert (assignment.role, assignment.forbund_id, assignment.insats_id) == (
        Role.FORBUND_ADMIN,
        forbund.pk,
        None,
    )
    # Every row's history names the system administrator.
    assert Forbund.history.get(id=forbund.pk).history_user == sysadmin
    party_history = MemberParty.history.filter(forbund_id=forbund.pk)
    assert party_history.count() == 5
    assert {h.history_user for h in party_history} == {sysadmin}
    assert RoleAssignment.history.get(id=assignment.pk).history_user == sysadmin
    assert User.history.get(id=admin.pk).history_user == sysadmin  # type: ignore[attr-defined]
    events = SecurityEvent.objects.filter(username="anna.admin")
    assert {e.kind for e in events} == {
        SecurityEvent.Kind.USER_CREATED,
        SecurityEvent.Kind.ROLE_GIVEN,
        SecurityEvent.Kind.PASSWORD_LINK_SENT,
    }
    assert {e.actor for e in events} == {"sys"}
    # The new administrator got the link.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.se"]
    assert "anna.admin" in str(mail.outbox[0].body)


def test_a_superuser_is_a_system_administrator_of_the_set_up_pages(client, db):
    root = User.objects.create_superuser("root", password="x" * 20)
    client.force_login(root)
    assert client.get(reverse("forbund-create")).status_code == 200


def test_an_existing_user_becomes_the_first_admin(client, sysadmin, side_a):
    _, _, admin_a, _ = side_a
    client.force_login(sysadmin)
    data = _new_forbund_post(existing_admin="admin-a", admin_username="", admin_email="")
    assert client.post(reverse("forbund-create"), data).status_code == 302
    forbund = Forbund.objects.get(name="Södra Dalarnas samordningsförbund")
    assert RoleAssignment.objects.filter(
        user=admin_a, role=Role.FORBUND_ADMIN, forbund=forbund
    ).exists()
    assert not mail.outbox


def test_errors_keep_what_was_typed_and_save_nothing(client, sysadmin):
    client.force_login(sysadmin)
    forbund_count = Forbund.objects.count()
    # Gävleborg's Gävle is no municipality of Dalarna; the admin's e-mail is missing.
    data = _new_forbund_post(municipalities=["2180"], admin_email="")
    response = client.post(reverse("forbund-create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Södra Dalarnas samordningsförbund"' in html
    assert 'value="anna.admin"' in html
    assert Forbund.objects.count() == forbund_count
    # A municipality of another county is no choice of the form, nor does the service
    # take it; the parties already made are rolled back with the förbund.
    data = _new_forbund_post(county="21", municipalities=["2084"])
    response = client.post(reverse("forbund-create"), data)
    assert response.status_code == 200 and b'role="alert"' in response.content
    with pytest.raises(ValidationError) as refused:
        services.create_forbund(
            user=sysadmin,
            name="Gävleborg",
            county=County.objects.get(code="21"),
            municipalities=[Municipality.objects.get(code="2084")],
            new_admin=services.NewUser("g.admin", "G", "A", "g@example.se"),
        )
    assert "municipalities" in refused.value.message_dict
    assert Forbund.objects.count() == forbund_count
    assert not User.objects.filter(username__in=["anna.admin", "g.admin"]).exists()
    # An unknown existing user.
    data = _new_forbund_post(existing_admin="ingen-sadan")
    response = client.post(reverse("forbund-create"), data)
    assert "No active user has this username." in response.content.decode()
    assert Forbund.objects.count() == forbund_count


# --- the new user sets a password ---------------------------------------------------------


def test_the_link_sets_a_password_once_and_then_two_factor_is_set_up(
    client, side_a, django_capture_on_commit_callbacks
):
    forbund, insats, admin, _ = side_a
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("forbund-user-create", args=[forbund.pk]),
            {
                "username": "nils.coach",
                "first_name": "Nils",
                "last_name": "Coach",
                "email": "nils@example.se",
                "role": Role.REGISTRATOR,
                "insats": insats.pk,
            },
        )
    nils = User.objects.get(username="nils.coach")
    assert response["Location"] == reverse("user-detail", args=[nils.pk])
    assert RoleAssignment.objects.filter(user=nils, role=Role.REGISTRATOR, insats=insats).exists()
    link = _link(mail.outbox[0])

    anonymous = Client(headers={"accept-language": "en"})
    form_page = anonymous.get(link, follow=True)
    assert b"new_password1" in form_page.content
    form_url = form_page.redirect_chain[-1][0]
    # The password rules apply.
    weak = anonymous.post(form_url, {"new_password1": "Sommar2026", "new_password2": "Sommar2026"})
    assert weak.status_code == 200
    assert b"Sommar2026" in weak.content  # the rule's message names the example
    nils.refresh_from_db()
    assert not nils.has_usable_password()
    done = anonymous.post(form_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302 and done["Location"] == reverse("login")
    nils.refresh_from_db()
    assert nils.check_password(STRONG)
    # The link works once.
    again = Client(headers={"accept-language": "en"}).get(link, follow=True)
    assert b"This link does not work" in again.content
    # Log-in with the password leads to the two-factor set-up, nothing else.
    login = Client().post("/login/", {"username": "nils.coach", "password": STRONG})
    assert login.status_code == 302
    browser = Client()
    browser.post("/login/", {"username": "nils.coach", "password": STRONG})
    home = browser.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("two-factor-setup"))


def test_an_expired_or_wrong_link_does_not_work(client, side_a, settings):
    forbund, _, admin, _ = side_a
    user = accounts.create_user(
        actor=admin,
        username="olle",
        first_name="Olle",
        last_name="O",
        email="olle@example.se",
        role=Role.BOARD,
        forbund=forbund,
    )
    path = accounts.set_password_path(user)
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert b"This link does not work" in client.get(path, follow=True).content
    assert (
        b"This link does not work"
        in client.get(
            reverse("set-password", kwargs={"uidb64": "MQ", "token": "x-y"}), follow=True
        ).content
    )


def test_a_new_link_only_while_no_password_is_set(
    client, side_a, django_capture_on_commit_callbacks
):
    forbund, _, admin, coach = side_a
    user = accounts.create_user(
        actor=admin,
        username="olle",
        first_name="Olle",
        last_name="O",
        email="olle@example.se",
        role=Role.BOARD,
        forbund=forbund,
    )
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("user-detail", args=[user.pk]), {"action": "resend"})
    assert [m.to for m in mail.outbox] == [["olle@example.se"]]
    # Not for an account with a password: an administrator cannot take it over.
    with pytest.raises(ValidationError):
        accounts.resend_set_password_link(actor=admin, user=coach, base_url="http://x/")


# --- the förbund administrator at work ---------------------------------------------------


def test_forbund_admin_creates_team_and_insats_with_every_follow_up(client, side_a):
    forbund, _, admin, _ = side_a
    client.force_login(admin)
    detail = client.get(reverse("forbund-detail", args=[forbund.pk])).content.decode()
    for name in ("forbund-users", "forbund-parties", "forbund-teams"):
        assert reverse(name, args=[forbund.pk]) in detail
    response = client.post(
        reverse("forbund-teams", args=[forbund.pk]), {"action": "add", "name": "Mottagningen"}
    )
    assert response.status_code == 302
    team = Team.objects.get(forbund=forbund, name="Mottagningen")
    assert Team.history.get(id=team.pk).history_user == admin
    # The same name twice is refused, with the name kept.
    again = client.post(
        reverse("forbund-teams", args=[forbund.pk]), {"action": "add", "name": "mottagningen"}
    )
    assert again.status_code == 200 and b'value="mottagningen"' in again.content
    for kind, method in (
        ("individ", "personal"),
        ("individ", "anonymous"),
        ("individ", "volume"),
        ("struktur", "volume"),
    ):
        name = f"Insats {kind} {method}"
        response = client.post(
            reverse("insats-create", args=[forbund.pk]),
            {
                "name": name,
                "team": team.pk,
                "kind": kind,
                "follow_up_method": method,
                "start_date": "2025-01-01",
                "trial_period_months": "2",
            },
        )
        assert response.status_code == 302, response.content
        insats = Insats.objects.get(forbund=forbund, name=name)
        assert (insats.team, insats.kind, insats.follow_up_method) == (team, kind, method)
        # The plan (budgeted participants per year) on the insats's budget page.
        plan = client.post(
            reverse("insats-budget", args=[insats.pk]),
            {"action": "plan", "plan-year": "2025", "plan-budgeted_participants": "40"},
        )
        assert plan.status_code == 302
        assert insats.years.get(year=2025).budgeted_participants == 40
    client.post(reverse("forbund-teams", args=[forbund.pk]), {"action": "delete", "id": team.pk})
    assert not Team.objects.filter(pk=team.pk).exists()
    assert Insats.objects.filter(forbund=forbund, team=None).count() == 5
    assert Team.history.filter(id=team.pk, history_type="-").get().history_user == admin


def test_parties_are_added_and_removed_unless_in_use(client, side_a):
    forbund, insats, admin, _ = side_a
    client.force_login(admin)
    url = reverse("forbund-parties", args=[forbund.pk])
    assert (
        client.post(url, {"action": "add", "kind": "kommun", "municipality": "2084"}).status_code
        == 302
    )
    avesta = MemberParty.objects.get(forbund=forbund, municipality="2084")
    assert avesta.name == "Avesta kommun"
    assert client.post(url, {"action": "add", "kind": "region"}).status_code == 302
    assert MemberParty.objects.get(forbund=forbund, kind="region").name == "Region Dalarna"
    # FK twice, a kommun of another county: refused, with a message on the form.
    twice = client.post(url, {"action": "add", "kind": "fk"})
    assert b"already has this party" in twice.content
    services.set_financing(admin, insats, 2025, avesta, 100_000)
    refused = client.post(url, {"action": "remove", "id": avesta.pk}, follow=True)
    assert b"cannot be removed" in refused.content
    assert MemberParty.objects.filter(pk=avesta.pk).exists()
    region = MemberParty.objects.get(forbund=forbund, kind="region")
    client.post(url, {"action": "remove", "id": region.pk})
    assert not MemberParty.objects.filter(pk=region.pk).exists()
    removed = MemberParty.history.get(id=region.pk, history_type="-")
    assert removed.history_user == admin


def test_roles_are_given_and_taken_within_the_forbund(client, side_a):
    forbund, _insats, admin, coach = side_a
    client.force_login(admin)
    users = client.get(reverse("forbund-users", args=[forbund.pk])).content.decode()
    assert "coach-a" in users
    url = reverse("user-detail", args=[coach.pk])
    given = client.post(url, {"action": "assign", "role": Role.BOARD, "forbund": forbund.pk})
    assert given.status_code == 302
    board = RoleAssignment.objects.get(user=coach, role=Role.BOARD, forbund=forbund)
    assert RoleAssignment.history.get(id=board.pk, history_type="+").history_user == admin
    # Twice is refused on the form.
    twice = client.post(url, {"action": "assign", "role": Role.BOARD, "forbund": forbund.pk})
    assert b"already has this role" in twice.content
    # A registrar needs an insats.
    bare = client.post(url, {"action": "assign", "role": Role.REGISTRATOR, "forbund": forbund.pk})
    assert b"is given an insats" in bare.content
    client.post(url, {"action": "revoke", "id": board.pk})
    assert not RoleAssignment.objects.filter(pk=board.pk).exists()
    assert RoleAssignment.history.get(id=board.pk, history_type="-").history_user == admin
    kinds = list(
        SecurityEvent.objects.filter(username="coach-a", actor="admin-a").values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == sorted([SecurityEvent.Kind.ROLE_GIVEN, SecurityEvent.Kind.ROLE_REVOKED])


def test_the_last_forbund_admin_stays(client, side_a):
    forbund, _, admin, coach = side_a
    own = RoleAssignment.objects.get(user=admin, role=Role.FORBUND_ADMIN)
    client.force_login(admin)
    page = client.post(
        reverse("user-detail", args=[admin.pk]), {"action": "revoke", "id": own.pk}, follow=True
    )
    assert b"without an active f" in page.content
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
    # Nor may they deactivate themselves.
    assert (
        client.post(reverse("user-detail", args=[admin.pk]), {"action": "deactivate"}).status_code
        == 403
    )
    # With a second administrator, the first may step down.
    accounts.assign_role(actor=admin, user=coach, role=Role.FORBUND_ADMIN, forbund=forbund)
    accounts.revoke_role(actor=admin, assignment=own)
    assert not RoleAssignment.objects.filter(pk=own.pk).exists()
    # The second is now the last: deactivating them is refused, even by a system admin.
    sysadmin = make_user("sys", Role.SYSADMIN)
    with pytest.raises(ValidationError):
        accounts.deactivate_user(actor=sysadmin, user=coach)


def test_deactivation_ends_the_users_sessions_at_once(client, side_a):
    _forbund, insats, admin, coach = side_a
    coach_browser = Client()
    coach_browser.force_login(coach)
    assert coach_browser.get(reverse("insats-detail", args=[insats.pk])).status_code == 200
    client.force_login(admin)
    response = client.post(reverse("user-detail", args=[coach.pk]), {"action": "deactivate"})
    assert response.status_code == 302
    coach.refresh_from_db()
    assert not coach.is_active
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(coach.pk) for s in Session.objects.all()
    )
    again = coach_browser.get(reverse("insats-detail", args=[insats.pk]))
    assert again.status_code == 302 and again["Location"].startswith(reverse("login"))
    assert User.history.filter(id=coach.pk).latest("history_date").history_user == admin  # type: ignore[attr-defined]
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.USER_DEACTIVATED, username="coach-a", actor="admin-a"
    ).exists()
    client.post(reverse("user-detail", args=[coach.pk]), {"action": "activate"})
    coach.refresh_from_db()
    assert coach.is_active


# --- attacks ----------------------------------------------------------------------------


def test_another_forbunds_admin_reaches_nothing_of_it(client, side_a, side_b):
    forbund_a, _insats_a, admin_a, coach_a = side_a
    forbund_b, insats_b, _, coach_b = side_b
    client.force_login(admin_a)
    for path in (
        reverse("forbund-parties", args=[forbund_b.pk]),
        reverse("forbund-teams", args=[forbund_b.pk]),
        reverse("forbund-users", args=[forbund_b.pk]),
        reverse("forbund-user-create", args=[forbund_b.pk]),
        reverse("user-detail", args=[coach_b.pk]),
        reverse("forbund-create"),
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"action": "add", "name": "x"}).status_code == 404, path
    before = set(RoleAssignment.objects.values_list("pk", flat=True))
    url = reverse("user-detail", args=[coach_a.pk])
    # Crafted posts: a role in B, an insats of B, the sysadmin role.
    for data in (
        {"action": "assign", "role": Role.FORBUND_ADMIN, "forbund": forbund_b.pk},
        {"action": "assign", "role": Role.REGISTRATOR, "insats": insats_b.pk},
        {"action": "assign", "role": Role.SYSADMIN},
    ):
        response = client.post(url, data)
        assert response.status_code == 200 and b'role="alert"' in response.content, data
    # B's assignment by its id through A's user page.
    b_role = RoleAssignment.objects.get(user=coach_b)
    assert client.post(url, {"action": "revoke", "id": b_role.pk}).status_code == 404
    assert set(RoleAssignment.objects.values_list("pk", flat=True)) == before
    # The services refuse the same, whatever a page lets through.
    for role, scope in (
        (Role.SYSADMIN, {}),
        (Role.FORBUND_ADMIN, {"forbund": forbund_b}),
        (Role.REGISTRATOR, {"insats": insats_b}),
        (Role.REGISTRATOR, {"forbund": forbund_a}),  # no insats, no förbund-wide registrar
    ):
        with pytest.raises((PermissionDenied, ValidationError)):
            accounts.assign_role(actor=admin_a, user=coach_a, role=role, **scope)
    with pytest.raises(PermissionDenied):
        accounts.assign_role(actor=admin_a, user=coach_b, role=Role.BOARD, forbund=forbund_a)
    with pytest.raises(PermissionDenied):
        accounts.revoke_role(actor=admin_a, assignment=b_role)
    with pytest.raises(PermissionDenied):
        accounts.create_user(
            actor=admin_a,
            username="mole",
            first_name="M",
            last_name="M",
            email="m@example.se",
            role=Role.SYSADMIN,
        )
    with pytest.raises(PermissionDenied):
        services.create_team(user=admin_a, forbund=forbund_b, name="Mole")
    with pytest.raises(PermissionDenied):
        services.add_member_party(user=admin_a, forbund=forbund_b, kind=PartyKind.REGION)
    assert not User.objects.filter(username="mole").exists()


def test_a_user_with_roles_in_two_forbund_is_deactivated_only_by_a_sysadmin(client, side_a, side_b):
    _, insats_a, admin_a, _ = side_a
    _, _, _, coach_b = side_b
    RoleAssignment.objects.create(user=coach_b, role=Role.REGISTRATOR, insats=insats_a)
    client.force_login(admin_a)
    page = client.get(reverse("user-detail", args=[coach_b.pk]))
    assert page.status_code == 200
    assert b"Beta team" not in page.content  # B's roles are not shown
    assert b'value="deactivate"' not in page.content
    assert (
        client.post(reverse("user-detail", args=[coach_b.pk]), {"action": "deactivate"}).status_code
        == 403
    )
    coach_b.refresh_from_db()
    assert coach_b.is_active
    accounts.deactivate_user(actor=make_user("sys", Role.SYSADMIN), user=coach_b)
    coach_b.refresh_from_db()
    assert not coach_b.is_active


@pytest.mark.parametrize("role", ["registrator", "board", "dpo", "insats_manager"])
def test_other_roles_reach_no_set_up_page(client, side_a, role):
    forbund, _insats, admin, coach = side_a
    user = {
        "registrator": coach,
        "board": make_user("board", Role.BOARD, forbund=forbund),
        "dpo": make_user("dpo", Role.DPO, forbund=forbund),
        "insats_manager": make_user("chef", Role.INSATS_MANAGER, forbund=forbund),
    }[role]
    client.force_login(user)
    for path in (
        reverse("forbund-create"),
        reverse("forbund-parties", args=[forbund.pk]),
        reverse("forbund-teams", args=[forbund.pk]),
        reverse("forbund-users", args=[forbund.pk]),
        reverse("forbund-user-create", args=[forbund.pk]),
        reverse("user-detail", args=[admin.pk]),
    ):
        assert client.get(path).status_code == 404, path


def test_a_password_only_session_of_an_admin_reaches_no_set_up_page(side_a):
    forbund, _, admin, _ = side_a
    browser = Client()
    password_only_login(browser, admin)
    response = browser.get(reverse("forbund-users", args=[forbund.pk]))
    assert response.status_code == 302
    assert "tvafaktor" in response["Location"]


def test_municipality_choices_are_the_countys(side_a):
    forbund, _, admin, _ = side_a
    with pytest.raises(ValidationError):
        services.add_member_party(
            user=admin,
            forbund=forbund,
            kind=PartyKind.KOMMUN,
            municipality=Municipality.objects.get(code="2180"),
        )


# --- found by walking the set-up as a new administrator would ------------------------------

CONSOLE = "django.core.mail.backends.console.EmailBackend"
NOT_SENT = "No e-mail server is configured (SAMSPAR_EMAIL_HOST)"


def test_without_an_e_mail_server_the_admin_is_told_where_the_link_went(
    client, sysadmin, side_a, settings, capsys, django_capture_on_commit_callbacks
):
    """In production without SAMSPAR_EMAIL_HOST the mail goes to the server's output: the
    pages must not let the administrator believe it was sent."""
    settings.EMAIL_BACKEND = CONSOLE
    forbund, insats, admin, _ = side_a
    client.force_login(sysadmin)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(reverse("forbund-create"), _new_forbund_post(), follow=True)
    page = created.content.decode()
    assert "its administrator was sent a link to set a password to anna@example.se" in page
    assert NOT_SENT in page
    assert "/konto/losenord/satt/" in capsys.readouterr().out  # the link is in the log
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(
            reverse("forbund-user-create", args=[forbund.pk]),
            {
                "role": Role.REGISTRATOR,
                "insats": insats.pk,
                "username": "cecilia",
                "first_name": "Cecilia",
                "last_name": "Coach",
                "email": "cecilia@example.se",
            },
            follow=True,
        )
    assert "sent a link to set a password to cecilia@example.se" in made.content.decode()
    assert NOT_SENT in made.content.decode()
    cecilia = User.objects.get(username="cecilia")
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            reverse("user-detail", args=[cecilia.pk]), {"action": "resend"}, follow=True
        )
    assert NOT_SENT in again.content.decode()


def test_with_an_e_mail_server_no_warning(client, side_a, django_capture_on_commit_callbacks):
    forbund, insats, admin, _ = side_a
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(
            reverse("forbund-user-create", args=[forbund.pk]),
            {
                "role": Role.REGISTRATOR,
                "insats": insats.pk,
                "username": "cecilia",
                "first_name": "Cecilia",
                "last_name": "Coach",
                "email": "cecilia@example.se",
            },
            follow=True,
        )
    assert "sent a link to set a password" in made.content.decode()
    assert NOT_SENT not in made.content.decode()
    assert [m.to for m in mail.outbox] == [["cecilia@example.se"]]


def test_a_users_page_leads_back_to_the_forbunds_users(client, sysadmin, side_a, side_b):
    forbund_a, _, admin_a, coach_a = side_a
    forbund_b, insats_b, _, _ = side_b
    users_a = reverse("forbund-users", args=[forbund_a.pk])
    users_b = reverse("forbund-users", args=[forbund_b.pk])
    client.force_login(admin_a)
    page = client.get(reverse("user-detail", args=[coach_a.pk])).content.decode()
    assert f'href="{users_a}"' in page
    # A user with roles in two förbund: their own administrator sees only their förbund's
    # way back; the system administrator both.
    accounts.assign_role(actor=sysadmin, user=coach_a, role=Role.REGISTRATOR, insats=insats_b)
    page = client.get(reverse("user-detail", args=[coach_a.pk])).content.decode()
    assert f'href="{users_a}"' in page
    assert users_b not in page
    client.force_login(sysadmin)
    page = client.get(reverse("user-detail", args=[coach_a.pk])).content.decode()
    assert f'href="{users_a}"' in page and f'href="{users_b}"' in page


@pytest.mark.parametrize(
    ("typed", "stored", "error"),
    [
        ("2220001230", "222000-1230", None),
        (" 222000-1230 ", "222000-1230", None),
        ("", "", None),
        ("12345", None, "ten digits, NNNNNN-NNNN"),
        ("222000-123", None, "ten digits, NNNNNN-NNNN"),
        ("22200O-1230", None, "ten digits, NNNNNN-NNNN"),
        ("222000-1234", None, "The check digit is wrong"),
    ],
)
def test_the_organisation_number_is_checked(client, sysadmin, typed, stored, error):
    client.force_login(sysadmin)
    response = client.post(reverse("forbund-create"), _new_forbund_post(organisation_number=typed))
    forbund = Forbund.objects.filter(name="Södra Dalarnas samordningsförbund").first()
    if error is None:
        assert response.status_code == 302
        assert forbund is not None and forbund.organisation_number == stored
    else:
        assert response.status_code == 200
        assert error in response.content.decode()
        assert forbund is None


def test_the_system_administrators_home_does_not_send_them_to_a_forbund_admin(client, db):
    """A fresh installation: the superuser's home offers the new förbund, and does not
    tell them to ask a förbund administrator for a role."""
    root = User.objects.create_superuser("root", "root@example.se", STRONG)
    client.force_login(root)
    page = client.get(reverse("home")).content.decode()
    assert reverse("forbund-create") in page
    assert "No förbund yet." in page
    assert "Ask your förbund's administrator for a role" not in page


def test_the_insats_page_leads_its_forbund_admin_to_the_roles(client, side_a):
    forbund, insats, admin, coach = side_a
    manager = make_user("manager-a", Role.INSATS_MANAGER, insats=insats)
    users = f'href="{reverse("forbund-users", args=[forbund.pk])}"'
    client.force_login(admin)
    assert users in client.get(reverse("insats-detail", args=[insats.pk])).content.decode()
    for other in (coach, manager):
        client.force_login(other)
        page = client.get(reverse("insats-detail", args=[insats.pk]))
        assert page.status_code == 200
        assert users not in page.content.decode()
