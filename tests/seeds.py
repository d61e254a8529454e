"""Registry data from which the reports must give the seeds' own numbers.

These are inputs, not outputs: persons and enrolments registered through the services,
chosen so that the definitions of docs/definitions.md reproduce the figures the seed
documents print. Where a seed contradicts itself, the docstring says which figure wins
(docs/definitions.md, "Seed 002", lists every figure and every disagreement).

Seed 002 is ``seed_002_participants()``: the year 2022 (``seed_002_year()``, 75
participations) and the team's history from 2015-05-13 (``seed_002_history()``, 166 more,
all ended before 2022). Tests about 2022 alone may register ``seed_002_year()``: every
2022 figure is the same, and registering through the services costs time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

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
    years: float | Decimal | None = None  # in public support before
    referrer: str = "kommun-socialtjanst"
    supply: str = "forsorjningsstod"
    # Participations with the same key are one person's (one personnummer); "" = a person
    # of their own.
    person: str = ""


def _ended_days(days: int) -> tuple[dt.date, dt.date]:
    """A start in 2021 and an end in 2022 that lie ``days`` apart."""
    end = min(dt.date(2021, 11, 25) + dt.timedelta(days=days), dt.date(2022, 12, 15))
    return end - dt.timedelta(days=days), end


def _birth(p: P) -> dt.date:
    """A birth date that makes ``p`` ``p.age`` years old on its start date."""
    return p.start.replace(year=p.start.year - p.age) - dt.timedelta(days=30)


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _age_at_start(age: int, start: dt.date, day: dt.date) -> int:
    """The age at ``start`` of someone (born as ``_birth`` makes them) who is ``age``
    years old on ``day``."""
    return age - (_age_on(_birth(P(True, age, start)), day) - age)


def seed_002_participants() -> list[P]:
    """Samverkansteam Avesta from its start on 2015-05-13 to 2022 (seed 002): the year
    2022 (``seed_002_year``) and the years before it (``seed_002_history``)."""
    year = seed_002_year()
    return year + seed_002_history(year)


# The participant of 2022 who had been in the team before (seed_002_history).
RETURNING = "returning"


def seed_002_year() -> list[P]:
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
    # The 52 active on 31 December, their present age then ("Medelåldern … 33 år, den
    # yngste deltagaren är 20 år och den äldsta 59 år … av de aktuella vid årets slut är 12
    # personer under 30 år"): mean 33, youngest 20, oldest 59, 12 under 30.
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
        # The fourteenth, a woman of 37 at the end of 2022, had been in the team before (2015–2017).
        person = RETURNING if i == 13 else ""
        age = _age_at_start(ages[i], start, AVESTA_YEAR[1])
        people.append(
            P(i < 19, age, start, years=3, referrer=referrer, supply=supply, person=person)
        )
    # 20 carried over from earlier years and still active: 11 women, 9 men.
    for i in range(20):
        start = dt.date(2020, 3, 2) + dt.timedelta(days=20 * i)
        people.append(P(i < 11, _age_at_start(ages[32 + i], start, AVESTA_YEAR[1]), start, years=4))
    return people


# --- seed 002, appendix 2: the years 2015–2021 ------------------------------------------

MONTH = 365.25 / 12  # days per month (docs/definitions.md #4)
INSATS_START = dt.date(2015, 5, 13)


@dataclass(frozen=True, order=True)
class HalfYear:
    year: int
    half: int  # 1: January–June, 2: July–December

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    def next(self) -> HalfYear:
        return HalfYear(self.year, 2) if self.half == 1 else HalfYear(self.year + 1, 1)

    @classmethod
    def of(cls, day: dt.date) -> HalfYear:
        return cls(day.year, 1 if day.month <= 6 else 2)


# Appendix 2 ("Resultat under perioden 2015-05-13 — 2022-12-31") less the year 2022:
# 189 − 23 = 166 ended, of whom 12 − 2 = 10 early dropouts (the seed does not give their
# gender: 5 women, 5 men) and 156 not, going to work 41 − 8, studies 12 − 0, other
# work-oriented rehabilitation 40 − 1, sickness or activity compensation 7 − 4 and other
# 77 − 8 (reasons within the result groups are the fixture's choice).
HISTORY_REASONS = {
    "arbete": 25,
    "arbete-med-stod": 8,  # work: 33
    "studier": 12,
    "annan-rehab": 39,
    "ersattning": 3,
    "arbetssokande": 25,
    "medicinsk-rehab": 30,
    "foraldraledighet": 6,
    "flytt": 8,  # other: 69
}
HISTORY_DROPOUTS = 10
# 138 women and 102 men worked with since the start, 40 and 35 of them in 2022, and one
# woman of 2022 (RETURNING) was also in the team before: 99 women's and 67 men's
# participations ended before 2022, 94 and 62 of them not as early dropouts.
HISTORY_WOMEN_KEPT, HISTORY_MEN_KEPT = 94, 62
# Appendix 2's throughput of the 177 ended, not early dropouts, by gender (months) and
# its time in public support (years): 18,6 and 16,7 months, 5,5 and 4,8 years.
THROUGHPUT_SINCE_START = {"women": 18.6, "men": 16.7}
SUPPORT_SINCE_START = {"women": 5.5, "men": 4.8}

# The ended (not early dropouts) of 2015–2021 per half-year: how many (the fixture's
# choice, growing as the team did) and the mean months in the insats where no rolling
# window fixes it. The windows fix 2019H2 … 2021H2 (_window_days); 2019H1 (None) takes
# what appendix 2's totals leave.
HISTORY_PLAN: tuple[tuple[HalfYear, int, float | None], ...] = (
    (HalfYear(2015, 2), 3, 2.5),
    (HalfYear(2016, 1), 7, 8.0),
    (HalfYear(2016, 2), 11, 12.0),
    (HalfYear(2017, 1), 14, 15.0),
    (HalfYear(2017, 2), 16, 19.0),
    (HalfYear(2018, 1), 17, 22.0),
    (HalfYear(2018, 2), 18, 24.0),
    (HalfYear(2019, 1), 19, None),
    (HalfYear(2019, 2), 13, None),
    (HalfYear(2020, 1), 12, None),
    (HalfYear(2020, 2), 12, None),
    (HalfYear(2021, 1), 10, None),
    (HalfYear(2021, 2), 4, None),
)
BALANCING = HalfYear(2019, 1)
# Seed 002, "Tabell: genomströmningstid": the mean months of each 12-month window, keyed
# by its first half-year (1907-2006 = 2019H2 + 2020H1). 2201-2212 (10,5) is the year's own.
ROLLING_MONTHS = {
    HalfYear(2019, 2): 17.8,  # 1907-2006
    HalfYear(2020, 1): 20.5,  # 2001-2012
    HalfYear(2020, 2): 21.3,  # 2007-2106
    HalfYear(2021, 1): 25.2,  # 2101-2112
    HalfYear(2021, 2): 16.6,  # 2107-2206, with 2022's first half-year
}


def _kept_days(people: list[P]) -> dict[tuple[HalfYear, bool], tuple[int, int]]:
    """{(half-year of the end, woman): (number, total days)} of the ended, not early
    dropouts."""
    totals: dict[tuple[HalfYear, bool], tuple[int, int]] = {}
    for p in people:
        if p.end is not None and not p.dropout:
            n, days = totals.get((HalfYear.of(p.end), p.woman), (0, 0))
            totals[HalfYear.of(p.end), p.woman] = (n + 1, days + (p.end - p.start).days)
    return totals


def _window_days(year: list[P]) -> dict[HalfYear, int]:
    """Total days in the insats of the ended per half-year of 2015–2021, so that every
    rolling window of seed 002 has its mean and appendix 2 its 17,8 months.

    A window is two half-years, so its mean × its number of ended fixes the sum of their
    days: walking back from 2022's first half-year (registered in ``seed_002_year``),
    each window gives the days of its older half. The half-years before 2019H2 have the
    plan's means, and BALANCING gets the rest of the 177's total.
    """
    n = {h: count for h, count, _mean in HISTORY_PLAN}
    days: dict[HalfYear, int] = {}
    for (h, _woman), (count, total) in _kept_days(year).items():
        n[h] = n.get(h, 0) + count
        days[h] = days.get(h, 0) + total
    for h in sorted(ROLLING_MONTHS, reverse=True):
        later = h.next()
        days[h] = round(ROLLING_MONTHS[h] * MONTH * (n[h] + n[later])) - days[later]
    for h, count, mean in HISTORY_PLAN:
        if mean is not None:
            days[h] = round(mean * MONTH * count)
    women = sum(c for (h, woman), (c, _d) in _kept_days(year).items() if woman)
    women += HISTORY_WOMEN_KEPT
    men = sum(n.values()) - women
    target = round(THROUGHPUT_SINCE_START["women"] * MONTH * women)
    target += round(THROUGHPUT_SINCE_START["men"] * MONTH * men)
    days[BALANCING] = target - sum(d for h, d in days.items() if h != BALANCING)
    return {h: days[h] for h, _count, _mean in HISTORY_PLAN}


def _spread(total: int, k: int, step: float) -> list[int]:
    """``k`` whole numbers ``step`` apart around their mean, ascending, summing to
    ``total``."""
    values = [round(total / k + step * (j - (k - 1) / 2)) for j in range(k)]
    values[-1] += total - sum(values)
    return values


def _evenly(counts: dict[str, int]) -> list[str]:
    """The keys of ``counts``, each as often as its count, spread evenly over the list."""
    n = sum(counts.values())
    placed = dict.fromkeys(counts, 0)
    order = []
    for i in range(n):
        key = max(counts, key=lambda k: counts[k] * (i + 1) / n - placed[k])
        placed[key] += 1
        order.append(key)
    return order


def seed_002_history(year: list[P]) -> list[P]:
    """Samverkansteam Avesta from its start on 2015-05-13 to 2021, so that appendix 2
    ("Resultat under perioden 2015-05-13 — 2022-12-31") and the rolling throughput table
    1907-2006 … 2201-2212 give seed 002's numbers together with ``year``.

    Every participation here ended before 2022, so nothing of 2022 changes. Per
    half-year of the end (HISTORY_PLAN) the fixture registers a chosen number of ended;
    ``_window_days`` gives each half-year its total days in the insats so that every
    window of ROLLING_MONTHS has its mean (1907-2006 17,8; 2001-2012 20,5; 2007-2106 21,3;
    2101-2112 25,2; 2107-2206 16,6) and the 177 their 17,8 months. Within a half-year
    the women get ``shift`` days more than the half-year's mean and the men
    correspondingly fewer, one ``shift`` for all half-years, chosen so that the women's
    mean since the start is 18,6 and the men's 16,7 months (a rounding remainder goes to
    BALANCING). The durations of a half-year's women (and men) are spread 30 days apart
    around their mean and end evenly over the half-year, the longest last.
    """
    window_days = _window_days(year)
    plan = [(h, n) for h, n, _mean in HISTORY_PLAN]
    # Women per half-year in proportion, 94 in all.
    women: dict[HalfYear, int] = {}
    done, upto, all_kept = 0, 0, sum(n for _h, n in plan)
    for h, n in plan:
        upto += n
        women[h] = round(upto * HISTORY_WOMEN_KEPT / all_kept) - done
        done += women[h]
    assert done == HISTORY_WOMEN_KEPT
    year_kept = _kept_days(year)
    year_women = sum(c for (_h, woman), (c, _d) in year_kept.items() if woman)
    year_women_days = sum(d for (_h, woman), (_c, d) in year_kept.items() if woman)
    women_target = round(
        THROUGHPUT_SINCE_START["women"] * MONTH * (HISTORY_WOMEN_KEPT + year_women)
    )
    women_target -= year_women_days
    # A woman of half-year h gets mean_h + shift × men_h / n_h days, a man mean_h − shift ×
    # women_h / n_h, which leaves every half-year's total (and window) as it is.
    at_mean = sum(women[h] * window_days[h] / n for h, n in plan)
    shift = (women_target - at_mean) / sum(women[h] * (n - women[h]) / n for h, n in plan)
    women_days = {
        h: round(women[h] * (window_days[h] / n + shift * (n - women[h]) / n)) for h, n in plan
    }
    women_days[BALANCING] += women_target - sum(women_days.values())

    reasons = iter(_evenly(HISTORY_REASONS))
    people: list[P] = []
    for h, n in plan:
        for woman, k, total in [
            (True, women[h], women_days[h]),
            (False, n - women[h], window_days[h] - women_days[h]),
        ]:
            length = (h.last - h.first).days
            for j, days in enumerate(_spread(total, k, 30)):
                end = h.first + dt.timedelta(days=round((j + 0.5) * length / k))
                start = end - dt.timedelta(days=days)
                assert INSATS_START < start < end, (h, woman, days)
                people.append(P(woman, 0, start, end, next(reasons)))
    # Ten early dropouts, one a half-year from 2016, women and men in turn, each 40 days.
    h = HalfYear(2016, 1)
    for i in range(HISTORY_DROPOUTS):
        end = h.first + dt.timedelta(days=60)
        people.append(P(i % 2 == 0, 0, end - dt.timedelta(days=40), end, "avbrott", dropout=True))
        h = h.next()
    return _with_background(people, year)


def _with_background(people: list[P], year: list[P]) -> list[P]:
    """Ages, years in public support, referrers and supply for the history, and the one
    who came back in 2022.

    Appendix 2's time in public support since the start is 5,5 years for women and 4,8
    for men over those with a known time: the history's women and men not early
    dropouts get values 0,1 year apart around what 2022 leaves, summing to it exactly.
    Ages, referrers and supply are no figure of the appendix and simply vary.
    """
    kept = {
        w: [i for i, p in enumerate(people) if p.woman == w and not p.dropout]
        for w in (True, False)
    }
    years: dict[int, Decimal] = {}
    for woman, label in ((True, "women"), (False, "men")):
        year_known = [p.years for p in year if p.woman == woman and p.end and not p.dropout]
        known = [y for y in year_known if y is not None]
        indices = kept[woman]
        tenths = round(10 * SUPPORT_SINCE_START[label] * (len(known) + len(indices)))
        tenths -= round(10 * sum(known))
        values = _spread(tenths, len(indices), 1)
        # Spread over time by a stride, not ascending with the end date.
        for j, i in enumerate(indices):
            years[i] = Decimal(values[(j * 37) % len(values)]).scaleb(-1)  # tenths
    mix = [
        ("kommun-socialtjanst", "forsorjningsstod"),
        ("region-psykiatri", "sjukpenning"),
        ("fk", "sjukpenning"),
        ("region-psykiatri", "aktivitetsersattning"),
        ("af", "aktivitetsstod"),
        ("kommun-socialtjanst", "forsorjningsstod"),
        ("region-vardcentral", "ingen"),
    ]
    returning = next(p for p in year if p.person == RETURNING)
    birth = _birth(returning)
    comes_back = next(
        i
        for i, p in enumerate(people)
        if p.woman and p.reason == "medicinsk-rehab" and HalfYear.of(p.end or p.start).year == 2017
    )
    result = []
    for i, p in enumerate(people):
        referrer, supply = mix[i % len(mix)]
        age = 20 + (i * 13) % 41
        person = ""
        if i == comes_back:
            age, person = _age_on(birth, p.start), RETURNING
        result.append(
            dataclasses.replace(
                p,
                age=age,
                years=years.get(i, Decimal(3)),
                referrer=referrer,
                supply=supply,
                person=person,
            )
        )
    return result


def register(user: User, insats: Insats, people: list[P]) -> None:
    """Register the participations through the registry service."""
    codes_cache: dict[tuple[type, str], object] = {}

    def cached(model: type, value: str) -> object:
        if (model, value) not in codes_cache:
            codes_cache[model, value] = code(model, value)
        return codes_cache[model, value]

    persons: dict[str, tuple[str, dt.date]] = {}  # person key: (personnummer, birth)
    for i, p in enumerate(people):
        if p.person and p.person in persons:
            pnr, birth = persons[p.person]
            assert _age_on(birth, p.start) == p.age, "one person, one birth date"
        else:
            birth = _birth(p)
            pnr = make_pnr(birth, man=not p.woman)
            if p.person:
                persons[p.person] = (pnr, birth)
        extra = {}
        if p.end:
            extra = {
                "end_date": p.end,
                "end_reason": cached(codes.EndReason, p.reason or ""),
                "early_dropout": p.dropout,
            }
        enrol(
            user,
            insats,
            personnummer_text=pnr,
            first_name=f"Deltagare{i}",
            last_name="Seed",
            start_date=p.start,
            consent_date=p.start,
            referring_actor=cached(codes.ReferringActor, p.referrer),
            supply_before=[cached(codes.SupplyType, p.supply)],
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
# Chapter 4, "Vid 2022 års slut består teamet av följande personer": (name, role, FTE %,
# employing party's kind, end date). The summary's "fasta personal" are the three coaches
# ("2 coacher med 100% tjänstgöringsgrad, samt en coach med 80% … anställda av … Avesta
# kommun"); the parties' representatives work in the team part time: FK's "ca 2 tim/månad"
# is 2 of about 173 hours, 1,2 %. "Arbetsförmedlare 0%": AF withdrew its staff from
# 1 September 2022, so the Arbetsförmedlare (unnamed in the seed) worked until 31 August.
AVESTA_STAFF: tuple[tuple[str, str, Decimal, str, dt.date | None], ...] = (
    ("Sonja Tiger", "Verksamhetssamordnare/coach", Decimal(100), "kommun", None),
    ("Jan Pettersson", "Coach", Decimal(80), "kommun", None),
    ("Malin Hagström", "Coach", Decimal(100), "kommun", None),
    ("NN", "Arbetsförmedlare", Decimal(20), "af", dt.date(2022, 8, 31)),
    ("Karin Dilts Lindblom", "Representant vuxenpsykiatrin", Decimal(20), "region", None),
    ("Anna-Lena Holmberg", "Representant socialtjänsten", Decimal(20), "kommun", None),
    ("Veronica Stenbäck", "Handläggare (ca 2 tim/månad)", Decimal("1.2"), "fk", None),
)


def seed_002_economy(user: User, insats: Insats) -> None:
    """The team's 2022 budget lines, its staff (chapter 4's list) and the six waiting on
    31 December 2022, registered through the set-up services by a manager."""
    for category, budget, outcome in AVESTA_BUDGET:
        setup.set_budget_line(
            user, insats, 2022, code(codes.CostCategory, category), budget, outcome
        )
    parties = {
        PartyKind.KOMMUN: MemberParty.objects.create(
            forbund=insats.forbund,
            kind=PartyKind.KOMMUN,
            name="Avesta kommun",
            municipality=Municipality.objects.get(code="2084"),
        ),
        PartyKind.REGION: MemberParty.objects.create(
            forbund=insats.forbund, kind=PartyKind.REGION, name="Region Dalarna"
        ),
    }
    for party in (PartyKind.FK, PartyKind.AF):  # make_forbund's
        parties[party] = MemberParty.objects.get(forbund=insats.forbund, kind=party)
    for name, role, fte, kind, end in AVESTA_STAFF:
        setup.add_staff_member(
            user,
            insats,
            name=name,
            role=role,
            fte_percent=fte,
            employer=parties[PartyKind(kind)],
            start_date=dt.date(2020, 1, 1),
            end_date=end,
        )
    record_waiting_count(user=user, insats=insats, date=dt.date(2022, 12, 31), count=6)
