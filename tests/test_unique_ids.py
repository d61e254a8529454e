"""Every id on a page once (issue 12, #7): the annual report's chapter forms had
``id_description`` twelve times, so a label focused another chapter's field. And every
label points at a field: a group of checkboxes or radio buttons had ``<label for="">``,
a label of nothing (now a fieldset with a legend). Every page of the URL walk, as each
role that may open it."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.test import Client

from tests.small_world import ROLES, World
from tests.test_accessibility import _is_page
from tests.test_url_access import access_table
from tests.url_walk import URLS, module_world, url_for

world_built = pytest.fixture(scope="module")(module_world)
_ID = re.compile(r'\sid="([^"]+)"')
_LABEL_FOR = re.compile(r'<label\s[^>]*for="([^"]*)"')


def test_no_page_repeats_an_id_or_has_a_label_of_nothing(world_built: World, db):
    table = access_table()
    repeated: list[str] = []
    pointless: list[str] = []
    checked = 0
    for role in ROLES:
        client = Client()
        client.force_login(world_built.a.users[role])
        for key in sorted(URLS):
            if not _is_page(key) or role not in table.get(key, frozenset()):
                continue
            path, _scoped = url_for(key, world_built)
            response = client.get(path)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            checked += 1
            html = response.content.decode()
            ids = Counter(_ID.findall(html))
            repeated += [f"{role} {key}: {i} ×{n}" for i, n in ids.items() if n > 1]
            pointless += [
                f"{role} {key}: for={t!r}" for t in _LABEL_FOR.findall(html) if t not in ids
            ]
    assert checked > 60
    assert not repeated, "\n".join(repeated)
    assert not pointless, "\n".join(sorted(set(pointless)))
