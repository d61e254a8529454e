"""What every table of the catalogue declares about itself holds for its figures.

Suppression, the perturbation, the charts and the pages act on a table's declarations:
the kind of each column, the counts a share is computed from, the counts that add up
(column and row sums, total rows, implied counts, lines to other tables), the columns a
chart draws and the texts it shows. A declaration that does not hold makes a reader's
figures wrong or lets a small count through, so each one is checked here against the
exact figures of every report, on a small random registry (tests/random_world.py) —
fast enough for mutation testing (docs/development.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import string
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pytest
from django.db import transaction
from django.db.models import Count
from django.utils.functional import Promise

import samspar
from samspar.annual.compose import build_annual_report
from samspar.organisation.models import Insats, StaffMember
from samspar.registry.models import Enrolment
from samspar.reports.aggregates import TOTAL
from samspar.reports.catalogue import REPORTS
from samspar.reports.cells import Key, collect, count, count_keys, keyed_values
from samspar.reports.scope import Level, Operator, ReportScope
from samspar.reports.tables import CellKey, Kind, Table, percent
from tests.random_questions import add_questions
from tests.random_world import build
from tests.test_i18n import _entries, _unescape

pytestmark = pytest.mark.django_db

YEAR = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
YEARS = (dt.date(2021, 1, 1), dt.date(2023, 12, 31))
CHART_KINDS = {"bar", "stacked", "line"}  # what reports.charts draws
UNITS = {"kr"}
PO = Path(samspar.__file__).parent / "locale" / "sv" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def scopes(django_db_setup, django_db_blocker):
    """A förbund (one year and three, and one year for women) and an insats, exact."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build(seed=31, size=160)
        # Some times in public support unknown, so that the known are not everyone …
        enrolments = Enrolment.objects.filter(insats__forbund=world.forbund).order_by("pk")
        Enrolment.objects.filter(pk__in=list(enrolments.values_list("pk", flat=True)[::7])).update(
            years_in_public_support=None
        )
        # Staff in two insatser, one without employer (#18's rows and its list's insats
        # column).
        parties = [world.forbund.parties.first(), None]
        for place, employer in zip(world.insatser[:2], parties, strict=True):
            StaffMember.objects.create(
                insats=place,
                name=f"Coach {place.pk}",
                role="Coach",
                fte_percent=Decimal("80"),
                employer=employer,
                start_date=dt.date(2020, 1, 1),
            )
        # … and some with no support before registered (its own column in #12).
        through = Enrolment.supply_before.through
        through.objects.filter(
            enrolment__in=list(enrolments.values_list("pk", flat=True)[::5])
        ).delete()
        # The förbund's own questions of one insats (every scope has its tables).
        add_questions(world.insatser[:1], seed=31)
        user = Operator(exact=True)
        forbund, insats = world.forbund.pk, world.insatser[0].pk
        yield [
            ReportScope(*YEAR, user=user, level=Level.FORBUND, object_id=forbund),
            ReportScope(*YEARS, user=user, level=Level.FORBUND, object_id=forbund),
            ReportScope(*YEAR, user=user, level=Level.FORBUND, object_id=forbund, gender="K"),
            ReportScope(*YEAR, user=user, level=Level.INSATS, object_id=insats),
        ]
        transaction.set_rollback(True)


@pytest.mark.parametrize("key", list(REPORTS))
def test_the_declarations_of_every_table_hold(scopes, key):
    """One test per report, so that each computes its report once (and mutation testing
    runs only the reports that use a mutated selector)."""
    built = SimpleNamespace(
        built=[
            (f"{key} {s.level} {s.date_from}–{s.date_to}", REPORTS[key].compute(s)) for s in scopes
        ]
    )
    for check in CHECKS:
        check(built)


def _tables(reports: Any) -> Iterator[tuple[str, Table]]:
    for name, report in reports.built:
        for table in report.tables:
            yield f"{name}/{table.key}", table


