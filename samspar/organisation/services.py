"""All writes to an insats's set-up: the insats itself, its yearly plan, budget,
financing and staff. Views, the CLI and the demo call these.

Each service checks the user's scope (``PermissionDenied``), validates everything
(``full_clean`` plus rules the database cannot hold) and raises ``ValidationError``
keyed by field, inside one transaction, so a failed call saves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from samspar.access import accounts
from samspar.access.scoping import Action, Role, can
from samspar.organisation.models import (
    BudgetLine,
    County,
    Financing,
    FollowUpMethod,
    Forbund,
    Insats,
    InsatsYear,
    MemberParty,
    Municipality,
    PartyKind,
    StaffMember,
    Team,
)
from samspar.organisation.selectors import (
    manageable_forbund,
    municipality_party_name,
    region_name,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, User

    from samspar.codelists.models import CostCategory
    from samspar.registry.models import StructuralCount, VolumeCount, WaitingListCount

# The fields of an insats a user may set; the förbund is fixed at creation.
INSATS_FIELDS = (
    "name",
    "team",
    "kind",
    "follow_up_method",
    "start_date",
    "end_date",
    "target_group",
    "trial_period_months",
    "follow_up_months",
)
STAFF_FIELDS = ("name", "role", "fte_percent", "employer", "start_date", "end_date")


def _require_manage(user: AbstractBaseUser, insats: Insats) -> None:
    if not can(user, Action.MANAGE, insats.pk):
        raise PermissionDenied


def _validated(obj: models.Model, exclude: list[str] | None = None) -> None:
    """``full_clean`` with the errors always keyed (non-field errors under ``__all__``)."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as e:
        raise ValidationError(e.message_dict) from None


