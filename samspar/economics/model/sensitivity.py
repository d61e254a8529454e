"""One-way sensitivity (the tornado) and the switching values of deadweight and work.

``one_way`` sets each uncertain input to the low and the high end of its Monte Carlo
range (``uncertainty.Uncertainty``), everything else at the point estimate, and gives
society's payback time and its profitability after the horizon at both ends. Rows are
ranked by the swing of the payback; an end that never pays back makes the swing
infinite, the largest; ties (two such rows, or no payback anywhere) go by the swing of
the profitability. All scenarios run at once, as draws of ``evaluate.run``.

``switching_deadweight`` is the deadweight at which society's profitability after the
horizon is 0 (closed form: the revenue scales by 1 − deadweight); ``switching_work``
the factor on the after-states' work extent at which it is 0 (found on the model).
Formulas in docs/economics.md, "One-way sensitivity (tornado)".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np

from samspar.economics.model.evaluate import (
    Adjustments,
    Drawn,
    Outcome,
    run,
    work_after,
    work_room,
)
from samspar.economics.model.inputs import Evaluation, InputError
from samspar.economics.model.ledger import Array
from samspar.economics.model.tax import rules_for
from samspar.economics.model.terms import SUBSIDY_CEILING_KEY, Perspective
from samspar.economics.model.uncertainty import Range, Uncertainty
from samspar.economics.model.values import ValueSet

TOP = 10  # rows the tornado keeps
# The discount rate is a convention, not a measurement, and is not drawn in the Monte
# Carlo; the tornado shows the choice between NyttoSam's 0 % and the Green Book's 3,5 %
# (widened to hold the evaluation's own rate).
DISCOUNT_RANGE: Range = (0.0, 0.035)
# The group shares' range: their 95 % interval under the Monte Carlo's multinomial
# resampling (normal approximation, p ± 1,96 · √(p(1 − p)/n)).
SHARE_Z = 1.96
SOCIETY = Perspective.SOCIETY


@dataclass(frozen=True)
class SensitivityRow:
    """One input at the two ends of its range, everything else at the point estimate.
    Paybacks in months (None: never within 50 years); profitability after the
    horizon in kronor; both society's."""

    key: str  # "value:<key>", "cost", "indirect_tax_factor", "work_extent",
    # "discount_rate", an adjustment ("deadweight", …) or "share:<group>"
    label: str  # what to label it by: the value key, the group's name, else the key
    low: float  # the input at the low end (kronor, a share or a factor)
    high: float
    payback_low: float | None
    payback_high: float | None
    profit_low: float
    profit_high: float

    @property
    def swing(self) -> float:
        """How far the payback moves between the ends (months); infinite when one end
        never pays back and the other does; 0 when neither does."""
        a, b = self.payback_low, self.payback_high
        if a is None and b is None:
            return 0.0
        if a is None or b is None:
            return math.inf
        return abs(b - a)

    @property
    def profit_swing(self) -> float:
        return abs(self.profit_high - self.profit_low)


@dataclass(frozen=True)
class Sensitivity:
    """The tornado's rows and the switching values, with the point they depart from."""

    payback: float | None  # society's payback at the point estimate (months)
    profit: float  # society's profitability after the horizon at the point estimate
    rows: list[SensitivityRow]  # the largest swings first, at most ``TOP``
    deadweight: float | None  # switching value; None: no deadweight in 0–100 % gives 0
    work_factor: float | None  # switching value; None: no factor up to full time gives 0
    work_now: float  # full-time equivalents at work after (Σ n_i · w_i)
    work_needed: float | None  # the same at the switching factor


@dataclass
class _Scenarios:
    """Inputs per scenario, built one override at a time and run as draws."""

    evaluation: Evaluation
    values: ValueSet
    keys: list[tuple[str, str, float, float]]  # key, label, low, high
    overrides: list[tuple[str, float | Array]]  # one per scenario (two per key)

    def add(
        self, key: str, label: str, bounds: Range, low: float | Array, high: float | Array
    ) -> None:
        self.keys.append((key, label, *bounds))
        self.overrides += [(key, low), (key, high)]


