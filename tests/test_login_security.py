"""Issue #9, item 8: log-in throttling, password rules, sessions and two-factor log-in.

Each attack of the issue is performed here and must fail to get through.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from samspar.access.passwords import CALENDAR_WORDS, CalendarWordValidator, PersonalPartsValidator
from samspar.access.scoping import Role
from samspar.access.security_log import SecurityEvent
from samspar.access.sessions import LOGGED_IN_AT
from tests.conftest import password_only_login
from tests.factories import make_user

Kind = SecurityEvent.Kind


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def _forget_the_short_wait(device: TOTPDevice) -> None:
    """A wrong code makes the next try wait a second (django-otp's throttling); a test
    does not wait on the clock."""
    device.refresh_from_db()
    device.throttle_reset()


def _log_in(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# -- throttling -------------------------------------------------------------------------


def test_sixty_wrong_passwords_lock_the_account_and_the_right_one_then_fails(registrator):
    """The attack: 60 wrong passwords in a row, then the right one."""
    client = Client()
    statuses = [_log_in(client, "coach", f"gissning-{i}").status_code for i in range(60)]
    assert statuses[:4] == [200] * 4  # the form again, with its error
    assert set(statuses[5:]) == {429}  # locked out from the fifth on
    response = _log_in(client, "coach", "pw-coach")
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()
    assert not _signed_in(client)
    events = SecurityEvent.objects.filter(username="coach")
    assert events.filter(kind=Kind.LOGIN_FAILED).count() >= 5
    assert events.filter(kind=Kind.LOCKED_OUT).exists()
    assert events.filter(kind=Kind.LOGIN_FAILED).first().ip_address == "127.0.0.1"
    assert not events.filter(kind=Kind.LOGIN).exists()


def test_the_lock_is_for_the_username_from_that_address(registrator):
    """Another computer can still log in, so an attacker cannot lock the owner out."""
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(6):
        _log_in(attacker, "coach", f"gissning-{i}")
    assert _log_in(attacker, "coach", "pw-coach").status_code == 429
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert _log_in(owner, "coach", "pw-coach").status_code == 302
    assert _signed_in(owner)


@override_settings(BEHIND_PROXY=True)
def test_behind_the_proxy_a_forged_address_locks_only_the_attacker(registrator):
    """Behind the reverse proxy every request comes from the proxy's address; the client's
    is the last of X-Forwarded-For, which the proxy adds. An attacker who forges the
    owner's address in front of it must not lock the owner out."""
    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
    for i in range(6):
        _log_in(attacker, "coach", f"gissning-{i}")
    assert _log_in(attacker, "coach", "pw-coach").status_code == 429
    owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _log_in(owner, "coach", "pw-coach").status_code == 302
    failed = SecurityEvent.objects.filter(kind=Kind.LOGIN_FAILED)
    assert set(failed.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_a_failed_log_in_is_logged_with_username_and_address(db):
    _log_in(Client(REMOTE_ADDR="192.0.2.1"), "ingen-sadan", "fel")
    event = SecurityEvent.objects.get(kind=Kind.LOGIN_FAILED)
    assert (event.username, event.ip_address, event.user) == ("ingen-sadan", "192.0.2.1", None)


# -- password rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["Sommar2026", "coach.hedemora1", "Hedemora-2026-Lena!", "Vinter2025!!xyz", "hösten2026"],
)
def test_weak_passwords_of_the_attack_are_refused(db, password):
    user = User.objects.create_user("coach.hedemora", first_name="Lena", last_name="Bergström")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.parametrize(
    "password", ["sommarstugan vid Runn 1998", "Trettiotvå blå kaniner", "k7#Rq!v9Lm2x"]
)
def test_long_unpredictable_passwords_pass(db, password):
    user = User.objects.create_user("coach.hedemora", first_name="Lena", last_name="Bergström")
    validate_password(password, user)


def test_the_password_page_refuses_sommar2026(client, registrator):
    client.force_login(registrator)
    response = client.post(
        "/konto/losenord/",
        {"old_password": "pw-coach", "new_password1": "Sommar2026", "new_password2": "Sommar2026"},
    )
    assert response.status_code == 200
    assert "årstid" in response.content.decode()
    registrator.refresh_from_db()
    assert registrator.check_password("pw-coach")


# -- sessions ---------------------------------------------------------------------------


def test_a_session_ends_with_the_browser_and_after_a_working_day(registrator):
    client = Client()
    response = _log_in(client, "coach", "pw-coach")
    cookie = response.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]  # gone when the browser closes
    assert client.session.get_expiry_age() == 10 * 60 * 60


