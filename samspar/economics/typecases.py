"""Seed 004 (``seed004.py``) as the pages, the demo and the tests hold a type-case
evaluation: percentages, group rows and a förbund's value set with the seed's levels.
Everything is derived from seed004's constants, so a recalibration there carries
through."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from samspar.economics import seed004
from samspar.economics.model import State


def _percent(share: float) -> Decimal:
    return Decimal(str(round(share * 100, 4)))


def resource_factor(before: State, after: State) -> Decimal:
    """The after-state's resource use as percent of the before-state's (one factor for
    every resource, as a type-case group holds it)."""
    total = sum(before.resource_use.values())
    if not total:
        return Decimal(100)
    return Decimal(str(round(100 * sum(after.resource_use.values()) / total, 2)))


def before_supply() -> dict[str, float]:
    """The seed's average participant before, percent per supply type."""
    return {code: float(_percent(share)) for code, share in seed004.BEFORE.supply.items()}


def group_rows() -> list[dict[str, Any]]:
    """The seed's after-groups as ``services.GROUP_FIELDS`` rows (percent)."""
    return [
        {
            "name": name,
            "share": _percent(share),
            "supply": {code: float(_percent(s)) for code, s in state.supply.items()},
            "work_extent": _percent(state.work_extent),
            "wage_subsidy": _percent(state.wage_subsidy),
            "resource_factor": resource_factor(seed004.BEFORE, state),
            "wellbeing": Decimal(0),  # the seed values no wellbeing
            "age": None,  # nor gives an age: the default values
        }
        for name, share, state in seed004.GROUPS
    ]
