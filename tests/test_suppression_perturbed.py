"""Secondary suppression against what a reader of perturbed counts knows (issue 11, #1):
a shown count v > 0 is known only as the counts that may be shown as v (at most 2 either
way, never below the threshold), so an equation with one hidden small count seldom pins
it. A cover is hidden only where the intervals leave it one value; on random tables,
every hidden small count can take at least two values, by brute force over every table
the reader's knowledge allows."""

from __future__ import annotations

import copy
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from samspar.reports.cellkey import Counted, consistent, perturbation
from samspar.reports.perturbation import perturb
from samspar.reports.suppression import suppress_table
from samspar.reports.tables import Column, Kind, Table, Value
from tests.grid import gender_grid

LIMIT = 5
PERSON = "registry.person"


def _parts(part: Counted, small: Counted) -> Table:
    """Two categories and their total: total = part + small."""
    return Table(
        "p",
        "P",
        [Column("group", "Group", Kind.LABEL), Column("n", "N")],
        [["a", part], ["b", small], ["Total", part + small]],
        total_row=2,
    )


def _key(n: int, p: int, start: int = 1) -> int:
    """The first record sum from ``start`` whose count of ``n`` is perturbed by ``p``."""
    return next(k for k in itertools.count(start) if perturbation(n, ((PERSON, k),)) == p)


def _counted(n: int, key: int) -> Counted:
    return Counted(n, {PERSON: key})


def test_a_small_count_with_a_perturbed_cover_needs_no_secondary_cell():
    """Women 20, men 3, total 23: the reader knows the men only as the total less the
    women, ±4, so nothing else is hidden — whatever the perturbation."""
    for start in (1, 100, 1000):
        table = suppress_table(_parts(_counted(20, start), _counted(3, start + 7)), LIMIT)
        assert table.suppressed == {(1, "n")}
        assert table.rows[0][1] == 20 and table.rows[2][1] == 23


def test_a_small_count_the_intervals_pin_gets_a_cover():
    """Total 7 shown as 5 (so 5 to 7), part 6 shown as 8 (so 6 to 10): the small count
    (1) = total − part can only be 1, so the part is hidden too."""
    part_key = _key(6, +2)
    small_key = _key(7, -2, start=part_key + 1) - part_key  # the total's records
    table = _parts(_counted(6, part_key), _counted(1, small_key))
    shown = copy.deepcopy(table)
    perturb([shown], LIMIT)
    assert [shown.rows[0][1], shown.rows[2][1]] == [8, 5]
    suppress_table(table, LIMIT)
    assert table.suppressed == {(0, "n"), (1, "n")}
    assert table.rows[2][1] == 7


def test_the_same_table_hides_the_same_cells():
    rows = [(_counted(12, 3), _counted(1, 5)), (_counted(20, 8), _counted(3, 13))]
    first, second = (
        suppress_table(gender_grid(rows), LIMIT),
        suppress_table(gender_grid(rows), LIMIT),
    )
    assert first.suppressed == second.suppressed


# --- random tables, checked by brute force ----------------------------------------------

CAP = 20  # the greatest value tried for a hidden cell: fewer worlds, so a stricter check

cells = st.tuples(st.integers(0, 8), st.integers(1, 10**6))
grids = st.lists(st.tuples(cells, cells), min_size=2, max_size=2)


def _worlds(shown: Table) -> list[tuple[int, ...]]:
    """Every (c0 women, c0 men, c1 women, c1 men) the reader cannot rule out: a shown
    inner count in its interval (a shown 0 is 0), a hidden one from 1 up, and every sum
    in the interval of what is shown of it, or at least 1 where it is hidden."""
    inner = [(r, c) for r in (0, 1) for c in (1, 2)]

    def options(value: Value) -> list[int]:
        if value is None:
            return list(range(1, CAP + 1))
        assert isinstance(value, int)
        return sorted(consistent(value, LIMIT))

    worlds = []
    for world in itertools.product(*(options(shown.rows[r][c]) for r, c in inner)):
        w0, m0, w1, m1 = world
        sums = {(0, 3): w0 + m0, (1, 3): w1 + m1, (2, 1): w0 + w1, (2, 2): m0 + m1}
        sums[2, 3] = w0 + m0 + w1 + m1
        if all(_allows(shown.rows[r][c], n) for (r, c), n in sums.items()):
            worlds.append(world)
    return worlds


def _allows(shown: Value, n: int) -> bool:
    if shown is None:
        return n >= 1
    assert isinstance(shown, int)
    return n in consistent(shown, LIMIT)


def _value(world: tuple[int, ...], r: int, c: int) -> int:
    w0, m0, w1, m1 = world
    grid = [[w0, m0], [w1, m1], [w0 + w1, m0 + m1]]
    return grid[r][c - 1] if c < 3 else sum(grid[r])


@settings(deadline=None, max_examples=60)
@given(grids)
def test_every_hidden_small_count_can_take_two_values(rows):
    counted = [(_counted(w, kw), _counted(m, km)) for (w, kw), (m, km) in rows]
    exact = gender_grid(counted)
    table = suppress_table(copy.deepcopy(exact), LIMIT)
    perturb([table], LIMIT)
    worlds = _worlds(table)
    for r, row in enumerate(exact.rows):
        for c in (1, 2, 3):
            n = row[c]
            assert isinstance(n, int)
            if 0 < n < LIMIT:
                assert table.rows[r][c] is None
                assert len({_value(world, r, c) for world in worlds}) >= 2, (r, c, n)
