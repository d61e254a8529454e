"""Deterministic benchmark data: plain tuples of persons and enrolments.

The same tuples are loaded into the Django database (``loader``) and into DuckDB
(``duckdb_reference``), so both compute their figures over identical data. Everything
is drawn from one ``random.Random(seed)``: the same seed, size and day give the same
data. The distributions (referrers, support before, education, end reasons, dropout
reasons, home municipalities) are the demo's, so the reports see plausible shapes.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

from samspar.core.personnummer import luhn_check_digit
from samspar.demo.builder import (  # the demo's weight tables, reused rather than copied
    _DROPOUT_REASONS,
    _EDUCATION,
    _FIRST_SUPPLY,
    _NO_PUBLIC_SUPPORT,
    _SECOND_SUPPLY,
)
from samspar.demo.world import DEFAULT_END_REASONS, DEFAULT_REFERRALS, FORBUND, Weights

DEFAULT_SEED = 4711
INSATSER = 10
YEARS = 10  # start dates spread over the last ten years
ACTIVE_SHARE = 0.15  # still enrolled today
DROPOUT_SHARE = 0.08  # of the ended
REENROL_SHARE = 0.05  # an enrolment of someone who already has one (in another insats)
WOMEN_SHARE = 0.55
MAX_MONTHS = 48.0
DAYS_PER_MONTH = 30.44
# Home municipalities: the first demo förbund's kommuner, weighted by population.
MUNICIPALITIES: Weights = tuple((code, weight) for code, _name, weight in FORBUND[0].kommuner)


class BenchPerson(NamedTuple):
    birth: dt.date
    man: bool
    pnr: str  # a valid twelve-digit personnummer, YYYYMMDDNNNC


class BenchEnrolment(NamedTuple):
    person: int  # index into BenchData.persons
    insats: int  # 0 … INSATSER - 1
    start: dt.date
    end: dt.date | None
    end_reason: str | None  # an EndReason code
    dropout: bool
    referral: dt.date | None
    municipality: str
    referring: str
    supply_before: tuple[str, ...]
    education: str
    support_tenths: int | None  # years in public support before, in tenths


@dataclass(frozen=True)
class BenchData:
    seed: int
    today: dt.date
    persons: list[BenchPerson]
    enrolments: list[BenchEnrolment]


class _Picker:
    """A weighted choice with precomputed cumulative weights (1M draws stay cheap)."""

    def __init__(self, weights: Weights) -> None:
        self.keys = [k for k, _ in weights]
        self.cum = list(accumulate(w for _, w in weights))

    def __call__(self, rng: random.Random) -> str:
        return self.keys[bisect(self.cum, rng.random() * self.cum[-1])]


_REFERRING = _Picker(DEFAULT_REFERRALS)
_END_REASON = _Picker(DEFAULT_END_REASONS)
_DROPOUT_REASON = _Picker(_DROPOUT_REASONS)
_EDUCATION_LEVEL = _Picker(_EDUCATION)
_MUNICIPALITY = _Picker(MUNICIPALITIES)
_SUPPLY = _Picker(_FIRST_SUPPLY)
_SECOND = {code: _Picker(weights) for code, weights in _SECOND_SUPPLY.items()}


def generate(size: int, *, today: dt.date, seed: int = DEFAULT_SEED) -> BenchData:
    """``size`` enrolments starting in the ten years up to ``today``, none in the future."""
    return _Generator(random.Random(seed), today).run(size, seed)


class _Generator:
    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.first_day = today - dt.timedelta(days=round(YEARS * 365.25))
        self.persons: list[BenchPerson] = []
        self.insats_masks: list[int] = []  # per person: bit i set = has an enrolment in insats i
        self.serials: dict[tuple[dt.date, bool], int] = {}

    def run(self, size: int, seed: int) -> BenchData:
        enrolments = [self._enrolment() for _ in range(size)]
        return BenchData(seed, self.today, self.persons, enrolments)

    def _enrolment(self) -> BenchEnrolment:
        rng = self.rng
        insats = rng.randrange(INSATSER)
        start, end, reason, dropout = self._period()
        person = self._reenrolled(insats) if rng.random() < REENROL_SHARE else None
        if person is None:
            person = self._new_person(start)
        self.insats_masks[person] |= 1 << insats
        supply = self._supply_before()
        referral = None
        if rng.random() < 0.88:
            referral = start - dt.timedelta(days=int(rng.triangular(5, 75, 20)))
        return BenchEnrolment(
            person=person,
            insats=insats,
            start=start,
            end=end,
            end_reason=reason,
            dropout=dropout,
            referral=referral,
            municipality=_MUNICIPALITY(rng),
            referring=_REFERRING(rng),
            supply_before=supply,
            education=_EDUCATION_LEVEL(rng),
            support_tenths=self._support_tenths(supply),
        )

    def _period(self) -> tuple[dt.date, dt.date | None, str | None, bool]:
        """Start, end, end reason and early dropout; about ACTIVE_SHARE still active."""
        rng = self.rng
        span = (self.today - self.first_day).days
        months = min(rng.gammavariate(2.0, 6.0), MAX_MONTHS)  # mean about a year
        days = max(int(months * DAYS_PER_MONTH), 14)
        if rng.random() < ACTIVE_SHARE:
            return self.today - dt.timedelta(days=int(rng.random() * days)), None, None, False
        if rng.random() < DROPOUT_SHARE:
            days, reason, dropout = rng.randint(5, 90), _DROPOUT_REASON(rng), True
        else:
            reason, dropout = _END_REASON(rng), False
            if reason == "felregistrering":
                days = 0
        start = self.first_day + dt.timedelta(days=rng.randint(0, span - days))
        return start, start + dt.timedelta(days=days), reason, dropout

    def _reenrolled(self, insats: int) -> int | None:
        """Someone who already took part, but never in this insats (so that two of their
        enrolments can never both be active in one insats)."""
        if not self.persons:
            return None
        person = self.rng.randrange(len(self.persons))
        return None if self.insats_masks[person] >> insats & 1 else person

    def _new_person(self, start: dt.date) -> int:
        rng = self.rng
        age = 18 + 47 * rng.betavariate(1.6, 2.6)
        birth = start - dt.timedelta(days=int(age * 365.25))
        man = rng.random() >= WOMEN_SHARE
        self.persons.append(BenchPerson(birth, man, self._pnr(birth, man)))
        self.insats_masks.append(0)
        return len(self.persons) - 1

    def _pnr(self, birth: dt.date, man: bool) -> str:
        """A unique valid personnummer: the n-th person born on a day gets the n-th
        serial of the right parity (odd for men), without a set of used numbers."""
        n = self.serials.get((birth, man), 0) + 1
        self.serials[(birth, man)] = n
        if n > 499:  # far beyond 1M persons spread over some 20 000 birth days
            raise ValueError("more than 499 persons of one gender born on one day")
        serial = f"{2 * n + man:03d}"  # 002, 004 … 998 for women; 003 … 999 for men
        nine = f"{birth:%y%m%d}{serial}"
        return f"{birth:%Y%m%d}{serial}{luhn_check_digit(nine)}"

    def _supply_before(self) -> tuple[str, ...]:
        rng = self.rng
        first = _SUPPLY(rng)
        if first != "ingen" and rng.random() < 0.28:
            return (first, _SECOND[first](rng))
        return (first,)

    def _support_tenths(self, supply: tuple[str, ...]) -> int | None:
        rng = self.rng
        if rng.random() < 0.03:
            return None  # not known
        if all(code in _NO_PUBLIC_SUPPORT for code in supply):
            return 0
        return max(1, round(min(rng.gammavariate(1.6, 5.5 / 1.6), 15.0) * 10))
