"""Users and their roles, as the set-up pages change them (docs/roles.md, "Setting up a
förbund"): who may administer whose account, creating a user with a first role, giving
and taking roles, deactivating, and the link a new user sets a password with.

The rules:

- a **system administrator** (the ``sysadmin`` role, or a Django superuser) may give any
  role anywhere — the first förbund administrator of a förbund, and ``sysadmin`` itself
  — and administer every account;
- a **förbund administrator** administers the accounts that have a role in their förbund:
  gives and takes ``registrator`` and ``insats_manager`` for the förbund's insatser and
  ``insats_manager``, ``forbund_admin``, ``board`` and ``dpo`` for the förbund; never
  ``sysadmin``; never a role elsewhere. They may deactivate a user only when every role
  the user holds is within their förbund (and the user is no system administrator or
  staff user);
- nobody removes the last active förbund administrator of a förbund (neither by taking
  the role nor by deactivating the user), nor deactivates themselves: a förbund must not
  be left without anyone who can administer it.

Every write checks the actor's scope (``PermissionDenied``), validates (``full_clean``,
``ValidationError`` keyed by field), runs in one transaction, is kept in the history of
the user or role assignment with the actor as ``history_user``, and is written to the
security log. This module imports no app above ``access`` (``tests/test_layers.py``):
förbund and insatser are passed in and read by their ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from samspar.access.models import ROLE_LABELS, RoleAssignment
from samspar.access.scoping import Role
from samspar.access.security_log import SecurityEvent, current_request, record
from samspar.access.services import delete_sessions

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from samspar.organisation.models import Forbund, Insats

    Actor = AbstractBaseUser | AnonymousUser

# What a förbund administrator may give, by the shape of the scope.
FORBUND_ADMIN_GIVES_FOR_INSATS = frozenset({Role.REGISTRATOR, Role.INSATS_MANAGER})
FORBUND_ADMIN_GIVES_FOR_FORBUND = frozenset(
    {Role.INSATS_MANAGER, Role.FORBUND_ADMIN, Role.BOARD, Role.DPO}
)
# Roles scoped to a whole förbund (no insats), and roles scoped to one insats.
FORBUND_ROLES = FORBUND_ADMIN_GIVES_FOR_FORBUND
INSATS_ROLES = FORBUND_ADMIN_GIVES_FOR_INSATS


# --- who may administer what ----------------------------------------------------------


def is_system_administrator(user: Actor) -> bool:
    """An active user with the ``sysadmin`` role, or a Django superuser (the first
    administrator ``samspar createsuperuser`` makes)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return RoleAssignment.objects.filter(user_id=user.pk, role=Role.SYSADMIN).exists()


def administered_forbund_ids(user: Actor) -> set[int]:
    """The förbund the user is förbund administrator of (none for an inactive user)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(
        RoleAssignment.objects.filter(
            user_id=user.pk, role=Role.FORBUND_ADMIN, forbund__isnull=False
        ).values_list("forbund_id", flat=True)
    )


def may_administer_forbund(actor: Actor, forbund_id: int) -> bool:
    """Whether the actor administers the förbund's accounts and member parties."""
    return is_system_administrator(actor) or forbund_id in administered_forbund_ids(actor)


def _in_forbund_q(forbund_ids: set[int], prefix: str = "") -> Q:
    """Role assignments (at ``prefix``) scoped to one of the förbund or its insatser."""
    return Q(**{f"{prefix}forbund_id__in": forbund_ids}) | Q(
        **{f"{prefix}insats__forbund_id__in": forbund_ids}
    )


def forbund_of(assignment: RoleAssignment) -> int | None:
    """The förbund an assignment's scope lies in (None: no scope, the sysadmin role)."""
    if assignment.forbund_id is not None:
        return int(assignment.forbund_id)
    if assignment.insats is not None:
        return int(assignment.insats.forbund_id)
    return None


def administered_users(actor: Actor) -> QuerySet[User]:
    """The accounts the actor administers: every account for a system administrator,
    else those with a role in a förbund the actor administers."""
    if is_system_administrator(actor):
        return User.objects.all()
    forbund_ids = administered_forbund_ids(actor)
    if not forbund_ids:
        return User.objects.none()
    return User.objects.filter(
        pk__in=RoleAssignment.objects.filter(_in_forbund_q(forbund_ids)).values("user_id")
    )


