"""Standard values as the model sees them: an amount and a confidence grade per key.

Where they come from (price year, source, version) is the Django layer's business;
an evaluation hands the model the one set it recorded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from samspar.economics.model.terms import Grade

# Optimism-bias haircut on a ledger line priced with a value of this grade.
DEFAULT_HAIRCUTS: Mapping[Grade, float] = {Grade.A: 0.0, Grade.B: 0.05, Grade.C: 0.15, Grade.D: 0.3}
# Half-width of a value's Monte Carlo range, relative to the value.
DEFAULT_SPREADS: Mapping[Grade, float] = {Grade.A: 0.02, Grade.B: 0.1, Grade.C: 0.25, Grade.D: 0.4}

GRADE_ORDER = {g: i for i, g in enumerate(Grade)}


def worst(grades: list[Grade]) -> Grade:
    return max(grades, key=GRADE_ORDER.__getitem__)


@dataclass(frozen=True)
class ValueSet:
    amounts: Mapping[str, float]
    grades: Mapping[str, Grade] = field(default_factory=dict)
    price_year: int | None = None  # the tax law applied (model.tax.rules_for)

    def grade(self, key: str) -> Grade:
        return self.grades.get(key, Grade.C)

    def with_amounts(self, **amounts: float) -> ValueSet:
        return ValueSet({**self.amounts, **amounts}, self.grades, self.price_year)


# An age-banded standard value: "<key>_<from>_<to>", "<key>_<age>" or "<key>_<from>plus",
# beside the default "<key>" (e.g. aktivitetsersattning_19_20, employer_contribution_67plus).
# The age is the one the participant reaches in the price year (price year − birth year).
_AGE_BAND = re.compile(r"(?P<base>[a-z_]+?)_(?P<low>\d+)(?:_(?P<high>\d+)|(?P<plus>plus))?")
# The wage per month up to which an age-banded employer contribution applies
# ("<banded key>_ceiling", e.g. employer_contribution_19_23_ceiling); above it, the default.
CEILING_SUFFIX = "_ceiling"


def age_band(key: str) -> tuple[str, int, float] | None:
    """(default key, lowest age, highest age) of an age-banded key, else None."""
    match = _AGE_BAND.fullmatch(key)
    if match is None:
        return None
    low = int(match["low"])
    high = math.inf if match["plus"] else int(match["high"] or low)
    return match["base"], low, high


def age_keys(age: int | None, keys: Iterable[str]) -> dict[str, str]:
    """For a participant of ``age``: default key → the age-banded key among ``keys``
    that applies (the narrowest band, then the highest lowest age, when several do).
    Empty for ``age`` None: the default values."""
    if age is None:
        return {}
    present = set(keys)
    found: dict[str, tuple[float, int, str]] = {}
    for key in sorted(present):
        band = age_band(key)
        if band is None or band[0] not in present or not band[1] <= age <= band[2]:
            continue
        base, low, high = band
        rank = (high - low, -low, key)
        if base not in found or rank < found[base]:
            found[base] = rank
    return {base: rank[2] for base, rank in found.items()}
