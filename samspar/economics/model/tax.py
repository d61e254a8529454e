"""Swedish personal income tax on earned income (förvärvsinkomst), price years 2025 and 2026.

For a person who has not turned 66 at the start of the year, resident the whole year, with
income of employment (wage) and taxable benefits only: no business income, no allmänna
avdrag, no capital income, no property. Pure Python and NumPy: every function takes floats
or NumPy arrays of one shape (one entry per Monte Carlo draw) and returns arrays.

The chain (each step cites its paragraph in ``TaxRules.sources``):

1. fastställd förvärvsinkomst (FFI) = wage + benefits, rounded down to 100 (IL 1 kap. 5 §);
2. grundavdrag from FFI (IL 63 kap. 3 §), rounded up to 100, at most FFI;
3. beskattningsbar förvärvsinkomst = FFI - grundavdrag (a multiple of 100);
4. kommunal inkomstskatt = (kommun + region rate) x taxable (IL 65 kap. 3 §), statlig
   inkomstskatt = 20 % of taxable above the skiktgräns (IL 65 kap. 5 §);
5. allmän pensionsavgift = 7 % of pensionsgrundande income of employment - wage and benefits
   except sjuk- och aktivitetsersättning - (lag 1994:1744);
6. skattereduktioner in the order of IL 67 kap. 2 §: allmän pensionsavgift (4 §, against
   kommunal and statlig inkomstskatt), arbetsinkomst / jobbskatteavdrag (7 §), sjuk- och
   aktivitetsersättning (9 a-9 c §§) and förvärvsinkomst (46-48 §§), the last three against
   kommunal inkomstskatt only. None is paid out: together they never exceed the tax.

Who gets what: kommun and region their rate x taxable; staten the statlig inkomstskatt less
every skattereduktion (``TaxSplit.state_net``); the pension system the pension fee.

Not modelled: begravningsavgift, kyrkoavgift and public service-avgift (fees outside the tax
the reductions are set against), the regional skattereduktion (1 675 kr in some kommuner,
67 kap. 34 §), the 200-kronor minimum for statlig inkomstskatt, part-year residence.

``rounding=False`` drops every rounding to hundreds and to whole kronor, for a smooth
function of the inputs in Monte Carlo runs; the thresholds of the law (the pension fee's
floor) stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

Array: TypeAlias = npt.NDArray[np.float64]
Amount: TypeAlias = float | Array

# Tolerances for rounding products that are whole numbers on paper (0.2 x 100 = 20) but not
# quite in binary floating point.
_HUNDREDS_EPS = 1e-9
_KRONOR_EPS = 1e-6


@dataclass(frozen=True)
class Piece:
    """One interval of a schedule written in price base amounts (PBB), as the law writes
    them: for x up to ``upto`` PBB (inclusive; None: no upper bound) the value is
    ``base`` PBB + ``rate`` x (x - ``over`` PBB)."""

    upto: float | None
    base: float
    rate: float
    over: float = 0.0


Schedule: TypeAlias = tuple[Piece, ...]


@dataclass(frozen=True)
class TaxRules:
    """The parameters of one price year. Amounts in kronor, rates as fractions."""

    year: int
    pbb: float  # prisbasbelopp
    ibb: float  # inkomstbasbelopp
    skiktgrans: float  # on beskattningsbar förvärvsinkomst
    grundavdrag: Schedule  # of fastställd förvärvsinkomst
    jobbskatteavdrag: Schedule  # of arbetsinkomst, before the grundavdrag is subtracted
    # Skattereduktion för sjuk- och aktivitetsersättning (IL 67 kap. 9 c §): the schedule of
    # the compensation less the grundavdrag, times the kommunal rate, but at least
    # ``sa_min_share`` of the compensation times the kommunal rate. None: no such reduction.
    sa_reduction: Schedule | None
    sa_min_share: float = 0.045
    state_rate: float = 0.20
    pension_fee_rate: float = 0.07
    pension_fee_ceiling_ibb: float = 8.07  # income above this many IBB carries no fee
    pension_fee_floor_pbb: float = 0.423  # no fee on income below this share of the PBB
    # Skattereduktion för förvärvsinkomster (IL 67 kap. 46-48 §§), in kronor of taxable income.
    earned_income_floor: float = 40_000.0
    earned_income_full: float = 240_000.0
    earned_income_rate: float = 0.0075
    earned_income_max: float = 1_500.0
    sources: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, hash=False
    )

    @property
    def source(self) -> str:
        """Every source of the year's parameters, one per line."""
        return "\n".join(f"{key}: {text}" for key, text in self.sources.items())


