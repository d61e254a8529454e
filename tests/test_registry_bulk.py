"""New enrolments in bulk (``samspar.registry.bulk``): the same rows registered one by one
through the services and in bulk give the same enrolments, persons, supply lists,
history records and supply history; a row the services would refuse is refused, and
then nothing is written; the import uses the bulk path and refuses a file whose
persons got an overlapping enrolment after its check."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.core import crypto, personnummer
from samspar.imports.kinds import KINDS
from samspar.imports.models import Status
from samspar.organisation.models import FollowUpMethod, Municipality
from samspar.registry import bulk, services
from samspar.registry.models import Enrolment, Person
from tests.factories import code, enrol, make_forbund, make_insats, make_pnr, make_user
from tests.test_concurrency import _at_once, _one_success_one_refusal, at_once
from tests.test_import_enrolments import MAN, _check, _full_row, _template_rows, _write

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 6, 1)


def _pnr(text: str) -> personnummer.Personnummer:
    return personnummer.parse(text, today=TODAY)


@pytest.fixture
def world():
    forbund = make_forbund()
    insats = make_insats(forbund)
    other = make_insats(forbund, "Annan insats")
    user = make_user("coach", Role.REGISTRATOR, insats=insats)
    RoleAssignment.objects.create(user=user, role=Role.REGISTRATOR, insats=other)
    return user, insats, other


def _rows(known: str, elsewhere: str) -> list[bulk.NewEnrolment]:
    """Rows of every shape: full, ended with supply after, unknowns, a samordningsnummer,
    a person twice (one after the other), persons known from stored enrolments."""
    supply = {s.code: s for s in codes.SupplyType.objects.all()}
    avesta = Municipality.objects.get(code="2084")
    twice = make_pnr(dt.date(1980, 5, 5), man=False)

    def fields(**over: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "start_date": dt.date(2021, 2, 1),
            "referral_date": dt.date(2021, 1, 15),
            "consent_date": dt.date(2021, 2, 1),
            "municipality": avesta,
            "residence_kind": "folkbokford",
            "referring_actor": code(codes.ReferringActor, "region-psykiatri"),
            "years_in_public_support": Decimal("5.75"),
            "education_level": code(codes.EducationLevel, "gymnasial"),
            "occupation_before": code(codes.OccupationType, "ingen"),
            "occupation_before_percent": 0,
            "notes": "Importerad",
        }
        values.update(over)
        return values

    ended = {
        "end_date": dt.date(2022, 3, 1),
        "end_reason": code(codes.EndReason, "studier"),
        "occupation_after": code(codes.OccupationType, "studier"),
        "occupation_after_percent": 100,
        "studies_after": True,
        "work_or_studies_increased": True,
    }
    unknown = {
        "referral_date": None,
        "consent_date": None,
        "municipality": None,
        "referring_actor": None,
        "years_in_public_support": None,
        "education_level": None,
        "occupation_before": None,
        "occupation_before_percent": None,
        "notes": "",
    }
    two = [supply["forsorjningsstod"], supply["sjukpenning"]]
    return [
        bulk.NewEnrolment(
            personnummer=_pnr(make_pnr(dt.date(1985, 6, 1), man=False)),
            fields=fields(**ended),
            first_name=" Anna ",
            last_name="Berg",
            supply_before=two,
            supply_after=[supply["studiemedel"]],
        ),
        bulk.NewEnrolment(
            personnummer=_pnr(make_pnr(dt.date(1990, 3, 14), man=True)),
            fields=fields(start_date=dt.date(2022, 1, 10), referral_date=None),
            first_name="Erik",
            supply_before=[supply["forsorjningsstod"]],
        ),
        bulk.NewEnrolment(
            personnummer=_pnr(make_pnr(dt.date(1975, 1, 2), man=True, coordination=True)),
            fields=fields(**unknown),
        ),
        bulk.NewEnrolment(
            personnummer=_pnr(twice),
            fields=fields(
                start_date=dt.date(2019, 1, 1),
                referral_date=None,
                **{**ended, "early_dropout": True},
            ),
            supply_after=[supply["lon"], supply["studiemedel"]],
        ),
        bulk.NewEnrolment(
            personnummer=_pnr(twice),
            fields=fields(start_date=dt.date(2023, 1, 1)),
            supply_before=two,
        ),
        bulk.NewEnrolment(personnummer=_pnr(known), fields=fields(**ended), supply_before=two),
        bulk.NewEnrolment(
            personnummer=_pnr(elsewhere), fields=fields(start_date=dt.date(2023, 5, 2))
        ),
    ]


def _one_by_one(user, insats, rows: list[bulk.NewEnrolment]) -> None:
    """What the import did before the bulk path: ``register_enrolment``, then
    ``update_enrolment`` for the supply after."""
    with transaction.atomic():
        for row in rows:
            enrolment = services.register_enrolment(
                user=user,
                insats=insats,
                personnummer_text=row.personnummer.canonical,
                first_name=row.first_name,
                last_name=row.last_name,
                supply_before=row.supply_before,
                **row.fields,
            )
            if row.supply_after:
                services.update_enrolment(
                    user=user, enrolment=enrolment, supply_after=row.supply_after
                )


_SKIP = {"id", "created_at", "person", "person_id"}


def _person(person_id: int, before: set[int]) -> tuple[Any, ...]:
    person = Person.objects.get(pk=person_id)
    return (
        person_id if person_id in before else "new",
        crypto.decrypt(person.pnr_encrypted),
        person.pnr_hash,
        person.is_coordination_number,
        person.birth_date,
        person.gender,
        person.anonymised_at,
    )


def _snapshot(insats, before: set[int]) -> list[dict[str, Any]]:
    """Everything written for the insats's enrolments, without keys and times."""
    history_model: Any = Enrolment.history.model
    out = []
    for e in Enrolment.objects.filter(insats=insats).order_by("pk"):
        assert e.created_at is not None
        fields = {
            f.attname: getattr(e, f.attname)
            for f in Enrolment._meta.concrete_fields
            if f.attname not in _SKIP
        }
        through = {
            name: {
                t.pk: t.supplytype.code
                for t in getattr(Enrolment, name).through.objects.filter(enrolment=e)
            }
            for name in ("supply_before", "supply_after")
        }
        records = []
        for record in history_model.objects.filter(id=e.pk).order_by("history_id"):
            values = {
                f.attname: getattr(record, f.attname)
                for f in history_model._meta.concrete_fields
                if f.attname not in _SKIP | {"history_id", "history_date"}
            }
            assert record.created_at == e.created_at
            assert record.person_id == e.person_id
            m2m = {}
            for name in ("supply_before", "supply_after"):
                rows = getattr(history_model, name).model.objects.filter(history=record)
                # Each supply history row is a copy of the live supply row.
                assert all(through[name][r.id] == r.supplytype.code for r in rows)
                assert all(r.enrolment_id == e.pk for r in rows)
                m2m[name] = sorted(r.supplytype.code for r in rows)
            records.append((values, m2m))
        out.append(
            {
                "fields": fields,
                "person": _person(e.person_id, before),
                "supply_before": sorted(s.code for s in e.supply_before.all()),
                "supply_after": sorted(s.code for s in e.supply_after.all()),
                "history": records,
            }
        )
    return out


