"""The chapters of a team's annual report, in the order of seed 002.

Each chapter holds the team's own *Beskrivning* and *Reflektion* texts; some also hold
statistics, named here by the key of the report table that fills them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from samspar.reports.tables import Text


@dataclass(frozen=True)
class Chapter:
    code: str
    title: Text
    # (report key in samspar.reports.catalogue, table key) pairs shown in the chapter.
    tables: tuple[tuple[str, str], ...] = ()
    since_start: bool = False  # figures over the insats's whole life, not the year


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("summary", _("Summary")),
    Chapter(
        "participants-conditions",
        _("1. Participants — the conditions of the insats"),
        (("deltagare", "counts"), ("alder", "age"), ("remittenter", "referrer_supply")),
    ),
    Chapter("participants-process", _("2. Participants — implementation and process")),
    Chapter(
        "participants-results",
        _("3. Participants — results and effects"),
        (
            ("resultat", "results"),
            ("genomstromning", "throughput"),
            ("genomstromning", "throughput_rolling"),
            ("forsorjningstid", "public_support"),
        ),
    ),
    Chapter(
        "staff-conditions",
        _("4. Staff — the conditions of the insats"),
        (("personal-vantelista", "staff"), ("personal-vantelista", "waiting")),
    ),
    Chapter("staff-methods", _("5. Staff — ways of working and methods")),
    Chapter("staff-results", _("6. Staff — results and effects")),
    Chapter("organisation-conditions", _("7. Organisation — conditions")),
    Chapter("organisation-process", _("8. Organisation — implementation and process")),
    Chapter(
        "organisation-results",
        _("9. Organisation — results and effects"),
        (("budget", "budget"),),
    ),
    Chapter("appendix-activities", _("Appendix 1. Activities")),
    Chapter(
        "appendix-since-start",
        _("Appendix 2. Results since the start"),
        (("resultat", "results"), ("genomstromning", "throughput")),
        since_start=True,
    ),
)

CHAPTER_CHOICES = [(c.code, c.title) for c in CHAPTERS]
BY_CODE = {c.code: c for c in CHAPTERS}
