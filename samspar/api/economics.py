"""Socio-economic evaluations: the list, and one evaluation with every input and result.

The answer is the evaluation's JSON export (``samspar.economics.output.json``), typed
here. It is shown exactly when the evaluation's page shows it: an evaluation of
registered individuals that would single out fewer participants than the förbund's
threshold (``samspar.economics.privacy``), or whose inputs no longer hold, is refused
with 409 and the page's reasons.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from samspar.access.scoping import Action
from samspar.api.core import (
    AUTH_ERRORS,
    OBJECT_ERRORS,
    Problem,
    api,
    caller,
    get_in_scope,
    problem,
    scoped,
)
from samspar.api.schemas import object_id
from samspar.economics import selectors
from samspar.economics.labels import problem_message
from samspar.economics.model import InputError
from samspar.economics.models import Evaluation
from samspar.economics.output.json import report_dict

Amount = float | None


class EvaluationListed(Schema):
    id: int
    name: str
    method: str = Field(description="type_cases or individuals")
    forbund: int
    insats: int | None
    created_at: dt.datetime


class CodeLabel(Schema):
    code: str
    label: str


class Assumption(Schema):
    input: str
    value: str


class PerspectiveOut(Schema):
    label: str
    revenue: Amount
    revenue_per_participant: Amount
    cost: Amount
    profit_first_year: Amount
    profit_horizon: Amount
    payback_months: Amount = Field(description="Null: never within the horizon")


class ItemOut(Schema):
    actor: str
    actor_label: str
    item: str
    item_label: str
    kind: str
    kind_label: str
    change: Amount


class CurvePointOut(Schema):
    year: int
    cumulative: Amount


class BandOut(Schema):
    median: Amount
    low80: Amount
    high80: Amount
    low95: Amount
    high95: Amount


class SimulationOut(Schema):
    draws: int
    revenue: dict[str, BandOut]
    profit_first_year: dict[str, BandOut]
    profit_horizon: dict[str, BandOut]
    payback_months: dict[str, BandOut]
    curve: list[BandOut]
    chance_profitable: Amount
    chance_paid_back: dict[str, Amount]


class CohortResultOut(Schema):
    name: str
    count: float
    society_revenue_per_participant: Amount


class ValueOut(Schema):
    key: str
    label: str
    amount: float
    unit: str
    grade: str
    source: str


class MappingOut(Schema):
    end_reason: str
    label: str
    result_group: str
    work_extent: float
    wage_subsidy: float
    resource_factor: float


class SwitchingOut(Schema):
    months: int
    revenue_per_participant: Amount


class StateOut(Schema):
    supply: dict[str, float]
    work_extent: float
    wage_subsidy: float
    resource_use: dict[str, float]


class CohortIn(Schema):
    name: str
    count: float
    before: StateOut
    after: StateOut


class UncertaintyOut(Schema):
    draws: int
    seed: int
    spreads: dict[str, float]
    resample_participants: bool
    ranges: dict[str, list[float] | None]


class InputsOut(Schema):
    cost: float
    indirect_tax_factor: float
    total_cost: float
    cost_split: dict[str, float]
    actor_cost: str
    wage_subsidy_ceiling: bool
    horizon_years: int
    discount_rate: float
    deadweight: float
    attribution: float
    drop_off: float
    optimism_bias: bool
    haircuts: dict[str, float]
    before: StateOut | None
    resource_use_before: dict[str, float]
    monte_carlo: UncertaintyOut | None
    cohorts: list[CohortIn]


class EvaluationOut(Schema):
    title: str
    organisation: str
    method: CodeLabel
    period: str | None
    value_set: str
    price_year: int
    created: dt.date
    inputs: InputsOut
    assumptions: list[Assumption]
    participants: float
    results: dict[str, PerspectiveOut] = Field(description="By perspective: society, kommun …")
    potential: Amount
    utilised_share: Amount
    items: list[ItemOut]
    curve: list[CurvePointOut]
    simulation: SimulationOut | None
    cohorts: list[CohortResultOut] = Field(description="Type-case groups only")
    values: list[ValueOut]
    registry_as_of: dt.datetime | None
    mapping: list[MappingOut]
    switching_target_months: int
    switching_values: list[SwitchingOut]
    summary: list[str]


def _evaluations(user: Any, action: Action) -> Any:
    return selectors.evaluations(user, action)


scoped("evaluation", "GET", "evaluation_id", Action.VIEW, _evaluations)


@api.get(
    "/evaluations",
    response={200: list[EvaluationListed], **AUTH_ERRORS},
    url_name="evaluations",
    summary="The evaluations you can see",
)
def list_evaluations(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": e.pk,
            "name": e.name,
            "method": e.method,
            "forbund": e.forbund_id,
            "insats": e.insats_id,
            "created_at": e.created_at,
        }
        for e in selectors.evaluations(caller(request)).order_by("pk")
    ]


@api.get(
    "/evaluations/{evaluation_id}",
    response={200: EvaluationOut, 409: Problem, **OBJECT_ERRORS},
    url_name="evaluation",
    summary="One evaluation: inputs and results",
)
def get_evaluation(request: HttpRequest, evaluation_id: int = object_id()) -> Any:
    evaluation: Evaluation = get_in_scope(request, _evaluations, Action.VIEW, evaluation_id)
    try:
        report = selectors.evaluation_report(evaluation)
    except InputError as error:
        reasons = [problem_message(p, year=evaluation.value_set.price_year) for p in error.problems]
        return problem(
            request, 409, " ".join(str(r) for r in reasons), __all__=[str(r) for r in reasons]
        )
    return report_dict(report)
