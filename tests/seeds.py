"""Registry data from which the reports must give the seeds' own numbers.

These are inputs, not outputs: persons and enrolments registered through the services,
chosen so that the definitions of docs/definitions.md reproduce the figures the seed
documents print. Where a seed contradicts itself, the docstring says which figure wins.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User

from samspar.codelists import models as codes
from samspar.organisation import services as setup
from samspar.organisation.models import Insats, MemberParty, Municipality, PartyKind
from samspar.registry.services import record_waiting_count
from tests.factories import code, enrol, make_pnr

AVESTA_YEAR = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))


@dataclass(frozen=True)
class P:
    """One participation as the seed describes it."""

    woman: bool
    age: int  # at start
    start: dt.date
    end: dt.date | None = None
    reason: str | None = None  # end-reason code
    dropout: bool = False
    years: float | None = None  # in public support before
    referrer: str = "kommun-socialtjanst"
    supply: str = "forsorjningsstod"


def _ended_days(days: int) -> tuple[dt.date, dt.date]:
    """A start in 2021 and an end in 2022 that lie ``days`` apart."""
    end = min(dt.date(2021, 11, 25) + dt.timedelta(days=days), dt.date(2022, 12, 15))
    return end - dt.timedelta(days=days), end


def seed_002_participants() -> list[P]:
    """Samverkansteam Avesta 2022 (seed 002, "Deltagarresultat 220101-221231").

    75 worked with (40 women, 35 men), 32 new (19/13), 23 ended of whom 2 early dropouts,
    52 active on 31 December (30/22). The seed's table also says 42 enrolled on 1 January,
    but 75 − 32 = 43 and 52 + 23 = 75: the figures repeated throughout the text win, so
    43 were enrolled on 1 January (docs/definitions.md, "Seed 002").
    """
    people: list[P] = []
    # The 21 ended who were not early dropouts: 10 women, 11 men.
    women_reasons = ["arbete"] * 4 + ["medicinsk-rehab"] * 3 + ["foraldraledighet"]
    women_reasons += ["ersattning"] * 2
    men_reasons = ["arbete"] * 4 + ["annan-rehab"] + ["medicinsk-rehab"] * 4
    men_reasons += ["ersattning"] * 2
    # Throughput: women 2 891 days (9,5 months), men 3 817 days (11,4 months).
    women_days = [150, 200, 250, 280, 300, 310, 320, 330, 350, 401]
    men_days = [180, 220, 260, 300, 330, 350, 370, 390, 410, 450, 557]
    # Ages at start: women mean 29, men mean 36.
    women_ages = [22, 24, 25, 27, 28, 30, 31, 32, 33, 38]
    men_ages = [21, 26, 30, 33, 35, 36, 38, 40, 42, 45, 50]
    # Years in public support: women 8 known, mean 3,75; men 10 known, mean 5,6.
    women_years: list[float | None] = [1, 2, 2.5, 3, 4, 5, 5.5, 7, None, None]
    men_years: list[float | None] = [2, 3, 4, 5, 5, 6, 6, 7, 8, 10, None]
    for woman, reasons, days, ages, years in [
        (True, women_reasons, women_days, women_ages, women_years),
        (False, men_reasons, men_days, men_ages, men_years),
    ]:
        for reason, d, age, y in zip(reasons, days, ages, years, strict=True):
            start, end = _ended_days(d)
            people.append(P(woman, age, start, end, reason, years=y))
    # Two early dropouts, both men, within the two-month trial period.
    for age in (24, 41):
        people.append(
            P(False, age, dt.date(2021, 12, 1), dt.date(2022, 1, 20), "avbrott", dropout=True)
        )
    # The 52 active on 31 December: mean age 33, youngest 20, oldest 59, 12 under 30.
    ages = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 29, 29]
    ages += [30 + (i * 7) % 10 for i in range(39)] + [59]
    ages[-2] += 33 * 52 - sum(ages)  # make the sum 1 716 = 33 × 52
    assert 30 <= ages[-2] <= 59
    # 32 new in 2022 (19 women, 13 men): supply 14 försörjningsstöd, 13 from FK,
    # 5 none; referred by the municipality 12, AF 2, FK 5, the region 13.
    new_mix = (
        [("kommun-socialtjanst", "forsorjningsstod")] * 12
        + [("af", "forsorjningsstod")] * 2
        + [("fk", "sjukpenning")] * 5
        + [("region-psykiatri", "sjukpenning")] * 4
        + [("region-psykiatri", "aktivitetsersattning")] * 4
        + [("region-vardcentral", "ingen")] * 5
    )
    for i, (referrer, supply) in enumerate(new_mix):
        start = dt.date(2022, 1, 10) + dt.timedelta(days=10 * i)
        people.append(P(i < 19, ages[i], start, years=3, referrer=referrer, supply=supply))
    # 20 carried over from earlier years and still active: 11 women, 9 men.
    for i in range(20):
        start = dt.date(2020, 3, 2) + dt.timedelta(days=20 * i)
        people.append(P(i < 11, ages[32 + i], start, years=4))
    return people


def register(user: User, insats: Insats, people: list[P]) -> None:
    """Register the participations through the registry service."""
    for i, p in enumerate(people):
        birth = p.start.replace(year=p.start.year - p.age) - dt.timedelta(days=30)
        extra = {}
        if p.end:
            extra = {
                "end_date": p.end,
                "end_reason": code(codes.EndReason, p.reason or ""),
                "early_dropout": p.dropout,
            }
        enrol(
            user,
            insats,
            personnummer_text=make_pnr(birth, man=not p.woman),
            first_name=f"Deltagare{i}",
            last_name="Seed",
            start_date=p.start,
            consent_date=p.start,
            referring_actor=code(codes.ReferringActor, p.referrer),
            supply_before=[code(codes.SupplyType, p.supply)],
            years_in_public_support=p.years,
            **extra,
        )


# Seed 002, "Tabell: budgetutfall per 2022-12-31": (cost category, beslut, utfall).
AVESTA_BUDGET = (
    ("egen-personal", 2_000_000, 1_923_361),
    ("externa-tjanster", 150_000, 90_498),
    ("lokaler", 40_000, 8_460),
    ("ovriga", 110_000, 129_875),
)
# "2 coacher med 100% tjänstgöringsgrad, samt en coach med 80% … anställda av … Avesta
# kommun"; the names are the seed's.
AVESTA_STAFF = (("Sonja Tiger", 100), ("Malin Hagström", 100), ("Jan Pettersson", 80))


def seed_002_economy(user: User, insats: Insats) -> None:
    """The team's 2022 budget lines, its staff at year end and the six waiting on
    31 December 2022, registered through the set-up services by a manager."""
    for category, budget, outcome in AVESTA_BUDGET:
        setup.set_budget_line(
            user, insats, 2022, code(codes.CostCategory, category), budget, outcome
        )
    avesta = MemberParty.objects.create(
        forbund=insats.forbund,
        kind=PartyKind.KOMMUN,
        name="Avesta kommun",
        municipality=Municipality.objects.get(code="2084"),
    )
    for name, fte in AVESTA_STAFF:
        setup.add_staff_member(
            user,
            insats,
            name=name,
            role="coach",
            fte_percent=fte,
            employer=avesta,
            start_date=dt.date(2020, 1, 1),
        )
    record_waiting_count(user=user, insats=insats, date=dt.date(2022, 12, 31), count=6)
