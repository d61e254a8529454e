"""Reads: which evaluations and value sets a user may see, and an evaluation turned
into model input and into a computed, labelled report."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from samspar.access.scoping import Action
from samspar.economics import model
from samspar.economics.labels import VALUE_LABELS
from samspar.economics.model.inputs import QUARTER_EACH, type_cases
from samspar.economics.model.terms import SUPPLIES
from samspar.economics.models import Evaluation, Method, StandardValueSet
from samspar.economics.report import SWITCHING_MONTHS, EconomicsReport, ValueRow
from samspar.organisation.models import Forbund
from samspar.organisation.selectors import _forbund_ids, roles_granting

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# How registry data becomes states when nothing else is set (docs/economics.md).
DEFAULT_MAPPING: dict[str, Any] = {
    "work_extent": 100,  # % when an ended participant works but no extent is registered
    "supported_wage_subsidy": 50,  # % for end reason "arbete-med-stod"
    "resource_factor": {"work": 80, "studies": 90},  # % of before; other groups 100
}


def evaluations(
    user: AbstractBaseUser | AnonymousUser, action: Action = Action.VIEW
) -> QuerySet[Evaluation]:
    return Evaluation.objects.restrict(user, action).select_related(
        "forbund", "insats", "value_set"
    )


def value_sets(user: AbstractBaseUser | AnonymousUser) -> QuerySet[StandardValueSet]:
    """Samspår's shipped sets and those of the förbund the user works in."""
    reachable = _forbund_ids(user, roles_granting(Action.VIEW))
    return StandardValueSet.objects.filter(
        Q(forbund__isnull=True) | Q(forbund_id__in=reachable)
    ).select_related("forbund")


def current_value_sets(forbund: Forbund) -> QuerySet[StandardValueSet]:
    """The newest version per price year: the förbund's own where it has one."""
    sets = StandardValueSet.objects.filter(Q(forbund=forbund) | Q(forbund__isnull=True))
    newest: dict[int, StandardValueSet] = {}
    for s in sets.order_by("price_year", "forbund_id", "version"):
        if s.price_year not in newest or s.forbund_id is not None:
            newest[s.price_year] = s
    return StandardValueSet.objects.filter(pk__in=[s.pk for s in newest.values()])


def model_values(value_set: StandardValueSet) -> model.ValueSet:
    rows = list(value_set.values.all())
    return model.ValueSet(
        {v.key: float(v.amount) for v in rows}, {v.key: model.Grade(v.grade) for v in rows}
    )


def _fraction(x: Decimal | float | int) -> float:
    return float(x) / 100


def _shares(mapping: dict[str, Any]) -> dict[str, float]:
    return {code: _fraction(share) for code, share in mapping.items() if float(share)}


def _before(evaluation: Evaluation) -> model.State:
    return model.State(
        supply=_shares(evaluation.before_supply),
        resource_use={k: float(v) for k, v in evaluation.before_resources.items()},
    )


def type_case_cohorts(
    evaluation: Evaluation, groups: list[dict[str, Any]] | None = None
) -> list[model.Cohort]:
    """``groups``: unsaved group data (as the form has it); default: the saved groups."""
    if groups is None:
        groups = [dict(g) for g in evaluation.groups.values()]
    before = _before(evaluation)
    return type_cases(
        evaluation.participants or 0,
        before,
        [
            (
                g["name"],
                _fraction(g["share"]),
                model.State(
                    supply=_shares(g["supply"]),
                    work_extent=_fraction(g["work_extent"]),
                    wage_subsidy=_fraction(g["wage_subsidy"]),
                    resource_use={
                        k: v * _fraction(g["resource_factor"])
                        for k, v in before.resource_use.items()
                    },
                ),
            )
            for g in groups
        ],
    )


