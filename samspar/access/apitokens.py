"""Personal API keys: a user's key lets a program act as that user in the HTTP API.

A key is ``samspar_<prefix>_<secret>``: the prefix (10 hex digits) is stored as it is, to
find the key and to show which key is which; of the secret (32 random bytes, URL-safe
base64) only the SHA-256 of the whole key is stored, so the database never holds a usable
key. The key is shown once, when it is made. A random 256-bit secret needs no slow hash:
nobody can guess it from its digest, and the comparison is made in constant time.

A key is accepted while it is neither revoked nor expired (``expires_on`` is the last
day it works, at most a year ahead) and its user is active. It grants nothing of its
own: the program is the user, with the user's roles at the moment of each request.
Making and revoking a key is written to the security log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspar.access.security_log import SecurityEvent, record

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, User
    from django.http import HttpRequest

PREFIX = "samspar_"
MAX_DAYS = 365  # a key lives at most a year
MAX_KEYS = 20  # active keys per user
_FORMAT = re.compile(r"samspar_([0-9a-f]{10})_([A-Za-z0-9_-]{43})")


class ApiToken(models.Model):
    """One API key of one user; the key itself is never stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=gettext_lazy("user"),
    )
    name = models.CharField(
        gettext_lazy("name"),
        max_length=100,
        help_text=gettext_lazy("What the key is for, e.g. the program that uses it."),
    )
    prefix = models.CharField(gettext_lazy("prefix"), max_length=10, unique=True)
    digest = models.CharField(gettext_lazy("SHA-256 of the key"), max_length=64)
    created_at = models.DateTimeField(gettext_lazy("created"), auto_now_add=True)
    expires_on = models.DateField(gettext_lazy("valid until"))
    last_used_at = models.DateTimeField(gettext_lazy("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(gettext_lazy("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = gettext_lazy("API key")
        verbose_name_plural = gettext_lazy("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.label})"

    @property
    def label(self) -> str:
        """What identifies the key to its owner: its visible start."""
        return f"{PREFIX}{self.prefix}_…"

    def is_usable(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_at is None and today <= self.expires_on


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def latest_expiry() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=MAX_DAYS)


@transaction.atomic
def create_token(*, user: User, name: str, expires_on: dt.date) -> tuple[ApiToken, str]:
    """Make a key for ``user``; returns the row and the key, which exists only now."""
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Give the key a name.")
    today = timezone.localdate()
    if expires_on < today:
        errors["expires_on"] = _("The date cannot be in the past.")
    elif expires_on > latest_expiry():
        errors["expires_on"] = _("A key is valid for at most a year.")
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_on__gte=today)
    if active.count() >= MAX_KEYS:
        errors["name"] = _("You have %(n)d valid keys: revoke one first.") % {"n": MAX_KEYS}
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(5)
    while ApiToken.objects.filter(prefix=prefix).exists():  # pragma: no cover - 1 in 10^12
        prefix = secrets.token_hex(5)
    key = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user, name=name, prefix=prefix, digest=_digest(key), expires_on=expires_on
    )
    token.full_clean()
    token.save()
    record(
        SecurityEvent.Kind.API_TOKEN_CREATED,
        username=user.get_username(),
        user=user,
        detail=f"{token.label} {name}, {expires_on.isoformat()}",
    )
    return token, key


@transaction.atomic
def revoke_token(*, user: User, token: ApiToken) -> None:
    """Revoke one of the user's keys at once (revoking a revoked key changes nothing)."""
    if token.user_id != user.pk:
        raise ValidationError(_("Not your key."))
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        record(
            SecurityEvent.Kind.API_TOKEN_REVOKED,
            username=user.get_username(),
            user=user,
            detail=f"{token.label} {token.name}",
        )


def user_for_key(key: str) -> AbstractBaseUser | None:
    """The active user whose valid key ``key`` is, else None; notes the key's use."""
    match = _FORMAT.fullmatch(key.strip())
    if match is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=match[1]).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(match[0])):
        return None
    if not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def bearer_key(request: HttpRequest) -> str | None:
    """The key of an ``Authorization: Bearer …`` header, if the request has one."""
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    return key if scheme.lower() == "bearer" and key else None


def bearer_user(request: HttpRequest) -> AbstractBaseUser | None:
    """The user of the request's valid API key, if it has one."""
    key = bearer_key(request)
    return None if key is None else user_for_key(key)
