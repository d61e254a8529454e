"""Middleware of the whole site."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control


def no_store_for_signed_in(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Every response to a signed-in user is ``Cache-Control: no-store`` (with ``private``):
    pages, exports and API answers may hold personal data, and no browser or proxy cache
    may keep them. The log-in page and static files are not affected."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    return middleware


def not_found_page(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Every "not found" of a page is the site's own 404 page, in the user's language —
    also in debug mode (the demo), where Django's would list the site's URL patterns.
    The API's answers (JSON) and downloads are left as they are."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        page = response.get("Content-Type", "").startswith("text/html")
        if response.status_code == 404 and page and not getattr(response, "site_page", False):
            response = render(request, "404.html", status=404)
            response.site_page = True  # type: ignore[attr-defined]
        return response

    return middleware
