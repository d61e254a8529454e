"""The one place that decides what a user may see and do (DOMAIN.md §2).

Access is denied by default: a user reaches an insats only through a RoleAssignment.
Superusers get nothing extra here, so a system administrator sees no personal data.

Every restricted model names the path from itself to its Insats (``insats_path``);
``insats_q`` turns the user's assignments into a filter on that path.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet

    from samspar.access.models import RoleAssignment


class Action(StrEnum):
    VIEW = "view"  # see the insats, its set-up and its aggregates
    VIEW_PERSONAL = "view_personal"  # see participants' personal data
    REGISTER = "register"  # register and change participants (personal and anonymous)
    MANAGE = "manage"  # set up the insats: plan, budget, staff, volume and structural counts
    QUESTIONS = "questions"  # define the förbund's own questions asked in the insats
    READ_ACCESS_LOG = "read_access_log"  # who read personal data when (not whose)
    DATA_PROTECTION = "data_protection"  # whose data was read; register extracts of everyone


class Role(StrEnum):
    REGISTRATOR = "registrator"  # deltagaransvarig
    INSATS_MANAGER = "insats_manager"  # insatsansvarig
    FORBUND_ADMIN = "forbund_admin"  # förbundsadministratör/analytiker
    BOARD = "board"  # styrelse, parter
    SYSADMIN = "sysadmin"  # systemadministratör
    DPO = "dpo"  # dataskyddsombud


# Which actions each role grants on the insatser within its scope.
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.REGISTRATOR: frozenset({Action.VIEW, Action.VIEW_PERSONAL, Action.REGISTER}),
    Role.INSATS_MANAGER: frozenset({Action.VIEW, Action.MANAGE}),
    Role.FORBUND_ADMIN: frozenset(
        {Action.VIEW, Action.MANAGE, Action.QUESTIONS, Action.READ_ACCESS_LOG}
    ),
    Role.BOARD: frozenset({Action.VIEW}),
    Role.SYSADMIN: frozenset(),
    # The data protection officer audits: the access log with the persons it names, and
    # register extracts; no registry pages, no reports.
    Role.DPO: frozenset({Action.READ_ACCESS_LOG, Action.DATA_PROTECTION}),
}


def _grants(
    user: AbstractBaseUser | AnonymousUser, action: Action
) -> QuerySet[RoleAssignment] | None:
    """The user's role assignments that grant ``action``; None for nobody."""
    if not user.is_authenticated or not user.is_active:
        return None
    from samspar.access.models import RoleAssignment  # models import this module

    roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
    return RoleAssignment.objects.filter(user_id=user.pk, role__in=roles)


def insats_q(user: AbstractBaseUser | AnonymousUser, action: Action, insats_path: str) -> Q:
    """A filter matching the rows whose insats the user may ``action``."""
    nothing = Q(pk__in=[])
    assignments = _grants(user, action)
    if assignments is None:
        return nothing
    grants = assignments.values_list("insats_id", "forbund_id")
    insats_ids = {i for i, _ in grants if i is not None}
    forbund_ids = {f for i, f in grants if i is None and f is not None}
    if not insats_ids and not forbund_ids:
        return nothing
    insats_field = f"{insats_path}_id" if insats_path else "pk"
    forbund_field = f"{insats_path}__forbund_id" if insats_path else "forbund_id"
    q = nothing
    if insats_ids:
        q |= Q(**{f"{insats_field}__in": insats_ids})
    if forbund_ids:
        q |= Q(**{f"{forbund_field}__in": forbund_ids})
    return q


def forbund_q(user: AbstractBaseUser | AnonymousUser, action: Action, forbund_path: str) -> Q:
    """A filter matching the rows of förbund where the user holds a förbund-wide role
    (no single insats) granting ``action``: what belongs to a förbund rather than to an
    insats (socio-economic evaluations, standard values). ``forbund_path``: the path
    from the row to its Forbund ("" for Forbund itself)."""
    nothing = Q(pk__in=[])
    if not user.is_authenticated or not user.is_active:
        return nothing
    from samspar.access.models import RoleAssignment

    roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
    wide = RoleAssignment.objects.filter(
        user_id=user.pk, role__in=roles, insats__isnull=True, forbund__isnull=False
    ).values("forbund_id")
    return Q(**{f"{forbund_path}_id__in" if forbund_path else "pk__in": wide})


def actions_somewhere(user: AbstractBaseUser | AnonymousUser) -> frozenset[Action]:
    """The actions the user's roles grant on some insats or förbund, in one query: for
    choosing which links to show, never for deciding access to a row."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    from samspar.access.models import RoleAssignment  # models import this module

    roles = RoleAssignment.objects.filter(user_id=user.pk).values_list("role", flat=True)
    return frozenset().union(*(ROLE_ACTIONS[Role(role)] for role in set(roles)))


def can(user: AbstractBaseUser | AnonymousUser, action: Action, insats_id: int) -> bool:
    """Whether the user may ``action`` on one insats: the rule of ``insats_q`` — an
    assignment to the insats, or a förbund-wide one to its förbund — asked of the
    user's assignments, so this module needs no model of the apps above it."""
    assignments = _grants(user, action)
    if assignments is None:
        return False
    return assignments.filter(
        Q(insats_id=insats_id) | Q(insats__isnull=True, forbund__insatser=insats_id)
    ).exists()
