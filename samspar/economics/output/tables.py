"""An economics report as ``reports.tables.Table`` objects, so the report pages'
table partial and the export writers render them. Kronor are AMOUNT, months NUMBER;
nothing here is a count of people, so no small-count suppression applies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from samspar.economics.decimal_text import plain_number
from samspar.economics.labels import RESOURCE_LABELS
from samspar.economics.model import (
    PERSPECTIVES,
    Actor,
    Band,
    CostBasis,
    Perspective,
    PerspectiveResult,
)
from samspar.economics.model import Kind as ModelKind
from samspar.economics.model.sensitivity import SensitivityRow
from samspar.economics.output import numbers
from samspar.economics.output.beyond_money import income_table, wellbeing_table
from samspar.economics.output.labels import (
    ACTOR_LABELS,
    ITEM_LABELS,
    KIND_LABELS,
    METHOD_LABELS,
    PERSPECTIVE_LABELS,
    SUPPLY_LABELS,
    sensitivity_label,
)
from samspar.economics.output.numbers import plain_percent
from samspar.economics.report import EconomicsReport
from samspar.reports.tables import Column, Kind, Table, Text, Value

NO_PAYBACK = _("none")  # revenue ≤ 0, or the cost is never recovered
NEVER = _("never")  # a simulated payback quantile that is never reached

BAND_COLUMNS = (
    ("median", _("Median")),
    ("low80", numbers.lazy_format(_("80 %% interval, low"), {})),
    ("high80", numbers.lazy_format(_("80 %% interval, high"), {})),
    ("low95", numbers.lazy_format(_("95 %% interval, low"), {})),
    ("high95", numbers.lazy_format(_("95 %% interval, high"), {})),
)


def _horizon(report: EconomicsReport, message: Promise) -> str:
    """``message`` (an ngettext_lazy on "years") for the report's horizon."""
    return numbers.lazy_format(message, {"years": report.result.horizon_years})


def results_table(report: EconomicsReport) -> Table:
    horizon = ngettext_lazy(
        "Profitability after %(years)s year",
        "Profitability after %(years)s years",
        report.result.horizon_years,
    )
    columns = [
        Column("perspective", _("Perspective"), Kind.LABEL),
        Column("revenue", _("Revenue per year"), Kind.AMOUNT),
        Column("revenue_per_participant", _("Revenue per participant and year"), Kind.AMOUNT),
        Column("cost", _("Cost"), Kind.AMOUNT),
        Column("profit_first_year", _("Profitability after 1 year"), Kind.AMOUNT),
        Column("profit_horizon", _horizon(report, horizon), Kind.AMOUNT),
        Column("payback_months", _("Payback time (months)"), Kind.NUMBER),
    ]
    rows: list[list[Value]] = []
    for p in PERSPECTIVES:
        r = report.result.perspectives[p]
        rows.append(
            [
                PERSPECTIVE_LABELS[p],
                r.revenue,
                r.revenue_per_participant,
                r.cost,
                r.profit_first_year,
                r.profit_horizon,
                _payback(r),
            ]
        )
    return Table(
        "results",
        _("Results per perspective"),
        columns,
        rows,
        note=_(
            "Kronor. The cost is the insats's cost raised by the indirect-tax factor and "
            "split between the parties. There is no payback time where the revenue is "
            "not positive or the cost is never recovered; the cell is empty where the "
            "perspective bears no cost."
        ),
    )


def per_participant_table(report: EconomicsReport) -> Table:
    """The results per perspective divided by the participants."""
    horizon = ngettext_lazy(
        "Profitability after %(years)s year, per participant",
        "Profitability after %(years)s years, per participant",
        report.result.horizon_years,
    )
    rows: list[list[Value]] = []
    for p in PERSPECTIVES:
        r = report.result.perspectives[p]
        rows.append(
            [
                PERSPECTIVE_LABELS[p],
                r.revenue_per_participant,
                r.cost_per_participant,
                r.profit_first_year_per_participant,
                r.profit_horizon_per_participant,
            ]
        )
    return Table(
        "per_participant",
        _("Results per participant"),
        [
            Column("perspective", _("Perspective"), Kind.LABEL),
            Column("revenue", _("Revenue per participant and year"), Kind.AMOUNT),
            Column("cost", _("Cost per participant"), Kind.AMOUNT),
            Column(
                "profit_first_year", _("Profitability after 1 year, per participant"), Kind.AMOUNT
            ),
            Column("profit_horizon", _horizon(report, horizon), Kind.AMOUNT),
        ],
        rows,
        note=_("Kronor per participant: the results above divided by the participants."),
    )


