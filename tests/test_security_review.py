"""Attacks on the set-up pages, the API, the exports and the import, each of which got
through once: the test performs the attack and asserts that it no longer does."""

from __future__ import annotations

import io
import json
import logging
import stat
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samspar.access import accounts, apitokens
from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.core.logging import RedactingFormatter
from samspar.economics.models import StandardValueSet
from samspar.organisation.models import Forbund
from samspar.registry.models import Person
from samspar.transfer import archive
from tests.factories import enrol, make_forbund, make_insats, make_user

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
    padding = b"\n" * (archive.MAX_UNPACKED_BYTES // 64)
    with (
        zipfile.ZipFile(io.BytesIO(export_file)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        for name in source.namelist():
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


# --- the set-up pages ---------------------------------------------------------------------


@pytest.fixture
def other_forbund(db):
    return make_forbund("Samordningsförbundet Gävleborg", county="21")


@pytest.fixture
def outsider(other_forbund):
    """A user of another förbund."""
    return make_user("gavle-coach", Role.REGISTRATOR, insats=make_insats(other_forbund))


def test_a_forbund_admin_gives_no_role_to_a_user_of_another_forbund(
    client, forbund_admin, forbund, insats, outsider
):
    client.force_login(forbund_admin)
    response = client.post(
        reverse("user-detail", args=[outsider.pk]),
        {"action": "assign", "role": Role.REGISTRATOR, "insats": insats.pk},
    )
    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(user=outsider, insats=insats).exists()


def test_a_forbund_admin_gives_no_role_in_another_forbund(
    client, forbund_admin, registrator, other_forbund
):
    """The user is theirs; the förbund posted is not."""
    client.force_login(forbund_admin)
    client.post(
        reverse("user-detail", args=[registrator.pk]),
        {"action": "assign", "role": Role.FORBUND_ADMIN, "forbund": other_forbund.pk},
    )
    client.post(
        reverse("user-detail", args=[registrator.pk]),
        {"action": "assign", "role": Role.SYSADMIN},
    )
    assert not RoleAssignment.objects.filter(user=registrator, forbund=other_forbund).exists()
    assert not RoleAssignment.objects.filter(role=Role.SYSADMIN).exists()


def test_a_forbund_admin_deactivates_no_system_administrator(client, forbund_admin, forbund):
    boss = make_user("boss", Role.SYSADMIN)
    RoleAssignment.objects.create(user=boss, role=Role.BOARD, forbund=forbund)
    client.force_login(forbund_admin)
    response = client.post(reverse("user-detail", args=[boss.pk]), {"action": "deactivate"})
    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.is_active


def test_a_set_password_link_works_once(client, forbund_admin, insats):
    user = accounts.create_user(
        actor=forbund_admin,
        username="ny",
        first_name="Ny",
        last_name="Användare",
        email="ny@example.se",
        role=Role.REGISTRATOR,
        insats=insats,
    )
    path = accounts.set_password_path(user)
    form = client.get(path, follow=True)
    password = "ett-langt-losenord-som-haller"
    client.post(form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    user.refresh_from_db()
    assert user.check_password(password)
    again = client.get(path, follow=True)
    other = "ett-annat-langt-losenord"
    client.post(
        again.redirect_chain[-1][0] if again.redirect_chain else path,
        {"new_password1": other, "new_password2": other},
    )
    user.refresh_from_db()
    assert user.check_password(password)


def test_a_set_password_token_is_not_logged(forbund_admin, insats):
    """The access log's request line would hand anyone who reads the log the new
    user's account."""
    user = User.objects.create(username="ny", email="ny@example.se")
    path = accounts.set_password_path(user)
    token = path.rstrip("/").rsplit("/", 1)[1]
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        f'10.0.0.1 "GET {path} HTTP/1.1" 200',
        (),
        None,
    )
    line = RedactingFormatter("%(message)s").format(record)
    assert token not in line and "[token]" in line


# --- the API ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_the_api_schema_and_docs_are_closed_to_anonymous(client, db, path):
    response = client.get(path)
    assert response.status_code in (302, 401)
    assert b"enrolment" not in response.content.lower()


# --- the files of personal data the commands write ---------------------------------------


def test_export_over_an_existing_readable_file_leaves_it_owner_only(
    db, registrator, insats, forbund, tmp_path
):
    """os.open's mode applies only to a new file: a world-readable file written over
    kept its permissions, and then held personnummer for everyone on the machine."""
    enrol(registrator, insats)
    target = tmp_path / "export.zip"
    esf_target = tmp_path / "esf.csv"
    for path in (target, esf_target):
        path.write_bytes(b"")
        path.chmod(0o644)
    call_command("export", "--forbund", str(forbund.pk), str(target), stdout=io.StringIO())
    call_command(
        "esf",
        "--insats",
        str(insats.pk),
        "--month",
        "2022-03",
        str(esf_target),
        stdout=io.StringIO(),
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(esf_target.stat().st_mode) == 0o600


def test_a_deactivated_users_session_and_key_stop_at_once(forbund_admin, registrator, insats):
    """The user's browser session and API key, both working before, fail right after
    the administrator's click."""
    victim = Client()
    victim.force_login(registrator)
    _token, key = apitokens.create_token(
        user=registrator, name="Program", expires_on=timezone.localdate()
    )
    bearer = {"Authorization": f"Bearer {key}"}
    assert victim.get(reverse("enrolment-list", args=[insats.pk])).status_code == 200
    assert Client().get("/api/v1/insatser", headers=bearer).status_code == 200

    admin = Client()
    admin.force_login(forbund_admin)
    admin.post(reverse("user-detail", args=[registrator.pk]), {"action": "deactivate"})

    assert victim.get(reverse("enrolment-list", args=[insats.pk])).status_code == 302
    assert Client().get("/api/v1/insatser", headers=bearer).status_code == 401


def test_the_set_up_pages_refuse_a_forged_post(forbund_admin, registrator):
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(forbund_admin)
    response = admin.post(reverse("user-detail", args=[registrator.pk]), {"action": "deactivate"})
    assert response.status_code == 403
    registrator.refresh_from_db()
    assert registrator.is_active


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"personnummer": "X"}, "personnumret är inte giltigt"),
        ({"gender": "X"}, "skiljer sig från personnumrets"),
    ],
)
def test_import_validates_personnummer_as_the_form_does(export_file, change, message):
    def spoil(tables: dict[str, list[dict[str, Any]]]) -> None:
        row = tables["registry.person"][0]
        if change.get("personnummer") == "X":
            row["personnummer"] = "ABC=1+1"
        else:
            row["gender"] = "M" if row["gender"] == "K" else "K"

    _refused(_tampered(export_file, spoil), message)


