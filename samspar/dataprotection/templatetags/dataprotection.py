"""Which data-protection pages the user may open, for the site navigation."""

from __future__ import annotations

from typing import Any

from django import template

from samspar.access.scoping import Action, actions_somewhere

register = template.Library()


@register.simple_tag
def dataprotection_pages(user: Any) -> dict[str, bool]:
    """Links only: the pages themselves check the user's scope
    (``accesslog.log_insatser``, ``extract.extract_insatser``)."""
    actions = actions_somewhere(user)
    return {
        "access_log": Action.READ_ACCESS_LOG in actions,
        "extract": bool(actions & {Action.DATA_PROTECTION, Action.VIEW_PERSONAL}),
    }
