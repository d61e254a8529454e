from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from samspar.access.accounts import is_system_administrator
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


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, in the user's language: what was wrong when it is our own refusal
    (``BadInput``), a general sentence for anything else Django refuses."""
    message = (
        str(exception)
        if isinstance(exception, BadInput)
        else _("The request could not be understood. Go back, reload the page and try again.")
    )
    return render(request, "core/bad_request.html", {"message": message}, status=400)
