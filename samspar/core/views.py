import sys

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from samspar.access.accounts import is_system_administrator
from samspar.core import outage
from samspar.core.parsing import BadInput
from samspar.organisation.selectors import (
    administered_forbund,
    forbund_for_people,
    forbund_with_visible_insatser,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Pick an insats: every insats the user may see, grouped by förbund; and the set-up
    of the förbund the user administers (every förbund for a system administrator)."""
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            "forbund_list": forbund_with_visible_insatser(user),
            "is_sysadmin": is_system_administrator(user),
            "administered": forbund_for_people(user),
            "admin_of": set(administered_forbund(user).values_list("pk", flat=True)),
        },
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database did not answer (``outage``): the page, or for the
    API a JSON body, says to try again; never a traceback. Called while the exception is
    being handled, and, like Django's own handler, needs nothing but its template — the
    database may be gone, so neither the user nor the session is read."""
    if not outage.is_unavailable(sys.exc_info()[1]):
        return HttpResponse(loader.get_template("500.html").render(), status=500)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": str(outage.MESSAGE)}, status=503)
    else:
        page = loader.get_template("500.html").render(
            {"title": outage.TITLE, "message": outage.MESSAGE}
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(outage.RETRY_AFTER_S)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, in the user's language: what was wrong when it is our own refusal
    (``BadInput``), a general sentence for anything else Django refuses."""
    message = (
        str(exception)
        if isinstance(exception, BadInput)
        else _("The request could not be understood. Go back, reload the page and try again.")
    )
    return render(request, "core/bad_request.html", {"message": message}, status=400)
