"""Build the demo database: a realistic, deterministic world of förbund, insatser and participants.

Everything is drawn from one ``random.Random(seed)``, so the same seed, scale and day give the
same data. Participants are simulated month by month from 2017 (so that 2019, the first year
kept, starts with people carried over) until today; no date lies in the future.

For speed the rows are written with ``bulk_create`` in one transaction, bypassing the
services and ``full_clean``: the generator itself keeps every rule the services and the
database enforce (see ``tests/test_demo.py``, which checks them on the result). Each
enrolment gets the history rows the services would leave — "+" at its start and "~" at its
end, dated then, with the supply types in simple-history's many-to-many history tables —
written directly rather than with ``bulk_create_with_history``, which records only the
final state and no many-to-many fields.
"""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import math
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.utils import bulk_create_with_history

from samspar.access import wipe
from samspar.access.models import ROLE_LABELS, AccessLog, RoleAssignment
from samspar.access.scoping import Role
from samspar.access.twofactor import requires_two_factor
from samspar.codelists import models as codes
from samspar.core import crypto
from samspar.core.months import add_months
from samspar.core.personnummer import age_on, luhn_check_digit
from samspar.demo import names, questions, world
from samspar.economics import seed004, typecases
from samspar.economics import selectors as economics_selectors
from samspar.economics.models import (
    NYTTOSAM,
    Evaluation,
    MappingRow,
    Method,
    StandardValue,
    StandardValueSet,
    TypeCaseGroup,
)
from samspar.organisation.models import (
    BudgetLine,
    County,
    Financing,
    FollowUpMethod,
    Forbund,
    Insats,
    InsatsKind,
    InsatsYear,
    MemberParty,
    PartyKind,
    StaffMember,
    Team,
)
from samspar.registry.models import (
    AnonymousEnrolment,
    AnonymousReason,
    Answer,
    CountGender,
    Enrolment,
    FollowUp,
    Person,
    Question,
    ResidenceKind,
    StructuralCount,
    VolumeCount,
    WaitingListCount,
)

DEMO_PASSWORD = "samspar-demo"  # for the demo database only; never use it in production
# The demo users who must log in with two factors share this TOTP key (base32, as typed
# into an authenticator app); ``samspar demo_code <user>`` prints the current code.
DEMO_TOTP_SECRET = "SAMSPARDEMOSAMSPARDEMOSAMSPARDEM"
DEMO_TOTP_DEVICE = "demo"


def demo_totp_key() -> bytes:
    return base64.b32decode(DEMO_TOTP_SECRET)


DEFAULT_SEED = 2023
FIRST_YEAR = 2019  # the first year whose data is kept
HISTORY_FROM = dt.date(FIRST_YEAR, 1, 1)
WARMUP_FROM = dt.date(2017, 1, 1)  # simulated, so that 2019 starts with carried-over participants
DROPOUT_SHARE = 0.08
REENROL_SHARE = 0.04  # a new enrolment of someone who took part before
TRANSFER_SHARE = 0.3  # of a team's new participants, those coming from its feeder team
FOLLOW_UP_SHARE = 0.35
# Of the follow-ups made, the share where the participant could not be reached.
NOT_REACHED_SHARE = 0.15
BATCH = 500

# Relative number of starts per calendar month (summer and Christmas are quiet).
_SEASON = (1.15, 1.1, 1.05, 1.0, 1.0, 0.8, 0.35, 0.9, 1.25, 1.2, 1.1, 0.7)
_SEASON_NORM = 12 / sum(_SEASON)
# The pandemic years had fewer new participants and fewer events.
_YEAR_FACTOR = {2020: 0.85, 2021: 0.9}

_DROPOUT_REASONS: world.Weights = (
    ("avbrott", 50),
    ("medicinsk-rehab", 20),
    ("flytt", 10),
    ("annat", 20),
)
_PROJECT_CLOSED_REASONS: world.Weights = (
    ("annan-rehab", 40),
    ("arbetssokande", 25),
    ("medicinsk-rehab", 10),
    ("annat", 25),
)
_FIRST_SUPPLY: world.Weights = (
    ("forsorjningsstod", 34),
    ("sjukpenning", 22),
    ("aktivitetsersattning", 9),
    ("sjukersattning", 4),
    ("aktivitetsstod", 10),
    ("a-kassa", 3),
    ("etableringsersattning", 4),
    ("studiemedel", 1),
    ("ingen", 11),
    ("annan", 2),
)
_SECOND_SUPPLY: dict[str, world.Weights] = {
    "forsorjningsstod": (
        ("aktivitetsstod", 40),
        ("sjukpenning", 35),
        ("etableringsersattning", 10),
        ("a-kassa", 15),
    ),
    "sjukpenning": (("forsorjningsstod", 60), ("lon", 40)),
    "aktivitetsersattning": (("forsorjningsstod", 70), ("lon", 30)),
    "sjukersattning": (("forsorjningsstod", 50), ("lon", 50)),
    "aktivitetsstod": (("forsorjningsstod", 100),),
    "a-kassa": (("forsorjningsstod", 100),),
    "etableringsersattning": (("forsorjningsstod", 100),),
    "studiemedel": (("forsorjningsstod", 100),),
    "annan": (("forsorjningsstod", 100),),
}
_NO_PUBLIC_SUPPORT = {"ingen", "lon", "studiemedel", "annan"}
_EDUCATION: world.Weights = (
    ("forgymnasial", 30),
    ("gymnasial", 45),
    ("eftergymnasial-kort", 10),
    ("eftergymnasial-lang", 7),
    ("okand", 8),
)
_NOTES = (
    "Deltar i uppstartsgrupp.",
    "Arbetsträning två dagar i veckan.",
    "Flerpartsmöte med handläggare från FK och socialtjänsten.",
    "Studiebesök genomfört tillsammans med remittent.",
    "Väntar på utredning inom psykiatrin.",
    "Deltar i skogsgruppen på tisdagar.",
    "Individuell plan mot arbete upprättad.",
)
_STAFF_ROLES_REGION = ("Representant vuxenpsykiatrin", "Arbetsterapeut", "Kurator, vårdcentral")


