"""Put together a team's annual report: its texts plus the statistics, chapter by chapter.

The statistics come from the report catalogue (the same definitions, and the same
small-count suppression, as every other page and export); nothing is stored, so a
regenerated report always shows today's data. Its tables are suppressed together, as
one publication: a count hidden in one chapter is hidden in every other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from samspar.annual.chapters import CHAPTERS, Chapter, Figure, Period
from samspar.annual.models import ChapterText
from samspar.organisation.models import Insats
from samspar.reports.catalogue import REPORTS
from samspar.reports.exports.common import rounded
from samspar.reports.perturbation import perturb
from samspar.reports.populations import AgeOn, Population
from samspar.reports.scope import Level, Operator, ReportScope
from samspar.reports.suppression import Built, suppress, threshold
from samspar.reports.tables import Report, Table, Value

# The rolling throughput history covers the report year and this many years before it.
HISTORY_YEARS_BEFORE = 2


@dataclass
class ChapterContent:
    chapter: Chapter
    text: ChapterText | None = None
    tables: list[Table] = field(default_factory=list)
    # Figures the chapter names but the catalogue cannot give: shown as such rather than
    # left out, so a configuration slip never passes for a chapter without statistics.
    missing: list[Figure] = field(default_factory=list)

    @property
    def description(self) -> str:
        return self.text.description if self.text else ""

    @property
    def analysis(self) -> str:
        return self.text.analysis if self.text else ""

    @property
    def reflection(self) -> str:
        return self.text.reflection if self.text else ""


@dataclass
class AnnualReport:
    insats: Insats
    year: int
    scope: ReportScope
    chapters: list[ChapterContent]
    key_figures: list[str]  # generated sentences for the summary
    exact: bool  # exact counts (the insats's registrators), else small counts suppressed

    @property
    def missing(self) -> list[Figure]:
        return [f for c in self.chapters for f in c.missing]


def year_scope(
    user: AbstractBaseUser | Operator, insats: Insats, year: int, *, published: bool = False
) -> ReportScope:
    return ReportScope(
        dt.date(year, 1, 1),
        dt.date(year, 12, 31),
        user=user,
        level=Level.INSATS,
        object_id=insats.pk,
        published=published,
    )


def _period_scope(scope: ReportScope, insats: Insats, period: Period) -> ReportScope:
    if period == Period.HISTORY:
        start = scope.date_from.replace(year=scope.date_from.year - HISTORY_YEARS_BEFORE)
        return dataclasses.replace(scope, date_from=max(start, insats.start_date))
    if period == Period.SINCE_START:
        return dataclasses.replace(scope, date_from=min(insats.start_date, scope.date_from))
    return scope


# The tables the summary's sentences read (_key_figures).
KEY_FIGURES = {
    "counts": Figure("deltagare", "counts"),
    "results": Figure("resultat", "results"),
    "throughput": Figure("genomstromning", "throughput"),
    "support": Figure("forsorjningstid", "public_support", Population.ENDED_KEPT),
    "age": Figure("alder", "age", Population.ACTIVE_END, age_on=AgeOn.END),
    "waiting": Figure("personal-vantelista", "waiting"),
}


class _Tables:
    """Builds each (report, period, population, age day) of ``figures`` once, suppresses
    them all together and perturbs their counts unless the reader sees exact counts, and
    hands out their tables."""

    def __init__(self, insats: Insats, scope: ReportScope, figures: list[Figure]) -> None:
        self.reports: dict[tuple[str, Period, Population | None, AgeOn | None], Report] = {}
        built = []
        exact = scope.sees_exact_counts()
        if not exact:
            scope = scope.for_any_reader()
        for figure in figures:
            spec = REPORTS.get(figure.report)
            key = figure.key
            if spec is None or key in self.reports:
                continue
            figure_scope = _period_scope(scope, insats, figure.period)
            if figure.population is not None:
                population = figure.population.value
                figure_scope = dataclasses.replace(figure_scope, population=population)
            if figure.age_on is not None:
                figure_scope = dataclasses.replace(figure_scope, age_on=figure.age_on.value)
            self.reports[key] = spec.compute(figure_scope)
            built.append(Built(self.reports[key], figure_scope))
        if not exact:
            suppress(built)
            limit = max((threshold(b.scope) for b in built), default=threshold(scope))
            perturb((t for report in self.reports.values() for t in report.tables), limit)

    def get(self, figure: Figure) -> Table | None:
        """The figure's table; None if the catalogue has no such report or table."""
        report = self.reports.get(figure.key)
        if report is None:
            return None
        return next((t for t in report.tables if t.key == figure.table), None)


