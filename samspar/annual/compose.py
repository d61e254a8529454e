"""Put together a team's annual report: its texts plus the statistics, chapter by chapter.

The statistics come from the report catalogue (the same definitions as every other
page and export); nothing is stored, so a regenerated report always shows today's data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from samspar.annual.chapters import CHAPTERS, Chapter
from samspar.annual.models import ChapterText
from samspar.organisation.models import Insats
from samspar.reports.catalogue import get_report
from samspar.reports.scope import Level, ReportScope
from samspar.reports.tables import Report, Table, Value


@dataclass
class ChapterContent:
    chapter: Chapter
    description: str = ""
    reflection: str = ""
    tables: list[Table] = field(default_factory=list)


@dataclass
class AnnualReport:
    insats: Insats
    year: int
    scope: ReportScope
    chapters: list[ChapterContent]
    key_figures: list[str]  # generated sentences for the summary


def year_scope(
    user: AbstractBaseUser, insats: Insats, year: int, *, published: bool = False
) -> ReportScope:
    return ReportScope(
        dt.date(year, 1, 1),
        dt.date(year, 12, 31),
        user=user,
        level=Level.INSATS,
        object_id=insats.pk,
        published=published,
    )


def build_annual_report(
    user: AbstractBaseUser, insats: Insats, year: int, *, published: bool = False
) -> AnnualReport:
    scope = year_scope(user, insats, year, published=published)
    since_start = ReportScope(
        min(insats.start_date, scope.date_from),
        scope.date_to,
        user=user,
        level=Level.INSATS,
        object_id=insats.pk,
        published=published,
    )
    reports: dict[tuple[str, bool], Report] = {}

    def table(report_key: str, table_key: str, whole_life: bool) -> Table:
        if (report_key, whole_life) not in reports:
            spec = get_report(report_key)
            reports[report_key, whole_life] = spec.build(since_start if whole_life else scope)
        return reports[report_key, whole_life].table(table_key)

    texts = {t.chapter: t for t in ChapterText.objects.filter(insats=insats, year=year)}
    chapters = []
    for chapter in CHAPTERS:
        text = texts.get(chapter.code)
        chapters.append(
            ChapterContent(
                chapter,
                text.description if text else "",
                text.reflection if text else "",
                [table(r, t, chapter.since_start) for r, t in chapter.tables],
            )
        )
    key_figures = _key_figures(
        table("deltagare", "counts", False), table("resultat", "results", False)
    )
    return AnnualReport(insats, year, scope, chapters, key_figures)


def _total(table: Table, key: str) -> Value:
    assert table.total_row is not None
    return table.value(table.total_row, key)


def _key_figures(counts: Table, results: Table) -> list[str]:
    """The summary's sentences with the year's numbers; a suppressed number drops its
    sentence rather than printing a hole."""
    sentences = []
    worked, new, active = (_total(counts, k) for k in ("worked_with", "new", "active_end"))
    if worked is not None and new is not None:
        sentences.append(
            _("The team worked with %(worked)s participants, %(new)s of them new this year.")
            % {"worked": worked, "new": new}
        )
    if active is not None:
        sentences.append(_("%(active)s were enrolled at the end of the year.") % {"active": active})
    kept, to_goal, share = (_total(results, k) for k in ("ended_kept", "to_goal", "goal_percent"))
    if kept is not None and to_goal is not None and isinstance(share, int | float):
        sentences.append(
            _(
                "%(kept)s ended (early dropouts not counted); %(goal)s of them (%(share)s %%) "
                "went to work, studies or other work-oriented rehabilitation."
            )
            % {"kept": kept, "goal": to_goal, "share": number_format(share, 0)}
        )
    return sentences
