"""All writes to an insats's set-up: the insats itself, its yearly plan, budget,
financing and staff. Views, the CLI and the demo call these.

Each service checks the user's scope (``PermissionDenied``), validates everything
(``full_clean`` plus rules the database cannot hold) and raises ``ValidationError``
keyed by field, inside one transaction, so a failed call saves nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from samspar.access.scoping import Action, can
from samspar.organisation.models import (
    BudgetLine,
    Financing,
    FollowUpMethod,
    Forbund,
    Insats,
    InsatsYear,
    MemberParty,
    StaffMember,
)
from samspar.organisation.selectors import manageable_forbund

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

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