def one_way(
    evaluation: Evaluation,
    values: ValueSet,
    uncertainty: Uncertainty | None = None,
    *,
    per_cohort: bool = True,
) -> list[SensitivityRow]:
    """Every uncertain input with a range, ranked by the swing of society's payback
    (then of its profitability after the horizon). ``per_cohort``: include each group's
    share (type cases; not for registered individuals, whose cohorts are profiles)."""
    uncertainty = uncertainty or Uncertainty()
    problems = evaluation.problems(values) + uncertainty.problems()
    if problems:
        raise InputError(problems)
    found = _Scenarios(evaluation, values, [], [])
    used = sorted(
        k
        for k in evaluation.needed_values() | {SUBSIDY_CEILING_KEY}
        if k in values.amounts
        and (k != SUBSIDY_CEILING_KEY or evaluation.wage_subsidy_ceiling)
        and values.amounts[k] != 0
    )
    for key in used:
        amount = values.amounts[key]
        spread = uncertainty.spreads.get(values.grade(key), 0.0)
        if spread:
            bounds = (amount * (1 - spread), amount * (1 + spread))
            found.add(f"value:{key}", key, bounds, bounds[0], bounds[1])
    _ranged(found, "cost", uncertainty.cost_range(evaluation.cost))
    _ranged(
        found,
        "indirect_tax_factor",
        uncertainty.tax_factor_range(evaluation.indirect_tax_factor),
    )
    if any(c.after.work_extent > 0 for c in evaluation.cohorts):
        _ranged(found, "work_extent", uncertainty.work_factor_range())
    for adjustment in fields(Adjustments):
        given = getattr(uncertainty, adjustment.name, None)
        if isinstance(given, tuple):
            _ranged(found, adjustment.name, (float(given[0]), float(given[1])))
    counts = np.array([c.count for c in evaluation.cohorts], dtype=float)
    n = counts.sum()
    if per_cohort and uncertainty.resample_participants and len(counts) > 1:
        whole = max(round(n), 1)
        for i, cohort in enumerate(evaluation.cohorts):
            p = counts[i] / n
            half = SHARE_Z * math.sqrt(p * (1 - p) / whole)
            bounds = (max(0.0, p - half), min(1.0, p + half))
            if bounds[1] > bounds[0]:
                found.add(
                    f"share:{cohort.name}",
                    cohort.name,
                    bounds,
                    _with_share(counts, i, bounds[0]),
                    _with_share(counts, i, bounds[1]),
                )
    outcome = _run(found) if found.overrides else None
    if outcome is None:
        return [_discount_row(evaluation, values)]
    payback = outcome.payback[SOCIETY]
    profit = outcome.profit(SOCIETY, evaluation.horizon_years)
    rows = [
        SensitivityRow(
            key,
            label,
            low,
            high,
            _months(payback[2 * k]),
            _months(payback[2 * k + 1]),
            float(profit[2 * k]),
            float(profit[2 * k + 1]),
        )
        for k, (key, label, low, high) in enumerate(found.keys)
    ]
    rows.append(_discount_row(evaluation, values))
    return sorted(rows, key=lambda r: (-r.swing, -r.profit_swing))


def sensitivity(
    evaluation: Evaluation,
    values: ValueSet,
    uncertainty: Uncertainty | None = None,
    *,
    per_cohort: bool = True,
    top: int = TOP,
) -> Sensitivity:
    """The ``top`` rows of ``one_way`` and both switching values."""
    rows = one_way(evaluation, values, uncertainty, per_cohort=per_cohort)
    point = _point(evaluation, values, Drawn())
    factor = switching_work(evaluation, values)
    counts = np.array([c.count for c in evaluation.cohorts], dtype=float)
    own = np.array([c.after.work_extent for c in evaluation.cohorts])
    needed = None
    if factor is not None:
        needed = float(counts @ work_after(evaluation, np.array([factor]))[0])
    return Sensitivity(
        payback=_months(point.payback[SOCIETY][0]),
        profit=float(point.profit(SOCIETY, evaluation.horizon_years)[0]),
        rows=rows[:top],
        deadweight=switching_deadweight(evaluation, values),
        work_factor=factor,
        work_now=float(counts @ own),
        work_needed=needed,
    )


def switching_deadweight(evaluation: Evaluation, values: ValueSet) -> float | None:
    """The deadweight d* at which society's profitability after the horizon N is 0:
    every line scales by 1 − deadweight (the haircut too), so with R the revenue and
    d the deadweight of the evaluation, R(d*) · A(N) = C gives
    d* = 1 − (1 − d) · C / (A(N) · R). None where R ≤ 0 or d* < 0 (a loss even
    without deadweight)."""
    outcome = _point(evaluation, values, Drawn())
    revenue = float(outcome.revenue[SOCIETY][0])
    annuity = float(outcome.annuity[0, evaluation.horizon_years])
    cost = float(outcome.cost[SOCIETY][0])
    if revenue <= 0 or annuity <= 0 or evaluation.deadweight >= 1:
        return None
    switching = 1 - (1 - evaluation.deadweight) * cost / (annuity * revenue)
    return switching if switching >= 0 else None


