"""Migration economics 0015: a database made before the corrected standard values gets
version N + 1 of 2025 and 2026; earlier versions, and the evaluations that use them,
stay as they were; a fresh database gets no second version."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from samspar.economics import seed004
from samspar.economics.defaults import load_sets, shipped_sets
from samspar.economics.models import StandardValue, StandardValueSet
from tests.factories import make_type_case_evaluation

MIGRATION = importlib.import_module("samspar.economics.migrations.0015_corrected_standard_values")


def shipped_versions(year: int) -> list[StandardValueSet]:
    return list(StandardValueSet.objects.filter(forbund=None, price_year=year).order_by("version"))


# What a database made before 0015 holds: the 2025 values as shipped then (kept for
# seed 004's calibration: 2,40 PBB guarantee levels, the 2022 average wage).
OLD = load_sets(seed004.CALIBRATION)[2025]


@pytest.fixture
def old_database(db):
    """The shipped sets of 2025 and 2026 as a database made before 0015 holds them."""
    for value_set in StandardValueSet.objects.filter(forbund=None):
        value_set.values.all().delete()
        StandardValue.objects.bulk_create(
            StandardValue(
                value_set=value_set,
                key=v.key,
                amount=v.amount,
                unit=v.unit,
                grade=v.grade.value,
                source=v.source,
            )
            for v in OLD.values
        )


def test_a_fresh_database_has_one_version_and_the_migration_adds_none(db):
    for year in shipped_sets():
        assert [s.version for s in shipped_versions(year)] == [1]
    MIGRATION.add_changed_versions(apps, None)
    for year, shipped in shipped_sets().items():
        (only,) = shipped_versions(year)
        rows = {v.key: v for v in only.values.all()}
        assert set(rows) == {v.key for v in shipped.values}
        for v in shipped.values:
            assert rows[v.key].amount == Decimal(str(v.amount)).quantize(Decimal("0.0001"))
            assert rows[v.key].source == v.source, v.key


def test_an_old_database_gets_a_new_version_and_keeps_the_old(old_database, forbund, forbund_admin):
    old_2025 = StandardValueSet.objects.get(forbund=None, price_year=2025)
    evaluation = make_type_case_evaluation(forbund_admin, forbund, old_2025)
    before = {v.key: (v.amount, v.source) for v in old_2025.values.all()}

    MIGRATION.add_changed_versions(apps, None)

    for year, shipped in shipped_sets().items():
        old, new = shipped_versions(year)
        assert (old.version, new.version, new.based_on) == (1, 2, old)
        rows = {v.key: v for v in new.values.all()}
        assert set(rows) == {v.key for v in shipped.values}
        for v in shipped.values:
            assert rows[v.key].amount == Decimal(str(v.amount)).quantize(Decimal("0.0001"))
            assert rows[v.key].source == v.source and rows[v.key].grade == v.grade.value
    assert {v.key: (v.amount, v.source) for v in old_2025.values.all()} == before
    evaluation.refresh_from_db()
    assert evaluation.value_set == old_2025  # the evaluation keeps the values it was made with
    assert old_2025.values.get(key="sjukersattning").amount == 11_760
    assert shipped_versions(2025)[1].values.get(key="sjukersattning").amount == 13_622

    MIGRATION.add_changed_versions(apps, None)  # run again: nothing more to add
    assert [s.version for s in shipped_versions(2025)] == [1, 2]
