"""The JSON shape of a report: also what the HTTP API returns."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from samspar.reports.exports.common import header, plain
from samspar.reports.scope import ReportScope
from samspar.reports.tables import Report, Table


def report_dict(report: Report, scope: ReportScope) -> dict[str, Any]:
    """The report with its scope; hidden cells are null and listed per table under
    "suppressed" as [row index, column key], so null never silently means zero."""
    head = header(report, scope)
    return {
        "report": report.key,
        "title": head.title,
        "description": head.description,
        "period": {"from": scope.date_from.isoformat(), "to": scope.date_to.isoformat()},
        "organisation": {
            "level": str(scope.level),
            "id": scope.object_id,
            "label": head.organisation,
        },
        "gender": scope.gender or None,
        "generated": timezone.localtime().isoformat(timespec="seconds"),
        "suppression": {
            "applied": head.suppressed,
            "published": head.published,
            "threshold": head.threshold if head.suppressed else None,
            "note": head.suppression_note,
        },
        "tables": [table_dict(table) for table in report.tables],
    }


def table_dict(table: Table) -> dict[str, Any]:
    keys = [c.key for c in table.columns]
    return {
        "key": table.key,
        "title": str(table.title),
        "note": str(table.note),
        "columns": [
            {"key": c.key, "label": str(c.label), "kind": c.kind.value} for c in table.columns
        ],
        "rows": [
            {
                k: None if (r, k) in table.suppressed else plain(v)
                for k, v in zip(keys, row, strict=True)
            }
            for r, row in enumerate(table.rows)
        ],
        "total_row": table.total_row,
        "suppressed": sorted(
            ([r, k] for r, k in table.suppressed), key=lambda c: (c[0], keys.index(c[1]))
        ),
    }


def render(report: Report, scope: ReportScope) -> bytes:
    data = report_dict(report, scope)
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
