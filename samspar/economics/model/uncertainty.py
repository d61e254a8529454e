"""Monte Carlo over the inputs: how certain is the answer?

Each draw takes every standard value from a triangular distribution around its
amount (half-width by confidence grade), resamples the participants among the
cohorts (a multinomial draw with the observed shares: the outcome could have
fallen otherwise: this is how the group shares vary), and takes deadweight,
attribution and drop-off uniformly from their ranges when ranges are given. It also
draws the insats's cost, the indirect-tax factor and a factor on the work extent of
the after-states, each from a triangular distribution around the evaluation's own
(``Uncertainty``; docs/economics.md, "Uncertainty: Monte Carlo"). The wage varies as
the standard value ``average_wage``, by its grade. All draws run at once as NumPy
arrays, reproducibly from the seed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from samspar.economics.model.evaluate import Adjustments, Drawn, run
from samspar.economics.model.inputs import Evaluation, InputError, Problem
from samspar.economics.model.ledger import Array
from samspar.economics.model.tax import rules_for
from samspar.economics.model.terms import PERSPECTIVES, Grade, Perspective
from samspar.economics.model.values import DEFAULT_SPREADS, ValueSet

Range = tuple[float, float]

# Half-width of the cost's triangular range when the evaluation gives none: Samspår's
# assumption (grade C: an estimate, as a budget for the participants of a period is).
COST_SPREAD = 0.10
# The indirect-tax factor's range: ASEK (Trafikverket's Analysmetod och
# samhällsekonomiska kalkylvärden), skattefaktor 1,21 to 1,30 — from memory, unverified;
# widened to hold the evaluation's own factor, its mode.
TAX_FACTOR_RANGE: Range = (1.21, 1.30)
# Half-width of the factor on the after-states' work extent (Samspår's assumption): how
# much the extent a group or mapping row states may be off.
WORK_EXTENT_SPREAD = 0.20


@dataclass(frozen=True)
class Uncertainty:
    draws: int = 10_000
    seed: int = 2025
    spreads: Mapping[Grade, float] = field(default_factory=lambda: dict(DEFAULT_SPREADS))
    resample_participants: bool = True
    deadweight: Range | None = None
    attribution: Range | None = None
    drop_off: Range | None = None
    displacement: Range | None = None
    # The insats's cost in kronor; None: triangular ± ``cost_spread`` around it.
    cost: Range | None = None
    cost_spread: float = COST_SPREAD
    indirect_tax_factor: Range = TAX_FACTOR_RANGE
    work_extent_spread: float = WORK_EXTENT_SPREAD

    def cost_range(self, cost: float) -> Range:
        """The cost's range: the evaluation's own, else ± ``cost_spread``."""
        if self.cost is not None:
            return self.cost
        return (cost * (1 - self.cost_spread), cost * (1 + self.cost_spread))

    def tax_factor_range(self, factor: float) -> Range:
        """The indirect-tax factor's range, widened to hold ``factor``."""
        low, high = self.indirect_tax_factor
        return (min(low, factor), max(high, factor))

    def work_factor_range(self) -> Range:
        """The range of the factor on the after-states' work extent (around 1)."""
        return (max(0.0, 1 - self.work_extent_spread), 1 + self.work_extent_spread)

    def problems(self) -> list[Problem]:
        found = []
        if not 1 <= self.draws <= 1_000_000:
            found.append(Problem("out_of_range", "draws", {"low": 1, "high": 1_000_000}))
        for name in ("deadweight", "attribution", "drop_off", "displacement"):
            bounds = getattr(self, name)
            if bounds is not None and not 0 <= bounds[0] <= bounds[1] <= 1:
                found.append(Problem("bad_range", f"{name}_range", {"low": 0, "high": 100}))
        if self.cost is not None and not 0 <= self.cost[0] <= self.cost[1]:
            found.append(Problem("bad_range", "cost_range", {"low": 0, "high": "∞"}))
        low, high = self.indirect_tax_factor
        if not 1 <= low <= high:
            found.append(Problem("bad_range", "indirect_tax_factor_range", {"low": 1, "high": "∞"}))
        for name in ("cost_spread", "work_extent_spread"):
            if not 0 <= getattr(self, name) <= 1:
                found.append(Problem("out_of_range", name, {"low": 0, "high": 100}))
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
        shares(evaluation.displacement, uncertainty.displacement),
    )
    # Drawn last, so that the draws above stay those of a seed before these were added.
    drawn = Drawn(
        cost=_triangular(rng, uncertainty.cost_range(evaluation.cost), evaluation.cost, draws),
        indirect_tax_factor=_triangular(
            rng,
            uncertainty.tax_factor_range(evaluation.indirect_tax_factor),
            evaluation.indirect_tax_factor,
            draws,
        ),
        work_factor=_triangular(rng, uncertainty.work_factor_range(), 1.0, draws),
    )
    outcome = run(
        evaluation,
        sampled,
        arrays,
        values.grade,
        adjustments,
        rules_for(values.price_year),
        drawn,
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


def _triangular(rng: np.random.Generator, bounds: Range, mode: float, draws: int) -> Array:
    """``draws`` from the triangular distribution over ``bounds`` with ``mode`` (moved
    into the range if it lies outside); the mode itself where the range is a point."""
    low, high = bounds
    mode = min(max(mode, low), high)
    if high <= low:
        return np.full(draws, float(mode))
    return rng.triangular(low, mode, high, draws)
