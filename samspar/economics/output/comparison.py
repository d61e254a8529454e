"""The comparison of a förbund's evaluations (``economics.comparison``) as one
``reports.tables.Table``, and that table as Excel, CSV and JSON through the report
exports' cell rules (numbers stay numbers, formula-like text stays text). Renderers
only format: every figure is the row's."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from samspar.economics.comparison import ComparisonRow
from samspar.economics.output import numbers
from samspar.economics.output.labels import METHOD_LABELS
from samspar.economics.output.tables import NO_PAYBACK
from samspar.economics.output.xlsx import write_table
from samspar.organisation.models import Forbund
from samspar.reports.exports import CONTENT_TYPES, Exported
from samspar.reports.exports.common import csv_safe
from samspar.reports.exports.csv import write_table as write_csv_table
from samspar.reports.exports.json import table_dict
from samspar.reports.exports.xlsx import set_value, unique_sheet_name
from samspar.reports.tables import Column, Kind, Table, Value

FORMATS = ("xlsx", "csv", "json")


def comparison_table(rows: Sequence[ComparisonRow], forbund: Forbund) -> Table:
    """One row per evaluation; empty cells where a figure does not apply."""
    columns = [
        Column("evaluation", gettext_lazy("Evaluation"), Kind.LABEL),
        Column("method", gettext_lazy("Method"), Kind.LABEL),
        Column("period", gettext_lazy("Period"), Kind.LABEL),
        Column("price_year", gettext_lazy("Price year"), Kind.LABEL),
        Column("participants", gettext_lazy("Participants"), Kind.TALLY),
        Column("cost_per_participant", gettext_lazy("Cost per participant"), Kind.AMOUNT),
        Column("reached", gettext_lazy("Participants reaching work or studies"), Kind.NUMBER),
        Column(
            "reached_share",
            numbers.lazy_format(gettext_lazy("Share reaching work or studies (%%)"), {}),
            Kind.PERCENT,
        ),
        Column(
            "cost_per_reached",
            gettext_lazy("Cost per participant reaching work or studies"),
            Kind.AMOUNT,
        ),
        Column(
            "revenue_per_participant",
            gettext_lazy("Revenue for society per participant and year"),
            Kind.AMOUNT,
        ),
        Column("payback_months", gettext_lazy("Payback time for society (months)"), Kind.NUMBER),
        Column("horizon_years", gettext_lazy("Horizon (years)"), Kind.TALLY),
        Column(
            "profit_horizon",
            gettext_lazy("Profitability for society after the horizon"),
            Kind.AMOUNT,
        ),
        Column(
            "chance_profitable",
            numbers.lazy_format(gettext_lazy("Chance of profit after the horizon (%%)"), {}),
            Kind.PERCENT,
        ),
        Column("remark", gettext_lazy("Remark"), Kind.LABEL),
    ]
    return Table(
        "comparison",
        numbers.lazy_format(
            gettext_lazy("Comparison of evaluations – %(forbund)s"), {"forbund": forbund.name}
        ),
        columns,
        [_values(r) for r in rows],
        note=gettext_lazy(
            "Kronor, for society as a whole, each figure as the evaluation's own page shows "
            "it. The cost is the insats's cost raised by the indirect-tax factor. Reaching "
            "work or studies: the participants of the type-case groups whose year after "
            "has work or student finance; not shown for registered individuals, whose "
            "groups are never shown. Profitability and the chance of profit are after each "
            "evaluation's own horizon; the chance needs a Monte Carlo simulation."
        ),
        sheet=gettext_lazy("Comparison"),
    )


def _values(r: ComparisonRow) -> list[Value]:
    method = METHOD_LABELS.get(r.method, r.method)
    if not r.shown:
        remark = _("Cannot be shown: %(problems)s") % {"problems": " ".join(r.problems)}
        return [r.name, method, r.period, str(r.price_year), *[None] * 10, remark]
    remark = ""
    if r.reached is None:
        remark = _("Work or studies are not counted for registered individuals.")
    payback: Value = NO_PAYBACK if r.payback_months is None else r.payback_months
    chance = None if r.chance_profitable is None else 100 * r.chance_profitable
    return [
        r.name,
        method,
        r.period,
        str(r.price_year),
        r.participants,
        r.cost_per_participant,
        r.reached,
        r.reached_share,
        r.cost_per_reached,
        r.revenue_per_participant,
        payback,
        r.horizon_years,
        r.profit_horizon,
        chance,
        remark,
    ]


def export(table: Table, forbund: Forbund, fmt: str) -> Exported:
    """``table`` (``comparison_table``) as a file in ``fmt`` (one of FORMATS)."""
    renderers = {"xlsx": _xlsx, "csv": _csv, "json": _json}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    return Exported(renderers[fmt](table, forbund), CONTENT_TYPES[fmt], filename(forbund, fmt))


def filename(forbund: Forbund, ext: str) -> str:
    name = slugify(forbund.name) or "forbund"
    return f"samspar-samhallsekonomi-jamforelse-{name}-{timezone.localdate().isoformat()}.{ext}"


def _generated() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")


def _header(forbund: Forbund) -> list[tuple[str, str]]:
    return [
        (_("Samordningsförbund"), forbund.name),
        (_("Generated"), _generated()),
    ]


def _xlsx(table: Table, forbund: Forbund) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = unique_sheet_name(str(table.sheet), set())
    write_table(sheet, forbund.name, table, {})
    row = sheet.max_row + 2
    set_value(sheet.cell(row, 1), _("Generated"))
    set_value(sheet.cell(row, 2), _generated())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(table: Table, forbund: Forbund) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for label, value in _header(forbund):
        writer.writerow([csv_safe(label), csv_safe(value)])
    writer.writerow([])
    write_csv_table(writer, table)
    return ("\ufeff" + out.getvalue()).encode()


def _json(table: Table, forbund: Forbund) -> bytes:
    data = {
        "forbund": {"id": forbund.pk, "name": forbund.name},
        "generated": timezone.localtime().isoformat(timespec="seconds"),
        **table_dict(table),
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
