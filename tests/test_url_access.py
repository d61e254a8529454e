"""Every URL declares its access (issue 9, #15), in the spirit of NetBox's view tests.

The table "Who may use which URL" in docs/roles.md is the source of truth: one row per
URL pattern of the whole urlconf (pages, the API's routes, the admin site), one column
per role. This test walks every pattern and, on a small world (``tests.small_world``):

- anonymous gets the log-in page (a redirect with ``next``) or 401, unless the row
  says anonymous may use it (or nobody may: a URL that is no page for anyone, 404);
- each role, in its own förbund, may use exactly the URLs the table marks for it;
- a user of any role in the other förbund gets 404 on every URL of förbund A's objects.

A URL without a row fails (the message names it and gives the row the walk observed,
to check and paste); so does a row for a URL that no longer exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.small_world import ROLES, World
from tests.url_walk import POST_ONLY, URLS, module_world, outcome, url_for

ROLES_DOC = Path(__file__).resolve().parent.parent / "docs" / "roles.md"
TABLE_HEADING = "## Who may use which URL"
COLUMNS = ("anonymous", *ROLES)
YES = "✓"
NO = "–"


# --- the table in docs/roles.md -------------------------------------------------------


def access_table() -> dict[str, frozenset[str]]:
    """URL key → the columns (anonymous and roles) marked as allowed."""
    text = ROLES_DOC.read_text(encoding="utf-8")
    assert TABLE_HEADING in text, f"docs/roles.md has no section '{TABLE_HEADING}'"
    section = text.split(TABLE_HEADING, 1)[1].split("\n## ", 1)[0]
    rows: dict[str, frozenset[str]] = {}
    header: list[str] | None = None
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or set(cells[0]) <= {"-", ":", " "}:
            continue
        if header is None:
            header = [c.strip("`") for c in cells[1:]]
            assert tuple(header) == COLUMNS, f"the URL table's columns must be {COLUMNS}"
            continue
        key = cells[0].strip("`")
        assert key not in rows, f"docs/roles.md lists {key} twice"
        assert all(c in (YES, NO) for c in cells[1:]), f"row {key}: use {YES} or {NO}"
        rows[key] = frozenset(col for col, c in zip(header, cells[1:], strict=True) if c == YES)
    return rows


def table_row(key: str, allowed: set[str]) -> str:
    marks = " | ".join(YES if c in allowed else NO for c in COLUMNS)
    return f"| `{key}` | {marks} |"


# --- the world, once for the module -----------------------------------------------------

world_built = pytest.fixture(scope="module")(module_world)


@pytest.fixture
def world(world_built, db) -> World:
    return world_built


# --- the tests --------------------------------------------------------------------------


def test_the_table_has_a_row_for_every_url_and_no_other():
    table = access_table()
    missing = sorted(set(URLS) - set(table))
    stale = sorted(set(table) - set(URLS))
    assert not missing, (
        "URLs without a row in docs/roles.md's table 'Who may use which URL': "
        f"{missing}. Add a row for each (the walk's test prints what it observed)."
    )
    assert not stale, f"rows in docs/roles.md for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("key", sorted(URLS))
def test_url_access_is_as_declared(world, key):
    table = access_table()
    path, scoped = url_for(key, world)
    post = key in POST_ONLY
    observed: set[str] = set()
    details = []
    anonymous, status = outcome(None, path, post=post)
    if anonymous == "allowed":
        observed.add("anonymous")
    details.append(f"anonymous: {status}")
    for role in ROLES:
        result, status = outcome(world.a.users[role], path, post=post)
        if result == "allowed":
            observed.add(role)
        details.append(f"{role}: {status}")
    assert key in table, (
        f"URL {key} ({URLS[key]}) has no row in docs/roles.md. The walk observed:\n"
        f"{table_row(key, observed)}\nCheck it is what each role should get, then add it."
    )
    # Anonymous is sent to log in, unless the URL is public or is no page for anyone.
    assert anonymous in ("login", "allowed") or not table[key], f"{key}: {details[0]}"
    assert observed == table[key], (
        f"URL {key} ({path}): docs/roles.md says\n{table_row(key, set(table[key]))}\n"
        f"but the walk observed\n{table_row(key, observed)}\n({', '.join(details)})"
    )
    if scoped:
        outsiders = {role: world.b.users[role] for role in ROLES if role != "sysadmin"}
        leaks = {
            role: status
            for role, user in outsiders.items()
            if (status := outcome(user, path, post=post)[1]) != 404
        }
        assert not leaks, f"URL {key} ({path}) of förbund A: users of förbund B got {leaks}"
