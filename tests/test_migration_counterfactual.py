"""Migrations economics 0016 and 0018: evaluations made before the counterfactual and
price defaults keep their figures (displacement 0, no ranges, only the cost uplifted,
their cost basis); new ones start from the defaults."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from samspar.organisation.models import County, Forbund

COUNTERFACTUAL = ("economics", "0016_counterfactual")
PRICES = ("economics", "0018_consumer_prices")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _before(node):
    executor = MigrationExecutor(connection)
    parents = executor.loader.graph.node_map[node].parents
    return [p.key for p in parents if p.key[0] == node[0]]


@pytest.fixture
def back_to_latest():
    """Leave the database at the latest migrations for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_evaluations_made_before_keep_their_counterfactual(back_to_latest):
    apps = _migrate(_before(COUNTERFACTUAL))
    ValueSet = apps.get_model("economics", "StandardValueSet")
    Evaluation = apps.get_model("economics", "Evaluation")
    # The organisation app stays at its latest migration: its current model.
    county = County.objects.get_or_create(code="20", defaults={"name": "Dalarnas län"})[0]
    forbund = Forbund.objects.create(name="Förbundet före", county=county)
    old = Evaluation.objects.create(
        forbund_id=forbund.pk,
        name="Gjord före",
        method="type_cases",
        value_set=ValueSet.objects.create(price_year=2025, version=9, name="Före"),
        participants=81,
        cost=6_000_000,
    )

    apps = _migrate([PRICES])
    Evaluation = apps.get_model("economics", "Evaluation")
    old = Evaluation.objects.get(pk=old.pk)
    assert (old.deadweight, old.attribution, old.displacement) == (0, 0, 0)
    assert old.deadweight_low is None and old.displacement_low is None
    assert old.displacement_high is None
    assert old.consumer_prices is False and old.actor_cost == "uplifted"
    new = Evaluation.objects.create(
        forbund_id=old.forbund_id,
        name="Gjord efter",
        method="type_cases",
        value_set_id=old.value_set_id,
        participants=81,
        cost=6_000_000,
    )
    assert (new.deadweight, new.attribution, new.displacement) == (30, 20, 30)
    assert (new.displacement_low, new.displacement_high) == (Decimal(0), Decimal(65))
    assert new.consumer_prices is True and new.actor_cost == "nominal"
