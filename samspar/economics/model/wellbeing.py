"""Beyond money, shown apart (issue 13, item 6): the participants' wellbeing in WELLBYs,
and the individual's own income change per group. Neither is ever added to the fiscal
results (revenue, profitability, payback), which stay the ledger's.

A WELLBY is one point of life satisfaction (0–10) for one person for one year (HM
Treasury, *Green Book supplementary guidance: Wellbeing guidance for appraisal*, 2021).
Each type-case group gives the change in life satisfaction of its participants, after
less before; the evaluation gives what one WELLBY is worth in kronor (none: the WELLBYs
are counted, not valued). The change is the insats's share as the fiscal change is:
less deadweight and attribution, kept over the years with the drop-off and discounted
at the same rate (``evaluate.annuity``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from samspar.economics.model.evaluate import annuity, evaluate
from samspar.economics.model.inputs import Evaluation
from samspar.economics.model.terms import Actor
from samspar.economics.model.values import ValueSet


@dataclass(frozen=True)
class GroupWellbeing:
    name: str
    count: float
    change: float  # life-satisfaction points per participant and year (after − before)


@dataclass(frozen=True)
class Wellbeing:
    groups: list[GroupWellbeing]
    wellbys_per_year: float  # Σ count · change · (1 − deadweight)(1 − attribution)
    wellbys_horizon: float  # over the horizon, with drop-off and discounting
    value_per_wellby: float | None  # kronor; None: not valued
    source: str

    @property
    def value_per_year(self) -> float | None:
        if self.value_per_wellby is None:
            return None
        return self.wellbys_per_year * self.value_per_wellby

    @property
    def value_horizon(self) -> float | None:
        if self.value_per_wellby is None:
            return None
        return self.wellbys_horizon * self.value_per_wellby


def wellbeing(
    evaluation: Evaluation,
    changes: Sequence[float],
    value_per_wellby: float | None,
    source: str = "",
) -> Wellbeing:
    """``changes``: one life-satisfaction change per cohort, in the cohorts' order."""
    groups = [
        GroupWellbeing(c.name, c.count, change)
        for c, change in zip(evaluation.cohorts, changes, strict=True)
    ]
    keep = (1 - evaluation.deadweight) * (1 - evaluation.attribution)
    per_year = keep * sum(g.count * g.change for g in groups)
    return Wellbeing(
        groups=groups,
        wellbys_per_year=per_year,
        wellbys_horizon=per_year * annuity(evaluation, evaluation.horizon_years),
        value_per_wellby=value_per_wellby,
        source=source,
    )


# The individual's items, as ``evaluate`` books them, by what they are to the person.
INCOME_PARTS = {
    "wage": "wage",
    "income_tax": "tax",
    "state_income_tax": "tax",
    "pension_fee": "tax",
    "tax_reductions": "tax",
}


@dataclass(frozen=True)
class GroupIncome:
    """One group's participant: the change in yearly disposable income, after less
    before, and of what it is made (benefits, wage, taxes), as the model books it for
    the individual (adjustments included)."""

    name: str
    count: float
    benefits: float
    wage: float
    tax: float  # taxes and fees paid less reductions; negative when the person pays more

    @property
    def total(self) -> float:
        return self.benefits + self.wage + self.tax


def income_by_group(evaluation: Evaluation, values: ValueSet) -> list[GroupIncome]:
    """Per cohort alone, its participant's change in disposable income (the
    individual's perspective divided by the cohort's count)."""
    found = []
    for cohort in evaluation.cohorts:
        if cohort.count <= 0:
            continue
        result = evaluate(replace(evaluation, cohorts=[cohort]), values)
        parts = {"benefits": 0.0, "wage": 0.0, "tax": 0.0}
        for item in result.items:
            if item.actor == Actor.INDIVIDUAL:
                parts[INCOME_PARTS.get(item.item, "benefits")] += item.change / cohort.count
        found.append(GroupIncome(cohort.name, cohort.count, **parts))
    return found
