"""Reading the team's annual report texts: their saved versions, for the page and its
change history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from samspar.annual.models import ChapterText
from samspar.organisation.models import Insats


@dataclass(frozen=True)
class Version:
    number: int
    at: dt.datetime
    user: str
    description: str
    analysis: str
    reflection: str


def version_counts(insats: Insats, year: int) -> dict[str, int]:
    """{chapter code: number of saved versions} of one year's report, in one query."""
    rows = (
        ChapterText.history.filter(insats=insats, year=year)
        .order_by()
        .values("chapter")
        .annotate(n=Count("history_id"))
    )
    return {row["chapter"]: row["n"] for row in rows}


def chapter_versions(insats: Insats, year: int, chapter: str) -> list[Version]:
    """Every saved version of one chapter's texts, newest first: who saved what, when."""
    records = (
        ChapterText.history.filter(insats=insats, year=year, chapter=chapter)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    versions = []
    for number, record in enumerate(records, start=1):
        user = record.history_user
        who = (user.get_full_name() or user.get_username()) if user else "–"
        versions.append(
            Version(
                number,
                record.history_date,
                who,
                record.description,
                record.analysis,
                record.reflection,
            )
        )
    return versions[::-1]
