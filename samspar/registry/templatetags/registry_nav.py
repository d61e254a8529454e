"""Which registry pages the user may open, for the site navigation."""

from __future__ import annotations

from typing import Any

from django import template

from samspar.access.scoping import Action, actions_somewhere

register = template.Library()


@register.simple_tag
def registry_pages(user: Any) -> dict[str, bool]:
    """Links only: the pages themselves check the user's scope."""
    actions = actions_somewhere(user)
    return {
        "participants": Action.VIEW_PERSONAL in actions,
        "follow_ups": Action.REGISTER in actions,
    }
