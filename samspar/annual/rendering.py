"""The annual report's chapters as every output shows them: their tables formatted by
``reports.presentation`` (as the report pages and exports are), so the preview, the PDF
and the Word document print the same numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from samspar.annual.chapters import Figure
from samspar.annual.compose import AnnualReport, ChapterContent
from samspar.reports.exports import common
from samspar.reports.presentation import TableView, table_view

# The PDF and the .docx print a table in smaller type above this many columns.
WIDE_ABOVE = 7


@dataclass(frozen=True)
class ChapterView:
    content: ChapterContent
    tables: list[TableView]

    @property
    def code(self) -> str:
        return self.content.chapter.code

    @property
    def title(self) -> str:
        return str(self.content.chapter.title)


def chapter_views(report: AnnualReport) -> list[ChapterView]:
    return [
        ChapterView(c, [table_view(t, wide_above=WIDE_ABOVE) for t in c.tables])
        for c in report.chapters
    ]


def small_counts_note(report: AnnualReport) -> str:
    """What the outputs say about hidden counts, with the threshold; empty when exact.
    An output for publication says so first."""
    note = common.small_counts_note(report.scope)
    return f"{_('For publication.')} {note}" if note and report.scope.published else note


def missing_label(figure: Figure) -> str:
    """What a chapter cannot show, for the notice in its place."""
    return _("Table “%(table)s” of report “%(report)s” is not available.") % {
        "table": figure.table,
        "report": figure.report,
    }


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs: blank lines separate them, single line breaks stay inside."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