def _payback(r: PerspectiveResult) -> Value:
    """Months; "none" where the cost is not recovered, empty where there is no cost."""
    if r.cost <= 0:
        return None
    return NO_PAYBACK if r.payback_months is None else r.payback_months


def items_table(report: EconomicsReport) -> Table:
    actor_order = {a: i for i, a in enumerate(Actor)}
    item_order = {item: i for i, item in enumerate(ITEM_LABELS)}
    items = sorted(
        report.result.items,
        key=lambda i: (actor_order[i.actor], item_order.get(i.item, len(item_order)), i.kind),
    )
    n = report.result.participants
    rows: list[list[Value]] = [
        [
            ACTOR_LABELS[i.actor],
            ITEM_LABELS.get(i.item, i.item),
            KIND_LABELS[i.kind],
            i.change,
            i.change / n,
        ]
        for i in items
    ]
    # Society's revenue: the real items. The employer's wage, contributions and wage
    # subsidy balance its production and are not listed, so the transfers shown do not
    # cancel out on their own.
    real = tuple(r for r, i in enumerate(items) if i.kind != ModelKind.TRANSFER)
    total = sum(items[r].change for r in real)
    rows.append([_("Society: real resources and production"), "", "", total, total / n])
    return Table(
        "items",
        _("Changes per actor and item"),
        [
            Column("actor", _("Actor"), Kind.LABEL),
            Column("item", _("Item"), Kind.LABEL),
            Column("kind", _("Kind"), Kind.LABEL),
            Column("change", _("Change per year"), Kind.AMOUNT),
            Column("change_per_participant", _("Per participant and year"), Kind.AMOUNT),
        ],
        rows,
        total_row=len(rows) - 1,
        row_sums={len(rows) - 1: real},
        note=_(
            "Kronor per year; positive where the actor gains. Transfers move money between "
            "actors; the real resources and the production make up society's revenue."
        ),
    )


def band_tables(report: EconomicsReport) -> list[Table]:
    """Medians and intervals of the Monte Carlo; none without a simulation."""
    sim = report.simulation
    if sim is None:
        return []
    note = numbers.lazy_format(
        _("Median and the ranges holding 80 %% and 95 %% of %(draws)s simulated outcomes."),
        {"draws": numbers.lazy_people(sim.draws)},
    )
    horizon = ngettext_lazy(
        "Uncertainty: profitability after %(years)s year",
        "Uncertainty: profitability after %(years)s years",
        report.result.horizon_years,
    )
    payback = _band_table(
        "bands_payback",
        _("Uncertainty: payback time (months)"),
        sim.payback_months,
        Kind.NUMBER,
        note,
    )
    payback.columns.append(
        Column(
            "chance_paid_back",
            numbers.lazy_format(_("Chance of paying back (%%)"), {}),
            Kind.PERCENT,
        )
    )
    for row, p in zip(payback.rows, PERSPECTIVES, strict=True):
        if report.result.perspectives[p].cost <= 0:
            row[1:] = [None] * len(BAND_COLUMNS)  # nothing to pay back
            row.append(None)
        else:
            row.append(100 * sim.chance_paid_back[p])
    return [
        _band_table(
            "bands_revenue", _("Uncertainty: revenue per year"), sim.revenue, Kind.AMOUNT, note
        ),
        _band_table(
            "bands_profit_first_year",
            _("Uncertainty: profitability after 1 year"),
            sim.profit_first_year,
            Kind.AMOUNT,
            note,
        ),
        _band_table(
            "bands_profit", _horizon(report, horizon), sim.profit_horizon, Kind.AMOUNT, note
        ),
        payback,
    ]


def _band_table(
    key: str, title: Text, bands: dict[Perspective, Band], kind: Kind, note: Text
) -> Table:
    rows: list[list[Value]] = [
        [PERSPECTIVE_LABELS[p], *_band_values(bands[p])] for p in PERSPECTIVES
    ]
    columns = [Column("perspective", _("Perspective"), Kind.LABEL)]
    columns += [Column(k, label, kind) for k, label in BAND_COLUMNS]
    return Table(key, title, columns, rows, note=note)


def _band_values(band: Band) -> list[Value]:
    values = (band.median, band.low80, band.high80, band.low95, band.high95)
    return [NEVER if v is None else v for v in values]