def build_annual_report(
    user: AbstractBaseUser | Operator, insats: Insats, year: int, *, published: bool = False
) -> AnnualReport:
    """The report as ``user`` may see it: exact counts for the insats's registrators,
    small counts suppressed for everyone else (ReportScope.sees_exact_counts)."""
    scope = year_scope(user, insats, year, published=published)
    figures = [f for chapter in CHAPTERS for f in chapter.figures]
    tables = _Tables(insats, scope, [*figures, *KEY_FIGURES.values()])
    texts = {
        t.chapter: t
        for t in ChapterText.objects.filter(insats=insats, year=year).select_related("updated_by")
    }
    chapters = []
    for chapter in CHAPTERS:
        content = ChapterContent(chapter, texts.get(chapter.code))
        for figure in chapter.figures:
            table = tables.get(figure)
            if table is None:
                content.missing.append(figure)
            else:
                content.tables.append(table)
        chapters.append(content)
    return AnnualReport(
        insats, year, scope, chapters, _key_figures(tables), scope.sees_exact_counts()
    )


def _number(value: float, places: int) -> str:
    """A number in a sentence, rounded as the tables round it."""
    return number_format(rounded(value, places), places)


def _total(table: Table | None, key: str) -> Value:
    if table is None or table.total_row is None:
        return None
    return table.value(table.total_row, key)


def _key_figures(tables: _Tables) -> list[str]:
    """The summary's sentences with the year's numbers (seed 002's "Sammanfattning"); a
    missing or suppressed number drops its sentence rather than printing a hole, but
    the results and the throughput time keep theirs, saying what is shown."""
    counts, results, throughput, support, age, waiting = (
        tables.get(figure) for figure in KEY_FIGURES.values()
    )
    sentences = []
    worked, new, active = (_total(counts, k) for k in ("worked_with", "new", "active_end"))
    if worked is not None and new is not None:
        sentences.append(
            _("The team worked with %(worked)s participants, %(new)s of them new this year.")
            % {"worked": worked, "new": new}
        )
    if active is not None:
        sentences.append(_("%(active)s were enrolled at the end of the year.") % {"active": active})
    mean_age = _total(age, "mean_age")
    if isinstance(mean_age, int | float):
        sentences.append(_("Their mean age was %(age)s years.") % {"age": _number(mean_age, 0)})
    if results is not None:
        sentences.append(_results_sentence(results))
    through = None if throughput is None else _throughput_sentence(throughput)
    if through is not None:
        sentences.append(through)
    years = _total(support, "mean_years")
    if isinstance(years, int | float):
        sentences.append(
            _("Before the insats they had been in public support for %(years)s years on average.")
            % {"years": _number(years, 1)}
        )
    queue = _total(waiting, "waiting")
    if queue:  # no count, or nobody waiting: nothing worth a sentence
        sentences.append(
            _("At the end of the year %(waiting)s were waiting to be enrolled.")
            % {"waiting": queue}
        )
    return sentences


def _hidden(table: Table, key: str) -> bool:
    return (table.total_row, key) in table.suppressed


def _results_sentence(results: Table) -> str:
    """How many ended and how many of them went towards the goal, with what is shown:
    those who ended without the early dropouts, else all who ended."""
    kept, ended, to_goal, share = (
        _total(results, k) for k in ("ended_kept", "ended", "to_goal", "goal_percent")
    )
    goal_shown = not _hidden(results, "to_goal")
    if not _hidden(results, "ended_kept"):
        if not kept:
            return _("No one ended (early dropouts not counted).")
        if not goal_shown:
            return _(
                "%(kept)s ended (early dropouts not counted); how many of them went to work, "
                "studies or other work-oriented rehabilitation is not shown."
            ) % {"kept": kept}
        if not isinstance(share, int | float):
            return _(
                "%(kept)s ended (early dropouts not counted); %(goal)s of them went to work, "
                "studies or other work-oriented rehabilitation."
            ) % {"kept": kept, "goal": to_goal}
        return _(
            "%(kept)s ended (early dropouts not counted); %(goal)s of them (%(share)s %%) "
            "went to work, studies or other work-oriented rehabilitation."
        ) % {"kept": kept, "goal": to_goal, "share": _number(share, 0)}
    if not _hidden(results, "ended"):
        if not goal_shown:
            return _(
                "%(ended)s ended; how many of them went to work, studies or other "
                "work-oriented rehabilitation is not shown."
            ) % {"ended": ended}
        return _(
            "%(ended)s ended; %(goal)s of them went to work, studies or other "
            "work-oriented rehabilitation."
        ) % {"ended": ended, "goal": to_goal}
    if goal_shown:
        return _(
            "%(goal)s of those who ended went to work, studies or other work-oriented "
            "rehabilitation."
        ) % {"goal": to_goal}
    return _("How many ended, and where they went, is not shown.")


def _throughput_sentence(throughput: Table) -> str | None:
    """None when no one ended (the results' sentence says so); how many ended is the
    results' sentence's to say."""
    months = _total(throughput, "months")
    if isinstance(months, int | float):
        return _("The throughput time of the ended was %(months)s months.") % {
            "months": _number(months, 1)
        }
    if _hidden(throughput, "months"):
        return _("The throughput time of the ended is not shown.")
    return None
