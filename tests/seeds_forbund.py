"""Registry data from which the reports must give the numbers of seeds 000 and 001:
Södra Dalarnas samordningsförbund's three samverkansteam, 2015–2020.

These are inputs, not outputs: teams, insatser and participations registered through
the services, chosen so that the definitions of docs/definitions.md reproduce what the
seeds print (docs/definitions.md, "Seeds 000 and 001", says where they are vague and
what the data choose):

- seed 000 (2015–2018, base year 2015): participants worked with 100 in 2015 and 150 in
  2018 ("ökar stadigt, med 50 procent sedan 2015"); ended 35 and 70 ("en dubblering");
  result towards goal 13 of 25 = 52 % in 2015 and 45 of 69 = 65 % in 2018 ("från 52 till
  65 procent"; "Antal avslut det senaste året är 69 st varav 65 procent når målet");
  in 2018 Kraften Hedemora 33 of 45 = 73 %, Avesta 12 of 24 = 50 %; the throughput time
  of the 45 who ended towards the goal 18,8 months, Avesta's 12 15,6 and Hedemora's 33
  20,0 ("runt 20 månader");
- seed 001 (2019–2020): 164 worked with in 2020, 68 ended of whom 45 (66 %) towards the
  goal, 2019 24 of 51 = 47 %; the 68 had been in public support for 5 years on average
  before they started ("i genomsnitt levt på bidrag i fem år").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User

from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.organisation import services as setup
from samspar.organisation.models import FollowUpMethod, Forbund, Insats, InsatsKind, Team
from tests.factories import code, enrol, make_forbund, make_pnr, make_user

SEED_000_PERIOD = (dt.date(2015, 1, 1), dt.date(2018, 12, 31))
SEED_001_PERIOD = (dt.date(2019, 1, 1), dt.date(2020, 12, 31))
AVESTA, HEDEMORA, SATER = (
    "Samverkansteam Avesta",
    "Samverkansteam Kraften Hedemora",
    "Samverkansteam Säter",
)
# Each team's insats and its start ("Samverkansteam Säter startade under sommaren 2018";
# Avesta's start is seed 002's).
STARTS = {HEDEMORA: dt.date(2013, 1, 1), AVESTA: dt.date(2015, 5, 13), SATER: dt.date(2018, 7, 1)}


@dataclass(frozen=True)
class Ended:
    """The participations of one team that ended in one year."""

    team: str
    year: int
    ended: int
    dropouts: int
    to_goal: int
    # How many of them (early dropouts and those with ``goal_days`` aside) started the
    # year before; the others started in the year they ended.
    before: int = 0
    # Days from start to end of those who ended towards the goal, if the seed fixes them.
    goal_days: tuple[int, ...] = ()


def _spread(total: int, n: int) -> tuple[int, ...]:
    """``n`` whole numbers that differ by at most one and sum to ``total``."""
    return tuple(total // n + (i < total % n) for i in range(n))


ENDED = (
    # 2015 (the base year): 35 ended, 10 of them early dropouts, 13 of the 25 to goal.
    Ended(HEDEMORA, 2015, 25, 8, 9),
    Ended(AVESTA, 2015, 10, 2, 4),
    Ended(HEDEMORA, 2016, 25, 2, 13, before=23),
    Ended(AVESTA, 2016, 20, 1, 10, before=19),
    Ended(HEDEMORA, 2017, 30, 1, 18, before=10),
    Ended(AVESTA, 2017, 25, 1, 13, before=10),
    # 2018: 70 ended, 1 early dropout, 45 of 69 towards the goal; 15,6 months = 5 698 days
    # over Avesta's 12, 20,0 = 20 090 days over Hedemora's 33 (18,8 over the 45).
    Ended(HEDEMORA, 2018, 45, 0, 33, goal_days=_spread(20_090, 33)),
    Ended(AVESTA, 2018, 25, 1, 12, goal_days=_spread(5_698, 12)),
    # 2019: 24 of 51 = 47 %.
    Ended(HEDEMORA, 2019, 25, 0, 12, before=20),
    Ended(AVESTA, 2019, 20, 0, 9, before=15),
    Ended(SATER, 2019, 6, 0, 3, before=5),
    # 2020: 45 of 68 = 66 %.
    Ended(HEDEMORA, 2020, 30, 0, 21, before=18),
    Ended(AVESTA, 2020, 26, 0, 16, before=14),
    Ended(SATER, 2020, 12, 0, 8, before=8),
)
# Participants worked with per year: seed 000's 100 in 2015 and 150 in 2018 (+50 %),
# growing steadily in between, and seed 001's 164 in 2020.
WORKED_WITH = {2015: 100, 2016: 126, 2017: 135, 2018: 150, 2019: 157, 2020: 164}
# Those still enrolled at the end of 2020 start in these teams, in turn.
ACTIVE_TEAMS = (HEDEMORA, AVESTA, SATER)
# Time in public support before: 4 and 6 years in turn for the 68 ended in 2020 (mean 5,
# seed 001), 3 years for everyone else.
SUPPORT_2020 = (4, 6)


@dataclass(frozen=True)
class Participation:
    team: str
    start: dt.date
    end: dt.date | None = None
    reason: str = ""
    dropout: bool = False
    years: int = 3


def _ended(spec: Ended) -> list[Participation]:
    """``spec``'s participations: ends spread over the year, those towards the goal first
    and early dropouts last (40 days after their start); starts the year before for
    ``spec.before`` of them, in the year for the others, or the seed's days before the
    end."""
    first = max(dt.date(spec.year, 1, 10), STARTS[spec.team] + dt.timedelta(days=90))
    span = (dt.date(spec.year, 12, 20) - first).days
    kept = spec.ended - spec.dropouts
    goal_reasons = [("arbete", "studier", "annan-rehab")[i % 3] for i in range(spec.to_goal)]
    other_reasons = [("medicinsk-rehab", "ersattning")[i % 2] for i in range(kept - spec.to_goal)]
    result = []
    flexible = 0
    for i, reason in enumerate([*goal_reasons, *other_reasons, *["avbrott"] * spec.dropouts]):
        end = first + dt.timedelta(days=span * i // max(spec.ended - 1, 1))
        year_start = dt.date(spec.year, 1, 1)
        if reason == "avbrott":
            start = end - dt.timedelta(days=40)
        elif i < len(spec.goal_days):
            start = end - dt.timedelta(days=spec.goal_days[i])
        elif (flexible := flexible + 1) <= spec.before:
            start = dt.date(spec.year - 1, 6, 1) + dt.timedelta(days=(i * 11) % 180)
        else:
            start = year_start + dt.timedelta(days=(end - year_start).days * (i % 3) // 4)
        assert start >= STARTS[spec.team] or reason == "avbrott" or not spec.goal_days
        start = max(start, STARTS[spec.team])
        dropout = reason == "avbrott"
        years = SUPPORT_2020[i % 2] if spec.year == 2020 and not dropout else 3
        result.append(Participation(spec.team, start, end, reason, dropout, years))
    return result


def _worked_with(people: list[Participation], year: int) -> int:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return sum(1 for p in people if p.start <= last and (p.end is None or p.end >= first))


def participations() -> list[Participation]:
    """The ended of ENDED, and enough still enrolled at the end of 2020 — starting in the
    year that makes each year's participants WORKED_WITH — to reach them."""
    people = [p for spec in ENDED for p in _ended(spec)]
    added = 0
    for year, target in WORKED_WITH.items():
        # Those started before this year are worked with in it too.
        missing = target - _worked_with(people, year)
        assert missing >= 0, f"{year}: {-missing} too many ended to reach {target}"
        for i in range(missing):
            teams = [t for t in ACTIVE_TEAMS if STARTS[t] <= dt.date(year, 12, 1)]
            team = teams[(added + i) % len(teams)]
            start = max(dt.date(year, 2, 1), STARTS[team]) + dt.timedelta(days=(i * 7) % 150)
            people.append(Participation(team, start))
        added += missing
    return people


