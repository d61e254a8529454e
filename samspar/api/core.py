"""The API object, how callers sign in, and how every error is answered.

Sign-in: an API key (``Authorization: Bearer samspar_…``, made on /konto/api-nycklar/)
or the browser session. A key request is judged by its key alone; a session request
that writes must carry the CSRF token, as a form does. Either way the caller is a user
of the site, with exactly that user's roles: the API has no rights of its own.

Errors have one shape, ``Problem``: ``detail`` (a sentence in the caller's language,
from ``Accept-Language``) and ``errors`` (field → messages). An object the caller may
not act on is *404*, exactly as one that does not exist. The scope is checked before the
request is validated: someone outside it learns nothing from the validation errors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.security import HttpBearer, SessionAuth

from samspar.access.apitokens import bearer_user, user_for_key
from samspar.access.scoping import Action
from samspar.core import concurrency
from samspar.core.parsing import whole_number

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class ApiKey(HttpBearer):
    """``Authorization: Bearer <key>``: the key's user, if the key is valid."""

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        user = user_for_key(token)
        if user is not None:
            # The key's user is the request's user for whatever reads request.user
            # (the history of a change, the security log), whatever cookie came along.
            request.user = user  # type: ignore[assignment]
        return user


class BrowserSession(SessionAuth):
    """The signed-in session of the website; writes need its CSRF token.

    A request with an ``Authorization`` header is not a browser's: the key decides.
    Without a signed-in session there is nothing to forge, so no CSRF check (401)."""

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        if "Authorization" in request.headers or not request.user.is_authenticated:
            return None
        return super().__call__(request)


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and docs: for a valid API key's user, else as the pages (log-in)."""
    session_view = login_required(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = bearer_user(request)
        if user is not None:
            request.user = user  # type: ignore[assignment]
            return view(request, *args, **kwargs)
        return session_view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="Samspår API",
    version="1",
    urls_namespace="api",
    auth=[ApiKey(), BrowserSession()],
    docs_decorator=signed_in,
    description=(
        "Samspår's registry, reports and evaluations as JSON (docs/api.md). Sign in with "
        "an API key (`Authorization: Bearer samspar_…`, made on /konto/api-nycklar/) or "
        "the website's session (writes then need the CSRF token). The caller is a user: "
        "it sees and may do exactly what that user may on the pages. Errors: 401 not "
        "signed in, 404 no such object or not yours, 409 changed meanwhile (send the "
        "current version), 422 invalid (field errors in the language of Accept-Language)."
    ),
)


class Problem(Schema):
    """Every error answer."""

    detail: str = Field(description="What went wrong, in the caller's language")
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Field → messages; '__all__' for what concerns no single field",
    )


# The answers every operation may give besides its own.
AUTH_ERRORS: dict[int, type[Schema]] = {401: Problem}
OBJECT_ERRORS: dict[int, type[Schema]] = {401: Problem, 404: Problem, 422: Problem}
WRITE_ERRORS: dict[int, type[Schema]] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    409: Problem,
    422: Problem,
}


def problem(request: HttpRequest, status: int, detail: str, **errors: list[str]) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors}, status=status)


def caller(request: HttpRequest) -> AbstractBaseUser:
    """The signed-in user of an authenticated operation."""
    user: AbstractBaseUser = request.auth  # type: ignore[attr-defined]
    return user


# --- scope before validation ------------------------------------------------------------

# (URL name, method) → (path parameter, the action it needs, the objects it names).
Scope = tuple[str, Action, Callable[["AbstractBaseUser", Action], QuerySet[Any]]]
SCOPES: dict[tuple[str, str], Scope] = {}


def scoped(
    url_name: str,
    method: str,
    parameter: str,
    action: Action,
    objects: Callable[[AbstractBaseUser, Action], QuerySet[Any]],
) -> None:
    """Declare that the operation ``method`` of ``url_name`` acts on the object its path
    parameter names, with ``action``: an invalid request to an object out of scope is
    404, not the validation error."""
    SCOPES[(url_name, method)] = (parameter, action, objects)


