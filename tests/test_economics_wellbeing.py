"""Beyond money, shown apart (issue 13, item 6): WELLBYs per group and the participant's
income change per group; never part of the fiscal results."""

from dataclasses import replace
from decimal import Decimal

import pytest

from samspar.economics import seed004, selectors, services
from samspar.economics.defaults import shipped_sets
from samspar.economics.model import Perspective, evaluate
from samspar.economics.model.evaluate import annuity
from samspar.economics.model.wellbeing import income_by_group, wellbeing
from samspar.economics.output import report_tables
from tests.test_economics_services import seed_groups, shipped, type_case

VALUES = seed004.values(shipped_sets()[2025].value_set())


def test_wellbys_are_counted_kept_and_valued_apart():
    base = replace(seed004.evaluation(), deadweight=0.3, attribution=0.2, drop_off=0.1)
    changes = [0.0, 0.5, 0.0]  # "Mår bättre men klarar inte arbete": +0,5 points
    found = wellbeing(base, changes, 200_000.0, "Green Book, converted")
    better = base.cohorts[1].count
    assert found.wellbys_per_year == pytest.approx(better * 0.5 * 0.7 * 0.8)
    assert found.wellbys_horizon == pytest.approx(found.wellbys_per_year * annuity(base, 5))
    assert annuity(base, 5) == pytest.approx(sum(0.9**t for t in range(5)))
    assert found.value_per_year == pytest.approx(found.wellbys_per_year * 200_000)
    unvalued = wellbeing(base, changes, None)
    assert unvalued.value_per_year is None and unvalued.value_horizon is None


def test_income_per_group_adds_up_to_the_individual():
    """Each group's participant's change in disposable income, of benefits, wage and
    taxes; times the groups' counts it is the individual's perspective."""
    evaluation = seed004.evaluation()
    groups = income_by_group(evaluation, VALUES)
    individual = evaluate(evaluation, VALUES).perspectives[Perspective.INDIVIDUAL].revenue
    assert sum(g.count * g.total for g in groups) == pytest.approx(individual, rel=1e-9)
    working, better, same = groups
    before = 12 * (0.5 * 6_900 + 0.375 * 19_150 + 0.125 * 9_900)
    assert working.wage == pytest.approx(0.75 * 12 * VALUES.amounts["average_wage"])
    assert working.benefits == pytest.approx(-before)
    assert better.benefits == pytest.approx(12 * 9_900 - before)
    assert better.wage == 0
    # The 57 on sjuk- and aktivitetsersättning: their benefits are the one level of 9 900
    # kr, and they pay less tax than on sjukpenning (the reduction for sjuk- and
    # aktivitetsersättning).
    assert same.benefits == pytest.approx(12 * 9_900 - before)
    assert working.tax < 0 < same.tax


def test_the_report_shows_wellbeing_and_income_beside_the_unchanged_money(
    forbund, forbund_admin, client
):
    admin = forbund_admin
    groups = seed_groups()
    plain = services.save_evaluation(
        user=admin, evaluation=type_case(forbund, shipped(), name="Utan"), groups=groups
    )
    groups[1]["wellbeing"] = Decimal("0.5")
    valued = services.save_evaluation(
        user=admin,
        evaluation=type_case(
            forbund,
            shipped(),
            name="Med välbefinnande",
            wellby_value=Decimal(200_000),
            wellby_source="Green Book 2021, omräknad",
        ),
        groups=groups,
    )
    a = selectors.evaluation_report(plain, with_simulation=False)
    b = selectors.evaluation_report(valued, with_simulation=False)
    assert a.result.perspectives == b.result.perspectives  # never mixed into the money
    assert a.wellbeing is not None and a.wellbeing.wellbys_per_year == 0
    assert b.wellbeing is not None
    assert b.wellbeing.value_per_year == pytest.approx(
        b.evaluation.cohorts[1].count * 0.5 * 200_000
    )
    keys = [t.key for t in report_tables(b)]
    assert "wellbeing" in keys and "income" in keys
    client.force_login(admin)
    page = client.get(f"/ekonomi/{valued.pk}/").content.decode()
    assert "WELLBY" in page and "Green Book 2021, omräknad" in page


def test_a_groups_age_reaches_the_model_through_the_form_path(forbund, forbund_admin):
    """A type-case group's age (issue 13, item 2: age-dependent values expressible in an
    evaluation, not only in the value set): the group not improved, at 20, is paid the
    19–20 level of aktivitetsersättning for its half share of it."""
    groups = seed_groups()
    groups[2]["age"] = 20
    aged = services.save_evaluation(
        user=forbund_admin,
        evaluation=type_case(forbund, shipped(), name="Ung grupp"),
        groups=groups,
    )
    plain = services.save_evaluation(
        user=forbund_admin,
        evaluation=type_case(forbund, shipped(), name="Utan ålder"),
        groups=seed_groups(),
    )
    cohorts = selectors.model_evaluation(aged).cohorts
    assert [c.age for c in cohorts] == [None, None, 20]
    values = selectors.model_values(aged.value_set)

    def paid(evaluation):
        report = selectors.evaluation_report(evaluation, with_simulation=False)
        return -sum(
            i.change
            for i in report.result.items
            if i.item == "aktivitetsersattning" and i.actor.value == "fk"
        )

    count = cohorts[2].count
    difference = (
        12
        * 0.5
        * count
        * (values.amounts["aktivitetsersattning_19_20"] - values.amounts["aktivitetsersattning"])
    )
    assert paid(aged) - paid(plain) == pytest.approx(difference)
    assert difference != 0