def curve_table(report: EconomicsReport) -> Table:
    columns = [
        Column("year", _("Year"), Kind.LABEL),
        Column("cumulative", _("Profitability"), Kind.AMOUNT),
    ]
    rows: list[list[Value]] = [[p.year, p.cumulative] for p in report.result.curve]
    if report.simulation is not None:
        columns += [Column(k, label, Kind.AMOUNT) for k, label in BAND_COLUMNS]
        for row, band in zip(rows, report.simulation.curve, strict=True):
            row += _band_values(band)
    return Table(
        "curve",
        _("Cumulative profitability for society"),
        columns,
        rows,
        note=_("Year 0 is the cost alone; each year after it adds that year's revenue."),
    )


def cohorts_table(report: EconomicsReport) -> Table:
    cohorts = report.result.cohorts
    n = report.result.participants
    whole = all(float(c.count).is_integer() for c in cohorts)
    rows: list[list[Value]] = [
        [
            c.name,
            c.count,
            100 * c.count / n,
            c.society_revenue_per_participant,
            c.society_revenue_per_participant * c.count,
        ]
        for c in cohorts
    ]
    society = report.result.society
    rows.append([_("Total"), n, 100.0, society.revenue_per_participant, society.revenue])
    return Table(
        "cohorts",
        _("Groups"),
        [
            Column("group", _("Group"), Kind.LABEL),
            Column("count", _("Participants"), Kind.TALLY if whole else Kind.NUMBER),
            Column("share", numbers.lazy_format(_("Share (%%)"), {}), Kind.PERCENT),
            Column(
                "revenue_per_participant",
                _("Revenue for society per participant and year"),
                Kind.AMOUNT,
            ),
            Column("revenue", _("Revenue for society per year"), Kind.AMOUNT),
        ],
        rows,
        total_row=len(rows) - 1,
    )


def values_table(report: EconomicsReport, *, numeric: bool = False) -> Table:
    """The standard values with their sources. The amounts mix kronor and shares, so
    they are shown as they are (``numbers.amount``); ``numeric`` keeps them as
    numbers instead, for a spreadsheet."""
    rows: list[list[Value]] = [
        [
            v.label,
            v.amount if numeric else numbers.amount(v.amount),
            v.unit,
            str(v.grade),
            v.source,
        ]
        for v in report.values
    ]
    return Table(
        "values",
        numbers.lazy_format(_("Standard values, price year %(year)s"), {"year": report.price_year}),
        [
            Column("value", _("Standard value"), Kind.LABEL),
            Column("amount", _("Amount"), Kind.NUMBER),
            Column("unit", _("Unit"), Kind.LABEL),
            Column("grade", _("Confidence grade"), Kind.LABEL),
            Column("source", _("Source"), Kind.LABEL),
        ],
        rows,
        note=_(
            "Confidence grade: A set by law or official statistics, B official average or "
            "tariff, C estimate from comparable sources, D expert judgement."
        ),
    )


def switching_table(report: EconomicsReport) -> Table:
    n = report.result.participants
    current = report.result.society.revenue_per_participant
    rows: list[list[Value]] = [
        [months, value, value * n, value / current if current > 0 else None]
        for months, value in report.switching
    ]
    chosen = numbers.lazy_format(
        _("The evaluation's own target: %(months)s."),
        {"months": numbers.lazy_months(report.switching_target)},
    )
    return Table(
        "switching",
        _("Switching values"),
        [
            Column("months", _("Payback within (months)"), Kind.TALLY),
            Column("per_participant", _("Revenue needed per participant and year"), Kind.AMOUNT),
            Column("total", _("Revenue needed per year"), Kind.AMOUNT),
            Column("ratio", _("Times today's revenue"), Kind.NUMBER),
        ],
        rows,
        note=numbers.lazy_format(
            _("The revenue for society today: %(current)s per participant and year. %(chosen)s"),
            {"current": numbers.lazy_money(current), "chosen": chosen},
        ),
    )


def _input_value(row: SensitivityRow, x: float) -> str:
    """An end of a sensitivity row's range, in the input's own unit."""
    if row.key.startswith("value:"):
        return numbers.amount(round(x, 4) if abs(x) < 10 else round(x))
    if row.key == "cost":
        return numbers.money(x)
    if row.key == "indirect_tax_factor":
        return plain_number(round(x, 4))
    return plain_percent(round(x, 6))


