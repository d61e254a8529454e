"""What a report covers: whose eyes, which organisation, which period, which gender.

``ReportScope`` is built once (from a page's filter form, a CLI call or an API
request) and handed to every figure selector. The querysets it returns are already
restricted to the user's scope and never contain felregistreringar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from samspar.access.scoping import Action, insats_q
from samspar.codelists.models import ResultGroup
from samspar.organisation.models import Forbund, Insats, InsatsKind
from samspar.registry.models import AnonymousEnrolment, Enrolment, StructuralCount, VolumeCount

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class Operator:
    """The operator of the installation at the server's command line (``samspar report``,
    ``samspar bench``, ``samspar economics``): every insats, small counts suppressed
    unless ``exact``.

    Never built from a web request: a page or the API always has a signed-in user, and a
    ``ReportScope`` needs one or the other, so no scope can stand for "everything" by
    accident.
    """

    exact: bool = False  # unsuppressed counts, for the operator's own use (--exact)


class Level(StrEnum):
    ALL = "all"
    LAN = "lan"
    FORBUND = "forbund"
    TEAM = "team"
    INSATS = "insats"


LEVEL_LABELS = {
    Level.ALL: _("Everything I may see"),
    Level.LAN: _("County"),
    Level.FORBUND: _("Samordningsförbund"),
    Level.TEAM: _("Team"),
    Level.INSATS: _("Insats"),
}

# Report periods (docs/definitions.md, "Report period"): from 1 January of
# FIRST_REPORT_YEAR to 31 December of next year, at most MAX_PERIOD_YEARS years long. A
# report's cost grows with its years (a trend column per year, two rolling windows per
# year), so a longer period is refused before anything is computed.
FIRST_REPORT_YEAR = 1990
MAX_PERIOD_YEARS = 20


def period_problems(date_from: dt.date, date_to: dt.date, today: dt.date) -> dict[str, str]:
    """What is wrong with a report period, by the date it is about ("date_from" or
    "date_to"); empty when the period is one a report may cover."""
    problems: dict[str, str] = {}
    if date_from.year < FIRST_REPORT_YEAR:
        problems["date_from"] = _("A report period starts in %(year)d or later.") % {
            "year": FIRST_REPORT_YEAR
        }
    if date_to.year > today.year + 1:
        problems["date_to"] = _("A report period ends in %(year)d at the latest.") % {
            "year": today.year + 1
        }
    elif date_to < date_from:
        problems["date_to"] = str(_("The period cannot end before it starts."))
    elif (date_to.year - date_from.year, date_to.month, date_to.day) >= (
        MAX_PERIOD_YEARS,
        date_from.month,
        date_from.day,
    ):
        problems["date_to"] = _("A report period is at most %(years)d years long.") % {
            "years": MAX_PERIOD_YEARS
        }
    return problems


def publication_period_problems(
    date_from: dt.date, date_to: dt.date, *, whole_years: bool
) -> dict[str, str]:
    """What keeps a period from being a publication period, by the date it is about;
    empty when it is one (docs/definitions.md, "Report period"). A reader without exact
    counts may only choose these, so that few overlapping reports exist to subtract
    from each other: from 1 January to the last day of a month of the same year (the
    year so far, or the calendar year), and with ``whole_years`` (a report that counts
    per calendar year) also several whole calendar years."""
    if (date_from.month, date_from.day) != (1, 1):
        return {"date_from": _publication_period_rule(whole_years)}
    month_end = (date_to + dt.timedelta(days=1)).day == 1
    same_year = date_to.year == date_from.year
    whole = (date_to.month, date_to.day) == (12, 31)
    if (same_year and month_end) or (whole_years and whole):
        return {}
    return {"date_to": _publication_period_rule(whole_years)}


def _publication_period_rule(whole_years: bool) -> str:
    if whole_years:
        return str(
            _(
                "Without exact counts this report covers 1 January to the last day of a "
                "month of the same year, or whole calendar years."
            )
        )
    return str(
        _(
            "Without exact counts a report covers 1 January to the last day of a month of "
            "the same year, e.g. 2025-01-01 – 2025-08-31."
        )
    )


# The insats field each level filters on.
_LEVEL_FIELD = {
    Level.LAN: "forbund__county_id",
    Level.FORBUND: "forbund_id",
    Level.TEAM: "team_id",
    Level.INSATS: "pk",
}

DEFAULT_AGE_BOUNDS = (25, 30, 40, 50, 60)
DEFAULT_MONTH_STEP = 3


@dataclass(frozen=True)
class ReportScope:
    """Filters shared by every report.

    ``user`` is whose eyes: a signed-in user (their scope), or the ``Operator`` on the
    server's command line (every insats; see ``for_operator``). It has no default.
    """

    date_from: dt.date
    date_to: dt.date
    user: AbstractBaseUser | AnonymousUser | Operator = field(kw_only=True)
    level: Level = Level.ALL
    object_id: str | int | None = None
    gender: str = ""  # "K", "M" or "" for both
    age_bounds: tuple[int, ...] = DEFAULT_AGE_BOUNDS
    month_step: int = DEFAULT_MONTH_STEP
    base_year: int | None = None
    published: bool = False  # meant for publication: always suppressed
    # Whom the background figures (#5, #6, #7, #12) cover: a ``populations.Population``
    # value, or "" for each figure's default (those who started in the period).
    population: str = ""
    # The day #6 takes the age on: a ``populations.AgeOn`` value, or "" for the start.
    age_on: str = ""
    # Answers that depend only on who asks and which organisation, not on the period or
    # gender, so dataclasses.replace() shares them: the user's grants and whether they
    # see exact counts are read once per request, not once per figure.
    _memo: dict[tuple[object, ...], object] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.user is None:
            raise TypeError("A ReportScope needs a user, or ReportScope.for_operator()")
        if self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")

    @classmethod
    def for_operator(
        cls, date_from: dt.date, date_to: dt.date, *, exact: bool = False, **filters: Any
    ) -> ReportScope:
        """The operator's scope on the command line: every insats of the installation."""
        return cls(date_from, date_to, user=Operator(exact=exact), **filters)

    def _reader(self) -> object:
        """Who reads, as a key of ``_memo``."""
        return self.user if isinstance(self.user, Operator) else self.user.pk

    # --- organisation -------------------------------------------------------------

    def insatser(self, action: Action = Action.VIEW) -> QuerySet[Insats]:
        if isinstance(self.user, Operator):
            qs = Insats.objects.all()
        else:
            key = ("grants", self.user.pk, action)
            if key not in self._memo:
                self._memo[key] = insats_q(self.user, action, "")
            qs = Insats.objects.filter(cast(Q, self._memo[key]))
        if self.level != Level.ALL:
            qs = qs.filter(**{_LEVEL_FIELD[self.level]: self.object_id})
        return qs

    def insats_ids(self) -> list[int]:
        """The ids of ``insatser()``, read once per reader and organisation: a figure's
        query names them (``insats_id IN (1, 2, …)``), which the PostgreSQL planner
        estimates from its statistics, where a subquery left it guessing a few thousand
        rows of a million and joining them one by one."""
        key = ("insats_ids", self._reader(), self.level, self.object_id)
        if key not in self._memo:
            self._memo[key] = list(self.insatser().values_list("pk", flat=True))
        return cast(list[int], self._memo[key])

    def individual_insatser(self) -> QuerySet[Insats]:
        return self.insatser().filter(kind=InsatsKind.INDIVIDUAL)

    def forbund(self) -> QuerySet[Forbund]:
        return Forbund.objects.filter(pk__in=self.insatser().values("forbund_id"))

    def thresholds(self) -> set[int]:
        key = ("thresholds", self._reader(), self.level, self.object_id)
        if key not in self._memo:
            self._memo[key] = set(self.forbund().values_list("suppression_threshold", flat=True))
        return cast(set[int], self._memo[key])

    # --- registrations ------------------------------------------------------------

    def enrolments(self) -> QuerySet[Enrolment]:
        """Enrolments of the insatser in scope; felregistreringar never count."""
        qs = Enrolment.objects.filter(insats_id__in=self.insats_ids()).exclude(
            end_reason__result_group=ResultGroup.CANCELLED
        )
        if self.gender:
            qs = qs.filter(person_gender=self.gender)
        return qs

    def period_enrolments(self) -> QuerySet[Enrolment]:
        """``enrolments()`` active at least one day of the period. Every count of a
        period's participants (new, ended, active at its start or end) is among them, so
        the filter changes no figure; it spares the database the enrolments of other
        years (nine in ten of them, ten years into a förbund's register)."""
        return self.enrolments().filter(worked_with_q(self.date_from, self.date_to))

    def anonymous(self) -> QuerySet[AnonymousEnrolment]:
        """Anonymous participants counted for the period: those who started in one of
        its calendar years (only the start year is registered)."""
        qs = AnonymousEnrolment.objects.filter(
            insats__in=self.insatser(),
            start_year__gte=self.date_from.year,
            start_year__lte=self.date_to.year,
        )
        return qs.filter(gender=self.gender) if self.gender else qs

    def volume(self) -> QuerySet[VolumeCount]:
        """Volume counts whose period lies inside the report period."""
        qs = VolumeCount.objects.filter(
            insats__in=self.insatser(),
            period_start__gte=self.date_from,
            period_end__lte=self.date_to,
        )
        return qs.filter(gender=self.gender) if self.gender else qs

    def structural(self) -> QuerySet[StructuralCount]:
        return StructuralCount.objects.filter(
            insats__in=self.insatser(),
            period_start__gte=self.date_from,
            period_end__lte=self.date_to,
        )

    # --- suppression --------------------------------------------------------------

    def for_any_reader(self) -> ReportScope:
        """The scope as it is for every reader without exact counts: the operator's
        without --exact, where the reader sees every insats of the level's object (an
        insats always), so that the suppressed figures depend only on the object, the
        period, the threshold and the filters, never on who else the reader may see
        (docs/roles.md, "One view per audience"). Itself at the top level, or where
        the reader sees only some of the object's insatser: their report covers only
        those."""
        if self.level == Level.ALL or isinstance(self.user, Operator):
            return self
        whole = Insats.objects.filter(**{_LEVEL_FIELD[Level(self.level)]: self.object_id})
        if whole.exclude(pk__in=self.insatser()).exists():
            return self
        return replace(self, user=Operator(exact=False), _memo={})

    def sees_exact_counts(self) -> bool:
        """Exact counts only for the registrators of every insats in the report (who see
        the persons anyway), or for the operator who asked for them on the CLI; never in
        an output made for publication."""
        if self.published:
            return False
        if isinstance(self.user, Operator):
            return self.user.exact
        key = ("exact", self.user.pk, self.level, self.object_id)
        if key not in self._memo:
            in_scope = self.insatser()
            self._memo[key] = (
                not in_scope.exclude(pk__in=self.insatser(Action.VIEW_PERSONAL)).exists()
                and in_scope.exists()
            )
        return bool(self._memo[key])


# --- the period populations of DOMAIN.md §4 -------------------------------------------


def worked_with_q(date_from: dt.date, date_to: dt.date, prefix: str = "") -> Q:
    """Active at least one day in [from, to]."""
    return Q(**{f"{prefix}start_date__lte": date_to}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": date_from})
    )


def new_q(date_from: dt.date, date_to: dt.date, prefix: str = "") -> Q:
    """Started in the period."""
    return Q(**{f"{prefix}start_date__gte": date_from, f"{prefix}start_date__lte": date_to})


def ended_q(date_from: dt.date, date_to: dt.date, prefix: str = "") -> Q:
    """Ended in the period."""
    return Q(**{f"{prefix}end_date__gte": date_from, f"{prefix}end_date__lte": date_to})


def active_q(day: dt.date, prefix: str = "") -> Q:
    """Started on or before ``day`` and not ended before it."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def carried_over_q(date_from: dt.date, prefix: str = "") -> Q:
    """Started before the period and still active on its first day."""
    return active_q(date_from, prefix) & Q(**{f"{prefix}start_date__lt": date_from})
