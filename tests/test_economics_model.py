"""The socio-economic model on seed 004's inputs, its checks and its Monte Carlo."""

import subprocess
import sys

import pytest

from samspar.economics import seed004
from samspar.economics.defaults import shipped_sets
from samspar.economics.model import (
    Actor,
    Cohort,
    Evaluation,
    InputError,
    Kind,
    Perspective,
    State,
    Uncertainty,
    ValueSet,
    evaluate,
    simulate,
    switching_value,
)
from samspar.economics.model.inputs import type_cases

MKR = 1_000_000
P = Perspective


@pytest.fixture
def values():
    return seed004.values(shipped_sets()[2025].value_set())


def test_seed_004_headline(values):
    """Seed 004: revenue 2,6 mkr/year, cost 7,5 mkr, payback ≈ 35 months,
    −4,8 mkr after one year, +5,7 mkr after five, about 5 % of the potential."""
    result = evaluate(seed004.evaluation(), values)
    society = result.society
    assert result.total_cost == pytest.approx(7.5 * MKR)
    assert round(society.revenue / MKR, 1) == 2.6
    assert 34 <= society.payback_months <= 36
    assert society.profit_first_year / MKR == pytest.approx(-4.8, abs=0.1)
    assert society.profit_horizon / MKR == pytest.approx(5.7, abs=0.1)
    assert round(result.utilised_share * 100) == 5
    assert result.curve[0].cumulative == pytest.approx(-7.5 * MKR)
    assert result.curve[5].cumulative == pytest.approx(society.profit_horizon)


def test_seed_004_actors(values):
    """The seed's structure per actor: the municipality gains most and pays back
    within months, Arbetsförmedlingen loses (no payback), the state as a whole
    loses, region and Försäkringskassan pay back slower than society."""
    r = evaluate(seed004.evaluation(), values).perspectives
    assert r[P.KOMMUN].revenue / MKR == pytest.approx(4.2, abs=0.3)
    assert r[P.KOMMUN].payback_months < 6
    assert r[P.AF].revenue / MKR == pytest.approx(-2.8, abs=0.1)
    assert r[P.AF].payback_months is None
    assert r[P.STATE].revenue < 0
    for actor in (P.REGION, P.FK):
        assert 0 < r[actor].revenue < r[P.KOMMUN].revenue
        assert r[actor].payback_months > r[P.SOCIETY].payback_months
    assert r[P.KOMMUN].cost == pytest.approx(7.5 * MKR / 4)
    assert r[P.INDIVIDUAL].cost == 0


def test_only_the_working_group_creates_revenue_for_society(values):
    """Groups 2 and 3 only change who pays: their revenue for society is zero."""
    cohorts = evaluate(seed004.evaluation(), values).cohorts
    assert cohorts[0].society_revenue_per_participant > 200_000
    assert cohorts[1].society_revenue_per_participant == pytest.approx(0, abs=1e-6)
    assert cohorts[2].society_revenue_per_participant == pytest.approx(0, abs=1e-6)


def test_items_book_the_municipalitys_income_support(values):
    items = evaluate(seed004.evaluation(), values).items
    fs = [i for i in items if i.actor == "kommun" and i.item == "forsorjningsstod"]
    # all 40,5 on försörjningsstöd leave it: 0,5 × 81 × 6 500 × 12
    assert fs[0].change == pytest.approx(0.5 * 81 * 6500 * 12)
    assert fs[0].kind == Kind.TRANSFER


def test_shares_must_sum_to_100_percent():
    with pytest.raises(InputError) as error:
        type_cases(81, State(), [("a", 0.5, State()), ("b", 0.3, State())])
    assert [p.code for p in error.value.problems] == ["shares_sum"]
    assert error.value.problems[0].params["total"] == 80


def test_every_problem_is_reported_and_nothing_computed(values):
    bad = Evaluation(
        seed004.cohorts(),
        cost=-1,
        cost_split={Actor.KOMMUN: 0.5, Actor.FK: 0.2},
        drop_off=-0.1,
    )
    with pytest.raises(InputError) as error:
        evaluate(bad, values)
    codes = {(p.code, p.where) for p in error.value.problems}
    assert ("negative", "cost") in codes
    assert ("shares_sum", "cost_split") in codes
    assert ("negative", "drop_off") in codes