def _months_or_never(months: float | None) -> Value:
    return NEVER if months is None else months


def sensitivity_table(report: EconomicsReport) -> Table | None:
    """The tornado's rows: each input at the low and the high end of its range, the
    rest at the point estimate; society's payback and profitability after the horizon."""
    sens = report.sensitivity
    if sens is None:
        return None
    horizon = ngettext_lazy(
        "Profitability after %(years)s year",
        "Profitability after %(years)s years",
        report.result.horizon_years,
    )
    rows: list[list[Value]] = [
        [
            sensitivity_label(r.key, r.label),
            _input_value(r, r.low),
            _input_value(r, r.high),
            _months_or_never(r.payback_low),
            _months_or_never(r.payback_high),
            r.profit_low,
            r.profit_high,
        ]
        for r in sens.rows
    ]
    return Table(
        "sensitivity",
        _("Sensitivity analysis"),
        [
            Column("input", _("Input"), Kind.LABEL),
            Column("low", _("Low value"), Kind.LABEL),
            Column("high", _("High value"), Kind.LABEL),
            Column("payback_low", _("Payback at the low value (months)"), Kind.NUMBER),
            Column("payback_high", _("Payback at the high value (months)"), Kind.NUMBER),
            Column(
                "profit_low",
                numbers.lazy_format(
                    _("%(profit)s, at the low value"),
                    {"profit": _horizon(report, horizon)},
                ),
                Kind.AMOUNT,
            ),
            Column(
                "profit_high",
                numbers.lazy_format(
                    _("%(profit)s, at the high value"),
                    {"profit": _horizon(report, horizon)},
                ),
                Kind.AMOUNT,
            ),
        ],
        rows,
        note=numbers.lazy_format(
            _(
                "For society. Each input at the low and the high end of its Monte Carlo "
                "range, every other input at the point estimate (payback %(payback)s, "
                "profitability %(profit)s); the inputs that move the payback most come "
                "first, and one that makes it never come counts as moving it most. The "
                "discount rate runs from 0 %% (undiscounted) to the Green Book's 3,5 %%."
            ),
            {
                "payback": NEVER if sens.payback is None else numbers.lazy_months(sens.payback),
                "profit": numbers.lazy_money(sens.profit),
            },
        ),
    )


def switching_inputs_table(report: EconomicsReport) -> Table | None:
    """The switching values of deadweight and of the work extent after."""
    sens = report.sensitivity
    if sens is None:
        return None
    none = _("none in range")
    rows: list[list[Value]] = [
        [
            _("Deadweight"),
            plain_percent(report.evaluation.deadweight),
            none if sens.deadweight is None else numbers.percent(sens.deadweight),
        ],
        [
            _("Work after, full-time equivalents"),
            numbers.number(sens.work_now, 1),
            none if sens.work_needed is None else numbers.number(sens.work_needed, 1),
        ],
        [
            _("Work extent after (share of the stated)"),
            plain_percent(1.0),
            none if sens.work_factor is None else numbers.percent(sens.work_factor),
        ],
    ]
    return Table(
        "switching_inputs",
        _("Switching values of deadweight and work"),
        [
            Column("input", _("Input"), Kind.LABEL),
            Column("now", _("Today"), Kind.LABEL),
            Column("switching", _("Where society just breaks even"), Kind.LABEL),
        ],
        rows,
        note=_(
            "The value at which society's profitability after the horizon is zero, that "
            "is, the payback time equals the horizon, everything else as it is. Work: "
            "every after-state's work extent times one factor, at most full time less "
            "its benefits. None in range: no deadweight from 0 to 100 %, or no factor up "
            "to full time, gives zero."
        ),
    )


def mapping_table(report: EconomicsReport) -> Table:
    """Individuals: what each end reason stands for after the insats."""
    rows: list[list[Value]] = [
        [m.end_reason, m.result_group, m.work_extent, m.wage_subsidy, m.resource_factor]
        for m in report.mapping
    ]
    return Table(
        "mapping",
        _("From the registry to after the insats"),
        [
            Column("end_reason", _("End reason"), Kind.LABEL),
            Column("result_group", _("Result group"), Kind.LABEL),
            Column(
                "work_extent",
                numbers.lazy_format(_("Work extent after, when none is registered (%%)"), {}),
                Kind.PERCENT,
            ),
            Column("wage_subsidy", numbers.lazy_format(_("Wage subsidy (%%)"), {}), Kind.PERCENT),
            Column(
                "resource_factor",
                numbers.lazy_format(_("Resource use compared with before (%%)"), {}),
                Kind.PERCENT,
            ),
        ],
        rows,
        note=_(
            "Each ended participant's registered supply types share the time not worked, "
            "before and after; the registered extent of work counts where there is one, "
            "else the end reason's."
        ),
    )


