"""From states to ledger lines: actor × item × kind × kronor per year.

Everything in ``ledger`` is linear in a state's quantities (benefit shares, extent of
work, resource units), so the lines of a group are the lines of its summed quantities,
and the revenue of an insats is ``ledger(after) - ledger(before)``. Income tax is not
linear in income: ``tax_lines`` taxes each cohort's participant under the law
(``model.tax``), before and after.

A transfer is always booked twice — minus for the payer, plus for the receiver —
so transfers sum to zero for society. Work is booked through the employer, who is
assumed to break even: the production value of work is the wage cost less the wage
subsidy (the subsidy pays for the reduced capacity), and the employer pays that
out as wage and employer contributions. The subsidy is a share σ of the wage cost
of at most the ceiling wage (``wage_subsidy_ceiling``) when the value set has one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from samspar.economics.model.inputs import Cohort, State
from samspar.economics.model.tax import TaxRules, TaxSplit, income_tax
from samspar.economics.model.terms import (
    RESOURCES,
    SUBSIDY_CEILING_KEY,
    SUPPLIES,
    Actor,
    Grade,
    Kind,
)
from samspar.economics.model.values import worst

Array = npt.NDArray[np.float64]

QUANTITIES: tuple[str, ...] = (
    *(f"supply:{code}" for code in SUPPLIES),
    "work",
    "subsidised_work",
    *(f"resource:{key}" for key in RESOURCES),
)
INDEX = {name: i for i, name in enumerate(QUANTITIES)}


@dataclass(frozen=True)
class Line:
    actor: Actor
    item: str  # a supply code, "wage", "employer_contribution", "wage_subsidy",
    # "production", a resource key, or a tax item of TAX_ITEMS
    kind: Kind
    amount: Array  # the actor's gain in kronor per year, one entry per draw
    grade: Grade  # the weakest standard value behind the amount


def quantities(state: State) -> Array:
    """A state as a vector over QUANTITIES (per participant and year)."""
    q = np.zeros(len(QUANTITIES))
    for code, share in state.supply.items():
        if code in SUPPLIES:
            q[INDEX[f"supply:{code}"]] += share
    q[INDEX["work"]] = state.work_extent
    q[INDEX["subsidised_work"]] = state.work_extent * state.wage_subsidy
    for key, units in state.resource_use.items():
        q[INDEX[f"resource:{key}"]] += units
    return q


def ledger(
    totals: Array,
    values: Mapping[str, Array],
    grade: Callable[[str], Grade],
    *,
    subsidy_ceiling: bool = True,
) -> list[Line]:
    """The ledger lines of summed quantities ``totals`` (shape: draws × QUANTITIES).

    ``values`` maps standard-value keys to one amount per draw. With
    ``subsidy_ceiling`` and a ``wage_subsidy_ceiling`` among the values, the wage
    subsidy is paid on the wage up to that ceiling only.
    """
    lines: list[Line] = []

    def q(name: str) -> Array:
        return totals[:, INDEX[name]]

    def transfer(payer: Actor, receiver: Actor, item: str, amount: Array, g: Grade) -> None:
        lines.append(Line(payer, item, Kind.TRANSFER, -amount, g))
        lines.append(Line(receiver, item, Kind.TRANSFER, amount, g))

    for code, rule in SUPPLIES.items():
        share = q(f"supply:{code}")
        if not share.any():
            continue
        amount = share * values[rule.value_key] * 12
        transfer(rule.payer, Actor.INDIVIDUAL, code, amount, grade(rule.value_key))

    work, subsidised = q("work"), q("subsidised_work")
    if work.any() or subsidised.any():
        contribution_rate = values["employer_contribution"]
        yearly_wage = values["average_wage"] * 12
        wage = yearly_wage * work
        g = worst([grade("average_wage"), grade("employer_contribution")])
        # Förordning 2017:462, 21 §: only the wage up to the ceiling (at full time, in
        # proportion to the extent) and the contributions on it count for the subsidy.
        subsidised_wage = yearly_wage
        subsidy_grade = g
        if subsidy_ceiling and SUBSIDY_CEILING_KEY in values:
            subsidised_wage = np.minimum(yearly_wage, values[SUBSIDY_CEILING_KEY] * 12)
            subsidy_grade = worst([g, grade(SUBSIDY_CEILING_KEY)])
        subsidy = subsidised_wage * (1 + contribution_rate) * subsidised
        lines.append(
            Line(
                Actor.EMPLOYER,
                "production",
                Kind.PRODUCTION,
                wage * (1 + contribution_rate) - subsidy,
                subsidy_grade,
            )
        )
        transfer(Actor.EMPLOYER, Actor.INDIVIDUAL, "wage", wage, g)
        transfer(
            Actor.EMPLOYER, Actor.OTHER_STATE, "employer_contribution", wage * contribution_rate, g
        )
        transfer(Actor.AF, Actor.EMPLOYER, "wage_subsidy", subsidy, subsidy_grade)

    for key, resource in RESOURCES.items():
        units = q(f"resource:{key}")
        if units.any():
            cost = units * values[resource.value_key]
            lines.append(Line(resource.actor, key, Kind.RESOURCE, -cost, grade(resource.value_key)))
    return lines


# Who receives each part of a participant's income tax (``tax.TaxSplit``), as ledger items:
# kommun and region their rate of the taxable income; övriga staten the state income tax
# and the pension fee (the pension system), and it bears every tax reduction.
TAX_ITEMS: tuple[tuple[str, Actor, Actor, str], ...] = (  # (TaxSplit field, payer, receiver, item)
    ("kommun", Actor.INDIVIDUAL, Actor.KOMMUN, "income_tax"),
    ("region", Actor.INDIVIDUAL, Actor.REGION, "income_tax"),
    ("state_tax", Actor.INDIVIDUAL, Actor.OTHER_STATE, "state_income_tax"),
    ("pension_fee", Actor.INDIVIDUAL, Actor.OTHER_STATE, "pension_fee"),
    ("reductions", Actor.OTHER_STATE, Actor.INDIVIDUAL, "tax_reductions"),
)
SA_SUPPLIES = ("sjukersattning", "aktivitetsersattning")  # their own tax reduction, no fee
TAX_CHUNK = 128  # cohorts taxed at once, so that draws × cohorts arrays stay in memory


def tax_lines(
    cohorts: Sequence[Cohort],
    counts: Array,
    values: Mapping[str, Array],
    grade: Callable[[str], Grade],
    rules: TaxRules,
) -> list[Line]:
    """The change in income tax: each cohort's participant taxed as one person under the
    law of the price year (``tax.income_tax``) before and after, weighted by the cohort's
    count per draw (``counts``: draws × cohorts). Tax is not linear in income, so it is
    computed per participant, not on the summed quantities as the other lines are.

    Without rounding to hundreds: a cohort's participant is an average of several, and a
    smooth function keeps the Monte Carlo's draws comparable."""
    used: set[str] = {"municipal_tax", "regional_tax"}

    def taxes(states: list[State]) -> TaxSplit:
        """The tax of each state's participant, per draw: arrays of draws × cohorts."""
        extent = np.array([state.work_extent for state in states])
        if extent.any():
            used.add("average_wage")
        work = 12 * values["average_wage"][:, None] * extent[None, :]
        benefits = np.zeros((1, len(states)))
        sa = np.zeros((1, len(states)))
        for code, rule in SUPPLIES.items():
            shares = np.array([state.supply.get(code, 0.0) for state in states])
            if not rule.taxable or not shares.any():
                continue
            used.add(rule.value_key)
            amount = 12 * values[rule.value_key][:, None] * shares[None, :]
            benefits = benefits + amount
            if code in SA_SUPPLIES:
                sa = sa + amount
        return income_tax(
            work,
            benefits,
            values["municipal_tax"][:, None],
            values["regional_tax"][:, None],
            rules,
            sa,
            rounding=False,
        )

    change = {field: np.zeros(counts.shape[0]) for field, *_ in TAX_ITEMS}
    for start in range(0, len(cohorts), TAX_CHUNK):
        chunk = cohorts[start : start + TAX_CHUNK]
        before = taxes([cohort.before for cohort in chunk])
        after = taxes([cohort.after for cohort in chunk])
        weights = counts[:, start : start + TAX_CHUNK]
        for field, *_ in TAX_ITEMS:
            difference = getattr(after, field) - getattr(before, field)
            change[field] = change[field] + (weights * difference).sum(axis=1)
    g = worst([grade(key) for key in used])
    lines: list[Line] = []
    for field, payer, receiver, item in TAX_ITEMS:
        lines.append(Line(payer, item, Kind.TRANSFER, -change[field], g))
        lines.append(Line(receiver, item, Kind.TRANSFER, change[field], g))
    return lines


def actor_sums(lines: Sequence[Line], draws: int) -> dict[Actor, Array]:
    sums = {actor: np.zeros(draws) for actor in Actor}
    for line in lines:
        sums[line.actor] = sums[line.actor] + line.amount
    return sums
