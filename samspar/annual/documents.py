"""The annual report as files the team hands on: a PDF to publish and a Word document
(.docx) to edit further. Both print the same formatted cells as the preview page."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from weasyprint import HTML

from samspar.annual.compose import AnnualReport
from samspar.annual.rendering import chapter_views, missing_label, paragraphs, small_counts_note
from samspar.reports.presentation import TableView

PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def filename(report: AnnualReport, ext: str) -> str:
    return f"arsrapport-{slugify(report.insats.name)}-{report.year}.{ext}"


def document_context(report: AnnualReport) -> dict[str, object]:
    """What the PDF template (and the title page of the .docx) shows."""
    return {
        "report": report,
        "insats": report.insats,
        "year": report.year,
        "chapters": chapter_views(report),
        "generated": timezone.localdate(),
        "suppression_note": small_counts_note(report),
    }


def render_pdf(report: AnnualReport) -> bytes:
    html = render_to_string("annual/report_pdf.html", document_context(report))
    return bytes(HTML(string=html).write_pdf())


# --- Word ------------------------------------------------------------------------------


def render_docx(report: AnnualReport) -> bytes:
    """Headings per chapter, the texts as paragraphs, the tables as real Word tables and
    the charts as pictures, so the team can go on editing in Word or LibreOffice."""
    context = document_context(report)
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    _page_number_footer(section.footer.paragraphs[0])

    doc.add_heading(_("Annual report %(year)s") % {"year": report.year}, level=0)
    team = report.insats.team
    doc.add_paragraph(report.insats.name).runs[0].font.size = Pt(16)
    if team is not None:
        doc.add_paragraph(f"{_('Team')}: {team}")
    doc.add_paragraph(f"{_('Samordningsförbund')}: {report.insats.forbund}")
    doc.add_paragraph(
        _("Period %(start)s – %(end)s")
        % {"start": report.scope.date_from.isoformat(), "end": report.scope.date_to.isoformat()}
    )
    if context["suppression_note"]:
        doc.add_paragraph(str(context["suppression_note"]))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    for chapter in chapter_views(report):
        doc.add_heading(chapter.title, level=1)
        if chapter.code == "summary":
            for sentence in report.key_figures:
                doc.add_paragraph(sentence, style="List Bullet")
        _texts(doc, _("Description"), chapter.content.description)
        for view in chapter.tables:
            _table(doc, view)
        for figure in chapter.content.missing:
            doc.add_paragraph(missing_label(figure))
        _texts(doc, _("Reflection"), chapter.content.reflection)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _texts(doc: DocxDocument, heading: str, text: str) -> None:
    if not text:
        return
    doc.add_heading(heading, level=2)
    for paragraph in paragraphs(text):
        doc.add_paragraph(paragraph)


def _table(doc: DocxDocument, view: TableView) -> None:
    doc.add_heading(view.title, level=3)
    table = doc.add_table(rows=1 + len(view.rows), cols=len(view.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, cells in enumerate([view.headers, *(row.cells for row in view.rows)]):
        bold = r == 0 or view.rows[r - 1].total
        for c, cell in enumerate(cells):
            paragraph = table.cell(r, c).paragraphs[0]
            run = paragraph.add_run(cell.text)
            run.font.size = Pt(8 if view.wide else 9)
            run.bold = bold
            if cell.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    png = view.png()
    if png is not None:
        doc.add_picture(io.BytesIO(png), width=Cm(15))
    if view.note:
        doc.add_paragraph(view.note).runs[0].italic = True


def _page_number_footer(paragraph: Paragraph) -> None:
    """A centred PAGE field: Word fills in the page number."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is None:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