GRUNDAVDRAG: Schedule = (
    Piece(0.99, 0.423, 0.0),
    Piece(2.72, 0.423, 0.20, 0.99),
    Piece(3.11, 0.77, 0.0),
    Piece(7.88, 0.77, -0.10, 3.11),
    Piece(None, 0.293, 0.0),
)

_COMMON_SOURCES = {
    "grundavdrag": (
        "IL (1999:1229) 63 kap. 3 § (lydelse SFS 2011:1256, unchanged 2025-2026): 0,423 PBB "
        "up to 0,99 PBB; +20 % up to 2,72; 0,77 PBB up to 3,11; -10 % up to 7,88; 0,293 PBB "
        "above. Rounded up to whole hundreds (63 kap. 2 §), at most the income (63 kap. 5 §); "
        "FFI rounded down to whole hundreds (1 kap. 5 §). Paragraph texts as quoted from "
        "riksdagen.se (consolidated IL t.o.m. SFS 2026:1393) in a third-party verification, "
        "not read first-hand here; amounts checked against Skatteverket's published figures."
    ),
    "state_rate": "IL 65 kap. 5 § första stycket: 20 % of taxable income above the skiktgräns.",
    "pension_fee": (
        "Lag (1994:1744) om allmän pensionsavgift 2-4 §§: 7 %; income of employment rounded "
        "down to whole hundreds; income above 8,07 IBB disregarded; no fee if the income is "
        "below 42,3 % of the PBB; fee rounded to the nearest hundred, 50 rounded down; no fee "
        "on sjuk- and aktivitetsersättning (4 § andra stycket). Skattereduktion of 100 % of the "
        "fee: IL 67 kap. 4 §. Texts as quoted from riksdagen.se (t.o.m. SFS 2025:381) in a "
        "third-party verification, not read first-hand; the rounding is confirmed by "
        "Skatteverket's example in SKV 433 (2026): 181 200 kr -> 12 700 kr."
    ),
    "order": (
        "IL 67 kap. 2 § (lydelse SFS 2020:1168, read at lagboken.se): reductions for "
        "sjöinkomst, allmän pensionsavgift, arbetsinkomst, sjukersättning och "
        "aktivitetsersättning, förvärvsinkomst, regional, underskott av kapital, ... in that "
        "order, set against kommunal and statlig inkomstskatt; 5-9 d, 34, 35 and 46-48 §§ "
        "against kommunal inkomstskatt only. 67 kap. 1 §: whole kronor, öre dropped. The "
        "pension fee reduction is set against the kommunal tax first, as Skatteverket does in "
        "SKV 433 (ex. 2, as reported by a third party); it only matters with statlig skatt."
    ),
    "earned_income_reduction": (
        "IL 67 kap. 46-48 §§ (SFS 2020:1166): taxable income above 40 000 kr gives 0,75 % of "
        "(taxable - 40 000), at most 1 500 kr (reached at 240 000 kr); against kommunal "
        "inkomstskatt only. Skatteverket, Rättslig vägledning 2024.3, 'Skattereduktion för "
        "förvärvsinkomster'. Unchanged 2025-2026 (amounts in kronor in the law, not indexed) "
        "according to a third-party reading of the consolidated IL t.o.m. SFS 2026:1393."
    ),
}

