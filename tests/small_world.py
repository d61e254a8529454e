"""A small world with one object behind every URL, for the tests that walk every page.

Two förbund (A and B), each with an insats of every follow-up kind, a user of every role
in each, and in A's personal insats a year's worth of small counts: enrolments started
and ended this year, anonymous participants, a volume count, a structural count and a
waiting list — each a count of persons below A's threshold (``THRESHOLD``), so a page
that shows one of them to a reader without exact counts is caught.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspar.access.scoping import Role
from samspar.access.security_log import SecurityEvent
from samspar.codelists import models as codes
from samspar.economics import services as economics
from samspar.economics.models import Evaluation, Method, StandardValueSet
from samspar.imports import services as imports
from samspar.imports.models import ImportRun
from samspar.organisation import services as organisation
from samspar.organisation.models import (
    FollowUpMethod,
    Forbund,
    Insats,
    InsatsKind,
    StaffMember,
)
from samspar.registry import services as registry
from samspar.registry.models import AnonymousEnrolment, CountGender, Enrolment, FollowUp
from tests.factories import (
    code,
    enrol,
    make_forbund,
    make_insats,
    make_pnr,
    make_type_case_evaluation,
    make_user,
)

THRESHOLD = 20  # A's threshold: every count below is hidden from readers without exact counts

# The roles as the columns of docs/roles.md's URL table name them. An insats manager
# comes twice: scoped to insatser, and to the whole förbund (only the latter creates).
ROLES = (
    "registrator",
    "insats_manager",
    "insats_manager_forbund",
    "forbund_admin",
    "board",
    "dpo",
    "sysadmin",
)

# Counts of persons in A's personal insats this year, each small and distinct.
STARTED, ENDED, ANONYMOUS, VOLUME, STRUCTURAL, WAITING = 16, 5, 12, 13, 14, 15


@dataclass
class Side:
    """One förbund with an insats of each kind and a user of each role."""

    forbund: Forbund
    personal: Insats
    volume: Insats
    structural: Insats
    users: dict[str, User] = field(default_factory=dict)


@dataclass
class World:
    a: Side
    b: Side
    sysadmin: User
    enrolment: Enrolment
    ended: Enrolment  # ended today, its follow-up a month after the end not registered
    follow_up: FollowUp  # of another enrolment ended today
    anonymous: AnonymousEnrolment  # one of A's personal insats
    staff: StaffMember
    evaluation: Evaluation  # type cases
    individuals: Evaluation  # registered individuals
    value_set: StandardValueSet  # A's own
    group: Group
    import_run: ImportRun  # A's registrator's file, waiting to be checked


def _side(name: str) -> Side:
    forbund = make_forbund(f"{name} samordningsförbund")
    personal = make_insats(forbund, f"{name} team")
    volume = make_insats(forbund, f"{name} rådgivning", method=FollowUpMethod.VOLUME)
    structural = make_insats(
        forbund, f"{name} kompetens", kind=InsatsKind.STRUCTURAL, method=FollowUpMethod.VOLUME
    )
    side = Side(forbund, personal, volume, structural)
    tag = name.lower()
    insatser = (personal, volume, structural)
    for role, key in ((Role.REGISTRATOR, "registrator"), (Role.INSATS_MANAGER, "insats_manager")):
        user = make_user(f"{key}-{tag}", role, insats=personal)
        for other in insatser[1:]:
            user.role_assignments.create(role=role, insats=other)
        side.users[key] = user
    for role, key in (
        (Role.INSATS_MANAGER, "insats_manager_forbund"),
        (Role.FORBUND_ADMIN, "forbund_admin"),
        (Role.BOARD, "board"),
        (Role.DPO, "dpo"),
    ):
        side.users[key] = make_user(f"{key}-{tag}", role, forbund=forbund)
    return side


def _counts(side: Side, today: dt.date) -> Enrolment:
    """This year's small counts in A's personal insats; the first enrolment, still active."""
    coach, manager = side.users["registrator"], side.users["insats_manager"]
    january = dt.date(today.year, 1, 1)
    enrolments = [
        enrol(
            coach,
            side.personal,
            personnummer_text=make_pnr(dt.date(1980 + i, 2, 3), man=i % 2 == 0),
            start_date=january,
            consent_date=january,
        )
        for i in range(STARTED)
    ]
    for enrolment in enrolments[-ENDED:]:
        registry.end_enrolment(
            user=coach,
            enrolment=enrolment,
            end_date=today,
            end_reason=code(codes.EndReason, "arbete"),
        )
    for i in range(ANONYMOUS):
        registry.register_anonymous(
            user=coach,
            insats=side.personal,
            gender=CountGender.values[i % 2],
            start_year=today.year,
            reason="skyddad",
        )
    registry.record_volume_count(
        user=manager,
        insats=side.volume,
        period_start=january,
        period_end=january,
        gender="K",
        count=VOLUME,
    )
    registry.record_structural_count(
        user=manager,
        insats=side.structural,
        period_start=january,
        period_end=january,
        party=None,
        count=STRUCTURAL,
    )
    registry.record_waiting_count(user=manager, insats=side.personal, date=today, count=WAITING)
    return enrolments[0]


def _economics(side: Side) -> tuple[Evaluation, Evaluation, StandardValueSet]:
    admin = side.users["forbund_admin"]
    shipped = StandardValueSet.objects.filter(forbund=None).order_by("-price_year").first()
    assert shipped is not None
    change = {"average_wage": economics.ValueChange(Decimal(38_000), "B", "SCB")}
    own = economics.update_standard_values(
        user=admin, forbund=side.forbund, value_set=shipped, changes=change
    )
    type_cases = make_type_case_evaluation(admin, side.forbund, shipped)
    # Saved directly: the registry has too few ended for the service to accept it, and
    # the URL walk only needs an evaluation of individuals to ask to compute again.
    individuals = Evaluation.objects.create(
        forbund=side.forbund,
        insats=side.personal,
        name="Individer",
        method=Method.INDIVIDUALS,
        value_set=shipped,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        cost=500_000,
        before_resources={},
        registry_as_of=timezone.now(),
        profiles=[],
    )
    return type_cases, individuals, own


def _admin_rows(user: User) -> None:
    """One row of each model of the admin site that nothing above makes, so that the URL
    walk can open its pages."""
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.LOGIN, user=user, username=user.username)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    StaticDevice.objects.create(user=user, name="reserv", confirmed=True)
    attempt = {"username": user.username, "ip_address": "127.0.0.1", "user_agent": "test"}
    AccessAttempt.objects.create(**attempt, failures_since_start=1)
    AccessFailureLog.objects.create(**attempt)
    AccessLog.objects.create(**attempt)


def build() -> World:
    today = timezone.localdate()
    a, b = _side("Alfa"), _side("Beta")
    a.forbund.suppression_threshold = THRESHOLD
    a.forbund.save(update_fields=["suppression_threshold"])
    sysadmin = User.objects.create_user(
        "sysadmin", password="pw-sysadmin", is_staff=True, is_superuser=True
    )
    sysadmin.role_assignments.create(role=Role.SYSADMIN)
    a.users["sysadmin"] = b.users["sysadmin"] = sysadmin
    enrolment = _counts(a, today)
    # A follow-up a month after the end may be registered from the end date on.
    a.personal.follow_up_months = [1, 12]
    a.personal.save(update_fields=["follow_up_months"])
    ended, followed = Enrolment.objects.filter(insats=a.personal, end_date=today)[:2]
    follow_up = registry.register_follow_up(
        user=a.users["registrator"], enrolment=followed, months_after=1, date=today, reached=False
    )
    organisation.set_insats_year(a.users["insats_manager"], a.personal, today.year, 30)
    staff = organisation.add_staff_member(
        a.users["insats_manager"],
        a.personal,
        name="Anna Coach",
        role="Coach",
        fte_percent=Decimal(100),
        employer=None,
        start_date=dt.date(2020, 1, 1),
    )
    evaluation, individuals, value_set = _economics(a)
    _admin_rows(a.users["board"])
    import_run = imports.start_import(
        user=a.users["registrator"],
        insats=a.personal,
        kind="enrolments",
        file_name="deltagare.csv",
        data=b"Personnummer;Startdatum\n",
        queue=False,
    )
    return World(
        a=a,
        b=b,
        sysadmin=sysadmin,
        enrolment=enrolment,
        ended=ended,
        follow_up=follow_up,
        anonymous=AnonymousEnrolment.objects.filter(insats=a.personal).earliest("pk"),
        staff=staff,
        evaluation=evaluation,
        individuals=individuals,
        value_set=value_set,
        group=Group.objects.create(name="Läsare"),
        import_run=import_run,
    )