def users_of_forbund(forbund_id: int) -> QuerySet[User]:
    """The accounts with a role in the förbund or one of its insatser."""
    return User.objects.filter(
        pk__in=RoleAssignment.objects.filter(_in_forbund_q({forbund_id})).values("user_id")
    ).order_by("last_name", "first_name", "username")


def roles_in_forbund(forbund_id: int) -> QuerySet[RoleAssignment]:
    """The role assignments in the förbund or one of its insatser."""
    return (
        RoleAssignment.objects.filter(_in_forbund_q({forbund_id}))
        .select_related("insats")
        .order_by("role", "insats__name")
    )


def visible_assignments(actor: Actor, user: User) -> QuerySet[RoleAssignment]:
    """The user's roles the actor may see and take: all of them for a system
    administrator, else those within the förbund the actor administers."""
    rows = RoleAssignment.objects.filter(user=user).select_related("forbund", "insats")
    if is_system_administrator(actor):
        return rows.order_by("role", "pk")
    return rows.filter(_in_forbund_q(administered_forbund_ids(actor))).order_by("role", "pk")


def grantable_roles(actor: Actor) -> list[Role]:
    """The roles the actor may give somewhere (for the forms' choices)."""
    if is_system_administrator(actor):
        return list(Role)
    if administered_forbund_ids(actor):
        return [r for r in Role if r in FORBUND_ROLES | INSATS_ROLES]
    return []


def may_deactivate(actor: Actor, user: User) -> bool:
    """Whether the actor may deactivate (or activate again) the user's account."""
    if not actor.is_authenticated or actor.pk == user.pk:
        return False
    if is_system_administrator(actor):
        return True
    forbund_ids = administered_forbund_ids(actor)
    if not forbund_ids or user.is_staff or user.is_superuser:
        return False
    roles = RoleAssignment.objects.filter(user=user)
    if not roles.exists() or roles.filter(role=Role.SYSADMIN).exists():
        return False
    return not roles.exclude(_in_forbund_q(forbund_ids)).exists()


# --- checks ---------------------------------------------------------------------------


def _check_may_give(
    actor: Actor, role: Role, forbund: Forbund | None, insats: Insats | None
) -> None:
    """PermissionDenied unless the actor may give ``role`` in this scope."""
    if is_system_administrator(actor):
        return
    admin_of = administered_forbund_ids(actor)
    if insats is not None:
        allowed = role in FORBUND_ADMIN_GIVES_FOR_INSATS and insats.forbund_id in admin_of
    elif forbund is not None:
        allowed = role in FORBUND_ADMIN_GIVES_FOR_FORBUND and forbund.pk in admin_of
    else:
        allowed = False
    if not allowed:
        raise PermissionDenied


def _scope(
    role: Role, forbund: Forbund | None, insats: Insats | None
) -> tuple[Forbund | None, Insats | None]:
    """The scope stored for the role: an insats role keeps only its insats; a
    förbund-wide one only its förbund; the sysadmin role neither."""
    if role == Role.SYSADMIN:
        if forbund is not None or insats is not None:
            raise ValidationError({"role": _("The system administrator role has no scope.")})
        return None, None
    if insats is not None:
        if forbund is not None and insats.forbund_id != forbund.pk:
            raise ValidationError({"insats": _("The insats belongs to another förbund.")})
        if role not in INSATS_ROLES:
            raise ValidationError(
                {"insats": _("This role is given for a whole förbund, not for one insats.")}
            )
        return None, insats
    if role == Role.REGISTRATOR:
        raise ValidationError({"insats": _("A participant registrar is given an insats.")})
    if forbund is None:
        raise ValidationError({"forbund": _("Choose the förbund.")})
    return forbund, None


