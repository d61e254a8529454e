"""Properties of the model that must hold for any input (hypothesis)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samspar.economics.defaults import shipped_sets
from samspar.economics.model import (
    RESOURCES,
    SUPPLIES,
    Actor,
    Cohort,
    Evaluation,
    Kind,
    Perspective,
    State,
    evaluate,
)
from samspar.economics.model.evaluate import Adjustments, run
from samspar.economics.model.ledger import ledger, quantities

VALUES = shipped_sets()[2026].value_set()
share = st.floats(0, 1, allow_nan=False)


@st.composite
def states(draw):
    codes = draw(st.lists(st.sampled_from(sorted(SUPPLIES)), max_size=3, unique=True))
    weights = [draw(st.floats(0.01, 1)) for _ in codes]
    total = max(sum(weights), 1.0)
    return State(
        supply={c: w / total for c, w in zip(codes, weights, strict=True)},
        work_extent=draw(share),
        wage_subsidy=draw(share),
        resource_use={
            k: draw(st.floats(0, 200)) for k in draw(st.sets(st.sampled_from(sorted(RESOURCES))))
        },
    )


@st.composite
def evaluations(draw, /, **fixed):
    cohorts = [
        Cohort(f"c{i}", draw(st.integers(1, 200)), draw(states()), draw(states()))
        for i in range(draw(st.integers(1, 4)))
    ]
    return Evaluation(cohorts, cost=draw(st.floats(1e4, 1e8)), **fixed)


def lines_of(evaluation):
    counts = np.array([[c.count for c in evaluation.cohorts]], dtype=float)
    before = counts @ np.stack([quantities(c.before) for c in evaluation.cohorts])
    after = counts @ np.stack([quantities(c.after) for c in evaluation.cohorts])
    values = {k: np.array([v]) for k, v in VALUES.amounts.items()}
    return ledger(after - before, values, VALUES.grade)


@given(evaluations())
def test_transfers_cancel_out_for_society(evaluation):
    transfers = [line.amount[0] for line in lines_of(evaluation) if line.kind == Kind.TRANSFER]
    scale = max([abs(t) for t in transfers], default=1)
    assert abs(sum(transfers)) <= 1e-9 * scale * len(transfers) + 1e-6


@given(evaluations())
def test_society_is_the_sum_of_the_actors_and_only_real_lines(evaluation):
    result = evaluate(evaluation, VALUES)
    r = result.perspectives
    actors = sum(
        r[p].revenue
        for p in (Perspective.KOMMUN, Perspective.REGION, Perspective.STATE, Perspective.INDIVIDUAL)
    )
    real = sum(i.change for i in result.items if i.kind != Kind.TRANSFER)
    tolerance = 1e-6 * max([1.0, *(abs(i.change) for i in result.items)])
    assert r[Perspective.SOCIETY].revenue == pytest.approx(actors, abs=tolerance)
    assert r[Perspective.SOCIETY].revenue == pytest.approx(real, abs=tolerance)
    assert r[Perspective.STATE].revenue == pytest.approx(
        r[Perspective.FK].revenue + r[Perspective.AF].revenue + r[Perspective.OTHER_STATE].revenue,
        abs=tolerance,
    )


@given(evaluations())
def test_the_employer_breaks_even(evaluation):
    employer = sum(line.amount[0] for line in lines_of(evaluation) if line.actor == Actor.EMPLOYER)
    assert employer == pytest.approx(0, abs=1e-6 * max(1.0, evaluation.participants * 1e6))


@given(evaluations(), st.floats(1.1, 10))
def test_doubling_all_costs_doubles_payback(evaluation, factor):
    result = evaluate(evaluation, VALUES)
    scaled = evaluate(
        Evaluation(**{**evaluation.__dict__, "cost": evaluation.cost * factor}), VALUES
    )
    for p in Perspective:
        before, after = result.perspectives[p].payback_months, scaled.perspectives[p].payback_months
        if before is not None and after is not None:
            assert after == pytest.approx(before * factor, rel=1e-9)
        if result.perspectives[p].revenue <= 0:
            assert before is None and after is None


@given(evaluations())
def test_payback_is_cost_over_revenue_without_discounting(evaluation):
    society = evaluate(evaluation, VALUES).society
    if society.revenue > 0 and society.cost / society.revenue < 50:
        assert society.payback_months == pytest.approx(society.cost / society.revenue * 12)


@given(evaluations(), st.integers(2, 5))
def test_more_participants_alike_scale_the_totals_not_the_means(evaluation, k):
    result = evaluate(evaluation, VALUES)
    more = Evaluation(
        [Cohort(c.name, c.count * k, c.before, c.after) for c in evaluation.cohorts],
        evaluation.cost * k,
    )
    bigger = evaluate(more, VALUES)
    a, b = result.society, bigger.society
    assert b.revenue == pytest.approx(a.revenue * k, rel=1e-9, abs=1e-6)
    assert b.revenue_per_participant == pytest.approx(a.revenue_per_participant, rel=1e-9, abs=1e-6)


@given(evaluations())
def test_swapping_before_and_after_negates_the_revenue(evaluation):
    swapped = Evaluation(
        [Cohort(c.name, c.count, c.after, c.before) for c in evaluation.cohorts], evaluation.cost
    )
    for p in Perspective:
        a = evaluate(evaluation, VALUES).perspectives[p].revenue
        b = evaluate(swapped, VALUES).perspectives[p].revenue
        assert a == pytest.approx(-b, abs=1e-6 * max(1.0, abs(a)))


@settings(max_examples=30)
@given(evaluations(), share, share, share)
def test_adjustments_never_raise_the_revenue(evaluation, deadweight, attribution, drop_off):
    plain = evaluate(evaluation, VALUES).society
    adjusted = evaluate(
        Evaluation(
            **{
                **evaluation.__dict__,
                "deadweight": deadweight,
                "attribution": attribution,
                "drop_off": drop_off,
                "discount_rate": 0.035,
            }
        ),
        VALUES,
    ).society
    assert abs(adjusted.revenue) <= abs(plain.revenue) + 1e-6
    assert adjusted.revenue == pytest.approx(
        plain.revenue * (1 - deadweight) * (1 - attribution), abs=1e-6
    )


@given(evaluations())
def test_vectorised_draws_equal_one_by_one(evaluation):
    """The Monte Carlo engine computes many draws at once; each must equal a
    single run with that draw's inputs."""
    rng = np.random.default_rng(0)
    draws = 3
    counts = rng.integers(1, 50, size=(draws, len(evaluation.cohorts))).astype(float)
    values = {k: v * rng.uniform(0.8, 1.2, draws) for k, v in VALUES.amounts.items()}
    adjustments = Adjustments(np.zeros(draws), np.zeros(draws), np.zeros(draws))
    together = run(evaluation, counts, values, VALUES.grade, adjustments)
    for d in range(draws):
        alone = run(
            evaluation,
            counts[d : d + 1],
            {k: v[d : d + 1] for k, v in values.items()},
            VALUES.grade,
            Adjustments(np.zeros(1), np.zeros(1), np.zeros(1)),
        )
        for p in Perspective:
            assert together.revenue[p][d] == pytest.approx(alone.revenue[p][0], abs=1e-6)
            x, y = together.payback[p][d], alone.payback[p][0]
            assert (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y)
