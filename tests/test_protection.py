"""What a reader without exact counts can work out about a hidden count
(``reports.protection``): a hidden small count is protected while it can take at least
two whole numbers; a hidden count is at least 1, a count no table shows at least 0; a
count bounded only from below is protected. Counts here are plain numbers, which a
reader knows exactly (no record keys, so no perturbation)."""

from __future__ import annotations

import pytest

from samspar.reports.cells import collect
from samspar.reports.protection import Check
from samspar.reports.suppression import suppress_table
from samspar.reports.tables import Column, Implied, Kind, Table
from tests.grid import gender_grid

LIMIT = 5


def _hidden(table: Table) -> set[tuple[str, str]]:
    return {(str(table.rows[r][0]), key) for r, key in table.suppressed}


def _one_row(counts: dict[str, int]) -> Table:
    """One row of counts and the total column that sums them."""
    keys = tuple(counts)
    return Table(
        "t",
        "T",
        [
            Column("group", "Group", Kind.LABEL),
            *(Column(key, key) for key in keys),
            Column("total", "Total"),
        ],
        [["row", *counts.values(), sum(counts.values())]],
        column_sums={"total": keys},
    )


def test_hidden_counts_with_two_values_each_are_protected():
    """2, 1 and 1 hidden beside a shown 30 under a total of 34: they add up to 4, so each
    is 1 or 2 — two whole numbers, enough; the 30 stays shown."""
    table = _one_row({"a": 2, "b": 1, "c": 1, "d": 30})
    cells = collect([table])
    keys = {column: key for key, q in cells.quantities.items() for _t, _r, column in q.positions}
    small = [keys["a"], keys["b"], keys["c"]]
    check = Check(cells, small, LIMIT)
    assert check.range(keys["a"], cells.equations, set(small)) == (1.0, 2.0)
    assert check.exposed(small) == []
    assert _hidden(suppress_table(table, LIMIT)) == {("row", "a"), ("row", "b"), ("row", "c")}


def test_a_count_bounded_only_from_below_is_protected():
    """The women's 2 of c0 is the women's total and c0's total: with those hidden, the
    men's 20 and the grand total 22 would give it back, so the grand total goes. Then the
    2 is at least 1 and has no greatest value — protected; the men's 20 stay shown."""
    table = suppress_table(gender_grid([(2, 0), (0, 20)]), LIMIT)
    assert _hidden(table) == {
        ("c0", "women"),
        ("c0", "total"),
        ("Total", "women"),
        ("Total", "total"),
    }
    assert table.rows[1] == ["c1", 0, 20, 20]


def test_a_count_in_no_equation_is_protected():
    """A hidden count no other count adds up with: a reader knows only that it is at
    least 1."""
    table = Table("t", "T", [Column("group", "Group", Kind.LABEL), Column("n", "N")], [["a", 3]])
    cells = collect([table])
    (key,) = cells.quantities
    check = Check(cells, [key], LIMIT)
    assert check.range(key, cells.equations, {key}) == (1.0, None)
    assert check.exposed({key}) == []


def test_a_count_no_table_shows_may_be_zero():
    """Of 30 ended, 2 and 1 (hidden) and 27 are shown by reason; the rest, which no column
    shows, is 0. A reader may take it as 0, so the 2 and the 1 add up to at most 3 and
    each can still be 1 or 2: the 27 stays shown. (Taken as at least 1, the rest would
    pin both to 1.)"""
    table = Table(
        "t",
        "T",
        [
            Column("group", "Group", Kind.LABEL),
            Column("ended", "Ended"),
            Column("work", "Work"),
            Column("studies", "Studies"),
            Column("other", "Other"),
        ],
        [["row", 30, 2, 1, 27]],
        implied=[Implied("rest", ("ended",), ("work", "studies", "other"))],
    )
    cells = collect([table])
    check = Check(cells, [], LIMIT)
    (rest,) = check.implied
    assert check.bounds(rest, check.implied) == (0.0, None)
    assert _hidden(suppress_table(table, LIMIT)) == {("row", "work"), ("row", "studies")}


def test_a_shown_count_that_is_not_a_whole_number_is_an_error():
    """A count column holding a mean is a mistake in the report, not something to
    protect: it stops with the value named."""
    table = _one_row({"a": 2, "b": 30})
    table.rows[0][2] = 30.5
    cells = collect([table])
    with pytest.raises(TypeError, match=r"a shown count is a whole number, not 30\.5"):
        Check(cells, [], LIMIT)
