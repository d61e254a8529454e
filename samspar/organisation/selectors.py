"""Reads of the organisation, always through the user's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch

from samspar.access.scoping import Action
from samspar.organisation.models import Forbund, Insats

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet


def visible_insatser(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Insats]:
    return Insats.objects.restrict(user, Action.VIEW).select_related("forbund", "team")


def forbund_with_visible_insatser(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Forbund]:
    """The förbund the user reaches, each with ``visible_insatser`` prefetched."""
    insatser = visible_insatser(user)
    return (
        Forbund.objects.filter(pk__in=insatser.values("forbund_id"))
        .select_related("county")
        .prefetch_related(Prefetch("insatser", queryset=insatser, to_attr="visible_insatser"))
    )