def _messages(text: Promise) -> Iterator[str]:
    """The messages a lazily translated text is made of: its own, or, for a composed text
    (format_lazy), those of its translated parts; a part that is no text is an error."""
    reduced: Any = text.__reduce__()
    func, args, kw = reduced[1][:3]
    if func.__name__.endswith("gettext"):
        yield args[0]
        return
    # The form joins the parts, one field each: words in a plain form go untranslated.
    form, parts = args[0], [*args[1:], *kw.values()]
    fields = [f for _text, f, _spec, _conv in string.Formatter().parse(str(form)) if f is not None]
    assert len(fields) == len(parts), f"the form {form!r} of {parts!r}"
    assert isinstance(form, Promise) or not re.search(r"[^\W\d_]", form), f"words in {form!r}"
    for part in (*args, *kw.values()):
        assert isinstance(part, str | int | Promise), f"{part!r} in {func.__name__}{args}"
        if isinstance(part, Promise):
            yield from _messages(part)


def every_text_of_every_table_is_translated(reports):
    """Titles, notes, column labels and chart axes are messages of the Swedish catalogue
    (texts made up of translated parts: each part); titles, column labels and axes begin
    as a sentence does, unless an axis is a unit."""
    msgids = {_unescape(msgid) for msgid, _msgstr, _fuzzy in _entries(PO.read_text("utf-8"))}
    untranslated = []
    for name, table in _tables(reports):
        texts = [table.title, table.note, *(c.label for c in table.columns)]
        if table.chart:
            texts += [table.chart.x_label, table.chart.y_label]
        for text in texts:
            assert isinstance(text, str | Promise), f"{name}: {text!r} is no text"
            if isinstance(text, Promise):
                untranslated += [f"{name}: {m!r}" for m in _messages(text) if m not in msgids]
        axes = (table.chart.x_label, table.chart.y_label) if table.chart else ()
        for text in (table.title, *(c.label for c in table.columns), *axes):
            assert not str(text)[:1].islower() or str(text) in UNITS, f"{name}: {text}"
    assert not untranslated, "\n".join(dict.fromkeys(untranslated))


def every_table_has_a_title_and_labelled_columns(reports):
    for name, table in _tables(reports):
        assert str(table.title).strip(), name
        for column in table.columns:
            assert str(column.label).strip(), f"{name}: {column.key}"
        keys = [c.key for c in table.columns]
        assert len(keys) == len(set(keys)), f"{name}: two columns share a key"
        # The keys name the fields of the API and the CSV: lower-case identifiers.
        for key in [table.key, *keys]:
            assert isinstance(key, str) and re.fullmatch(r"[a-z0-9_-]+", key), f"{name}: {key!r}"


def every_cell_is_of_its_columns_kind(reports):
    """A label column holds texts, a count column whole numbers, a share or a number
    column numbers (int or float: a Decimal of the database is converted, as the API's
    JSON and the charts take numbers); an empty cell is None (no data for a share or a
    mean)."""
    for name, table in _tables(reports):
        assert table.columns[0].kind == Kind.LABEL, f"{name}: the first column names the row"
        for r, row in enumerate(table.rows):
            assert len(row) == len(table.columns), f"{name}: row {r}"
            for column, value in zip(table.columns, row, strict=True):
                where = f"{name}: {column.key} in row {r} is {value!r}"
                assert column.kind in set(Kind), where
                if column.kind == Kind.LABEL:
                    assert isinstance(value, str | Promise), where
                elif column.kind == Kind.COUNT:
                    assert isinstance(value, int) and not isinstance(value, bool), where
                    assert value >= 0, where
                else:
                    assert value is None or isinstance(value, int | float), where


