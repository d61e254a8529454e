"""The evaluation page as a board reads it (issue 13, item 8): one screen first — the key
figures, the headline per actor, the chance of profit and the tornado — then the detailed
tables in sections that open on demand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samspar.economics.model import PERSPECTIVES
from samspar.economics.output import numbers
from samspar.economics.output.labels import PERSPECTIVE_LABELS
from samspar.economics.report import EconomicsReport
from samspar.reports.presentation import TableView

# The detailed tables, by section; a table of no section goes to the last.
SECTIONS: tuple[tuple[str, Promise, tuple[str, ...]], ...] = (
    ("results", _("Results per actor"), ("results", "per_participant", "items")),
    (
        "uncertainty",
        _("Uncertainty and sensitivity"),
        (
            "sensitivity",
            "bands_revenue",
            "bands_profit_first_year",
            "bands_profit",
            "bands_payback",
            "curve",
            "switching",
            "switching_inputs",
        ),
    ),
    ("groups", _("Groups, wellbeing and income"), ("cohorts", "mapping", "wellbeing", "income")),
    ("inputs", _("Inputs and standard values"), ("assumptions", "values")),
)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    tables: list[TableView]


@dataclass(frozen=True)
class Headline:
    perspective: str
    revenue: str  # per year
    cost: str
    payback: str


def sections(tables: Sequence[TableView]) -> list[Section]:
    placed = {key: name for name, _title, keys in SECTIONS for key in keys}
    last = SECTIONS[-1][0]
    return [
        Section(
            name,
            str(title),
            [tv for tv in tables if placed.get(tv.table.key, last) == name],
        )
        for name, title, _keys in SECTIONS
    ]


def key_figures(report: EconomicsReport) -> list[tuple[str, str]]:
    """Society's figures a board asks first, with the chance of profit when the Monte
    Carlo ran."""
    society = report.result.society
    years = report.result.horizon_years
    figures = [
        (str(_("Revenue for society per year")), numbers.money(society.revenue)),
        (str(_("Socio-economic cost")), numbers.money(report.result.total_cost)),
        (
            str(_("Payback time")),
            numbers.months(society.payback_months)
            if society.payback_months is not None
            else str(_("none")),
        ),
        (
            numbers.lazy_format(_("Profitability after %(years)s years"), {"years": years}),
            numbers.money(society.profit_horizon),
        ),
    ]
    if report.simulation is not None:
        figures.append(
            (
                numbers.lazy_format(_("Chance of profit after %(years)s years"), {"years": years}),
                numbers.percent(report.simulation.chance_profitable),
            )
        )
    return [(str(label), value) for label, value in figures]


def headline(report: EconomicsReport) -> list[Headline]:
    """Revenue, cost and payback per perspective: the actors' columns in one look. A
    perspective with neither revenue nor cost (the employers, but where the wage-subsidy
    ceiling leaves them a part of the wage) is left out; the tables show every one."""
    return [
        Headline(
            str(PERSPECTIVE_LABELS[p]),
            numbers.money(r.revenue),
            numbers.money(r.cost) if r.cost else "–",
            numbers.months(r.payback_months) if r.payback_months is not None else "–",
        )
        for p in PERSPECTIVES
        for r in (report.result.perspectives[p],)
        if abs(r.revenue) >= 0.5 or r.cost
    ]