def in_scope(request: HttpRequest) -> bool:
    """Whether the object the request's path names is one the caller may act on (True
    for operations naming none)."""
    match = request.resolver_match
    if match is None:
        return True
    scope = SCOPES.get((match.url_name or "", request.method or ""))
    if scope is None:
        return True
    parameter, action, objects = scope
    user = getattr(request, "auth", None)
    pk = whole_number(str(match.kwargs.get(parameter, "")))
    if user is None or pk is None:
        return False
    return bool(objects(user, action).filter(pk=pk).exists())


def get_in_scope(
    request: HttpRequest,
    objects: Callable[[AbstractBaseUser, Action], QuerySet[Any]],
    action: Action,
    pk: int,
) -> Any:
    """The object ``pk`` if the caller may ``action`` on it; 404 otherwise."""
    found: Model | None = objects(caller(request), action).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- error answers --------------------------------------------------------------------

# Pydantic's error types in the caller's language; others get the generic message.
_PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("Unknown field."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "decimal_max_places": gettext_lazy("Too many decimals."),
    "decimal_max_digits": gettext_lazy("Too many digits."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_type": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_long": gettext_lazy("The text is too long."),
    "string_too_short": gettext_lazy("This field is required."),
    "string_pattern_mismatch": gettext_lazy("The value has the wrong form."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "bool_type": gettext_lazy("Enter true or false."),
    "list_type": gettext_lazy("Enter a list."),
    "model_type": gettext_lazy("Enter an object."),
    "dict_type": gettext_lazy("Enter an object."),
    "literal_error": gettext_lazy("Not one of the allowed values."),
    "enum": gettext_lazy("Not one of the allowed values."),
    "greater_than_equal": gettext_lazy("The value is too small."),
    "greater_than": gettext_lazy("The value is too small."),
    "less_than_equal": gettext_lazy("The value is too large."),
    "less_than": gettext_lazy("The value is too large."),
    "too_long": gettext_lazy("Too many values."),
    "finite_number": gettext_lazy("Enter a number."),
}
INVALID = gettext_lazy("The request is invalid.")
NOT_FOUND = gettext_lazy("Not found.")


def _field(location: tuple[Any, ...]) -> str:
    """A pydantic error's place as the field a caller sent: ("body", "data", "a", 0) →
    "a.0"; a path or query parameter by its name."""
    parts = [str(p) for p in location]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD_ERRORS


def _message(error: dict[str, Any]) -> str:
    """The message of one pydantic error: our validators' own (already in the caller's
    language), else pydantic's error type in the caller's language."""
    custom = error.get("ctx", {}).get("error")
    if error.get("type") == "value_error" and custom:
        return str(custom)
    return str(_PYDANTIC_MESSAGES.get(str(error.get("type")), INVALID))


@api.exception_handler(RequestInvalid)
def request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    if not in_scope(request):
        return problem(request, 404, str(NOT_FOUND))
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field(tuple(error.get("loc", ()))), []).append(_message(error))
    return problem(request, 422, str(INVALID), **errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return problem(request, 401, _("Sign in: send an API key or a session."))
    if exc.status_code == 400 and not in_scope(request):
        return problem(request, 404, str(NOT_FOUND))
    if exc.status_code == 400:
        return problem(request, 400, _("The body is not valid JSON."))
    if exc.status_code == 403:
        return problem(request, 403, _("CSRF check failed: send the CSRF token."))
    return problem(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, str(NOT_FOUND))


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """A service's scope check: the same answer as an object that does not exist."""
    return problem(request, 404, str(NOT_FOUND))


@api.exception_handler(ValidationError)
def refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A service's ValidationError: 409 when the row changed meanwhile (or another
    writer saved the same count at the same moment), else 422 with the field errors."""
    codes = {e.code for e in exc.error_list} if not hasattr(exc, "error_dict") else {None}
    if concurrency.STALE_CODE in codes or "conflict" in codes:
        return problem(request, 409, " ".join(str(m) for m in exc.messages))
    errors = (
        {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
    )
    detail = " ".join(errors.get(NON_FIELD_ERRORS, [])) or str(INVALID)
    return problem(request, 422, detail, **errors)
