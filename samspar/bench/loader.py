"""Write the generated tuples into the Django database, as fast as the ORM allows.

Rows go in with ``bulk_create`` in batches, building model instances batch by batch so
that a million enrolments never sit in memory as model objects. Services and
``full_clean`` are bypassed, as in the demo builder: the generator keeps the rules the
database enforces. No history rows are written (no report reads them). The caller wraps
the load in a transaction and rolls it back (see ``runner``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from decimal import Decimal
from itertools import islice
from typing import TypeVar

from django.db import connection

from samspar.bench.generate import INSATSER, MUNICIPALITIES, BenchData, BenchPerson
from samspar.codelists import models as codes
from samspar.core import crypto
from samspar.organisation.models import FollowUpMethod, Forbund, Insats, InsatsKind, Municipality
from samspar.registry.models import Enrolment, Person

FORBUND_NAME = "Samspår benchmark"
BATCH = 2000
WORKS = {"arbete", "arbete-med-stod"}
STUDIES = {"studier"}

T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def insats_name(index: int) -> str:
    return f"Benchmark {index + 1}"


def load(data: BenchData) -> Forbund:
    """One förbund with INSATSER insatser holding every generated enrolment."""
    county_id = Municipality.objects.get(code=MUNICIPALITIES[0][0]).county_id
    forbund = Forbund.objects.create(name=FORBUND_NAME, county_id=county_id)
    first_start = min((e.start for e in data.enrolments), default=data.today)
    insatser = Insats.objects.bulk_create(
        Insats(
            forbund=forbund,
            name=insats_name(i),
            kind=InsatsKind.INDIVIDUAL,
            follow_up_method=FollowUpMethod.PERSONAL,
            start_date=min(first_start, data.today),
        )
        for i in range(INSATSER)
    )
    person_ids = _persons(data)
    _enrolments(data, person_ids, [i.pk for i in insatser])
    _analyze()
    return forbund


def _persons(data: BenchData) -> array[int]:
    ids: array[int] = array("q")
    for chunk in _chunks(data.persons, BATCH):
        objs = [
            Person(
                pnr_encrypted=crypto.encrypt(p.pnr),
                pnr_hash=crypto.lookup_hash(p.pnr),
                birth_date=p.birth,
                gender=_gender(p),
            )
            for p in chunk
        ]
        Person.objects.bulk_create(objs, batch_size=BATCH)
        ids.extend(p.pk for p in objs)
    return ids


def _gender(person: BenchPerson) -> str:
    return "M" if person.man else "K"


def _enrolments(data: BenchData, person_ids: array[int], insats_ids: list[int]) -> None:
    def ids(model: type[codes.CodeListEntry]) -> dict[str, int]:
        return dict(model._default_manager.values_list("code", "pk"))

    supply, referring = ids(codes.SupplyType), ids(codes.ReferringActor)
    education, occupation = ids(codes.EducationLevel), ids(codes.OccupationType)
    end_reason = ids(codes.EndReason)
    through = Enrolment.supply_before.through
    for chunk in _chunks(data.enrolments, BATCH):
        objs = []
        for e in chunk:
            person = data.persons[e.person]
            works, studies = e.end_reason in WORKS, e.end_reason in STUDIES
            after = None
            if e.end_reason and e.end_reason != "felregistrering":
                after = "arbete" if works else "studier" if studies else "ingen"
            objs.append(
                Enrolment(
                    person_id=person_ids[e.person],
                    # What Enrolment.take_person_facts copies, from the generated person.
                    person_gender=_gender(person),
                    person_birth_date=person.birth,
                    insats_id=insats_ids[e.insats],
                    first_name="Bench",
                    last_name="Person",
                    start_date=e.start,
                    referral_date=e.referral,
                    consent_date=e.start,
                    municipality_id=e.municipality,
                    referring_actor_id=referring[e.referring],
                    years_in_public_support=(
                        None if e.support_tenths is None else Decimal(e.support_tenths) / 10
                    ),
                    education_level_id=education[e.education],
                    occupation_before_id=occupation["ingen"],
                    end_date=e.end,
                    early_dropout=e.dropout,
                    end_reason_id=end_reason[e.end_reason] if e.end_reason else None,
                    occupation_after_id=occupation[after] if after else None,
                    occupation_after_percent=(100 if works or studies else 0) if after else None,
                    works_after=works,
                    studies_after=studies,
                    work_or_studies_increased=works or studies,
                )
            )
        Enrolment.objects.bulk_create(objs, batch_size=BATCH)
        through.objects.bulk_create(
            [
                through(enrolment_id=obj.pk, supplytype_id=supply[code])
                for obj, e in zip(objs, chunk, strict=True)
                for code in e.supply_before
            ],
            batch_size=BATCH,
        )


def _analyze() -> None:
    """On PostgreSQL, autovacuum would have analysed tables this size long before anyone
    reports on them; ANALYZE inside the transaction gives the planner the same
    statistics (and is rolled back with the rest). SQLite is left as deployed: Django
    never runs ANALYZE there."""
    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in (Person, Enrolment, Enrolment.supply_before.through)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