@dataclass
class SodraDalarna:
    forbund: Forbund
    insatser: dict[str, Insats]
    teams: dict[str, Team]
    admin: User
    registrator: User  # registers in every insats, so sees exact counts
    board: User  # sees the förbund with small counts suppressed


def build_sodra_dalarna() -> SodraDalarna:
    forbund = make_forbund()
    admin = make_user("sds-admin", Role.FORBUND_ADMIN, forbund=forbund)
    board = make_user("sds-styrelse", Role.BOARD, forbund=forbund)
    registrator = User.objects.create_user(username="sds-coach", password="pw")
    world = SodraDalarna(forbund, {}, {}, admin, registrator, board)
    for name, start in STARTS.items():
        team = setup.create_team(user=admin, forbund=forbund, name=name)
        insats = setup.create_insats(
            admin,
            forbund,
            name=name,
            team=team,
            kind=InsatsKind.INDIVIDUAL,
            follow_up_method=FollowUpMethod.PERSONAL,
            start_date=start,
        )
        RoleAssignment.objects.create(user=registrator, role=Role.REGISTRATOR, insats=insats)
        world.teams[name], world.insatser[name] = team, insats
    reasons: dict[str, object] = {}
    for i, p in enumerate(participations()):
        born = dt.date(1965, 1, 1) + dt.timedelta(days=17 * i)
        ending = {}
        if p.end is not None:
            if p.reason not in reasons:
                reasons[p.reason] = code(codes.EndReason, p.reason)
            ending = {
                "end_date": p.end,
                "end_reason": reasons[p.reason],
                "early_dropout": p.dropout,
            }
        enrol(
            registrator,
            world.insatser[p.team],
            personnummer_text=make_pnr(born, man=i % 2 == 0),
            start_date=p.start,
            consent_date=p.start,
            years_in_public_support=p.years,
            **ending,
        )
    return world
