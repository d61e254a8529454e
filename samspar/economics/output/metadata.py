"""The facts printed above an evaluation in every file, and the file's name."""

from __future__ import annotations

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samspar.economics.output.labels import METHOD_LABELS
from samspar.economics.report import EconomicsReport


def metadata_lines(report: EconomicsReport) -> list[tuple[str, str]]:
    """(label, value) pairs in print order; an empty period (type cases) left out."""
    lines = [
        (_("Evaluation"), report.title),
        (_("Organisation"), report.organisation),
        (_("Method"), str(METHOD_LABELS.get(report.method, report.method))),
        (_("Period"), report.period),
        (
            _("Computed from the registry as of"),
            timezone.localtime(report.registry_as_of).strftime("%Y-%m-%d %H:%M")
            if report.registry_as_of
            else "",
        ),
        (_("Standard values"), report.value_set),
        (_("Price year"), str(report.price_year)),
        (_("Created"), report.created.isoformat()),
    ]
    return [(label, value) for label, value in lines if value]


def filename(report: EconomicsReport, ext: str) -> str:
    name = slugify(report.title) or "evaluation"
    return f"samspar-samhallsekonomi-{name}-{report.created.isoformat()}.{ext}"
