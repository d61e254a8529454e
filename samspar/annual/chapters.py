"""The chapters of a team's annual report, in the order of seed 002.

Each chapter holds the team's own *Beskrivning* and *Reflektion* texts, and where the
seed has one an *Analys* between them (chapter 6); some also hold statistics, named here
by the report of samspar.reports.catalogue and the table of it that fills them, with the
population and the period the seed reports them for.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from samspar.reports.populations import AgeOn, Population
from samspar.reports.tables import Text


class Period(StrEnum):
    YEAR = "year"  # the report year
    # The report year and the two before: seed 002's rolling throughput windows
    # 1907-2006 … 2201-2212 are those that end in these three years.
    HISTORY = "history"
    SINCE_START = "since_start"  # from the insats's start (seed 002's appendix 2)


@dataclass(frozen=True)
class Figure:
    """One table of the report catalogue, as a chapter shows it."""

    report: str  # key in samspar.reports.catalogue.REPORTS
    table: str  # Table.key within that report
    population: Population | None = None  # for background figures; None = the report's own
    period: Period = Period.YEAR
    age_on: AgeOn | None = None  # for the age: None = at start

    @property
    def key(self) -> tuple[str, Period, Population | None, AgeOn | None]:
        """The report this figure's table is in: one per report, period and options."""
        return (self.report, self.period, self.population, self.age_on)


@dataclass(frozen=True)
class Chapter:
    code: str
    title: Text
    figures: tuple[Figure, ...] = ()
    # The chapter has an *Analys* text between Beskrivning and Reflektion (seed 002's
    # chapter 6: "En viktig framgångsfaktor för teamets arbete …").
    analysis: bool = False


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("summary", _("Summary")),
    Chapter(
        "participants-conditions",
        _("1. Participants — the conditions of the insats"),
        (
            Figure("deltagare", "counts"),
            # "Medelåldern … 33 år, den yngste 20 år … 12 personer under 30 år": the present
            # age of the active at year end.
            Figure("alder", "age", Population.ACTIVE_END, age_on=AgeOn.END),
            # "Handläggare och försörjningsgrund deltagare inskrivna under perioden": the new.
            Figure("remittenter", "referrers_by_supply", Population.NEW),
        ),
    ),
    Chapter("participants-process", _("2. Participants — implementation and process")),
    Chapter(
        "participants-results",
        _("3. Participants — results and effects"),
        (
            Figure("resultat", "results"),
            # "Arbete: 4 kvinnor, 4 män; … 3 kvinnor och 4 män avslutades pga behov av
            # medicinsk rehab": why the ended ended, by gender.
            Figure("avslutsanledningar", "end_reasons"),
            Figure("genomstromning", "throughput"),
            Figure("genomstromning", "throughput_rolling", period=Period.HISTORY),
            # "AVSLUTADE: 21 personer … Tid i bidragsberoende … Snittålder": the ended.
            Figure("forsorjningstid", "public_support", Population.ENDED_KEPT),
            Figure("alder", "age", Population.ENDED_KEPT),
        ),
    ),
    Chapter(
        "staff-conditions",
        _("4. Staff — the conditions of the insats"),
        (
            # "Vid 2022 års slut består teamet av följande personer": name, role, FTE.
            Figure("personal-vantelista", "staff_list"),
            Figure("personal-vantelista", "staff"),
            Figure("personal-vantelista", "waiting"),
        ),
    ),
    Chapter("staff-methods", _("5. Staff — ways of working and methods")),
    Chapter("staff-results", _("6. Staff — results and effects"), analysis=True),
    Chapter("organisation-conditions", _("7. Organisation — conditions")),
    Chapter("organisation-process", _("8. Organisation — implementation and process")),
    Chapter(
        "organisation-results",
        _("9. Organisation — results and effects"),
        (Figure("budget", "budget"),),
    ),
    Chapter("appendix-activities", _("Appendix 1. Activities")),
    Chapter(
        "appendix-since-start",
        _("Appendix 2. Results since the start"),
        (
            Figure("deltagare", "counts", period=Period.SINCE_START),
            Figure("resultat", "results", period=Period.SINCE_START),
            Figure("genomstromning", "throughput", period=Period.SINCE_START),
            Figure(
                "forsorjningstid",
                "public_support",
                Population.ENDED_KEPT,
                period=Period.SINCE_START,
            ),
        ),
    ),
)

CHAPTER_CHOICES = [(c.code, c.title) for c in CHAPTERS]
BY_CODE = {c.code: c for c in CHAPTERS}