def every_declaration_names_columns_and_rows_of_its_table(reports):
    for name, table in _tables(reports):
        counts = set(count_keys(table))
        keys = {c.key for c in table.columns}
        for column in table.columns:
            assert set(column.sources) <= keys, f"{name}: {column.key} {column.sources}"
            if column.base_row is not None:
                assert 0 <= column.base_row < len(table.rows), f"{name}: {column.key}"
            if column.kind in (Kind.PERCENT, Kind.NUMBER) and not column.sources:
                # Protected counts: a share or a mean hides with the counts it is over.
                assert not table.dims, f"{name}: {column.key} names no counts"
                assert column.base_row is None, f"{name}: {column.key}"
        for total, parts in table.column_sums.items():
            assert {total, *parts} <= counts, f"{name}: column sum {total} = {parts}"
        implied_keys = {i.key for i in table.implied}
        assert not implied_keys & keys, f"{name}: an implied count is also shown"
        for implied in table.implied:
            assert {*implied.plus, *implied.minus} <= counts, f"{name}: {implied.key}"
            assert implied.plus and implied.minus, f"{name}: {implied.key}"
        if table.total_row is not None:
            assert 0 <= table.total_row < len(table.rows), name
        for r, row in enumerate(table.rows):
            if str(row[0]) == str(TOTAL):  # a row that says it is the total is one
                assert r == table.total_row or r in table.row_sums, f"{name}: row {r}"
        for total_row, rows in table.row_sums.items():
            assert {total_row, *rows} <= set(range(len(table.rows))), f"{name}: {total_row}"
        if table.row_dims:
            assert len(table.row_dims) == len(table.rows), f"{name}: row_dims"
        if table.chart:
            assert table.chart.kind in CHART_KINDS, f"{name}: chart {table.chart.kind}"
            assert table.chart.y, f"{name}: a chart of nothing"
            assert set(table.chart.y) <= keys, f"{name}: chart {table.chart.y}"
            # Every axis has a title (reports.charts): several series need their own.
            assert table.chart.y_label or len(table.chart.y) == 1, f"{name}: y axis"


# Declared as a sum though only nearly one: someone worked with has ended or is still
# active, or both when they ended and enrolled again (figures/participants.py). A reader
# takes it for a rule, so suppression must too; the data cannot show that it is one.
NEAR_SUMS = {("counts", "worked_with"): ("ended", "active_end")}


def every_near_sum_is_declared(reports):
    for name, table in _tables(reports):
        for (key, total), parts in NEAR_SUMS.items():
            if table.key == key:
                assert table.column_sums.get(total) == parts, f"{name}: {total} = {parts}"


def every_column_sum_holds_in_every_row(reports):
    for name, table in _tables(reports):
        for total, parts in table.column_sums.items():
            if (table.key, total) in NEAR_SUMS:
                continue
            for r in range(len(table.rows)):
                part_values = [count(table, r, k) for k in parts]
                assert count(table, r, total) == sum(part_values), f"{name}: {total} in row {r}"


def no_implied_count_is_negative(reports):
    for name, table in _tables(reports):
        for (r, key), (_key, value) in keyed_values(table).items():
            assert value >= 0, f"{name}: {key} in row {r} is {value}"


def every_line_to_another_table_holds(reports):
    """A line names counts of the report (a county and its förbund) that add up."""
    for name, report in reports.built:
        quantities = collect(report.tables).quantities
        for table in report.tables:
            for left, right in table.lines:
                missing = [k for k in (*left, *right) if k not in quantities]
                assert not missing, f"{name}/{table.key}: a line names {missing}"
                sides = [sum(quantities[k].values[0] for k in side) for side in (left, right)]
                assert sides[0] == sides[1], f"{name}/{table.key}: {left} = {right}"


def every_count_that_rows_of_another_table_add_up_to_is_declared(reports):
    """A count that a run of rows of another table splits by one dimension and adds up
    to in every scope (the under 30 of the age summary and the age groups below 30)
    must follow from the report's equations: else one hidden group of the run is the
    count less the others."""
    tables = [report.tables for _name, report in reports.built]
    keys = [[t.key for t in ts] for ts in tables]
    if any(k != keys[0] for k in keys):
        return
    failures: list[str] = []
    equations: dict[int, _Equations] = {}  # per scope, made when first asked
    for a, b in itertools.permutations(range(len(keys[0])), 2):
        whole = [ts[a] for ts in tables]
        split = [ts[b] for ts in tables]
        if not all(_same_shape(t) for t in (whole, split)):
            continue
        for (r, c), values in _counts_by_cell(whole).items():
            if len(set(values)) < 2:  # a count the same in every scope may match by chance
                continue
            for column, rows in _runs(split):
                if [sum(count(t, i, column) for i in rows) for t in split] != values:
                    continue
                if not _splits(whole[0], (r, c), split[0], rows, column):
                    continue
                for n, ((name, report), table_a, table_b) in enumerate(
                    zip(reports.built, whole, split, strict=True)
                ):
                    left = keyed_values(table_a)[r, c][0]
                    right = [keyed_values(table_b)[i, column][0] for i in rows]
                    if n not in equations:
                        equations[n] = _Equations(report.tables)
                    if not equations[n].follow(left, right):
                        failures.append(
                            f"{name}: {table_a.key} {c} in row {r} = {table_b.key} "
                            f"{column} in rows {list(rows)} is undeclared"
                        )
    assert not failures, "\n".join(dict.fromkeys(failures))


