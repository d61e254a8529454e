"""Writes of the log-in security: two-factor devices, recovery codes, ending sessions.

Each writes the security log itself where no signal does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspar.access.security_log import SecurityEvent, record

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

RECOVERY_CODES = 10
TOTP_NAME = "Autentiseringsapp"
RECOVERY_NAME = "Reservkoder"


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def new_pending_totp_device(user: User) -> TOTPDevice:
    """A new, not yet confirmed TOTP device with a fresh key, replacing any earlier
    unconfirmed one: a key shown to one session (perhaps someone else's who knew the
    password) is never shown again, so nobody can plant a secret for the owner to
    confirm."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes by ``RECOVERY_CODES`` new single-use ones."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    record(SecurityEvent.Kind.RECOVERY_CODES, username=user.get_username(), user=user)
    return codes


@transaction.atomic
def confirm_totp_device(user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a code from the app; returns the new recovery codes, or
    None when the code is wrong."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(_clean(code)):
        return None
    device.confirmed = True
    device.save()
    return new_recovery_codes(user)


def verify_second_factor(user: User, code: str) -> tuple[Device | None, bool]:
    """The device that accepts the code: the app (six digits) or a recovery code. Also
    whether the user's devices are throttled after wrong codes (then nothing is tried)."""
    code = _clean(code)
    devices: list[Device] = (
        list(TOTPDevice.objects.filter(user=user, confirmed=True))
        if code.isdigit()
        else list(StaticDevice.objects.filter(user=user, confirmed=True))
    )
    throttled = any(not device.verify_is_allowed()[0] for device in devices)
    with transaction.atomic():
        for device in devices:
            if device.verify_token(code):
                return device, False
    record(SecurityEvent.Kind.TWO_FACTOR_FAILED, username=user.get_username(), user=user)
    return None, throttled


def end_all_sessions(user: User, request: HttpRequest | None = None) -> int:
    """Delete every session of the user, on every device (the database holds sessions)."""
    record(
        SecurityEvent.Kind.LOGOUT_EVERYWHERE,
        username=user.get_username(),
        user=user,
        request=request,
    )
    return delete_sessions(user)


def delete_sessions(user: User) -> int:
    """Delete every live session of the user (the database holds sessions); how many."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended
