"""Writes: evaluations and standard values. Every write checks the user's scope,
validates everything (the model's own checks included) and saves in one
transaction, so bad input saves nothing and computes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from samspar.access.scoping import Action, can, forbund_q
from samspar.economics import model, persistence, selectors
from samspar.economics.labels import problem_message
from samspar.economics.models import (
    RANGED,
    SHARE_UNIT,
    Evaluation,
    MappingRow,
    Method,
    StandardValue,
    StandardValueSet,
    TypeCaseGroup,
)
from samspar.organisation.models import Forbund
from samspar.organisation.selectors import manageable_forbund
from samspar.registry.models import Enrolment

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
    "displacement",
    "drop_off",
    "draws",
}
GROUP_FIELDS = (
    "name",
    "share",
    "supply",
    "work_extent",
    "wage_subsidy",
    "resource_factor",
    "wellbeing",
    "age",
)
# The price years a value set can be made for.
PRICE_YEARS = (2000, 2100)
# Keys of errors that belong to a part of the form rather than one field.
BEFORE_SUPPLY, GROUPS, COST_SPLIT, MAPPING = "before_supply", "groups", "cost_split", "mapping"
SAME_NAME = _lazy("Two groups cannot have the same name.")
_STATE = re.compile(r"^(?P<name>.*)\.(?P<side>before|after)(?:\.(?P<rest>.*))?$")


def group_key(index: int, field: str) -> str:
    """The error key of ``field`` of the group at ``index`` (``field`` "" for the row)."""
    return f"{GROUPS}.{index}.{field}" if field else f"{GROUPS}.{index}"


def _may_manage(user: AbstractBaseUser | AnonymousUser, evaluation: Evaluation) -> bool:
    """A förbund-wide manager of the evaluation's förbund, or a manager of its insats."""
    wide = forbund_q(user, Action.MANAGE, "")
    if Forbund.objects.filter(wide, pk=evaluation.forbund_id).exists():
        return True
    return evaluation.insats_id is not None and can(user, Action.MANAGE, evaluation.insats_id)


def _problem_key(problem: model.Problem, evaluation: Evaluation, groups: Sequence[str]) -> str:
    """Where on the form a model problem belongs: a field, a part of the form, or the
    form as a whole (NON_FIELD_ERRORS). Never a model path such as "group.before.supply"."""
    where = problem.where
    if where in FIELDS and (where != "participants" or evaluation.method == Method.TYPE_CASES):
        return where
    if where.endswith("_range") and where.removesuffix("_range") in RANGED:
        return f"{where.removesuffix('_range')}_low"
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


def shares_error(shares: Iterable[Any]) -> str | None:
    """Shares in percent that must add up to 100 % (the average participant's supply
    before, the groups), in words if they do not."""
    total = sum((Decimal(str(v)) for v in shares), Decimal(0))
    if abs(total - 100) <= Decimal("0.01"):
        return None
    return problem_message(model.Problem("shares_sum", "", {"total": float(total)}))


def full_time_error(supply: Iterable[Any], work_extent: Any) -> str | None:
    """A group's supply and work after (percent) fit in full time; the rest is without
    public support."""
    total = sum((Decimal(str(v)) for v in supply), Decimal(0)) + Decimal(str(work_extent))
    if total <= 100:
        return None
    return _("Supply and work after may not exceed 100 %% of full time together.") % {}


def subsidy_error(work_extent: Any, wage_subsidy: Any) -> str | None:
    """A wage subsidy is paid on work: a group with a subsidy works."""
    if Decimal(str(wage_subsidy)) > 0 and Decimal(str(work_extent)) <= 0:
        return _("A wage subsidy needs work: give the work extent.")
    return None


