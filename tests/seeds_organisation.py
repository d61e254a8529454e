"""Registry data from which the reports must give seed 003's numbers (Samordningsförbundet
Sydnärke, 2019; the seed's OCR calls it "Sydörarna").

These are inputs, not outputs: insatser, plans, participants and counts registered
through the services, chosen so that the definitions of docs/definitions.md reproduce the
figures the seed prints. Where the seed contradicts itself, docs/definitions.md
("Seed 003") says which figure the data reproduce and why.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.contrib.auth.models import User

from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.organisation import services as setup
from samspar.organisation.models import (
    FollowUpMethod,
    Forbund,
    Insats,
    InsatsKind,
    Municipality,
    Team,
)
from samspar.registry import services as registry
from samspar.registry.models import AnonymousReason, CountGender
from tests.factories import code, enrol, make_forbund, make_pnr, make_user

SYDNARKE_YEAR = (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
ASKERSUND, HALLSBERG, KUMLA, LAXA = "1882", "1861", "1881", "1860"

GOAL_REASONS = ("arbete", "studier", "annan-rehab")
OTHER_REASONS = ("arbetssokande", "medicinsk-rehab", "avbrott")
WORKS_OR_STUDIES = {"arbete": "works_after", "studier": "studies_after"}


@dataclass(frozen=True)
class Cell:
    """The participants of one insats from one home municipality (seed 003's "Hemvist",
    "Inflöde" and "Utflöde" tables)."""

    municipality: str
    carried_over: int  # started in 2018, still enrolled on 1 January 2019
    new: int  # started in 2019
    ended: int  # in 2019; the carried over end first
    to_goal: int  # of the ended: work, studies or other work-oriented rehabilitation
    to_compensation: int = 0  # of the ended: sickness or activity compensation


@dataclass(frozen=True)
class Women:
    """How many of a group (carried over or new) are women, and how many of those ended."""

    total: int
    ended: int


@dataclass(frozen=True)
class IndividualInsats:
    name: str
    team: str
    budgeted: int
    start: dt.date
    cells: tuple[Cell, ...] = ()
    women_carried_over: Women = Women(0, 0)
    women_new: Women = Women(0, 0)
    anonymous: tuple[str, ...] = ()  # genders of anonymous participants (skyddad identitet)
    volume: int = 0  # a volume insats: participants counted, no persons


MT, CT = "Mottagningsteamet", "Coachingteamet"
EARLY = dt.date(2015, 1, 1)
VAXA_START = dt.date(2019, 1, 1)  # "Projekt Växa, start 2019-01-01"

INDIVIDUAL = (
    IndividualInsats(
        "Mottagningsteam Sydnärke",
        MT,
        100,
        EARLY,
        cells=(
            Cell(ASKERSUND, 7, 20, 20, 10, 1),
            Cell(HALLSBERG, 8, 16, 19, 11, 1),
            Cell(KUMLA, 10, 40, 43, 27, 2),  # + the anonymous participant: 10 + 41 = 51
            Cell(LAXA, 9, 14, 20, 16, 1),
        ),
        women_carried_over=Women(14, 14),
        women_new=Women(55, 48),
        anonymous=(CountGender.WOMAN,),
    ),
    IndividualInsats(
        "Coachingteam Sydnärke",
        CT,
        100,
        EARLY,
        cells=(
            Cell(ASKERSUND, 12, 8, 12, 8),
            Cell(HALLSBERG, 13, 13, 20, 9),
            Cell(KUMLA, 23, 33, 30, 19),  # the seed's team table: 22 + 34, 32 ended
            Cell(LAXA, 10, 8, 12, 8),
        ),
        women_carried_over=Women(37, 37),
        women_new=Women(43, 10),
    ),
    IndividualInsats(
        "Projekt Växa/Mottagningsteam",
        MT,
        10,
        VAXA_START,
        cells=(
            Cell(ASKERSUND, 0, 1, 0, 0),
            Cell(HALLSBERG, 0, 4, 3, 2),
            Cell(KUMLA, 0, 3, 2, 1),
            Cell(LAXA, 0, 3, 3, 3),
        ),
        women_new=Women(4, 2),
    ),
    IndividualInsats(
        "Projekt Växa/Coachingteam",
        CT,
        15,
        VAXA_START,
        cells=(
            Cell(HALLSBERG, 0, 5, 4, 3),
            Cell(KUMLA, 0, 1, 0, 0),
            Cell(LAXA, 0, 2, 1, 1),
        ),
        women_new=Women(4, 2),
        anonymous=(CountGender.WOMAN, CountGender.WOMAN, CountGender.MAN),
    ),
    IndividualInsats("Rådgivande ärende i Mottagningsteamet", MT, 150, EARLY, volume=163),
)

# Seed 003, "Strukturövergripande insatser": (name, budgeted, outcome).
STRUCTURAL = (
    ("Kompetensutveckling till handläggare", 30, 25),
    ("Rehabiliteringsmässan 2019", 150, 220),
    ("Gemensam samverkansdag", 60, 60),
    ("Behovsinventering", 35, 37),
)

# "45 deltagare av totalt 189 avslutade … arbetar/studerar efter insats"; the seed's chart
# of 90 (58 women, 32 men) shows these 45 twice: as working or studying after, and as
# having started or increased work or studies.
WORKS_OR_STUDIES_AFTER = {"women": 29, "men": 16}


@dataclass
class Sydnarke:
    forbund: Forbund
    insatser: dict[str, Insats]
    admin: User  # förbund administrator: plans and counts
    registrator: User  # registers in every insats, so sees exact counts
    board: User  # reads the förbund's reports, suppressed


@dataclass(frozen=True)
class _Participation:
    municipality: str
    carried_over: bool
    reason: str | None  # None: still enrolled at the end of 2019


def _participations(spec: IndividualInsats, carried_over: bool) -> list[_Participation]:
    """The carried over or the new of one insats, ended ones first."""
    ended: list[_Participation] = []
    active: list[_Participation] = []
    for cell in spec.cells:
        goal = itertools.cycle(GOAL_REASONS)
        other = itertools.cycle(OTHER_REASONS)
        reasons = [next(goal) for _ in range(cell.to_goal)]
        reasons += ["ersattning"] * cell.to_compensation
        reasons += [next(other) for _ in range(cell.ended - cell.to_goal - cell.to_compensation)]
        ended_carried = min(cell.ended, cell.carried_over)
        mine = reasons[:ended_carried] if carried_over else reasons[ended_carried:]
        size = cell.carried_over if carried_over else cell.new
        ended += [_Participation(cell.municipality, carried_over, r) for r in mine]
        active += [_Participation(cell.municipality, carried_over, None)] * (size - len(mine))
    return ended + active


def build_sydnarke() -> Sydnarke:
    forbund = make_forbund("Samordningsförbundet Sydnärke", county="18")
    admin = make_user("sydnarke-admin", Role.FORBUND_ADMIN, forbund=forbund)
    board = make_user("sydnarke-styrelse", Role.BOARD, forbund=forbund)
    registrator = User.objects.create_user(username="sydnarke-coach", password="pw")
    teams = {name: Team.objects.create(forbund=forbund, name=name) for name in (MT, CT)}
    world = Sydnarke(forbund, {}, admin, registrator, board)
    year_start, year_end = SYDNARKE_YEAR

    def create(name: str, **fields: object) -> Insats:
        insats = setup.create_insats(admin, forbund, name=name, **fields)
        RoleAssignment.objects.create(user=registrator, role=Role.REGISTRATOR, insats=insats)
        world.insatser[name] = insats
        return insats

    after_left = dict(WORKS_OR_STUDIES_AFTER)
    serial = itertools.count()
    for spec in INDIVIDUAL:
        insats = create(
            spec.name,
            team=teams[spec.team],
            kind=InsatsKind.INDIVIDUAL,
            follow_up_method=FollowUpMethod.VOLUME if spec.volume else FollowUpMethod.PERSONAL,
            start_date=spec.start,
        )
        setup.set_insats_year(admin, insats, 2019, spec.budgeted)
        if spec.volume:
            registry.record_volume_count(
                user=admin,
                insats=insats,
                period_start=year_start,
                period_end=year_end,
                gender=CountGender.UNKNOWN,
                count=spec.volume,
            )
        for gender in spec.anonymous:
            registry.register_anonymous(
                user=registrator,
                insats=insats,
                gender=gender,
                start_year=2019,
                reason=AnonymousReason.PROTECTED_IDENTITY,
            )
        for carried_over, women in [(True, spec.women_carried_over), (False, spec.women_new)]:
            group = _participations(spec, carried_over)
            n_ended = sum(1 for p in group if p.reason)
            assert women.ended <= n_ended and women.total - women.ended <= len(group) - n_ended
            for i, p in enumerate(group):
                woman = i < women.ended if p.reason else i - n_ended < women.total - women.ended
                _register(world, insats, p, woman, next(serial), after_left)
    assert after_left == {"women": 0, "men": 0}

    for name, budgeted, outcome in STRUCTURAL:
        insats = create(
            name,
            kind=InsatsKind.STRUCTURAL,
            follow_up_method=FollowUpMethod.VOLUME,
            start_date=year_start,
        )
        setup.set_insats_year(admin, insats, 2019, budgeted)
        registry.record_structural_count(
            user=admin,
            insats=insats,
            period_start=year_start,
            period_end=year_end,
            party=None,
            count=outcome,
        )
    return world


def _register(
    world: Sydnarke,
    insats: Insats,
    p: _Participation,
    woman: bool,
    number: int,
    after_left: dict[str, int],
) -> None:
    """One participation through the registry service; each person has their own birth
    date, so no two share an identity number."""
    start = (
        dt.date(2018, 2, 1) + dt.timedelta(days=number % 200)
        if p.carried_over
        else max(insats.start_date, dt.date(2019, 1, 7) + dt.timedelta(days=number % 150))
    )
    fields: dict[str, object] = {}
    if p.reason:
        fields = {
            "end_date": dt.date(2019, 7, 1) + dt.timedelta(days=number % 150),
            "end_reason": code(codes.EndReason, p.reason),
        }
        gender = "women" if woman else "men"
        if p.reason in WORKS_OR_STUDIES and after_left[gender]:
            after_left[gender] -= 1
            fields[WORKS_OR_STUDIES[p.reason]] = True
            fields["work_or_studies_increased"] = True
    enrol(
        world.registrator,
        insats,
        personnummer_text=make_pnr(
            dt.date(1960, 1, 1) + dt.timedelta(days=37 * number), man=not woman
        ),
        first_name=f"Deltagare{number}",
        last_name="Sydnärke",
        start_date=start,
        consent_date=start,
        municipality=Municipality.objects.get(code=p.municipality),
        **fields,
    )