def test_import_finds_the_person_whatever_the_spelling(export_file):
    """A number spelled with a dash (the form shows it so) is the same person, not a
    second one."""
    persons = Person.objects.count()

    def respell(tables: dict[str, list[dict[str, Any]]]) -> None:
        row = tables["registry.person"][0]
        number = row["personnummer"]
        row["personnummer"] = f"{number[:8]}-{number[8:]}"

    archive.import_forbund(_tampered(export_file, respell))
    assert Person.objects.count() == persons


def test_import_refuses_a_row_naming_a_user_not_in_the_file(export_file):
    """Was a KeyError (a traceback) instead of a refusal."""

    def stranger(tables: dict[str, list[dict[str, Any]]]) -> None:
        tables["access.roleassignment"][0]["user"] = "nobody-in-the-file"

    _refused(_tampered(export_file, stranger), "finns inte i filen")


@pytest.mark.parametrize(
    "smuggled", [{"insats": "other"}, {"person": 1}, {"created_by": 1}, {"id": 99}]
)
def test_a_patch_moves_no_enrolment_nor_changes_its_owner(registrator, insats, smuggled):
    """Fields the schema does not name are refused, not written: no enrolment moved to
    another insats, given to another person or author."""
    other = make_insats(make_forbund("Annat förbund", county="01"), "Annan insats")
    enrolment = enrol(registrator, insats)
    _token, key = apitokens.create_token(
        user=registrator, name="test", expires_on=timezone.localdate()
    )
    body = {k: other.pk if v == "other" else v for k, v in smuggled.items()}
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").patch(
        f"/api/v1/enrolments/{enrolment.pk}",
        {"version": enrolment.version, "notes": "ändrad", **body},
        content_type="application/json",
    )
    assert response.status_code == 422
    stored = type(enrolment).objects.get(pk=enrolment.pk)
    assert (stored.insats_id, stored.person_id, stored.created_by_id, stored.notes) == (
        insats.pk,
        enrolment.person_id,
        enrolment.created_by_id,
        enrolment.notes,
    )


def test_import_links_no_row_to_another_forbunds_objects(export_file, db):
    """An id in the file names a row of the file, never a row of this installation:
    an enrolment pointing at another förbund's insats is refused."""
    target = make_insats(make_forbund("Ett annat förbund", county="01"), "Deras insats")

    def elsewhere(tables: dict[str, list[dict[str, Any]]]) -> None:
        tables["registry.enrolment"][0]["insats"] = target.pk

    _refused(_tampered(export_file, elsewhere), "inte finns i filen")
    assert not target.enrolments.exists()


@pytest.mark.parametrize("content", [b"[" * 100_000, b"\xff\xfe", b"[1, 2]", b"{bad"])
def test_import_refuses_a_damaged_table(export_file, content):
    """Deeply nested JSON, bytes that are not UTF-8, a line that is no object: a
    refusal, not a traceback."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(export_file)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        for name in source.namelist():
            zf.writestr(name, content if name == "organisation.team.jsonl" else source.read(name))
    _refused(out.getvalue(), "skadad")