def _form_checks(
    evaluation: Evaluation, group_rows: Sequence[Mapping[str, Any]]
) -> dict[str, list[str]]:
    """Rules of the form that the model leaves open (the form checks them too, so that
    they show with the other errors): the average participant's supply before is a
    distribution over every kind of support (no public support included), so it adds up
    to 100 %; each group's supply and work after fit in full time, and a group with a
    wage subsidy works; the groups have different names (the results name them)."""
    errors: dict[str, list[str]] = {}
    if evaluation.method != Method.TYPE_CASES:
        return errors
    if before := shares_error(evaluation.before_supply.values()):
        errors[BEFORE_SUPPLY] = [before]
    seen: set[str] = set()
    for i, row in enumerate(group_rows):
        if overfull := full_time_error(row["supply"].values(), row["work_extent"]):
            errors[group_key(i, "")] = [overfull]
        if idle := subsidy_error(row["work_extent"], row["wage_subsidy"]):
            errors[group_key(i, "wage_subsidy")] = [idle]
        if row["name"] in seen:
            errors[group_key(i, "name")] = [str(SAME_NAME)]
        seen.add(row["name"])
    return errors


@transaction.atomic
def save_evaluation(
    *,
    user: AbstractBaseUser | AnonymousUser,
    evaluation: Evaluation,
    groups: Sequence[Mapping[str, Any]] = (),
    mapping: Mapping[str, selectors.MappingEntry] | None = None,
    reread: bool = False,
) -> Evaluation:
    """Create or update ``evaluation`` (fields already set) with its type-case
    ``groups`` (dicts of GROUP_FIELDS) or, for individuals, its ``mapping`` (per end
    reason code; those not given keep the evaluation's row or the default).

    Individuals are read from the registry when the evaluation is new, when its insats
    or period changed, or when ``reread``; otherwise the profiles read before are kept,
    so that an evaluation already made does not change by itself."""
    if not _may_manage(user, evaluation):
        raise PermissionDenied
    if evaluation.value_set.forbund_id not in (None, evaluation.forbund_id):
        raise ValidationError({"value_set": _("These standard values belong to another förbund.")})
    if evaluation.insats is not None and evaluation.insats.forbund_id != evaluation.forbund_id:
        raise ValidationError({"insats": _("The insats belongs to another förbund.")})
    evaluation.full_clean(exclude=["registry_as_of"])
    group_rows = [{k: g[k] for k in GROUP_FIELDS} for g in groups]
    errors = _form_checks(evaluation, group_rows)
    errors.update(_measure_drop_off(user, evaluation))
    names = [str(g["name"]) for g in group_rows]
    entries: dict[str, selectors.MappingEntry] = {}
    bad_mapping: dict[str, list[str]] = {}
    if evaluation.method == Method.INDIVIDUALS:
        entries = {**selectors.evaluation_mapping(evaluation), **(mapping or {})}
        bad_mapping = _mapping_errors(entries)
        errors.update(bad_mapping)
        if reread or _reads_anew(evaluation):
            errors.update(_read_registry(user, evaluation))
    # A mapping out of range makes states the model would only refuse again.
    problems = [] if bad_mapping else _model_problems(evaluation, group_rows, entries)
    for key, messages in _problems_as_errors(problems, evaluation, names).items():
        if key == BEFORE_SUPPLY and key in errors:
            continue  # "must add up to 100 %" already says it
        errors.setdefault(key, []).extend(m for m in messages if m not in errors.get(key, []))
    if errors:
        raise ValidationError(errors)
    if evaluation.pk is None:
        evaluation.created_by_id = user.pk if user.is_authenticated else None
    evaluation._history_user = user  # type: ignore[attr-defined]
    evaluation.save()
    _save_groups(user, evaluation, group_rows)
    _save_mapping(user, evaluation, entries)
    return evaluation


