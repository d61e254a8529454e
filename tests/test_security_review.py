"""Attacks on the set-up pages, the API, the exports and the import, each of which got
through once: the test performs the attack and asserts that it no longer does."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.economics.models import StandardValueSet
from samspar.organisation.models import Forbund
from samspar.transfer import archive
from tests.factories import enrol

# --- import-forbund: a malicious file ---------------------------------------------------


def _tampered(content: bytes, change: Callable[[dict[str, list[dict[str, Any]]]], None]) -> bytes:
    """The export ``content`` with its tables changed by ``change`` (label → rows)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    manifest = json.loads(source.read(archive.MANIFEST))
    tables = {
        name.removesuffix(".jsonl"): [
            json.loads(line) for line in source.read(name).decode().splitlines() if line
        ]
        for name in source.namelist()
        if name != archive.MANIFEST
    }
    change(tables)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(archive.MANIFEST, json.dumps(manifest))
        for label, rows in tables.items():
            zf.writestr(f"{label}.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    return out.getvalue()


@pytest.fixture
def export_file(db, registrator, insats, forbund) -> bytes:
    """An export of the förbund, which is then renamed so that the file may be
    imported beside it."""
    enrol(registrator, insats)
    User.objects.filter(pk=registrator.pk).update(email="coach@example.se")
    content = archive.export_forbund(forbund)
    Forbund.objects.filter(pk=forbund.pk).update(name="Gamla namnet")
    return content


def _refused(content: bytes, match: str) -> None:
    forbund_count, roles = Forbund.objects.count(), RoleAssignment.objects.count()
    users = User.objects.count()
    with pytest.raises(archive.ImportRefused, match=match):
        archive.import_forbund(content)
    assert Forbund.objects.count() == forbund_count
    assert RoleAssignment.objects.count() == roles
    assert User.objects.count() == users


def test_import_makes_no_system_administrator(export_file):
    """A role row of the sysadmin role (no scope) would make the file's user — or an
    existing user of this installation it names — a system administrator here."""

    def sysadmin(tables: dict[str, list[dict[str, Any]]]) -> None:
        rows = tables["access.roleassignment"]
        rows.append({**rows[0], "id": 99999, "role": "sysadmin", "forbund": None, "insats": None})

    _refused(_tampered(export_file, sysadmin), "bara roller inom förbundet")
    assert not RoleAssignment.objects.filter(role=Role.SYSADMIN).exists()


def test_import_makes_no_staff_or_superuser(export_file):
    """A user row's extra columns are not read: no staff or superuser from a file."""

    def superuser(tables: dict[str, list[dict[str, Any]]]) -> None:
        tables["auth.user"].append(
            {
                "username": "inkraktare",
                "email": "x@example.se",
                "is_superuser": True,
                "is_staff": True,
                "is_active": True,
                "has_roles": False,
                "password": "pbkdf2_sha256$1$x$y",
            }
        )

    archive.import_forbund(_tampered(export_file, superuser))
    made = User.objects.get(username="inkraktare")
    assert not made.is_superuser and not made.is_staff and not made.has_usable_password()


def test_import_adds_no_shared_standard_values(export_file):
    """A standard value set without a förbund is a shipped one, used by every förbund
    of the installation: a file cannot add one."""

    def shipped(tables: dict[str, list[dict[str, Any]]]) -> None:
        forbund_row = tables["organisation.forbund"][0]
        tables.setdefault("economics.standardvalueset", []).append(
            {
                "id": 99999,
                "forbund": None,
                "price_year": 2099,
                "version": 1,
                "name": "Falska",
                "created_at": "2024-01-01T00:00:00+00:00",
            }
        )
        assert forbund_row["id"]

    before = StandardValueSet.objects.count()
    with pytest.raises(archive.ImportRefused):
        archive.import_forbund(_tampered(export_file, shipped))
    assert StandardValueSet.objects.count() == before


def test_import_adds_no_second_forbund(export_file):
    def second(tables: dict[str, list[dict[str, Any]]]) -> None:
        row = tables["organisation.forbund"][0]
        tables["organisation.forbund"].append({**row, "id": 99999, "name": "Smugglat förbund"})

    _refused(_tampered(export_file, second), "utanför förbundet")
    assert not Forbund.objects.filter(name="Smugglat förbund").exists()


def test_import_refuses_a_zip_bomb(export_file):
    """A member that unpacks to more than the limit is refused before it is read."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(export_file)) as source:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in source.namelist():
                padding = b"\n" * (archive.MAX_UNPACKED_BYTES // 64)
                zf.writestr(name, source.read(name) + (padding if "enrolment" in name else b""))
    limit = archive.MAX_UNPACKED_BYTES
    try:
        archive.MAX_UNPACKED_BYTES = limit // 128
        _refused(out.getvalue(), "för stor")
    finally:
        archive.MAX_UNPACKED_BYTES = limit


def test_import_refuses_a_history_row_of_a_row_not_in_the_file(export_file):
    """Was a KeyError (a traceback) instead of a refusal."""

    def orphan(tables: dict[str, list[dict[str, Any]]]) -> None:
        history = tables["registry.historicalenrolment"]
        history.append({**history[0], "history_id": 99999, "id": 88888})

    _refused(_tampered(export_file, orphan), "inte finns i filen")
