"""Properties of the model that must hold for any input (hypothesis)."""

import math
from dataclasses import replace

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
    CostBasis,
    Evaluation,
    Grade,
    Kind,
    Perspective,
    State,
    evaluate,
)
from samspar.economics.model.evaluate import PAYBACK_SEARCH_YEARS, Adjustments, run
from samspar.economics.model.ledger import ledger, quantities, tax_lines
from samspar.economics.model.tax import rules_for
from samspar.economics.model.terms import SUBSIDY_CEILING_KEY

VALUES = shipped_sets()[2026].value_set()
RULES = rules_for(VALUES.price_year)
share = st.floats(0, 1, allow_nan=False)


@st.composite
def states(draw, *, working=None):
    """A valid state: supply shares and work extent together at most 100 %, and a
    wage subsidy only with work. ``working``: None any, True some work, False none."""
    extent = {None: share, True: st.floats(0.05, 1), False: st.just(0.0)}[working]
    work = draw(extent)
    codes = draw(st.lists(st.sampled_from(sorted(SUPPLIES)), max_size=3, unique=True))
    weights = [draw(st.floats(0.01, 1)) for _ in codes]
    room = 1 - work
    scale = min(1.0, room / sum(weights)) if weights else 0.0
    return State(
        supply={c: w * scale for c, w in zip(codes, weights, strict=True)},
        work_extent=work,
        wage_subsidy=draw(share) if work > 0 else 0.0,
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
    choices = {
        "actor_cost": draw(st.sampled_from(list(CostBasis))),
        "wage_subsidy_ceiling": draw(st.booleans()),
    }
    return Evaluation(cohorts, cost=draw(st.floats(1e4, 1e8)), **{**choices, **fixed})


@st.composite
def paying_evaluations(draw):
    """Evaluations that pay back for society: every cohort goes from no work to
    some work with at most a 90 % subsidy, and uses no more resources after."""
    cohorts = []
    for i in range(draw(st.integers(1, 4))):
        before = draw(states(working=False))
        after = draw(states(working=True))
        factor = draw(share)
        cohorts.append(
            Cohort(
                f"c{i}",
                draw(st.integers(1, 200)),
                before,
                replace(
                    after,
                    wage_subsidy=min(after.wage_subsidy, 0.9),
                    resource_use={k: u * factor for k, u in before.resource_use.items()},
                ),
            )
        )
    return Evaluation(
        cohorts,
        cost=1.0,  # set by the test
        actor_cost=draw(st.sampled_from(list(CostBasis))),
        wage_subsidy_ceiling=draw(st.booleans()),
    )


def lines_of(evaluation, values=VALUES):
    counts = np.array([[c.count for c in evaluation.cohorts]], dtype=float)
    before = counts @ np.stack([quantities(c.before) for c in evaluation.cohorts])
    after = counts @ np.stack([quantities(c.after) for c in evaluation.cohorts])
    arrays = {k: np.array([v]) for k, v in values.amounts.items()}
    return [
        *ledger(
            after - before, arrays, values.grade, subsidy_ceiling=evaluation.wage_subsidy_ceiling
        ),
        *tax_lines(evaluation.cohorts, counts, arrays, values.grade, RULES),
    ]


def outcome_of(evaluation, values=VALUES):
    """The adjusted first-year lines and revenues, as ``evaluate`` computes them."""
    counts = np.array([[c.count for c in evaluation.cohorts]], dtype=float)
    arrays = {k: np.array([v], dtype=float) for k, v in values.amounts.items()}
    return run(evaluation, counts, arrays, values.grade, Adjustments.of(evaluation), RULES)


def _cancel(amounts):
    scale = max([abs(a) for a in amounts], default=1)
    return abs(sum(amounts)) <= 1e-9 * scale * max(len(amounts), 1) + 1e-6


@given(evaluations())
def test_generated_states_are_valid(evaluation):
    assert evaluation.problems(VALUES) == []


@given(evaluations())
def test_transfers_cancel_out_for_society(evaluation):
    transfers = [line.amount[0] for line in lines_of(evaluation) if line.kind == Kind.TRANSFER]
    assert _cancel(transfers)


@settings(max_examples=60)
@given(evaluations(), share, share, share, st.floats(0, 0.1))
def test_transfers_cancel_out_with_deadweight_attribution_drop_off_and_discounting(
    evaluation, deadweight, attribution, drop_off, discount_rate
):
    """Deadweight and attribution scale every line alike: transfers still cancel, and
    society's revenue is still its real lines and the sum of all actors."""
    adjusted = replace(
        evaluation,
        deadweight=deadweight,
        attribution=attribution,
        drop_off=drop_off,
        discount_rate=discount_rate,
    )
    outcome = outcome_of(adjusted)
    transfers = [line.amount[0] for line in outcome.lines if line.kind == Kind.TRANSFER]
    assert _cancel(transfers)
    real = sum(line.amount[0] for line in outcome.lines if line.kind != Kind.TRANSFER)
    everyone = sum(line.amount[0] for line in outcome.lines)
    society = outcome.revenue[Perspective.SOCIETY][0]
    tolerance = 1e-6 * max([1.0, *(abs(line.amount[0]) for line in outcome.lines)])
    assert society == pytest.approx(real, abs=tolerance)
    assert society == pytest.approx(everyone, abs=tolerance)


@settings(max_examples=200)
@given(
    evaluations(),
    share,
    share,
    st.floats(0.1, 3),
    st.dictionaries(st.sampled_from(list(Grade)), st.floats(0, 0.9)),
)
def test_the_optimism_bias_haircut_never_improves_any_perspective(
    evaluation, deadweight, attribution, scale, haircuts
):
    """A conservative adjustment moves every perspective's result towards the less
    favourable side (issue 13, item 1): with the haircut on, no actor's or
    perspective's revenue, profitability or payback is better than without, whatever
    the states, the standard values (scaled), the grades' haircuts and the other
    adjustments. A loss grows; it never shrinks."""
    values = VALUES.with_amounts(**{k: v * scale for k, v in VALUES.amounts.items()})
    base = replace(evaluation, deadweight=deadweight, attribution=attribution, haircuts=haircuts)
    off = evaluate(base, values).perspectives
    on = evaluate(replace(base, optimism_bias=True), values).perspectives
    for p in Perspective:
        tolerance = 1e-9 * max(1.0, abs(off[p].revenue))
        assert on[p].revenue <= off[p].revenue + tolerance, p
        assert on[p].profit_horizon <= off[p].profit_horizon + tolerance, p
        if off[p].revenue < 0:
            assert abs(on[p].revenue) >= abs(off[p].revenue) - tolerance, p
        if on[p].payback_months is not None:
            assert off[p].payback_months is not None, p
            assert on[p].payback_months >= off[p].payback_months * (1 - 1e-9), p


@given(evaluations(optimism_bias=True))
def test_with_the_haircut_society_is_its_real_lines_and_the_state_its_agencies(evaluation):
    """Society nets each item over the actors before the haircut, so a transfer — a
    loss to one, a gain to another — costs society nothing; the state is still the sum
    of its agencies, and every perspective the sum of its actors' items."""
    result = evaluate(evaluation, VALUES)
    r = result.perspectives
    real = sum(i.change for i in result.items if i.kind != Kind.TRANSFER)
    tolerance = 1e-6 * max([1.0, *(abs(i.change) for i in result.items)])
    assert r[Perspective.SOCIETY].revenue == pytest.approx(real, abs=tolerance)
    assert r[Perspective.STATE].revenue == pytest.approx(
        r[Perspective.FK].revenue + r[Perspective.AF].revenue + r[Perspective.OTHER_STATE].revenue,
        abs=tolerance,
    )
    for p, actor in (
        (Perspective.KOMMUN, Actor.KOMMUN),
        (Perspective.INDIVIDUAL, Actor.INDIVIDUAL),
    ):
        items = sum(i.change for i in result.items if i.actor == actor)
        assert r[p].revenue == pytest.approx(items, abs=tolerance)


@given(evaluations())
def test_society_is_the_sum_of_the_actors_and_only_real_lines(evaluation):
    result = evaluate(evaluation, VALUES)
    r = result.perspectives
    actors = sum(
        r[p].revenue
        for p in (
            Perspective.KOMMUN,
            Perspective.REGION,
            Perspective.STATE,
            Perspective.INDIVIDUAL,
            Perspective.EMPLOYER,
        )
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
def test_the_employer_breaks_even_but_above_the_subsidy_ceiling(evaluation):
    """Production is the wage cost less the reduced capacity the subsidy share stands
    for, whoever pays: without the ceiling the employer breaks even; with it, the
    employer bears the reduced capacity on the wage above the ceiling, (1 + a) ·
    (W − W_S) · Δ(w·σ), and society's revenue does not change."""
    employer = sum(line.amount[0] for line in lines_of(evaluation) if line.actor == Actor.EMPLOYER)
    a = VALUES.amounts["employer_contribution"]
    wage = 12 * VALUES.amounts["average_wage"]
    ceiling = 12 * VALUES.amounts[SUBSIDY_CEILING_KEY] if evaluation.wage_subsidy_ceiling else wage
    gap = sum(
        c.count
        * (
            c.after.work_extent * c.after.wage_subsidy
            - c.before.work_extent * c.before.wage_subsidy
        )
        for c in evaluation.cohorts
    )
    expected = -(1 + a) * max(wage - ceiling, 0) * gap
    assert employer == pytest.approx(expected, abs=1e-6 * max(1.0, evaluation.participants * 1e6))
    other = replace(evaluation, wage_subsidy_ceiling=not evaluation.wage_subsidy_ceiling)
    assert evaluate(evaluation, VALUES).society.revenue == pytest.approx(
        evaluate(other, VALUES).society.revenue, rel=1e-9, abs=1e-6
    )


@given(evaluations())
def test_costs_follow_the_basis(evaluation):
    r = evaluate(evaluation, VALUES).perspectives
    total = evaluation.cost * evaluation.indirect_tax_factor
    shared = total if evaluation.actor_cost == CostBasis.UPLIFTED else evaluation.cost
    assert r[Perspective.SOCIETY].cost == pytest.approx(total)
    for p, actor in ((Perspective.KOMMUN, Actor.KOMMUN), (Perspective.AF, Actor.AF)):
        assert r[p].cost == pytest.approx(shared * evaluation.cost_split[actor])
    parties = (Perspective.KOMMUN, Perspective.REGION, Perspective.STATE)
    assert sum(r[p].cost for p in parties) == pytest.approx(shared)


@given(paying_evaluations(), st.floats(0.5, 12), st.one_of(st.just(2.0), st.floats(1.1, 4)))
def test_scaling_all_costs_scales_payback_for_every_actor(evaluation, years, factor):
    """Doubling (or k-folding) the cost doubles (k-folds) every perspective's payback
    without discounting or drop-off. The cost is set so that society pays back in
    ``years``, so every example compares at least society's payback."""
    revenue = evaluate(evaluation, VALUES).society.revenue
    assert revenue > 0
    base = replace(evaluation, cost=revenue * years / evaluation.indirect_tax_factor)
    result = evaluate(base, VALUES)
    scaled = evaluate(replace(base, cost=base.cost * factor), VALUES)
    assert result.society.payback_months == pytest.approx(12 * years)
    limit = 12 * PAYBACK_SEARCH_YEARS
    compared = []
    for p in Perspective:
        before, after = result.perspectives[p].payback_months, scaled.perspectives[p].payback_months
        if before is None:
            assert after is None, p  # a higher cost never brings a payback
        elif before * factor < limit * (1 - 1e-9):
            assert after == pytest.approx(before * factor, rel=1e-9), p
            compared.append(p)
        elif before * factor > limit * (1 + 1e-9):
            assert after is None, p
        if result.perspectives[p].revenue <= 0:
            assert before is None and after is None, p
    assert Perspective.SOCIETY in compared


@given(evaluations())
def test_payback_is_cost_over_revenue_without_discounting(evaluation):
    for p in Perspective:
        r = evaluate(evaluation, VALUES).perspectives[p]
        if r.revenue > 0 and r.cost > 0 and r.cost / r.revenue < 50:
            assert r.payback_months == pytest.approx(r.cost / r.revenue * 12)


@given(evaluations(), st.integers(2, 5))
def test_more_participants_alike_scale_the_totals_not_the_means(evaluation, k):
    result = evaluate(evaluation, VALUES)
    more = replace(
        evaluation,
        cohorts=[Cohort(c.name, c.count * k, c.before, c.after) for c in evaluation.cohorts],
        cost=evaluation.cost * k,
    )
    bigger = evaluate(more, VALUES)
    a, b = result.society, bigger.society
    assert b.revenue == pytest.approx(a.revenue * k, rel=1e-9, abs=1e-6)
    assert b.revenue_per_participant == pytest.approx(a.revenue_per_participant, rel=1e-9, abs=1e-6)


@given(evaluations())
def test_swapping_before_and_after_negates_the_revenue(evaluation):
    swapped = replace(
        evaluation,
        cohorts=[Cohort(c.name, c.count, c.after, c.before) for c in evaluation.cohorts],
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
        replace(
            evaluation,
            deadweight=deadweight,
            attribution=attribution,
            drop_off=drop_off,
            discount_rate=0.035,
        ),
        VALUES,
    ).society
    assert abs(adjusted.revenue) <= abs(plain.revenue) + 1e-6
    assert adjusted.revenue == pytest.approx(
        plain.revenue * (1 - deadweight) * (1 - attribution), abs=1e-6
    )


@given(
    st.lists(st.tuples(st.integers(1, 200), states(working=True)), min_size=1, max_size=4),
    st.floats(15_000, 60_000),
    st.floats(10_000, 40_000),
)
def test_the_wage_subsidy_never_exceeds_its_share_of_the_ceiling(groups, wage, ceiling):
    """Arbetsförmedlingen pays at most σ × the wage cost of the ceiling wage × the
    extent of work (förordning 2017:462, 21 §), and exactly σ × the wage cost of
    the lower of the wage and the ceiling."""
    values = VALUES.with_amounts(average_wage=wage, **{SUBSIDY_CEILING_KEY: ceiling})
    a = values.amounts["employer_contribution"]
    cohorts = [Cohort(f"c{i}", n, State(), after) for i, (n, after) in enumerate(groups)]
    evaluation = Evaluation(cohorts, cost=1e6)
    paid = -sum(
        line.amount[0]
        for line in lines_of(evaluation, values)
        if line.actor == Actor.AF and line.item == "wage_subsidy"
    )
    extent = sum(n * s.wage_subsidy * s.work_extent for n, s in groups)  # Σ n·σ·w
    ceiling_cost = 12 * ceiling * (1 + a)
    assert paid <= extent * ceiling_cost * (1 + 1e-9) + 1e-6
    assert paid == pytest.approx(extent * 12 * min(wage, ceiling) * (1 + a), rel=1e-9, abs=1e-6)
    uncapped = -sum(
        line.amount[0]
        for line in lines_of(replace(evaluation, wage_subsidy_ceiling=False), values)
        if line.actor == Actor.AF and line.item == "wage_subsidy"
    )
    assert uncapped == pytest.approx(extent * 12 * wage * (1 + a), rel=1e-9, abs=1e-6)


@given(evaluations())
def test_vectorised_draws_equal_one_by_one(evaluation):
    """The Monte Carlo engine computes many draws at once; each must equal a
    single run with that draw's inputs."""
    rng = np.random.default_rng(0)
    draws = 3
    counts = rng.integers(1, 50, size=(draws, len(evaluation.cohorts))).astype(float)
    values = {k: v * rng.uniform(0.8, 1.2, draws) for k, v in VALUES.amounts.items()}
    adjustments = Adjustments(np.zeros(draws), np.zeros(draws), np.zeros(draws), np.zeros(draws))
    together = run(evaluation, counts, values, VALUES.grade, adjustments, RULES)
    for d in range(draws):
        alone = run(
            evaluation,
            counts[d : d + 1],
            {k: v[d : d + 1] for k, v in values.items()},
            VALUES.grade,
            Adjustments(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1)),
            RULES,
        )
        for p in Perspective:
            assert together.revenue[p][d] == pytest.approx(alone.revenue[p][0], abs=1e-6)
            x, y = together.payback[p][d], alone.payback[p][0]
            assert (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y)


@settings(max_examples=10)
@given(st.lists(st.tuples(st.integers(1, 50), states(), states()), min_size=130, max_size=300))
def test_tax_lines_do_not_depend_on_how_the_cohorts_are_chunked(groups):
    """Tax is computed per cohort in chunks (``ledger.TAX_CHUNK``); more cohorts than one
    chunk give the same lines as each cohort taxed alone and summed."""
    cohorts = [Cohort(f"c{i}", n, b, a) for i, (n, b, a) in enumerate(groups)]
    counts = np.array([[c.count for c in cohorts]], dtype=float)
    arrays = {k: np.array([v], dtype=float) for k, v in VALUES.amounts.items()}
    together = tax_lines(cohorts, counts, arrays, VALUES.grade, RULES)
    alone = [
        tax_lines([c], counts[:, i : i + 1], arrays, VALUES.grade, RULES)
        for i, c in enumerate(cohorts)
    ]
    for k, line in enumerate(together):
        expected = sum(lines[k].amount[0] for lines in alone)
        assert line.amount[0] == pytest.approx(expected, rel=1e-9, abs=1e-3)


@given(evaluations(), share)
def test_displacement_scales_only_the_cohorts_that_gain_work(evaluation, displacement):
    """Displaced workers take the participants' place before: the change of a cohort
    that gains work counts (1 − displacement) times, for every actor; a cohort that
    gains no work is untouched."""
    displaced = evaluate(replace(evaluation, displacement=displacement), VALUES).perspectives
    for p in Perspective:
        expected = 0.0
        for c in evaluation.cohorts:
            alone = evaluate(replace(evaluation, cohorts=[c]), VALUES).perspectives[p].revenue
            gains = c.after.work_extent > c.before.work_extent
            expected += alone * (1 - displacement if gains else 1)
        tolerance = 1e-6 * max(1.0, abs(expected))
        assert displaced[p].revenue == pytest.approx(expected, abs=tolerance), p


@given(evaluations(), st.floats(1.0, 1.5))
def test_consumer_prices_uplift_society_as_the_cost_and_no_actor(evaluation, factor):
    """In consumer prices (ASEK) society's real resources are uplifted by the
    indirect-tax factor as its cost is, so the factor no longer moves society's payback;
    every actor's budget stays in the kronor it pays and gains."""
    plain = replace(evaluation, indirect_tax_factor=factor)
    a = evaluate(plain, VALUES)
    b = evaluate(replace(plain, consumer_prices=True), VALUES)
    for p in Perspective:
        expected = a.perspectives[p].revenue * (factor if p == Perspective.SOCIETY else 1)
        assert b.perspectives[p].revenue == pytest.approx(expected, rel=1e-9, abs=1e-6), p
        assert b.perspectives[p].cost == a.perspectives[p].cost, p
    assert b.potential == pytest.approx(a.potential * factor, rel=1e-9, abs=1e-6)
    unit = evaluate(replace(plain, indirect_tax_factor=1.0, consumer_prices=True), VALUES)
    if b.society.payback_months is not None and unit.society.payback_months is not None:
        assert b.society.payback_months == pytest.approx(unit.society.payback_months, rel=1e-9)