def _move_log_in_back(client: Client, *, hours: int) -> None:
    session = client.session
    session[LOGGED_IN_AT] = int(session[LOGGED_IN_AT]) - hours * 60 * 60
    session.save()


def test_an_active_session_still_ends_ten_hours_after_the_log_in(client, registrator):
    client.force_login(registrator)
    _move_log_in_back(client, hours=9)
    assert client.get("/").status_code == 200
    _move_log_in_back(client, hours=2)  # 11 hours in all
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not _signed_in(client)


def test_log_out_everywhere_ends_every_session_of_the_user(registrator, manager):
    office, home, colleague = Client(), Client(), Client()
    office.force_login(registrator)
    home.force_login(registrator)
    colleague.force_login(manager)
    assert home.get("/").status_code == 200
    response = office.post("/konto/logga-ut-overallt/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    for client in (office, home):
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert colleague.get("/").status_code == 200
    assert SecurityEvent.objects.filter(kind=Kind.LOGOUT_EVERYWHERE, user=registrator).exists()


# -- two-factor log-in ------------------------------------------------------------------


def _paths() -> list[str]:
    """A concrete path for every URL pattern of the site (ids filled with 1)."""
    found: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            route = re.sub(r"<(?:int:)?[a-z_]+>", "1", route)
            route = re.sub(r"<(?:str|slug|path):[a-z_]+>", "x", route)
            route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route).strip("^$").replace("\\", "")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            else:
                found.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


OPEN = {"/login/", "/logout/", "/login/tvafaktor/", "/konto/tvafaktor/", "/i18n/setlang/"}


@pytest.mark.parametrize("role", [Role.REGISTRATOR, Role.DPO, Role.FORBUND_ADMIN, "superuser"])
def test_a_password_only_session_of_a_two_factor_role_reaches_nothing(forbund, insats, role):
    """The attack: a stolen password without the phone. Every URL of the site, page or
    API, answers with the two-factor step (or 401 for the API), never with content."""
    if role == "superuser":
        user = User.objects.create_superuser("root", password="pw-root")
    elif role == Role.REGISTRATOR:
        user = make_user("coach", role, insats=insats)
    else:
        user = make_user("analytiker", role, forbund=forbund)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    password_only_login(client, user)
    paths = _paths()
    assert len(paths) > 50
    for path in paths:
        if path in OPEN or path.startswith("/admin/log"):
            continue
        for method in (client.get, client.post):
            response = method(path)
            if path.startswith("/api/"):
                assert response.status_code == 401, path
                assert "Tvåfaktorsinloggning" in response.json()["detail"]
            else:
                assert response.status_code == 302, path
                assert response["Location"].startswith("/login/tvafaktor/?next="), path


