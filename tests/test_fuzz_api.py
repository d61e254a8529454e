"""Fuzzing the HTTP API against its own OpenAPI schema (issue #9, item 6; issue #10,
item 7): schemathesis draws requests for every operation of /api/v1/openapi.json and
sends them in-process (WSGI), once as a signed-in browser session and once with an API
key; no answer may be a server error, and a refused write changes nothing in the
database (``tests/fuzzing.py``). Every example runs in a savepoint that is rolled back.

The schema is read with the same session or key, as the schema and docs are for
signed-in users only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client as WsgiClient

from samspar.access import apitokens
from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.organisation.models import FollowUpMethod, InsatsKind
from samspar.registry import services
from samspar.reports.catalogue import REPORTS
from samspar.wsgi import application
from tests.factories import (
    ended_enrolment,
    enrol,
    make_forbund,
    make_insats,
    make_question,
    make_user,
)
from tests.fuzzing import database_rows

EXAMPLES_PER_OPERATION = 60
# The report's key: each report of the catalogue, or one that does not exist.
REPORT_KEYS = st.sampled_from([*REPORTS, "finns-inte", "trend/../alder"])
OPERATIONS = {
    "GET /api/v1/reports",
    "GET /api/v1/reports/{key}",
    "GET /api/v1/insatser",
    "GET /api/v1/codes",
    "GET /api/v1/insatser/{insats_id}/questions",
    "GET /api/v1/insatser/{insats_id}/enrolments",
    "POST /api/v1/insatser/{insats_id}/enrolments",
    "GET /api/v1/enrolments/{enrolment_id}",
    "PATCH /api/v1/enrolments/{enrolment_id}",
    "POST /api/v1/enrolments/{enrolment_id}/end",
    "GET /api/v1/follow-ups/due",
    "GET /api/v1/enrolments/{enrolment_id}/follow-ups",
    "POST /api/v1/enrolments/{enrolment_id}/follow-ups",
    "PATCH /api/v1/follow-ups/{follow_up_id}",
    "DELETE /api/v1/follow-ups/{follow_up_id}",
    "POST /api/v1/insatser/{insats_id}/anonymous",
    "POST /api/v1/insatser/{insats_id}/volume-counts",
    "POST /api/v1/insatser/{insats_id}/structural-counts",
    "GET /api/v1/evaluations",
    "GET /api/v1/evaluations/{evaluation_id}",
}
# Operations that answer 200 to some request of the fuzzer (the others need a body
# hypothesis rarely makes valid, such as a personnummer, or an object it has none of).
ANSWERED = {
    "GET /api/v1/reports",
    "GET /api/v1/reports/{key}",
    "GET /api/v1/insatser",
    "GET /api/v1/codes",
    "GET /api/v1/insatser/{insats_id}/questions",
    "GET /api/v1/insatser/{insats_id}/enrolments",
    "GET /api/v1/enrolments/{enrolment_id}",
    "GET /api/v1/follow-ups/due",
    "GET /api/v1/enrolments/{enrolment_id}/follow-ups",
    "GET /api/v1/evaluations",
}


@pytest.fixture
def in_process_wsgi() -> Iterator[None]:
    """Requests through the WSGI application share the test's connection and its
    transaction, as the test client's do: Django must not close it after a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def session_cookie(db) -> dict[str, str]:
    """A registrator of an insats with a participant, signed in."""
    insats = make_insats(make_forbund())
    user = make_user("coach", Role.REGISTRATOR, insats=insats)
    enrol(user, insats)
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


