"""The standard values Samspår ships (``data/standard_values.json``), one set per
price year, each value with its unit, source and confidence grade."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from samspar.economics.model import Grade, ValueSet

DATA = Path(__file__).parent / "data" / "standard_values.json"


@dataclass(frozen=True)
class ShippedValue:
    key: str
    amount: float
    unit: str
    grade: Grade
    source: str


@dataclass(frozen=True)
class ShippedSet:
    price_year: int
    name: str
    values: tuple[ShippedValue, ...]

    def value_set(self) -> ValueSet:
        return ValueSet(
            {v.key: v.amount for v in self.values},
            {v.key: v.grade for v in self.values},
            self.price_year,
        )


@cache
def shipped_sets() -> dict[int, ShippedSet]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        s["price_year"]: ShippedSet(
            s["price_year"],
            s["name"],
            tuple(
                ShippedValue(
                    v["key"], float(v["amount"]), v["unit"], Grade(v["grade"]), v["source"]
                )
                for v in s["values"]
            ),
        )
        for s in raw
    }
