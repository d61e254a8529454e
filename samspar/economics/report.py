"""One evaluation, computed and labelled: what every output (page, PDF, Excel, JSON,
CLI) renders. Built by ``selectors.evaluation_report``; renderers only format."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from samspar.economics.model import Evaluation, EvaluationResult, Grade, Simulation, Uncertainty
from samspar.economics.model.sensitivity import Sensitivity
from samspar.economics.model.wellbeing import GroupIncome, Wellbeing

# Payback targets for which the switching value is always shown (months), besides the
# evaluation's own.
SWITCHING_MONTHS = (12, 24, 36)


@dataclass(frozen=True)
class ValueRow:
    key: str
    label: str
    amount: float
    unit: str
    grade: Grade
    source: str


@dataclass(frozen=True)
class MappingView:
    """One row of an evaluation of individuals' mapping, labelled (percentages)."""

    code: str
    end_reason: str
    result_group: str
    work_extent: float
    wage_subsidy: float
    resource_factor: float


@dataclass(frozen=True)
class EconomicsReport:
    title: str  # the evaluation's name
    organisation: str  # e.g. "Samverkansteam Avesta – Södra Dalarnas samordningsförbund"
    method: str  # "type_cases" or "individuals"
    period: str  # "2024-01-01 – 2024-12-31" for individuals, "" for type cases
    value_set: str  # e.g. "Samspårs standardvärden 2025, version 1"
    price_year: int
    evaluation: Evaluation
    result: EvaluationResult
    simulation: Simulation | None
    switching: list[tuple[int, float]]  # (months, kr per participant and year), by months
    values: list[ValueRow]  # the standard values used, with their sources
    created: datetime.date
    # Individuals: how end reasons became after-states, and when the registry was read.
    mapping: list[MappingView] = field(default_factory=list)
    registry_as_of: datetime.datetime | None = None
    # The Monte Carlo's settings (None: none was run).
    uncertainty: Uncertainty | None = None
    # The payback target the user chose for the switching value (months).
    switching_target: int = SWITCHING_MONTHS[0]
    # Individuals: the förbund's threshold that protects small groups (``privacy``).
    small_groups: int | None = None
    # What a measured drop-off rests on (``persistence.MeasuredDropOff.as_json``); None
    # when it is assumed.
    drop_off_basis: dict[str, int] | None = None
    # One-way sensitivity (the tornado) and the switching values of deadweight and work
    # (None: no Monte Carlo was run, so there are no ranges).
    sensitivity: Sensitivity | None = None
    # Type cases: the groups' wellbeing (WELLBYs) and each group's participant's change
    # in disposable income — beside the money, never in it (``model.wellbeing``).
    wellbeing: Wellbeing | None = None
    income: list[GroupIncome] = field(default_factory=list)

    @property
    def switching_needed(self) -> float | None:
        """The revenue per participant and year that pays back at the target."""
        return dict(self.switching).get(self.switching_target)

    @property
    def shows_cohorts(self) -> bool:
        """Type-case groups are shown; registered individuals' profiles are not — a
        profile shared by one or two participants would describe them."""
        return self.method == "type_cases"
