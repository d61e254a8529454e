"""The security log: log-ins, failed log-ins, lock-outs, password and two-factor changes,
and the set-up pages' changes of accounts and roles (``accounts``), and API keys made
and revoked.

Append-only in all code: a ``SecurityEvent`` is written once by ``record`` and can be
neither changed nor deleted through the ORM (its queryset refuses ``update`` and
``delete``; the model refuses a second ``save`` and ``delete``). The user names are kept
as text, so an entry outlives the user account it is about.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samspar.access.addresses import client_address
from samspar.access.append_only import AppendOnlyModel, AppendOnlyQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.http import HttpRequest


class SecurityEvent(AppendOnlyModel):
    """One event of the log-in and account security of one user."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in (password)")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        LOCKED_OUT = "locked_out", _("Locked out after failed log-ins")
        LOGOUT = "logout", _("Logged out")
        LOGOUT_EVERYWHERE = "logout_everywhere", _("Logged out everywhere")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        TWO_FACTOR_VERIFIED = "2fa_verified", _("Two-factor log-in completed")
        TWO_FACTOR_FAILED = "2fa_failed", _("Wrong two-factor code")
        TWO_FACTOR_ENROLLED = "2fa_enrolled", _("Two-factor log-in set up")
        TWO_FACTOR_REMOVED = "2fa_removed", _("Two-factor device removed")
        RECOVERY_CODES = "recovery_codes", _("New recovery codes made")
        USER_CREATED = "user_created", _("User created")
        USER_DEACTIVATED = "user_deactivated", _("User deactivated")
        USER_ACTIVATED = "user_activated", _("User activated again")
        ROLE_GIVEN = "role_given", _("Role given")
        ROLE_REVOKED = "role_revoked", _("Role taken away")
        PASSWORD_LINK_SENT = "password_link_sent", _("Link to set the password sent")
        API_TOKEN_CREATED = "api_token_created", _("API key created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API key revoked")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150, db_index=True)
    actor = models.CharField(
        _("done by"),
        max_length=200,
        blank=True,
        help_text=_("Who did it when it was not the user: another user or the command line."),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    objects = AppendOnlyQuerySet["SecurityEvent"].as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()}"


def current_request() -> HttpRequest | None:
    """The request being served in this thread, if any (simple-history keeps it)."""
    return getattr(HistoricalRecords.context, "request", None)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, as log-in throttling sees it (``addresses``)."""
    return None if request is None else client_address(request)


COMMAND_LINE = "command line"  # stored as is, whatever the language of the moment


def acting_user(request: HttpRequest | None) -> str:
    """Who is doing this: the signed-in user of the request, else the command line
    (with the operating-system user who ran it)."""
    if request is None:
        return f"{COMMAND_LINE} ({getpass.getuser()})"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return str(user.get_username())
    return ""


def record(
    kind: SecurityEvent.Kind,
    *,
    username: str,
    user: AbstractBaseUser | AnonymousUser | None = None,
    request: HttpRequest | None = None,
    detail: str = "",
) -> SecurityEvent:
    """Write one security event; ``actor`` is set only when someone else did it."""
    request = request if request is not None else current_request()
    actor = acting_user(request)
    user_pk = user.pk if user is not None and user.is_authenticated else None
    return SecurityEvent.objects.create(
        kind=kind,
        user_id=user_pk,
        username=username[:150],
        actor="" if actor == username else actor[:200],
        ip_address=client_ip(request),
        detail=detail[:200],
    )
