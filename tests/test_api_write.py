"""The API that writes (issue #10, item 7): with an API key, a user registers exactly
what the pages let them, through the same services (validation, history with the user as
its author), every read of personal data logged; anything out of scope is 404; a change
based on an old version is 409; the OpenAPI schema types every body and answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from samspar.access import apitokens
from samspar.access.models import AccessLog, RoleAssignment
from samspar.access.scoping import Role
from samspar.economics.models import StandardValueSet
from samspar.organisation.models import FollowUpMethod, InsatsKind
from samspar.registry.models import Enrolment, StructuralCount, VolumeCount
from tests.factories import (
    enrol,
    make_forbund,
    make_insats,
    make_pnr,
    make_type_case_evaluation,
    make_user,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


class Caller:
    """A program using the API with one user's key."""

    def __init__(self, user: Any) -> None:
        _token, key = apitokens.create_token(
            user=user, name="test", expires_on=timezone.localdate() + dt.timedelta(days=30)
        )
        self.client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params)

    def post(self, path: str, body: Any, **headers: Any) -> Any:
        return self.client.post(API + path, body, content_type="application/json", **headers)

    def patch(self, path: str, body: Any, **headers: Any) -> Any:
        return self.client.patch(API + path, body, content_type="application/json", **headers)


def registration(**overrides: Any) -> dict[str, Any]:
    body = {
        "personnummer": make_pnr(dt.date(1990, 3, 14), man=True),
        "first_name": "Erik",
        "last_name": "Andersson",
        "start_date": "2022-03-01",
        "consent_date": "2022-03-01",
        "municipality": "2084",
        "referring_actor": "region-psykiatri",
        "supply_before": ["forsorjningsstod"],
        "years_in_public_support": 4.5,
        "education_level": "gymnasial",
        "occupation_before": "ingen",
    }
    body.update(overrides)
    return body


@pytest.fixture
def forbund():
    return make_forbund()


@pytest.fixture
def insats(forbund):
    return make_insats(forbund)


@pytest.fixture
def other_insats():
    return make_insats(make_forbund("Annat förbund", county="01"), "Annan insats")


@pytest.fixture
def registrator(insats):
    return make_user("coach", Role.REGISTRATOR, insats=insats)


@pytest.fixture
def coach(registrator):
    return Caller(registrator)


