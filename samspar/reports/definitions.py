"""The definitions of a report's figures, for its help page: the sections of
docs/definitions.md — the one source of the definitions — that the report answers (its
DOMAIN.md §4 numbers, "#1" …, and any section it names), and those every report shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from markdown_it import MarkdownIt

from samspar.reports.catalogue import ReportSpec

# Sections every report's help ends with.
SHARED = ("Report period", "Populations", "Unknown values", "Small counts", "Perturbed counts")
_HEADING = re.compile(r"^## (?P<title>.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Section:
    title: str
    html: str


def source() -> Path:
    return Path(settings.SAMSPAR_DEFINITIONS)


@cache
def _sections(path: Path) -> dict[str, str]:
    """Title → markdown of each "## " section of the file."""
    text = path.read_text(encoding="utf-8")
    found = list(_HEADING.finditer(text))
    ends = [m.start() for m in found[1:]] + [len(text)]
    return {m["title"]: text[m.end() : end].strip() for m, end in zip(found, ends, strict=True)}


def _render(markdown: str) -> str:
    # The file is the project's own, but its HTML is not trusted: none passes through.
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)


def wanted(spec: ReportSpec) -> list[str]:
    """The title prefixes of the report's own sections, then the shared ones."""
    numbers = [f"#{n.strip()} " for n in spec.figures.split(",") if n.strip()]
    return [*numbers, *spec.definitions, *SHARED]


def for_report(spec: ReportSpec) -> list[Section]:
    """The report's sections, in the order ``wanted`` gives; a prefix without a section
    gives nothing (the test of every report says there is one)."""
    sections = _sections(source())
    result = []
    for prefix in wanted(spec):
        title = next((t for t in sections if t.startswith(prefix)), None)
        if title is not None:
            result.append(Section(title, _render(sections[title])))
    return result
