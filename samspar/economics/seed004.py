"""Seed 004 (Payoff's NyttoSam evaluation of Samverkansteamet in Ale, Kungälv,
Stenungsund and Tjörn) as model input: the worked example of docs/economics.md,
the fixture of its reproduction test and the demo's type-case evaluation.

The seed states its benefit levels and the after-groups' sizes as its own
estimates, but the numbers did not survive into the text we have. They are
derived here from the figures the seed does print per actor, one figure per
unknown, on Samspår's 2025 standard values (docs/economics.md, "Worked example:
seed 004", writes out every step):

- the cost per actor: a quarter of the *nominal* 6 mkr each (1,5 mkr), which is
  what the seed's region and Försäkringskassan paybacks and one-year figures
  imply; society bears the uplifted 7,5 mkr;
- the wage subsidy: 50 % of the whole wage cost, no ceiling (NyttoSam's
  "50 % subvention"; the seed's region figure confirms it);
- group (1), 6 of the 81: staten totalt −1,9 mkr less Försäkringskassan and
  Arbetsförmedlingen leaves 0,66 mkr of employer contributions, the wages of
  6,1 full-year participants working 75 %;
- group (2), 22, and the one level of aktivitetsstöd, aktivitetsersättning and
  sjukersättning, 10 170 kr: Arbetsförmedlingen's −2,8 mkr;
- sjukpenning 18 370 kr: Försäkringskassan's payback of 76 months;
- försörjningsstöd 7 190 kr: the municipality's 4,2 mkr;
- resource use: Samspår's estimates, with care only the sick-listing doctor's
  visits — the seed's region figure is the regional tax alone.

Region (payback 46 months against the seed's 47) is then a prediction, not a fit.
"""

from __future__ import annotations

from samspar.economics.model import Cohort, CostBasis, Evaluation, State, ValueSet
from samspar.economics.model.inputs import type_cases

PARTICIPANTS = 81
COST = 6_000_000  # kronor, project start to September, for the 81 who ended
INDIRECT_TAX_FACTOR = 1.25  # seed: 6 mkr → 7,5 mkr
ACTOR_COST = CostBasis.NOMINAL  # a quarter of the 6 mkr to each party
WAGE_SUBSIDY_CEILING = False  # the 50 % is of the whole wage cost

# Monthly levels derived from the seed's per-actor figures (see above); the seed
# gives one level for aktivitetsstöd, aktivitetsersättning and sjukersättning
# ("bedöms till … kr/mån per individ, inkl. skatt").
ONE_LEVEL = 10_170.0
LEVELS = {
    "forsorjningsstod": 7_190.0,
    "sjukpenning": 18_370.0,
    "aktivitetsstod": ONE_LEVEL,
    "aktivitetsersattning": ONE_LEVEL,
    "sjukersattning": ONE_LEVEL,
}

# Resource use of the average participant before, per year (Samspår's estimates):
# socialtjänst for the half on försörjningsstöd (5 hours a month each), some
# handling at Försäkringskassan and Arbetsförmedlingen, and the sick-listing
# doctor ("som minst ... kontakter med sjukskrivande läkare": the 37,5 % on
# sjukpenning see the doctor about five times a year).
RESOURCE_USE = {
    "caseworker_kommun": 30.0,  # hours
    "caseworker_fk": 10.0,
    "caseworker_af": 10.0,
    "care_visit_primary": 2.0,  # visits
    "care_visit_psychiatry": 0.0,
}

BEFORE = State(
    supply={"forsorjningsstod": 0.5, "sjukpenning": 0.375, "aktivitetsstod": 0.125},
    resource_use=RESOURCE_USE,
)
# After: (1) work at 75 % with a 50 % wage subsidy and 20 % less resource use,
# (2) better but not working: aktivitetsstöd, (3) not improved: half sjukersättning,
# half aktivitetsersättning. Participants per group: 6, 22 and 53 of the 81, as
# percentages rounded to hundredths (as a type-case group stores its share).
COUNTS = (6, 22, 53)
PERCENT = (7.41, 27.16, 65.43)
SHARES = tuple(percent / 100 for percent in PERCENT)
GROUPS: list[tuple[str, float, State]] = [
    (
        "Försörjer sig genom arbete",
        SHARES[0],
        State({}, 0.75, 0.5, BEFORE.scaled_resources(0.8).resource_use),
    ),
    (
        "Mår bättre men klarar inte arbete",
        SHARES[1],
        State({"aktivitetsstod": 1.0}, resource_use=RESOURCE_USE),
    ),
    (
        "Har inte förbättrat sig",
        SHARES[2],
        State({"sjukersattning": 0.5, "aktivitetsersattning": 0.5}, resource_use=RESOURCE_USE),
    ),
]


def cohorts() -> list[Cohort]:
    return type_cases(PARTICIPANTS, BEFORE, GROUPS)


def evaluation() -> Evaluation:
    return Evaluation(
        cohorts(),
        COST,
        indirect_tax_factor=INDIRECT_TAX_FACTOR,
        actor_cost=ACTOR_COST,
        wage_subsidy_ceiling=WAGE_SUBSIDY_CEILING,
    )


def values(base: ValueSet) -> ValueSet:
    """The price-year set ``base`` with the seed's benefit levels."""
    return base.with_amounts(**LEVELS)
