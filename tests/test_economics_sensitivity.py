"""Issue 13, item 5: the Monte Carlo over cost, tax factor and work extent, the one-way
sensitivity (tornado) and the switching values of deadweight and work."""

from __future__ import annotations

import math
from dataclasses import fields, replace

import numpy as np
import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from samspar.demo import builder
from samspar.economics import seed004, selectors, services
from samspar.economics.defaults import shipped_sets
from samspar.economics.model import Perspective, Uncertainty, evaluate, simulate
from samspar.economics.model.evaluate import Adjustments, Drawn, run
from samspar.economics.model.sensitivity import (
    SensitivityRow,
    one_way,
    sensitivity,
    switching_deadweight,
    switching_work,
)
from samspar.economics.model.tax import rules_for
from samspar.economics.output import json as json_output
from samspar.economics.output import tables
from samspar.economics.output.numbers import money
from tests.test_economics_output import build
from tests.test_economics_services import seed_groups, seed_levels, type_case

SOCIETY = Perspective.SOCIETY


@pytest.fixture(scope="module")
def values():
    return seed004.values(shipped_sets()[2025].value_set())


@pytest.fixture(scope="module")
def seed():
    return seed004.evaluation()


def _adjustments(evaluation, draws):
    point = Adjustments.of(evaluation)
    return Adjustments(**{f.name: np.repeat(getattr(point, f.name), draws) for f in fields(point)})


# --- the Monte Carlo's new inputs --------------------------------------------------


def test_vectorised_draws_with_cost_tax_factor_and_work_equal_one_by_one(seed, values):
    """Cost, tax factor and work extent drawn per draw: each draw of a batch equals a
    run of that draw alone (the work extent reaches the income tax per draw too)."""
    rng = np.random.default_rng(1)
    draws = 4
    counts = np.tile([c.count for c in seed.cohorts], (draws, 1))
    arrays = {k: v * rng.uniform(0.9, 1.1, draws) for k, v in values.amounts.items()}
    cost = rng.uniform(5e6, 7e6, draws)
    factor = rng.uniform(1.21, 1.3, draws)
    work = rng.uniform(0.5, 1.5, draws)
    drawn = Drawn(cost=cost, indirect_tax_factor=factor, work_factor=work)
    rules = rules_for(values.price_year)
    together = run(seed, counts, arrays, values.grade, _adjustments(seed, draws), rules, drawn)
    for d in range(draws):
        one = slice(d, d + 1)
        alone = run(
            seed,
            counts[one],
            {k: v[one] for k, v in arrays.items()},
            values.grade,
            _adjustments(seed, 1),
            rules,
            Drawn(cost[one], factor[one], work[one]),
        )
        for p in Perspective:
            assert together.revenue[p][d] == pytest.approx(alone.revenue[p][0], abs=1e-6)
            assert together.cost[p][d] == pytest.approx(alone.cost[p][0])
            x, y = together.payback[p][d], alone.payback[p][0]
            assert (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y)
    # a factor of 1 is the evaluation's own work extent
    same = run(
        seed,
        counts[:1],
        {k: v[:1] for k, v in arrays.items()},
        values.grade,
        _adjustments(seed, 1),
        rules,
        Drawn(work_factor=np.ones(1)),
    )
    plain = run(
        seed,
        counts[:1],
        {k: v[:1] for k, v in arrays.items()},
        values.grade,
        _adjustments(seed, 1),
        rules,
    )
    for p in Perspective:
        assert same.revenue[p][0] == pytest.approx(plain.revenue[p][0])


def test_the_work_extent_is_capped_by_the_room_left(values):
    """A factor above 1 never lifts a state beyond full time less its benefits."""
    from samspar.economics.model import Cohort, Evaluation, State
    from samspar.economics.model.evaluate import work_after

    cohorts = [
        Cohort("a", 10, State(), State({"sjukersattning": 0.5}, 0.4)),
        Cohort("b", 10, State(), State({}, 0.9)),
    ]
    e = Evaluation(cohorts, 1e6)
    assert work_after(e, np.array([2.0]))[0] == pytest.approx([0.5, 1.0])
    assert work_after(e, np.array([0.5]))[0] == pytest.approx([0.2, 0.45])


def test_the_monte_carlo_is_reproducible_and_centred_on_the_point(seed, values):
    u = Uncertainty(draws=4000, seed=7)
    first, again = simulate(seed, values, u), simulate(seed, values, u)
    assert first == again
    other = simulate(seed, values, replace(u, seed=8))
    assert other.revenue[SOCIETY] != first.revenue[SOCIETY]
    point = evaluate(seed, values).society
    assert first.payback_months[SOCIETY].median == pytest.approx(point.payback_months, rel=0.05)
    assert first.profit_horizon[SOCIETY].median == pytest.approx(point.profit_horizon, rel=0.1)


