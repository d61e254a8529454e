"""The access log cannot be changed or deleted by any code path, and `samspar demo
--reset` (which wipes it) refuses to run on an installation that is not in DEBUG."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from samspar.access.append_only import AppendOnlyError
from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog, AccessLogPerson
from samspar.demo import builder
from samspar.registry.models import Enrolment, Person
from tests.factories import enrol


@pytest.fixture
def entry(registrator, insats):
    enrolment = enrol(registrator, insats)
    return log_personal_data_read(
        registrator,
        AccessLog.Kind.DETAIL,
        insats,
        purpose="registrering",
        person=enrolment.person,
    )


def test_a_saved_entry_cannot_be_changed(entry):
    entry.records = 0
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AccessLog.objects.get().records == 1


def test_an_entry_cannot_be_deleted(entry):
    attempts = [
        entry.delete,
        AccessLog.objects.all().delete,
        lambda: AccessLog.objects.filter(pk=entry.pk).update(user=None),
        lambda: AccessLog.objects.bulk_update([entry], ["records"]),
    ]
    for attempt in attempts:
        with pytest.raises(AppendOnlyError), transaction.atomic():
            attempt()
    assert AccessLog.objects.count() == 1


def test_the_persons_shown_cannot_be_changed_or_removed(entry):
    shown = AccessLogPerson.objects.get()
    attempts = [
        entry.persons.clear,
        lambda: entry.persons.remove(shown.person),
        lambda: AccessLogPerson.objects.update(person=shown.person),
        shown.delete,
        shown.save,
    ]
    for attempt in attempts:
        with pytest.raises(AppendOnlyError), transaction.atomic():
            attempt()
    assert list(entry.persons.all()) == [shown.person]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_postgresql_refuses_raw_sql_changes(entry):
    for sql in [
        "UPDATE access_accesslog SET records = 0",
        "DELETE FROM access_accesslog",
        "DELETE FROM access_accesslogperson",
        "UPDATE access_accesslogperson SET person_id = person_id",
    ]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AccessLog.objects.get().records == 1
    assert AccessLogPerson.objects.count() == 1


def test_a_person_in_the_log_cannot_be_deleted(entry):
    person = Person.objects.get()
    Enrolment.objects.all().delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        person.delete()


def test_demo_reset_refuses_without_debug(db, settings, client, registrator, insats):
    settings.DEBUG = False
    enrolment = enrol(registrator, insats)
    client.force_login(registrator)
    client.get(reverse("enrolment-detail", args=[enrolment.pk]))
    assert AccessLog.objects.count() == 1
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo", "--reset", "--scale", "0.05", stdout=io.StringIO())
    with pytest.raises(Exception, match="DEBUG"):
        builder.reset()
    assert AccessLog.objects.count() == 1
    assert Enrolment.objects.count() == 1


def test_the_demo_is_never_built_without_debug(db, settings):
    """The attack: 'trying the demo' on an empty production database would make a
    superuser with a printed password and a published two-factor key."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="SAMSPAR_DEBUG=1"):
        call_command("demo", "--scale", "0.05", stdout=io.StringIO())
    assert not User.objects.exists()


def test_demo_reset_wipes_the_log_in_debug(db, settings, registrator, insats):
    settings.DEBUG = True
    enrolment = enrol(registrator, insats)
    log_personal_data_read(
        registrator, AccessLog.Kind.DETAIL, insats, purpose="x", person=enrolment.person
    )
    builder.reset()
    assert not AccessLog.objects.exists() and not Person.objects.exists()
    # The permission ends with the reset: the log is append-only again.
    builder.build(scale=0.05)
    insats = Enrolment.objects.first().insats
    user = AccessLog._meta.get_field("user").related_model.objects.first()
    new = log_personal_data_read(user, AccessLog.Kind.LIST, insats, purpose="x")
    with pytest.raises(AppendOnlyError):
        new.delete()
