"""The socio-economic model (DOMAIN.md §5): pure Python and NumPy, no Django.

A participant's *before* and *after* states become ledger lines (actor × item ×
kind × kronor per year); their difference is the yearly revenue of the insats
per actor. ``evaluate`` gives the point estimate, ``simulate`` the Monte Carlo
bands. The formulas are written out in ``docs/economics.md``.
"""

from samspar.economics.model.evaluate import (
    CurvePoint,
    EvaluationResult,
    PerspectiveResult,
    evaluate,
    switching_value,
)
from samspar.economics.model.inputs import (
    Cohort,
    Evaluation,
    InputError,
    Problem,
    State,
)
from samspar.economics.model.ledger import Line
from samspar.economics.model.terms import (
    PERSPECTIVES,
    RESOURCES,
    SUPPLIES,
    Actor,
    CostBasis,
    Grade,
    Kind,
    Perspective,
)
from samspar.economics.model.uncertainty import Band, Simulation, Uncertainty, simulate
from samspar.economics.model.values import DEFAULT_HAIRCUTS, ValueSet

__all__ = [
    "DEFAULT_HAIRCUTS",
    "PERSPECTIVES",
    "RESOURCES",
    "SUPPLIES",
    "Actor",
    "Band",
    "Cohort",
    "CostBasis",
    "CurvePoint",
    "Evaluation",
    "EvaluationResult",
    "Grade",
    "InputError",
    "Kind",
    "Line",
    "Perspective",
    "PerspectiveResult",
    "Problem",
    "Simulation",
    "State",
    "Uncertainty",
    "ValueSet",
    "evaluate",
    "simulate",
    "switching_value",
]