RULES_2025 = TaxRules(
    year=2025,
    pbb=58_800.0,
    ibb=80_600.0,
    skiktgrans=625_800.0,
    grundavdrag=GRUNDAVDRAG,
    jobbskatteavdrag=(
        Piece(0.91, 0.0, 1.0),
        Piece(3.24, 0.91, 0.3874, 0.91),
        Piece(8.08, 1.813, 0.199, 3.24),
        Piece(None, 2.776, 0.0),
    ),
    sa_reduction=(
        Piece(0.91, 0.0, 1.0),
        Piece(3.24, 0.91, 0.3405, 0.91),
        Piece(None, 1.703, 0.128, 3.24),
    ),
    sources=MappingProxyType(
        {
            "pbb": (
                "Prisbasbelopp 2025 = 58 800 kr (SFB 2 kap. 6-7 §§, fixed by regeringen; the "
                "förordning's SFS number not verified). Secondary: SEB 'Plånboksnyheter 2025', "
                "Sparbanken Skaraborg 'Basbelopp'; consistent with Skatteverket's grundavdrag "
                "amounts for 2025 (24 900 / 45 300 / 17 300 kr)."
            ),
            "ibb": (
                "Inkomstbasbelopp 2025 = 80 600 kr (SFB 58 kap. 26-27 §§). Secondary sources "
                "only (Sparbanken Skaraborg 'Basbelopp', Bokio 'Belopp 2025'); the förordning "
                "not seen."
            ),
            "skiktgrans": (
                "Skiktgräns 2025 = 625 800 kr (IL 65 kap. 5 §, fixed by regeringen; förordning "
                "not seen). Secondary: SEB 'Plånboksnyheter 2025' (brytpunkt 643 100 kr), "
                "Bokio, Sparbanken Skaraborg."
            ),
            "jobbskatteavdrag": (
                "IL 67 kap. 7 § as worded by SFS 2024:1131 (prop. 2024/25:1), in force "
                "2025-01-01: (AI - GA) x KI up to 0,91 PBB; 0,91 PBB + 38,74 % up to 3,24 PBB; "
                "1,813 PBB + 19,9 % up to 8,08 PBB; 2,776 PBB above; no phase-out. Arbetsinkomst "
                "rounded down to whole hundreds (67 kap. 6 §). Coefficients as quoted from SFS "
                "2024:1131 by a third party; they reproduce Skatteverket's SKV 433 utgåva 35 "
                "examples (90 000 kr -> 11 935 kr, 240 000 kr -> 25 238 kr at KI 32,84 %)."
            ),
            "sa_reduction": (
                "IL 67 kap. 9 a-9 c §§; 9 c § as worded by SFS 2021:1159 (prop. 2021/22:33), "
                "in force 2022-01-01, read at lagboken.se: (U - GA) x KI up to 0,91 PBB; "
                "0,91 PBB + 34,05 % up to 3,24 PBB; 1,703 PBB + 12,8 % above; at least 4,5 % "
                "x U x KI. Not amended by SFS 2024:1131; no later amendment before 2026 found "
                "(the 2023 proposal Fi2022/01284 was not enacted; prop. 2025/26:32 says a gap "
                "to arbetsinkomster remained above about 0,91 PBB). Underlag rounded down to "
                "whole hundreds as for arbetsinkomst: assumed, 9 b § text not seen."
            ),
            **_COMMON_SOURCES,
        }
    ),
)

RULES_2026 = TaxRules(
    year=2026,
    pbb=59_200.0,
    ibb=83_400.0,
    skiktgrans=643_000.0,
    grundavdrag=GRUNDAVDRAG,
    jobbskatteavdrag=(
        Piece(0.91, 0.0, 1.0),
        Piece(3.24, 0.91, 0.3874, 0.91),
        Piece(8.08, 1.813, 0.251, 3.24),
        Piece(None, 3.027, 0.0),
    ),
    sa_reduction=(
        Piece(0.91, 0.0, 1.0),
        Piece(3.24, 0.91, 0.3874, 0.91),
        Piece(None, 1.813, 0.251, 3.24),
    ),
    sources=MappingProxyType(
        {
            "pbb": (
                "Prisbasbelopp 2026 = 59 200 kr (SFS 2025:872). Skatteverket, 'Belopp och "
                "procent - inkomstår 2026' (as quoted by a third party; page not read "
                "first-hand)."
            ),
            "ibb": (
                "Inkomstbasbelopp 2026 = 83 400 kr (SFS 2025:1002). Skatteverket, 'Belopp och "
                "procent - inkomstår 2026' (as quoted by a third party); pension fee ceiling "
                "8,07 x 83 400 = 673 038 kr, highest fee 47 100 kr."
            ),
            "skiktgrans": (
                "Skiktgräns 2026 = 643 000 kr (IL 65 kap. 5 §, fixed by regeringen). "
                "Skatteverket, 'Belopp och procent - inkomstår 2026': brytpunkt 660 400 kr under "
                "66 (as quoted by a third party); also Bokio 'Belopp 2026'."
            ),
            "jobbskatteavdrag": (
                "IL 67 kap. 7 § as worded by SFS 2025:1376 (prop. 2025/26:32, bet. "
                "2025/26:FiU1, rskr. 2025/26:64), in force 2026-01-01: as 2025 up to 3,24 PBB; "
                "1,813 PBB + 25,1 % up to 8,08 PBB; 3,027 PBB above. Coefficients as quoted from "
                "SFS 2025:1376 by a third party; they reproduce Skatteverket's SKV 433 utgåva 36 "
                "examples (90 000 kr -> 11 976 kr, 240 000 kr -> 26 083 kr at KI 32,84 %)."
            ),
            "sa_reduction": (
                "IL 67 kap. 9 b-9 c §§ as amended by SFS 2025:1376 (prop. 2025/26:32: the "
                "reduction is strengthened for underlag above about 54 000 kr = 0,91 PBB, to "
                "remove the difference to arbetsinkomster). Coefficients (0,91 PBB; 38,74 % up to "
                "3,24 PBB; 1,813 PBB + 25,1 % above; at least 4,5 %) from a third-party "
                "transcription of Skatteverket's SKV 433 utgåva 36. NOT VERIFIED against the "
                "text of SFS 2025:1376, which was not available here."
            ),
            **_COMMON_SOURCES,
        }
    ),
)

