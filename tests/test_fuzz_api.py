"""Fuzzing the HTTP API against its own OpenAPI schema (issue #9, item 6): schemathesis
draws requests for every operation of /api/v1/openapi.json and sends them in-process
(WSGI) as a signed-in user; no answer may be a server error.

The schema is read with the same session, as the schema and docs are for signed-in
users only.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client as WsgiClient

from samspar.access.scoping import Role
from samspar.reports.catalogue import REPORTS
from samspar.wsgi import application
from tests.factories import enrol, make_forbund, make_insats, make_user

EXAMPLES_PER_OPERATION = 60
# The report's key: each report of the catalogue, or one that does not exist.
REPORT_KEYS = st.sampled_from([*REPORTS, "finns-inte", "trend/../alder"])


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


def test_no_request_the_schema_allows_gives_a_server_error(in_process_wsgi, session_cookie):
    # The schema is for signed-in users: read it over WSGI with the session (Django's
    # test client would reconnect the signal that closes the connection after a request).
    reader = WsgiClient(application)
    for name, value in session_cookie.items():
        reader.set_cookie(name, value)
    response = reader.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(json.loads(response.get_data()))
    schema.app = application
    schema.location = "/api/v1/openapi.json"
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} == {
        "GET /api/v1/reports",
        "GET /api/v1/reports/{key}",
    }
    for operation in operations:
        statuses = _fuzz(operation, session_cookie)
        # Not only refusals: some requests got a report (or the list).
        assert 200 in statuses, (operation.label, statuses)


def _fuzz(operation: Any, cookies: dict[str, str]) -> Counter[int]:
    """Send the operation's examples; the statuses answered, counted."""
    statuses: Counter[int] = Counter()

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), key=REPORT_KEYS)
    def send(case: Any, key: str) -> None:
        if case.path_parameters:  # a known report mostly, so the filters are what is fuzzed
            case.path_parameters["key"] = key
        response = case.call(cookies=cookies)
        statuses[response.status_code] += 1
        assert response.status_code < 500, (case.path, case.path_parameters, case.query)
        assert response.status_code != 401, "the fuzz client is signed in"

    send()
    return statuses
