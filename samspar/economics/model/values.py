"""Standard values as the model sees them: an amount and a confidence grade per key.

Where they come from (price year, source, version) is the Django layer's business;
an evaluation hands the model the one set it recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
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
