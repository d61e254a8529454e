"""Monte Carlo over the inputs: how certain is the answer?

Each draw takes every standard value from a triangular distribution around its
amount (half-width by confidence grade), resamples the participants among the
cohorts (a multinomial draw with the observed shares: the outcome could have
fallen otherwise), and takes deadweight, attribution and drop-off uniformly from
their ranges when ranges are given. All draws run at once as NumPy arrays.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from samspar.economics.model.evaluate import Adjustments, run
from samspar.economics.model.inputs import Evaluation, InputError, Problem
from samspar.economics.model.ledger import Array
from samspar.economics.model.tax import rules_for
from samspar.economics.model.terms import PERSPECTIVES, Grade, Perspective
from samspar.economics.model.values import DEFAULT_SPREADS, ValueSet

Range = tuple[float, float]


@dataclass(frozen=True)
class Uncertainty:
    draws: int = 10_000
    seed: int = 2025
    spreads: Mapping[Grade, float] = field(default_factory=lambda: dict(DEFAULT_SPREADS))
    resample_participants: bool = True
    deadweight: Range | None = None
    attribution: Range | None = None
    drop_off: Range | None = None

    def problems(self) -> list[Problem]:
        found = []
        if not 1 <= self.draws <= 1_000_000:
            found.append(Problem("out_of_range", "draws", {"low": 1, "high": 1_000_000}))
        for name in ("deadweight", "attribution", "drop_off"):
            bounds = getattr(self, name)
            if bounds is not None and not 0 <= bounds[0] <= bounds[1] <= 1:
                found.append(Problem("bad_range", f"{name}_range", {"low": 0, "high": 100}))
        return found


@dataclass(frozen=True)
class Band:
    """Median with 80 % and 95 % intervals; None stands for "never" (payback)."""

    median: float | None
    low80: float | None
    high80: float | None
    low95: float | None
    high95: float | None

    @classmethod
    def of(cls, x: Array) -> Band:
        qs = np.percentile(x, [50, 10, 90, 2.5, 97.5], method="nearest")
        return cls(*(None if math.isinf(q) or math.isnan(q) else float(q) for q in qs))


@dataclass(frozen=True)
class Simulation:
    draws: int
    revenue: dict[Perspective, Band]
    profit_first_year: dict[Perspective, Band]
    profit_horizon: dict[Perspective, Band]
    payback_months: dict[Perspective, Band]
    curve: list[Band]  # society's cumulative profitability, years 0..horizon
    chance_profitable: float  # share of draws where society gains within the horizon
    chance_paid_back: dict[Perspective, float]


def simulate(
    evaluation: Evaluation, values: ValueSet, uncertainty: Uncertainty | None = None
) -> Simulation:
    uncertainty = uncertainty or Uncertainty()
    problems = evaluation.problems(values) + uncertainty.problems()
    if problems:
        raise InputError(problems)
    rng = np.random.default_rng(uncertainty.seed)
    draws = uncertainty.draws

    arrays = {}
    for key, amount in values.amounts.items():
        spread = uncertainty.spreads.get(values.grade(key), 0.0)
        if amount == 0 or spread == 0:
            arrays[key] = np.full(draws, float(amount))
        else:
            low, high = sorted((amount * (1 - spread), amount * (1 + spread)))
            arrays[key] = rng.triangular(low, amount, high, draws)

    counts = np.array([c.count for c in evaluation.cohorts], dtype=float)
    if uncertainty.resample_participants:
        n = counts.sum()
        whole = max(round(n), 1)
        sampled = rng.multinomial(whole, counts / n, size=draws) * (n / whole)
    else:
        sampled = np.tile(counts, (draws, 1))

    def shares(fixed: float, bounds: Range | None) -> Array:
        return rng.uniform(*bounds, draws) if bounds else np.full(draws, fixed)

    adjustments = Adjustments(
        shares(evaluation.deadweight, uncertainty.deadweight),
        shares(evaluation.attribution, uncertainty.attribution),
        shares(evaluation.drop_off, uncertainty.drop_off),
    )
    outcome = run(
        evaluation, sampled, arrays, values.grade, adjustments, rules_for(values.price_year)
    )
    horizon = evaluation.horizon_years
    paybacks = {p: np.nan_to_num(outcome.payback[p], nan=np.inf) for p in PERSPECTIVES}
    return Simulation(
        draws=draws,
        revenue={p: Band.of(outcome.revenue[p]) for p in PERSPECTIVES},
        profit_first_year={p: Band.of(outcome.profit(p, 1)) for p in PERSPECTIVES},
        profit_horizon={p: Band.of(outcome.profit(p, horizon)) for p in PERSPECTIVES},
        payback_months={p: Band.of(paybacks[p]) for p in PERSPECTIVES},
        curve=[Band.of(outcome.profit(Perspective.SOCIETY, y)) for y in range(horizon + 1)],
        chance_profitable=float((outcome.profit(Perspective.SOCIETY, horizon) > 0).mean()),
        chance_paid_back={p: float(np.isfinite(paybacks[p]).mean()) for p in PERSPECTIVES},
    )