def switching_work(
    evaluation: Evaluation, values: ValueSet, *, rounds: int = 5, points: int = 65
) -> float | None:
    """The factor k* on the work extent of every after-state (capped as in the Monte
    Carlo: ``evaluate.work_after``) at which society's profitability after the
    horizon is 0. Profitability does not fall as k grows (more work is more
    production), so the first grid point with a profit brackets k*; the bracket is
    refined ``rounds`` times. None where no after-state works, where the insats is
    profitable even without any work (k = 0), or where it is not even when every
    after-state with work works as much as its supply shares allow."""
    extent = np.array([c.after.work_extent for c in evaluation.cohorts])
    if not (extent > 0).any():
        return None
    room = work_room(evaluation)
    top = float(np.max(room[extent > 0] / extent[extent > 0]))
    low, high = 0.0, top
    ends = _work_profit(evaluation, values, np.array([low, high]))
    if ends[0] >= 0 or ends[1] < 0:
        return None
    for _ in range(rounds):
        grid = np.linspace(low, high, points)
        profit = _work_profit(evaluation, values, grid)
        first = int(np.argmax(profit >= 0))  # the last point is ≥ 0 (bracketed)
        low, high = float(grid[max(first - 1, 0)]), float(grid[first])
    return (low + high) / 2


def _work_profit(evaluation: Evaluation, values: ValueSet, factors: Array) -> Array:
    outcome = _point(evaluation, values, Drawn(work_factor=factors), draws=factors.size)
    return outcome.profit(SOCIETY, evaluation.horizon_years)


def _ranged(found: _Scenarios, key: str, bounds: Range) -> None:
    if bounds[1] > bounds[0]:
        found.add(key, key, bounds, bounds[0], bounds[1])


def _with_share(counts: Array, i: int, share: float) -> Array:
    """The counts with group ``i`` at ``share`` of the participants and the others
    scaled to fill the rest in their own proportions (n stays the same, as in the
    resampling)."""
    n = counts.sum()
    rest = n - counts[i]
    scaled = counts * ((1 - share) * n / rest if rest > 0 else 0.0)
    scaled[i] = share * n
    return scaled


def _run(found: _Scenarios) -> Outcome:
    """Every scenario of ``found`` as one draw."""
    evaluation, values = found.evaluation, found.values
    draws = len(found.overrides)
    counts = np.tile([c.count for c in evaluation.cohorts], (draws, 1)).astype(float)
    arrays = {k: np.full(draws, float(v)) for k, v in values.amounts.items()}
    point = Adjustments.of(evaluation)
    adjustments = {f.name: np.repeat(getattr(point, f.name), draws) for f in fields(Adjustments)}
    cost = np.full(draws, float(evaluation.cost))
    factor = np.full(draws, float(evaluation.indirect_tax_factor))
    work = np.ones(draws)
    for d, (key, x) in enumerate(found.overrides):
        if isinstance(x, np.ndarray):  # a group's share: the counts it gives
            counts[d] = x
        elif key.startswith("value:"):
            arrays[key.removeprefix("value:")][d] = x
        elif key == "cost":
            cost[d] = x
        elif key == "indirect_tax_factor":
            factor[d] = x
        elif key == "work_extent":
            work[d] = x
        else:
            adjustments[key][d] = x
    return run(
        evaluation,
        counts,
        arrays,
        values.grade,
        Adjustments(**adjustments),
        rules_for(values.price_year),
        Drawn(cost=cost, indirect_tax_factor=factor, work_factor=work),
    )


def _discount_row(evaluation: Evaluation, values: ValueSet) -> SensitivityRow:
    low = min(DISCOUNT_RANGE[0], evaluation.discount_rate)
    high = max(DISCOUNT_RANGE[1], evaluation.discount_rate)
    ends = [_point(replace(evaluation, discount_rate=r), values, Drawn()) for r in (low, high)]
    paybacks = [_months(o.payback[SOCIETY][0]) for o in ends]
    profits = [float(o.profit(SOCIETY, evaluation.horizon_years)[0]) for o in ends]
    return SensitivityRow(
        "discount_rate",
        "discount_rate",
        low,
        high,
        paybacks[0],
        paybacks[1],
        profits[0],
        profits[1],
    )


def _point(evaluation: Evaluation, values: ValueSet, drawn: Drawn, draws: int = 1) -> Outcome:
    """The model at the point estimate, ``draws`` times (with ``drawn`` varying)."""
    counts = np.tile([c.count for c in evaluation.cohorts], (draws, 1)).astype(float)
    point = Adjustments.of(evaluation)
    return run(
        evaluation,
        counts,
        {k: np.full(draws, float(v)) for k, v in values.amounts.items()},
        values.grade,
        Adjustments(
            **{f.name: np.repeat(getattr(point, f.name), draws) for f in fields(Adjustments)}
        ),
        rules_for(values.price_year),
        drawn,
    )


def _months(x: float) -> float | None:
    return None if math.isnan(x) else float(x)