def _read_registry(
    user: AbstractBaseUser | AnonymousUser, evaluation: Evaluation
) -> dict[str, list[str]]:
    """Read the evaluation's profiles and population from the registry, as far as the
    user may MANAGE it (as ``_may_manage`` asked); the error if its population would
    single out fewer than the threshold (``privacy``)."""
    where = (
        Enrolment.objects.restrict(user, Action.MANAGE),
        evaluation.insats_id,
        evaluation.period_start,
        evaluation.period_end,
    )
    evaluation.profiles = [p.as_json() for p in selectors.registry_profiles(*where)]  # type: ignore[arg-type]
    evaluation.population = selectors.registry_population(*where)  # type: ignore[arg-type]
    evaluation.registry_as_of = timezone.now()
    if len(evaluation.population) < selectors.population_threshold(evaluation.forbund):
        return {}  # refused as too few anyway
    problem = selectors.population_problem(evaluation, new=True)
    return {NON_FIELD_ERRORS: [problem_message(problem)]} if problem else {}


def _measure_drop_off(
    user: AbstractBaseUser | AnonymousUser, evaluation: Evaluation
) -> dict[str, list[str]]:
    """With ``drop_off_measured``, set the drop-off and its range from the follow-ups of
    the evaluation's insats (or förbund) and period that the user may MANAGE; the error
    where too few were reached."""
    if not evaluation.drop_off_measured:
        evaluation.drop_off_basis = None
        return {}
    enrolments = Enrolment.objects.restrict(user, Action.MANAGE).filter(
        insats__forbund_id=evaluation.forbund_id
    )
    if evaluation.insats_id is not None:
        enrolments = enrolments.filter(insats_id=evaluation.insats_id)
    if evaluation.period_start is not None:
        enrolments = enrolments.filter(end_date__gte=evaluation.period_start)
    if evaluation.period_end is not None:
        enrolments = enrolments.filter(end_date__lte=evaluation.period_end)
    measured = persistence.measured_drop_off(enrolments)
    if measured is None:
        message = _(
            "Fewer than %(count)s participants who worked or studied at the end were reached "
            "at a follow-up after exit: the drop-off cannot be measured. Give it as an "
            "assumption instead."
        ) % {"count": persistence.MIN_REACHED}
        return {"drop_off_measured": [message]}
    evaluation.drop_off = measured.drop_off
    evaluation.drop_off_low, evaluation.drop_off_high = measured.interval
    evaluation.drop_off_basis = measured.as_json()
    return {}


def _model_problems(
    evaluation: Evaluation,
    group_rows: Sequence[Mapping[str, Any]],
    entries: Mapping[str, selectors.MappingEntry],
) -> Sequence[model.Problem]:
    """The model's own checks of the inputs (none if they hold)."""
    try:
        cohorts = (
            selectors.type_case_cohorts(evaluation, group_rows)
            if evaluation.method == Method.TYPE_CASES
            else selectors.individual_cohorts(evaluation, mapping=entries)
        )
        inputs = selectors.model_evaluation(evaluation, cohorts)
        inputs.check(selectors.model_values(evaluation.value_set))
        selectors.check_enough_individuals(evaluation, inputs)
    except model.InputError as error:
        return error.problems
    return selectors.model_uncertainty(evaluation).problems()


def refresh_from_registry(
    *, user: AbstractBaseUser | AnonymousUser, evaluation: Evaluation
) -> Evaluation:
    """Read an evaluation of individuals from the registry again (made explicit: the
    history records it), keeping its mapping and every other input."""
    if evaluation.method != Method.INDIVIDUALS:
        raise ValidationError(_("Only an evaluation of registered individuals reads the registry."))
    return save_evaluation(user=user, evaluation=evaluation, reread=True)


def _reads_anew(evaluation: Evaluation) -> bool:
    """New, or its insats or period changed since the registry was read."""
    if evaluation.pk is None or evaluation.registry_as_of is None:
        return True
    stored = Evaluation.objects.values("insats_id", "period_start", "period_end").get(
        pk=evaluation.pk
    )
    return stored != {
        "insats_id": evaluation.insats_id,
        "period_start": evaluation.period_start,
        "period_end": evaluation.period_end,
    }


