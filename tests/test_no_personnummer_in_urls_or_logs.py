"""#9.5: no personnummer in any URL or log line.

A registrator registers, checks numbers as they are typed, searches by number (in every
spelling) and by name, pages, reads, corrects and ends an enrolment and exports a
report, while every log record of every logger (root, django.request, django.server,
django.security, django.db.backends with its SQL) is captured and every URL is kept:
each requested URL (what a web server or proxy writes to its log), each redirect
Location and each link, form action and HTMX URL in the pages. None of them holds the
number in any spelling; the URLs and the non-SQL log lines hold no name either."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from samspar.codelists import models as codes
from samspar.registry import views
from samspar.registry.models import Enrolment
from tests.factories import code, enrol, make_pnr
from tests.test_registration_views import form_data

NUMBER = "19950109-3794"  # the number
NAMES = ("Karin", "Lundqvist")
LOGGERS = (
    "",
    "django",
    "django.request",
    "django.server",
    "django.security",
    "django.db.backends",
    "samspar",
)
_URL_ATTRIBUTE = re.compile(
    r'(?:href|action|src|formaction|hx-get|hx-post|hx-put|hx-delete)="([^"]*)"'
)


def spellings(number: str) -> set[str]:
    """The number with and without century and dash, as someone might type or log it."""
    digits = number.replace("-", "")
    return {digits, digits[2:], f"{digits[:8]}-{digits[8:]}", f"{digits[2:8]}-{digits[8:]}"}


class RecordingClient(Client):
    """A test client that keeps every URL it requests, every redirect and every URL in the
    pages it receives."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls: list[str] = []

    def request(self, **request: Any) -> Any:
        self.urls.append(f"{request.get('PATH_INFO', '')}?{request.get('QUERY_STRING', '')}")
        response = super().request(**request)
        if "Location" in response:
            self.urls.append(response["Location"])
        if response.get("Content-Type", "").startswith("text/html"):
            self.urls.extend(_URL_ATTRIBUTE.findall(response.content.decode()))
        return response


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record of every logger at DEBUG, SQL with its parameters included."""
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.disabled))
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if name and not logger.propagate:
            logger.addHandler(caplog.handler)
    forced = connection.force_debug_cursor
    connection.force_debug_cursor = True
    try:
        yield caplog
    finally:
        connection.force_debug_cursor = forced
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled
            if caplog.handler in logger.handlers and logger.name != "root":
                logger.removeHandler(caplog.handler)


def _line(record: logging.LogRecord) -> str:
    text = record.getMessage()
    if record.args:
        text += repr(record.args)
    for attribute in ("sql", "params", "request", "status_code"):
        if hasattr(record, attribute):
            text += repr(getattr(record, attribute))
    return text


def submit(client: RecordingClient, page: str, url: str, data: dict[str, Any]) -> str:
    """Send ``data`` with the method of the page's search form, as a browser would."""
    match = re.search(r'<form method="(\w+)"[^>]*role="search"', page)
    assert match is not None
    send = client.get if match.group(1).lower() == "get" else client.post
    response = send(url, data)
    assert response.status_code == 200
    return str(response.content.decode())


def test_a_working_session_leaves_no_personnummer_in_urls_or_logs(
    insats, registrator, all_logs, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(3):  # more than a page, so the list pages too
        enrol(
            registrator,
            insats,
            personnummer_text=make_pnr(dt.date(1970, 1, 1) + dt.timedelta(days=i), man=True),
        )
    client = RecordingClient(headers={"accept-language": "en"})
    client.force_login(registrator)
    first, last = NAMES
    check = reverse("personnummer-check", args=[insats.pk])
    create = reverse("enrolment-create", args=[insats.pk])
    listing = reverse("enrolment-list", args=[insats.pk])

    for typed in ("19950109", NUMBER, "950109-3794", "9501093794"):
        assert client.post(check, {"personnummer": typed}).status_code == 200
    refused = client.post(
        create, form_data(personnummer="19950109-3795", first_name=first, last_name=last)
    )
    assert refused.status_code == 200  # wrong check digit: the form again, no redirect
    registered = client.post(
        create, form_data(personnummer=NUMBER, first_name=first, last_name=last), follow=True
    )
    assert registered.redirect_chain and f"{first} {last}" in registered.content.decode()
    enrolment = Enrolment.objects.get(first_name=first)
    assert client.post(check, {"personnummer": NUMBER}).status_code == 200  # now active here

    unfiltered = client.get(listing).content.decode()
    assert f"{last}, {first}" not in unfiltered  # on page 2: "Andersson" comes first
    for query in [*sorted(spellings(NUMBER)), first, f"{first.lower()} {last[:4]}"]:
        found = submit(client, unfiltered, listing, {"q": query, "status": "all"})
        assert f"{last}, {first}" in found, query
    following = re.search(r'<a class="button" href="([^"]*)">Next</a>', unfiltered)
    if following is None:  # the next page is a button of the search form
        assert 'name="page" value="2"' in unfiltered
        page_two = submit(client, unfiltered, listing, {"status": "all", "page": "2"})
    else:
        page_two = client.get(following.group(1)).content.decode()
    assert "Page 2 of 2" in page_two and f"{last}, {first}" in page_two

    detail = reverse("enrolment-detail", args=[enrolment.pk])
    assert client.get(detail).status_code == 200
    data = form_data(first_name=first, last_name=last, notes="Studiebesök")
    del data["personnummer"]
    assert (
        client.post(reverse("enrolment-edit", args=[enrolment.pk]), data, follow=True).status_code
        == 200
    )
    end = {"end_date": "2023-01-31", "end_reason": code(codes.EndReason, "arbete").pk}
    assert (
        client.post(reverse("enrolment-end", args=[enrolment.pk]), end, follow=True).status_code
        == 200
    )

    export = reverse("report-export", args=["deltagare", "csv"])
    params = {
        "date_from": "2022-01-01",
        "date_to": "2023-12-31",
        "level": "insats",
        "object_id": insats.pk,
    }
    assert client.get(export, params).status_code == 200
    assert client.get(export, {**params, "date_from": "nonsense"}).status_code == 302
    # Errors are logged too (django.request): a page that does not exist, a wrong method.
    assert client.get(reverse("enrolment-detail", args=[10**6])).status_code == 404
    assert client.get(check).status_code == 405

    records = all_logs.records
    lines = [_line(r) for r in records]
    sql = [line for r, line in zip(records, lines, strict=True) if r.name == "django.db.backends"]
    other = [line for r, line in zip(records, lines, strict=True) if r.name != "django.db.backends"]
    assert any("registry_enrolment" in line for line in sql)  # the SQL really was captured
    assert any("Not Found" in line for line in other)  # and so were request errors
    assert len(client.urls) > 50
    forbidden = spellings(NUMBER)
    for text in [*client.urls, *lines]:
        assert not any(s in text for s in forbidden), text
    for text in [*client.urls, *other]:
        assert first not in text and last not in text, text
