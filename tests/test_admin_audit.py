"""Issue #9, item 9: administrators cannot act unseen.

A superuser who sets someone's password and logs in as them shows in the security log,
the owner is told by e-mail and at their next log-in; every change of users and role
assignments is kept with who made it; the security log cannot be changed.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client

from samspar.access.append_only import AppendOnlyError
from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.access.security_log import SecurityEvent

Kind = SecurityEvent.Kind
NEW_PASSWORD = "Trettiotvå blå kaniner"


def _user_history() -> Any:
    """The manager of the users' history (simple-history, registered in access.models)."""
    return apps.get_model("access", "HistoricalUser").objects


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", email="root@example.se", password="pw-root")


def test_a_superuser_who_sets_a_password_and_logs_in_as_its_owner_is_seen(root, registrator):
    """The attack: the superuser sets the registrator's password in the admin site and
    logs in with it."""
    registrator.email = "lena@example.se"
    registrator.save()
    admin = Client()
    admin.force_login(root)
    response = admin.post(
        f"/admin/auth/user/{registrator.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302

    change = SecurityEvent.objects.get(kind=Kind.PASSWORD_CHANGED, user=registrator)
    assert change.actor == "root"
    [message] = mail.outbox
    assert message.to == ["lena@example.se"]
    assert "ändrades" in message.body and "root" in message.body

    impostor = Client()
    response = impostor.post("/login/", {"username": "coach", "password": NEW_PASSWORD})
    assert response.status_code == 302
    login = SecurityEvent.objects.get(kind=Kind.LOGIN, user=registrator)
    assert login.at >= change.at
    # Whoever logs in next as the registrator is told, and so is the owner for 14 days.
    page = impostor.get("/konto/tvafaktor/", follow=True).content.decode()
    assert "Ditt lösenord ändrades" in page and "av root" in page


def test_changing_ones_own_password_is_logged_without_a_notice(registrator):
    client = Client()
    client.force_login(registrator)
    response = client.post(
        "/konto/losenord/",
        {"old_password": "pw-coach", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.PASSWORD_CHANGED, user=registrator)
    assert event.actor == ""
    assert client.get("/konto/").status_code == 200  # this session goes on


def test_a_password_set_on_the_command_line_is_logged_as_such(registrator):
    registrator.set_password(NEW_PASSWORD)
    registrator.save()
    event = SecurityEvent.objects.get(kind=Kind.PASSWORD_CHANGED, user=registrator)
    assert event.actor.startswith("command line (")


def test_logging_in_does_not_count_as_a_password_change(registrator):
    Client().post("/login/", {"username": "coach", "password": "pw-coach"})
    assert SecurityEvent.objects.filter(kind=Kind.LOGIN).count() == 1
    assert not SecurityEvent.objects.filter(kind=Kind.PASSWORD_CHANGED).exists()


def test_role_assignments_are_managed_in_the_admin_with_who_did_it(root, insats):
    admin = Client()
    admin.force_login(root)
    lena = User.objects.create_user("lena")
    assert admin.get("/admin/access/roleassignment/").status_code == 200
    response = admin.post(
        "/admin/access/roleassignment/add/",
        {"user": lena.pk, "role": Role.REGISTRATOR, "insats": insats.pk, "forbund": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assignment = RoleAssignment.objects.get(user=lena)
    response = admin.post(f"/admin/access/roleassignment/{assignment.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    history = RoleAssignment.history.filter(user_id=lena.pk).order_by("history_date")
    assert [(h.history_type, h.history_user) for h in history] == [("+", root), ("-", root)]
    assert admin.get(f"/admin/access/roleassignment/{assignment.pk}/history/").status_code in (
        200,
        302,
    )


def test_user_changes_are_kept_with_who_made_them_but_never_the_password_hash(root):
    admin = Client()
    admin.force_login(root)
    lena = User.objects.create_user("lena", password="x")
    response = admin.post(
        f"/admin/auth/user/{lena.pk}/change/",
        {
            "username": "lena",
            "first_name": "Lena",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    last = _user_history().filter(id=lena.pk).latest("history_date")
    assert (last.is_staff, last.history_user) == (True, root)
    fields = {f.name for f in _user_history().model._meta.get_fields()}
    assert "password" not in fields and "last_login" not in fields
    assert admin.get(f"/admin/auth/user/{lena.pk}/history/").status_code == 200


def test_removing_someones_two_factor_device_is_logged(root, registrator):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=registrator, name="app", confirmed=True)
    admin = Client()
    admin.force_login(root)
    response = admin.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.TWO_FACTOR_REMOVED, username="coach")
    assert event.actor == "root"
    enrolled = SecurityEvent.objects.filter(kind=Kind.TWO_FACTOR_ENROLLED, username="coach")
    assert enrolled.count() == 1


def test_the_security_log_is_append_only(registrator, root):
    Client().post("/login/", {"username": "coach", "password": "fel"})
    event = SecurityEvent.objects.get()
    event.detail = "ändrat"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.update(detail="ändrat")
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.filter(pk=event.pk).delete()
    admin = Client()
    admin.force_login(root)
    assert admin.get("/admin/access/securityevent/").status_code == 200
    assert admin.get(f"/admin/access/securityevent/{event.pk}/delete/").status_code == 403
    assert SecurityEvent.objects.filter(detail="").count() >= 1


def test_demo_code_is_for_the_demo_only(registrator):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="SAMSPAR_DEBUG=1"):
        call_command("demo_code", "coach")


def test_a_recovery_code_made_by_an_administrator_is_logged_and_told(root, registrator):
    """The attack: the superuser gives the registrator a recovery code of their own
    choosing in the admin site, to pass the second step as them."""
    admin = Client()
    admin.force_login(root)
    response = admin.post(
        "/admin/otp_static/staticdevice/add/",
        {
            "user": registrator.pk,
            "name": "bakdörr",
            "confirmed": "on",
            "token_set-TOTAL_FORMS": "1",
            "token_set-INITIAL_FORMS": "0",
            "token_set-0-token": "bakdorr1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = SecurityEvent.objects.get(kind=Kind.RECOVERY_CODES, user=registrator)
    assert event.actor == "root"

    impostor = Client()
    impostor.post("/login/", {"username": "coach", "password": "pw-coach"})
    page = impostor.get("/konto/tvafaktor/", follow=True).content.decode()
    assert "Din tvåfaktorsinloggning ändrades" in page and "av root" in page


def test_a_role_given_on_the_command_line_names_the_command_line(insats):
    lena = User.objects.create_user("lena")
    assignment = RoleAssignment.objects.create(user=lena, role=Role.REGISTRATOR, insats=insats)
    record = assignment.history.get()
    assert record.history_user is None
    assert record.history_change_reason.startswith("command line (")