RULES: dict[int, TaxRules] = {2025: RULES_2025, 2026: RULES_2026}


def rules_for(price_year: int | None) -> TaxRules:
    """The law of ``price_year``; a year Samspår has no rules for takes those of the latest
    year before it (a förbund's own 2027 set is taxed by 2026's law until Samspår ships
    2027's), a year before the first the first year's, and no year the latest."""
    if price_year is None:
        return RULES[max(RULES)]
    earlier = [year for year in RULES if year <= price_year]
    return RULES[max(earlier)] if earlier else RULES[min(RULES)]


# -- Rounding -------------------------------------------------------------------------------


def _floor100(x: Array) -> Array:
    return np.floor(x / 100 + _HUNDREDS_EPS) * 100


def _ceil100(x: Array) -> Array:
    return np.ceil(x / 100 - _HUNDREDS_EPS) * 100


def _nearest100_half_down(x: Array) -> Array:
    """To the nearest hundred; an amount ending in exactly 50 goes down (lag 1994:1744 3 §)."""
    return np.ceil(x / 100 - 0.5 - _HUNDREDS_EPS) * 100 + 0.0


def _whole_kronor(x: Array) -> Array:
    """Öre dropped (IL 67 kap. 1 §; Skatteverket truncates the taxes alike in SKV 433)."""
    return np.floor(x + _KRONOR_EPS)


def _arrays(*values: Amount) -> list[Array]:
    return [np.asarray(v, dtype=np.float64) for v in np.broadcast_arrays(*values)]


def _out(x: Amount) -> Array:
    """An array, also for scalar input (NumPy turns 0-d results into scalars)."""
    return np.asarray(x, dtype=np.float64)


def schedule_value(schedule: Schedule, x: Amount, pbb: float) -> Array:
    """The value of a schedule at ``x`` kronor."""
    (xs,) = _arrays(x)
    out = np.zeros_like(xs)
    done = np.zeros(xs.shape, dtype=bool)
    for piece in schedule:
        here = ~done if piece.upto is None else ~done & (xs <= piece.upto * pbb)
        value = piece.base * pbb + piece.rate * (xs - piece.over * pbb)
        out = np.where(here, value, out)
        done = done | here
    return _out(out)


# -- The steps ------------------------------------------------------------------------------


def grundavdrag(ffi: Amount, rules: TaxRules, *, rounding: bool = True) -> Array:
    """Grundavdrag (IL 63 kap. 2-3, 5 §§) for a fastställd förvärvsinkomst: rounded up to
    whole hundreds, never above the income."""
    (income,) = _arrays(ffi)
    income = np.maximum(income, 0.0)
    allowance = schedule_value(rules.grundavdrag, income, rules.pbb)
    if rounding:
        allowance = _ceil100(allowance)
    return _out(np.minimum(allowance, income))