def mapping_key(code: str, field: str) -> str:
    """The error key of ``field`` of the mapping row of end reason ``code``."""
    return f"{MAPPING}.{code}.{field}"


def _mapping_errors(entries: Mapping[str, selectors.MappingEntry]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    reasons = {r.code: r for r in selectors.mapping_reasons()}
    for code, entry in entries.items():
        if code not in reasons:
            errors[NON_FIELD_ERRORS] = [_("Unknown end reason “%(code)s”.") % {"code": code}]
            continue
        row = MappingRow(end_reason=reasons[code], **asdict(entry))
        try:
            row.full_clean(exclude=["evaluation"], validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[mapping_key(code, field)] = messages
    return errors


def _save_groups(
    user: AbstractBaseUser | AnonymousUser,
    evaluation: Evaluation,
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """The type-case groups, changed in place by position, so that the history shows
    what changed (none for individuals)."""
    existing = {g.position: g for g in evaluation.groups.all()}
    for position, row in enumerate(rows):
        group = existing.pop(position, None) or TypeCaseGroup(
            evaluation=evaluation, position=position
        )
        if group.pk is None or any(getattr(group, k) != v for k, v in row.items()):
            for k, v in row.items():
                setattr(group, k, v)
            group._history_user = user  # type: ignore[attr-defined]
            group.save()
    for group in existing.values():
        group._history_user = user  # type: ignore[attr-defined]
        group.delete()


def _save_mapping(
    user: AbstractBaseUser | AnonymousUser,
    evaluation: Evaluation,
    entries: Mapping[str, selectors.MappingEntry],
) -> None:
    """The mapping rows of an evaluation of individuals, changed in place."""
    existing = {r.end_reason.code: r for r in evaluation.mapping_rows.select_related("end_reason")}
    reasons = {r.code: r for r in selectors.mapping_reasons().filter(code__in=entries)}
    for code, entry in entries.items():
        row = existing.get(code) or MappingRow(evaluation=evaluation, end_reason=reasons[code])
        values = asdict(entry)
        if row.pk is None or any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row._history_user = user  # type: ignore[attr-defined]
            row.save()


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


@transaction.atomic
def new_price_year_version(
    *,
    user: AbstractBaseUser | AnonymousUser,
    forbund: Forbund,
    base: StandardValueSet,
    price_year: int,
) -> StandardValueSet:
    """A version of the förbund's own for ``price_year``, starting from ``base``'s values
    (Samspår's or the förbund's own), to be brought up to that year's levels."""
    if not manageable_forbund(user).filter(pk=forbund.pk).exists():
        raise PermissionDenied
    if base.forbund_id not in (None, forbund.pk):
        raise PermissionDenied
    if not PRICE_YEARS[0] <= price_year <= PRICE_YEARS[1]:
        raise ValidationError(
            {
                "price_year": _("A price year between %(low)s and %(high)s.")
                % {"low": PRICE_YEARS[0], "high": PRICE_YEARS[1]}
            }
        )
    return _new_version(user, forbund, base, price_year)


def _new_version(
    user: AbstractBaseUser | AnonymousUser,
    forbund: Forbund,
    base: StandardValueSet,
    price_year: int | None = None,
) -> StandardValueSet:
    """A copy of ``base`` as the förbund's next version of ``price_year`` (default: the
    base's)."""
    year = base.price_year if price_year is None else price_year
    latest = (
        StandardValueSet.objects.filter(forbund=forbund, price_year=year)
        .order_by("-version")
        .first()
    )
    created = StandardValueSet.objects.create(
        forbund=forbund,
        price_year=year,
        version=(latest.version + 1) if latest else 1,
        name=_("Standard values %(year)s, %(forbund)s") % {"year": year, "forbund": forbund.name},
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
