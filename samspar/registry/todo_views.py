"""The coach's to-do list: what needs doing in every insats the user registers for
(``registry.todo``). It names participants, so the read is logged per insats."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog
from samspar.access.scoping import Action, actions_somewhere
from samspar.registry import follow_ups, todo
from samspar.registry.models import Enrolment
from samspar.registry.views import PURPOSE, AuthenticatedRequest

# Rows shown of each list; the page says how many there are in all.
SHOWN = 25


@login_required
def todo_list(request: AuthenticatedRequest) -> HttpResponse:
    if Action.REGISTER not in actions_somewhere(request.user):
        raise Http404
    today = timezone.localdate()
    due = follow_ups.due_for(request.user, today)
    quiet, missing = todo.quiet(request.user, today), todo.missing_end(request.user, today)
    lists = {"quiet": list(quiet[:SHOWN]), "missing_end": list(missing[:SHOWN])}
    shown = [d.enrolment for d in due[:SHOWN]] + lists["quiet"] + lists["missing_end"]
    _log(request, shown)
    return render(
        request,
        "registry/todo.html",
        {
            "due": due[:SHOWN],
            "due_count": len(due),
            "quiet": lists["quiet"],
            "quiet_count": quiet.count(),
            "missing_end": lists["missing_end"],
            "missing_end_count": missing.count(),
            "shown": SHOWN,
            "quiet_months": todo.QUIET_MONTHS,
            "recent_months": todo.RECENT_END_MONTHS,
        },
    )


def _log(request: AuthenticatedRequest, shown: list[Enrolment]) -> None:
    for _insats_id, rows in groupby(
        sorted(shown, key=lambda e: e.insats_id), lambda e: e.insats_id
    ):
        listed = list(rows)
        log_personal_data_read(
            request.user,
            AccessLog.Kind.LIST,
            listed[0].insats,
            purpose=PURPOSE,
            persons=[e.person for e in listed],
            records=len(listed),
            detail="to-do list",
        )
