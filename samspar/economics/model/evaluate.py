"""Revenue, cost, profitability, payback and potential per perspective.

``run`` works on arrays with one entry per draw, so the point estimate
(``evaluate``, one draw at the standard values) and the Monte Carlo
(``uncertainty.simulate``, thousands of draws) are the same arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from samspar.economics.model.inputs import Evaluation, State
from samspar.economics.model.ledger import (
    INDEX,
    Array,
    Line,
    actor_sums,
    age_lines,
    ledger,
    quantities,
    tax_lines,
)
from samspar.economics.model.tax import TaxRules, rules_for
from samspar.economics.model.terms import (
    PERSPECTIVE_ACTORS,
    PERSPECTIVES,
    Actor,
    CostBasis,
    Grade,
    Kind,
    Perspective,
)
from samspar.economics.model.values import ValueSet

K = TypeVar("K")

# Payback is searched for this many years before it is called "none".
PAYBACK_SEARCH_YEARS = 50
FULL_TIME_WORK = State(work_extent=1.0)


@dataclass(frozen=True)
class Adjustments:
    """Per-draw shares that scale the whole change (see docs/economics.md)."""

    deadweight: Array
    attribution: Array
    drop_off: Array
    displacement: Array

    def cohort_weights(self, evaluation: Evaluation) -> Array:
        """Draws × cohorts: 1 − displacement for a cohort that gains work, else 1."""
        gains = np.array([c.after.work_extent > c.before.work_extent for c in evaluation.cohorts])
        return 1 - self.displacement[:, None] * gains[None, :]

    @classmethod
    def of(cls, evaluation: Evaluation) -> Adjustments:
        def one(x: float) -> Array:
            return np.array([x], dtype=float)

        return cls(
            one(evaluation.deadweight),
            one(evaluation.attribution),
            one(evaluation.drop_off),
            one(evaluation.displacement),
        )


@dataclass(frozen=True)
class Drawn:
    """Per-draw inputs besides the standard values, the counts and the adjustments
    (Monte Carlo, one-way sensitivity); None: the evaluation's own, in every draw."""

    cost: Array | None = None  # the nominal cost of the insats, kronor
    indirect_tax_factor: Array | None = None
    # Multiplies the work extent of every after-state (capped: ``work_after``).
    work_factor: Array | None = None


def work_after(evaluation: Evaluation, factor: Array) -> Array:
    """Draws × cohorts: each after-state's work extent times the draw's ``factor``,
    at least 0 and at most the room its supply shares leave (at most full time; never
    below its own extent, which ``State.problems`` already allows)."""
    extent = np.array([c.after.work_extent for c in evaluation.cohorts])
    return np.clip(factor[:, None] * extent[None, :], 0.0, work_room(evaluation)[None, :])


def work_room(evaluation: Evaluation) -> Array:
    """Per cohort: the most its after-state can work — full time less its supply
    shares (``lon`` is work), and never less than its own extent."""
    extent = np.array([c.after.work_extent for c in evaluation.cohorts])
    occupied = np.array(
        [sum(s for code, s in c.after.supply.items() if code != "lon") for c in evaluation.cohorts]
    )
    return np.maximum(np.clip(1 - occupied, 0.0, 1.0), extent)


@dataclass(frozen=True)
class Outcome:
    """Arrays over draws: the raw material of results and bands."""

    revenue: dict[Perspective, Array]  # first year, after adjustments
    cost: dict[Perspective, Array]  # per draw (the cost and the tax factor may vary)
    annuity: Array  # draws × (horizon + 1): what 1 kr of first-year revenue adds up to
    payback: dict[Perspective, Array]  # months, NaN where never
    potential: Array  # society revenue if everyone worked full time (see below)
    lines: list[Line]  # first-year change, adjusted

    def profit(self, perspective: Perspective, years: int) -> Array:
        return self.revenue[perspective] * self.annuity[:, years] - self.cost[perspective]


