"""The standard values Samspår ships (``data/standard_values.json``), one set per
price year, each value with its unit, confidence grade and provenance: what it is
(``what``), its source (title, issuer, table) and the source's date, how it is carried
to the next price year (``uprating``), whether it is verified, computed or not
verified (``status``), and how it was derived (``note``). The database keeps one text
per value (``StandardValue.source``): ``ShippedValue.source`` puts them together."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from samspar.economics.model import Grade, ValueSet

DATA = Path(__file__).parent / "data" / "standard_values.json"


# What a value is (``what``), in the words the source text uses.
WHAT: dict[str, str] = {
    "legal_amount": "Belopp fastställt i lag eller förordning",
    "legal_rate": "Lagstadgad sats",
    "legal_ceiling": "Lagstadgat tak",
    "guarantee_level": "Garantinivå (lagstadgad lägsta nivå)",
    "norm": "Norm",
    "average_payment": "Genomsnittlig utbetalning",
    "official_statistic": "Officiell statistik (genomsnitt)",
    "tariff": "Taxa/prislista",
    "estimate": "Uppskattning",
    "calibrated": "Kalibrerat värde",
}
# How a value is carried to the next price year (``uprating``).
UPRATING: dict[str, str] = {
    "pbb": "följer prisbasbeloppet (× PBB(år) / PBB(föregående år))",
    "wage_index": "löneindex (löneutvecklingen), inte KPI",
    "cpi": "KPI",
    "unchanged_law": "oförändrat tills lagen eller förordningen ändras (inte indexerat)",
    "decision": "regeringens eller myndighetens årliga beslut",
    "assumption": "antagen årlig ökning (se anmärkningen), inte ett utfall",
    "none": "räknas inte upp (kalibrerat för ett prisår)",
}
# How the figure was checked (``status``).
STATUS: dict[str, str] = {
    "verified": "verifierad mot källan",
    "verified_secondary": "verifierad via andrahandskälla",
    "computed": "beräknad ur verifierade uppgifter (se anmärkningen)",
    "unverified": "inte verifierad",
}


@dataclass(frozen=True)
class ShippedValue:
    key: str
    amount: float
    unit: str
    grade: Grade
    reference: str  # the source: title, issuer, table (the JSON's "source")
    what: str = ""  # a key of WHAT
    source_date: str = ""
    uprating: str = ""  # a key of UPRATING
    status: str = ""  # a key of STATUS
    note: str = ""  # derivation, definition, caveats

    @property
    def source(self) -> str:
        """The whole provenance as one text (``StandardValue.source``)."""
        if not self.what:  # a value of the old form: its source is the whole text
            return self.reference
        parts = [f"{WHAT[self.what]}."]
        if self.note:
            parts.append(self.note)
        dated = f" ({self.source_date})" if self.source_date else ""
        parts.append(f"Källa: {self.reference}{dated}.")
        parts.append(f"Uppräkning: {UPRATING[self.uprating]}.")
        parts.append(f"Status: {STATUS[self.status]}.")
        return " ".join(parts)


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
    return load_sets(DATA)


def load_sets(path: Path) -> dict[int, ShippedSet]:
    """The value sets of a JSON file in the form of ``data/standard_values.json``."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        s["price_year"]: ShippedSet(
            s["price_year"],
            s["name"],
            tuple(
                ShippedValue(
                    v["key"],
                    float(v["amount"]),
                    v["unit"],
                    Grade(v["grade"]),
                    v["source"],
                    v.get("what", ""),
                    v.get("source_date", ""),
                    v.get("uprating", ""),
                    v.get("status", ""),
                    v.get("note", ""),
                )
                for v in s["values"]
            ),
        )
        for s in raw
    }
