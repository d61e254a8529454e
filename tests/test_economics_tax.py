"""Swedish income tax on earned income, 2025 and 2026 (samspar/economics/model/tax.py).

Figures from Skatteverket where they were found; the source of each is in the test. "SKV 433"
is Skatteverket's "Teknisk beskrivning för skattetabeller" (utgåva 35 for 2025, utgåva 36 for
2026), whose worked examples use skattetabell 34: a kommunal rate of 34 - 1,16 (begravnings-
and kyrkoavgift) = 32,84 %. No database, no clock.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from samspar.economics.model.tax import (
    RULES,
    TaxRules,
    grundavdrag,
    income_tax,
    jobbskatteavdrag,
    pension_fee,
    pension_fee_reduction,
    sa_reduction,
    schedule_value,
    statlig_skatt,
)

R25, R26 = RULES[2025], RULES[2026]
TABLE_34 = 0.3284


def test_parameters_of_both_years():
    assert sorted(RULES) == [2025, 2026]
    assert (R25.pbb, R25.ibb, R25.skiktgrans) == (58_800, 80_600, 625_800)
    assert (R26.pbb, R26.ibb, R26.skiktgrans) == (59_200, 83_400, 643_000)
    for rules in RULES.values():
        assert rules.state_rate == 0.20
        assert (rules.pension_fee_rate, rules.pension_fee_ceiling_ibb) == (0.07, 8.07)
        assert rules.pension_fee_floor_pbb == 0.423
        for key in ("pbb", "ibb", "skiktgrans", "grundavdrag", "jobbskatteavdrag", "order"):
            assert rules.sources[key], key
        assert "pension_fee" in rules.source and "sa_reduction" in rules.source
    assert "NOT VERIFIED" in R26.sources["sa_reduction"]


def test_schedules_are_continuous():
    """The law's coefficients meet at the interval ends, to the rounding of the coefficients
    (1,813 for 0,91 + 38,74 % x 2,33 = 1,8126; 3,027 for 3,0278; the grundavdrag's 0,77 for
    0,423 + 20 % x 1,73 = 0,769, a step of 0,001 PBB at 2,72 PBB that is in the law)."""
    for rules in RULES.values():
        for schedule in (rules.grundavdrag, rules.jobbskatteavdrag, rules.sa_reduction):
            assert schedule is not None
            for piece in schedule[:-1]:
                assert piece.upto is not None
                x = piece.upto * rules.pbb
                jump = schedule_value(schedule, x + 1e-6, rules.pbb) - schedule_value(
                    schedule, x, rules.pbb
                )
                assert abs(float(jump)) <= 0.0011 * rules.pbb


@pytest.mark.parametrize(
    ("ffi", "expected"),
    [
        # SEB, "Plånboksnyheter 2025", quoting Skatteverket's amounts for 2025: 24 900 kr for
        # incomes 24 900-58 300, 45 300 kr for 159 900-183 600, 17 300 kr above 462 700.
        (24_900, 24_900),
        (58_300, 24_900),
        (58_400, 25_000),
        (159_900, 45_300),
        (183_600, 45_300),
        (183_700, 45_200),
        (462_700, 17_300),
        (1_000_000, 17_300),
        # SKV 433 utgåva 35, examples to 7.5.2: 90 000 -> 31 300, 240 000 -> 39 600,
        # 250 000 -> 38 600 (as reproduced by a third party).
        (90_000, 31_300),
        (240_000, 39_600),
        (250_000, 38_600),
        # Never above the income (IL 63 kap. 5 §).
        (10_000, 10_000),
        (0, 0),
    ],
)
def test_grundavdrag_2025(ffi, expected):
    assert float(grundavdrag(ffi, R25)) == expected


@pytest.mark.parametrize(
    ("ffi", "expected"),
    [
        # Skatteverket, "Belopp och procent - inkomstår 2026": 25 100 kr at low incomes, at most
        # 45 600 kr, at least 17 400 kr at high incomes (quoted by a third party).
        (25_100, 25_100),
        (58_600, 25_100),
        (161_000, 45_600),
        (170_000, 45_600),
        (2_000_000, 17_400),
        # SKV 433 utgåva 36 examples: 120 000 -> 37 400, 324 000 -> 31 600.
        (120_000, 37_400),
        (324_000, 31_600),
    ],
)
def test_grundavdrag_2026(ffi, expected):
    assert float(grundavdrag(ffi, R26)) == expected


@pytest.mark.parametrize(
    ("rules", "work", "expected"),
    [
        # SKV 433 utgåva 35 (2025), examples 1 and 2 to section 7.5.2, table 34.
        (R25, 90_000, 11_935),
        (R25, 240_000, 25_238),
        # SKV 433 utgåva 36 (2026), the same two examples.
        (R26, 90_000, 11_976),
        (R26, 240_000, 26_083),
    ],
)
def test_jobbskatteavdrag_skv433_examples(rules, work, expected):
    ga = grundavdrag(work, rules)
    assert float(jobbskatteavdrag(work, ga, TABLE_34, rules)) == expected


def test_jobbskatteavdrag_2026_strengthened_above_324_pbb_only():
    """Prop. 2025/26:32: unchanged up to 3,24 PBB, higher between 3,24 and 8,08 PBB; highest
    3,027 PBB less the grundavdrag (about 52 400 kr at 32,38 %, Skatteverket's figure)."""
    rate = 0.3238
    for pbb_share in (0.5, 0.91, 2.0, 3.24):
        work = pbb_share * R26.pbb
        same_rules = replace(R25, pbb=R26.pbb)
        assert float(jobbskatteavdrag(work, 0, rate, R26)) == float(
            jobbskatteavdrag(work, 0, rate, same_rules)
        )
    top = jobbskatteavdrag(1_000_000, grundavdrag(1_000_000, R26), rate, R26)
    assert float(top) == np.floor((3.027 * 59_200 - 17_400) * rate)
    assert 52_300 < float(top) < 52_500


@pytest.mark.parametrize(
    ("rules", "pgi", "expected"),
    [
        # SKV 433 (2026): "181 200 x 7 % = 12 684 kr som avrundas till närmaste hundratal".
        (R26, 181_200, 12_700),
        # Skatteverket 2026: at most 47 100 kr (8,07 x 83 400 = 673 038 kr).
        (R26, 673_038, 47_100),
        (R26, 2_000_000, 47_100),
        # Derived for 2025 (not a published figure): 8,07 x 80 600 = 650 442; 7 % -> 45 500.
        (R25, 2_000_000, 45_500),
        # An amount ending in 50 goes down (lag 1994:1744 3 §): 7 % of 180 700 = 12 649,
        # of 182 150 -> 182 100 (rounded down first) = 12 747.
        (R26, 180_700, 12_600),
        (R26, 182_150, 12_700),
        # No fee below 42,3 % of the PBB: 25 041,60 kr in 2026, 24 872,40 kr in 2025.
        (R26, 25_099, 0),
        (R26, 25_100, 1_800),
        (R25, 24_899, 0),
        (R25, 24_900, 1_700),
    ],
)
def test_pension_fee(rules, pgi, expected):
    assert float(pension_fee(pgi, rules)) == expected


def test_pension_fee_reduction_is_the_fee_up_to_the_tax():
    np.testing.assert_array_equal(
        pension_fee_reduction(
            np.full(3, 24_100.0), np.array([30_000.0, 10_000, 0]), np.array([0.0, 5_000, 0])
        ),
        [24_100, 15_000, 0],
    )


@pytest.mark.parametrize(
    ("rules", "brytpunkt"),
    # Brytpunkt (skiktgräns + lowest grundavdrag): 643 100 kr in 2025 (SEB, Plånboksnyheter
    # 2025), 660 400 kr in 2026 (Skatteverket, Belopp och procent 2026).
    [(R25, 643_100), (R26, 660_400)],
)
def test_statlig_skatt_from_the_brytpunkt(rules, brytpunkt):
    at = income_tax(brytpunkt, 0, 0.20, 0.12, rules)
    above = income_tax(brytpunkt + 10_000, 0, 0.20, 0.12, rules)
    assert float(at.taxable) == rules.skiktgrans
    assert float(at.state_tax) == 0
    assert float(above.state_tax) == 0.20 * 10_000
    assert float(statlig_skatt(rules.skiktgrans + 12_345, rules)) == 2_469


def test_complete_2026_computation_skatteverket_etjanst():
    """Lön 360 000 kr, Stockholm 2026 (30,55 % = kommun 18,22 % + region 12,33 %, SCB), born
    1985. Skatteverket's e-tjänst "Räkna ut rot- och rutavdrag" (inkomstår 2026), as recorded
    by a third party (screenshot 2026-09-16): beskattningsbar förvärvsinkomst 332 000,
    kommunal inkomstskatt 101 426, skattereduktion allmän pensionsavgift 25 200,
    jobbskatteavdrag 37 132, förvärvsinkomst 1 500."""
    t = income_tax(360_000, 0, 0.1822, 0.1233, R26)
    assert float(t.grundavdrag) == 28_000
    assert float(t.taxable) == 332_000
    assert float(t.kommunal_tax) == 101_426
    assert float(t.state_tax) == 0
    assert float(t.pension_fee) == float(t.pension_fee_reduction) == 25_200
    assert float(t.jobbskatteavdrag) == 37_132
    assert float(t.earned_income_reduction) == 1_500
    assert float(t.net) == 101_426 - 37_132 - 1_500


def test_worked_example_2025():
    """One participant, 2025: wage 0,75 x 38 300 x 12 = 344 700 kr, no benefits, kommunal rate
    32,41 % (kommun 20,71 %, region 11,70 %), PBB 58 800.

    1. FFI (IL 1 kap. 5 §) = 344 700 (already whole hundreds).
    2. Grundavdrag (IL 63 kap. 3 §): 3,11 PBB = 182 868 < FFI <= 7,88 PBB = 463 344, so
       0,77 x 58 800 - 10 % x (344 700 - 182 868) = 45 276 - 16 183,20 = 29 092,80 -> rounded
       up to 29 100.
    3. Beskattningsbar förvärvsinkomst = 344 700 - 29 100 = 315 600.
    4. Kommunal inkomstskatt = 32,41 % x 315 600 = 102 285,96 -> 102 285, of which kommun
       20,71 % x 315 600 = 65 360,76 -> 65 360 and region the rest, 36 925 (11,70 % x 315 600
       = 36 925,20). Statlig skatt: 315 600 <= skiktgräns 625 800 -> 0.
    5. Allmän pensionsavgift (lag 1994:1744) = 7 % x 344 700 = 24 129 -> 24 100; reduction
       (IL 67 kap. 4 §) 24 100, which leaves 102 285 - 24 100 = 78 185 of kommunal tax.
    6. Jobbskatteavdrag (IL 67 kap. 7 §): 3,24 PBB = 190 512 < 344 700 <= 8,08 PBB = 475 104,
       so (1,813 x 58 800 + 19,9 % x (344 700 - 190 512) - 29 100) x 32,41 %
       = (106 604,40 + 30 683,41 - 29 100) x 0,3241 = 108 187,81 x 0,3241 = 35 063,67
       -> 35 063 (<= 78 185, granted in full).
    7. Skattereduktion för förvärvsinkomster (IL 67 kap. 46-47 §§): taxable > 240 000 -> 1 500.
    8. Reductions = 24 100 + 35 063 + 1 500 = 60 663, all borne by staten.
    9. Net = 65 360 + 36 925 + 0 + 24 100 - 60 663 = 65 722 kr (19,1 % of the wage); staten's
       net = 0 - 60 663 = -60 663; the pension system gets 24 100.
    """
    t = income_tax(0.75 * 38_300 * 12, 0, 0.2071, 0.1170, R25)
    expected = {
        "ffi": 344_700,
        "grundavdrag": 29_100,
        "taxable": 315_600,
        "kommun": 65_360,
        "region": 36_925,
        "state_tax": 0,
        "pension_fee": 24_100,
        "pension_fee_reduction": 24_100,
        "jobbskatteavdrag": 35_063,
        "sa_reduction": 0,
        "earned_income_reduction": 1_500,
        "reductions": 60_663,
        "net": 65_722,
        "state_net": -60_663,
    }
    assert {key: float(getattr(t, key)) for key in expected} == expected


def test_sjukersattning_2025_by_hand():
    """Sjukersättning 150 000 kr, no other income, 2025, 32,41 %: grundavdrag 0,423 x 58 800
    + 20 % x (150 000 - 58 212) = 43 230 -> 43 300; taxable 106 700; kommunal tax 34 581;
    no pension fee; reduction (IL 67 kap. 9 c §, SFS 2021:1159) (53 508 + 34,05 % x
    (150 000 - 53 508) - 43 300) x 0,3241 = 13 956,88 -> 13 956 (above the floor 4,5 % x
    150 000 x 0,3241 = 2 187); förvärvsinkomst 0,75 % x 66 700 = 500; net 20 125."""
    t = income_tax(0, 150_000, 0.2071, 0.1170, R25, sa_income=150_000)
    assert float(t.grundavdrag) == 43_300
    assert float(t.kommunal_tax) == 34_581
    assert float(t.pension_fee) == 0
    assert float(t.sa_reduction) == 13_956
    assert float(t.earned_income_reduction) == 500
    assert float(t.net) == 20_125
    # The same amount as wage was taxed less in 2025 (JSA 15 423): the gap prop. 2025/26:32
    # closes in 2026.
    wage = income_tax(150_000, 0, 0.2071, 0.1170, R25)
    assert float(wage.jobbskatteavdrag) == 15_423
    assert float(wage.net) < float(t.net)


def test_sa_reduction_floor_of_four_and_a_half_percent():
    # A large grundavdrag (from other income) leaves the schedule below the floor.
    got = sa_reduction(40_000, 45_300, 0.3241, R25)
    assert float(got) == np.floor(0.045 * 40_000 * 0.3241)


@given(
    sa=st.floats(0, 8.08 * 59_200),
    ga=st.sampled_from([0.0, 17_400.0, 25_100.0, 45_600.0]),
    rate=st.floats(0.28, 0.36),
)
@settings(deadline=None, max_examples=200)
def test_2026_sa_reduction_at_least_the_jobbskatteavdrag(sa, ga, rate):
    """2026: the reduction for sjuk- and aktivitetsersättning follows the jobbskatteavdrag's
    schedule up to 8,08 PBB (and has the 4,5 % floor besides)."""
    sa_red = float(sa_reduction(sa, ga, rate, R26))
    jsa = float(jobbskatteavdrag(sa, ga, rate, R26))
    assert sa_red >= jsa
    if jsa > 0.045 * np.floor(sa / 100) * 100 * rate + 1:
        assert sa_red == jsa


def test_sa_income_must_be_part_of_the_benefits():
    with pytest.raises(ValueError):
        income_tax(100_000, 10_000, 0.2, 0.12, R26, sa_income=20_000)


def test_kommunal_only_reductions_stop_at_the_kommunal_tax():
    """A low wage: the jobbskatteavdrag is cut to what the pension fee reduction leaves."""
    t = income_tax(40_000, 0, 0.2071, 0.1170, R25)
    assert float(t.kommunal_tax) == 4_893  # 32,41 % x (40 000 - 24 900)
    assert float(t.pension_fee_reduction) == 2_800
    assert float(t.jobbskatteavdrag) == 4_893 - 2_800
    assert float(t.net) == float(t.pension_fee) == 2_800


# -- Properties ----------------------------------------------------------------------------

income = st.floats(0, 1_500_000, allow_nan=False, allow_infinity=False)
kommun_rate = st.floats(0.15, 0.25)
region_rate = st.floats(0.10, 0.13)
years = st.sampled_from(sorted(RULES))
roundings = st.booleans()


def _floor_income(rules: TaxRules) -> float:
    return rules.pension_fee_floor_pbb * rules.pbb


@given(income, income, st.floats(0, 1), kommun_rate, region_rate, years, roundings)
@settings(deadline=None, max_examples=300)
def test_split_adds_up(work, benefit, sa_share, k, r, year, rounding):
    t = income_tax(
        work, benefit, k, r, RULES[year], sa_income=benefit * sa_share, rounding=rounding
    )
    parts = t.pension_fee_reduction + t.jobbskatteavdrag + t.sa_reduction
    assert float(t.reductions) == pytest.approx(float(parts + t.earned_income_reduction))
    assert float(t.net) == pytest.approx(
        float(t.kommun + t.region + t.state_tax + t.pension_fee - t.reductions), abs=1e-6
    )
    assert float(t.state_net) == pytest.approx(float(t.state_tax - t.reductions))
    # Never more reductions than the tax they are set against (IL 67 kap. 2 §) ...
    assert float(t.reductions) <= float(t.kommunal_tax + t.state_tax) + 1e-6
    kommunal_only = t.jobbskatteavdrag + t.sa_reduction + t.earned_income_reduction
    assert float(kommunal_only) <= float(t.kommunal_tax) + 1e-6
    # ... so the person never pays less than the pension fee, and never a negative tax.
    assert float(t.net) >= float(t.pension_fee) - 1e-6 >= -1e-6
    assert float(t.taxable) == pytest.approx(float(t.ffi - t.grundavdrag))
    if rounding:
        for amount in (t.ffi, t.grundavdrag, t.taxable, t.pension_fee):
            assert float(amount) % 100 == 0
        assert float(t.net) == round(float(t.net))


@given(income, st.floats(0, 1), kommun_rate, region_rate, years, roundings)
@settings(deadline=None, max_examples=200)
def test_benefits_only_never_a_negative_tax(benefit, sa_share, k, r, year, rounding):
    """Under the law skattereduktioner are not paid out (IL 67 kap. 2 §), so benefits alone
    never give a negative tax: at least the pension fee is paid."""
    rules = RULES[year]
    t = income_tax(0, benefit, k, r, rules, sa_income=benefit * sa_share, rounding=rounding)
    assert float(t.jobbskatteavdrag) == 0
    assert float(t.net) >= float(t.pension_fee) >= 0


def test_more_work_can_lower_the_tax_by_the_earned_income_reduction():
    """Not monotone under the law: with a-kassa 40 000 kr and a wage below 0,91 PBB, each krona
    of wage raises the kommunal tax and the jobbskatteavdrag alike (both by 80 % of the rate:
    the grundavdrag grows by 20 %), while the förvärvsinkomst reduction grows by 0,75 % of
    the taxable income: the tax falls by 60 kr per 10 000 kr of wage."""
    nets = [float(income_tax(w, 40_000, 0.2071, 0.1170, R25).net) for w in (30_000, 40_000, 50_000)]
    assert nets == [12_944, 12_884, 12_824]


@given(income, income, st.floats(0, 200_000), kommun_rate, region_rate, years, roundings)
@settings(deadline=None, max_examples=400)
def test_more_work_never_much_less_tax_and_never_all_of_it(
    work, benefit, more, k, r, year, rounding
):
    """Without sjuk- and aktivitetsersättning: the tax before the förvärvsinkomst reduction does
    not fall when the wage rises (that reduction lowers it by up to 0,75 % of the extra taxable
    income, see above), and the tax rises by less than the wage (a marginal effective tax
    below 100 %). Exceptions, all in the law: where the pension fee starts (lag 1994:1744 4 §:
    7 % of the whole income once it reaches 42,3 % of the PBB); the small steps where the
    rounded coefficients meet (jobbskatteavdrag 2,776 / 3,027 PBB at 8,08 PBB against 2,7762 /
    3,0278, grundavdrag 0,77 against 0,769 PBB at 2,72 PBB: at most 0,001 PBB x the rate, about
    25 kr); and with rounding, the hundreds (the pension fee's rounding, the grundavdrag's)."""
    rules = RULES[year]
    low = income_tax(work, benefit, k, r, rules, rounding=rounding)
    high = income_tax(work + more, benefit, k, r, rules, rounding=rounding)
    step = 60.0 if rounding else 25.0
    before_low = float(low.net + low.earned_income_reduction)
    before_high = float(high.net + high.earned_income_reduction)
    assert before_high >= before_low - step
    assert float(high.net) >= float(low.net) - 0.0075 * more - step
    start = _floor_income(rules)
    assume(work + benefit >= start + 100 or work + more + benefit < start - 100)
    assert float(high.net - low.net) <= more + (125 if rounding else 25)
    if not rounding:
        assert float(high.net - low.net) <= 0.75 * more + 25


@given(income, income, st.floats(0, 1), kommun_rate, region_rate, years)
@settings(deadline=None, max_examples=300)
def test_rounding_off_is_close_to_rounding_on(work, benefit, sa_share, k, r, year):
    rules = RULES[year]
    pgi = work + benefit * (1 - sa_share)
    assume(abs(pgi - _floor_income(rules)) > 200)
    on = income_tax(work, benefit, k, r, rules, sa_income=benefit * sa_share)
    off = income_tax(work, benefit, k, r, rules, sa_income=benefit * sa_share, rounding=False)
    assert abs(float(on.net - off.net)) < 200
    assert abs(float(on.kommunal_tax - off.kommunal_tax)) < 100


@given(
    st.lists(st.tuples(income, income, st.floats(0, 1), kommun_rate), min_size=1, max_size=8),
    region_rate,
    years,
    roundings,
)
@settings(deadline=None, max_examples=100)
def test_arrays_and_scalars_agree(rows, r, year, rounding):
    work, benefit, share, k = (np.array(column) for column in zip(*rows, strict=True))
    rules = RULES[year]
    together = income_tax(work, benefit, k, r, rules, sa_income=benefit * share, rounding=rounding)
    assert together.net.shape == work.shape
    for i in range(len(rows)):
        alone = income_tax(
            float(work[i]),
            float(benefit[i]),
            float(k[i]),
            r,
            rules,
            sa_income=float(benefit[i] * share[i]),
            rounding=rounding,
        )
        assert isinstance(alone.net, np.ndarray)
        for name in ("ffi", "taxable", "kommun", "region", "state_tax", "reductions", "net"):
            assert float(getattr(alone, name)) == pytest.approx(
                float(getattr(together, name)[i]), abs=1e-6
            )
