"""Reads of the organisation, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from samspar.access.accounts import is_system_administrator
from samspar.access.scoping import ROLE_ACTIONS, Action, Role
from samspar.codelists.models import ResultGroup
from samspar.organisation.models import (
    BudgetLine,
    County,
    Financing,
    Forbund,
    Insats,
    InsatsYear,
    MemberParty,
    Municipality,
    StaffMember,
    Team,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet


def visible_insatser(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Insats]:
    return Insats.objects.restrict(user, Action.VIEW).select_related("forbund", "team")


def forbund_with_visible_insatser(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Forbund]:
    """The förbund the user reaches, each with ``visible_insatser`` prefetched."""
    insatser = visible_insatser(user)
    return (
        Forbund.objects.filter(pk__in=insatser.values("forbund_id"))
        .select_related("county")
        .prefetch_related(Prefetch("insatser", queryset=insatser, to_attr="visible_insatser"))
    )


def manageable_forbund(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Forbund]:
    """The förbund where the user holds a förbund-wide role that grants MANAGE.

    Only these users may create insatser (an insats-scoped manager cannot).
    """
    return Forbund.objects.filter(pk__in=_forbund_ids(user, roles_granting(Action.MANAGE)))


def reachable_forbund(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Forbund]:
    """The förbund the user has a förbund-wide role in, or sees an insats of."""
    return Forbund.objects.filter(
        Q(pk__in=_forbund_ids(user, list(Role)))
        | Q(pk__in=visible_insatser(user).values("forbund_id"))
    )


def settings_history(forbund: Forbund) -> QuerySet[Any]:
    """The förbund's saved settings, newest first, with who saved them (a lowered
    small-count threshold leaves a trace; only its managers read this)."""
    return (
        Forbund.history.filter(id=forbund.pk)
        .select_related("history_user")
        .order_by("-history_date")
    )


def administered_forbund(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Forbund]:
    """The förbund the user is förbund administrator of: their teams, parties and users."""
    return Forbund.objects.filter(pk__in=_forbund_ids(user, [Role.FORBUND_ADMIN]))


def forbund_for_people(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Forbund]:
    """The förbund whose member parties and accounts the user administers: every förbund
    for a system administrator, else those they are förbund administrator of."""
    if is_system_administrator(user):
        return Forbund.objects.select_related("county")
    return administered_forbund(user).select_related("county")


def parties_of(forbund: Forbund) -> QuerySet[MemberParty]:
    return forbund.parties.select_related("municipality").order_by("kind", "name")


def teams_of(forbund: Forbund) -> QuerySet[Team]:
    return forbund.teams.annotate(n_insatser=Count("insatser")).order_by("name")


def municipalities_not_members(forbund: Forbund) -> QuerySet[Municipality]:
    """The county's municipalities that are not yet member parties of the förbund."""
    members = MemberParty.objects.filter(forbund=forbund, municipality__isnull=False)
    return Municipality.objects.filter(county=forbund.county_id).exclude(
        code__in=members.values("municipality_id")
    )


# The region of each county, as each region names itself.
REGION_NAMES = {
    "01": "Region Stockholm",
    "03": "Region Uppsala",
    "04": "Region Sörmland",
    "05": "Region Östergötland",
    "06": "Region Jönköpings län",
    "07": "Region Kronoberg",
    "08": "Region Kalmar län",
    "09": "Region Gotland",
    "10": "Region Blekinge",
    "12": "Region Skåne",
    "13": "Region Halland",
    "14": "Västra Götalandsregionen",
    "17": "Region Värmland",
    "18": "Region Örebro län",
    "19": "Region Västmanland",
    "20": "Region Dalarna",
    "21": "Region Gävleborg",
    "22": "Region Västernorrland",
    "23": "Region Jämtland Härjedalen",
    "24": "Region Västerbotten",
    "25": "Region Norrbotten",
}


def region_name(county: County) -> str:
    """The county's region as a member party is named, e.g. Region Dalarna."""
    return REGION_NAMES.get(county.code) or f"Region {county.name.removesuffix(' län')}"


def municipality_party_name(municipality: Municipality) -> str:
    """A kommun as a member party is named, e.g. Avesta kommun."""
    return f"{municipality.name} kommun"


def roles_granting(action: Action) -> list[Role]:
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]


def _forbund_ids(user: AbstractBaseUser | AnonymousUser, roles: list[Role]) -> QuerySet[Any]:
    from samspar.access.models import RoleAssignment

    if not user.is_authenticated or not user.is_active:
        return RoleAssignment.objects.none().values("forbund_id")
    return RoleAssignment.objects.filter(
        user_id=user.pk, role__in=roles, insats__isnull=True, forbund__isnull=False
    ).values("forbund_id")


@dataclass(frozen=True)
class KeyFigures:
    """Aggregates of one insats. The counts of persons (``int | None``) are exact here;
    a page shows them through ``reports.key_figures``, which hides small ones (None)
    from readers without exact counts — a new count of persons must be added there."""

    year: int
    active_today: int | None
    started_this_year: int | None
    ended_this_year: int | None
    anonymous_this_year: int | None
    volume_this_year: int | None
    structural_this_year: int | None
    budgeted_this_year: int | None  # a plan, not persons
    staff_fte: Decimal
    staff_count: int  # staff, not participants
    waiting_count: int | None  # persons waiting, as the waiting-list report counts them
    waiting_date: dt.date | None
    hidden_below: int | None = None  # the threshold, when small counts are hidden