def _check_keeps_an_admin(
    forbund_ids: set[int],
    *,
    without_user: User | None = None,
    without_assignment: RoleAssignment | None = None,
) -> None:
    """Refuse a change that would leave a förbund without an active administrator. The
    förbund's administrator roles are locked first, so two administrators taking each
    other's role at the same moment are checked one after the other."""
    for forbund_id in sorted(forbund_ids):
        list(
            RoleAssignment.objects.select_for_update()
            .filter(role=Role.FORBUND_ADMIN, forbund_id=forbund_id)
            .values_list("pk", flat=True)
        )
        others = RoleAssignment.objects.filter(
            role=Role.FORBUND_ADMIN, forbund_id=forbund_id, user__is_active=True
        )
        if without_user is not None:
            others = others.exclude(user=without_user)
        if without_assignment is not None:
            others = others.exclude(pk=without_assignment.pk)
        if not others.exists():
            raise ValidationError(
                _(
                    "This would leave the förbund without an active förbund administrator. "
                    "Give another user the role first."
                ),
                code="last_forbund_admin",
            )


def _label(role: str) -> str:
    return str(ROLE_LABELS.get(Role(role), role))


def _describe(assignment: RoleAssignment) -> str:
    """For the security log: the role's code and its scope, e.g. ``registrator: Team A``."""
    scope = assignment.insats or assignment.forbund
    return f"{assignment.role}: {scope}" if scope is not None else str(assignment.role)


# --- writes ---------------------------------------------------------------------------


@transaction.atomic
def assign_role(
    *,
    actor: AbstractBaseUser,
    user: User,
    role: Role,
    forbund: Forbund | None = None,
    insats: Insats | None = None,
) -> RoleAssignment:
    """Give ``user`` the role in the scope (a förbund, one of its insatser, or none for
    ``sysadmin``). A förbund administrator may only give roles to accounts they
    administer (``create_user`` gives a new account its first role)."""
    role = Role(role)
    forbund, insats = _scope(role, forbund, insats)
    _check_may_give(actor, role, forbund, insats)
    if not administered_users(actor).filter(pk=user.pk).exists():
        raise PermissionDenied
    return _give(actor, user, role, forbund, insats)


def _give(
    actor: AbstractBaseUser,
    user: User,
    role: Role,
    forbund: Forbund | None,
    insats: Insats | None,
) -> RoleAssignment:
    assignment = RoleAssignment(user=user, role=role, forbund=forbund, insats=insats)
    same = RoleAssignment.objects.filter(user=user, role=role, forbund=forbund, insats=insats)
    if same.exists():
        raise ValidationError({"role": _("The user already has this role here.")})
    try:
        assignment.full_clean()
    except ValidationError as e:
        raise ValidationError(e.message_dict) from None
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment.save()
    record(
        SecurityEvent.Kind.ROLE_GIVEN,
        username=user.get_username(),
        user=user,
        detail=_describe(assignment),
    )
    return assignment


