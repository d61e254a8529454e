"""Which registry pages the user may open, for the site navigation."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from samspar.access.scoping import Action, actions_somewhere
from samspar.registry import todo

register = template.Library()


@register.simple_tag
def registry_pages(user: Any) -> dict[str, bool]:
    """Links only: the pages themselves check the user's scope."""
    actions = actions_somewhere(user)
    return {
        "participants": Action.VIEW_PERSONAL in actions,
        "follow_ups": Action.REGISTER in actions,
    }


@register.simple_tag
def coach_todo(user: Any) -> todo.Counts | None:
    """How much the user has to do, for the start page; None for a user who registers
    in no insats."""
    if Action.REGISTER not in actions_somewhere(user):
        return None
    return todo.counts(user, timezone.localdate())
