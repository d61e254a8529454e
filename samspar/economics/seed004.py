"""Seed 004 (Payoff's NyttoSam evaluation of Samverkansteamet in Ale, Kungälv,
Stenungsund and Tjörn) as model input: the worked example of docs/economics.md,
the fixture of its reproduction test and the demo's type-case evaluation.

The seed states its benefit levels and the after-groups' shares as its own
estimates, but the numbers did not survive into the text we have; the levels and
shares below are the ones Samspår chose to reproduce the seed's headline, written
down in docs/economics.md.
"""

from __future__ import annotations

from samspar.economics.model import Cohort, Evaluation, State, ValueSet
from samspar.economics.model.inputs import type_cases

PARTICIPANTS = 81
COST = 6_000_000  # kronor, project start to September, for the 81 who ended
INDIRECT_TAX_FACTOR = 1.25  # seed: 6 mkr → 7,5 mkr

# The seed's own estimates: one level for aktivitetsstöd, aktivitetsersättning and
# sjukersättning ("bedöms till … kr/mån per individ, inkl. skatt").
LEVELS = {
    "forsorjningsstod": 6_500.0,
    "sjukpenning": 18_000.0,
    "aktivitetsstod": 9_000.0,
    "aktivitetsersattning": 9_000.0,
    "sjukersattning": 9_000.0,
}

# Resource use of the average participant before, per year.
RESOURCE_USE = {
    "caseworker_kommun": 30.0,  # hours
    "caseworker_fk": 10.0,
    "caseworker_af": 10.0,
    "care_visit_primary": 6.0,  # visits
    "care_visit_psychiatry": 6.0,
}

BEFORE = State(
    supply={"forsorjningsstod": 0.5, "sjukpenning": 0.375, "aktivitetsstod": 0.125},
    resource_use=RESOURCE_USE,
)
# After: (1) work at 75 % with a 50 % wage subsidy and 20 % less resource use,
# (2) better but not working: aktivitetsstöd, (3) not improved: half sjukersättning,
# half aktivitetsersättning. Shares of the 81.
GROUPS: list[tuple[str, float, State]] = [
    (
        "Försörjer sig genom arbete",
        0.135,
        State({}, 0.75, 0.5, BEFORE.scaled_resources(0.8).resource_use),
    ),
    (
        "Mår bättre men klarar inte arbete",
        0.16,
        State({"aktivitetsstod": 1.0}, resource_use=RESOURCE_USE),
    ),
    (
        "Har inte förbättrat sig",
        0.705,
        State({"sjukersattning": 0.5, "aktivitetsersattning": 0.5}, resource_use=RESOURCE_USE),
    ),
]


def cohorts() -> list[Cohort]:
    return type_cases(PARTICIPANTS, BEFORE, GROUPS)


def evaluation() -> Evaluation:
    return Evaluation(cohorts(), COST, indirect_tax_factor=INDIRECT_TAX_FACTOR)


def values(base: ValueSet) -> ValueSet:
    """The price-year set ``base`` with the seed's own benefit levels."""
    return base.with_amounts(**LEVELS)