@pytest.mark.parametrize("chunk", [1000, 2])
def test_bulk_writes_what_the_services_write_one_by_one(world, monkeypatch, chunk):
    monkeypatch.setattr(bulk, "CHUNK", chunk)
    user, insats, other = world
    # A person with an earlier, ended enrolment in the insats and one enrolled in
    # another insats: both are reused, never duplicated.
    known = make_pnr(dt.date(1960, 7, 7), man=False)
    enrol(
        user,
        insats,
        personnummer_text=known,
        start_date=dt.date(2016, 1, 1),
        end_date=dt.date(2016, 6, 1),
        end_reason=code(codes.EndReason, "arbete"),
    )
    elsewhere = make_pnr(dt.date(1966, 8, 8), man=True)
    enrol(user, other, personnummer_text=elsewhere, start_date=dt.date(2020, 1, 1))
    before = set(Person.objects.values_list("pk", flat=True))
    rows = _rows(known, elsewhere)

    sid = transaction.savepoint()
    _one_by_one(user, insats, rows)
    expected = _snapshot(insats, before)
    persons_after_services = Person.objects.count()
    transaction.savepoint_rollback(sid)

    created = bulk.register_enrolments_bulk(user=user, insats=insats, rows=rows)
    got = _snapshot(insats, before)
    assert len(created) == len(rows) == len(got) - 1  # and the stored one
    assert got == expected
    assert Person.objects.count() == persons_after_services == len(before) + 4
    # Spot checks of what "the same" means here.
    anna = got[1]
    assert anna["fields"]["first_name"] == "Anna"
    assert anna["fields"]["version"] == 2
    assert [
        (v["history_type"], v["version"], v["history_user_id"]) for v, _m in anna["history"]
    ] == [
        ("~", 1, user.pk),
        ("~", 2, user.pk),
    ]
    assert [m for _v, m in anna["history"]] == [
        {"supply_before": ["forsorjningsstod", "sjukpenning"], "supply_after": []},
        {"supply_before": ["forsorjningsstod", "sjukpenning"], "supply_after": ["studiemedel"]},
    ]
    assert all(g["fields"]["created_by_id"] == user.pk for g in got[1:])
    assert got[3]["fields"]["education_level_id"] == code(codes.EducationLevel, "okand").pk


