"""`samspar bench economics`: how long the socio-economic model takes on generated
participants — the point estimate (``evaluate``) and the Monte Carlo (``simulate``).

The participants are spread evenly over ``profiles`` cohorts, each with its own random
but valid before and after state; one profile per participant is the worst case, as
the simulation resamples participants among the cohorts. No database is involved.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from samspar.economics.defaults import shipped_sets
from samspar.economics.model import (
    RESOURCES,
    SUPPLIES,
    Band,
    Cohort,
    Evaluation,
    Perspective,
    State,
    Uncertainty,
    evaluate,
    simulate,
)

DEFAULT_PARTICIPANTS = 1_000
DEFAULT_DRAWS = 10_000
DEFAULT_REPEAT = 3
DEFAULT_SEED = 2025
PRICE_YEAR = 2025
# About seed 004's cost per participant (6 mkr for 81).
COST_PER_PARTICIPANT = 75_000.0
MAX_SUPPLIES = 3  # supply types per state
MAX_RESOURCE_UNITS = 30.0  # hours or visits per year, before the insats

T = TypeVar("T")


@dataclass(frozen=True)
class Result:
    participants: int
    profiles: int
    draws: int
    evaluate_seconds: float  # best of the repeats
    simulate_seconds: float
    society_revenue: Band  # kronor per year, from the simulation

    @property
    def draws_per_second(self) -> float:
        return self.draws / self.simulate_seconds


def cohorts(participants: int, profiles: int, seed: int = DEFAULT_SEED) -> list[Cohort]:
    """``participants`` spread as evenly as possible over ``profiles`` random cohorts."""
    if not 1 <= profiles <= participants:
        raise ValueError("profiles must be between 1 and the number of participants")
    rng = np.random.default_rng(seed)
    base, extra = divmod(participants, profiles)
    result = []
    for index in range(profiles):
        before = _state(rng, supply_share=rng.uniform(0.5, 1.0), work=rng.uniform(0, 0.25))
        after = _state(rng, supply_share=rng.uniform(0, 1.0), work=rng.uniform(0, 1.0))
        after = State(
            after.supply,
            after.work_extent,
            after.wage_subsidy,
            {k: v * rng.uniform(0.5, 1.2) for k, v in before.resource_use.items()},
        )
        result.append(Cohort(f"profile {index + 1}", base + (index < extra), before, after))
    return result


def _state(rng: np.random.Generator, supply_share: float, work: float) -> State:
    """A valid state: benefits cover ``supply_share`` of the time not worked."""
    codes = rng.choice(sorted(SUPPLIES), size=rng.integers(1, MAX_SUPPLIES + 1), replace=False)
    shares = rng.dirichlet(np.ones(len(codes))) * supply_share * (1 - work)
    return State(
        supply={str(c): float(s) for c, s in zip(codes, shares, strict=True)},
        work_extent=float(work),
        wage_subsidy=float(rng.uniform(0, 1)),
        resource_use={key: float(rng.uniform(0, MAX_RESOURCE_UNITS)) for key in RESOURCES},
    )


def run(
    participants: int = DEFAULT_PARTICIPANTS,
    draws: int = DEFAULT_DRAWS,
    profiles: int | None = None,
    repeat: int = DEFAULT_REPEAT,
    seed: int = DEFAULT_SEED,
) -> Result:
    """Raises ValueError for impossible sizes and InputError for ones the model refuses."""
    profiles = participants if profiles is None else profiles
    evaluation = Evaluation(
        cohorts(participants, profiles, seed), cost=COST_PER_PARTICIPANT * participants
    )
    values = shipped_sets()[PRICE_YEAR].value_set()
    uncertainty = Uncertainty(draws=draws, seed=seed)
    evaluate_seconds, _result = _best(lambda: evaluate(evaluation, values), repeat)
    simulate_seconds, simulation = _best(lambda: simulate(evaluation, values, uncertainty), repeat)
    return Result(
        participants,
        profiles,
        draws,
        evaluate_seconds,
        simulate_seconds,
        simulation.revenue[Perspective.SOCIETY],
    )


def _best(work: Callable[[], T], repeat: int) -> tuple[float, T]:
    """The shortest of ``repeat`` runs (in seconds) and the last run's value."""
    best = float("inf")
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        value = work()
        best = min(best, time.perf_counter() - start)
    return best, value
