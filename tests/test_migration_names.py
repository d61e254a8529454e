"""Migration registry 0002: the names move from Person to every enrolment of the person
and to every history record of those enrolments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The förbund as it was then, too (later fields have no database default).
ORGANISATION = ("organisation", "0003_forbund_threshold_bounds")
BEFORE = [("registry", "0001_initial"), ORGANISATION]
AFTER = [("registry", "0002_names_per_enrolment"), ORGANISATION]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    """Leave the database at the latest migrations for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_names_are_copied_to_enrolments_and_their_history(back_to_latest):
    apps = _migrate(BEFORE)
    Person = apps.get_model("registry", "Person")
    Enrolment = apps.get_model("registry", "Enrolment")
    History = apps.get_model("registry", "HistoricalEnrolment")
    Insats = apps.get_model("organisation", "Insats")
    Forbund = apps.get_model("organisation", "Forbund")
    County = apps.get_model("organisation", "County")
    Municipality = apps.get_model("organisation", "Municipality")
    # The reference data of the data migrations, made here if a transactional test
    # before this one (the browser test) flushed the database.
    codes = {
        name: apps.get_model("codelists", name).objects.get_or_create(
            code="migreringstest", defaults={"label_sv": name, "label_en": name}
        )[0]
        for name in ("ReferringActor", "EducationLevel", "OccupationType")
    }
    county = County.objects.get_or_create(code="20", defaults={"name": "Dalarnas län"})[0]
    forbund = Forbund.objects.create(name="F", county=county)
    insats = Insats.objects.create(
        forbund=forbund,
        name="I",
        kind="individ",
        follow_up_method="personal",
        start_date=dt.date(2020, 1, 1),
    )
    person = Person.objects.create(
        pnr_encrypted="x",
        pnr_hash="h",
        birth_date=dt.date(1990, 1, 1),
        gender="M",
        first_name="Erik",
        last_name="Andersson",
    )
    enrolment = Enrolment.objects.create(
        person=person,
        insats=insats,
        start_date=dt.date(2021, 1, 1),
        consent_date=dt.date(2021, 1, 1),
        municipality=Municipality.objects.get_or_create(
            code="2084", defaults={"name": "Avesta", "county": county}
        )[0],
        referring_actor=codes["ReferringActor"],
        education_level=codes["EducationLevel"],
        occupation_before=codes["OccupationType"],
    )
    History.objects.create(
        id=enrolment.pk,
        person=person,
        insats=insats,
        start_date=enrolment.start_date,
        consent_date=enrolment.consent_date,
        municipality=enrolment.municipality,
        referring_actor=enrolment.referring_actor,
        education_level=enrolment.education_level,
        occupation_before=enrolment.occupation_before,
        occupation_before_percent=0,
        residence_kind="folkbokford",
        early_dropout=False,
        works_after=False,
        studies_after=False,
        work_or_studies_increased=False,
        notes="",
        created_at=enrolment.created_at,
        history_date=enrolment.created_at,
        history_type="+",
    )

    apps = _migrate(AFTER)
    Enrolment = apps.get_model("registry", "Enrolment")
    History = apps.get_model("registry", "HistoricalEnrolment")
    assert Enrolment.objects.values_list("first_name", "last_name").get() == ("Erik", "Andersson")
    assert History.objects.values_list("first_name", "last_name").get() == ("Erik", "Andersson")
    assert not hasattr(apps.get_model("registry", "Person")(), "first_name")
