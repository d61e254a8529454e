"""Reading the PDFs back: their text per page (pypdf, from the bytes a user downloads)
and where WeasyPrint laid their text out (to find text beyond the page's edge)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from weasyprint import Document
from weasyprint.formatting_structure.boxes import TextBox

# Half a CSS pixel: rounding in the layout, not an overflow.
TOLERANCE = 0.5


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text as pypdf extracts it, with no-break spaces (the thousands
    separator) as plain spaces."""
    return [
        page.extract_text()
        .replace("\N{NO-BREAK SPACE}", " ")
        .replace("\N{NARROW NO-BREAK SPACE}", " ")
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


def text_beyond_the_margin(document: Document) -> list[tuple[int, str, float]]:
    """(page number, text, how far past the right margin) of every piece of text that
    ends right of the page's content area: a table too wide for the page."""
    found = []
    for number, page in enumerate(document.pages, start=1):
        box = page._page_box
        right = box.content_box_x() + box.width
        for child in box.descendants():
            if isinstance(child, TextBox):
                end = child.position_x + child.width
                if end > right + TOLERANCE:
                    found.append((number, child.text, round(end - right, 1)))
    return found