def test_the_cost_and_the_tax_factor_vary_in_the_monte_carlo(seed, values):
    """With nothing else varying, the payback spreads only through cost and factor:
    within 12 · C · f / R at the ends of their ranges."""
    u = Uncertainty(
        draws=2000,
        spreads={},
        resample_participants=False,
        work_extent_spread=0.0,
    )
    sim = simulate(seed, values, u)
    point = evaluate(seed, values).society
    band = sim.payback_months[SOCIETY]
    low = 12 * seed.cost * 0.9 * 1.21 / point.revenue
    high = 12 * seed.cost * 1.1 * 1.30 / point.revenue
    assert low <= band.low95 < band.median < band.high95 <= high
    assert band.high95 - band.low95 > 3  # months: it does vary


# --- the tornado ------------------------------------------------------------------


def test_rows_are_ranked_by_the_swing_of_the_payback(seed, values):
    rows = one_way(seed, values)
    keys = [(r.swing, r.profit_swing) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert rows[0].key == "share:" + seed004.GROUPS[0][0]  # who works moves it most
    top = sensitivity(seed, values).rows
    assert len(top) == 10 and top == rows[:10]


def test_never_counts_as_the_largest_swing():
    never = SensitivityRow("a", "a", 0, 1, 20.0, None, 0.0, -1.0)
    big = SensitivityRow("b", "b", 0, 1, 1.0, 500.0, 0.0, 1e9)
    none_at_all = SensitivityRow("c", "c", 0, 1, None, None, -5.0, -1.0)
    assert never.swing == math.inf and big.swing == 499 and none_at_all.swing == 0
    ranked = sorted([none_at_all, big, never], key=lambda r: (-r.swing, -r.profit_swing))
    assert [r.key for r in ranked] == ["a", "b", "c"]


def test_an_input_without_effect_has_no_swing(seed, values):
    """Benefit levels are transfers: society's payback does not move with them."""
    rows = {r.key: r for r in one_way(seed, values)}
    for key in ("value:sjukpenning", "value:forsorjningsstod", "value:municipal_tax"):
        assert rows[key].swing == pytest.approx(0, abs=1e-9)
        assert rows[key].profit_swing == pytest.approx(0, abs=1e-3)


def test_the_costs_swing_is_the_closed_form(seed, values):
    """Seed 004 pays back within the first year's flows' linear part: payback = 12 C / R
    with C = cost · f, so ±10 % on the cost moves it ±10 %."""
    revenue = evaluate(seed, values).society.revenue
    row = next(r for r in one_way(seed, values) if r.key == "cost")
    assert (row.low, row.high) == pytest.approx((0.9 * seed.cost, 1.1 * seed.cost))
    for cost, payback in ((row.low, row.payback_low), (row.high, row.payback_high)):
        assert payback == pytest.approx(12 * cost * seed.indirect_tax_factor / revenue)
    assert row.swing == pytest.approx(12 * 0.2 * seed.cost * seed.indirect_tax_factor / revenue)


def test_individuals_get_no_row_per_cohort(seed, values):
    rows = one_way(seed, values, per_cohort=False)
    assert rows and not any(r.key.startswith("share:") for r in rows)


def test_given_ranges_of_the_adjustments_join_the_tornado(seed, values):
    u = Uncertainty(deadweight=(0.0, 0.3), cost=(5e6, 8e6))
    rows = {r.key: r for r in one_way(seed, values, u)}
    assert (rows["deadweight"].low, rows["deadweight"].high) == (0.0, 0.3)
    assert (rows["cost"].low, rows["cost"].high) == (5e6, 8e6)
    assert "attribution" not in rows  # fixed: no range, no bar


# --- switching values -------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(
    cost=st.floats(1e6, 9e6),
    deadweight=st.floats(0, 0.5),
    drop_off=st.floats(0, 0.3),
    bias=st.booleans(),
)
def test_the_deadweight_switching_value_breaks_even(cost, deadweight, drop_off, bias):
    values = seed004.values(shipped_sets()[2025].value_set())
    e = replace(
        seed004.evaluation(),
        cost=cost,
        deadweight=deadweight,
        drop_off=drop_off,
        optimism_bias=bias,
    )
    d = switching_deadweight(e, values)
    result = evaluate(e, values).society
    if d is None:
        assert result.profit_horizon < 0 or result.revenue <= 0
        return
    at = evaluate(replace(e, deadweight=d), values).society
    assert at.profit_horizon == pytest.approx(0, abs=1.0)
    assert (d > deadweight) == (result.profit_horizon > 0)


