"""A random registry to test every report of the catalogue on: the benchmark's generated
enrolments (samspar.bench) in one förbund of ten insatser, with teams, outcomes after
the insats drawn independently of the end reason, anonymous and volume-registered
participants (some of unknown gender), plans, structural counts and waiting lists.
Deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from samspar.bench.generate import generate
from samspar.bench.loader import load
from samspar.organisation.models import (
    FollowUpMethod,
    Forbund,
    Insats,
    InsatsKind,
    InsatsYear,
    Team,
)
from samspar.registry.models import (
    AnonymousEnrolment,
    Enrolment,
    StructuralCount,
    VolumeCount,
    WaitingListCount,
)

TODAY = dt.date(2024, 6, 30)
GENDERS = ("K", "M", "X")


@dataclass(frozen=True)
class World:
    forbund: Forbund
    insatser: list[Insats]
    teams: list[Team]


def build(seed: int, size: int) -> World:
    rng = random.Random(seed)
    forbund = load(generate(size, today=TODAY, seed=seed))
    insatser = list(forbund.insatser.order_by("pk"))
    teams = [Team.objects.create(forbund=forbund, name=f"Team {n}") for n in (1, 2)]
    for i, insats in enumerate(insatser[:7]):
        insats.team = teams[0] if i < 4 else teams[1]
        insats.save(update_fields=["team"])
    ended = list(Enrolment.objects.filter(insats__forbund=forbund, end_date__isnull=False))
    for enrolment in ended:
        enrolment.works_after = rng.random() < 0.35
        enrolment.studies_after = rng.random() < 0.2
        enrolment.work_or_studies_increased = rng.random() < 0.3
    fields = ["works_after", "studies_after", "work_or_studies_increased"]
    Enrolment.objects.bulk_update(ended, fields)
    years = range(TODAY.year - 3, TODAY.year + 1)
    for insats in insatser:
        for year in years:
            InsatsYear.objects.create(
                insats=insats, year=year, budgeted_participants=rng.randint(5, 40)
            )
            for _n in range(rng.choice((0, 0, 1, 2, 3, 6))):
                AnonymousEnrolment.objects.create(
                    insats=insats, gender=rng.choice(GENDERS), start_year=year, reason="samtycke"
                )
            WaitingListCount.objects.create(
                insats=insats, date=dt.date(year, 6, 1), count=rng.randint(0, 9)
            )
    volume = insatser[-1]
    volume.follow_up_method = FollowUpMethod.VOLUME
    volume.save(update_fields=["follow_up_method"])
    for year in years:
        for gender in GENDERS:
            VolumeCount.objects.create(
                insats=volume,
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 6, 30),
                gender=gender,
                count=rng.randint(0, 12),
            )
    structural = Insats.objects.create(
        forbund=forbund,
        name="Utbildning",
        kind=InsatsKind.STRUCTURAL,
        follow_up_method=FollowUpMethod.VOLUME,
        start_date=dt.date(TODAY.year - 3, 1, 1),
    )
    for year in years:
        StructuralCount.objects.create(
            insats=structural,
            period_start=dt.date(year, 3, 1),
            period_end=dt.date(year, 3, 31),
            count=rng.randint(1, 30),
        )
    return World(forbund, [*insatser, structural], teams)