@pytest.fixture
def api_key(db) -> dict[str, Any]:
    """A user who registers in a personal-data insats (with a participant) and manages a
    volume and a structural insats of the same förbund, with an API key; the ids the
    fuzzer puts in paths: these objects, and ones that do not exist."""
    forbund = make_forbund()
    insats = make_insats(forbund)
    volume = make_insats(forbund, "Volym", method=FollowUpMethod.VOLUME)
    structural = make_insats(
        forbund, "Kurs", kind=InsatsKind.STRUCTURAL, method=FollowUpMethod.VOLUME
    )
    user = make_user("coach", Role.REGISTRATOR, insats=insats)
    RoleAssignment.objects.create(user=user, role=Role.INSATS_MANAGER, forbund=forbund)
    enrolment = enrol(user, insats)
    make_question(insats, "choices", text="Resor", choices=("Bil", "Buss"))
    ended = ended_enrolment(user, insats, timezone.localdate() - dt.timedelta(days=200), n=5)
    follow_up = services.register_follow_up(
        user=user, enrolment=ended, months_after=6, date=timezone.localdate()
    )
    other = make_insats(make_forbund("Annat förbund", county="01"), "Annan")
    _token, key = apitokens.create_token(
        user=user, name="fuzz", expires_on=timezone.localdate() + dt.timedelta(days=1)
    )
    return {
        "headers": {"Authorization": f"Bearer {key}"},
        "ids": {
            "insats_id": [insats.pk, volume.pk, structural.pk, other.pk, 0, 2**62],
            "enrolment_id": [enrolment.pk, ended.pk, enrolment.pk + 1000],
            "follow_up_id": [follow_up.pk, follow_up.pk + 1000],
            "evaluation_id": [1, 2**62],
            "key": [*REPORTS, "finns-inte", "trend/../alder"],
        },
    }


def _operations(**credentials: Any) -> list[Any]:
    # The schema is for signed-in users: read it over WSGI (Django's test client would
    # reconnect the signal that closes the connection after a request).
    reader = WsgiClient(application)
    for name, value in credentials.get("cookies", {}).items():
        reader.set_cookie(name, value)
    response = reader.get("/api/v1/openapi.json", headers=credentials.get("headers", {}))
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(json.loads(response.get_data()))
    schema.app = application
    schema.location = "/api/v1/openapi.json"
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} == OPERATIONS
    return operations


def test_no_request_the_schema_allows_gives_a_server_error(in_process_wsgi, session_cookie):
    for operation in _operations(cookies=session_cookie):
        if operation.method.upper() != "GET":
            continue  # the key's test sends the writes
        ids = {"key": [*REPORTS, "finns-inte", "trend/../alder"]}
        statuses = _fuzz(operation, ids, cookies=session_cookie)
        # Not only refusals: some requests got a report (or the list).
        if operation.label in ("GET /api/v1/reports", "GET /api/v1/reports/{key}"):
            assert 200 in statuses, (operation.label, statuses)


def test_no_request_with_an_api_key_gives_a_server_error_or_a_stray_write(in_process_wsgi, api_key):
    for operation in _operations(headers=api_key["headers"]):
        statuses = _fuzz(operation, api_key["ids"], headers=api_key["headers"])
        if operation.label in ANSWERED:
            assert 200 in statuses, (operation.label, statuses)


def _fuzz(operation: Any, ids: dict[str, list[Any]], **credentials: Any) -> Counter[int]:
    """Send the operation's examples, each in a savepoint rolled back after it; the
    statuses answered, counted. A write that was refused must have changed nothing."""
    statuses: Counter[int] = Counter()
    writes = operation.method.upper() != "GET"

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), data=st.data())
    def send(case: Any, data: st.DataObject) -> None:
        # Mostly objects that exist, so that the bodies and filters are what is fuzzed.
        for name in list(case.path_parameters or {}):
            if name in ids:
                case.path_parameters[name] = data.draw(st.sampled_from(ids[name]))
        if case.headers:  # schemathesis makes up keys of its own: the fixture's sign in
            case.headers.pop("Authorization", None)
        with transaction.atomic():
            before = database_rows() if writes else None
            response = case.call(**credentials)
            statuses[response.status_code] += 1
            assert response.status_code < 500, (case.path, case.path_parameters, case.body)
            assert response.status_code != 401, "the fuzz client is signed in"
            if writes and response.status_code >= 400:
                assert database_rows() == before, (case.path, case.body, response.status_code)
            transaction.set_rollback(True)

    send()
    return statuses