def _splits(whole: Table, cell: tuple[int, str], split: Table, rows: range, column: str) -> bool:
    """Whether the counts of ``rows`` differ from the count ``cell`` of ``whole`` in the
    value of one dimension, the same for each (what they count is a split of it)."""
    keys = [keyed_values(whole)[cell][0], *(keyed_values(split)[r, column][0] for r in rows)]
    if not all(isinstance(k, frozenset) for k in keys):
        return False
    dims, *parts = [dict(cast(CellKey, k)) for k in keys]
    differ = [{d for d in dims.keys() | p.keys() if dims.get(d) != p.get(d)} for p in parts]
    return len(differ[0]) == 1 and all(d == differ[0] for d in differ)


def _same_shape(tables: list[Table]) -> bool:
    """Whether the tables have the same rows (by label) and the same counts."""

    def shape(t: Table) -> tuple[list[str], list[str]]:
        return [str(row[0]) for row in t.rows], count_keys(t)

    return all(shape(t) == shape(tables[0]) for t in tables)


def _counts_by_cell(tables: list[Table]) -> dict[tuple[int, str], list[int]]:
    return {
        (r, c): [count(t, r, c) for t in tables]
        for r in range(len(tables[0].rows))
        for c in count_keys(tables[0])
    }


def _runs(tables: list[Table]) -> Iterator[tuple[str, range]]:
    """Every column and run of two rows or more that holds no total row."""
    table = tables[0]
    totals = {table.total_row, *table.row_sums}
    for column in count_keys(table):
        for first in range(len(table.rows)):
            for last in range(first + 2, len(table.rows) + 1):
                if totals.isdisjoint(range(first, last)):
                    yield column, range(first, last)


class _Equations:
    """The equations of a report's tables and its zeros (a shown 0 is exact), to ask
    which relations between its counts follow from them."""

    def __init__(self, tables: list[Table]) -> None:
        cells = collect(tables)
        self.index = {k: i for i, k in enumerate(cells.quantities)}
        zeros = {k for t in tables for (k, v) in keyed_values(t).values() if v == 0}
        equations = [*cells.equations, *({k: 1} for k in zeros)]
        width = len(self.index)
        self.matrix = np.zeros((max(len(equations), 1), width))
        for row, equation in enumerate(equations):
            for k, c in equation.items():
                self.matrix[row, self.index[k]] = c
        # An orthonormal basis of the equations' row space: a relation follows from
        # them when it lies in it (one decomposition, not one per question).
        _u, values, vt = np.linalg.svd(self.matrix, full_matrices=False)
        self.basis = vt[values > values.max(initial=0) * max(self.matrix.shape) * 1e-12]

    def follow(self, left: Key, right: list[Key]) -> bool:
        """Whether the count ``left`` = Σ ``right``."""
        vector = np.zeros(len(self.index))
        vector[self.index[left]] += 1
        for k in right:
            vector[self.index[k]] -= 1
        rest = vector - self.basis.T @ (self.basis @ vector)
        return bool(np.allclose(rest, 0, atol=1e-9))


