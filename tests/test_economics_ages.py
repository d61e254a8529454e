"""Age-dependent standard values (aktivitetsersättning by age, the employer contributions
of the young and the old): a cohort with an age is priced with the age-banded keys of
its value set, a cohort without one exactly as before (hypothesis)."""

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samspar.economics.defaults import shipped_sets
from samspar.economics.model import (
    Actor,
    Cohort,
    Evaluation,
    Perspective,
    State,
    ValueSet,
    evaluate,
)
from samspar.economics.model.values import age_band, age_keys
from tests.test_economics_properties import evaluations

V2025 = shipped_sets()[2025].value_set()
V2026 = shipped_sets()[2026].value_set()
AGES = st.one_of(st.none(), st.integers(16, 80))


def without_bands(values: ValueSet) -> ValueSet:
    """The value set with only its default keys (as before age-banded keys existed):
    no "<key>_<ages>" and no ceiling of one ("<key>_<ages>_ceiling")."""
    keep = {
        k: v
        for k, v in values.amounts.items()
        if age_band(k) is None and age_band(k.removesuffix("_ceiling")) is None
    }
    return ValueSet(keep, values.grades, values.price_year)


def with_ages(evaluation: Evaluation, ages: list[int | None]) -> Evaluation:
    cohorts = [replace(c, age=a) for c, a in zip(evaluation.cohorts, ages, strict=False)]
    return replace(evaluation, cohorts=cohorts)


def same(a, b):
    for p in Perspective:
        x, y = a.perspectives[p], b.perspectives[p]
        assert x.revenue == pytest.approx(y.revenue, rel=1e-12, abs=1e-6), p
        assert x.profit_horizon == pytest.approx(y.profit_horizon, rel=1e-12, abs=1e-6), p
    assert a.potential == pytest.approx(b.potential, rel=1e-12, abs=1e-6)


def test_the_bands_of_the_shipped_keys():
    assert age_band("aktivitetsersattning_19_20") == ("aktivitetsersattning", 19, 20)
    assert age_band("aktivitetsersattning_29") == ("aktivitetsersattning", 29, 29)
    assert age_band("employer_contribution_68plus") == ("employer_contribution", 68, math.inf)
    for key in ("employer_contribution_19_23_ceiling", "wage_subsidy_ceiling", "sjukpenning"):
        assert age_band(key) is None
    assert age_keys(None, V2026.amounts) == {}
    assert age_keys(20, V2026.amounts) == {
        "aktivitetsersattning": "aktivitetsersattning_19_20",
        "employer_contribution": "employer_contribution_19_23",
    }
    assert age_keys(23, V2025.amounts) == {"aktivitetsersattning": "aktivitetsersattning_23_24"}
    assert age_keys(45, V2026.amounts) == {}
    assert age_keys(70, V2026.amounts) == {"employer_contribution": "employer_contribution_68plus"}


@settings(max_examples=60)
@given(evaluations(), st.sampled_from([V2025, V2026]))
def test_without_ages_everything_is_as_before(evaluation, values):
    """No cohort has an age: the age-banded keys change nothing."""
    same(evaluate(evaluation, values), evaluate(evaluation, without_bands(values)))


@settings(max_examples=60)
@given(evaluations(), st.lists(AGES, min_size=4, max_size=4), st.sampled_from([V2025, V2026]))
def test_ages_without_banded_values_are_as_before(evaluation, ages, values):
    """A value set without age-banded keys (as every set before them) prices every age
    at the default values."""
    plain = without_bands(values)
    same(evaluate(with_ages(evaluation, ages), plain), evaluate(evaluation, plain))