def _shares(shares: Mapping[Any, float], labels: Mapping[Any, Any]) -> str:
    return (
        ", ".join(f"{labels.get(k, k)} {plain_percent(v)}" for k, v in shares.items() if v) or "–"
    )


def _drop_off(report: EconomicsReport) -> str:
    """The drop-off with its range, and what it was measured on when it was."""
    u, basis = report.uncertainty, report.drop_off_basis
    text = _ranged(report.evaluation.drop_off, u.drop_off if u else None)
    if basis is None:
        return text
    measured = ngettext(
        "measured: of %(reached)s who worked or studied at the end and were reached "
        "%(months)s month after it, %(kept)s still did",
        "measured: of %(reached)s who worked or studied at the end and were reached "
        "%(months)s months after it, %(kept)s still did",
        basis["months"],
    ) % {k: numbers.people(v) for k, v in basis.items()}
    return f"{text}; {measured}"


def _monte_carlo_rows(report: EconomicsReport) -> list[list[Value]]:
    """The ranges the Monte Carlo draws the cost, the tax factor and the work from."""
    e, u = report.evaluation, report.uncertainty
    if u is None:
        return []
    cost = u.cost_range(e.cost)
    factor = u.tax_factor_range(e.indirect_tax_factor)
    work = u.work_factor_range()
    cost_text = (
        _("%(low)s–%(high)s, triangular around the cost")
        if u.cost is not None
        else _(
            "%(low)s–%(high)s, triangular around the cost (± %(spread)s: Samspår's "
            "assumption, grade C)"
        )
    )
    return [
        [
            _("Cost in the Monte Carlo"),
            cost_text
            % {
                "low": numbers.money(cost[0]),
                "high": numbers.money(cost[1]),
                "spread": plain_percent(u.cost_spread),
            },
        ],
        [
            _("Indirect-tax factor in the Monte Carlo"),
            _("%(low)s–%(high)s, triangular around the factor (ASEK's range)")
            % {"low": plain_number(factor[0]), "high": plain_number(factor[1])},
        ],
        [
            _("Work extent after in the Monte Carlo"),
            _(
                "%(low)s–%(high)s of the stated, triangular, one factor per draw for every "
                "group; at most full time less the group's benefits"
            )
            % {"low": plain_percent(work[0]), "high": plain_percent(work[1])},
        ],
        [
            _("Wage in the Monte Carlo"),
            _("as the standard value average wage, by its confidence grade"),
        ],
        [
            _("Group shares in the Monte Carlo"),
            _("through the resampling of the participants among the groups")
            if u.resample_participants
            else _("fixed"),
        ],
        [
            _("Discount rate in the sensitivity analysis"),
            _("from 0 %% (undiscounted) to 3,5 %% (the Green Book)") % {},
        ],
    ]


def _ranged(value: float, bounds: tuple[float, float] | None) -> str:
    text = plain_percent(value)
    if bounds is None:
        return text
    return str(
        numbers.lazy_format(
            _("%(value)s (Monte Carlo: %(low)s–%(high)s)"),
            {
                "value": text,
                "low": plain_percent(bounds[0]),
                "high": plain_percent(bounds[1]),
            },
        )
    )


