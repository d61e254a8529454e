"""API keys (issue #10, item 7): made on /konto/api-nycklar/ and shown once, stored only
as a digest, refused when expired, revoked or of a deactivated user; two-factor log-in
cannot be gone around with them; session writes need the CSRF token, key writes don't."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from samspar.access import apitokens
from samspar.access.models import SecurityEvent
from samspar.access.scoping import Role
from tests.conftest import password_only_login
from tests.factories import make_forbund, make_insats, make_user

pytestmark = pytest.mark.django_db

PAGE = "/konto/api-nycklar/"
KEY = re.compile(r"samspar_[0-9a-f]{10}_[A-Za-z0-9_-]{43}")


@pytest.fixture
def insats():
    return make_insats(make_forbund())


@pytest.fixture
def registrator(insats):
    return make_user("coach", Role.REGISTRATOR, insats=insats)


def _make_key(client: Client, name: str = "Verksamhetssystem", days: int = 30) -> str:
    expires = timezone.localdate() + dt.timedelta(days=days)
    response = client.post(PAGE, {"name": name, "expires_on": expires.isoformat()})
    assert response.status_code == 200
    found = KEY.findall(response.content.decode())
    assert len(found) == 1, "the new key is shown"
    return found[0]


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_key_is_made_on_the_page_shown_once_and_works(client, registrator):
    client.force_login(registrator)
    key = _make_key(client)
    assert key not in client.get(PAGE).content.decode(), "shown only once"
    token = apitokens.ApiToken.objects.get(user=registrator)
    assert token.name == "Verksamhetssystem"
    assert token.label in client.get(PAGE).content.decode()
    assert token.last_used_at is None
    anonymous = Client()
    response = anonymous.get("/api/v1/insatser", headers=_bearer(key))
    assert response.status_code == 200
    assert [i["name"] for i in response.json()] == ["Samverkansteam Avesta"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.API_TOKEN_CREATED)
    assert event.username == "coach" and token.label in event.detail


def test_the_database_holds_no_key(client, registrator):
    client.force_login(registrator)
    key = _make_key(client)
    # samspar_<prefix>_<secret>: the secret (URL-safe base64) may itself hold a "_".
    secret = key.split("_", 2)[2]
    assert len(secret) >= 40
    token = apitokens.ApiToken.objects.get()
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM access_apitoken")
        rows = cursor.fetchall()
        cursor.execute("SELECT detail FROM access_securityevent")
        rows += cursor.fetchall()
    assert rows and not any(secret in str(value) for row in rows for value in row)


def test_a_revoked_key_is_refused(client, registrator):
    client.force_login(registrator)
    key = _make_key(client)
    token = apitokens.ApiToken.objects.get()
    response = client.post(PAGE, {"revoke": token.pk})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/insatser", headers=_bearer(key)).status_code == 401
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.API_TOKEN_REVOKED).count() == 1


def test_nobody_revokes_another_users_key(client, registrator, insats):
    other = make_user("annan", Role.REGISTRATOR, insats=insats)
    token, key = apitokens.create_token(
        user=other, name="x", expires_on=timezone.localdate() + dt.timedelta(days=1)
    )
    client.force_login(registrator)
    assert client.post(PAGE, {"revoke": token.pk}).status_code == 404
    assert Client().get("/api/v1/insatser", headers=_bearer(key)).status_code == 200


def test_an_expired_key_is_refused(registrator):
    token, key = apitokens.create_token(user=registrator, name="x", expires_on=timezone.localdate())
    assert Client().get("/api/v1/insatser", headers=_bearer(key)).status_code == 200, "last day"
    apitokens.ApiToken.objects.filter(pk=token.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    response = Client().get("/api/v1/insatser", headers=_bearer(key))
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_deactivated_users_key_is_refused(registrator):
    _token, key = apitokens.create_token(
        user=registrator, name="x", expires_on=timezone.localdate() + dt.timedelta(days=5)
    )
    registrator.is_active = False
    registrator.save()
    assert Client().get("/api/v1/insatser", headers=_bearer(key)).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer samspar_0123456789_" + "A" * 43,
        "Bearer nonsense",
        "Bearer ",
        "Basic Y29hY2g6cHc=",
        "Bearer samspar_0123456789_" + "A" * 42 + "\x00",
    ],
)
def test_a_wrong_key_is_refused(registrator, header):
    apitokens.create_token(
        user=registrator, name="x", expires_on=timezone.localdate() + dt.timedelta(days=5)
    )
    response = Client().get("/api/v1/insatser", headers={"Authorization": header})
    assert response.status_code == 401


def test_a_key_with_a_changed_secret_is_refused(registrator):
    _token, key = apitokens.create_token(
        user=registrator, name="x", expires_on=timezone.localdate() + dt.timedelta(days=5)
    )
    forged = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert Client().get("/api/v1/insatser", headers=_bearer(forged)).status_code == 401


def test_expiry_is_required_and_at_most_a_year(client, registrator):
    client.force_login(registrator)
    today = timezone.localdate()
    for expires in ("", (today + dt.timedelta(days=366)).isoformat(), "2000-01-01"):
        response = client.post(PAGE, {"name": "x", "expires_on": expires})
        assert response.status_code == 200
        assert not KEY.findall(response.content.decode())
    assert not apitokens.ApiToken.objects.exists()
    _make_key(client, days=365)


def test_only_a_two_factor_session_makes_keys(client, insats):
    board = make_user("styrelse", Role.BOARD, forbund=insats.forbund)  # two-factor optional
    password_only_login(client, board)
    expires = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = client.post(PAGE, {"name": "x", "expires_on": expires})
    assert response.status_code == 200
    assert not apitokens.ApiToken.objects.exists()
    assert "two-factor" in response.content.decode().lower() or "tvåfaktor" in (
        response.content.decode().lower()
    )


def test_a_password_only_session_is_still_refused_but_a_key_is_not(registrator):
    _token, key = apitokens.create_token(
        user=registrator, name="x", expires_on=timezone.localdate() + dt.timedelta(days=5)
    )
    browser = Client()
    password_only_login(browser, registrator)
    assert browser.get("/api/v1/insatser").status_code == 401
    assert browser.get("/api/v1/insatser", headers=_bearer(key)).status_code == 200
    assert browser.get("/api/v1/insatser", headers=_bearer(key + "x")).status_code == 401


def test_session_writes_need_the_csrf_token_key_writes_do_not(registrator, insats):
    _token, key = apitokens.create_token(
        user=registrator, name="x", expires_on=timezone.localdate() + dt.timedelta(days=5)
    )
    body = {"gender": "K", "start_year": 2022, "reason": "skyddad"}
    url = f"/api/v1/insatser/{insats.pk}/anonymous"
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(registrator)
    assert browser.get("/api/v1/insatser").status_code == 200, "reads need no token"
    refused = browser.post(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert insats.anonymous_enrolments.count() == 0
    browser.get("/konto/")  # sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201
    program = Client(enforce_csrf_checks=True)
    assert (
        program.post(url, body, content_type="application/json", headers=_bearer(key)).status_code
        == 201
    )
    assert insats.anonymous_enrolments.count() == 2
    assert (
        Client(enforce_csrf_checks=True)
        .post(url, body, content_type="application/json")
        .status_code
        == 401
    )