def test_a_registrator_registers_reads_corrects_and_ends_an_enrolment(coach, registrator, insats):
    created = coach.post(f"/insatser/{insats.pk}/enrolments", registration())
    assert created.status_code == 201, created.json()
    body = created.json()
    enrolment = Enrolment.objects.get(pk=body["id"])
    assert enrolment.insats == insats and enrolment.first_name == "Erik"
    assert body["supply_before"] == ["forsorjningsstod"]
    assert body["municipality"] == "2084" and body["years_in_public_support"] == 4.5
    assert body["version"] == 1 and body["gender"] == "M"
    assert enrolment.history.get().history_user == registrator
    assert enrolment.created_by == registrator

    read = coach.get(f"/enrolments/{enrolment.pk}")
    assert read.status_code == 200 and read.json()["personnummer"] == body["personnummer"]
    logged = AccessLog.objects.filter(user=registrator, kind=AccessLog.Kind.DETAIL)
    assert logged.count() == 2, "the answer to the registration and the read"
    assert {tuple(e.persons.all()) for e in logged} == {(enrolment.person,)}

    changed = coach.patch(
        f"/enrolments/{enrolment.pk}", {"version": 1, "last_name": "Berg", "notes": "Via API"}
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["last_name"] == "Berg" and changed.json()["version"] == 2
    assert changed.json()["first_name"] == "Erik", "fields not sent are kept"
    latest = enrolment.history.order_by("-history_id").first()
    assert latest is not None and latest.history_user == registrator
    assert latest.last_name == "Berg"

    ended = coach.post(
        f"/enrolments/{enrolment.pk}/end",
        {"version": 2, "end_date": "2022-09-30", "end_reason": "arbete", "works_after": True},
    )
    assert ended.status_code == 200, ended.json()
    enrolment.refresh_from_db()
    assert enrolment.end_date == dt.date(2022, 9, 30) and enrolment.end_reason is not None
    assert enrolment.end_reason.code == "arbete" and enrolment.version == 3
    again = coach.post(
        f"/enrolments/{enrolment.pk}/end",
        {"version": 3, "end_date": "2022-10-30", "end_reason": "arbete"},
    )
    assert again.status_code == 409, "already ended"
    assert Enrolment.objects.get(pk=enrolment.pk).end_date == dt.date(2022, 9, 30)


def test_a_change_based_on_an_old_version_is_409(coach, registrator, insats):
    enrolment = enrol(registrator, insats)
    first = coach.patch(f"/enrolments/{enrolment.pk}", {"version": 1, "notes": "A"})
    assert first.status_code == 200
    stale = coach.patch(f"/enrolments/{enrolment.pk}", {"version": 1, "notes": "B"})
    assert stale.status_code == 409
    assert stale.json()["detail"]
    ending = coach.post(
        f"/enrolments/{enrolment.pk}/end",
        {"version": 1, "end_date": "2022-09-30", "end_reason": "arbete"},
    )
    assert ending.status_code == 409
    enrolment.refresh_from_db()
    assert enrolment.notes == "A" and enrolment.end_date is None and enrolment.version == 2


def test_the_list_is_paginated_and_logged(coach, registrator, insats):
    people = [
        enrol(
            registrator, insats, personnummer_text=make_pnr(dt.date(1980, 1, 1 + i), man=i % 2 == 0)
        )
        for i in range(3)
    ]
    response = coach.get(f"/insatser/{insats.pk}/enrolments", gender="M")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and data["page"] == 1 and len(data["items"]) == 2
    entry = AccessLog.objects.get(kind=AccessLog.Kind.LIST)
    assert entry.user == registrator and entry.records == 2
    assert set(entry.persons.all()) == {p.person for p in people if p.person.gender == "M"}
    assert coach.get(f"/insatser/{insats.pk}/enrolments", page=99).json()["page"] == 1


def test_everything_of_another_insats_is_404(coach, registrator, insats, other_insats):
    stranger = make_user("annan", Role.REGISTRATOR, insats=other_insats)
    theirs = enrol(stranger, other_insats)
    before = Enrolment.objects.count()
    for response in (
        coach.post(f"/insatser/{other_insats.pk}/enrolments", registration()),
        coach.post(f"/insatser/{other_insats.pk}/enrolments", {"nonsense": 1}),
        coach.post(f"/insatser/{other_insats.pk}/enrolments", "not json"),
        coach.get(f"/insatser/{other_insats.pk}/enrolments"),
        coach.get(f"/enrolments/{theirs.pk}"),
        coach.patch(f"/enrolments/{theirs.pk}", {"version": 1, "notes": "x"}),
        coach.patch(f"/enrolments/{theirs.pk}", {"version": "x"}),
        coach.post(f"/enrolments/{theirs.pk}/end", {"version": 1}),
        coach.post(f"/insatser/{other_insats.pk}/anonymous", {"gender": "K"}),
        coach.get("/enrolments/999999999"),
        coach.get(f"/enrolments/{2**70}"),
    ):
        assert response.status_code == 404, response.content
        assert response.json()["detail"]
    assert Enrolment.objects.count() == before
    assert not AccessLog.objects.filter(user=registrator).exists()


def test_a_board_member_reads_but_writes_nothing(forbund, insats, registrator):
    enrolment = enrol(registrator, insats)
    board = Caller(make_user("styrelse", Role.BOARD, forbund=forbund))
    assert [i["id"] for i in board.get("/insatser").json()] == [insats.pk]
    assert board.get("/insatser").json()[0]["actions"] == ["view"]
    assert board.get("/reports/deltagare").status_code == 200
    for response in (
        board.post(f"/insatser/{insats.pk}/enrolments", registration()),
        board.get(f"/insatser/{insats.pk}/enrolments"),
        board.get(f"/enrolments/{enrolment.pk}"),
        board.patch(f"/enrolments/{enrolment.pk}", {"version": 1, "notes": "x"}),
        board.post(
            f"/insatser/{insats.pk}/anonymous",
            {"gender": "K", "start_year": 2022, "reason": "skyddad"},
        ),
        board.post(
            f"/insatser/{insats.pk}/volume-counts",
            {"period_start": "2022-01-01", "period_end": "2022-12-31", "gender": "K", "count": 3},
        ),
    ):
        assert response.status_code == 404, response.content
    assert Enrolment.objects.count() == 1 and insats.anonymous_enrolments.count() == 0


def test_field_errors_come_in_the_callers_language(coach, insats):
    url = f"/insatser/{insats.pk}/enrolments"
    swedish = coach.post(url, registration(personnummer="19900314-0000"))
    assert swedish.status_code == 422
    assert "kontrollsiffran" in " ".join(swedish.json()["errors"]["personnummer"]).lower()
    english = coach.post(url, registration(personnummer="19900314-0000"), HTTP_ACCEPT_LANGUAGE="en")
    assert "check digit" in " ".join(english.json()["errors"]["personnummer"])
    unknown = coach.post(url, registration(referring_actor="finns-inte", municipality="0000"))
    assert unknown.status_code == 422
    assert set(unknown.json()["errors"]) == {"referring_actor", "municipality"}
    schema_error = coach.post(url, registration(start_date="2022-02-30", extra=1))
    assert schema_error.status_code == 422
    assert set(schema_error.json()["errors"]) == {"start_date", "extra"}
    future = coach.post(url, registration(start_date="2999-01-01"))
    assert future.status_code == 422 and "start_date" in future.json()["errors"]
    nul = coach.post(url, registration(first_name="Er\x00ik"))
    assert nul.status_code == 422
    assert nul.json()["errors"]["first_name"] == ["Null-tecken är inte tillåtna."]
    volume = make_insats(insats.forbund, "Volym", method=FollowUpMethod.VOLUME)
    RoleAssignment.objects.create(
        user=User.objects.get(username="coach"), role=Role.REGISTRATOR, insats=volume
    )
    counts_only = coach.post(f"/insatser/{volume.pk}/enrolments", registration())
    assert counts_only.status_code == 422
    assert "personuppgifter" in counts_only.json()["detail"]
    assert not Enrolment.objects.exists()


def test_anonymous_participants_and_counts(forbund, insats, registrator):
    volume = make_insats(forbund, "Volym", method=FollowUpMethod.VOLUME)
    structural = make_insats(
        forbund, "Utbildning", kind=InsatsKind.STRUCTURAL, method=FollowUpMethod.VOLUME
    )
    manager = Caller(make_user("chef", Role.INSATS_MANAGER, forbund=forbund))
    coach = Caller(registrator)
    anonymous = coach.post(
        f"/insatser/{insats.pk}/anonymous",
        {"gender": "X", "start_year": 2022, "reason": "samtycke"},
    )
    assert anonymous.status_code == 201 and anonymous.json()["gender"] == "X"
    period = {"period_start": "2022-01-01", "period_end": "2022-12-31"}
    count = manager.post(
        f"/insatser/{volume.pk}/volume-counts", {**period, "gender": "K", "count": 7}
    )
    assert count.status_code == 200 and count.json()["count"] == 7
    replaced = manager.post(
        f"/insatser/{volume.pk}/volume-counts", {**period, "gender": "K", "count": 9}
    )
    assert replaced.json()["id"] == count.json()["id"]
    assert VolumeCount.objects.get().count == 9
    wrong = manager.post(
        f"/insatser/{insats.pk}/volume-counts", {**period, "gender": "K", "count": 1}
    )
    assert wrong.status_code == 422, "a personal-data insats takes no volume counts"
    party = manager.get("/insatser").json()
    parties = next(i for i in party if i["id"] == structural.pk)["parties"]
    structural_count = manager.post(
        f"/insatser/{structural.pk}/structural-counts",
        {**period, "party": parties[0]["id"], "count": 12},
    )
    assert structural_count.status_code == 200, structural_count.json()
    assert StructuralCount.objects.get().party_id == parties[0]["id"]
    assert (
        coach.post(
            f"/insatser/{volume.pk}/volume-counts", {**period, "gender": "K", "count": 1}
        ).status_code
        == 404
    ), "a registrator manages no counts"


def test_evaluations_are_read_as_on_their_page(forbund):
    admin = make_user("admin", Role.FORBUND_ADMIN, forbund=forbund)
    shipped = StandardValueSet.objects.filter(forbund__isnull=True).order_by("-price_year").first()
    assert shipped is not None
    evaluation = make_type_case_evaluation(admin, forbund, shipped)
    caller = Caller(admin)
    listed = caller.get("/evaluations").json()
    assert [e["id"] for e in listed] == [evaluation.pk]
    report = caller.get(f"/evaluations/{evaluation.pk}")
    assert report.status_code == 200
    data = report.json()
    assert data["title"] == evaluation.name and data["participants"] == 81
    assert "society" in data["results"]
    stranger = Caller(make_user("x", Role.FORBUND_ADMIN, forbund=make_forbund("B", county="01")))
    assert stranger.get(f"/evaluations/{evaluation.pk}").status_code == 404
    assert stranger.get("/evaluations").json() == []


def _walk(node: Any, path: str, schemas: dict[str, Any], seen: set[str]) -> list[str]:
    """Places in a schema that allow an untyped value: an object without properties,
    additionalProperties true or untyped, or a value without any type."""
    bad: list[str] = []
    if not isinstance(node, dict):
        return bad
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            bad += _walk(schemas[name], name, schemas, seen)
        return bad
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for i, inner in enumerate(node.get(key, [])):
            bad += _walk(inner, f"{path}.{key}{i}", schemas, seen)
    typed = {"type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const"} & set(node)
    if not typed:
        bad.append(f"{path}: no type")
    if node.get("type") == "object":
        extra = node.get("additionalProperties")
        if extra is True or (extra is None and not node.get("properties")) or extra == {}:
            bad.append(f"{path}: free object")
        if isinstance(extra, dict):
            bad += _walk(extra, f"{path}.*", schemas, seen)
        for name, inner in node.get("properties", {}).items():
            bad += _walk(inner, f"{path}.{name}", schemas, seen)
    if node.get("type") == "array":
        if "items" not in node and "prefixItems" not in node:
            bad.append(f"{path}: untyped array")
        bad += _walk(node.get("items", {"type": "null"}), f"{path}[]", schemas, seen)
    return bad


def test_the_schema_types_every_body_and_answer(coach):
    schema = coach.get("/openapi.json").json()
    schemas = schema["components"]["schemas"]
    operations = [
        (f"{method.upper()} {path}", op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    ]
    assert len(operations) >= 12
    bad: list[str] = []
    for label, op in operations:
        if "requestBody" in op:
            content = op["requestBody"]["content"]["application/json"]["schema"]
            assert "$ref" in content, label
            bad += _walk(content, label, schemas, set())
        for status, answer in op["responses"].items():
            body = answer.get("content", {}).get("application/json", {}).get("schema")
            if status == "204":  # No Content: a removal answers with no body
                assert body is None, label
                continue
            assert body is not None, f"{label} {status} has no schema"
            if status.startswith("2") or status in ("404", "409", "422"):
                bad += _walk(body, f"{label} {status}", schemas, set())
        assert "401" in op["responses"], label
        assert {"ApiKey", "BrowserSession"} <= {k for s in op["security"] for k in s}, label
    assert not bad, bad