def _weighted(rng: random.Random, weights: world.Weights) -> str:
    return rng.choices([k for k, _ in weights], [w for _, w in weights])[0]


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _weekday(day: dt.date) -> dt.date:
    """The day itself, or the following Monday when it falls on a weekend."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


@dataclass
class Summary:
    seed: int
    scale: float
    seconds: float
    counties: int
    forbund: int
    insatser: int
    persons: int
    enrolments: int
    active: int
    anonymous: int
    follow_ups: int
    logins: list[tuple[str, str, str]]  # username, role label, scope


@dataclass(slots=True)
class _ForbundRec:
    spec: world.ForbundSpec
    index: int
    obj: Forbund
    parties: dict[str, MemberParty]  # "fk", "af", "region" or a municipality code
    kommun_weights: world.Weights


@dataclass(slots=True)
class _InsatsRec:
    spec: world.InsatsSpec
    obj: Insats
    forbund: _ForbundRec
    index: int
    registrar_id: int | None = None


@dataclass(slots=True)
class _PersonPlan:
    key: int
    canonical: str
    birth: dt.date
    man: bool
    coordination: bool
    first: str
    last: str
    education: str
    home: str
    obj: Person | None = None


@dataclass(slots=True)
class _FollowUpPlan:
    months: int
    date: dt.date
    supply: list[str]
    occupation: str
    percent: int
    works: bool
    studies: bool
    reached: bool = True


@dataclass(slots=True)
class _EnrolmentPlan:
    insats: _InsatsRec
    person: _PersonPlan
    start: dt.date
    referral: dt.date | None
    consent: dt.date
    municipality: str
    residence: str
    referring: str
    supply_before: list[str]
    years: Decimal | None
    education: str
    occupation_before: str
    occupation_before_pct: int
    end: dt.date | None = None
    dropout: bool = False
    end_reason: str | None = None
    supply_after: list[str] = field(default_factory=list)
    occupation_after: str | None = None
    occupation_after_pct: int | None = None
    works: bool = False
    studies: bool = False
    increased: bool = False
    notes: str = ""
    follow_ups: list[_FollowUpPlan] = field(default_factory=list)


def database_is_empty() -> bool:
    """No förbund, participants or demo users yet (County/Municipality/code lists don't count)."""
    usernames = [u.username for u in world.USERS]
    return not (
        Forbund.objects.exists()
        or Person.objects.exists()
        or User.objects.filter(username__in=usernames).exists()
    )


@transaction.atomic
def reset() -> None:
    """Delete all organisation and registry data and the demo users (not the reference data).

    Meant for demo databases: it cannot tell demo rows from others, so it wipes them all,
    the access log included. It therefore refuses to run unless DEBUG is on.
    """
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            gettext(
                "Refusing to delete: this installation is not in DEBUG mode "
                "(SAMSPAR_DEBUG=1), so it may hold real participants and their access log."
            )
        )
    with wipe.allow():
        _wipe()


def _wipe() -> None:
    AccessLog.objects.all().delete()
    FollowUp.objects.all().delete()
    with override_settings(SIMPLE_HISTORY_ENABLED=False):  # no "-" rows for what is wiped
        Enrolment.objects.all().delete()  # and their answers
        Question.objects.all().delete()
    for name in (
        "HistoricalEnrolment_supply_before",
        "HistoricalEnrolment_supply_after",
        "HistoricalAnswer_choices",
    ):
        apps.get_model("registry", name).objects.all().delete()
    for recorded in (Enrolment, Answer, Question):
        recorded.history.model.objects.all().delete()
    Person.objects.all().delete()
    for model in (AnonymousEnrolment, VolumeCount, StructuralCount, WaitingListCount):
        model._default_manager.all().delete()
    RoleAssignment.objects.all().delete()
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        Evaluation.objects.all().delete()
    for economic in (Evaluation, TypeCaseGroup, MappingRow):
        economic.history.model.objects.all().delete()
    Insats.objects.all().delete()
    Forbund.objects.all().delete()
    User.objects.filter(username__in=[u.username for u in world.USERS]).delete()


def build(*, seed: int = DEFAULT_SEED, scale: float = 1.0, today: dt.date | None = None) -> Summary:
    """Build the demo world into an empty database (see ``database_is_empty``)."""
    started = time.monotonic()
    with transaction.atomic():
        summary = _Builder(seed, scale, today or timezone.localdate()).run()
    summary.seconds = time.monotonic() - started
    return summary


