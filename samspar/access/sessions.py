"""A session lasts one working day from the log-in, however active it is."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# When the session's user typed their password (seconds since the epoch).
LOGGED_IN_AT = "samspar_logged_in_at"


def mark_log_in_time(request: HttpRequest) -> None:
    """Called at every log-in (access.signals), so the working day counts from it."""
    request.session[LOGGED_IN_AT] = int(time.time())


def end_session_after_working_day(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A session ends ``SESSION_COOKIE_AGE`` (10 hours) after the log-in, however active
    it was: Django alone would count from the session's last write."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(LOGGED_IN_AT, 0)
            if time.time() - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return get_response(request)

    return middleware
