"""Reads of the import pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from samspar.access.scoping import Action, can
from samspar.imports.engine import Kind
from samspar.imports.kinds import allowed_kinds
from samspar.imports.models import ImportRun

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from samspar.organisation.models import Insats


def importable_kinds(user: AbstractBaseUser, insats: Insats) -> list[Kind]:
    """The kinds the insats takes that the user may write."""
    return [k for k in allowed_kinds(insats) if can(user, Action(k.action), insats.pk)]


def runs(user: AbstractBaseUser, insats: Insats) -> QuerySet[ImportRun]:
    """The user's own imports into the insats, newest first."""
    return ImportRun.objects.filter(user_id=user.pk, insats=insats).defer("data")
