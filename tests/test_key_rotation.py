"""`samspar rotate-key`: after rotation the old field key is no longer needed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from samspar.registry.models import Enrolment, Person
from tests.factories import enrol, make_pnr

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def test_after_rotation_only_the_new_key_is_needed(db, settings, registrator, insats):
    settings.SAMSPAR_FIELD_KEY = OLD
    numbers = [make_pnr(dt.date(1980 + i, 2, 3), man=i % 2 == 0) for i in range(7)]
    for pnr in numbers:
        enrol(registrator, insats, personnummer_text=pnr)
    # During the rotation the application runs with both keys: new first.
    settings.SAMSPAR_FIELD_KEY = f"{NEW},{OLD}"
    assert sorted(p.personnummer for p in Person.objects.all()) == sorted(numbers)
    enrol(registrator, insats, personnummer_text=(late := make_pnr(dt.date(1999, 1, 1), man=True)))
    out = io.StringIO()
    call_command("rotate-key", stdout=out)
    assert "registry_person.pnr_encrypted: 8" in out.getvalue()

    settings.SAMSPAR_FIELD_KEY = NEW
    assert sorted(p.personnummer for p in Person.objects.all()) == sorted([*numbers, late])
    settings.SAMSPAR_FIELD_KEY = OLD
    with pytest.raises(InvalidToken):
        Person.objects.first().personnummer  # noqa: B018


def test_the_application_keeps_working_during_rotation(db, settings, client, registrator, insats):
    settings.SAMSPAR_FIELD_KEY = OLD
    enrolment = enrol(registrator, insats)
    pnr = enrolment.person.personnummer
    settings.SAMSPAR_FIELD_KEY = f"{NEW},{OLD}"
    client.force_login(registrator)
    page = client.get(f"/deltagare/{enrolment.pk}/")
    assert page.status_code == 200 and pnr in page.content.decode()
    call_command("rotate-key", stdout=io.StringIO())
    settings.SAMSPAR_FIELD_KEY = NEW
    page = client.get(f"/deltagare/{enrolment.pk}/")
    assert page.status_code == 200 and pnr in page.content.decode()
    assert Enrolment.objects.get().person.personnummer == pnr


# Named ids: a generated key in a test's name differs between pytest-xdist's workers.
@pytest.mark.parametrize(
    "value",
    ["", "inte-en-nyckel", f"{Fernet.generate_key().decode()},fel"],
    ids=["empty", "no-key", "a-key-then-no-key"],
)
def test_a_bad_key_list_is_a_clear_error_before_any_command(db, settings, value):
    """A mistyped SAMSPAR_FIELD_KEY stops every command with a message that names the
    key's position, never its value, instead of a traceback halfway through."""
    settings.SAMSPAR_FIELD_KEY = value
    with pytest.raises(SystemCheckError) as error:  # checks run as on the command line
        call_command("rotate-key", skip_checks=False, stdout=io.StringIO())
    assert "SAMSPAR_FIELD_KEY" in str(error.value)
    for key in value.split(","):
        assert not key or key not in str(error.value)
    assert not Person.objects.exists()


def test_rotation_re_encrypts_the_imports_file_and_error_list(db, settings, registrator, insats):
    """An import's kept file and its error list (values may be personnummer) are
    re-encrypted too (``personal_data.OTHER_CIPHERTEXTS``): after the old key is dropped
    the report still has its error list and a checked file can still be imported."""
    from samspar.imports.models import ImportRun

    settings.SAMSPAR_FIELD_KEY = OLD
    bad = "19800101-0000"
    errors = [{"row": 3, "column": "Personnummer", "value": bad, "reason": "Fel"}]
    checked = ImportRun(insats=insats, user=registrator, kind="enrolments", file_name="a.csv")
    checked.set_file(f"Personnummer\n{bad}\n".encode())
    checked.errors = errors
    checked.save()
    done = ImportRun(insats=insats, user=registrator, kind="enrolments", file_name="b.csv")
    done.errors = errors
    done.save()
    empty = ImportRun.objects.create(
        insats=insats, user=registrator, kind="enrolments", file_name="c.csv"
    )

    settings.SAMSPAR_FIELD_KEY = f"{NEW},{OLD}"
    out = io.StringIO()
    call_command("rotate-key", stdout=out)
    assert "imports_importrun.data: 1 " in out.getvalue()
    assert "imports_importrun.errors_encrypted: 2 " in out.getvalue()

    settings.SAMSPAR_FIELD_KEY = NEW
    for run in ImportRun.objects.filter(pk__in=[checked.pk, done.pk]):
        assert run.errors == errors
    assert ImportRun.objects.get(pk=checked.pk).file_bytes() == f"Personnummer\n{bad}\n".encode()
    stored = ImportRun.objects.get(pk=empty.pk)
    assert stored.data is None and stored.errors_encrypted == ""
    # Without rotation the old key's error list would be lost: shown empty.
    settings.SAMSPAR_FIELD_KEY = OLD
    assert ImportRun.objects.get(pk=done.pk).errors == []
