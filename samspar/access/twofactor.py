"""Who must log in with a second factor, and the middleware that holds them to it.

Two-factor log-in (a TOTP app, with recovery codes) is required of every role that sees
personal data — the registrator (deltagaransvarig) and the data protection officer
(dataskyddsombud, who reads the access log of persons and register extracts) — and of the
administrators: the
förbund administrator, the system administrator and every Django staff or superuser. It
is optional for the board and the insats managers; whoever has set it up must use it.

Until such a user has completed the second step in this session, every page and API
endpoint is closed to them: a page redirects to the two-factor step (verification, or
setting it up when they have no device yet), the API answers 401. Only the log-in,
two-factor, log-out and language pages stay open. An API request with a valid API key
(``samspar.access.apitokens``; made only in a session that completed two-factor log-in)
is the key's user, whatever session cookie comes with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspar.access.apitokens import bearer_key, bearer_user
from samspar.access.scoping import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

TWO_FACTOR_ROLES = frozenset({Role.REGISTRATOR, Role.DPO, Role.FORBUND_ADMIN, Role.SYSADMIN})

# The URL names a user who still owes the second step may reach.
OPEN_BEFORE_SECOND_STEP = frozenset(
    {"login", "logout", "two-factor-verify", "two-factor-setup", "set_language"}
)


def requires_two_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the user's roles or admin rights make two-factor log-in compulsory."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    from samspar.access.models import RoleAssignment

    return RoleAssignment.objects.filter(user_id=user.pk, role__in=TWO_FACTOR_ROLES).exists()


def pending_totp_device(
    user: AbstractBaseUser | AnonymousUser, pk: int | None
) -> TOTPDevice | None:
    """The user's unconfirmed device ``pk`` (the one whose key a session was shown)."""
    if pk is None:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=False, pk=pk).first()


def has_totp_device(user: AbstractBaseUser | AnonymousUser) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def owes_second_step(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Signed in with the password only, while two-factor is required or set up."""
    if not user.is_authenticated or _is_verified(user):
        return False
    return requires_two_factor(user) or any(devices_for_user(user))


def _is_verified(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether django-otp's middleware found the session verified by a device."""
    return getattr(user, "otp_device", None) is not None


def second_step_url(user: AbstractBaseUser | AnonymousUser) -> str:
    return reverse("two-factor-verify" if has_totp_device(user) else "two-factor-setup")


class TwoFactorRequiredMiddleware:
    """Closes every page and API endpoint to a session that still owes the second step.

    Installed after django-otp's ``OTPMiddleware``, which tells whether the session is
    verified.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            owes_second_step(request.user)
            and not self._is_open(request)
            and not self._api_key_request(request)
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Two-factor log-in is required: complete it on the website.")},
                    status=401,
                )
            target = second_step_url(request.user)
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _api_key_request(request: HttpRequest) -> bool:
        """An API request with a valid key: the API authenticates it by the key alone."""
        if not request.path_info.startswith("/api/") or bearer_key(request) is None:
            return False
        return bearer_user(request) is not None

    @staticmethod
    def _is_open(request: HttpRequest) -> bool:
        try:
            return resolve(request.path_info).url_name in OPEN_BEFORE_SECOND_STEP
        except Resolver404:
            return False
