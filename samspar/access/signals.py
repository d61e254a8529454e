"""Write the security log from Django's, django-axes' and django-otp's own events.

Hooked to the signals rather than to our views, so the admin site, the command line
(``changepassword``, ``createsuperuser``) and any code path are logged the same way.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from axes.signals import user_locked_out
from django.contrib import messages
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.signals import pre_create_historical_record

from samspar.access import notices
from samspar.access.security_log import SecurityEvent, acting_user, current_request, record
from samspar.access.sessions import mark_log_in_time

if TYPE_CHECKING:
    from django.http import HttpRequest

Kind = SecurityEvent.Kind
logger = logging.getLogger(__name__)


@receiver(user_logged_in, dispatch_uid="samspar-security-login")
def _logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    mark_log_in_time(request)
    for notice in notices.password_change_notices(user):
        messages.warning(request, notice, fail_silently=True)
    record(Kind.LOGIN, username=user.get_username(), user=user, request=request)


@receiver(user_login_failed, dispatch_uid="samspar-security-login-failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")
    user = User.objects.filter(username=username).first()
    record(Kind.LOGIN_FAILED, username=username, user=user, request=request)


@receiver(user_locked_out, dispatch_uid="samspar-security-locked-out")
def _locked_out(
    sender: Any, request: HttpRequest, username: str | None = None, **kwargs: Any
) -> None:
    user = User.objects.filter(username=username or "").first()
    event = record(Kind.LOCKED_OUT, username=username or "", user=user, request=request)
    # Also to stderr, where the operator watches for attacks.
    logger.warning("Log-in locked out: username %r from %s", event.username, event.ip_address)


@receiver(user_logged_out, dispatch_uid="samspar-security-logout")
def _logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record(Kind.LOGOUT, username=user.get_username(), user=user, request=request)


@receiver(pre_save, sender=User, dispatch_uid="samspar-security-password-pre")
def _note_password_change(sender: Any, instance: User, **kwargs: Any) -> None:
    """Mark a save that changes the password (not a re-hash of the same password)."""
    if instance.pk is None:
        return
    old = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is None or old == instance.password:
        return
    raw = getattr(instance, "_password", None)
    same = raw is not None and check_password(raw, old)
    instance._samspar_password_changed = not same  # type: ignore[attr-defined]


@receiver(post_save, sender=User, dispatch_uid="samspar-security-password-post")
def _password_changed(sender: Any, instance: User, **kwargs: Any) -> None:
    if getattr(instance, "_samspar_password_changed", False):
        instance._samspar_password_changed = False  # type: ignore[attr-defined]
        event = record(Kind.PASSWORD_CHANGED, username=instance.get_username(), user=instance)
        notices.tell_owner_password_changed(instance, event)


@receiver(pre_save, sender=TOTPDevice, dispatch_uid="samspar-security-totp-pre")
def _note_totp_confirmed(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    was = TOTPDevice.objects.filter(pk=instance.pk).values_list("confirmed", flat=True).first()
    instance._samspar_enrolled = instance.confirmed and not was


@receiver(post_save, sender=TOTPDevice, dispatch_uid="samspar-security-totp-saved")
def _totp_saved(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    if getattr(instance, "_samspar_enrolled", False):
        instance._samspar_enrolled = False
        user = instance.user
        record(Kind.TWO_FACTOR_ENROLLED, username=user.get_username(), user=user)


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="samspar-security-totp-deleted")
def _totp_deleted(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    # By user name only: the device may go because its user is being deleted.
    username = User.objects.filter(pk=instance.user_id).values_list("username", flat=True)
    record(Kind.TWO_FACTOR_REMOVED, username=username.first() or f"#{instance.user_id}")


@receiver(post_save, sender=StaticToken, dispatch_uid="samspar-security-static-token")
def _recovery_code_added(sender: Any, instance: StaticToken, created: bool, **kwargs: Any) -> None:
    """A recovery code added one by one (the admin site); ``new_recovery_codes`` makes
    its codes in bulk and logs them itself."""
    if created:
        user = instance.device.user
        record(
            Kind.RECOVERY_CODES,
            username=user.get_username(),
            user=user,
            detail="one code added",
        )


@receiver(pre_create_historical_record, dispatch_uid="samspar-history-command-line")
def _name_the_command_line(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    """A change of a user or role assignment made outside a request (command line, shell)
    has no ``history_user``: its change reason names the command line and the
    operating-system user instead."""
    from samspar.access.models import RoleAssignment

    histories = (RoleAssignment.history.model, User.history.model)  # type: ignore[attr-defined]
    if sender in histories and current_request() is None:
        history_instance.history_change_reason = (
            history_instance.history_change_reason or acting_user(None)
        )
