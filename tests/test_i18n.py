"""The interface is Swedish: every text has a Swedish translation, compiled."""

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.utils import formats, translation

import samspar

PO = Path(samspar.__file__).parent / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def _entries(text: str, *, plurals: bool = True) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of each entry of a .po file, plural forms folded in."""
    entries = []
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid: list[str] = []
        msgstr: list[str] = []
        current: list[str] | None = None
        for line in lines:
            if line.startswith("msgid "):
                current = msgid
                line = line[6:]
            elif line.startswith("msgid_plural "):
                current = None
            elif line.startswith("msgstr"):
                current = msgstr
                line = line.split(" ", 1)[1]
            elif not line.startswith('"'):
                continue
            if current is not None:
                current.append(line.strip().strip('"'))
        if msgid and (plurals or "msgid_plural" not in block):
            entries.append(("".join(msgid), "".join(msgstr), fuzzy))
    return entries


def test_every_text_has_a_swedish_translation():
    entries = [e for e in _entries(PO.read_text(encoding="utf-8")) if e[0]]
    assert len(entries) > 100
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")


def test_compiled_catalogue_matches_the_po_file():
    po = PO.read_text(encoding="utf-8")
    entries = [e for e in _entries(po, plurals=False) if e[0] and e[1]]
    with translation.override("sv"):
        stale = [
            msgid
            for msgid, msgstr, _fuzzy in entries
            if translation.gettext(_unescape(msgid)) != _unescape(msgstr)
        ]
        assert translation.gettext("Log in") == "Logga in"
    assert stale == []
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"


@pytest.mark.django_db
def test_login_page_is_swedish_by_default_and_english_on_request():
    page = Client().get("/login/").content.decode()
    assert "Logga in" in page and 'lang="sv"' in page
    page = Client(headers={"accept-language": "en"}).get("/login/").content.decode()
    assert "Log in" in page and 'lang="en"' in page


@pytest.mark.django_db
def test_swedish_pages_write_every_date_one_way(client):
    """Issue 12 (layout): the start page wrote an insats's start "19 augusti 2019" where
    the forms and the reports write 2019-08-19. One format now: SS-ISO 8601."""
    from samspar.access.scoping import Role
    from tests.factories import make_forbund, make_insats, make_user

    insats = make_insats(make_forbund(), start=dt.date(2019, 8, 19))
    client.force_login(make_user("board", Role.BOARD, forbund=insats.forbund))
    page = client.get("/").content.decode()
    assert "2019-08-19 –" in page
    assert "augusti" not in page
    with translation.override("sv"):
        assert formats.date_format(dt.date(2019, 8, 19)) == "2019-08-19"
        assert formats.date_format(dt.datetime(2019, 8, 19, 9, 5), "DATETIME_FORMAT") == (
            "2019-08-19 09:05"
        )
