"""Which data-protection pages the user may open, for the site navigation."""

from __future__ import annotations

from typing import Any

from django import template

from samspar.dataprotection import accesslog, extract

register = template.Library()


@register.simple_tag
def dataprotection_pages(user: Any) -> dict[str, bool]:
    if not user.is_authenticated:
        return {"access_log": False, "extract": False}
    return {
        "access_log": accesslog.may_read(user),
        "extract": extract.extract_insatser(user).exists(),
    }
