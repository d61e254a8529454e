"""The annual report of one generated insats as a PDF, timed in two steps: composing it
(every chapter's tables, as ``build_annual_report`` builds them for the page) and laying
it out with WeasyPrint (``render_pdf``). Runs inside the benchmark's rolled-back
transaction (``runner``)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from samspar.annual.compose import build_annual_report
from samspar.annual.documents import pdf_document
from samspar.organisation.models import Insats
from samspar.reports.scope import Operator


@dataclass(frozen=True)
class Timing:
    compose_ms: float
    render_ms: float
    pages: int
    pdf_bytes: int

    @property
    def ms(self) -> float:
        return self.compose_ms + self.render_ms


def run(insats: Insats, year: int) -> Timing:
    """The insats's annual report of ``year`` with exact counts (the operator's view)."""
    began = time.perf_counter()
    report = build_annual_report(Operator(exact=True), insats, year)
    composed = time.perf_counter()
    document = pdf_document(report)
    pdf = document.write_pdf()
    rendered = time.perf_counter()
    return Timing(
        compose_ms=(composed - began) * 1000,
        render_ms=(rendered - composed) * 1000,
        pages=len(document.pages),
        pdf_bytes=len(pdf or b""),
    )