def key_figures(insats: Insats, today: dt.date) -> KeyFigures:
    """Counted in the database; wrong registrations (felregistrering) never count. The
    counts of persons carry their record keys (reports.cellkey), which the page perturbs
    them by for readers without exact counts."""
    from samspar.registry.models import (
        AnonymousEnrolment,
        Enrolment,
        StructuralCount,
        VolumeCount,
        WaitingListCount,
    )
    from samspar.reports import cellkey

    year = today.year
    # Every count is of enrolments still open on the 1st of January (active today, started
    # or ended this year): the condition changes no figure and lets the index on insats
    # and end date skip the earlier years.
    open_this_year = Q(end_date__isnull=True) | Q(end_date__gte=dt.date(year, 1, 1))
    enrolments = cellkey.aggregate(
        Enrolment.objects.filter(insats=insats)
        .filter(open_this_year)
        .filter(Q(end_reason__isnull=True) | ~Q(end_reason__result_group=ResultGroup.CANCELLED)),
        {
            "active": Count(
                "pk",
                filter=Q(start_date__lte=today)
                & (Q(end_date__isnull=True) | Q(end_date__gte=today)),
            ),
            "started": Count("pk", filter=Q(start_date__year=year)),
            "ended": Count("pk", filter=Q(end_date__year=year)),
        },
    )
    people = {"n": cellkey.SumOfCounts("count")}
    staff = current_staff(insats, today).aggregate(fte=Sum("fte_percent"), n=Count("pk"))
    plan = InsatsYear.objects.filter(insats=insats, year=year).first()
    waiting = WaitingListCount.objects.filter(insats=insats).order_by("-date").first()
    return KeyFigures(
        year=year,
        active_today=enrolments["active"],
        started_this_year=enrolments["started"],
        ended_this_year=enrolments["ended"],
        anonymous_this_year=cellkey.aggregate(
            AnonymousEnrolment.objects.filter(insats=insats, start_year=year), {"n": Count("pk")}
        )["n"],
        volume_this_year=cellkey.aggregate(
            VolumeCount.objects.filter(insats=insats, period_start__year=year), people
        )["n"]
        or 0,
        structural_this_year=cellkey.aggregate(
            StructuralCount.objects.filter(insats=insats, period_start__year=year), people
        )["n"]
        or 0,
        budgeted_this_year=plan.budgeted_participants if plan else None,
        staff_fte=staff["fte"] or Decimal(0),
        staff_count=staff["n"],
        waiting_count=cellkey.row_count(waiting),
        waiting_date=waiting.date if waiting else None,
    )


def current_staff(insats: Insats, today: dt.date) -> QuerySet[StaffMember]:
    return StaffMember.objects.filter(insats=insats, start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )


def staff_list(insats: Insats, today: dt.date) -> QuerySet[StaffMember]:
    """All staff, current first, each annotated with ``status`` (current/former/coming)."""
    return (
        StaffMember.objects.filter(insats=insats)
        .select_related("employer")
        .annotate(
            status=Case(
                When(end_date__lt=today, then=Value("former")),
                When(start_date__gt=today, then=Value("coming")),
                default=Value("current"),
                output_field=CharField(),
            ),
            status_order=Case(
                When(end_date__lt=today, then=Value(2)),
                When(start_date__gt=today, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("status_order", "-fte_percent", "name")
    )


def fte_per_party(insats: Insats, today: dt.date) -> QuerySet[Any]:
    """Sum of current FTE per employing party (``employer__name`` None: no party)."""
    return (
        current_staff(insats, today)
        .values("employer_id", "employer__name")
        .annotate(fte=Sum("fte_percent"), n=Count("pk"))
        .order_by("employer__name")
    )


@dataclass(frozen=True)
class Budget:
    year: int
    plan: InsatsYear | None
    lines: QuerySet[Any]  # BudgetLine rows, each annotated with ``remaining``
    total_budget: int
    total_outcome: int
    total_remaining: int
    financing: QuerySet[Financing]
    total_financing: int


def budget_for_year(insats: Insats, year: int) -> Budget:
    """Budget (beslut), outcome (utfall) and remaining (återstår) per cost category."""
    remaining = ExpressionWrapper(
        F("budget") - Coalesce(F("outcome"), Value(0)), output_field=BigIntegerField()
    )
    rows = BudgetLine.objects.filter(insats=insats, year=year)
    lines = rows.select_related("category").annotate(remaining=remaining)
    totals = rows.aggregate(
        total_budget=Coalesce(Sum("budget"), 0, output_field=BigIntegerField()),
        total_outcome=Coalesce(Sum("outcome"), 0, output_field=BigIntegerField()),
        total_remaining=Coalesce(Sum(remaining), 0, output_field=BigIntegerField()),
    )
    financing = Financing.objects.filter(insats=insats, year=year).select_related("party")
    return Budget(
        year=year,
        plan=InsatsYear.objects.filter(insats=insats, year=year).first(),
        lines=lines,
        total_budget=totals["total_budget"],
        total_outcome=totals["total_outcome"],
        total_remaining=totals["total_remaining"],
        financing=financing,
        total_financing=financing.aggregate(
            n=Coalesce(Sum("amount"), 0, output_field=BigIntegerField())
        )["n"],
    )


def budget_years(insats: Insats, current: int) -> list[int]:
    """The years with any plan, budget or financing, plus the current year, newest first."""
    years = {current}
    for model in (InsatsYear, BudgetLine, Financing):
        years.update(model.objects.filter(insats=insats).values_list("year", flat=True))
    return sorted(years, reverse=True)
