"""The address a request comes from, for log-in throttling and the security log."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """``REMOTE_ADDR``; behind the reverse proxy (``SAMSPAR_BEHIND_PROXY=1``) the last
    address of ``X-Forwarded-For``, the one the proxy itself added. The addresses before
    it are whatever the client wrote and must never be trusted: else anyone could lock
    the owner out by sending failures under the owner's address."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR") or None