def test_negative_amounts_in_states_are_refused(values):
    before = State({"sjukpenning": -0.5}, resource_use={"care_visit_primary": -3})
    bad = Evaluation([Cohort("x", 3, before, State())], 1000)
    with pytest.raises(InputError) as error:
        evaluate(bad, values)
    fields = {p.where for p in error.value.problems if p.code == "negative"}
    assert fields == {"x.before.supply.sjukpenning", "x.before.resource_use.care_visit_primary"}


def test_a_missing_standard_value_is_named(values):
    incomplete = ValueSet(
        {k: v for k, v in values.amounts.items() if k != "sjukpenning"}, values.grades
    )
    with pytest.raises(InputError) as error:
        evaluate(seed004.evaluation(), incomplete)
    assert [(p.code, p.params["key"]) for p in error.value.problems] == [
        ("missing_value", "sjukpenning")
    ]


def test_discounting_drop_off_and_deadweight_lower_the_result(values):
    plain = evaluate(seed004.evaluation(), values).society
    base = seed004.evaluation()
    for change in (
        {"discount_rate": 0.035},
        {"drop_off": 0.1},
        {"deadweight": 0.2},
        {"attribution": 0.1},
        {"optimism_bias": True},
    ):
        adjusted = evaluate(Evaluation(**{**base.__dict__, **change}), values).society
        assert adjusted.profit_horizon < plain.profit_horizon, change
        assert adjusted.payback_months > plain.payback_months, change
    weighted = evaluate(Evaluation(**{**base.__dict__, "deadweight": 0.2}), values).society
    assert weighted.revenue == pytest.approx(plain.revenue * 0.8)


def test_discounted_payback_and_five_years_follow_the_formula(values):
    base = seed004.evaluation()
    r = 0.035
    result = evaluate(Evaluation(**{**base.__dict__, "discount_rate": r}), values).society
    annuity = sum(1 / (1 + r) ** t for t in range(1, 6))
    assert result.profit_horizon == pytest.approx(result.revenue * annuity - result.cost)


def test_switching_value_pays_back_in_exactly_that_time(values):
    base = seed004.evaluation()
    needed = switching_value(base, 24)
    assert needed == pytest.approx(7.5 * MKR / 81 / 2)
    discounted = Evaluation(**{**base.__dict__, "discount_rate": 0.035, "drop_off": 0.1})
    per_participant = switching_value(discounted, 30)
    # an insats with exactly that revenue pays back in 30 months
    scale = per_participant * 81 / evaluate(discounted, values).society.revenue
    scaled = Evaluation(**{**discounted.__dict__, "cost": discounted.cost / scale})
    assert evaluate(scaled, values).society.payback_months == pytest.approx(30)


def test_monte_carlo_bands_surround_the_point_estimate(values):
    point = evaluate(seed004.evaluation(), values).society
    sim = simulate(seed004.evaluation(), values, Uncertainty(draws=4000, seed=1))
    band = sim.revenue[P.SOCIETY]
    assert band.low95 < band.low80 < band.median < band.high80 < band.high95
    assert band.low80 < point.revenue < band.high80
    assert sim.payback_months[P.AF].median is None  # never pays back
    assert sim.chance_paid_back[P.AF] == 0
    assert 0.5 < sim.chance_profitable < 1
    assert len(sim.curve) == 6
    assert sim.curve[0].low95 == sim.curve[0].high95 == pytest.approx(-7.5 * MKR)


def test_monte_carlo_without_spread_is_the_point_estimate(values):
    point = evaluate(seed004.evaluation(), values).society
    fixed = Uncertainty(draws=50, spreads={}, resample_participants=False)
    sim = simulate(seed004.evaluation(), values, fixed)
    assert sim.revenue[P.SOCIETY].low95 == pytest.approx(point.revenue)
    assert sim.payback_months[P.SOCIETY].high95 == pytest.approx(point.payback_months)


def test_monte_carlo_is_reproducible_and_checks_ranges(values):
    a = simulate(seed004.evaluation(), values, Uncertainty(draws=500, seed=7))
    b = simulate(seed004.evaluation(), values, Uncertainty(draws=500, seed=7))
    assert a == b
    with pytest.raises(InputError) as error:
        simulate(seed004.evaluation(), values, Uncertainty(draws=10, deadweight=(0.5, 0.2)))
    assert [p.code for p in error.value.problems] == ["bad_range"]


def test_the_model_does_not_import_django():
    code = (
        "import sys, samspar.economics.model, samspar.economics.seed004;"
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