@settings(max_examples=60)
@given(evaluations(), st.lists(AGES, min_size=4, max_size=4), st.sampled_from([V2025, V2026]))
def test_the_cohorts_of_each_age_add_up(evaluation, ages, values):
    """Grouping the cohorts by age band before summing is exact: every perspective's
    revenue and the potential are the sums of the cohorts evaluated one by one."""
    aged = with_ages(evaluation, ages)
    together = evaluate(aged, values)
    for p in Perspective:
        alone = sum(
            evaluate(replace(aged, cohorts=[c]), values).perspectives[p].revenue
            for c in aged.cohorts
        )
        assert together.perspectives[p].revenue == pytest.approx(alone, rel=1e-9, abs=1e-3), p
    potential = sum(evaluate(replace(aged, cohorts=[c]), values).potential for c in aged.cohorts)
    assert together.potential == pytest.approx(potential, rel=1e-9, abs=1e-3)


@settings(max_examples=60)
@given(evaluations(), st.integers(19, 29), st.sampled_from([V2025, V2026]))
def test_an_age_is_its_band_in_place_of_the_default(evaluation, age, values):
    """Without a contribution ceiling in play, a cohort of ``age`` is priced exactly as
    a cohort without an age on a set whose defaults are that age's levels."""
    if values is V2026 and 19 <= age <= 23:
        values = without_bands(values).with_amounts(
            **{k: v for k, v in values.amounts.items() if k.startswith("aktivitetsersattning_")}
        )  # the youth fee has a ceiling: tested below
    keys = age_keys(age, values.amounts)
    plain = without_bands(values).with_amounts(**{b: values.amounts[k] for b, k in keys.items()})
    aged = with_ages(evaluation, [age] * len(evaluation.cohorts))
    same(evaluate(aged, values), evaluate(evaluation, plain))


@pytest.mark.parametrize("values", [V2025, V2026])
def test_a_cohort_of_20_on_aktivitetsersattning_is_paid_the_19_20_level(values):
    level = values.amounts["aktivitetsersattning_19_20"]
    assert level < values.amounts["aktivitetsersattning"]
    before, after = State({"aktivitetsersattning": 1.0}), State()
    for age, expected in ((20, level), (None, values.amounts["aktivitetsersattning"])):
        evaluation = Evaluation([Cohort("c", 10, before, after, age=age)], cost=1e6)
        items = {(i.actor, i.item): i.change for i in evaluate(evaluation, values).items}
        assert items[(Actor.FK, "aktivitetsersattning")] == pytest.approx(10 * 12 * expected)
        assert items[(Actor.INDIVIDUAL, "aktivitetsersattning")] == pytest.approx(
            -10 * 12 * expected
        )


@given(
    st.floats(0.05, 1),
    st.floats(15_000, 60_000),
    st.integers(1, 50),
    st.integers(19, 23),
    st.floats(0, 0.9),
)
def test_the_youth_employer_fee_applies_only_up_to_the_ceiling(extent, wage, count, age, subsidy):
    """2026: a participant of 19–23 who starts work pays the youth rate on the monthly
    wage up to 25 000 kr and the full rate above it; production is the wage cost less the
    reduced capacity the subsidy stands for."""
    values = V2026.with_amounts(average_wage=wage)
    a = values.amounts
    youth, full, ceiling = (
        a["employer_contribution_19_23"],
        a["employer_contribution"],
        a["employer_contribution_19_23_ceiling"],
    )
    assert ceiling == 25_000 and youth < full
    evaluation = Evaluation(
        [Cohort("c", count, State(), State(work_extent=extent, wage_subsidy=subsidy), age=age)],
        cost=1e6,
    )
    items = {(i.actor, i.item): i.change for i in evaluate(evaluation, values).items}
    pay = extent * wage
    expected = youth * min(pay, ceiling) + full * max(pay - ceiling, 0)
    assert items[(Actor.OTHER_STATE, "employer_contribution")] == pytest.approx(
        count * 12 * expected
    )
    older = evaluate(replace(evaluation, cohorts=[replace(evaluation.cohorts[0], age=40)]), values)
    older_items = {(i.actor, i.item): i.change for i in older.items}
    assert older_items[(Actor.OTHER_STATE, "employer_contribution")] == pytest.approx(
        count * 12 * full * pay
    )
    production = items[(Actor.EMPLOYER, "production")]
    # The wage cost (wage and contributions) less the reduced capacity σ stands for.
    assert production == pytest.approx(count * 12 * (pay + expected) * (1 - subsidy))
