"""The user's own account: the two-factor step at log-in, setting it up, recovery codes,
changing the password, logging out everywhere and the API keys."""

from __future__ import annotations

import base64
import datetime as dt
from typing import TYPE_CHECKING, Any, cast

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from samspar.access import apitokens, services
from samspar.access.security_log import SecurityEvent, record
from samspar.access.twofactor import has_totp_device, pending_totp_device, requires_two_factor
from samspar.core.parsing import posted_id

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else str(reverse_lazy("home"))


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of the log-in: a code from the app or a recovery code."""
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(_next(request))
    if not has_totp_device(user):
        return redirect(f"{reverse_lazy('two-factor-setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, throttled = services.verify_second_factor(user, form.cleaned_data["code"])  # type: ignore[arg-type]
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            detail = "recovery code" if isinstance(device, StaticDevice) else ""
            record(
                SecurityEvent.Kind.TWO_FACTOR_VERIFIED,
                username=user.get_username(),
                user=user,
                request=request,
                detail=detail,
            )
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; %(left)s are left. Make new ones on your "
                        "account page."
                    )
                    % {"left": left},
                )
            return redirect(_next(request))
        form.add_error(
            "code",
            _("Too many wrong codes. Wait a minute and try again.")
            if throttled
            else _("The code is wrong or too old."),
        )
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


# The session key holding the id of the unconfirmed device whose key the page showed.
PENDING_DEVICE = "samspar_pending_totp_device"


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: QR code and secret, confirmed by a first code."""
    user = request.user
    if has_totp_device(user):
        return redirect("two-factor-verify")
    form = CodeForm(request.POST or None)
    # The device whose key this session was shown; a new one (and key) for every showing.
    device = pending_totp_device(user, request.session.get(PENDING_DEVICE))
    if request.method == "POST" and form.is_valid():
        codes = (
            services.confirm_totp_device(user, device, form.cleaned_data["code"])  # type: ignore[arg-type]
            if device is not None
            else None
        )
        if device is not None and codes is not None:
            otp_login(request, device)
            request.session.pop(PENDING_DEVICE, None)
            request.session.cycle_key()
            return render(
                request,
                "registration/recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error("code", _("The code is wrong or too old."))
    if request.method != "POST" or device is None:
        device = services.new_pending_totp_device(user)  # type: ignore[arg-type]
        request.session[PENDING_DEVICE] = device.pk
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(
                scale=5, title=_("QR code for the authenticator app")
            ),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": requires_two_factor(user),
        },
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "registration/account.html",
        {
            "has_totp": has_totp_device(user),
            "required": requires_two_factor(user),
            "recovery_left": sum(
                d.token_set.count() for d in StaticDevice.objects.filter(user_id=user.pk)
            ),
        },
    )


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown once."""
    if not has_totp_device(request.user):
        raise Http404
    codes = services.new_recovery_codes(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "registration/recovery_codes.html",
        {"codes": codes, "next": reverse_lazy("account")},
    )


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user, on every computer and phone, this one included."""
    services.end_all_sessions(request.user, request)  # type: ignore[arg-type]
    logout(request)
    messages.success(request, _("You are logged out everywhere."))
    return redirect("login")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form: forms.Form) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """A new user's first password, from the link e-mailed when the account was made
    (Django's password-reset token: it expires after ``PASSWORD_RESET_TIMEOUT`` and works
    only until a password is set). The password rules apply; the user is not logged in
    here — they log in with the new password, and then through the two-factor set-up
    their roles require."""

    template_name = "registration/set_password.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form: forms.Form) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Log in with it."))
        return response


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the key is for, e.g. the program that uses it."),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Valid until (inclusive)"),
        help_text=gettext_lazy("At most a year from today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's API keys: make one (shown once, on the answer to the POST), revoke one.

    Only a session that completed two-factor log-in may make a key: a key must not be a
    way around the second step."""
    user = cast("User", request.user)
    verified = user.is_verified()  # type: ignore[attr-defined]
    form = ApiTokenForm(
        request.POST if request.method == "POST" and "revoke" not in request.POST else None,
        initial={"expires_on": timezone.localdate() + dt.timedelta(days=90)},
    )
    new_key = ""
    if request.method == "POST" and "revoke" in request.POST:
        token = get_object_or_404(
            apitokens.ApiToken.objects.filter(user_id=user.pk), pk=posted_id(request, "revoke")
        )
        apitokens.revoke_token(user=user, token=token)
        messages.success(request, _("The key %(label)s is revoked.") % {"label": token.label})
        return redirect("api-tokens")
    if request.method == "POST" and verified and form.is_valid():
        try:
            _token, new_key = apitokens.create_token(
                user=user,
                name=form.cleaned_data["name"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = ApiTokenForm(initial=form.initial)
    today = timezone.localdate()
    return render(
        request,
        "registration/api_tokens.html",
        {
            "form": form,
            "verified": verified,
            "new_key": new_key,
            "tokens": [
                (t, t.is_usable(today)) for t in apitokens.ApiToken.objects.filter(user_id=user.pk)
            ],
        },
    )