def a_total_row_is_the_sum_of_its_rows(reports):
    """A total row counts what its rows count: their sum, or, where a person can fall in
    several rows (two enrolments in two municipalities) and counts once in the total,
    at least their largest and at most their sum."""
    for name, table in _tables(reports):
        sums = dict(table.row_sums)
        if table.total_row is not None and table.total_row not in sums:
            sums[table.total_row] = tuple(r for r in range(len(table.rows)) if r != table.total_row)
        for total, parts in sums.items():
            for key in count_keys(table):
                part_values = [count(table, r, key) for r in parts]
                where = (
                    f"{name}: {key} in row {total} is {count(table, total, key)} of {part_values}"
                )
                assert max(part_values, default=0) <= count(table, total, key), where
                assert count(table, total, key) <= sum(part_values), where


def every_count_is_keyed_by_what_it_counts(reports):
    """Counts with the same key are the same count; a table with counts has dims."""
    for name, table in _tables(reports):
        if not count_keys(table):
            continue
        assert table.dims, f"{name} has no dims"
        for (r, column), (key, value) in keyed_values(table).items():
            assert isinstance(key, frozenset), f"{name}: {column} in row {r}"
            assert value >= 0, f"{name}: {column} in row {r}"


def every_count_has_a_key_of_its_own(reports):
    """Suppression can only hide a count everywhere, and compare it with another report,
    if it says what it counts: within a table no two counts share a key (with a gender
    filter, its row is the total row)."""
    for name, table in _tables(reports):
        if count_keys(table) and "gender" not in table.dims:
            keys = [key for key, _value in keyed_values(table).values()]
            assert len(keys) == len(set(keys)), f"{name}: two cells share a key"


def a_key_means_one_count_within_a_report(reports):
    for name, report in reports.built:
        values: dict[Key, set[int]] = defaultdict(set)
        for table in report.tables:
            for key, value in keyed_values(table).values():
                values[key].add(value)
        clashes = {k: v for k, v in values.items() if len(v) > 1}
        assert not clashes, f"{name}: {clashes}"


Relation = tuple[tuple[str, ...], tuple[str, ...]]  # the counts on the left = on the right
MAX_PARTS = 14  # columns searched for the parts of a sum (2^14 subsets)


def every_sum_and_difference_of_counts_is_declared(reports):
    """Relations between the counts of a row that hold in every row of every scope must
    follow from the table's declarations (column sums, implied counts): a = b,
    a = b + c + … of any of the other columns, and a = the sum of all the others. (That
    a part's rest in its whole, a − b, is declared as an implied count cannot be found
    this way: a ≥ b also holds by chance.)"""
    groups: dict[str, list[Table]] = defaultdict(list)
    for name, table in _tables(reports):
        groups[name.split(" ", 1)[0] + "/" + table.key].append(table)
    failures: list[str] = []
    for name, tables in groups.items():
        columns = [c for c in count_keys(tables[0]) if all(c in count_keys(t) for t in tables)]
        values = {c: [count(t, r, c) for t in tables for r in range(len(t.rows))] for c in columns}
        varying = [c for c in columns if len(set(values[c])) > 1]
        zeros = [c for c in columns if not any(values[c])]
        relations: list[Relation] = []
        for a, b in itertools.permutations(varying, 2):
            if values[a] == values[b] and a < b:
                relations.append(((a,), (b,)))
        relations += _sums(varying, values)
        # a = the sum of the rest, in every table of the report (each with its columns)
        totals = [[_sum_of_the_rest(t, a) for t in tables] for a in varying]
        for i, table in enumerate(tables):
            of_many = [found[i] for found in totals if all(found)]
            extra = [r for r in of_many if r is not None and len(r[1]) > 2]
            failures += _undeclared(name, table, relations + extra, zeros + _zeros(table))
    assert not failures, "\n".join(dict.fromkeys(failures))


def _sums(varying: list[str], values: dict[str, list[int]]) -> list[Relation]:
    """Every a = b + c + … (two parts or more) among the columns, in every row."""
    found: list[Relation] = []
    for a in varying:
        others = [c for c in varying if c != a][:MAX_PARTS]
        if len(others) < 2:
            continue
        masks = np.array(list(itertools.product((0, 1), repeat=len(others))))
        masks = masks[masks.sum(axis=1) >= 2]
        sums = masks @ np.array([values[c] for c in others])
        for mask in masks[(sums == np.array(values[a])).all(axis=1)]:
            found.append(((a,), tuple(c for c, m in zip(others, mask, strict=True) if m)))
    return found