def _check_end_after_start(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


def _check_not_negative(**values: int | Decimal | None) -> None:
    errors = {
        name: _("The number cannot be negative.")
        for name, value in values.items()
        if value is not None and value < 0
    }
    if errors:
        raise ValidationError(errors)


def _check_party(insats: Insats, party: MemberParty | None, field: str) -> None:
    if party is not None and party.forbund_id != insats.forbund_id:
        raise ValidationError({field: _("The party is not a member of this förbund.")})


# --- the insats itself ---------------------------------------------------------------


def _check_insats(insats: Insats) -> None:
    if insats.team is not None and insats.team.forbund_id != insats.forbund_id:
        raise ValidationError({"team": _("The team belongs to another förbund.")})
    _check_end_after_start(insats.start_date, insats.end_date)
    if insats.is_structural and insats.follow_up_method != FollowUpMethod.VOLUME:
        raise ValidationError(
            {"follow_up_method": _("A structural insats is followed up by counts only.")}
        )


def _check_method_change(insats: Insats, old: Insats) -> None:
    """Keep registered data meaningful: no change of method once data of the old one exist."""
    if (old.kind, old.follow_up_method) == (insats.kind, insats.follow_up_method):
        return
    from samspar.registry.models import (
        AnonymousEnrolment,
        Enrolment,
        StructuralCount,
        VolumeCount,
    )

    has_data = (
        Enrolment.objects.filter(insats=old).exists()
        or AnonymousEnrolment.objects.filter(insats=old).exists()
        or VolumeCount.objects.filter(insats=old).exists()
        or StructuralCount.objects.filter(insats=old).exists()
    )
    if has_data:
        field = "kind" if old.kind != insats.kind else "follow_up_method"
        raise ValidationError(
            {
                field: _(
                    "Participants or counts are already registered; the kind and "
                    "follow-up method can no longer change."
                )
            }
        )


@transaction.atomic
def create_insats(user: AbstractBaseUser, forbund: Forbund, **fields: Any) -> Insats:
    """Create an insats; only a förbund-wide manager (förbund administrator) may."""
    if not manageable_forbund(user).filter(pk=forbund.pk).exists():
        raise PermissionDenied
    unknown = set(fields) - set(INSATS_FIELDS)
    if unknown:
        raise TypeError(f"unknown insats fields: {sorted(unknown)}")
    insats = Insats(forbund=forbund, **fields)
    _check_insats(insats)
    _validated(insats)
    insats.save()
    return insats


@transaction.atomic
def update_insats(user: AbstractBaseUser, insats: Insats, **fields: Any) -> Insats:
    _require_manage(user, insats)
    unknown = set(fields) - set(INSATS_FIELDS)
    if unknown:
        raise TypeError(f"unknown insats fields: {sorted(unknown)}")
    old = Insats.objects.get(pk=insats.pk)
    for name, value in fields.items():
        setattr(insats, name, value)
    _check_insats(insats)
    _check_method_change(insats, old)
    _validated(insats)
    insats.save()
    return insats


# --- the förbund's own settings ------------------------------------------------------

FORBUND_SETTINGS = ("organisation_number", "suppression_threshold", "retention_years")


@transaction.atomic
def update_forbund_settings(user: AbstractBaseUser, forbund: Forbund, **fields: Any) -> Forbund:
    """Change the förbund's settings (e.g. its small-count threshold); only a förbund-wide
    manager (förbund administrator) may."""
    if not manageable_forbund(user).filter(pk=forbund.pk).exists():
        raise PermissionDenied
    unknown = set(fields) - set(FORBUND_SETTINGS)
    if unknown:
        raise TypeError(f"unknown förbund settings: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(forbund, name, value)
    _validated(forbund)
    forbund._history_user = user  # type: ignore[attr-defined]
    forbund.save(update_fields=list(fields))
    return forbund


# --- plan, budget and financing per year ---------------------------------------------


@transaction.atomic
def set_insats_year(
    user: AbstractBaseUser, insats: Insats, year: int, budgeted_participants: int
) -> InsatsYear:
    """Set the number of participants budgeted for a year (replacing an earlier figure)."""
    _require_manage(user, insats)
    _check_not_negative(budgeted_participants=budgeted_participants)
    row = InsatsYear.objects.filter(insats=insats, year=year).first() or InsatsYear(
        insats=insats, year=year
    )
    row.budgeted_participants = budgeted_participants
    _validated(row)
    row.save()
    return row


@transaction.atomic
def set_budget_line(
    user: AbstractBaseUser,
    insats: Insats,
    year: int,
    category: CostCategory,
    budget: int,
    outcome: int | None,
) -> BudgetLine:
    """Set budget (beslut) and outcome (utfall) of a cost category in a year."""
    _require_manage(user, insats)
    _check_not_negative(budget=budget, outcome=outcome)
    row = BudgetLine.objects.filter(
        insats=insats, year=year, category=category
    ).first() or BudgetLine(insats=insats, year=year, category=category)
    row.budget = budget
    row.outcome = outcome
    _validated(row)
    row.save()
    return row


@transaction.atomic
def delete_budget_line(user: AbstractBaseUser, line: BudgetLine) -> None:
    _require_manage(user, line.insats)
    line.delete()


@transaction.atomic
def set_financing(
    user: AbstractBaseUser, insats: Insats, year: int, party: MemberParty, amount: int
) -> Financing:
    """Set what a member party contributes in a year (replacing an earlier amount)."""
    _require_manage(user, insats)
    _check_party(insats, party, "party")
    _check_not_negative(amount=amount)
    row = Financing.objects.filter(insats=insats, year=year, party=party).first() or Financing(
        insats=insats, year=year, party=party
    )
    row.amount = amount
    _validated(row)
    row.save()
    return row


@transaction.atomic
def delete_financing(user: AbstractBaseUser, financing: Financing) -> None:
    _require_manage(user, financing.insats)
    financing.delete()


# --- staff ---------------------------------------------------------------------------


def _save_staff(staff: StaffMember) -> StaffMember:
    _check_party(staff.insats, staff.employer, "employer")
    _check_not_negative(fte_percent=staff.fte_percent)
    _check_end_after_start(staff.start_date, staff.end_date)
    _validated(staff)
    staff.save()
    return staff


@transaction.atomic
def add_staff_member(user: AbstractBaseUser, insats: Insats, **fields: Any) -> StaffMember:
    """Add a person working in the insats (name, role, fte_percent, employer, dates)."""
    _require_manage(user, insats)
    unknown = set(fields) - set(STAFF_FIELDS)
    if unknown:
        raise TypeError(f"unknown staff fields: {sorted(unknown)}")
    return _save_staff(StaffMember(insats=insats, **fields))


@transaction.atomic
def update_staff_member(user: AbstractBaseUser, staff: StaffMember, **fields: Any) -> StaffMember:
    """Correct a staff member, or end the employment by giving ``end_date``."""
    _require_manage(user, staff.insats)
    unknown = set(fields) - set(STAFF_FIELDS)
    if unknown:
        raise TypeError(f"unknown staff fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(staff, name, value)
    return _save_staff(staff)


@transaction.atomic
def end_staff_member(user: AbstractBaseUser, staff: StaffMember, end_date: dt.date) -> StaffMember:
    return update_staff_member(user, staff, end_date=end_date)


@transaction.atomic
def delete_staff_member(user: AbstractBaseUser, staff: StaffMember) -> None:
    """Remove a staff member entered by mistake (to record a leaver, set the end date)."""
    _require_manage(user, staff.insats)
    staff.delete()


# --- aggregate counts (recorded by samspar.registry.services) -------------------------


@transaction.atomic
def delete_count(
    user: AbstractBaseUser, row: VolumeCount | StructuralCount | WaitingListCount
) -> None:
    """Remove a volume, structural or waiting-list count entered by mistake."""
    _require_manage(user, row.insats)
    row.delete()


# --- setting up a förbund: the förbund, its member parties and teams ------------------
# The system administrator creates a förbund with its parties and first förbund
# administrator; the förbund administrator (or a system administrator) adds and removes
# parties later, and the förbund administrator makes teams. Every change is kept in the
# model's history with the user who made it (docs/roles.md, "Setting up a förbund").


@dataclass(frozen=True)
class NewUser:
    """A user to create with the förbund (its first administrator)."""

    username: str
    first_name: str
    last_name: str
    email: str


def _party_name(kind: PartyKind, county: County, municipality: Municipality | None) -> str:
    if kind == PartyKind.KOMMUN:
        assert municipality is not None
        return municipality_party_name(municipality)
    if kind == PartyKind.REGION:
        return region_name(county)
    return str(PartyKind(kind).label)


def _save_party(user: AbstractBaseUser, party: MemberParty) -> MemberParty:
    if party.kind == PartyKind.KOMMUN:
        if party.municipality is None:
            raise ValidationError({"municipality": _("Choose the municipality.")})
        if party.municipality.county_id != party.forbund.county_id:
            raise ValidationError(
                {"municipality": _("The municipality is not in the förbund's county.")}
            )
        if MemberParty.objects.filter(
            forbund=party.forbund, municipality=party.municipality
        ).exists():
            raise ValidationError({"municipality": _("The municipality is already a member.")})
    else:
        party.municipality = None
        if MemberParty.objects.filter(forbund=party.forbund, kind=party.kind).exists():
            raise ValidationError({"kind": _("The förbund already has this party.")})
    _validated(party)
    party._history_user = user  # type: ignore[attr-defined]
    party.save()
    return party


@transaction.atomic
def create_forbund(
    *,
    user: AbstractBaseUser,
    name: str,
    county: County,
    organisation_number: str = "",
    with_fk: bool = True,
    with_af: bool = True,
    with_region: bool = True,
    municipalities: Sequence[Municipality] = (),
    admin: User | None = None,
    new_admin: NewUser | None = None,
    link_base_url: str | None = None,
) -> Forbund:
    """Create a förbund with its member parties — Försäkringskassan, Arbetsförmedlingen,
    the county's region, the chosen kommuner of the county — and its first förbund
    administrator: an existing user (``admin``) or a new one (``new_admin``, who is
    e-mailed a link to set a password when ``link_base_url`` is given). Only a system
    administrator may."""
    if not accounts.is_system_administrator(user):
        raise PermissionDenied
    if (admin is None) == (new_admin is None):
        raise ValidationError(
            {"admin_username": _("Choose an existing user or give the new administrator's.")}
        )
    forbund = Forbund(
        name=name.strip(), county=county, organisation_number=organisation_number.strip()
    )
    _validated(forbund)
    forbund._history_user = user  # type: ignore[attr-defined]
    forbund.save()
    kinds = [
        kind
        for kind, wanted in (
            (PartyKind.FK, with_fk),
            (PartyKind.AF, with_af),
            (PartyKind.REGION, with_region),
        )
        if wanted
    ]
    for kind in kinds:
        _save_party(
            user, MemberParty(forbund=forbund, kind=kind, name=_party_name(kind, county, None))
        )
    for municipality in municipalities:
        if municipality.county_id != county.pk:
            raise ValidationError(
                {
                    "municipalities": _("%(name)s is not in the förbund's county.")
                    % {"name": municipality.name}
                }
            )
        _save_party(
            user,
            MemberParty(
                forbund=forbund,
                kind=PartyKind.KOMMUN,
                name=municipality_party_name(municipality),
                municipality=municipality,
            ),
        )
    if admin is not None:
        accounts.assign_role(actor=user, user=admin, role=Role.FORBUND_ADMIN, forbund=forbund)
    elif new_admin is not None:
        try:
            accounts.create_user(
                actor=user,
                username=new_admin.username,
                first_name=new_admin.first_name,
                last_name=new_admin.last_name,
                email=new_admin.email,
                role=Role.FORBUND_ADMIN,
                forbund=forbund,
                link_base_url=link_base_url,
            )
        except ValidationError as e:
            raise ValidationError(
                {f"admin_{field}": errors for field, errors in e.message_dict.items()}
            ) from None
    return forbund


def _require_party_admin(user: AbstractBaseUser, forbund: Forbund) -> None:
    if not accounts.may_administer_forbund(user, forbund.pk):
        raise PermissionDenied


@transaction.atomic
def add_member_party(
    *,
    user: AbstractBaseUser,
    forbund: Forbund,
    kind: PartyKind,
    municipality: Municipality | None = None,
    name: str = "",
) -> MemberParty:
    """Add a member party: a kommun of the förbund's county, or FK, AF or the region if
    the förbund lacks it. The name defaults to the party's usual one."""
    _require_party_admin(user, forbund)
    kind = PartyKind(kind)
    default = (
        _party_name(kind, forbund.county, municipality)
        if kind != PartyKind.KOMMUN or municipality is not None
        else ""
    )
    party = MemberParty(
        forbund=forbund, kind=kind, municipality=municipality, name=name.strip() or default
    )
    return _save_party(user, party)


@transaction.atomic
def remove_member_party(*, user: AbstractBaseUser, party: MemberParty) -> None:
    """Remove a member party. A party that finances an insats, employs staff or has
    structural counts stays: those figures would lose their party."""
    _require_party_admin(user, party.forbund)
    party._history_user = user  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            party.delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "%(party)s cannot be removed: it finances an insats, employs staff or has "
                "structural counts registered. Remove those first."
            )
            % {"party": party.name},
            code="party_in_use",
        ) from None


def _require_forbund_admin(user: AbstractBaseUser, forbund: Forbund) -> None:
    if forbund.pk not in accounts.administered_forbund_ids(user):
        raise PermissionDenied


@transaction.atomic
def create_team(*, user: AbstractBaseUser, forbund: Forbund, name: str) -> Team:
    """A team of the förbund; only its förbund administrator may."""
    _require_forbund_admin(user, forbund)
    team = Team(forbund=forbund, name=name.strip())
    if Team.objects.filter(forbund=forbund, name__iexact=team.name).exists():
        raise ValidationError({"name": _("The förbund already has a team with this name.")})
    _validated(team)
    team._history_user = user  # type: ignore[attr-defined]
    team.save()
    return team


@transaction.atomic
def delete_team(*, user: AbstractBaseUser, team: Team) -> None:
    """Remove a team; its insatser stay, without a team."""
    _require_forbund_admin(user, team.forbund)
    team._history_user = user  # type: ignore[attr-defined]
    team.delete()
