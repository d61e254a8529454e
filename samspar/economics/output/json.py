"""The JSON shape of an evaluation: its facts, every input, every result. Keys are the
model's codes, labels sit beside them; numbers are numbers and "never"/"none" null."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from samspar.economics.model import PERSPECTIVES, Band, Simulation, State, Uncertainty
from samspar.economics.output import tables
from samspar.economics.output.labels import (
    ACTOR_LABELS,
    KIND_LABELS,
    METHOD_LABELS,
    PERSPECTIVE_LABELS,
    item_label,
    sensitivity_label,
)
from samspar.economics.output.summary import summary_paragraphs
from samspar.economics.report import EconomicsReport


def report_dict(report: EconomicsReport) -> dict[str, Any]:
    result = report.result
    return {
        "title": report.title,
        "organisation": report.organisation,
        "method": {"code": report.method, "label": str(METHOD_LABELS.get(report.method, ""))},
        "period": report.period or None,
        "value_set": report.value_set,
        "price_year": report.price_year,
        "created": report.created.isoformat(),
        "inputs": _inputs(report),
        "assumptions": [
            {"input": str(label), "value": str(value)}
            for label, value in tables.assumptions_table(report).rows
        ],
        "participants": result.participants,
        "results": {
            p.value: {
                "label": str(PERSPECTIVE_LABELS[p]),
                "revenue": r.revenue,
                "revenue_per_participant": r.revenue_per_participant,
                "cost": r.cost,
                "profit_first_year": r.profit_first_year,
                "profit_horizon": r.profit_horizon,
                "payback_months": r.payback_months,
            }
            for p, r in ((p, result.perspectives[p]) for p in PERSPECTIVES)
        },
        "potential": result.potential,
        "utilised_share": result.utilised_share,
        "items": [
            {
                "actor": i.actor.value,
                "actor_label": str(ACTOR_LABELS[i.actor]),
                "item": i.item,
                "item_label": item_label(i.item),
                "kind": i.kind.value,
                "kind_label": str(KIND_LABELS[i.kind]),
                "change": i.change,
            }
            for i in result.items
        ],
        "curve": [{"year": c.year, "cumulative": c.cumulative} for c in result.curve],
        "simulation": _simulation(report.simulation),
        "cohorts": [
            {
                "name": c.name,
                "count": c.count,
                "society_revenue_per_participant": c.society_revenue_per_participant,
            }
            for c in result.cohorts
            if report.shows_cohorts
        ],
        "values": [
            {
                "key": v.key,
                "label": v.label,
                "amount": v.amount,
                "unit": v.unit,
                "grade": str(v.grade),
                "source": v.source,
            }
            for v in report.values
        ],
        "registry_as_of": report.registry_as_of.isoformat() if report.registry_as_of else None,
        "mapping": [
            {
                "end_reason": m.code,
                "label": m.end_reason,
                "result_group": m.result_group,
                "work_extent": m.work_extent / 100,
                "wage_subsidy": m.wage_subsidy / 100,
                "resource_factor": m.resource_factor / 100,
            }
            for m in report.mapping
        ],
        "switching_target_months": report.switching_target,
        "switching_values": [
            {"months": months, "revenue_per_participant": value}
            for months, value in report.switching
        ],
        "sensitivity": _sensitivity(report),
        # Beside the money, never in it (model.wellbeing); type cases only.
        "wellbeing": _wellbeing(report),
        "income_per_group": [
            {
                "name": g.name,
                "count": g.count,
                "benefits": g.benefits,
                "wage": g.wage,
                "tax": g.tax,
                "total": g.total,
            }
            for g in report.income
        ],
        "summary": summary_paragraphs(report),
    }


def _inputs(report: EconomicsReport) -> dict[str, Any]:
    e = report.evaluation
    return {
        "cost": e.cost,
        "indirect_tax_factor": e.indirect_tax_factor,
        "total_cost": report.result.total_cost,
        "cost_split": {str(actor): share for actor, share in e.cost_split.items()},
        "actor_cost": str(e.actor_cost),
        "consumer_prices": e.consumer_prices,
        "wage_subsidy_ceiling": e.wage_subsidy_ceiling,
        "horizon_years": e.horizon_years,
        "discount_rate": e.discount_rate,
        "deadweight": e.deadweight,
        "attribution": e.attribution,
        "displacement": e.displacement,
        "drop_off": e.drop_off,
        # None when assumed; else {"months", "reached", "kept"} (economics.persistence).
        "drop_off_measured_on": report.drop_off_basis,
        "optimism_bias": e.optimism_bias,
        "haircuts": {str(grade): share for grade, share in e.haircuts.items()},
        "before": _state(e.cohorts[0].before) if report.shows_cohorts and e.cohorts else None,
        "resource_use_before": dict(e.cohorts[0].before.resource_use) if e.cohorts else {},
        "monte_carlo": _uncertainty(report.uncertainty, e.cost, e.indirect_tax_factor),
        "cohorts": [
            {
                "name": c.name,
                "count": c.count,
                "before": _state(c.before),
                "after": _state(c.after),
            }
            for c in e.cohorts
            if report.shows_cohorts
        ],
    }


def _wellbeing(report: EconomicsReport) -> dict[str, Any] | None:
    found = report.wellbeing
    if found is None:
        return None
    return {
        "groups": [{"name": g.name, "count": g.count, "change": g.change} for g in found.groups],
        "wellbys_per_year": found.wellbys_per_year,
        "wellbys_horizon": found.wellbys_horizon,
        "value_per_wellby": found.value_per_wellby,
        "value_per_year": found.value_per_year,
        "value_horizon": found.value_horizon,
        "source": found.source,
    }


def _state(state: State) -> dict[str, Any]:
    return {
        "supply": dict(state.supply),
        "work_extent": state.work_extent,
        "wage_subsidy": state.wage_subsidy,
        "resource_use": dict(state.resource_use),
    }


def _uncertainty(u: Uncertainty | None, cost: float, tax_factor: float) -> dict[str, Any] | None:
    if u is None:
        return None
    return {
        "draws": u.draws,
        "seed": u.seed,
        "spreads": {str(grade): share for grade, share in u.spreads.items()},
        "resample_participants": u.resample_participants,
        "ranges": {
            name: None if getattr(u, name) is None else list(getattr(u, name))
            for name in ("deadweight", "attribution", "drop_off", "displacement")
        },
        # What the Monte Carlo draws besides (docs/economics.md): the cost in kronor,
        # the indirect-tax factor and the factor on the after-states' work extent, each
        # triangular around the evaluation's own over [low, high].
        "cost_range": list(u.cost_range(cost)),
        "indirect_tax_factor_range": list(u.tax_factor_range(tax_factor)),
        "work_extent_factor_range": list(u.work_factor_range()),
    }


def _sensitivity(report: EconomicsReport) -> dict[str, Any] | None:
    """The tornado's rows (society's payback in months, null for never, and its
    profitability after the horizon at each end) and the switching values of
    deadweight and work."""
    sens = report.sensitivity
    if sens is None:
        return None
    return {
        "payback_months": sens.payback,
        "profit_horizon": sens.profit,
        "rows": [
            {
                "input": r.key,
                "label": sensitivity_label(r.key, r.label),
                "low": r.low,
                "high": r.high,
                "payback_months_low": r.payback_low,
                "payback_months_high": r.payback_high,
                "profit_horizon_low": r.profit_low,
                "profit_horizon_high": r.profit_high,
            }
            for r in sens.rows
        ],
        "switching_deadweight": sens.deadweight,
        "switching_work_factor": sens.work_factor,
        "work_full_time_equivalents": sens.work_now,
        "work_full_time_equivalents_at_switching": sens.work_needed,
    }


def _simulation(sim: Simulation | None) -> dict[str, Any] | None:
    if sim is None:
        return None

    def bands(by_perspective: dict[Any, Band]) -> dict[str, Any]:
        return {p.value: asdict(by_perspective[p]) for p in PERSPECTIVES}

    return {
        "draws": sim.draws,
        "revenue": bands(sim.revenue),
        "profit_first_year": bands(sim.profit_first_year),
        "profit_horizon": bands(sim.profit_horizon),
        "payback_months": bands(sim.payback_months),
        "curve": [asdict(band) for band in sim.curve],
        "chance_profitable": sim.chance_profitable,
        "chance_paid_back": {p.value: sim.chance_paid_back[p] for p in PERSPECTIVES},
    }


def render(report: EconomicsReport) -> bytes:
    data = report_dict(report)
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