def run(
    evaluation: Evaluation,
    counts: Array,
    values: Mapping[str, Array],
    grade: Callable[[str], Grade],
    adjustments: Adjustments,
    tax_rules: TaxRules,
    drawn: Drawn | None = None,
) -> Outcome:
    """``counts``: draws × cohorts; ``values``: one array over draws per key;
    ``tax_rules``: the income-tax law of the value set's price year; ``drawn``: the
    cost, tax factor and work extent per draw, where they vary."""
    draws = counts.shape[0]
    before = counts @ np.stack([quantities(c.before) for c in evaluation.cohorts])
    # Displaced workers are taken to move into the situation the participants left: a
    # cohort that gains work changes (1 − displacement) as much, for every actor.
    changing = counts * adjustments.cohort_weights(evaluation)
    change = changing @ np.stack(
        [quantities(c.after) - quantities(c.before) for c in evaluation.cohorts]
    )
    drawn_work = None
    if drawn is not None and drawn.work_factor is not None:
        # The after-states' work extent of each draw instead of their own.
        drawn_work = work_after(evaluation, drawn.work_factor)
        own = np.array([c.after.work_extent for c in evaluation.cohorts])
        subsidy = np.array([c.after.wage_subsidy for c in evaluation.cohorts])
        extra = changing * (drawn_work - own[None, :])
        change[:, INDEX["work"]] += extra.sum(axis=1)
        change[:, INDEX["subsidised_work"]] += (extra * subsidy[None, :]).sum(axis=1)
    keep = (1 - adjustments.deadweight) * (1 - adjustments.attribution)
    raw = ledger(change, values, grade, subsidy_ceiling=evaluation.wage_subsidy_ceiling)
    # Cohorts with an age: their age-banded standard values instead of the defaults.
    raw += age_lines(
        evaluation.cohorts, changing, values, grade, subsidy_ceiling=evaluation.wage_subsidy_ceiling
    )
    raw += tax_lines(evaluation.cohorts, changing, values, grade, tax_rules, work_after=drawn_work)
    kept = [Line(line.actor, line.item, line.kind, line.amount * keep, line.grade) for line in raw]
    haircuts = evaluation.haircuts if evaluation.optimism_bias else {}
    lines = [
        Line(actor, item, kind, _haircut(amount, grade, haircuts), grade)
        for (actor, item, kind, grade), amount in _net(
            kept, lambda line: (line.actor, line.item, line.kind, line.grade)
        ).items()
    ]
    sums = actor_sums(lines, draws)
    revenue = {
        p: sum((sums[a] for a in PERSPECTIVE_ACTORS[p]), np.zeros(draws)) for p in PERSPECTIVES
    }
    # Society nets each item over all actors before the haircut: a transfer moves no
    # resources, so it is no loss to society however its two sides are adjusted.
    revenue[Perspective.SOCIETY] = sum(
        (
            _haircut(amount, grade, haircuts)
            for (_item, _kind, grade), amount in _net(
                kept, lambda line: (line.item, line.kind, line.grade)
            ).items()
        ),
        np.zeros(draws),
    )
    cost = _costs(evaluation, draws, drawn)
    uplift = _real_uplift(evaluation, draws, drawn)
    revenue[Perspective.SOCIETY] = revenue[Perspective.SOCIETY] * uplift

    years = np.arange(1, PAYBACK_SEARCH_YEARS + 1)
    profile = np.broadcast_to(
        (1 - adjustments.drop_off[:, None]) ** (years - 1)
        / (1 + evaluation.discount_rate) ** years,
        (draws, years.size),
    )  # draws × years
    payback = {p: _payback(revenue[p][:, None] * profile, cost[p]) for p in PERSPECTIVES}
    annuity = np.concatenate(
        [np.zeros((draws, 1)), np.cumsum(profile[:, : evaluation.horizon_years], axis=1)], axis=1
    )

    # Potential: everyone working full time at the average wage, with no subsidy and
    # no resource use; only real lines count, as for society's revenue.
    full_time = counts @ np.stack([quantities(FULL_TIME_WORK) for _ in evaluation.cohorts])
    potential_lines = ledger(
        full_time - before, values, grade, subsidy_ceiling=evaluation.wage_subsidy_ceiling
    )
    potential_lines += age_lines(
        evaluation.cohorts,
        counts,
        values,
        grade,
        subsidy_ceiling=evaluation.wage_subsidy_ceiling,
        after=lambda _cohort: FULL_TIME_WORK,
    )
    potential = uplift * sum(
        (line.amount for line in potential_lines if line.kind != Kind.TRANSFER), np.zeros(draws)
    )
    return Outcome(revenue, cost, annuity, payback, potential, lines)


