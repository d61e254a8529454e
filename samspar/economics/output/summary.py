"""The evaluation in plain words, after seed 004's "Samhällsekonomisk nytta i
korthet": a few short paragraphs with the headline numbers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samspar.economics.model import Perspective, PerspectiveResult
from samspar.economics.model.evaluate import PAYBACK_SEARCH_YEARS
from samspar.economics.output.labels import PERSPECTIVE_LABELS
from samspar.economics.output.numbers import (
    money,
    months,
    number,
    people,
    percent,
    plain_percent,
    years,
)
from samspar.economics.report import EconomicsReport

# The actors a reader can hold to account; the state as a whole is said apart.
ACTORS = (
    Perspective.KOMMUN,
    Perspective.REGION,
    Perspective.FK,
    Perspective.AF,
    Perspective.OTHER_STATE,
    Perspective.INDIVIDUAL,
)
SHORT_TERM_MONTHS = 12


def summary_paragraphs(report: EconomicsReport) -> list[str]:
    """The paragraphs, in the active language."""
    paragraphs = [
        _method(report),
        _adjustments(report),
        _revenue_and_cost(report),
        _payback(report),
        _profitability(report),
        _actors(report),
        _potential(report),
        _uncertainty(report),
        _switching(report),
    ]
    return [p for p in paragraphs if p]


def _method(report: EconomicsReport) -> str:
    n = report.result.participants
    params = {"participants": people(n), "period": report.period}
    if report.method == "individuals":
        return (
            ngettext(
                "The evaluation covers %(participants)s participant, from the situation "
                "registered for them before and after the insats (%(period)s).",
                "The evaluation covers %(participants)s participants, from the situations "
                "registered for them before and after the insats (%(period)s).",
                round(n),
            )
            % params
        )
    return (
        ngettext(
            "The evaluation covers %(participants)s participant and is made with type cases: "
            "an average situation before the insats and groups of outcomes after it.",
            "The evaluation covers %(participants)s participants and is made with type cases: "
            "an average situation before the insats and groups of outcomes after it.",
            round(n),
        )
        % params
    )


def _adjustments(report: EconomicsReport) -> str:
    """Which of deadweight, attribution, displacement, drop-off, discounting and the
    optimism-bias haircut change the figures; nothing when none does (NyttoSam's plain
    way)."""
    e = report.evaluation
    parts = []
    if e.deadweight:
        parts.append(_("a deadweight of %(share)s") % {"share": plain_percent(e.deadweight)})
    if e.attribution:
        parts.append(_("%(share)s attributed to others") % {"share": plain_percent(e.attribution)})
    if e.displacement:
        parts.append(
            _("a displacement of %(share)s of the work gained")
            % {"share": plain_percent(e.displacement)}
        )
    if e.drop_off:
        parts.append(_("a drop-off of %(share)s a year") % {"share": plain_percent(e.drop_off)})
    if e.discount_rate:
        parts.append(_("discounting at %(rate)s a year") % {"rate": plain_percent(e.discount_rate)})
    if e.optimism_bias:
        parts.append(_("the optimism-bias haircut by the standard values' confidence grades"))
    if not parts:
        return ""
    listed = (
        parts[0]
        if len(parts) == 1
        else _("%(first)s and %(last)s")
        % {
            "first": ", ".join(parts[:-1]),
            "last": parts[-1],
        }
    )
    return _("The figures are adjusted for %(adjustments)s.") % {"adjustments": listed}


def _revenue_and_cost(report: EconomicsReport) -> str:
    society = report.result.society
    revenue = _(
        "The socio-economic revenue is %(revenue)s per year, %(per_participant)s per "
        "participant and year."
    ) % {
        "revenue": money(society.revenue),
        "per_participant": money(society.revenue_per_participant),
    }
    cost = _(
        "The socio-economic cost is %(total)s: the cost of %(cost)s multiplied by %(factor)s "
        "for indirect taxes, %(per_participant)s per participant."
    ) % {
        "total": money(report.result.total_cost),
        "cost": money(report.result.cost),
        "factor": number(report.evaluation.indirect_tax_factor, 2),
        "per_participant": money(society.cost_per_participant),
    }
    recurring = _(
        "The revenue recurs every year as long as the participants keep their situation, "
        "while the cost is paid once."
    )
    return f"{revenue} {cost} {recurring}"


def _payback(report: EconomicsReport) -> str:
    society = report.result.society
    if society.cost <= 0:
        return _("The insats has no cost, so there is nothing to pay back.")
    if society.payback_months is None:
        if society.revenue <= 0:
            return _("The revenue for society is not positive, so the insats does not pay back.")
        return _("The insats does not pay back for society within %(years)s.") % {
            "years": years(PAYBACK_SEARCH_YEARS)
        }
    text = _("The payback time for society is %(months)s.") % {
        "months": months(society.payback_months)
    }
    if society.payback_months > SHORT_TERM_MONTHS:
        short = _("As it is over 12 months, the profitability in the short term is negative.")
    else:
        short = _("As it is 12 months or less, the insats is profitable within a year.")
    return f"{text} {short}"


def _profitability(report: EconomicsReport) -> str:
    society = report.result.society
    return _(
        "The profitability for society is %(first)s after one year and %(horizon)s after %(years)s."
    ) % {
        "first": money(society.profit_first_year),
        "horizon": money(society.profit_horizon),
        "years": years(report.result.horizon_years),
    }


def _actors(report: EconomicsReport) -> str:
    results = [report.result.perspectives[p] for p in ACTORS]
    gain = sorted((r for r in results if r.revenue > 0), key=lambda r: -r.revenue)
    lose = sorted((r for r in results if r.revenue < 0), key=lambda r: r.revenue)
    sentences = []
    if gain:
        sentences.append(_("Gaining: %(actors)s.") % {"actors": "; ".join(_actor(r) for r in gain)})
    if lose:
        sentences.append(_("Losing: %(actors)s.") % {"actors": "; ".join(_actor(r) for r in lose)})
    state = report.result.perspectives[Perspective.STATE]
    sentences.append(
        _("For the state as a whole the revenue is %(revenue)s per year.")
        % {"revenue": money(state.revenue)}
    )
    return " ".join(sentences)


def _actor(r: PerspectiveResult) -> str:
    params = {
        "actor": PERSPECTIVE_LABELS[r.perspective],
        "revenue": money(r.revenue),
        "months": months(r.payback_months) if r.payback_months is not None else "",
    }
    if r.cost <= 0:
        return _("%(actor)s %(revenue)s per year") % params
    if r.payback_months is None and r.revenue > 0:
        # gains, but too little to recover its cost share within the search horizon
        return _("%(actor)s %(revenue)s per year, does not pay back within %(years)s") % {
            **params,
            "years": years(PAYBACK_SEARCH_YEARS),
        }
    if r.payback_months is None:
        return _("%(actor)s %(revenue)s per year, no payback time") % params
    return _("%(actor)s %(revenue)s per year, payback time %(months)s") % params


def _potential(report: EconomicsReport) -> str:
    share = report.result.utilised_share
    if share is None:
        return ""
    potential = report.result.potential
    return _(
        "Had every participant worked full time at an average wage, without subsidy or "
        "support, the revenue for society would be %(potential)s per year, %(per_participant)s "
        "per participant. The insats has used %(share)s of this potential."
    ) % {
        "potential": money(potential),
        "per_participant": money(potential / report.result.participants),
        "share": percent(share),
    }


def _uncertainty(report: EconomicsReport) -> str:
    sim = report.simulation
    if sim is None:
        return ""
    chance = _("The chance that society gains within %(years)s is %(chance)s.") % {
        "years": years(report.result.horizon_years),
        "chance": percent(sim.chance_profitable),
    }
    if report.result.society.cost <= 0:
        return chance  # nothing to pay back: no payback band to speak of
    band = sim.payback_months[Perspective.SOCIETY]
    if band.low80 is not None and band.high80 is not None:
        payback = _(
            "In 80 %% of %(draws)s simulations over the uncertain inputs, the payback time "
            "for society lies between %(low)s and %(high)s."
        ) % {"draws": people(sim.draws), "low": months(band.low80), "high": months(band.high80)}
    elif band.low80 is not None:
        payback = _(
            "In 80 %% of %(draws)s simulations over the uncertain inputs, the payback time "
            "for society is at least %(low)s; in at least one in ten it never pays back."
        ) % {"draws": people(sim.draws), "low": months(band.low80)}
    else:
        payback = _(
            "In at least 90 %% of %(draws)s simulations over the uncertain inputs, the "
            "insats never pays back for society."
        ) % {"draws": people(sim.draws)}
    return f"{payback} {chance}"


def _switching(report: EconomicsReport) -> str:
    target, needed = report.switching_target, report.switching_needed
    if needed is None:
        return ""
    return _(
        "To pay back within %(months)s, the revenue for society would have to be "
        "%(needed)s per participant and year, against %(current)s today."
    ) % {
        "months": months(target),
        "needed": money(needed),
        "current": money(report.result.society.revenue_per_participant),
    }