def _messages(error: ValidationError) -> list[str]:
    return sorted(m for ms in error.message_dict.values() for m in ms)


@pytest.mark.parametrize(
    "over",
    [
        {"end_date": dt.date(2020, 1, 1), "end_reason": "studier"},
        {"end_date": dt.date(2022, 1, 1)},
        {"end_reason": "studier"},
        {"early_dropout": True},
        {"referral_date": dt.date(2022, 3, 1)},
        {"occupation_before": None, "occupation_before_percent": 50},
        {"start_date": dt.date(2030, 1, 1)},
        {"start_date": dt.date(2010, 1, 1)},
        {"occupation_after_percent": 101, "end_date": dt.date(2022, 6, 1), "end_reason": "studier"},
        {"occupation_after_percent": 101, "end_date": dt.date(2022, 1, 1), "end_reason": "studier"},
        {"years_in_public_support": Decimal("71")},
        {"municipality_id": "9999"},
        {"start_date": None},
    ],
    ids=lambda over: "-".join(over),
)
def test_a_row_the_services_refuse_is_refused_and_nothing_is_written(world, over):
    user, insats, _other = world
    good = _rows(make_pnr(dt.date(1960, 7, 7), man=False), make_pnr(dt.date(1966, 8, 8), man=True))[
        1
    ]
    fields = {**good.fields, **over}
    if isinstance(fields.get("end_reason"), str):
        fields["end_reason"] = code(codes.EndReason, fields["end_reason"])
    if "municipality_id" in over:
        del fields["municipality"]
    bad = bulk.NewEnrolment(
        personnummer=_pnr(make_pnr(dt.date(1970, 1, 1), man=True)), fields=fields
    )
    with pytest.raises(ValidationError) as by_service, transaction.atomic():
        services.register_enrolment(
            user=user, insats=insats, personnummer_text=bad.personnummer.canonical, **fields
        )
    counts = (Person.objects.count(), Enrolment.objects.count(), Enrolment.history.count())
    with pytest.raises(bulk.RowRefused) as refused:
        bulk.register_enrolments_bulk(user=user, insats=insats, rows=[good, bad])
    assert refused.value.index == 1
    assert _messages(refused.value) == _messages(by_service.value)
    assert set(refused.value.message_dict) == set(by_service.value.message_dict)
    after = (Person.objects.count(), Enrolment.objects.count(), Enrolment.history.count())
    assert after == counts


def test_overlaps_with_stored_enrolments_and_within_the_rows_are_refused(world):
    user, insats, _other = world
    stored = make_pnr(dt.date(1960, 7, 7), man=False)
    enrol(user, insats, personnummer_text=stored, start_date=dt.date(2020, 1, 1))
    fresh = make_pnr(dt.date(1977, 7, 7), man=True)

    def row(pnr: str, start: dt.date, end: dt.date | None = None) -> bulk.NewEnrolment:
        fields: dict[str, Any] = {"start_date": start, "education_level": None}
        if end:
            fields |= {"end_date": end, "end_reason": code(codes.EndReason, "arbete")}
        return bulk.NewEnrolment(personnummer=_pnr(pnr), fields=fields)

    counts = (Person.objects.count(), Enrolment.objects.count())
    cases = [
        ([row(fresh, dt.date(2021, 1, 1)), row(stored, dt.date(2021, 1, 1))], 1, "personnummer"),
        ([row(stored, dt.date(2018, 1, 1), dt.date(2020, 2, 1))], 0, "personnummer"),
        (
            [
                row(fresh, dt.date(2021, 1, 1), dt.date(2021, 6, 1)),
                row(fresh, dt.date(2021, 5, 1), dt.date(2021, 8, 1)),
            ],
            1,
            "start_date",
        ),
        ([row(fresh, dt.date(2021, 1, 1)), row(fresh, dt.date(2022, 1, 1))], 1, "personnummer"),
    ]
    for rows, index, key in cases:
        with pytest.raises(bulk.RowRefused) as refused:
            bulk.register_enrolments_bulk(user=user, insats=insats, rows=rows)
        assert refused.value.index == index
        assert list(refused.value.message_dict) == [key]
        assert (Person.objects.count(), Enrolment.objects.count()) == counts
    # One after the other is fine, before or after the stored one.
    bulk.register_enrolments_bulk(
        user=user,
        insats=insats,
        rows=[
            row(stored, dt.date(2018, 1, 1), dt.date(2019, 12, 31)),
            row(fresh, dt.date(2021, 1, 1), dt.date(2021, 4, 30)),
            row(fresh, dt.date(2021, 5, 1)),
        ],
    )
    assert Enrolment.objects.filter(insats=insats).count() == 4
    assert Person.objects.filter(pnr_hash=crypto.lookup_hash(_pnr(fresh).canonical)).count() == 1