def _net(lines: list[Line], key: Callable[[Line], K]) -> dict[K, Array]:
    """The lines' amounts summed per ``key``."""
    sums: dict[K, Array] = {}
    for line in lines:
        k = key(line)
        sums[k] = sums[k] + line.amount if k in sums else line.amount
    return sums


def _haircut(amount: Array, grade: Grade, haircuts: Mapping[Grade, float]) -> Array:
    """The optimism-bias haircut, always towards the less favourable side: a net gain
    shrinks by the haircut h of its grade, a net loss grows by it — x − h·|x| ≤ x, so
    no perspective's result ever improves (the Green Book's optimism bias raises
    costs and lowers benefits)."""
    return amount - haircuts.get(grade, 0.0) * np.abs(amount)


def _factor(evaluation: Evaluation, draws: int, drawn: Drawn | None) -> Array:
    """The indirect-tax factor of each draw."""
    if drawn is not None and drawn.indirect_tax_factor is not None:
        return drawn.indirect_tax_factor
    return np.full(draws, float(evaluation.indirect_tax_factor))


def _real_uplift(evaluation: Evaluation, draws: int, drawn: Drawn | None) -> Array:
    """What society's real lines are multiplied by: the indirect-tax factor in consumer
    prices (``Evaluation.consumer_prices``), as the cost is; else 1 (seed 004's way).
    Society's revenue is real lines only (transfers cancel), so the whole of it."""
    if evaluation.consumer_prices:
        return _factor(evaluation, draws, drawn)
    return np.ones(draws)


def _costs(
    evaluation: Evaluation, draws: int = 1, drawn: Drawn | None = None
) -> dict[Perspective, Array]:
    """Society bears the uplifted cost; each actor its share of the uplifted or of
    the nominal cost (``Evaluation.actor_cost``). Per draw: ``drawn`` may vary the
    cost and the indirect-tax factor."""
    nominal = np.full(draws, float(evaluation.cost))
    if drawn is not None and drawn.cost is not None:
        nominal = drawn.cost
    total = nominal * _factor(evaluation, draws, drawn)
    shared = total if evaluation.actor_cost == CostBasis.UPLIFTED else nominal
    cost = {p: np.zeros(draws) for p in PERSPECTIVES}
    cost[Perspective.SOCIETY] = total
    for actor, share in evaluation.cost_split.items():
        for perspective, actors in PERSPECTIVE_ACTORS.items():
            if actor in actors and perspective != Perspective.SOCIETY:
                cost[perspective] = cost[perspective] + shared * share
    return cost


