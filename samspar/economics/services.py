"""Writes: evaluations and standard values. Every write checks the user's scope,
validates everything (the model's own checks included) and saves in one
transaction, so bad input saves nothing and computes nothing."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from samspar.access.scoping import Action
from samspar.economics import model, selectors
from samspar.economics.labels import problem_message
from samspar.economics.models import (
    SHARE_UNIT,
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
FIELDS = {
    "participants",
    "cost",
    "indirect_tax_factor",
    "horizon_years",
    "discount_rate",
    "deadweight",
    "attribution",
    "drop_off",
}
GROUP_FIELDS = ("name", "share", "supply", "work_extent", "wage_subsidy", "resource_factor")
# Keys of errors that belong to a part of the form rather than one field.
BEFORE_SUPPLY, GROUPS, COST_SPLIT = "before_supply", "groups", "cost_split"
_STATE = re.compile(r"^(?P<name>.*)\.(?P<side>before|after)(?:\.(?P<rest>.*))?$")


def group_key(index: int, field: str) -> str:
    """The error key of ``field`` of the group at ``index`` (``field`` "" for the row)."""
    return f"{GROUPS}.{index}.{field}" if field else f"{GROUPS}.{index}"


def _may_manage(user: AbstractBaseUser | AnonymousUser, evaluation: Evaluation) -> bool:
    if manageable_forbund(user).filter(pk=evaluation.forbund_id).exists():
        return True
    if evaluation.insats_id is None:
        return False
    from samspar.organisation.models import Insats

    return Insats.objects.restrict(user, Action.MANAGE).filter(pk=evaluation.insats_id).exists()


def _problem_key(problem: model.Problem, evaluation: Evaluation, groups: Sequence[str]) -> str:
    """Where on the form a model problem belongs: a field, a part of the form, or the
    form as a whole (NON_FIELD_ERRORS). Never a model path such as "group.before.supply"."""
    where = problem.where
    if where in FIELDS and (where != "participants" or evaluation.method == Method.TYPE_CASES):
        return where
    if where == COST_SPLIT:
        return COST_SPLIT
    if where.startswith(f"{COST_SPLIT}."):
        return f"cost_share_{where.removeprefix(f'{COST_SPLIT}.')}"
    if where.startswith("value:"):
        return "value_set"
    if where == GROUPS:
        return GROUPS
    if where.startswith(f"{GROUPS}.") and where.removeprefix(f"{GROUPS}.") in groups:
        return group_key(groups.index(where.removeprefix(f"{GROUPS}.")), "share")
    if evaluation.method != Method.TYPE_CASES:
        return NON_FIELD_ERRORS  # individuals: the profiles are not shown, nor named
    state = _STATE.match(where)
    if state is None:
        return NON_FIELD_ERRORS
    rest = state["rest"] or ""
    if state["side"] == "before":
        if rest == "supply":
            return BEFORE_SUPPLY
        if rest.startswith("supply."):
            return f"before_{rest.removeprefix('supply.')}"
        if rest.startswith("resource_use."):
            return f"resource_{rest.removeprefix('resource_use.')}"
        return BEFORE_SUPPLY
    if state["name"] not in groups:
        return NON_FIELD_ERRORS
    index = groups.index(state["name"])
    if rest.startswith("supply."):
        return group_key(index, f"supply_{rest.removeprefix('supply.')}")
    if rest in ("work_extent", "wage_subsidy"):
        return group_key(index, rest)
    if rest.startswith("resource_use"):
        return group_key(index, "resource_factor")
    return group_key(index, "")


def _problems_as_errors(
    problems: Sequence[model.Problem], evaluation: Evaluation, groups: Sequence[str] = ()
) -> dict[str, list[str]]:
    """Model problems worded in the active language, each once, at the form field or
    part they are about."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        message = problem_message(problem, year=evaluation.value_set.price_year)
        messages = errors.setdefault(_problem_key(problem, evaluation, groups), [])
        if message not in messages:
            messages.append(message)
    return errors


def _form_checks(
    evaluation: Evaluation, group_rows: Sequence[Mapping[str, Any]]
) -> dict[str, list[str]]:
    """Rules of the form that the model leaves open: the average participant's supply
    before is a distribution over every kind of support (no public support included),
    so it adds up to 100 %; each group's supply and work after fit in full time; the
    groups have different names (the results name them)."""
    errors: dict[str, list[str]] = {}
    if evaluation.method != Method.TYPE_CASES:
        return errors
    total = sum((Decimal(str(v)) for v in evaluation.before_supply.values()), Decimal(0))
    if abs(total - 100) > Decimal("0.01"):
        problem = model.Problem("shares_sum", BEFORE_SUPPLY, {"total": float(total)})
        errors[BEFORE_SUPPLY] = [problem_message(problem)]
    seen: set[str] = set()
    for i, row in enumerate(group_rows):
        supply = sum((Decimal(str(v)) for v in row["supply"].values()), Decimal(0))
        if supply + Decimal(str(row["work_extent"])) > 100:
            errors[group_key(i, "")] = [
                _("Supply and work after may not exceed 100 %% of full time together.") % {}
            ]
        if row["name"] in seen:
            errors[group_key(i, "name")] = [_("Two groups cannot have the same name.")]
        seen.add(row["name"])
    return errors


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
    errors = _form_checks(evaluation, group_rows)
    names = [str(g["name"]) for g in group_rows]
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
        for key, messages in _problems_as_errors(error.problems, evaluation, names).items():
            if key == BEFORE_SUPPLY and key in errors:
                continue  # "must add up to 100 %" already says it
            errors.setdefault(key, []).extend(m for m in messages if m not in errors.get(key, []))
    if errors:
        raise ValidationError(errors)
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
    units = dict(value_set.values.values_list("key", "unit"))
    errors: dict[str, list[str]] = {}
    for key, change in changes.items():
        if key not in units:
            errors[key] = [_("Unknown standard value.")]
        elif bound := amount_problem(change.amount, units[key]):
            errors[key] = [bound]
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


def amount_problem(amount: Decimal, unit: str) -> str | None:
    """What is wrong with ``amount`` for a standard value in ``unit``: kronor are not
    negative, a share lies between 0 and 1."""
    if amount < 0:
        return _("Must not be negative.")
    if unit == SHARE_UNIT and amount > 1:
        return _("A share lies between 0 and 1: %(percent)s %% is written %(share)s.") % {
            "percent": formats.number_format(Decimal("31.42")),
            "share": formats.number_format(Decimal("0.3142")),
        }
    return None


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
