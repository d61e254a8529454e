"""Every report of the catalogue, on a random registry (tests/random_world.py), keeps its
small counts hidden from a reader who tries to work them out: from shares and their
counts, from row and column sums and totals, from the same count in another table.
(Subtracting a report from the same report without the gender filter or for the level
above is met by the cell-key noise, not by hiding: docs/roles.md, "How suppression works".) The
declarations suppression relies on (what a share is computed from, which
counts add up, which are the same) are checked against the data first, so a new figure
cannot forget one."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from samspar.access.scoping import Role
from samspar.annual.compose import build_annual_report
from samspar.reports.catalogue import REPORTS
from samspar.reports.cells import Key, count_keys, keyed_values
from samspar.reports.scope import Level, Operator, ReportScope
from samspar.reports.suppression import is_mean, threshold
from samspar.reports.tables import Report, Table
from tests.factories import make_user
from tests.random_questions import add_questions
from tests.random_world import build
from tests.reader import given_away
from tests.test_report_declarations import CHECKS

pytestmark = pytest.mark.django_db

YEAR = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
YEARS = (dt.date(2021, 1, 1), dt.date(2023, 12, 31))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = build(seed=2024, size=700)
        # The report of the förbund's questions: in the insats with the most new in 2023.
        add_questions([world.insatser[3]], seed=2024)
        admin = make_user("analytiker-slump", Role.FORBUND_ADMIN, forbund=world.forbund)
        yield SimpleNamespace(world=world, admin=admin)
        transaction.set_rollback(True)


def _scopes(world: Any, user: Any) -> list[ReportScope]:
    """Förbund, team and insats levels, one year and three, with and without gender."""
    w = world.world
    forbund = {"level": Level.FORBUND, "object_id": w.forbund.pk}
    scopes = [
        ReportScope(*YEAR, user=user, **forbund),
        ReportScope(*YEARS, user=user, **forbund),
        ReportScope(*YEAR, user=user, gender="M", **forbund),
        ReportScope(*YEAR, user=user, level=Level.TEAM, object_id=w.teams[0].pk),
        ReportScope(*YEAR, user=user, level=Level.INSATS, object_id=w.insatser[0].pk, gender="K"),
    ]
    for insats in w.insatser[:4]:
        scopes.append(ReportScope(*YEAR, user=user, level=Level.INSATS, object_id=insats.pk))
    return scopes


@pytest.fixture(scope="module")
def exact(world):
    """(report, scope) of every report and scope with exact counts."""
    return [
        (spec.compute(scope), scope)
        for scope in _scopes(world, Operator(exact=True))
        for spec in REPORTS.values()
    ]


def _name(scope: ReportScope) -> str:
    gender = f" gender {scope.gender}" if scope.gender else ""
    return f"{scope.level} {scope.object_id} {scope.date_from}–{scope.date_to}{gender}"


def _tables(reports: list[tuple[Report, ReportScope]]) -> Iterator[tuple[str, Table]]:
    for report, _scope in reports:
        for table in report.tables:
            yield f"{report.key}/{table.key}", table


# --- the declarations hold -----------------------------------------------------------------


def test_the_declarations_hold_on_a_larger_registry(exact):
    """tests/test_report_declarations.py's checks, on more data and more scopes."""
    reports = SimpleNamespace(built=[(f"{r.key} {_name(scope)}", r) for r, scope in exact])
    for check in CHECKS:
        check(reports)


# --- the reader cannot work a small count out ------------------------------------------------


@pytest.fixture(scope="module")
def suppressed(world):
    """Every report as the förbund's analyst sees it, with the same report exactly."""
    built = {}
    for scope in _scopes(world, world.admin):
        for spec in REPORTS.values():
            built[spec.key, scope] = (spec.build(scope), spec.compute(scope))
    return built


def test_no_report_gives_a_small_count_away(suppressed):
    for (key, scope), (shown, exact) in suppressed.items():
        _assert_protected(f"{key} {_name(scope)}", shown.tables, exact.tables, threshold(scope))


def test_the_annual_report_gives_no_small_count_away(world):
    for insats in world.world.insatser[:3]:
        coach = make_user(f"coach-{insats.pk}", Role.REGISTRATOR, insats=insats)
        shown = build_annual_report(world.admin, insats, 2023)
        exact = build_annual_report(coach, insats, 2023)
        assert exact.exact and not shown.exact
        tables = [t for c in shown.chapters for t in c.tables]
        exact_tables = [t for c in exact.chapters for t in c.tables]
        _assert_protected(insats.name, tables, exact_tables, threshold(shown.scope))


def _assert_protected(
    name: str,
    tables: list[Table],
    exact_tables: list[Table],
    limit: int,
) -> None:
    """No small count of ``exact_tables`` can be worked out of what ``tables`` show:
    each one hidden can take at least two whole numbers (tests/reader.py)."""
    hidden: set[Key] = set()
    shown: set[Key] = set()
    for table, exact_table in zip(tables, exact_tables, strict=True):
        keys = keyed_values(exact_table)
        for (r, column), (key, _value) in keys.items():
            if column not in count_keys(table):
                continue
            (hidden if (r, column) in table.suppressed else shown).add(key)
        for derived in table.columns:
            for r in range(len(table.rows)):
                rows = (r,) if derived.base_row is None else (r, derived.base_row)
                if (r, derived.key) in table.suppressed or not derived.sources:
                    continue
                for row, source in itertools.product(rows, derived.sources):
                    if is_mean(derived):  # a mean over too few people gives them away
                        n = exact_table.value(row, source)
                        assert not (isinstance(n, int) and 0 < n < limit), (
                            f"{name}: {table.key}/{derived.key} shown over {n}"
                        )
                    else:  # a share beside a hidden count gives it back
                        assert (row, source) not in table.suppressed, (
                            f"{name}: {table.key}/{derived.key} shown beside a hidden {source}"
                        )
    assert not hidden & shown, f"{name}: a count is hidden in one table and shown in another"
    assert not given_away(tables, exact_tables, limit), (
        f"{name}: a small count can be worked out of the perturbed counts shown"
    )