def jobbskatteavdrag(
    work_income: Amount,
    grundavdrag: Amount,
    kommunal_rate: Amount,
    rules: TaxRules,
    *,
    rounding: bool = True,
) -> Array:
    """Skattereduktion för arbetsinkomst (IL 67 kap. 6-7 §§) for someone under 66, before it
    is limited by the kommunal inkomstskatt: (schedule(AI) - grundavdrag) x kommunal rate,
    never negative. ``kommunal_rate``: kommun + region, as a fraction."""
    ai, ga, rate = _arrays(work_income, grundavdrag, kommunal_rate)
    ai = np.maximum(ai, 0.0)
    if rounding:
        ai = _floor100(ai)
    credit = np.maximum((schedule_value(rules.jobbskatteavdrag, ai, rules.pbb) - ga) * rate, 0.0)
    credit = np.where(ai > 0, credit, 0.0)
    return _out(_whole_kronor(credit) if rounding else credit)


def sa_reduction(
    sa_income: Amount,
    grundavdrag: Amount,
    kommunal_rate: Amount,
    rules: TaxRules,
    *,
    rounding: bool = True,
) -> Array:
    """Skattereduktion för sjuk- och aktivitetsersättning (IL 67 kap. 9 a-9 c §§), before it
    is limited by the kommunal inkomstskatt: (schedule(U) - grundavdrag) x kommunal rate, at
    least ``sa_min_share`` x U x kommunal rate. Zero where the year has no such reduction."""
    u, ga, rate = _arrays(sa_income, grundavdrag, kommunal_rate)
    if rules.sa_reduction is None:
        return _out(np.zeros_like(u))
    u = np.maximum(u, 0.0)
    if rounding:
        u = _floor100(u)
    by_schedule = (schedule_value(rules.sa_reduction, u, rules.pbb) - ga) * rate
    reduction = np.maximum(by_schedule, rules.sa_min_share * u * rate)
    return _out(_whole_kronor(reduction) if rounding else reduction)


def earned_income_reduction(taxable: Amount, rules: TaxRules, *, rounding: bool = True) -> Array:
    """Skattereduktion för förvärvsinkomster (IL 67 kap. 46-47 §§), before it is limited by
    the kommunal inkomstskatt."""
    (bfi,) = _arrays(taxable)
    reduction = np.clip(
        rules.earned_income_rate * (bfi - rules.earned_income_floor), 0.0, rules.earned_income_max
    )
    return _out(_whole_kronor(reduction) if rounding else reduction)


def statlig_skatt(taxable: Amount, rules: TaxRules, *, rounding: bool = True) -> Array:
    """Statlig inkomstskatt (IL 65 kap. 5 §): 20 % of taxable income above the skiktgräns."""
    (bfi,) = _arrays(taxable)
    tax = rules.state_rate * np.maximum(bfi - rules.skiktgrans, 0.0)
    return _out(_whole_kronor(tax) if rounding else tax)


def pension_fee(pgi: Amount, rules: TaxRules, *, rounding: bool = True) -> Array:
    """Allmän pensionsavgift (lag 1994:1744 2-4 §§) on pensionsgrundande income of employment
    (wage and benefits, not sjuk- or aktivitetsersättning): 7 % of the income up to 8,07 IBB,
    nothing if the income is below 42,3 % of the PBB, rounded to the nearest hundred."""
    (income,) = _arrays(pgi)
    income = np.maximum(income, 0.0)
    if rounding:
        income = _floor100(income)
    base = np.minimum(income, rules.pension_fee_ceiling_ibb * rules.ibb)
    fee = rules.pension_fee_rate * base
    if rounding:
        fee = _nearest100_half_down(fee)
    return _out(np.where(income < rules.pension_fee_floor_pbb * rules.pbb, 0.0, fee))


def pension_fee_reduction(fee: Amount, kommunal_tax: Amount, state_tax: Amount) -> Array:
    """Skattereduktion för allmän pensionsavgift (IL 67 kap. 4 §): the whole fee, but no more
    than the kommunal and statlig inkomstskatt it is set against (67 kap. 2 §)."""
    f, k, s = _arrays(fee, kommunal_tax, state_tax)
    return _out(np.minimum(f, k + s))