def _sum_of_the_rest(table: Table, a: str) -> Relation | None:
    """``a`` as the sum of all the other counts of its row that are not 0 throughout the
    table, if it is that in every row (a total over as many municipalities as the data
    has)."""
    if a not in count_keys(table):
        return None
    rows = range(len(table.rows))
    rest = tuple(k for k in count_keys(table) if k != a and k not in _zeros(table))
    if all(count(table, r, a) == sum(count(table, r, k) for k in rest) for r in rows):
        return ((a,), rest)
    return None


def _zeros(table: Table) -> list[str]:
    """The count columns that are 0 in every row of the table (a shown 0 is exact)."""
    rows = range(len(table.rows))
    return [k for k in count_keys(table) if not any(count(table, r, k) for r in rows)]


def _undeclared(
    name: str,
    table: Table,
    relations: list[Relation],
    zeros: list[str],
) -> list[str]:
    """The relations that do not follow from the table's equations and its columns that
    are zero throughout (a = b follows from a = b + c where c is always 0)."""
    cells = collect([table])
    keys = list(cells.quantities)
    index = {k: i for i, k in enumerate(keys)}
    key = {cell: quantity for cell, (quantity, _v) in keyed_values(table).items()}
    zero = [{key[r, c]: 1} for r in range(len(table.rows)) for c in zeros]
    equations = [*cells.equations, *zero]
    matrix = np.array([[e.get(k, 0) for k in keys] for e in equations] or [[0] * len(keys)])
    rank = np.linalg.matrix_rank(matrix)

    def follows(vector: np.ndarray) -> bool:
        return bool(np.linalg.matrix_rank(np.vstack([matrix, vector])) == rank) or not vector.any()

    failures = []
    for r in range(len(table.rows)):
        for left, right in relations:
            vector = np.zeros(len(keys))
            for k in left:
                vector[index[key[r, k]]] += 1
            for k in right:
                vector[index[key[r, k]]] -= 1
            if not follows(vector):
                failures.append(f"{name}: {' + '.join(left)} = {' + '.join(right)} is undeclared")
    return failures


def every_share_is_computed_from_the_counts_it_names(reports):
    """A share shown beside a count gives its other count away, so it must hide with
    both: its value must follow from the counts its column names (Column.depends_on,
    in its row and in Column.base_row)."""
    for name, table in _tables(reports):
        for column in (c for c in table.columns if c.kind == Kind.PERCENT):
            for r in range(len(table.rows)):
                value = table.value(r, column.key)
                if value is None:
                    continue
                rows = (r,) if column.base_row is None else (r, column.base_row)
                named = [count(table, row, s) for row in rows for s in column.sources]
                pairs = itertools.product(named, repeat=2)
                possible = {p for a, b in pairs for p in (percent(a, b), percent(a - b, b))}
                triples = itertools.product(named, repeat=3)
                possible |= {percent(a, b - c) for a, b, c in triples}
                assert value in possible, f"{name}: {column.key} in row {r} is not from {named}"


def the_same_count_in_two_tables_has_one_key(reports):
    """Two tables' columns that count the same in every row (by its label) of every
    scope count the same persons: suppression must know them as one count (a count
    hidden in one table and shown in the other is given away). A table's row is
    compared likewise, by its columns' labels (the unknown of a distribution by gender
    in its columns and of a table by gender in its rows)."""
    # (table, column or row) → scope → label → (key, value)
    columns: dict[tuple[str, str], dict[int, dict[str, tuple[Key, int]]]] = defaultdict(dict)
    equations: dict[int, _Equations] = {}  # per scope, made when first asked
    for scope, (_name, report) in enumerate(reports.built):
        for table in report.tables:
            if not table.dims:
                continue
            cells = keyed_values(table)
            for column in count_keys(table) if table.row_dims else []:
                by_row = {str(table.rows[r][0]): cells[r, column] for r in range(len(table.rows))}
                columns[table.key, column][scope] = by_row
            labels = {c.key: str(c.label) for c in table.columns}
            for r, row in enumerate(table.rows):
                by_column = {labels[c]: cells[r, c] for c in count_keys(table)}
                columns[table.key, f"row {row[0]}"][scope] = by_column
    for (a, first), (b, second) in itertools.combinations(columns.items(), 2):
        scopes = sorted(first.keys() & second.keys())
        if a[0] == b[0] or len(scopes) < 3:
            continue
        # the rows both have (a row of unknown gender may be one table's only)
        common = {i: first[i].keys() & second[i].keys() for i in scopes}
        if any(len(rows) < 2 for rows in common.values()):
            continue
        pairs = [(i, first[i][row], second[i][row]) for i in scopes for row in sorted(common[i])]
        values = {v for _i, (_k, v), _other in pairs}
        if all(p[1] == q[1] for _i, p, q in pairs) and len(values) > 3:
            # One key, or counts that the report says are equal (a county of one förbund)
            for i, p, q in pairs:
                if i not in equations:
                    equations[i] = _Equations(reports.built[i][1].tables)
                same = p[0] == q[0] or equations[i].follow(p[0], [q[0]])
                assert same, f"{a} and {b} count the same"


