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
from samspar.economics.model.values import CEILING_SUFFIX, age_keys, worst

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
        # What the work produces: its wage cost less the reduced capacity that the
        # subsidy share σ stands for (förordning 2017:462: the subsidy compensates for
        # reduced work capacity), whoever pays for that capacity. The ceiling only moves
        # the part above it from Arbetsförmedlingen to the employer.
        lines.append(
            Line(
                Actor.EMPLOYER,
                "production",
                Kind.PRODUCTION,
                (wage - yearly_wage * subsidised) * (1 + contribution_rate),
                g,
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


CONTRIBUTION_KEY = "employer_contribution"


def age_lines(
    cohorts: Sequence[Cohort],
    counts: Array,
    values: Mapping[str, Array],
    grade: Callable[[str], Grade],
    *,
    subsidy_ceiling: bool = True,
    after: Callable[[Cohort], State] | None = None,
) -> list[Line]:
    """What the cohorts with an age change in ``ledger`` of the summed change: for each
    group of cohorts whose age picks the same age-banded keys (``values.age_keys``), the
    group's lines at those values less its lines at the default values. ``ledger`` of all
    cohorts' change plus these lines is therefore the ledger of each group at its own
    values (``ledger`` is linear in the quantities); without ages there are none.

    An age-banded employer contribution with a ceiling ("<key>_ceiling", kronor per
    month) applies to the monthly wage up to the ceiling at the state's work extent
    and the default rate above it; the wage subsidy's contributions use the same
    average rate. ``counts``: draws × cohorts; ``after``: the state after of a cohort
    (default its own)."""
    after = after or (lambda cohort: cohort.after)
    groups: dict[tuple[tuple[tuple[str, str], ...], tuple[float, float] | None], list[int]] = {}
    for i, cohort in enumerate(cohorts):
        keys = age_keys(cohort.age, values)
        if not keys:
            continue
        ceiling = _contribution_ceiling(keys, values)
        extents = (cohort.before.work_extent, after(cohort).work_extent) if ceiling else None
        groups.setdefault((tuple(sorted(keys.items())), extents), []).append(i)
    lines: list[Line] = []
    for (pairs, extents), members in groups.items():
        keys = dict(pairs)
        weights = counts[:, members]
        before = weights @ np.stack([quantities(cohorts[i].before) for i in members])
        later = weights @ np.stack([quantities(after(cohorts[i])) for i in members])
        banded = {**values, **{base: values[key] for base, key in keys.items()}}
        ceiling = _contribution_ceiling(keys, values)

        def banded_grade(
            key: str, keys: dict[str, str] = keys, ceiling: str | None = ceiling
        ) -> Grade:
            found = [grade(keys.get(key, key))]
            if key == CONTRIBUTION_KEY and ceiling:
                found.append(grade(ceiling))
            return worst(found)

        if extents is None or ceiling is None:
            new = ledger(later - before, banded, banded_grade, subsidy_ceiling=subsidy_ceiling)
        else:
            at = [
                {**banded, CONTRIBUTION_KEY: _rate_up_to(values, keys, ceiling, extent)}
                for extent in extents
            ]
            new = ledger(later, at[1], banded_grade, subsidy_ceiling=subsidy_ceiling)
            new += _negated(ledger(before, at[0], banded_grade, subsidy_ceiling=subsidy_ceiling))
        old = ledger(later - before, values, grade, subsidy_ceiling=subsidy_ceiling)
        lines += new + _negated(old)
    return lines


def _contribution_ceiling(keys: Mapping[str, str], values: Mapping[str, Array]) -> str | None:
    """The ceiling key of the age-banded employer contribution, where it has one."""
    key = keys.get(CONTRIBUTION_KEY)
    return key + CEILING_SUFFIX if key and key + CEILING_SUFFIX in values else None


def _rate_up_to(
    values: Mapping[str, Array], keys: Mapping[str, str], ceiling: str, extent: float
) -> Array:
    """The average contribution rate on a monthly wage of ``extent`` × the average
    wage: the age-banded rate up to the ceiling, the default rate above it."""
    banded, default = values[keys[CONTRIBUTION_KEY]], values[CONTRIBUTION_KEY]
    pay = extent * values[keys.get("average_wage", "average_wage")]
    if extent <= 0:
        return banded
    under = np.minimum(pay, values[ceiling])
    return (banded * under + default * (pay - under)) / pay


def _negated(lines: list[Line]) -> list[Line]:
    return [Line(line.actor, line.item, line.kind, -line.amount, line.grade) for line in lines]


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
    *,
    work_after: Array | None = None,
) -> list[Line]:
    """The change in income tax: each cohort's participant taxed as one person under the
    law of the price year (``tax.income_tax``) before and after, weighted by the cohort's
    count per draw (``counts``: draws × cohorts). ``work_after`` (draws × cohorts): the
    after-states' work extent per draw, where the Monte Carlo varies it. Tax is not
    linear in income, so it is computed per participant, not on the summed quantities
    as the other lines are.

    Without rounding to hundreds: a cohort's participant is an average of several, and a
    smooth function keeps the Monte Carlo's draws comparable."""
    used: set[str] = {"municipal_tax", "regional_tax"}
    bands = [age_keys(cohort.age, values) for cohort in cohorts]

    def column(key: str, maps: list[dict[str, str]]) -> Array:
        """The value of ``key`` per draw (× 1), or draws × cohorts where a cohort's age
        picks an age-banded key instead (``values.age_keys``)."""
        if not any(key in m for m in maps):
            return values[key][:, None]
        used.update(m.get(key, key) for m in maps)
        return np.stack(np.broadcast_arrays(*(values[m.get(key, key)] for m in maps)), axis=1)

    def taxes(
        states: list[State], maps: list[dict[str, str]], drawn: Array | None = None
    ) -> TaxSplit:
        """The tax of each state's participant, per draw: arrays of draws × cohorts;
        ``maps``: their age-banded keys; ``drawn``: their work extents per draw instead
        of their own."""
        extent = np.array([state.work_extent for state in states])
        if extent.any():
            used.add("average_wage")
        worked = extent[None, :] if drawn is None else drawn
        work = 12 * column("average_wage", maps) * worked
        benefits = np.zeros((1, len(states)))
        sa = np.zeros((1, len(states)))
        for code, rule in SUPPLIES.items():
            shares = np.array([state.supply.get(code, 0.0) for state in states])
            if not rule.taxable or not shares.any():
                continue
            used.add(rule.value_key)
            amount = 12 * column(rule.value_key, maps) * shares[None, :]
            benefits = benefits + amount
            if code in SA_SUPPLIES:
                sa = sa + amount
        return income_tax(
            work,
            benefits,
            column("municipal_tax", maps),
            column("regional_tax", maps),
            rules,
            sa,
            rounding=False,
        )

    change = {field: np.zeros(counts.shape[0]) for field, *_ in TAX_ITEMS}
    for start in range(0, len(cohorts), TAX_CHUNK):
        chunk = cohorts[start : start + TAX_CHUNK]
        maps = bands[start : start + TAX_CHUNK]
        before = taxes([cohort.before for cohort in chunk], maps)
        after = taxes(
            [cohort.after for cohort in chunk],
            maps,
            None if work_after is None else work_after[:, start : start + TAX_CHUNK],
        )
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