def assumptions_table(report: EconomicsReport) -> Table:
    """Every input and assumption behind the figures, in words: what the reader needs
    to judge them (and to make the evaluation again)."""
    e, u = report.evaluation, report.uncertainty
    before = e.cohorts[0].before if e.cohorts else None
    rows: list[list[Value]] = [[_("Method"), METHOD_LABELS.get(report.method, report.method)]]
    if report.method == "individuals":
        rows.append([_("Participants who ended in"), report.period])
        if report.registry_as_of is not None:
            rows.append(
                [
                    _("Computed from the registry as of"),
                    timezone.localtime(report.registry_as_of).strftime("%Y-%m-%d %H:%M"),
                ]
            )
        rows.append([_("Participants"), numbers.people(report.result.participants)])
        if report.small_groups is not None:
            rows.append(
                [
                    _("Small groups"),
                    numbers.lazy_format(
                        _(
                            "A registered situation (supply before and after, work before "
                            "and after, end reason) that fewer than %(threshold)s "
                            "participants share is not counted: its participants count as "
                            "unchanged, whatever the mapping says."
                        ),
                        {"threshold": report.small_groups},
                    ),
                ]
            )
        rows.append(
            [
                _("Supply before and after"),
                _(
                    "Registered per participant, sharing the time not worked; see the "
                    "table of the mapping from the registry."
                ),
            ]
        )
    else:
        rows.append([_("Participants"), numbers.people(report.result.participants)])
        if before is not None:
            rows.append(
                [_("Supply before (average participant)"), _shares(before.supply, SUPPLY_LABELS)]
            )
    if before is not None:
        rows.append(
            [
                _("Resource use before, per participant and year"),
                ", ".join(
                    f"{RESOURCE_LABELS.get(k, k)} {plain_number(v)}"
                    for k, v in before.resource_use.items()
                    if v
                )
                or "–",
            ]
        )
    rows += [
        [_("Cost of the insats"), numbers.money(e.cost)],
        [_("Indirect-tax factor"), plain_number(e.indirect_tax_factor)],
        [_("Socio-economic cost"), numbers.money(report.result.total_cost)],
        [
            _("Society's resources"),
            _("in consumer prices: uplifted by the indirect-tax factor as the cost is")
            if e.consumer_prices
            else _("not uplifted (only the cost is, as NyttoSam)"),
        ],
        [_("Cost split"), _shares(e.cost_split, ACTOR_LABELS)],
        [
            _("Cost of each actor"),
            _("share of the cost paid")
            if e.actor_cost == CostBasis.NOMINAL
            else _("share of the socio-economic cost"),
        ],
        [
            _("Wage subsidy"),
            _("on the wage up to the ceiling")
            if e.wage_subsidy_ceiling
            else _("on the whole wage cost"),
        ],
        [_("Horizon"), numbers.years(e.horizon_years)],
        [
            _("Discount rate"),
            plain_percent(e.discount_rate) if e.discount_rate else _("none (not discounted)"),
        ],
        [_("Deadweight"), _ranged(e.deadweight, u.deadweight if u else None)],
        [_("Attribution to others"), _ranged(e.attribution, u.attribution if u else None)],
        [
            _("Displacement of other workers"),
            _ranged(e.displacement, u.displacement if u else None),
        ],
        [_("Drop-off per year"), _drop_off(report)],
        [
            _("Optimism-bias haircut"),
            _("by confidence grade: %(haircuts)s")
            % {"haircuts": ", ".join(f"{g} {plain_percent(h)}" for g, h in e.haircuts.items())}
            if e.optimism_bias
            else _("none"),
        ],
    ]
    if u is not None:
        rows += [
            [
                _("Monte Carlo"),
                _("%(draws)s draws, random seed %(seed)s")
                % {
                    "draws": numbers.people(u.draws),
                    "seed": u.seed,
                },
            ],
            [
                _("Spread of the standard values by confidence grade"),
                ", ".join(f"{g} ±{plain_percent(v)}" for g, v in u.spreads.items()),
            ],
            [
                _("Participants resampled among the groups"),
                _("yes") if u.resample_participants else _("no"),
            ],
        ]
        rows += _monte_carlo_rows(report)
    rows.append(
        [
            _("Standard values"),
            numbers.lazy_format(
                _("%(name)s, price year %(year)s"),
                {"name": report.value_set, "year": report.price_year},
            ),
        ]
    )
    return Table(
        "assumptions",
        _("Inputs and assumptions"),
        [Column("input", _("Input"), Kind.LABEL), Column("value", _("Value"), Kind.LABEL)],
        rows,
    )


def report_tables(report: EconomicsReport) -> list[Table]:
    """Every table, in the order the PDF and the spreadsheet show them."""
    return [
        assumptions_table(report),
        *[t for t in (sensitivity_table(report),) if t is not None],
        results_table(report),
        per_participant_table(report),
        items_table(report),
        *band_tables(report),
        curve_table(report),
        *([cohorts_table(report)] if report.shows_cohorts else []),
        *([mapping_table(report)] if report.mapping else []),
        switching_table(report),
        *[t for t in (switching_inputs_table(report),) if t is not None],
        *[t for t in (wellbeing_table(report), income_table(report)) if t is not None],
        values_table(report),
    ]