def test_the_work_switching_value_breaks_even(seed, values):
    k = switching_work(seed, values)
    assert k is not None and 0 < k < 1  # seed 004 is profitable: less work would do
    counts = np.array([[c.count for c in seed.cohorts]])
    outcome = run(
        seed,
        counts,
        {key: np.array([v]) for key, v in values.amounts.items()},
        values.grade,
        _adjustments(seed, 1),
        rules_for(values.price_year),
        Drawn(work_factor=np.array([k])),
    )
    assert outcome.profit(SOCIETY, seed.horizon_years)[0] == pytest.approx(0, abs=100)
    s = sensitivity(seed, values)
    assert s.work_now == pytest.approx(0.75 * seed.cohorts[0].count)
    assert s.work_needed == pytest.approx(k * s.work_now)
    # an insats that costs more than full-time work could repay has none
    assert switching_work(replace(seed, cost=1e9), values) is None


# --- outputs ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(values, seed):
    base = build(draws=500)
    return replace(base, sensitivity=sensitivity(seed, values, base.uncertainty))


def test_the_new_ranges_are_in_the_assumptions(report):
    rows = {str(label): str(value) for label, value in tables.assumptions_table(report).rows}
    text = " ".join(rows.values())
    assert money(5_400_000) in text and money(6_600_000) in text
    assert "1,21" in text and "1,3" in text
    assert "80" in text and "120" in text  # the work extent's ±20 %
    data = json_output.report_dict(report)
    monte_carlo = data["inputs"]["monte_carlo"]
    assert monte_carlo["cost_range"] == pytest.approx([5.4e6, 6.6e6])
    assert monte_carlo["indirect_tax_factor_range"] == pytest.approx([1.21, 1.30])
    assert monte_carlo["work_extent_factor_range"] == pytest.approx([0.8, 1.2])
    assert any("1,21" in a["value"] for a in data["assumptions"])


def test_the_sensitivity_table_chart_and_json(report):
    table = tables.sensitivity_table(report)
    assert table is not None and len(table.rows) == 10
    assert "sensitivity" in [t.key for t in tables.report_tables(report)]
    assert "switching_inputs" in [t.key for t in tables.report_tables(report)]
    from samspar.economics.output import charts

    spec = charts.tornado_chart_spec(report)
    assert spec is not None and len(spec["data"]["values"]) == 20
    svg = charts.tornado_chart_svg(report)
    assert svg is not None and "<svg" in svg
    data = json_output.report_dict(report)["sensitivity"]
    assert len(data["rows"]) == 10
    assert data["switching_deadweight"] == pytest.approx(report.sensitivity.deadweight)
    assert 0 < data["switching_deadweight"] < 1


# --- pages ------------------------------------------------------------------------


def test_the_evaluation_page_shows_the_tornado(forbund, forbund_admin, client):
    own = seed_levels(forbund_admin, forbund)
    evaluation = services.save_evaluation(
        user=forbund_admin,
        evaluation=type_case(forbund, own, draws=500),
        groups=seed_groups(),
    )
    client.force_login(forbund_admin)
    page = client.get(f"/ekonomi/{evaluation.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="tornado"' in html and "<svg" in html.split('id="tornado"')[1]
    report = selectors.evaluation_report(evaluation)
    assert report.sensitivity is not None and report.sensitivity.rows
    for fmt in ("pdf", "xlsx", "json"):
        assert client.get(f"/ekonomi/{evaluation.pk}/export/{fmt}/").status_code == 200


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        builder.build(scale=0.15)
        yield
        transaction.set_rollback(True)


def test_the_demos_evaluations_show_the_tornado(demo, db, client):
    from django.contrib.auth.models import User

    admin = User.objects.get(username="admin.sodradalarna")
    client.force_login(admin)
    shown = 0
    for evaluation in selectors.evaluations(admin):
        page = client.get(f"/ekonomi/{evaluation.pk}/")
        assert page.status_code == 200
        assert 'id="tornado"' in page.content.decode(), evaluation.name
        shown += 1
    assert shown >= 2
    # …and the comparison table holds every one of them, each with its figures.
    compared = client.get("/ekonomi/jamfor/")
    assert compared.status_code == 200
    rows = compared.context["rows"]
    names = {
        e.name for e in selectors.evaluations(admin).filter(forbund=compared.context["forbund"])
    }
    assert {r.name for r in rows} == names and len(rows) >= 2
    assert all(r.shown and r.revenue_per_participant is not None for r in rows)