@transaction.atomic
def revoke_role(*, actor: AbstractBaseUser, assignment: RoleAssignment) -> None:
    """Take a role: a system administrator any, a förbund administrator those within
    their förbund (never ``sysadmin``). The last active förbund administrator of a
    förbund keeps the role."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    forbund_id = forbund_of(assignment)
    if not is_system_administrator(actor) and (
        forbund_id is None or forbund_id not in administered_forbund_ids(actor)
    ):
        raise PermissionDenied
    if assignment.role == Role.FORBUND_ADMIN and forbund_id is not None:
        _check_keeps_an_admin({forbund_id}, without_assignment=assignment)
    user = assignment.user
    detail = _describe(assignment)
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment.delete()
    record(SecurityEvent.Kind.ROLE_REVOKED, username=user.get_username(), user=user, detail=detail)


@transaction.atomic
def create_user(
    *,
    actor: AbstractBaseUser,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: Role,
    forbund: Forbund | None = None,
    insats: Insats | None = None,
    link_base_url: str | None = None,
) -> User:
    """Create an account with its first role (so that it belongs to a förbund from the
    start). It has no usable password: when ``link_base_url`` is given (the site's
    address, e.g. ``https://samspar.example.se``), a link to set one is e-mailed once
    the transaction has committed."""
    role = Role(role)
    forbund, insats = _scope(role, forbund, insats)
    _check_may_give(actor, role, forbund, insats)
    user = User(
        username=username.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=User.objects.normalize_email(email.strip()),
    )
    user.set_unusable_password()
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean()
    except ValidationError as e:
        errors.update(e.message_dict)
    if not user.email and "email" not in errors:
        errors["email"] = [_("The new user needs an e-mail address for the password link.")]
    if User.objects.filter(username__iexact=user.username).exists() and "username" not in errors:
        errors["username"] = [_("A user with that username already exists.")]
    if errors:
        raise ValidationError(errors)
    user._history_user = actor  # type: ignore[attr-defined]
    user.save()
    record(SecurityEvent.Kind.USER_CREATED, username=user.get_username(), user=user)
    _give(actor, user, role, forbund, insats)
    if link_base_url is not None:
        base, request = link_base_url, current_request()
        transaction.on_commit(
            lambda: send_set_password_link(user=user, base_url=base, request=request)
        )
    return user


@transaction.atomic
def deactivate_user(*, actor: AbstractBaseUser, user: User) -> User:
    """End the account's access at once: inactive (no log-in, no role grants anything),
    and every session of it ended. Its roles and history stay."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not may_deactivate(actor, user):
        raise PermissionDenied
    if not user.is_active:
        return user
    admin_of = set(
        RoleAssignment.objects.filter(user=user, role=Role.FORBUND_ADMIN).values_list(
            "forbund_id", flat=True
        )
    )
    _check_keeps_an_admin(admin_of, without_user=user)
    user.is_active = False
    user._history_user = actor  # type: ignore[attr-defined]
    user.save(update_fields=["is_active"])
    ended = delete_sessions(user)
    record(
        SecurityEvent.Kind.USER_DEACTIVATED,
        username=user.get_username(),
        user=user,
        detail=f"{ended} sessions ended",
    )
    return user


@transaction.atomic
def activate_user(*, actor: AbstractBaseUser, user: User) -> User:
    """Give a deactivated account its access back (its roles are as they were)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not may_deactivate(actor, user):
        raise PermissionDenied
    if user.is_active:
        return user
    user.is_active = True
    user._history_user = actor  # type: ignore[attr-defined]
    user.save(update_fields=["is_active"])
    record(SecurityEvent.Kind.USER_ACTIVATED, username=user.get_username(), user=user)
    return user


# --- the link to set a password ---------------------------------------------------------


def set_password_path(user: User) -> str:
    """The path of the user's set-password page: Django's password-reset token, valid
    for ``PASSWORD_RESET_TIMEOUT`` and only until the password is set."""
    return reverse(
        "set-password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def send_set_password_link(
    *, user: User, base_url: str, request: HttpRequest | None = None
) -> None:
    """E-mail the user the link to set their password (in the site's language).
    ``request``: the request that asked for it, for the security log (this runs after
    the transaction has committed)."""
    link = base_url.rstrip("/") + set_password_path(user)
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your account in Samspår")
        body = _(
            "Hello %(name)s,\n\nan account in Samspår has been made for you. Your "
            "username is %(username)s.\n\nSet your password here (the link works once and "
            "for %(days)s days):\n%(link)s\n\nAfter the password, Samspår may ask you to "
            "set up two-factor log-in with an authenticator app.\n"
        ) % {
            "name": user.get_full_name() or user.get_username(),
            "username": user.get_username(),
            "days": days,
            "link": link,
        }
    send_mail(subject, body, None, [user.email])
    record(
        SecurityEvent.Kind.PASSWORD_LINK_SENT,
        username=user.get_username(),
        user=user,
        request=request,
    )


@transaction.atomic
def resend_set_password_link(*, actor: AbstractBaseUser, user: User, base_url: str) -> None:
    """Send a new link to an account that has not set a password yet (an expired link).
    Only to the account's own address, and never once a password is set: an
    administrator cannot take over an account this way."""
    if not administered_users(actor).filter(pk=user.pk).exists():
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError(_("The account is deactivated."))
    if user.has_usable_password():
        raise ValidationError(_("This user has already set a password."))
    if not user.email:
        raise ValidationError(_("The user has no e-mail address."))
    request = current_request()
    transaction.on_commit(
        lambda: send_set_password_link(user=user, base_url=base_url, request=request)
    )


def role_label(role: str) -> str:
    """The role's name in the current language."""
    return _label(role)
