from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samspar.organisation.selectors import forbund_with_visible_insatser


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Pick an insats: every insats the user may see, grouped by förbund."""
    return render(
        request, "core/home.html", {"forbund_list": forbund_with_visible_insatser(request.user)}
    )
