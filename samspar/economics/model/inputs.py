"""What an evaluation is made of, and the checks that refuse half-valid input.

Every check runs and every problem is reported at once (``InputError.problems``);
nothing is computed from input with a problem. A ``Problem`` carries a code and
parameters, so the Django layer can word it in Swedish (``economics.labels``, by
code); ``Problem.message`` is the model's own English wording (``MESSAGES``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from samspar.economics.model.terms import (
    NO_MONEY_SUPPLIES,
    RESOURCES,
    SUPPLIES,
    WAGE_KEYS,
    Actor,
    CostBasis,
)
from samspar.economics.model.values import DEFAULT_HAIRCUTS, ValueSet

TOLERANCE = 1e-6


# The model's English wording of each problem code, %-formatted with the problem's
# parameters ("%%" is a percent sign). The Django layer translates by code.
MESSAGES: Mapping[str, str] = {
    "shares_sum": "The shares must add up to 100 %% (now %(total)s %%).",
    "negative": "Must not be negative.",
    "out_of_range": "Must be between %(low)s and %(high)s.",
    "bad_range": "The range must run from low to high within %(low)s–%(high)s.",
    "missing_value": "The standard values of this price year lack “%(key)s”.",
    "no_participants": "There are no participants to evaluate.",
    "supply_sum": "The supply shares of one state may not exceed 100 %%.",
    "supply_and_work_sum": (
        "The supply shares and the work extent of one state may not exceed 100 %% "
        "together (now %(total)s %%)."
    ),
    "subsidy_without_work": (
        "A wage subsidy of %(subsidy)s %% needs work: the work extent is 0 %%."
    ),
    "unknown_supply": "Unknown supply type “%(code)s”.",
    "unknown_resource": "Unknown resource “%(key)s”.",
    "unknown_choice": "Unknown choice “%(value)s”.",
    "too_few_participants": (
        "Fewer than %(threshold)s participants ended in the period; an evaluation of "
        "registered individuals needs at least %(threshold)s, so that no one can be "
        "recognised (their number is not shown either)."
    ),
}


@dataclass(frozen=True)
class Problem:
    code: str  # e.g. "shares_sum", "negative", "missing_value"
    where: str  # "cost", "groups", "before.supply.sjukpenning", "value:average_wage"
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The problem in English (the code itself when it has no wording)."""
        template = MESSAGES.get(self.code)
        if template is None:
            return self.code
        return template % dict(self.params)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class InputError(ValueError):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(map(str, self.problems)))


@dataclass(frozen=True)
class State:
    """One participant's situation over a year, before or after the insats.

    ``supply`` maps supply-type codes to the share of full time a benefit is paid
    (1.0 = the whole year at the standard level); ``work_extent`` is the share of
    full time worked and ``wage_subsidy`` the share of the wage cost paid by
    Arbetsförmedlingen; ``resource_use`` maps resource keys to units per year.
    """

    supply: Mapping[str, float] = field(default_factory=dict)
    work_extent: float = 0.0
    wage_subsidy: float = 0.0
    resource_use: Mapping[str, float] = field(default_factory=dict)

    def scaled_resources(self, factor: float) -> State:
        return State(
            self.supply,
            self.work_extent,
            self.wage_subsidy,
            {k: v * factor for k, v in self.resource_use.items()},
        )

    def problems(self, where: str) -> list[Problem]:
        found: list[Problem] = []
        for code, share in self.supply.items():
            if code not in SUPPLIES and code not in NO_MONEY_SUPPLIES:
                found.append(Problem("unknown_supply", f"{where}.supply", {"code": code}))
            found += _fraction(share, f"{where}.supply.{code}")
        if sum(self.supply.values()) > 1 + TOLERANCE:
            found.append(Problem("supply_sum", f"{where}.supply"))
        else:
            # Work is its own share of the year ("lon" among the supply types says the
            # same thing, so it is not counted twice).
            occupied = self.work_extent + sum(
                share for code, share in self.supply.items() if code != "lon"
            )
            if occupied > 1 + TOLERANCE:
                found.append(
                    Problem("supply_and_work_sum", f"{where}.supply", {"total": _percent(occupied)})
                )
        found += _fraction(self.work_extent, f"{where}.work_extent")
        found += _fraction(self.wage_subsidy, f"{where}.wage_subsidy")
        if self.wage_subsidy > 0 and self.work_extent <= 0:
            found.append(
                Problem(
                    "subsidy_without_work",
                    f"{where}.wage_subsidy",
                    {"subsidy": _percent(self.wage_subsidy)},
                )
            )
        for key, units in self.resource_use.items():
            if key not in RESOURCES:
                found.append(Problem("unknown_resource", f"{where}.resource_use", {"key": key}))
            found += _non_negative(units, f"{where}.resource_use.{key}")
        return found

    def value_keys(self) -> set[str]:
        keys = {SUPPLIES[c].value_key for c, s in self.supply.items() if c in SUPPLIES and s}
        keys |= {RESOURCES[k].value_key for k, u in self.resource_use.items() if k in RESOURCES}
        return keys


@dataclass(frozen=True)
class Cohort:
    """``count`` participants (a type-case group, or individuals with equal states).

    ``age``: the age they reach in the price year (price year − birth year), which
    picks the age-banded standard values (``values.age_keys``: aktivitetsersättning,
    the employer contributions); None: the default values."""

    name: str
    count: float
    before: State
    after: State
    age: int | None = None