def individual_cohorts(evaluation: Evaluation) -> list[model.Cohort]:
    """The participants of the insats who ended in the period, as cohorts of equal
    before/after states. The model needs each participant's profile, so this reads one
    row per enrolment and supply type — aggregates only leave this function."""
    from samspar.codelists.models import ResultGroup
    from samspar.registry.models import Enrolment

    mapping = {**DEFAULT_MAPPING, **evaluation.mapping}
    ended = Enrolment.objects.filter(
        insats=evaluation.insats,
        end_date__gte=evaluation.period_start,
        end_date__lte=evaluation.period_end,
    ).exclude(end_reason__result_group=ResultGroup.CANCELLED)
    rows = list(
        ended.values_list(
            "pk",
            "end_reason__code",
            "end_reason__result_group",
            "occupation_after_percent",
            "works_after",
        )
    )
    supply_before: dict[int, list[str]] = {pk: [] for pk, *_ in rows}
    supply_after: dict[int, list[str]] = {pk: [] for pk, *_ in rows}
    for target, relation in (
        (supply_before, Enrolment.supply_before),
        (supply_after, Enrolment.supply_after),
    ):
        through = relation.through.objects.filter(enrolment__in=ended)
        for pk, code in through.values_list("enrolment_id", "supplytype__code"):
            if code in SUPPLIES:
                target[pk].append(code)

    before_resources = {k: float(v) for k, v in evaluation.before_resources.items()}
    profiles: Counter[tuple[Any, ...]] = Counter()
    for pk, reason, group, percent, works in rows:
        working = group == ResultGroup.WORK or works
        extent = (percent if percent is not None else mapping["work_extent"]) if working else 0
        subsidy = mapping["supported_wage_subsidy"] if reason == "arbete-med-stod" else 0
        factor = mapping["resource_factor"].get(group, 100)
        profiles[
            (
                tuple(sorted(supply_before[pk])),
                tuple(sorted(supply_after[pk])),
                extent,
                subsidy,
                factor,
            )
        ] += 1

    cohorts = []
    for (before, after, extent, subsidy, factor), count in sorted(profiles.items()):
        cohorts.append(
            model.Cohort(
                " / ".join(before or ("–",)) + " → " + " / ".join(after or ("–",)),
                count,
                model.State({c: 1 / len(before) for c in before}, resource_use=before_resources),
                model.State(
                    {c: 1 / len(after) for c in after},
                    _fraction(extent),
                    _fraction(subsidy),
                    {k: v * _fraction(factor) for k, v in before_resources.items()},
                ),
            )
        )
    return cohorts


def model_evaluation(
    evaluation: Evaluation, cohorts: list[model.Cohort] | None = None
) -> model.Evaluation:
    if cohorts is None:
        cohorts = (
            type_case_cohorts(evaluation)
            if evaluation.method == Method.TYPE_CASES
            else individual_cohorts(evaluation)
        )
    split = {model.Actor(k): _fraction(v) for k, v in evaluation.cost_split().items()}
    return model.Evaluation(
        cohorts=cohorts,
        cost=float(evaluation.cost),
        indirect_tax_factor=float(evaluation.indirect_tax_factor),
        cost_split=split or dict(QUARTER_EACH),
        horizon_years=evaluation.horizon_years,
        discount_rate=_fraction(evaluation.discount_rate),
        deadweight=_fraction(evaluation.deadweight),
        attribution=_fraction(evaluation.attribution),
        drop_off=_fraction(evaluation.drop_off),
        optimism_bias=evaluation.optimism_bias,
    )


def check_enough_individuals(evaluation: Evaluation, inputs: model.Evaluation) -> None:
    """Amounts per actor for one or two registered people would describe them: an
    evaluation of individuals needs at least the förbund's suppression threshold."""
    threshold = evaluation.forbund.suppression_threshold
    if evaluation.method == Method.INDIVIDUALS and inputs.participants < threshold:
        count = round(inputs.participants)
        raise model.InputError(
            [
                model.Problem(
                    "too_few_participants", "participants", {"count": count, "threshold": threshold}
                )
            ]
        )


def evaluation_report(evaluation: Evaluation, *, with_simulation: bool = True) -> EconomicsReport:
    """Compute and label one evaluation. Raises model.InputError if its inputs no
    longer hold (e.g. no participants ended in the period)."""
    inputs = model_evaluation(evaluation)
    check_enough_individuals(evaluation, inputs)
    values = model_values(evaluation.value_set)
    result = model.evaluate(inputs, values)
    simulation = (
        model.simulate(
            inputs, values, model.Uncertainty(draws=evaluation.draws, seed=evaluation.seed)
        )
        if with_simulation
        else None
    )
    organisation = evaluation.forbund.name
    if evaluation.insats:
        organisation = f"{evaluation.insats.name} – {organisation}"
    period = (
        f"{evaluation.period_start} – {evaluation.period_end}"
        if evaluation.method == Method.INDIVIDUALS
        else ""
    )
    return EconomicsReport(
        title=evaluation.name,
        organisation=organisation,
        method=evaluation.method,
        period=period,
        value_set=str(evaluation.value_set),
        price_year=evaluation.value_set.price_year,
        evaluation=inputs,
        result=result,
        simulation=simulation,
        switching=[(m, model.switching_value(inputs, m)) for m in SWITCHING_MONTHS],
        values=[
            ValueRow(
                v.key,
                str(VALUE_LABELS.get(v.key, v.key)),
                float(v.amount),
                v.unit,
                model.Grade(v.grade),
                v.source,
            )
            for v in evaluation.value_set.values.all()
        ],
        created=timezone.localdate(evaluation.created_at),
    )