def _payback(flows: Array, cost: Array) -> Array:
    """Months until the cumulative flows (draws × years) reach ``cost`` (per draw);
    linear within a year, NaN when they never do within the search horizon or where
    there is no cost."""
    cost = np.broadcast_to(cost, flows.shape[:1])
    cumulative = np.cumsum(flows, axis=1)
    reached = cumulative >= cost[:, None]
    year = reached.argmax(axis=1)  # first year reaching the cost (0-based)
    rows = np.arange(flows.shape[0])
    before = np.where(year > 0, cumulative[rows, np.maximum(year - 1, 0)], 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        months = 12 * year + 12 * (cost - before) / flows[rows, year]
    ok = reached.any(axis=1) & (flows[:, 0] > 0) & (cost > 0)
    return np.where(ok, months, np.nan)


@dataclass(frozen=True)
class PerspectiveResult:
    perspective: Perspective
    revenue: float  # kronor per year (the first year after the insats)
    cost: float  # society: the uplifted cost; an actor: its share (Evaluation.actor_cost)
    profit_first_year: float
    profit_horizon: float
    payback_months: float | None  # None where revenue ≤ 0 or never within 50 years
    participants: float

    @property
    def revenue_per_participant(self) -> float:
        return self.revenue / self.participants

    @property
    def cost_per_participant(self) -> float:
        return self.cost / self.participants

    @property
    def profit_first_year_per_participant(self) -> float:
        return self.profit_first_year / self.participants

    @property
    def profit_horizon_per_participant(self) -> float:
        return self.profit_horizon / self.participants


@dataclass(frozen=True)
class ItemResult:
    actor: Actor
    item: str
    kind: Kind
    change: float  # kronor per year, after adjustments


@dataclass(frozen=True)
class CurvePoint:
    year: int
    cumulative: float  # society's profitability after ``year`` years


@dataclass(frozen=True)
class CohortResult:
    name: str
    count: float
    society_revenue_per_participant: float


@dataclass(frozen=True)
class EvaluationResult:
    participants: float
    cost: float  # nominal
    total_cost: float  # uplifted by the indirect-tax factor
    horizon_years: int
    perspectives: dict[Perspective, PerspectiveResult]
    items: list[ItemResult]
    curve: list[CurvePoint]
    potential: float
    cohorts: list[CohortResult]

    @property
    def society(self) -> PerspectiveResult:
        return self.perspectives[Perspective.SOCIETY]

    @property
    def utilised_share(self) -> float | None:
        return self.society.revenue / self.potential if self.potential > 0 else None


def evaluate(evaluation: Evaluation, values: ValueSet) -> EvaluationResult:
    """The point estimate. Raises InputError when any input is wrong."""
    evaluation.check(values)
    outcome = _point(evaluation, values, np.array([[c.count for c in evaluation.cohorts]]))
    n = evaluation.participants
    perspectives = {
        p: PerspectiveResult(
            perspective=p,
            revenue=float(outcome.revenue[p][0]),
            cost=float(outcome.cost[p][0]),
            profit_first_year=float(outcome.profit(p, 1)[0]),
            profit_horizon=float(outcome.profit(p, evaluation.horizon_years)[0]),
            payback_months=_number(outcome.payback[p][0]),
            participants=n,
        )
        for p in PERSPECTIVES
    }
    merged: dict[tuple[Actor, str, Kind], float] = {}
    for line in outcome.lines:
        key = (line.actor, line.item, line.kind)
        merged[key] = merged.get(key, 0.0) + float(line.amount[0])
    items = [ItemResult(a, i, k, v) for (a, i, k), v in merged.items()]
    curve = [
        CurvePoint(y, float(outcome.profit(Perspective.SOCIETY, y)[0]))
        for y in range(evaluation.horizon_years + 1)
    ]
    # One "draw" per cohort with only that cohort's participants, all at once.
    alone = _point(evaluation, values, np.eye(len(evaluation.cohorts)))
    cohorts = [
        CohortResult(c.name, c.count, float(alone.revenue[Perspective.SOCIETY][i]))
        for i, c in enumerate(evaluation.cohorts)
    ]
    return EvaluationResult(
        participants=n,
        cost=evaluation.cost,
        total_cost=float(outcome.cost[Perspective.SOCIETY][0]),
        horizon_years=evaluation.horizon_years,
        perspectives=perspectives,
        items=items,
        curve=curve,
        potential=float(outcome.potential[0]),
        cohorts=cohorts,
    )


def _point(evaluation: Evaluation, values: ValueSet, counts: Array) -> Outcome:
    """The model at the standard values; ``counts`` is draws × cohorts."""
    arrays = {k: np.array([v], dtype=float) for k, v in values.amounts.items()}
    return run(
        evaluation,
        counts.astype(float),
        arrays,
        values.grade,
        Adjustments.of(evaluation),
        rules_for(values.price_year),
    )


def annuity(evaluation: Evaluation, years: float) -> float:
    """What one krona of first-year revenue adds up to after ``years`` (may be
    fractional: the last year counts pro rata)."""
    total, whole = 0.0, math.floor(years)
    for t in range(1, whole + 2):
        weight = 1.0 if t <= whole else years - whole
        if weight <= 0:
            break
        total += weight * (1 - evaluation.drop_off) ** (t - 1) / (1 + evaluation.discount_rate) ** t
    return total


def switching_value(evaluation: Evaluation, months: float) -> float:
    """The first-year society revenue per participant (after adjustments) at which
    the insats pays back in ``months``."""
    total_cost = evaluation.cost * evaluation.indirect_tax_factor
    return total_cost / annuity(evaluation, months / 12) / evaluation.participants


def _number(x: float) -> float | None:
    return None if math.isnan(x) else float(x)
