"""Counts of persons outside the reports are suppressed like the reports' (issue 9, #4).

The attack: the insats page showed the board "Anonymous participants started this
year: 1" while the API hid the same count. Every count of persons a page, the API or an
export shows to a reader without exact counts goes through
``reports.suppression.shown_count``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html  # type: ignore[import-untyped]  # python-docx's dependency

from samspar.access.scoping import Role
from samspar.codelists.models import EndReason
from samspar.organisation.selectors import key_figures
from samspar.registry import services as registry
from samspar.reports.catalogue import REPORTS
from samspar.reports.cellkey import perturbed, possible
from tests import small_world
from tests.factories import code, enrol, make_pnr, make_user
from tests.small_world import World
from tests.url_walk import POST_ONLY, URLS, module_world, url_for

# The set-up pages where managers register the counts of their insatser: they show the
# counts as entered to those who enter them (as a registrator sees the enrolments they
# register); everything else a reader sees goes through suppression.
ENTRY_PAGES = {"insats-waiting", "insats-volume", "insats-structural"}


def _page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


# --- the attack -----------------------------------------------------------------------


def test_the_board_does_not_see_one_anonymous_participant(client, forbund, insats, registrator):
    registry.register_anonymous(
        user=registrator,
        insats=insats,
        gender="K",
        start_year=timezone.localdate().year,
        reason="skyddad",
    )
    path = reverse("insats-detail", args=[insats.pk])
    for role in (Role.BOARD, Role.FORBUND_ADMIN):
        client.force_login(make_user(f"läsare-{role}", role, forbund=forbund))
        page = _page(client, path)
        assert 'id="kf-anonymous">–<' in page, role
        assert 'id="kf-hidden"' in page
        assert 'id="kf-ended">0<' in page, "a zero is shown: hiding it protects no one"
    manager = make_user("chef-2", Role.INSATS_MANAGER, insats=insats)
    client.force_login(manager)
    assert 'id="kf-anonymous">–<' in _page(client, path)
    client.force_login(registrator)
    page = _page(client, path)
    assert 'id="kf-anonymous">1<' in page
    assert 'id="kf-hidden"' not in page


def test_a_count_at_the_threshold_is_shown(client, forbund, insats, registrator):
    for _ in range(forbund.suppression_threshold):
        registry.register_anonymous(
            user=registrator,
            insats=insats,
            gender="M",
            start_year=timezone.localdate().year,
            reason="samtycke",
        )
    client.force_login(make_user("styrelse", Role.BOARD, forbund=forbund))
    page = _page(client, reverse("insats-detail", args=[insats.pk]))
    # Shown perturbed by its cell key, as the reports show it: never below the threshold.
    exact = key_figures(insats, timezone.localdate()).anonymous_this_year
    assert exact == forbund.suppression_threshold
    shown = perturbed(exact, forbund.suppression_threshold)
    assert shown in possible(exact, forbund.suppression_threshold)
    assert f'id="kf-anonymous">{shown}<' in page


# --- every page, on the small world ---------------------------------------------------
#
# A difference test: every count of persons in förbund A is below its threshold; the
# numbers each page shows a reader are read, every such count is raised by one (still
# below the threshold), and the pages are read again. A page that shows any of those
# counts to a reader without exact counts changes; a page that hides them does not.

world_built = pytest.fixture(scope="module")(module_world)

# Not requested: the annual report's PDF and .docx render the composed report that the
# annual-report page shows.
BINARY = {"annual-report-pdf", "annual-report-docx"}


@pytest.fixture
def world(world_built, db) -> World:
    return world_built


def shown_numbers(response: Any) -> Counter[int]:
    """The whole numbers below A's threshold a response shows: in an HTML page's text,
    a CSV's cells, the cells of a JSON report's tables."""
    kind = response.get("Content-Type", "")
    text = response.content.decode("utf-8-sig")
    if "html" in kind:
        root = html.fromstring(text or "<p></p>")
        text = " ".join(t for e in root.iter() for t in (e.text, e.tail) if t)
    elif "json" in kind:
        text = " ".join(str(v) for v in _json_cells(json.loads(text)))
    elif "csv" not in kind:
        return Counter()
    # Dates and times are not counts (an export says when it was made), nor are decimals
    # (shares, means); a count shown at or above the threshold may change, no other.
    text = re.sub(r"\d{4}-\d\d-\d\d([T ][\d:.]+)?([+-]\d\d:\d\d)?", " ", text)
    tokens = re.findall(r"\d+(?:[.,]\d+)*", text.replace("\xa0", ""))
    return Counter(n for t in tokens if t.isdigit() and 0 < (n := int(t)) < small_world.THRESHOLD)


def _json_cells(data: Any) -> Iterator[Any]:
    for table in data.get("tables", []) if isinstance(data, dict) else []:
        for row in table["rows"]:
            yield from (row.values() if isinstance(row, dict) else row)


def _pages(world: World) -> list[str]:
    """Every page the walk knows (as a GET), and every report of this year for
    förbund A and for its personal insats, as a page and as the API gives it (the CSV
    and PDF downloads render the same report)."""
    paths = [
        url_for(key, world)[0]
        for key in sorted(URLS)
        if key not in POST_ONLY | BINARY | ENTRY_PAGES
    ]
    today = timezone.localdate()
    period = {"from": f"{today.year}-01-01", "to": today.isoformat()}
    for level, pk in (("forbund", world.a.forbund.pk), ("insats", world.a.personal.pk)):
        where = {"level": level, "object_id": pk}
        page = urlencode({"date_from": period["from"], "date_to": period["to"], **where})
        api = urlencode({**period, **where})
        for key in REPORTS:
            paths.append(f"{reverse('report', args=[key])}?{page}")
            paths.append(f"{reverse('api:get_report', kwargs={'key': key})}?{api}")
    return paths


def _snapshot(user: User, paths: list[str]) -> dict[str, Counter[int]]:
    client = Client()
    client.force_login(user)
    return {path: shown_numbers(client.get(path)) for path in paths}


def _one_more_of_every_count(world: World) -> None:
    """Raise every count of persons in A by one: two more enrolments this year, one of
    them ended today (started, ended and active each +1), one more anonymous
    participant, and each registered count +1."""
    coach, manager = world.a.users["registrator"], world.a.users["insats_manager"]
    today = timezone.localdate()
    january = dt.date(today.year, 1, 1)
    more = [
        enrol(
            coach,
            world.a.personal,
            personnummer_text=make_pnr(dt.date(1970 + i, 5, 6), man=True),
            start_date=january,
            consent_date=january,
        )
        for i in range(2)
    ]
    registry.end_enrolment(
        user=coach, enrolment=more[0], end_date=today, end_reason=code(EndReason, "arbete")
    )
    registry.register_anonymous(
        user=coach, insats=world.a.personal, gender="M", start_year=today.year, reason="skyddad"
    )
    period = {"period_start": january, "period_end": january}
    registry.record_volume_count(
        user=manager, insats=world.a.volume, gender="K", count=small_world.VOLUME + 1, **period
    )
    registry.record_structural_count(
        user=manager,
        insats=world.a.structural,
        party=None,
        count=small_world.STRUCTURAL + 1,
        **period,
    )
    registry.record_waiting_count(
        user=manager, insats=world.a.personal, date=today, count=small_world.WAITING + 1
    )


def _changed(before: dict[str, Counter[int]], after: dict[str, Counter[int]]) -> list[str]:
    return [path for path in before if before[path] != after[path]]


def test_the_registrator_sees_every_count_change(world):
    """The control: the counts are on the insats pages, exactly, for their registrator."""
    pages = [
        reverse("insats-detail", args=[i.pk])
        for i in (world.a.personal, world.a.volume, world.a.structural)
    ]
    before = _snapshot(world.a.users["registrator"], pages)
    _one_more_of_every_count(world)
    assert _changed(before, _snapshot(world.a.users["registrator"], pages)) == pages


@pytest.mark.parametrize("reader", ["board", "forbund_admin"])
def test_no_page_shows_a_small_count_to_a_reader_without_exact_counts(world, reader):
    user = world.a.users[reader]
    pages = _pages(world)
    before = _snapshot(user, pages)
    _one_more_of_every_count(world)
    changed = _changed(before, _snapshot(user, pages))
    assert not changed, f"{reader} sees counts below the threshold on {changed}"