# What each table draws — kind, series, x axis, y axis — and whether a note explains it:
# the printed report's charts, which readers compare from one year to the next.
# ``MUNICIPALITIES``: a column per home municipality of the data, and the anonymous.
MUNICIPALITIES = ("municipalities",)
# ``SUPPLY``: who paid the support before, and "unknown" where someone had none registered.
SUPPLY = ("kommun", "fk", "af", "other")
AGAINST_GENDER = ("women", "men")
MONTHS = ("months", "goal_months")
RESULTS = ("work", "studies", "other_rehab", "compensation", "other")
COUNTS = ("participants", "new", "ended")
DRAWN: dict[str, tuple[tuple[str, tuple[str, ...], str, str] | None, bool]] = {
    "counts": (("bar", ("worked_with", "new", "ended", "active_end"), "", "Deltagare"), True),
    "by_method": (None, True),
    "results": (("stacked", RESULTS, "", "Avslutade"), True),
    "after": (("bar", ("works", "studies", "increased"), "", "Avslutade"), True),
    "throughput": (("bar", MONTHS, "", "Månader"), True),
    "throughput_by_team": (("bar", MONTHS, "Team", "Månader"), True),
    "throughput_rolling": (("line", ("months",), "Period", "Månader"), True),
    "public_support": (("bar", ("mean_years",), "", "År"), True),
    "public_support_distribution": (("bar", AGAINST_GENDER, "Hela år", "Deltagare"), False),
    "age": (None, True),
    "age_distribution": (("bar", AGAINST_GENDER, "Ålder", "Deltagare"), True),
    "education": (("bar", AGAINST_GENDER, "Utbildningsnivå", "Deltagare"), False),
    "time_in_insats": (("bar", AGAINST_GENDER, "Månader i insatsen", "Deltagare"), True),
    "end_reasons": (("bar", AGAINST_GENDER, "Avslutsanledning", "Deltagare"), True),
    **{
        f"follow_up_{by}_{months}": (("bar", ("works", "studies"), label, "Nådda (antal)"), True)
        for by, label in (("gender", ""), ("end", "Vid avslutet"))
        for months in (6, 12)
    },
    "home_municipality": (("stacked", MUNICIPALITIES, "Insats", "Deltagare"), True),
    "inflow": (("stacked", ("carried_over", "new"), "Kommun", "Deltagare"), True),
    "referrers": (("bar", AGAINST_GENDER, "Remitterande aktör", "Deltagare"), False),
    "referrers_by_supply": (("bar", SUPPLY, "", "Deltagare"), True),
    "outflow": (("stacked", RESULTS, "Kommun", "Avslutade"), True),
    "budgeted_individual": (("bar", ("budgeted", "actual"), "Insats", "Deltagare"), False),
    "budgeted_structural": (("bar", ("budgeted", "actual"), "Insats", "Deltagare"), False),
    "forbund_comparison": (("bar", COUNTS, "", "Deltagare"), True),
    "county_comparison": (("bar", COUNTS, "", "Deltagare"), True),
    "trend": (("line", ("worked_with", "ended"), "År", "Deltagare"), True),
    "latest_by_team": (("bar", MONTHS, "Team", "Månader"), True),
    "support_by_year": (("line", ("mean_years",), "År", "År"), True),
    "budget": (("bar", ("budget", "outcome"), "Kostnadsslag", "kr"), True),
    "staff": (("bar", ("fte",), "Anställande part", "Heltidstjänster"), True),
    "staff_list": (None, True),
    "waiting": (("bar", ("waiting",), "Insats", "Väntande"), True),
    # The förbund's questions: a table per question (question_<id>), a number's mean,
    # and the one table without questions.
    "question": (("bar", AGAINST_GENDER, "Svar", "Deltagare"), True),
    "question_mean": (("bar", ("mean",), "", ""), True),
    "questions": (None, True),
}


