"""Writes: evaluations and standard values. Every write checks the user's scope,
validates everything (the model's own checks included) and saves in one
transaction, so bad input saves nothing and computes nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samspar.access.scoping import Action
from samspar.economics import model, selectors
from samspar.economics.labels import problem_message
from samspar.economics.models import (
    Evaluation,
    Method,
    StandardValue,
    StandardValueSet,
    TypeCaseGroup,
)
from samspar.organisation.models import Forbund
from samspar.organisation.selectors import manageable_forbund

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Model problems on these inputs are shown at the form field of the same name.
FIELDS = {"cost", "horizon_years", "discount_rate", "deadweight", "attribution", "drop_off"}
GROUP_FIELDS = ("name", "share", "supply", "work_extent", "wage_subsidy", "resource_factor")


def _may_manage(user: AbstractBaseUser | AnonymousUser, evaluation: Evaluation) -> bool:
    if manageable_forbund(user).filter(pk=evaluation.forbund_id).exists():
        return True
    if evaluation.insats_id is None:
        return False
    from samspar.organisation.models import Insats

    return Insats.objects.restrict(user, Action.MANAGE).filter(pk=evaluation.insats_id).exists()


def _problems_as_errors(problems: Sequence[model.Problem]) -> ValidationError:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        if problem.where in FIELDS:
            errors.setdefault(problem.where, []).append(problem_message(problem))
        else:
            place = problem.where.replace(".", " › ")
            errors.setdefault(NON_FIELD_ERRORS, []).append(f"{place}: {problem_message(problem)}")
    return ValidationError(errors)


@transaction.atomic
def save_evaluation(
    *,
    user: AbstractBaseUser | AnonymousUser,
    evaluation: Evaluation,
    groups: Sequence[Mapping[str, Any]] = (),
) -> Evaluation:
    """Create or update ``evaluation`` (fields already set) with its type-case
    ``groups`` (dicts of GROUP_FIELDS; ignored for individuals)."""
    if not _may_manage(user, evaluation):
        raise PermissionDenied
    if evaluation.value_set.forbund_id not in (None, evaluation.forbund_id):
        raise ValidationError({"value_set": _("These standard values belong to another förbund.")})
    if evaluation.insats is not None and evaluation.insats.forbund_id != evaluation.forbund_id:
        raise ValidationError({"insats": _("The insats belongs to another förbund.")})
    evaluation.full_clean()
    group_rows = [{k: g[k] for k in GROUP_FIELDS} for g in groups]
    try:
        cohorts = (
            selectors.type_case_cohorts(evaluation, group_rows)
            if evaluation.method == Method.TYPE_CASES
            else selectors.individual_cohorts(evaluation)
        )
        inputs = selectors.model_evaluation(evaluation, cohorts)
        inputs.check(selectors.model_values(evaluation.value_set))
        selectors.check_enough_individuals(evaluation, inputs)
    except model.InputError as error:
        raise _problems_as_errors(error.problems) from None
    if evaluation.pk is None:
        evaluation.created_by_id = user.pk if user.is_authenticated else None
    evaluation.save()
    evaluation.groups.all().delete()
    if evaluation.method == Method.TYPE_CASES:
        TypeCaseGroup.objects.bulk_create(
            TypeCaseGroup(evaluation=evaluation, position=i, **row)
            for i, row in enumerate(group_rows)
        )
    return evaluation


@dataclass(frozen=True)
class ValueChange:
    amount: Decimal
    grade: str
    source: str


@transaction.atomic
def update_standard_values(
    *,
    user: AbstractBaseUser | AnonymousUser,
    forbund: Forbund,
    value_set: StandardValueSet,
    changes: Mapping[str, ValueChange],
) -> StandardValueSet:
    """Change values of ``value_set`` for ``forbund``. A shipped set, or one that an
    evaluation uses, is not edited: a new version of the förbund's own is made and
    changed instead, and returned."""
    if not manageable_forbund(user).filter(pk=forbund.pk).exists():
        raise PermissionDenied
    if value_set.forbund_id not in (None, forbund.pk):
        raise PermissionDenied
    errors = {
        key: [_("Must not be negative.")] for key, change in changes.items() if change.amount < 0
    }
    unknown = set(changes) - set(value_set.values.values_list("key", flat=True))
    for key in sorted(unknown):
        errors[key] = [_("Unknown standard value.")]
    if errors:
        raise ValidationError(errors)
    target = value_set
    if value_set.forbund_id is None or value_set.evaluations.exists():
        target = _new_version(user, forbund, value_set)
    for value in target.values.filter(key__in=changes):
        change = changes[value.key]
        value.amount, value.grade, value.source = change.amount, change.grade, change.source
        value.full_clean()
        value.save()
    return target


def _new_version(
    user: AbstractBaseUser | AnonymousUser, forbund: Forbund, base: StandardValueSet
) -> StandardValueSet:
    latest = (
        StandardValueSet.objects.filter(forbund=forbund, price_year=base.price_year)
        .order_by("-version")
        .first()
    )
    created = StandardValueSet.objects.create(
        forbund=forbund,
        price_year=base.price_year,
        version=(latest.version + 1) if latest else 1,
        name=_("%(name)s, %(forbund)s")
        % {"name": base.name.split(",")[0], "forbund": forbund.name},
        based_on=base,
        created_by_id=user.pk if user.is_authenticated else None,
    )
    StandardValue.objects.bulk_create(
        StandardValue(
            value_set=created,
            key=v.key,
            amount=v.amount,
            unit=v.unit,
            grade=v.grade,
            source=v.source,
        )
        for v in base.values.all()
    )
    return created