def test_a_registrator_without_a_device_must_set_it_up_first(registrator):
    client = Client()
    assert _log_in(client, "coach", "pw-coach").status_code == 302
    response = client.get("/")
    assert response["Location"].startswith("/konto/tvafaktor/?next=")
    page = client.get("/konto/tvafaktor/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=registrator, confirmed=False)
    assert device.config_url.split("secret=")[1][:8] in page.replace(" ", "")
    assert client.get("/api/v1/reports").status_code == 401

    response = client.post("/konto/tvafaktor/", {"code": "000000"})
    assert "Koden är fel" in response.content.decode()
    _forget_the_short_wait(device)
    response = client.post("/konto/tvafaktor/", {"code": _code(device)})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/reports").status_code == 200
    kinds = set(SecurityEvent.objects.filter(user=registrator).values_list("kind", flat=True))
    assert {Kind.LOGIN, Kind.TWO_FACTOR_ENROLLED, Kind.RECOVERY_CODES} <= kinds


def test_a_secret_seen_by_someone_with_the_password_is_never_the_owners(registrator):
    """The attack: someone who knows the password of an account without two-factor opens
    the set-up page, copies the secret and leaves. The owner, setting it up later, must
    get another secret, so the attacker's codes never pass the second step."""
    attacker, owner = Client(), Client()
    _log_in(attacker, "coach", "pw-coach")
    attacker.get("/konto/tvafaktor/")
    planted = TOTPDevice.objects.get(user=registrator, confirmed=False)
    planted_key = planted.bin_key

    _log_in(owner, "coach", "pw-coach")
    owner.get("/konto/tvafaktor/")
    device = TOTPDevice.objects.get(user=registrator, confirmed=False)
    assert device.bin_key != planted_key
    response = owner.post("/konto/tvafaktor/", {"code": _code(device)})
    assert response.status_code == 200 and "<code>" in response.content.decode()
    confirmed = TOTPDevice.objects.get(user=registrator, confirmed=True)
    assert confirmed.bin_key != planted_key
    # The attacker's session cannot confirm its secret either.
    attacker.post("/konto/tvafaktor/", {"code": _code(planted)})
    assert list(TOTPDevice.objects.filter(user=registrator, confirmed=True)) == [confirmed]

    late = Client()
    _log_in(late, "coach", "pw-coach")
    response = late.post("/login/tvafaktor/", {"code": _code(planted)})
    assert not response.has_header("Location") or response["Location"] != "/"
    assert late.get("/").status_code == 302  # still owes the second step


def test_the_second_step_takes_the_app_code_or_a_recovery_code_once(registrator):
    device = TOTPDevice.objects.create(user=registrator, name="app", confirmed=True)
    recovery = StaticDevice.objects.create(user=registrator, name="Reservkoder")
    recovery.token_set.create(token="abcdefgh")

    client = Client()
    _log_in(client, "coach", "pw-coach")
    key_before = client.session.session_key
    response = client.post("/login/tvafaktor/", {"code": "123456", "next": "/rapporter/"})
    assert response.status_code == 200 and "Koden är fel" in response.content.decode()
    _forget_the_short_wait(device)
    response = client.post("/login/tvafaktor/", {"code": _code(device), "next": "/rapporter/"})
    assert response.status_code == 302 and response["Location"] == "/rapporter/"
    assert client.session.session_key != key_before  # a new session id after the step
    assert client.get("/").status_code == 200

    for expected in (302, 200):  # the recovery code works once
        other = Client()
        _log_in(other, "coach", "pw-coach")
        response = other.post("/login/tvafaktor/", {"code": "ABCD EFGH"})
        assert response.status_code == expected
    events = SecurityEvent.objects.filter(user=registrator)
    assert events.filter(kind=Kind.TWO_FACTOR_FAILED).count() == 2
    assert events.filter(kind=Kind.TWO_FACTOR_VERIFIED, detail="recovery code").count() == 1


def test_guessing_codes_is_throttled(registrator):
    device = TOTPDevice.objects.create(user=registrator, name="app", confirmed=True)
    client = Client()
    _log_in(client, "coach", "pw-coach")
    for guess in range(10):
        client.post("/login/tvafaktor/", {"code": f"{guess:06d}"})
    response = client.post("/login/tvafaktor/", {"code": _code(device)})
    assert response.status_code == 200
    assert "För många felaktiga koder" in response.content.decode()
    assert client.get("/").status_code == 302


def test_two_factor_is_optional_for_the_board_but_binding_once_set_up(forbund):
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    client = Client()
    assert _log_in(client, "styrelse", "pw-styrelse").status_code == 302
    assert client.get("/").status_code == 200
    TOTPDevice.objects.create(user=board, name="app", confirmed=True)
    client = Client()
    _log_in(client, "styrelse", "pw-styrelse")
    assert client.get("/").status_code == 302


def test_the_next_address_cannot_send_the_user_elsewhere(registrator):
    device = TOTPDevice.objects.create(user=registrator, name="app", confirmed=True)
    client = Client()
    _log_in(client, "coach", "pw-coach")
    response = client.post(
        "/login/tvafaktor/", {"code": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_tests_log_in_with_both_steps(client, registrator):
    """The suite's ``force_login`` gives a verified session (tests/conftest.py)."""
    client.force_login(registrator)
    assert client.get("/").status_code == 200


@hypothesis_settings(deadline=None, derandomize=True, max_examples=200)
@given(
    word=st.sampled_from(CALENDAR_WORDS),
    number=st.integers(0, 9999),
    tail=st.text(alphabet="!#?.-_ ", max_size=4),
    capital=st.booleans(),
    number_first=st.booleans(),
)
def test_any_season_month_or_weekday_with_a_number_is_refused(
    word, number, tail, capital, number_first
):
    word = word.capitalize() if capital else word
    password = f"{number}{word}{tail}" if number_first else f"{word}{number}{tail}"
    with pytest.raises(ValidationError):
        CalendarWordValidator().validate(password)


@hypothesis_settings(deadline=None, derandomize=True, max_examples=200)
@given(
    first=st.from_regex(r"[a-z]{4,10}", fullmatch=True),
    second=st.from_regex(r"[a-z]{4,10}", fullmatch=True),
    padding=st.text(min_size=0, max_size=12),
    which=st.booleans(),
)
def test_a_password_with_a_part_of_the_username_is_refused(first, second, padding, which):
    user = User(username=f"{first}.{second}")
    part = (first if which else second).upper()
    with pytest.raises(ValidationError):
        PersonalPartsValidator().validate(f"{padding}{part}{padding}", user)
