"""The model's vocabulary: actors, perspectives, kinds of ledger line, confidence
grades, and which standard value prices each supply type and resource."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Actor(StrEnum):
    """Who gains or pays. The employer only balances the work lines (see ledger)."""

    KOMMUN = "kommun"
    REGION = "region"
    FK = "fk"  # Försäkringskassan
    AF = "af"  # Arbetsförmedlingen
    OTHER_STATE = "other_state"  # övriga staten: employer contributions, a-kassa, CSN
    INDIVIDUAL = "individual"
    EMPLOYER = "employer"


class Perspective(StrEnum):
    """A column of the results: one actor or a sum of actors."""

    SOCIETY = "society"
    KOMMUN = "kommun"
    REGION = "region"
    FK = "fk"
    AF = "af"
    OTHER_STATE = "other_state"
    STATE = "state"
    INDIVIDUAL = "individual"
    # Breaks even but where the wage-subsidy ceiling leaves it the reduced capacity above
    # the ceiling (ledger, "production").
    EMPLOYER = "employer"


PERSPECTIVE_ACTORS: dict[Perspective, frozenset[Actor]] = {
    Perspective.SOCIETY: frozenset(Actor),
    Perspective.KOMMUN: frozenset({Actor.KOMMUN}),
    Perspective.REGION: frozenset({Actor.REGION}),
    Perspective.FK: frozenset({Actor.FK}),
    Perspective.AF: frozenset({Actor.AF}),
    Perspective.OTHER_STATE: frozenset({Actor.OTHER_STATE}),
    Perspective.STATE: frozenset({Actor.FK, Actor.AF, Actor.OTHER_STATE}),
    Perspective.INDIVIDUAL: frozenset({Actor.INDIVIDUAL}),
    Perspective.EMPLOYER: frozenset({Actor.EMPLOYER}),
}
PERSPECTIVES: tuple[Perspective, ...] = tuple(Perspective)


class Kind(StrEnum):
    TRANSFER = "transfer"  # financial: moves money between actors, sums to zero for society
    RESOURCE = "resource"  # real: care visits, caseworker time
    PRODUCTION = "production"  # real: the value of work done


class CostBasis(StrEnum):
    """Which cost an actor's share is taken of (docs/economics.md, "Cost").

    Society always bears the cost uplifted by the indirect-tax factor; an actor's
    share is of the same uplifted cost (``UPLIFTED``, Samspår's default) or of the
    nominal cost, the kronor the party actually pays (``NOMINAL``, as seed 004's
    per-actor paybacks show NyttoSam does)."""

    UPLIFTED = "uplifted"
    NOMINAL = "nominal"


class Grade(StrEnum):
    """How much a standard value can be trusted; drives the optimism-bias haircut
    and the width of its Monte Carlo range."""

    A = "A"  # set by law or official statistics for the price year
    B = "B"  # official average or tariff, adjusted to the price year
    C = "C"  # estimate from comparable sources
    D = "D"  # expert judgement


@dataclass(frozen=True)
class SupplyRule:
    value_key: str  # the standard value giving kronor per month at full extent
    payer: Actor
    taxable: bool


# Keyed by the codes of codelists.SupplyType. "lon" is work (State.work_extent);
# "ingen" and "annan" move no public money.
SUPPLIES: dict[str, SupplyRule] = {
    "forsorjningsstod": SupplyRule("forsorjningsstod", Actor.KOMMUN, taxable=False),
    "sjukpenning": SupplyRule("sjukpenning", Actor.FK, taxable=True),
    "aktivitetsersattning": SupplyRule("aktivitetsersattning", Actor.FK, taxable=True),
    "sjukersattning": SupplyRule("sjukersattning", Actor.FK, taxable=True),
    "aktivitetsstod": SupplyRule("aktivitetsstod", Actor.AF, taxable=True),
    "etableringsersattning": SupplyRule("etableringsersattning", Actor.AF, taxable=False),
    "a-kassa": SupplyRule("a_kassa", Actor.OTHER_STATE, taxable=True),
    "studiemedel": SupplyRule("studiemedel", Actor.OTHER_STATE, taxable=False),
}
NO_MONEY_SUPPLIES = frozenset({"lon", "ingen", "annan"})


@dataclass(frozen=True)
class ResourceRule:
    value_key: str  # kronor per unit
    actor: Actor  # who bears the cost


# Resource use is given in units per year (hours, visits).
RESOURCES: dict[str, ResourceRule] = {
    "caseworker_kommun": ResourceRule("caseworker_hour_kommun", Actor.KOMMUN),
    "caseworker_fk": ResourceRule("caseworker_hour_fk", Actor.FK),
    "caseworker_af": ResourceRule("caseworker_hour_af", Actor.AF),
    "care_visit_primary": ResourceRule("care_visit_primary", Actor.REGION),
    "care_visit_psychiatry": ResourceRule("care_visit_psychiatry", Actor.REGION),
}

# Standard values every evaluation needs, whatever its participants' states.
WAGE_KEYS = ("average_wage", "employer_contribution", "municipal_tax", "regional_tax")

# The highest gross monthly wage at full time that lönebidrag/lönestöd is paid on
# (förordning 2017:462, 21 §): the subsidy is σ of the wage cost of at most this
# wage, in proportion to the extent of work. Optional: a value set without it (as
# those shipped before it was added) pays σ of the whole wage cost.
SUBSIDY_CEILING_KEY = "wage_subsidy_ceiling"