class _Builder:
    def __init__(self, seed: int, scale: float, today: dt.date) -> None:
        self.rng = random.Random(seed)
        # Whether a follow-up reached the participant: drawn apart, so that the rest of
        # the world is what the main generator made before follow-ups could fail.
        self.reach = random.Random(f"{seed}-reach")
        self.seed = seed
        self.scale = scale
        self.today = today
        self.now = timezone.now()
        self.forbund: list[_ForbundRec] = []
        self.insatser: list[_InsatsRec] = []
        self.by_name: dict[tuple[str, str], _InsatsRec] = {}
        self.used_pnr: set[str] = set()
        self.logins: list[tuple[str, str, str]] = []

        def ids(model: type[codes.CodeListEntry]) -> dict[str, int]:
            return dict(model._default_manager.values_list("code", "pk"))

        self.supply_ids = ids(codes.SupplyType)
        self.referring_ids = ids(codes.ReferringActor)
        self.education_ids = ids(codes.EducationLevel)
        self.occupation_ids = ids(codes.OccupationType)
        self.end_reason_ids = ids(codes.EndReason)
        self.cost_ids = ids(codes.CostCategory)

    def run(self) -> Summary:
        self._organisation()
        self._users()
        plans = self._simulate()
        persons = self._write_participants(plans)
        # Drawn apart (the answers and their moments), so that the rest of the world is
        # what it was before the demo asked questions.
        asked = random.Random(f"{self.seed}-questions")
        questions.write(
            [
                (irec.obj, irec.registrar_id)
                for irec in self.insatser
                if irec.forbund is self.forbund[0] and irec.obj.has_personal_data
            ],
            asked,
            lambda day: self._aware(day, asked),
        )
        anonymous = self._aggregates()
        self._evaluations()
        return Summary(
            seed=self.seed,
            scale=self.scale,
            seconds=0.0,
            counties=len({f.spec.county for f in self.forbund}),
            forbund=len(self.forbund),
            insatser=len(self.insatser),
            persons=persons,
            enrolments=len(plans),
            active=sum(1 for p in plans if p.end is None),
            anonymous=anonymous,
            follow_ups=sum(len(p.follow_ups) for p in plans),
            logins=self.logins,
        )

    # -- helpers --------------------------------------------------------------------------

    def _years(self, spec: world.InsatsSpec) -> range:
        first = max(spec.start.year, FIRST_YEAR)
        last = min(spec.end.year if spec.end else self.today.year, self.today.year)
        return range(first, last + 1)

    def _year_fraction(self, year: int) -> float:
        """How much of the year has passed (1.0 for past years)."""
        if year < self.today.year:
            return 1.0
        return (self.today - dt.date(year, 1, 1)).days / 365

    def _period(self, spec: world.InsatsSpec, year: int) -> tuple[dt.date, dt.date]:
        start = max(dt.date(year, 1, 1), spec.start)
        end = min(dt.date(year, 12, 31), spec.end or dt.date.max, self.today)
        return start, end

    def _scaled(self, value: float) -> int:
        return max(0, round(value * self.scale))

    def _aware(self, day: dt.date, rng: random.Random | None = None) -> dt.datetime:
        """A moment of office hours on ``day`` (not after now), drawn from ``rng`` (the
        main generator unless given)."""
        rng = rng or self.rng
        moment = dt.datetime.combine(day, dt.time(rng.randint(8, 15), rng.randrange(60)))
        return min(timezone.make_aware(moment), self.now)

    # -- organisation ---------------------------------------------------------------------

    def _organisation(self) -> None:
        for fspec in world.FORBUND:
            forbund = Forbund.objects.create(
                name=fspec.name, county=County.objects.get(code=fspec.county)
            )
            parties = {
                "fk": MemberParty(forbund=forbund, kind=PartyKind.FK, name="Försäkringskassan"),
                "af": MemberParty(forbund=forbund, kind=PartyKind.AF, name="Arbetsförmedlingen"),
                "region": MemberParty(forbund=forbund, kind=PartyKind.REGION, name=fspec.region),
            }
            for code, party_name, _ in fspec.kommuner:
                parties[code] = MemberParty(
                    forbund=forbund, kind=PartyKind.KOMMUN, name=party_name, municipality_id=code
                )
            MemberParty.objects.bulk_create(parties.values())
            weights = tuple((c, w) for c, _, w in fspec.kommuner)
            rec = _ForbundRec(fspec, len(self.forbund), forbund, parties, weights)
            self.forbund.append(rec)
            teams: dict[str, Team] = {}
            for ispec in fspec.insatser:
                if ispec.team and ispec.team not in teams:
                    teams[ispec.team] = Team.objects.create(forbund=forbund, name=ispec.team)
                insats = Insats.objects.create(
                    forbund=forbund,
                    team=teams.get(ispec.team),
                    name=ispec.name,
                    kind=ispec.kind,
                    follow_up_method=ispec.method,
                    start_date=ispec.start,
                    end_date=ispec.end,
                    target_group=ispec.target_group,
                    trial_period_months=ispec.trial_months,
                )
                irec = _InsatsRec(ispec, insats, rec, len(self.insatser))
                self.insatser.append(irec)
                self.by_name[(fspec.name, ispec.name)] = irec
        years: list[InsatsYear] = []
        budget_lines: list[BudgetLine] = []
        financing: list[Financing] = []
        staff: list[StaffMember] = []
        for irec in self.insatser:
            years += self._insats_years(irec)
            lines = self._budget_lines(irec)
            budget_lines += lines
            financing += self._financing(irec, lines)
            staff += self._staff(irec)
        InsatsYear.objects.bulk_create(years)
        BudgetLine.objects.bulk_create(budget_lines)
        Financing.objects.bulk_create(financing)
        StaffMember.objects.bulk_create(staff)

    def _insats_years(self, irec: _InsatsRec) -> list[InsatsYear]:
        return [
            InsatsYear(
                insats=irec.obj,
                year=year,
                budgeted_participants=max(1, self._scaled(irec.spec.budgeted)),
            )
            for year in self._years(irec.spec)
            if irec.spec.budgeted
        ]

    def _budget_lines(self, irec: _InsatsRec) -> list[BudgetLine]:
        spec = irec.spec
        shares: tuple[tuple[str, float], ...]
        if spec.kind == InsatsKind.STRUCTURAL:
            shares = (("externa-tjanster", 0.6), ("lokaler", 0.2), ("ovriga", 0.2))
        else:
            shares = (
                ("egen-personal", 0.86),
                ("externa-tjanster", 0.06),
                ("lokaler", 0.03),
                ("ovriga", 0.05),
            )
        lines = []
        for year in self._years(spec):
            exact = world.EXACT_BUDGETS.get((spec.name, year))
            if exact:
                rows: list[tuple[str, int, int | None]] = list(exact)
            else:
                rows = []
                total = spec.budget * (1 + 0.025 * (year - 2022)) * self.rng.uniform(0.95, 1.05)
                for cat, share in shares:
                    budget = round(total * share / 5000) * 5000
                    if year == self.today.year:
                        outcome = None  # the year is not closed yet
                    else:
                        outcome = round(budget * self.rng.uniform(0.82, 1.08))
                    rows.append((cat, budget, outcome))
            lines += [
                BudgetLine(
                    insats=irec.obj,
                    year=year,
                    category_id=self.cost_ids[cat],
                    budget=budget,
                    outcome=outcome,
                )
                for cat, budget, outcome in rows
            ]
        return lines

    def _financing(self, irec: _InsatsRec, lines: list[BudgetLine]) -> list[Financing]:
        """Each year's budget split as the law does: state 1/2 (paid by FK), region 1/4,
        municipalities 1/4 by population."""
        totals: dict[int, int] = defaultdict(int)
        for line in lines:
            totals[line.year] += line.budget
        parties = irec.forbund.parties
        kommuner = irec.forbund.kommun_weights
        weight_sum = sum(w for _, w in kommuner)
        rows = []
        for year, total in sorted(totals.items()):
            amounts = {"fk": total // 2, "region": total // 4}
            municipal = total - amounts["fk"] - amounts["region"]
            left = municipal
            for i, (code, weight) in enumerate(kommuner):
                share = left if i == len(kommuner) - 1 else round(municipal * weight / weight_sum)
                amounts[code] = share
                left -= share
            rows += [
                Financing(insats=irec.obj, year=year, party=parties[key], amount=amount)
                for key, amount in amounts.items()
            ]
        return rows

    def _staff(self, irec: _InsatsRec) -> list[StaffMember]:
        spec = irec.spec
        parties = irec.forbund.parties
        members = list(spec.staff)
        if not members and spec.kind == InsatsKind.INDIVIDUAL and spec.staff_size:
            members = self._invent_staff(irec)
        return [
            StaffMember(
                insats=irec.obj,
                name=s.name,
                role=s.role,
                fte_percent=Decimal(str(s.fte)),
                employer=parties[s.employer],
                start_date=s.start,
                end_date=s.end,
            )
            for s in members
        ]

    def _invent_staff(self, irec: _InsatsRec) -> list[world.Staff]:
        spec, rng = irec.spec, self.rng
        home = max(spec.municipalities or irec.forbund.kommun_weights, key=lambda cw: cw[1])[0]
        start = max(spec.start, dt.date(2016, 1, 1))

        def person() -> str:
            first = rng.choice(names.WOMEN if rng.random() < 0.7 else names.MEN)
            return f"{first} {rng.choice(names.SURNAMES)}"

        staff = [world.Staff(person(), "Verksamhetssamordnare/coach", 100, home, start)]
        for _ in range(spec.staff_size - 1):
            staff.append(
                world.Staff(person(), "Coach", rng.choice((100, 100, 80, 75)), home, start)
            )
        if spec.method == FollowUpMethod.PERSONAL:
            staff.append(
                world.Staff(person(), rng.choice(_STAFF_ROLES_REGION), 20, "region", start)
            )
            staff.append(world.Staff(person(), "Handläggare Försäkringskassan", 10, "fk", start))
            af_end = dt.date(2022, 8, 31) if rng.random() < 0.5 else None
            if spec.end and af_end and af_end > spec.end:
                af_end = spec.end
            staff.append(world.Staff(person(), "Arbetsförmedlare", 20, "af", start, af_end))
        if spec.end:
            staff = [
                world.Staff(s.name, s.role, s.fte, s.employer, s.start, s.end or spec.end)
                for s in staff
            ]
        return staff

    # -- users ----------------------------------------------------------------------------

    def _users(self) -> None:
        password = make_password(DEMO_PASSWORD)  # one hash for all: the demo has one password
        forbund_by_name = {f.spec.name: f for f in self.forbund}
        registrars: dict[str, int] = {}
        for uspec in world.USERS:
            sysadmin = uspec.role == Role.SYSADMIN
            user = User.objects.create(
                username=uspec.username,
                first_name=uspec.first_name,
                last_name=uspec.last_name,
                password=password,
                is_staff=sysadmin,
                is_superuser=sysadmin,
            )
            if uspec.insatser:
                for name in uspec.insatser:
                    irec = self.by_name[(uspec.forbund, name)]
                    RoleAssignment.objects.create(user=user, role=uspec.role, insats=irec.obj)
                    if uspec.role == Role.REGISTRATOR:
                        irec.registrar_id = irec.registrar_id or user.pk
                        registrars.setdefault(uspec.forbund, user.pk)
                if len(uspec.insatser) <= 2:
                    scope = ", ".join(uspec.insatser)
                else:
                    scope = gettext("%(count)s insatser of %(forbund)s") % {
                        "count": len(uspec.insatser),
                        "forbund": uspec.forbund,
                    }
            elif uspec.forbund:
                frec = forbund_by_name[uspec.forbund]
                RoleAssignment.objects.create(user=user, role=uspec.role, forbund=frec.obj)
                scope = uspec.forbund
            else:
                RoleAssignment.objects.create(user=user, role=uspec.role)
                scope = "–"
            if requires_two_factor(user):
                # In bulk, without the security log's signals: the demo users are told
                # of no "two-factor changed by the command line" at each log-in.
                TOTPDevice.objects.bulk_create(
                    [
                        TOTPDevice(
                            user=user,
                            name=DEMO_TOTP_DEVICE,
                            key=demo_totp_key().hex(),
                            confirmed=True,
                        )
                    ]
                )
            self.logins.append((uspec.username, str(ROLE_LABELS[uspec.role]), scope))
        # Insatser without a registrar of their own (ended projects) were registered by a
        # registrar of the same förbund.
        for irec in self.insatser:
            if irec.registrar_id is None:
                irec.registrar_id = registrars.get(irec.forbund.spec.name)

    def _evaluations(self) -> None:
        """Per förbund: seed 004's type cases with the seed's own benefit levels, and its
        first individual insats's participants who ended last year, valued with its
        outcome that year."""
        values = StandardValueSet.objects.filter(forbund=None).order_by("-price_year").first()
        seed_base = StandardValueSet.objects.filter(
            forbund=None, price_year=seed004.PRICE_YEAR
        ).first()
        if values is None or seed_base is None:
            return
        year = self.today.year - 1
        for frec in self.forbund:
            evaluation = Evaluation.objects.create(
                forbund=frec.obj,
                name=gettext("Type cases as in the NyttoSam example"),
                method=Method.TYPE_CASES,
                value_set=self._seed_values(frec.obj, seed_base),
                participants=seed004.PARTICIPANTS,
                cost=seed004.COST,
                indirect_tax_factor=Decimal(str(seed004.INDIRECT_TAX_FACTOR)),
                actor_cost=seed004.ACTOR_COST.value,
                wage_subsidy_ceiling=seed004.WAGE_SUBSIDY_CEILING,
                before_supply=typecases.before_supply(),
                before_resources=dict(seed004.RESOURCE_USE),
                **NYTTOSAM,
            )
            bulk_create_with_history(
                [
                    TypeCaseGroup(evaluation=evaluation, position=i, **row)
                    for i, row in enumerate(typecases.group_rows())
                ],
                TypeCaseGroup,
            )
            threshold = frec.obj.suppression_threshold
            irec = next(
                (
                    i
                    for i in self.insatser
                    if i.forbund is frec
                    and i.obj.has_personal_data
                    and i.obj.enrolments.filter(end_date__year=year)
                    .exclude(end_reason__code="felregistrering")
                    .count()
                    >= threshold
                ),
                None,
            )
            if irec is None:
                continue
            cost = BudgetLine.objects.filter(insats=irec.obj, year=year).aggregate(
                total=Coalesce(Sum("outcome"), Sum("budget"))
            )["total"]
            if cost:
                start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
                # The demo builder runs as the operator (``samspar demo``): it reads
                # every enrolment, explicitly, as it wrote them.
                registry = (Enrolment.objects.all(), irec.obj.pk, start, end)
                individuals = Evaluation.objects.create(
                    forbund=frec.obj,
                    insats=irec.obj,
                    name=gettext("Participants who ended in %(year)s") % {"year": year},
                    method=Method.INDIVIDUALS,
                    value_set=values,
                    period_start=start,
                    period_end=end,
                    cost=cost,
                    before_resources=dict(seed004.RESOURCE_USE),
                    profiles=[
                        p.as_json() for p in economics_selectors.registry_profiles(*registry)
                    ],
                    population=economics_selectors.registry_population(*registry),
                    registry_as_of=timezone.now(),
                )
                bulk_create_with_history(
                    [
                        MappingRow(
                            evaluation=individuals,
                            end_reason=reason,
                            **asdict(economics_selectors.default_entry(reason)),
                        )
                        for reason in economics_selectors.mapping_reasons()
                    ],
                    MappingRow,
                )

    @staticmethod
    def _seed_values(forbund: Forbund, base: StandardValueSet) -> StandardValueSet:
        """The förbund's version of Samspår's values of seed 004's price year, with the
        seed's own values (``seed004.calibrated_set``: the 2025 values it was calibrated
        on and its back-solved levels, grade C), so that a corrected shipped set does not
        change the seed's figures."""
        own = StandardValueSet.objects.create(
            forbund=forbund,
            price_year=base.price_year,
            version=1,
            name=gettext("Standard values %(year)s with the NyttoSam example's levels")
            % {"year": base.price_year},
            based_on=base,
        )
        pinned = {v.key: v for v in seed004.calibrated_set().values}
        values = list(base.values.all())
        for v in values:
            v.pk, v.value_set = None, own
            if v.key in pinned:
                seed = pinned[v.key]
                v.amount, v.grade = Decimal(str(seed.amount)), seed.grade.value
                v.source = seed.source
        StandardValue.objects.bulk_create(values)
        return own

    # -- participants ---------------------------------------------------------------------

    def _arrivals(self) -> list[tuple[dt.date, int, _InsatsRec]]:
        rng = self.rng
        arrivals: list[tuple[dt.date, int, _InsatsRec]] = []
        for irec in self.insatser:
            spec = irec.spec
            if spec.method != FollowUpMethod.PERSONAL:
                continue
            first = max(spec.start, WARMUP_FROM)
            last = min(self.today, spec.end - dt.timedelta(days=45) if spec.end else self.today)
            noise = {y: rng.uniform(0.85, 1.15) for y in range(first.year, last.year + 1)}
            year, month = first.year, first.month
            while dt.date(year, month, 1) <= last:
                lam = (
                    spec.per_year
                    / 12
                    * self.scale
                    * _SEASON[month - 1]
                    * _SEASON_NORM
                    * _YEAR_FACTOR.get(year, 1.0)
                    * (1 + 0.02 * (year - 2019))
                    * noise[year]
                )
                days = calendar.monthrange(year, month)[1]
                for _ in range(_poisson(rng, lam)):
                    day = _weekday(dt.date(year, month, rng.randint(1, days)))
                    if first <= day <= last:
                        arrivals.append((day, irec.index, irec))
                month += 1
                if month > 12:
                    year, month = year + 1, 1
        arrivals.sort(key=lambda a: (a[0], a[1]))
        return arrivals

    def _simulate(self) -> list[_EnrolmentPlan]:
        """Walk through the starts in date order, choosing who starts and how it goes."""
        rng = self.rng
        plans: list[_EnrolmentPlan] = []
        busy: dict[tuple[int, int], dt.date] = {}  # (person key, insats) → last day enrolled
        pools: dict[int, list[tuple[_PersonPlan, dt.date]]] = defaultdict(list)  # per förbund
        transfers: dict[int, list[tuple[_PersonPlan, dt.date]]] = defaultdict(list)  # per insats
        for start, _, irec in self._arrivals():
            spec = irec.spec
            person: _PersonPlan | None = None
            transferred = False
            if spec.transfers_from and rng.random() < TRANSFER_SHARE:
                source = self.by_name[(irec.forbund.spec.name, spec.transfers_from)]
                pool = transfers[source.index]
                pool[:] = [(p, end) for p, end in pool if end >= start - dt.timedelta(days=60)]
                for i, (candidate, end) in enumerate(pool):
                    if end < start and self._free(busy, candidate, irec, start):
                        person, transferred = candidate, True
                        del pool[i]
                        break
            if person is None and rng.random() < REENROL_SHARE:
                pool = pools[irec.forbund.index]
                for _ in range(min(20, len(pool))):
                    candidate, end = rng.choice(pool)
                    if end <= start - dt.timedelta(days=90) and self._free(
                        busy, candidate, irec, start
                    ):
                        person = candidate
                        break
            if person is None:
                person = self._new_person(irec, start)
            plan = self._enrolment(irec, person, start, transferred)
            busy[(person.key, irec.index)] = plan.end or dt.date.max
            if plan.end is not None:
                pools[irec.forbund.index].append((person, plan.end))
                if plan.end_reason == "annan-rehab":
                    transfers[irec.index].append((person, plan.end))
            if plan.end is None or plan.end >= HISTORY_FROM:
                plans.append(plan)
        return plans

    def _free(
        self,
        busy: dict[tuple[int, int], dt.date],
        person: _PersonPlan,
        irec: _InsatsRec,
        start: dt.date,
    ) -> bool:
        age = age_on(person.birth, start)
        return busy.get((person.key, irec.index), dt.date.min) < start and 18 <= age <= 64

    def _new_person(self, irec: _InsatsRec, start: dt.date) -> _PersonPlan:
        rng, spec = self.rng, irec.spec
        if spec.young:
            age = 18 + 12 * rng.betavariate(1.5, 2.0)
        else:
            age = 18 + 47 * rng.betavariate(1.6, 2.6)
        birth = start - dt.timedelta(days=int(age * 365.25))
        while age_on(birth, start) < 18:
            birth -= dt.timedelta(days=30)
        while age_on(birth, start) > 64:
            birth += dt.timedelta(days=30)
        man = rng.random() >= spec.women
        coordination = rng.random() < 0.015
        education = _weighted(rng, _EDUCATION)
        if age_on(birth, start) < 20 and education.startswith("eftergymnasial"):
            education = "gymnasial"
        return _PersonPlan(
            key=len(self.used_pnr),
            canonical=self._pnr(birth, man, coordination),
            birth=birth,
            man=man,
            coordination=coordination,
            first=rng.choice(names.MEN if man else names.WOMEN),
            last=rng.choice(names.SURNAMES),
            education=education,
            home=_weighted(rng, spec.municipalities or irec.forbund.kommun_weights),
        )

    def _pnr(self, birth: dt.date, man: bool, coordination: bool) -> str:
        """A valid twelve-digit personnummer (or samordningsnummer, day + 60), not used yet."""
        day = birth.day + (60 if coordination else 0)
        while True:
            third = self.rng.choice("13579" if man else "02468")
            serial = f"{self.rng.randint(1, 99):02d}{third}"
            nine = f"{birth:%y%m}{day:02d}{serial}"
            canonical = f"{birth:%Y%m}{day:02d}{serial}{luhn_check_digit(nine)}"
            if canonical not in self.used_pnr:
                self.used_pnr.add(canonical)
                return canonical

    def _supply_before(self, irec: _InsatsRec, age: int) -> list[str]:
        rng = self.rng
        boost = dict(irec.spec.supply_boost)
        weights = []
        for code, weight in _FIRST_SUPPLY:
            if (code == "aktivitetsersattning" and age >= 30) or (
                code == "sjukersattning" and age < 30
            ):
                continue
            weights.append((code, weight * boost.get(code, 1.0)))
        first = _weighted(rng, tuple(weights))
        supply = [first]
        if first != "ingen" and rng.random() < 0.28:
            supply.append(_weighted(rng, _SECOND_SUPPLY[first]))
        return supply

    def _referring(self, irec: _InsatsRec, supply: list[str]) -> str:
        factors = {
            "sjukpenning": ("fk", 3.0),
            "aktivitetsersattning": ("fk", 2.0),
            "forsorjningsstod": ("kommun-socialtjanst", 2.0),
            "aktivitetsstod": ("af", 3.0),
            "a-kassa": ("af", 3.0),
            "etableringsersattning": ("af", 3.0),
        }
        boost = factors.get(supply[0])
        weights = tuple(
            (code, weight * (boost[1] if boost and boost[0] == code else 1.0))
            for code, weight in (irec.spec.referrals or world.DEFAULT_REFERRALS)
        )
        return _weighted(self.rng, weights)

    def _occupation_before(self, supply: list[str]) -> tuple[str, int]:
        rng = self.rng
        if "lon" in supply:
            return "arbete", rng.choice((25, 25, 50))
        if "studiemedel" in supply:
            return "studier", rng.choice((50, 75, 100))
        if supply[0] in ("aktivitetsstod", "a-kassa", "etableringsersattning"):
            return "arbetssokande", 100
        if rng.random() < 0.1:
            return "arbetssokande", 100
        return "ingen", 0

    def _years_in_support(self, supply: list[str], age: int) -> Decimal | None:
        rng = self.rng
        if rng.random() < 0.03:
            return None  # not known
        if all(code in _NO_PUBLIC_SUPPORT for code in supply):
            return Decimal(0)
        years = min(rng.gammavariate(1.6, 5.5 / 1.6), 15.0, max(age - 16.5, 0.2))
        return Decimal(str(round(max(years, 0.1), 1)))

    def _enrolment(
        self, irec: _InsatsRec, person: _PersonPlan, start: dt.date, transferred: bool
    ) -> _EnrolmentPlan:
        rng, spec = self.rng, irec.spec
        age = age_on(person.birth, start)
        kommuner = spec.municipalities or irec.forbund.kommun_weights
        if person.home not in dict(kommuner):
            person.home = _weighted(rng, kommuner)
        staying = person.coordination or rng.random() < spec.staying_share
        referral = None
        if rng.random() < 0.88:
            referral = start - dt.timedelta(days=int(rng.triangular(5, 75, 20)))
        consent = start
        if referral and rng.random() < 0.3:
            consent = referral + dt.timedelta(days=rng.randint(0, (start - referral).days))
        supply = self._supply_before(irec, age)
        occupation, percent = self._occupation_before(supply)
        plan = _EnrolmentPlan(
            insats=irec,
            person=person,
            start=start,
            referral=referral,
            consent=consent,
            municipality=person.home,
            residence=ResidenceKind.STAYING if staying else ResidenceKind.REGISTERED,
            referring="ovrig" if transferred else self._referring(irec, supply),
            supply_before=supply,
            years=self._years_in_support(supply, age),
            education=person.education,
            occupation_before=occupation,
            occupation_before_pct=percent,
            notes=rng.choice(_NOTES) if rng.random() < 0.04 else "",
        )
        self._ending(plan, age)
        return plan

    def _ending(self, plan: _EnrolmentPlan, age: int) -> None:
        """Decide how long the enrolment lasts and how it ends (if it has ended by today)."""
        rng, spec = self.rng, plan.insats.spec
        trial_days = max(spec.trial_months, 1) * 30
        if rng.random() < DROPOUT_SHARE:
            end = plan.start + dt.timedelta(days=rng.randint(5, trial_days))
            reason, dropout = _weighted(rng, _DROPOUT_REASONS), True
        else:
            months = min(rng.gammavariate(2.0, spec.mean_months / 2.0), 48.0)
            end = plan.start + dt.timedelta(days=max(int(months * 30.44), trial_days // 2))
            reason, dropout = self._end_reason(plan, age), False
            if reason == "felregistrering":
                end = plan.start
        if spec.end and end > spec.end:
            end = spec.end
            reason, dropout = _weighted(rng, _PROJECT_CLOSED_REASONS), False
        if end > self.today:
            return  # still enrolled
        plan.end, plan.end_reason, plan.dropout = end, reason, dropout
        self._after(plan, age)

    def _end_reason(self, plan: _EnrolmentPlan, age: int) -> str:
        factors: dict[str, float] = defaultdict(lambda: 1.0)
        if age < 30:
            factors["studier"] = 2.0
            factors["ersattning"] = 0.5
        elif age >= 45:
            factors["studier"] = 0.3
            factors["ersattning"] = 2.0
        if plan.person.man or not 20 <= age <= 44:
            factors["foraldraledighet"] = 0.2
        if plan.education.startswith("eftergymnasial"):
            factors["arbete"] = 1.4
        weights = tuple(
            (code, w * factors[code])
            for code, w in (plan.insats.spec.end_reasons or world.DEFAULT_END_REASONS)
        )
        return _weighted(self.rng, weights)

    def _after(self, plan: _EnrolmentPlan, age: int) -> None:
        """The situation after the insats, consistent with the end reason."""
        rng, reason = self.rng, plan.end_reason
        before = list(plan.supply_before)
        if reason == "felregistrering":
            return
        if plan.dropout:
            plan.supply_after = before if rng.random() < 0.7 else []
            if plan.supply_after:
                plan.occupation_after, plan.occupation_after_pct = "ingen", 0
            return
        occupation, percent = "ingen", 0
        if reason in ("arbete", "arbete-med-stod"):
            occupation, percent = "arbete", _weighted_int(rng, ((100, 45), (75, 25), (50, 25)))
            supply = ["lon"]
            if percent < 100 and rng.random() < 0.2:
                supply.append("forsorjningsstod")
            plan.works = True
        elif reason == "studier":
            occupation, percent = "studier", _weighted_int(rng, ((100, 60), (75, 10), (50, 30)))
            supply = ["studiemedel"]
            plan.studies = True
        elif reason == "annan-rehab":
            supply = before if rng.random() < 0.7 else ["aktivitetsstod"]
            if rng.random() < 0.4:
                occupation, percent = "arbetssokande", 100
        elif reason == "arbetssokande":
            supply = [
                _weighted(rng, (("aktivitetsstod", 50), ("a-kassa", 15), ("forsorjningsstod", 35)))
            ]
            occupation, percent = "arbetssokande", 100
        elif reason == "ersattning":
            supply = ["sjukersattning" if age >= 30 else "aktivitetsersattning"]
        elif reason == "medicinsk-rehab":
            supply = [_weighted(rng, (("sjukpenning", 50), ("forsorjningsstod", 40)))]
            if rng.random() < 0.1:
                supply = before
        elif reason == "foraldraledighet":
            supply = ["annan"]
        else:  # moved, discontinued, other
            supply = before
        plan.supply_after = list(dict.fromkeys(supply))
        plan.occupation_after, plan.occupation_after_pct = occupation, percent
        if plan.works or plan.studies:
            same = occupation == plan.occupation_before
            plan.increased = not same or percent > plan.occupation_before_pct
        self._follow_ups(plan)

    def _follow_ups(self, plan: _EnrolmentPlan) -> None:
        rng = self.rng
        assert plan.end is not None
        if rng.random() >= FOLLOW_UP_SHARE:
            return
        works, studies = plan.works, plan.studies
        for months, keep in ((6, 1.0), (12, 0.7)):
            day = add_months(plan.end, months)
            if day > self.today or rng.random() >= keep:
                return
            works = rng.random() < (0.85 if works else 0.1)
            studies = not works and rng.random() < (0.8 if studies else 0.05)
            if works:
                occupation, percent, supply = "arbete", rng.choice((50, 75, 100, 100)), ["lon"]
            elif studies:
                occupation, percent, supply = "studier", rng.choice((50, 100)), ["studiemedel"]
            else:
                occupation, percent = ("arbetssokande", 100) if rng.random() < 0.3 else ("ingen", 0)
                supply = plan.supply_after or plan.supply_before
            if self.reach.random() < NOT_REACHED_SHARE:
                plan.follow_ups.append(_FollowUpPlan(months, day, [], "", 0, False, False, False))
                continue
            plan.follow_ups.append(
                _FollowUpPlan(months, day, list(supply), occupation, percent, works, studies)
            )

    # -- writing --------------------------------------------------------------------------

    def _write_participants(self, plans: list[_EnrolmentPlan]) -> int:
        persons: list[_PersonPlan] = []
        seen: set[int] = set()
        for plan in plans:
            if plan.person.key not in seen:
                seen.add(plan.person.key)
                persons.append(plan.person)
        for p in persons:
            p.obj = Person(
                pnr_encrypted=crypto.encrypt(p.canonical),
                pnr_hash=crypto.lookup_hash(p.canonical),
                is_coordination_number=p.coordination,
                birth_date=p.birth,
                gender="M" if p.man else "K",
            )
        Person.objects.bulk_create([p.obj for p in persons if p.obj], batch_size=BATCH)

        ids = self.supply_ids
        enrolments = [self._enrolment_row(plan) for plan in plans]
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        before_model = Enrolment.supply_before.through
        after_model = Enrolment.supply_after.through
        before = [
            before_model(enrolment_id=e.pk, supplytype_id=ids[c])
            for e, plan in zip(enrolments, plans, strict=True)
            for c in plan.supply_before
        ]
        after = [
            after_model(enrolment_id=e.pk, supplytype_id=ids[c])
            for e, plan in zip(enrolments, plans, strict=True)
            for c in plan.supply_after
        ]
        before_model.objects.bulk_create(before, batch_size=BATCH)
        after_model.objects.bulk_create(after, batch_size=BATCH)
        self._write_history(plans, enrolments, before, after)

        follow_ups: list[FollowUp] = []
        follow_up_supply: list[list[str]] = []
        for e, plan in zip(enrolments, plans, strict=True):
            for f in plan.follow_ups:
                follow_ups.append(
                    FollowUp(
                        enrolment=e,
                        months_after=f.months,
                        date=f.date,
                        reached=f.reached,
                        occupation_id=self.occupation_ids[f.occupation] if f.reached else None,
                        occupation_percent=f.percent if f.reached else None,
                        works=f.works,
                        studies=f.studies,
                    )
                )
                follow_up_supply.append(f.supply)
        FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
        supply_model = FollowUp.supply.through
        supply_model.objects.bulk_create(
            [
                supply_model(followup_id=f.pk, supplytype_id=ids[c])
                for f, supply in zip(follow_ups, follow_up_supply, strict=True)
                for c in supply
            ],
            batch_size=BATCH,
        )
        return len(persons)

    def _enrolment_row(self, plan: _EnrolmentPlan) -> Enrolment:
        assert plan.person.obj is not None
        enrolment = Enrolment(
            insats=plan.insats.obj,
            first_name=plan.person.first,
            last_name=plan.person.last,
            start_date=plan.start,
            referral_date=plan.referral,
            consent_date=plan.consent,
            municipality_id=plan.municipality,
            residence_kind=plan.residence,
            referring_actor_id=self.referring_ids[plan.referring],
            years_in_public_support=plan.years,
            education_level_id=self.education_ids[plan.education],
            occupation_before_id=self.occupation_ids[plan.occupation_before],
            occupation_before_percent=plan.occupation_before_pct,
            end_date=plan.end,
            early_dropout=plan.dropout,
            end_reason_id=self.end_reason_ids[plan.end_reason] if plan.end_reason else None,
            occupation_after_id=(
                self.occupation_ids[plan.occupation_after] if plan.occupation_after else None
            ),
            occupation_after_percent=plan.occupation_after_pct,
            works_after=plan.works,
            studies_after=plan.studies,
            work_or_studies_increased=plan.increased,
            notes=plan.notes,
            created_by_id=plan.insats.registrar_id,
        )
        enrolment.take_person_facts(plan.person.obj)
        return enrolment

    def _write_history(
        self,
        plans: Sequence[_EnrolmentPlan],
        enrolments: Sequence[Enrolment],
        before: Sequence[models.Model],
        after: Sequence[models.Model],
    ) -> None:
        """What the services would have left: "+" at the start, "~" when the end was registered."""
        history = Enrolment.history.model
        tracked = [f.attname for f in history.tracked_fields]
        at_start = {
            "end_date": None,
            "early_dropout": False,
            "end_reason_id": None,
            "occupation_after_id": None,
            "occupation_after_percent": None,
            "works_after": False,
            "studies_after": False,
            "work_or_studies_increased": False,
        }
        rows: list[Any] = []
        for e, plan in zip(enrolments, plans, strict=True):
            values = {name: getattr(e, name) for name in tracked}
            common = {"history_user_id": plan.insats.registrar_id, "history_change_reason": None}
            rows.append(
                history(
                    **{**values, **at_start},
                    **common,
                    history_date=self._aware(plan.start),
                    history_type="+",
                )
            )
            if plan.end is not None:
                rows.append(
                    history(
                        **values, **common, history_date=self._aware(plan.end), history_type="~"
                    )
                )
        history.objects.bulk_create(rows, batch_size=BATCH)
        by_enrolment: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            by_enrolment[row.id].append(row)
        m2m_before = apps.get_model("registry", "HistoricalEnrolment_supply_before")
        m2m_after = apps.get_model("registry", "HistoricalEnrolment_supply_after")
        before_rows = [
            m2m_before(
                id=t.pk,
                history=h,
                enrolment_id=t.enrolment_id,  # type: ignore[attr-defined]
                supplytype_id=t.supplytype_id,  # type: ignore[attr-defined]
            )
            for t in before
            for h in by_enrolment[t.enrolment_id]  # type: ignore[attr-defined]
        ]
        after_rows = [
            m2m_after(
                id=t.pk,
                history=h,
                enrolment_id=t.enrolment_id,  # type: ignore[attr-defined]
                supplytype_id=t.supplytype_id,  # type: ignore[attr-defined]
            )
            for t in after
            for h in by_enrolment[t.enrolment_id]  # type: ignore[attr-defined]
            if h.history_type == "~"
        ]
        m2m_before.objects.bulk_create(before_rows, batch_size=BATCH)
        m2m_after.objects.bulk_create(after_rows, batch_size=BATCH)

    # -- aggregates -----------------------------------------------------------------------

    def _aggregates(self) -> int:
        rng = self.rng
        anonymous: list[AnonymousEnrolment] = []
        volume: list[VolumeCount] = []
        structural: list[StructuralCount] = []
        waiting: list[WaitingListCount] = []
        for irec in self.insatser:
            spec, insats = irec.spec, irec.obj
            for year in self._years(spec):
                fraction = self._year_fraction(year)
                noise = rng.uniform(0.85, 1.15) * _YEAR_FACTOR.get(year, 1.0)
                start, end = self._period(spec, year)
                if insats.takes_anonymous:
                    rate = spec.per_year if spec.method == FollowUpMethod.ANONYMOUS else 0.0
                    rate = rate or spec.anonymous_per_year
                    for _ in range(_poisson(rng, rate * self.scale * fraction * noise)):
                        gender = _weighted(rng, (("K", 55), ("M", 43), ("X", 2)))
                        reason = AnonymousReason.NO_CONSENT
                        if spec.method == FollowUpMethod.PERSONAL and rng.random() < 0.4:
                            reason = AnonymousReason.PROTECTED_IDENTITY
                        anonymous.append(
                            AnonymousEnrolment(
                                insats=insats, gender=gender, start_year=year, reason=reason
                            )
                        )
                if insats.takes_volume_counts:
                    total = self._scaled(spec.per_year * fraction * noise)
                    women = sum(1 for _ in range(total) if rng.random() < 0.56)
                    unknown = sum(1 for _ in range(total - women) if rng.random() < 0.02)
                    for gender, count in (
                        (CountGender.WOMAN, women),
                        (CountGender.MAN, total - women - unknown),
                        (CountGender.UNKNOWN, unknown),
                    ):
                        if count or gender != CountGender.UNKNOWN:
                            volume.append(
                                VolumeCount(
                                    insats=insats,
                                    period_start=start,
                                    period_end=end,
                                    gender=gender,
                                    count=count,
                                )
                            )
                if insats.is_structural:
                    events = 0.5 if year == 2020 else 1.0
                    total = self._scaled(spec.per_year * fraction * noise * events)
                    structural += self._structural_rows(irec, start, end, total)
            if spec.method == FollowUpMethod.PERSONAL and spec.kind == InsatsKind.INDIVIDUAL:
                waiting += self._waiting(irec)
        AnonymousEnrolment.objects.bulk_create(anonymous, batch_size=BATCH)
        VolumeCount.objects.bulk_create(volume, batch_size=BATCH)
        StructuralCount.objects.bulk_create(structural, batch_size=BATCH)
        WaitingListCount.objects.bulk_create(waiting, batch_size=BATCH)
        return len(anonymous)

    def _structural_rows(
        self, irec: _InsatsRec, start: dt.date, end: dt.date, total: int
    ) -> list[StructuralCount]:
        """Participants from the parties' staff: mostly kommun, then region, FK and AF."""
        parties = irec.forbund.parties
        weights = [("region", 25.0), ("fk", 15.0), ("af", 15.0)]
        kommun_sum = sum(w for _, w in irec.forbund.kommun_weights)
        weights += [(code, 45.0 * w / kommun_sum) for code, w in irec.forbund.kommun_weights]
        counts: dict[str, int] = defaultdict(int)
        for _ in range(total):
            counts[_weighted(self.rng, tuple(weights))] += 1
        return [
            StructuralCount(
                insats=irec.obj,
                period_start=start,
                period_end=end,
                party=parties[key],
                count=counts[key],
            )
            for key, _ in weights
            if counts[key]
        ]

    def _waiting(self, irec: _InsatsRec) -> list[WaitingListCount]:
        """Year-end waiting lists, and one at the end of last month for running insatser."""
        spec = irec.spec
        days = [dt.date(y, 12, 31) for y in self._years(spec) if dt.date(y, 12, 31) < self.today]
        if not spec.end or spec.end >= self.today:
            month_end = self.today.replace(day=1) - dt.timedelta(days=1)
            if month_end not in days:
                days.append(month_end)
        rows = []
        for day in days:
            if spec.end and day > spec.end:
                continue
            count = world.EXACT_WAITING.get((spec.name, day))  # a seed's figure, not scaled
            if count is None:
                count = _poisson(self.rng, spec.per_year / 10 * self.scale)
            rows.append(WaitingListCount(insats=irec.obj, date=day, count=count))
        return rows


def _weighted_int(rng: random.Random, weights: tuple[tuple[int, float], ...]) -> int:
    return rng.choices([k for k, _ in weights], [w for _, w in weights])[0]
