"""The coach's to-do list: what needs doing in every insats the user registers for
(``registry.todo``). It names participants, so the read is logged per insats."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from samspar.access.scoping import Action, actions_somewhere
from samspar.registry import follow_ups, reads, todo
from samspar.registry.views import AuthenticatedRequest

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
    reads.log_list(request.user, shown, detail="to-do list")
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
