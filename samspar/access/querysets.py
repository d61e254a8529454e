"""RestrictedQuerySet: every model holding insats data filters itself by the user's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

from django.db import models

from samspar.access.scoping import Action, insats_q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

M = TypeVar("M", bound=models.Model)


class RestrictedQuerySet(models.QuerySet[M]):
    insats_path: str = ""
    through_many: bool = False  # the path crosses a to-many relation, so rows can repeat

    def restrict(self, user: AbstractBaseUser | AnonymousUser, action: Action) -> Self:
        """The rows of insatser on which the user may do ``action``; none by default."""
        qs = self.filter(insats_q(user, action, self.insats_path))
        return qs.distinct() if self.through_many else qs


class InsatsChildQuerySet(RestrictedQuerySet[M]):
    """For models with a direct ``insats`` foreign key."""

    insats_path = "insats"