def type_cases(
    participants: int, before: State, groups: Sequence[tuple[str, float, State]]
) -> list[Cohort]:
    """Seed 004's way in: one average *before* state and after-groups with shares.

    Raises InputError unless the shares are fractions summing to 1.
    """
    found: list[Problem] = []
    for name, share, _after in groups:
        found += _fraction(share, f"groups.{name}")
    total = sum(share for _, share, _ in groups)
    if not math.isclose(total, 1.0, abs_tol=1e-4):
        found.append(Problem("shares_sum", "groups", {"total": _percent(total)}))
    if participants <= 0:
        found.append(Problem("no_participants", "participants"))
    if found:
        raise InputError(found)
    return [Cohort(name, participants * share, before, after) for name, share, after in groups]


# Seed 004 and Finsam's usual split: a quarter to each of the four parties.
QUARTER_EACH: Mapping[Actor, float] = {
    Actor.KOMMUN: 0.25,
    Actor.REGION: 0.25,
    Actor.FK: 0.25,
    Actor.AF: 0.25,
}


@dataclass(frozen=True)
class Evaluation:
    """Everything the model needs besides the standard values."""

    cohorts: Sequence[Cohort]
    cost: float  # kronor spent on the insats for these participants
    indirect_tax_factor: float = 1.25  # NyttoSam; ASEK uses about 1.21
    cost_split: Mapping[Actor, float] = field(default_factory=lambda: dict(QUARTER_EACH))
    horizon_years: int = 5
    discount_rate: float = 0.0  # 0.035 when discounting as the Green Book does
    deadweight: float = 0.0  # share of the change that would have happened anyway
    attribution: float = 0.0  # share of the change owed to others than the insats
    # Share of the work the participants gain that others lose (undanträngning): the
    # change of every cohort that gains work counts (1 - displacement) times.
    displacement: float = 0.0
    drop_off: float = 0.0  # yearly share of the after-state that is lost
    optimism_bias: bool = False  # haircut each line by its standard value's grade
    haircuts: Mapping[Any, float] = field(default_factory=lambda: dict(DEFAULT_HAIRCUTS))
    # An actor's cost share is of the uplifted cost (Samspår's default) or of the
    # nominal cost (seed 004); society always bears the uplifted cost.
    actor_cost: CostBasis = CostBasis.UPLIFTED
    # Society's real resources (production at wage cost, saved caseworker hours and care
    # visits, valued at producer prices) uplifted by the indirect-tax factor as the cost
    # is: every society amount in consumer prices (ASEK). False: the cost only (seed 004).
    consumer_prices: bool = False
    # Pay the wage subsidy on the wage up to the standard value wage_subsidy_ceiling
    # (when the value set has it); False: on the whole wage cost, as seed 004 does.
    wage_subsidy_ceiling: bool = True

    @property
    def participants(self) -> float:
        return sum(c.count for c in self.cohorts)

    def problems(self, values: ValueSet) -> list[Problem]:
        found: list[Problem] = []
        if not self.cohorts or self.participants <= 0:
            found.append(Problem("no_participants", "cohorts"))
        for cohort in self.cohorts:
            found += _non_negative(cohort.count, f"cohorts.{cohort.name}.count")
            if cohort.age is not None and not 0 <= cohort.age <= 120:
                found.append(
                    Problem("out_of_range", f"cohorts.{cohort.name}.age", {"low": 0, "high": 120})
                )
            found += cohort.before.problems(f"{cohort.name}.before")
            found += cohort.after.problems(f"{cohort.name}.after")
        found += _non_negative(self.cost, "cost")
        if self.indirect_tax_factor < 1:
            found.append(Problem("out_of_range", "indirect_tax_factor", {"low": 1, "high": 2}))
        for actor, share in self.cost_split.items():
            found += _fraction(share, f"cost_split.{actor}")
        split_total = sum(self.cost_split.values())
        if not math.isclose(split_total, 1.0, abs_tol=1e-4):
            found.append(Problem("shares_sum", "cost_split", {"total": _percent(split_total)}))
        if not 1 <= self.horizon_years <= 50:
            found.append(Problem("out_of_range", "horizon_years", {"low": 1, "high": 50}))
        for name in ("discount_rate", "deadweight", "attribution", "displacement", "drop_off"):
            found += _fraction(getattr(self, name), name)
        if self.actor_cost not in set(CostBasis):
            found.append(Problem("unknown_choice", "actor_cost", {"value": self.actor_cost}))
        found += missing_values(self.needed_values(), values)
        return found

    def needed_values(self) -> set[str]:
        keys = set(WAGE_KEYS)
        for cohort in self.cohorts:
            keys |= cohort.before.value_keys() | cohort.after.value_keys()
        return keys

    def check(self, values: ValueSet) -> None:
        problems = self.problems(values)
        if problems:
            raise InputError(problems)


def missing_values(keys: Iterable[str], values: ValueSet) -> list[Problem]:
    return [
        Problem("missing_value", f"value:{key}", {"key": key})
        for key in sorted(keys)
        if key not in values.amounts
    ] + [
        Problem("negative", f"value:{key}", {"key": key})
        for key in sorted(keys)
        if values.amounts.get(key, 0) < 0
    ]


def _fraction(x: float, where: str) -> list[Problem]:
    if not (0 <= x <= 1 + TOLERANCE) or math.isnan(x):
        return [Problem("out_of_range" if x >= 0 else "negative", where, {"low": 0, "high": 100})]
    return []


def _percent(x: float) -> float | int:
    """A share as percent for a message: 1.25 → 125, 0.3333 → 33.33."""
    percent = round(x * 100, 2)
    return int(percent) if percent.is_integer() else percent


def _non_negative(x: float, where: str) -> list[Problem]:
    return [Problem("negative", where)] if x < 0 or math.isnan(x) else []