def test_scope_and_follow_up_method_are_checked(world):
    user, insats, _other = world
    row = _rows(make_pnr(dt.date(1960, 7, 7), man=False), make_pnr(dt.date(1966, 8, 8), man=True))[
        1
    ]
    outsider = make_user("other", Role.REGISTRATOR, insats=make_insats(insats.forbund, "Tredje"))
    with pytest.raises(PermissionDenied):
        bulk.register_enrolments_bulk(user=outsider, insats=insats, rows=[row])
    volume = make_insats(insats.forbund, "Volym", method=FollowUpMethod.VOLUME)
    RoleAssignment.objects.create(user=user, role=Role.REGISTRATOR, insats=volume)
    with pytest.raises(ValidationError):
        bulk.register_enrolments_bulk(user=user, insats=volume, rows=[row])
    assert Enrolment.objects.count() == 0


def test_the_import_refuses_a_file_whose_person_got_an_enrolment_after_its_check(
    world, monkeypatch
):
    """Someone registers one of the file's persons between the write's check of the
    rows and their bulk insert: the whole write is refused, the row named, nothing
    written."""
    user, insats, _other = world
    data = _template_rows(
        [_full_row(), _full_row(Personnummer=MAN, Slutdatum=None, Avslutsanledning=None)]
    )
    run = _check(user, insats, data)
    assert run.errors == [] and run.to_create == 2
    handler = KINDS["enrolments"].handler
    flush = handler.flush

    def meanwhile(self: Any) -> None:
        enrol(user, insats, personnummer_text=MAN, start_date=dt.date(2021, 1, 1))
        flush(self)

    monkeypatch.setattr(handler, "flush", meanwhile)
    counts = (Person.objects.count(), Enrolment.objects.count())
    run = _write(user, run)
    assert run.status == Status.FAILED
    assert [(e["row"], e["column"]) for e in run.errors] == [(3, "Personnummer")]
    assert "active enrolment" in run.errors[0]["reason"] or "aktiv" in run.errors[0]["reason"]
    assert (Person.objects.count(), Enrolment.objects.count()) == counts


@at_once
@pytest.mark.django_db(transaction=True)
def test_a_bulk_write_and_a_registration_at_the_same_moment_one_is_told(reference_data):
    """The same person — new, then known from another insats — registered by hand while
    a bulk write registers them: one wins, the other is refused with the service's
    message; one person, one active enrolment (PostgreSQL: threads wait on locks)."""
    forbund = make_forbund()
    insats = make_insats(forbund)
    other = make_insats(forbund, "Annan insats")
    coach = make_user("coach", Role.REGISTRATOR, insats=insats)
    colleague = make_user("kollega", Role.REGISTRATOR, insats=insats)
    known = make_pnr(dt.date(1990, 6, 1), man=False)
    enrol(make_user("annan", Role.REGISTRATOR, insats=other), other, personnummer_text=known)
    for pnr in (make_pnr(dt.date(1985, 3, 15), man=True), known):
        rows = [
            bulk.NewEnrolment(
                personnummer=_pnr(make_pnr(dt.date(1970, 1, 1), man=True)),
                fields={"start_date": dt.date(2022, 3, 1), "education_level": None},
            ),
            bulk.NewEnrolment(
                personnummer=_pnr(pnr),
                fields={"start_date": dt.date(2022, 3, 1), "education_level": None},
            ),
        ]
        results = _at_once(
            functools.partial(bulk.register_enrolments_bulk, user=coach, insats=insats, rows=rows),
            functools.partial(enrol, colleague, insats, personnummer_text=pnr),
        )
        _one_success_one_refusal(results, "Personen har redan en aktiv inskrivning")
        digest = crypto.lookup_hash(_pnr(pnr).canonical)
        assert Person.objects.filter(pnr_hash=digest).count() == 1
        assert Enrolment.objects.filter(person__pnr_hash=digest, insats=insats).count() == 1