@dataclass(frozen=True)
class TaxSplit:
    """One person's tax for a year, per Monte Carlo draw, and who receives it."""

    ffi: Array  # fastställd förvärvsinkomst
    grundavdrag: Array
    taxable: Array  # beskattningsbar förvärvsinkomst
    kommun: Array  # the kommun's part of the kommunal inkomstskatt
    region: Array  # the region's part of the kommunal inkomstskatt
    state_tax: Array  # statlig inkomstskatt
    pension_fee: Array  # allmän pensionsavgift, to the pension system
    pension_fee_reduction: Array  # the reductions granted, in the order of IL 67 kap. 2 §
    jobbskatteavdrag: Array
    sa_reduction: Array
    earned_income_reduction: Array
    reductions: Array  # their sum, borne by staten
    net: Array  # what the person pays: kommun + region + state_tax + pension_fee - reductions

    @property
    def kommunal_tax(self) -> Array:
        return self.kommun + self.region

    @property
    def state_net(self) -> Array:
        """Staten's net: statlig inkomstskatt less every skattereduktion (may be negative)."""
        return self.state_tax - self.reductions


def income_tax(
    work_income: Amount,
    benefit_income: Amount,
    municipal_rate: Amount,
    regional_rate: Amount,
    rules: TaxRules,
    sa_income: Amount = 0.0,
    *,
    rounding: bool = True,
) -> TaxSplit:
    """The tax on a year's wage (``work_income``) and taxable benefits (``benefit_income``:
    sjukpenning, aktivitetsstöd, a-kassa, sjuk- and aktivitetsersättning, ...) for someone
    under 66. ``sa_income`` is the part of ``benefit_income`` that is sjuk- or
    aktivitetsersättning: it gives its own skattereduktion and carries no pension fee.
    Rates are fractions (0.2071). Negative incomes count as zero. With ``rounding`` the
    kommunal inkomstskatt is in whole kronor (öre dropped): the kommun gets its rate x taxable
    in whole kronor and the region the rest."""
    work, benefit, sa, k_rate, r_rate = _arrays(
        work_income, benefit_income, sa_income, municipal_rate, regional_rate
    )
    work = np.maximum(work, 0.0)
    benefit = np.maximum(benefit, 0.0)
    sa = np.maximum(sa, 0.0)
    if np.any(sa > benefit + 1e-9):
        raise ValueError("sa_income is part of benefit_income and cannot exceed it")
    kommunal_rate = k_rate + r_rate

    ffi = work + benefit
    if rounding:
        ffi = _floor100(ffi)
    ga = grundavdrag(ffi, rules, rounding=rounding)
    taxable = np.maximum(ffi - ga, 0.0)
    if rounding:
        taxable = _floor100(taxable)

    if rounding:
        # Kommunal inkomstskatt in whole kronor; the region's part takes the remainder.
        kommunal_tax = _whole_kronor(kommunal_rate * taxable)
        kommun = np.minimum(_whole_kronor(k_rate * taxable), kommunal_tax)
        region = kommunal_tax - kommun
    else:
        kommun = k_rate * taxable
        region = r_rate * taxable
        kommunal_tax = kommun + region
    state_tax = statlig_skatt(taxable, rules, rounding=rounding)
    fee = pension_fee(work + benefit - sa, rules, rounding=rounding)

    # IL 67 kap. 2 §: in this order; all but the first against the kommunal tax only.
    fee_reduction = pension_fee_reduction(fee, kommunal_tax, state_tax)
    kommunal_left = kommunal_tax - np.minimum(fee_reduction, kommunal_tax)
    granted = [fee_reduction]
    for wanted in (
        jobbskatteavdrag(work, ga, kommunal_rate, rules, rounding=rounding),
        sa_reduction(sa, ga, kommunal_rate, rules, rounding=rounding),
        earned_income_reduction(taxable, rules, rounding=rounding),
    ):
        used = np.minimum(wanted, kommunal_left)
        kommunal_left = kommunal_left - used
        granted.append(used)
    reductions = granted[0] + granted[1] + granted[2] + granted[3]
    net = kommun + region + state_tax + fee - reductions
    return TaxSplit(
        ffi=_out(ffi),
        grundavdrag=_out(ga),
        taxable=_out(taxable),
        kommun=_out(kommun),
        region=_out(region),
        state_tax=_out(state_tax),
        pension_fee=_out(fee),
        pension_fee_reduction=_out(granted[0]),
        jobbskatteavdrag=_out(granted[1]),
        sa_reduction=_out(granted[2]),
        earned_income_reduction=_out(granted[3]),
        reductions=_out(reductions),
        net=_out(net),
    )
