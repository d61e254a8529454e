"""Evaluations of one förbund side by side (issue 13, item 7): one row per evaluation
the user may read, every figure taken from the evaluation's own report — the protected
report its page shows — so that the comparison tells nothing its pages do not
(docs/economics.md, "Comparing evaluations")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from samspar.economics import model, selectors
from samspar.economics.labels import problem_message
from samspar.economics.models import Evaluation, Method
from samspar.economics.report import EconomicsReport
from samspar.organisation.models import Forbund

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet

# The supply type of studies (CSN's studiemedel): an after-state with a share of it is
# in studies.
STUDIES_SUPPLY = "studiemedel"


@dataclass(frozen=True)
class ComparisonRow:
    """One evaluation's key figures, all for society. ``shown`` False: its report
    cannot be shown (``problems`` say why) and the row has no figures."""

    pk: int
    name: str
    method: str  # Method's code
    period: str  # "2024-01-01 – 2024-12-31" for individuals shown, else ""
    price_year: int
    shown: bool
    problems: list[str] = field(default_factory=list)
    participants: float | None = None
    cost_per_participant: float | None = None  # society's (uplifted) cost / n
    # Type cases only (see ``reaching_work_or_studies``); None for individuals.
    reached: float | None = None
    reached_share: float | None = None  # 0–100
    cost_per_reached: float | None = None  # None also where nobody reaches
    revenue_per_participant: float | None = None  # per year
    payback_months: float | None = None  # None where the cost is never recovered
    horizon_years: int | None = None
    profit_horizon: float | None = None  # after the evaluation's own horizon
    chance_profitable: float | None = None  # 0–1; None without a simulation


def reaching_work_or_studies(cohorts: Iterable[model.Cohort]) -> float:
    """The participants of the cohorts whose year after has work (a work extent above
    0) or studies (a share of studiemedel above 0)."""
    return sum(
        c.count
        for c in cohorts
        if c.after.work_extent > 0 or c.after.supply.get(STUDIES_SUPPLY, 0.0) > 0
    )


def comparable_forbund(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Forbund]:
    """The förbund of the evaluations the user may read, by name."""
    return Forbund.objects.filter(pk__in=selectors.evaluations(user).values("forbund_id")).order_by(
        "name", "pk"
    )


def comparison(user: AbstractBaseUser | AnonymousUser, forbund: Forbund) -> list[ComparisonRow]:
    """The evaluations of ``forbund`` that ``user`` may read (``selectors.evaluations``),
    by name, each as a row of its own report's figures."""
    found = selectors.evaluations(user).filter(forbund=forbund).order_by("name", "pk")
    return [row(evaluation) for evaluation in found]


def row(evaluation: Evaluation) -> ComparisonRow:
    """One evaluation's row: from its report, or without figures where the report
    cannot be shown (as its page then shows none)."""
    price_year = evaluation.value_set.price_year
    try:
        report = selectors.evaluation_report(evaluation)
    except model.InputError as error:
        return ComparisonRow(
            evaluation.pk,
            evaluation.name,
            evaluation.method,
            "",  # the refused page does not show the period either
            price_year,
            shown=False,
            problems=[problem_message(p, year=price_year) for p in error.problems],
        )
    return report_row(evaluation.pk, report)


def report_row(pk: int, report: EconomicsReport) -> ComparisonRow:
    result = report.result
    society = result.society
    n = result.participants
    reached: float | None = None
    share: float | None = None
    per_reached: float | None = None
    # Registered individuals: their cohorts are never shown (a profile of a few would
    # describe them), and n less those reaching work would count the left-out ones
    # together with the rest: only type cases say how many reach work or studies.
    if report.method == Method.TYPE_CASES:
        reached = reaching_work_or_studies(report.evaluation.cohorts)
        share = 100 * reached / n if n else None
        per_reached = society.cost / reached if reached > 0 else None
    return ComparisonRow(
        pk,
        report.title,
        report.method,
        report.period,
        report.price_year,
        shown=True,
        participants=n,
        cost_per_participant=society.cost_per_participant,
        reached=reached,
        reached_share=share,
        cost_per_reached=per_reached,
        revenue_per_participant=society.revenue_per_participant,
        payback_months=society.payback_months,
        horizon_years=result.horizon_years,
        profit_horizon=society.profit_horizon,
        chance_profitable=(
            report.simulation.chance_profitable if report.simulation is not None else None
        ),
    )