def _drawn_key(key: str) -> str:
    """The key of DRAWN for a table: a question's tables are keyed by its id."""
    return re.sub(r"^question_\d+", "question", key)


def every_table_draws_its_chart_and_keeps_its_note(reports):
    """The chart and the note of each table as DRAWN says (in Swedish, the default)."""
    for name, table in _tables(reports):
        chart, note = DRAWN[_drawn_key(table.key)]
        if chart is not None and chart[1] == MUNICIPALITIES:
            places = tuple(c.key for c in table.columns if c.key not in ("insats", "volume"))
            series = tuple(k for k in places if k != "total" and not k.endswith("_percent"))
            chart = (chart[0], series, *chart[2:])
        if chart is not None and chart[1] == SUPPLY and "unknown" in count_keys(table):
            chart = (chart[0], (*SUPPLY, "unknown"), *chart[2:])
        drawn = table.chart and (
            table.chart.kind,
            table.chart.y,
            str(table.chart.x_label),
            str(table.chart.y_label),
        )
        assert drawn == chart, f"{name}: draws {drawn}, not {chart}"
        assert bool(table.note) == note, f"{name}: note {table.note!r}"


CHECKS = [
    every_share_is_computed_from_the_counts_it_names,
    every_text_of_every_table_is_translated,
    every_table_has_a_title_and_labelled_columns,
    every_cell_is_of_its_columns_kind,
    every_declaration_names_columns_and_rows_of_its_table,
    every_column_sum_holds_in_every_row,
    no_implied_count_is_negative,
    every_line_to_another_table_holds,
    every_count_that_rows_of_another_table_add_up_to_is_declared,
    a_total_row_is_the_sum_of_its_rows,
    every_count_is_keyed_by_what_it_counts,
    every_count_has_a_key_of_its_own,
    a_key_means_one_count_within_a_report,
    every_sum_and_difference_of_counts_is_declared,
    the_same_count_in_two_tables_has_one_key,
    every_table_draws_its_chart_and_keeps_its_note,
    every_near_sum_is_declared,
]


# The checks between the tables of a report, which the annual report needs too: it puts
# tables of several reports side by side, and suppresses them together.
BETWEEN_TABLES = [
    every_line_to_another_table_holds,
    every_count_that_rows_of_another_table_add_up_to_is_declared,
    a_key_means_one_count_within_a_report,
    the_same_count_in_two_tables_has_one_key,
]


def test_the_annual_report_declares_the_counts_its_tables_share(scopes):
    """The annual report of the förbund's busiest insats, exact, for three years: a count
    it shows in two tables (the ended of the participants table and the total of the end
    reasons) is one count, or the equations make it one."""
    insats = (
        Insats.objects.filter(forbund_id=scopes[0].object_id)
        .annotate(n=Count("enrolments"))
        .order_by("-n", "pk")
        .first()
    )
    assert insats is not None
    built = []
    for year in (2021, 2022, 2023):
        report = build_annual_report(Operator(exact=True), insats, year)
        tables = [
            dataclasses.replace(t, key=f"{c.chapter.code}-{i}-{t.key}")
            for c in report.chapters
            for i, t in enumerate(c.tables)
        ]
        built.append((f"annual {year}", SimpleNamespace(tables=tables)))
    for check in BETWEEN_TABLES:
        check(SimpleNamespace(built=built))
