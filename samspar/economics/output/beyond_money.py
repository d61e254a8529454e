"""What the money does not say, as tables beside the fiscal ones (issue 13, item 6): the
groups' wellbeing in WELLBYs and each group's participant's change in disposable
income. Type cases only (``selectors._beyond_money``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samspar.economics.output import numbers
from samspar.economics.report import EconomicsReport
from samspar.reports.tables import Column, Kind, Table, Text, Value


def wellbeing_table(report: EconomicsReport) -> Table | None:
    found = report.wellbeing
    if found is None:
        return None
    value = found.value_per_wellby
    rows: list[list[Value]] = [
        [
            g.name,
            g.count,
            g.change,
            g.count * g.change,
            None if value is None else g.count * g.change * value,
        ]
        for g in found.groups
    ]
    rows.append(
        [
            _("Total, after deadweight and attribution"),
            None,
            None,
            found.wellbys_per_year,
            found.value_per_year,
        ]
    )
    rows.append(
        [
            numbers.lazy_format(
                _("Over the horizon (%(years)s years, with drop-off and discounting)"),
                {"years": report.result.horizon_years},
            ),
            None,
            None,
            found.wellbys_horizon,
            found.value_horizon,
        ]
    )
    note: Text
    if value is not None:
        note = numbers.lazy_format(
            _(
                "Shown beside the fiscal results and never added to them. One WELLBY is "
                "one point of life satisfaction (0–10) for one person for one year, valued "
                "at %(value)s SEK (%(source)s)."
            ),
            {"value": numbers.amount(value), "source": found.source or _("no source given")},
        )
    else:
        note = _(
            "Shown beside the fiscal results and never added to them. One WELLBY is one "
            "point of life satisfaction (0–10) for one person for one year; no value in "
            "kronor is given, so the WELLBYs are counted, not valued."
        )
    return Table(
        "wellbeing",
        _("Wellbeing (WELLBY), apart from the money"),
        [
            Column("group", _("Group"), Kind.LABEL),
            Column("count", _("Participants"), Kind.NUMBER),
            Column("change", _("Change in life satisfaction per participant"), Kind.NUMBER),
            Column("wellbys", _("WELLBY per year"), Kind.NUMBER),
            Column("value", _("Value per year (SEK)"), Kind.AMOUNT),
        ],
        rows,
        note=note,
        sheet=_("Wellbeing"),
    )


def income_table(report: EconomicsReport) -> Table | None:
    if not report.income:
        return None
    return Table(
        "income",
        _("The participant's disposable income per group"),
        [
            Column("group", _("Group"), Kind.LABEL),
            Column("benefits", _("Benefits"), Kind.AMOUNT),
            Column("wage", _("Wage"), Kind.AMOUNT),
            Column("tax", _("Taxes and fees, less reductions"), Kind.AMOUNT),
            Column("total", _("Change in disposable income per year"), Kind.AMOUNT),
        ],
        [[g.name, g.benefits, g.wage, g.tax, g.total] for g in report.income],
        note=_(
            "Per participant of each group and year, after less before, with the "
            "evaluation's adjustments. Benefits lost are a loss to the participant; a wage "
            "gained is taxed. A negative total: the participant's income falls, as when "
            "work replaces higher benefits or benefits end without work."
        ),
        sheet=_("Income per group"),
    )
