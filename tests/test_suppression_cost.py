"""Secondary suppression by cost (issue 11, #1): the cheapest cover — an inner cell before
a total — then redundancy elimination; no small count follows from what is shown, on
random tables; shares and means hide only when they would give a hidden count back or
cover too few; and a small anonymous count does not hide the persons worked with."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samspar.access.scoping import Role
from samspar.registry import services as registry
from samspar.reports.catalogue import REPORTS
from samspar.reports.cellkey import perturbed
from samspar.reports.cells import collect
from samspar.reports.scope import Level, ReportScope
from samspar.reports.suppression import (
    INNER,
    SUM,
    TOTAL,
    costs,
    rank_of,
    suppress_table,
    suppress_tables,
)
from samspar.reports.tables import Column, Dims, Kind, Report, Table
from tests.factories import make_user
from tests.grid import gender_grid, grid
from tests.reader import given_away
from tests.seeds import AVESTA_YEAR, P, register

LIMIT = 5


def _hidden(table: Table) -> set[tuple[str, str]]:
    return {(str(table.rows[r][0]), key) for r, key in table.suppressed}


def test_an_inner_cell_covers_before_a_total():
    """One man in c0: the women of c0 (12) go with him, not the row's total (13), and
    in the men's column the other small count (c1) already covers him."""
    table = suppress_table(gender_grid([(12, 1), (20, 3), (30, 30)]), LIMIT)
    assert _hidden(table) == {("c0", "men"), ("c1", "men"), ("c0", "women"), ("c1", "women")}
    assert [row[3] for row in table.rows] == [13, 23, 60, 96]
    assert table.rows[-1][1:] == [62, 34, 96]


def test_the_total_row_stays_shown_where_inner_cells_can_cover():
    """The men's 1 and 1 of c1 and c2 add up to 2 under the men's total 11 beside c0's
    9: covers go in the men's column and c0's row. The search takes the total row's men
    on the way, but a total ranks highest, so redundancy elimination shows it again
    first: c0's men (9) and c0's total stay hidden, and the total row stays whole."""
    table = suppress_table(gender_grid([(0, 9), (3, 1), (4, 1)]), LIMIT)
    assert _hidden(table) == {
        ("c0", "men"),
        ("c0", "total"),
        ("c1", "women"),
        ("c1", "men"),
        ("c1", "total"),
        ("c2", "women"),
        ("c2", "men"),
    }
    assert table.rows[-1] == ["Total", 7, 11, 18]


def test_a_secondary_total_gives_way_to_an_inner_count_that_protects_as_well():
    """The men's 4 of c3, beside c0's 19 under the men's total of 23: c0's men go to
    cover it, and then a shown count of c3's lines, where only totals are left — the
    search takes c0's row total of 56 (a sum, before the totals 23 and 65). c0's women
    (37), an inner count one equation further out, protect as well, so the 56 gives way
    to them and stays shown."""
    table = suppress_table(gender_grid([(37, 19), (4, 0), (1, 0), (0, 4)]), LIMIT)
    assert _hidden(table) == {
        ("c0", "women"),
        ("c0", "men"),
        ("c1", "women"),
        ("c1", "total"),
        ("c2", "women"),
        ("c2", "total"),
        ("c3", "men"),
        ("c3", "total"),
    }
    assert table.rows[0] == ["c0", None, None, 56]


def test_every_secondary_total_that_can_give_way_does():
    """The table of the test above twice, in columns a–b and c–d: each copy's row total
    of 56 gives way to its inner count of 37, the second as well as the first."""
    rows = [(37, 19), (4, 0), (1, 0), (0, 4)]
    table = suppress_table(
        grid([(*r, 0, 0) for r in rows] + [(0, 0, *r) for r in rows], ("a", "b", "c", "d")),
        LIMIT,
    )
    assert [table.rows[r][5] for r in (0, 4)] == [56, 56]
    assert {("c0", "a"), ("c0", "b"), ("c4", "c"), ("c4", "d")} <= _hidden(table)


@pytest.mark.parametrize(
    ("rows", "sums"),
    [
        ([(1, 3, 19), (1, 0, 0), (0, 4, 20), (25, 0, 20)], ("c0", "c3")),
        # The same rows, the one with the larger total first.
        ([(25, 0, 20), (1, 3, 19), (1, 0, 0), (0, 4, 20)], ("c1", "c0")),
    ],
)
def test_the_most_expensive_secondary_total_gives_way_first(rows, sums):
    """The search covers with the row totals of 23 (1, 3, 19) and 45 (25, 0, 20). Either
    could give way to the 20 in c of the row (0, 4, 20), but only one of them: with the
    20 hidden, the other one is needed. The 45 costs more and is tried first, wherever
    its row stands, so it is the one shown and the 23 stays hidden."""
    table = suppress_table(grid(rows, ("a", "b", "c")), LIMIT)
    small, large = (table.row_by_label(label) for label in sums)
    assert (small[4], large[4]) == (None, 45)
    assert large[1:4] == [None, 0, None]


def test_a_secondary_total_gives_way_to_the_cheapest_inner_count_one_equation_further_out():
    """c2's 1 and 2 add up to a small 3 in the total column: with c0's b (19) and d (50)
    hidden for c3's 4 and c4's 2, the rest of that column would give it back, so the
    search hides c1's row total (7). c1's own counts are small or zero, but opening
    c0's row, one equation further out, protects as well: its c (37) is hidden instead,
    the cheapest of c0's 60 and 37, and the 7 is shown."""
    table = suppress_table(
        grid([(60, 19, 37, 50), (4, 0, 3, 0), (1, 0, 2, 0), (0, 4, 0, 0), (0, 0, 0, 2)], "abcd"),
        LIMIT,
    )
    assert table.rows[0] == ["c0", 60, None, None, None, 166]
    assert table.rows[1] == ["c1", None, 0, None, 0, 7]


def test_a_total_that_gives_way_is_shown_before_the_next_is_tried():
    """The search covers with the row totals of c4 (14) and c0 (5). The 14 gives way to
    c4's d (9) and is shown at once. c0's 5 could give way to c5's b (5) only with the
    14 still hidden, so it stays hidden beside c2's a (10), and the 5 of c5 is shown."""
    rows = [(2, 0, 0, 3), (0, 5, 1, 0), (10, 5, 1, 0), (0, 0, 1, 0), (0, 0, 5, 9), (2, 5, 0, 1)]
    table = suppress_table(grid(rows, "abcd"), LIMIT)
    assert table.rows[4] == ["c4", 0, 0, None, None, 14]
    assert table.rows[5] == ["c5", None, 5, 0, None, 8]
    assert _hidden(table) >= {("c0", "total"), ("c2", "a")}


def test_after_a_swap_a_cover_no_longer_needed_is_shown_again():
    """c0's row total (56) gives way to c0's a (37), as in the tests above; with the 37
    hidden, c1's row total of 7, which the search had taken as well, is needed no more
    and is shown again."""
    table = suppress_table(
        grid([(37, 19, 0), (4, 0, 3), (1, 0, 2), (0, 4, 0)], ("a", "b", "c")), LIMIT
    )
    assert [table.rows[r][4] for r in (0, 1)] == [56, 7]
    assert _hidden(table) == {
        ("c0", "a"),
        ("c0", "b"),
        ("c1", "a"),
        ("c1", "c"),
        ("c2", "a"),
        ("c2", "c"),
        ("c2", "total"),
        ("c3", "b"),
        ("c3", "total"),
    }


@pytest.mark.parametrize(
    ("rows", "hidden"),
    [
        # c2's row total (6) covers the women's 2 of c3 through the total column; the
        # inner counts near it are hidden already or would leave a small count pinned.
        (
            [(0, 0), (3, 5), (2, 4), (2, 0)],
            {"c1 women", "c1 men", "c2 women", "c2 men", "c2 total", "c3 women", "c3 total"},
        ),
        # The women's total (108) covers the men's total of 4: shown, it would give the
        # 4 back from the grand total, whichever inner count went instead.
        (
            [(31, 2), (40, 0), (33, 0), (4, 2)],
            {"c0 women", "c0 men", "c3 women", "c3 men", "Total women", "Total men"},
        ),
    ],
)
def test_a_secondary_total_stays_where_no_inner_count_protects_as_well(rows, hidden):
    table = suppress_table(gender_grid(rows), LIMIT)
    assert {f"{label} {key}" for label, key in _hidden(table)} == hidden


def test_a_secondary_total_gives_way_to_an_inner_count_only():
    """The total row's c (56) covers in the total row; no inner count protects as well,
    so it stays hidden — the total row's a (42), cheaper but a total too, is no
    replacement."""
    table = suppress_table(
        grid([(37, 18, 0), (4, 0, 35), (1, 0, 19), (0, 4, 2)], ("a", "b", "c")), LIMIT
    )
    assert table.rows[-1] == ["Total", 42, None, None, 120]


def test_an_inner_cover_is_not_swapped():
    """Only totals and sums give way: c2's men (35), an inner cover, stay hidden though
    c2's women (39) would protect as well."""
    table = suppress_table(
        grid([(3, 3, 0), (4, 0, 1), (39, 35, 2)], ("women", "men", "other")), LIMIT
    )
    assert ("c2", "men") in _hidden(table)
    assert table.rows[2][1] == 39


def test_redundancy_elimination_shows_the_most_expensive_cover_again():
    """c0's one woman: the search hides c0's other (11), then c0's men (30), then c2's
    women (37). Either of the 11 and the 30 keeps row c0 open; the most expensive is
    tried first, so the 30 is shown again and the 11 stays hidden."""
    rows = [(1, 30, 11), (0, 2, 4), (37, 4, 3)]
    table = suppress_table(grid(rows, ("women", "men", "other")), LIMIT)
    assert ("c0", "other") in _hidden(table)
    assert table.rows[0] == ["c0", None, 30, None, 42]


def _by_group(
    key: str,
    groups: list[tuple[str, int, int]],
    *,
    total_row: int | None,
    row_sums: dict[int, tuple[int, ...]],
) -> Table:
    """Rows (group, women, men) and their total column; every cell keyed by its group
    and gender, so that another table can show the same count."""
    return Table(
        key,
        key.capitalize(),
        [
            Column("group", "Group", Kind.LABEL),
            Column("women", "Women", dims={"gender": "K"}),
            Column("men", "Men", dims={"gender": "M"}),
            Column("total", "Total"),
        ],
        [[group, w, m, w + m] for group, w, m in groups],
        total_row=total_row,
        column_sums={"total": ("women", "men")},
        row_sums=row_sums,
        dims={"population": "new"},
        row_dims=[{"group": group} for group, _w, _m in groups],
    )


def test_what_hiding_a_count_costs():
    """A cell of the total row ranks highest, then one of a row or a column that sums
    others, then an inner cell; within a rank, its size times the tables that show it."""
    groups = _by_group(
        "groups",
        [("A", 9, 4), ("A1", 6, 1), ("A2", 3, 3), ("B", 20, 8), ("Total", 29, 12)],
        total_row=4,
        row_sums={0: (1, 2), 4: (0, 3)},
    )
    assert [rank_of(groups, 1, key) for key in ("women", "men", "total")] == [INNER, INNER, SUM]
    assert [rank_of(groups, 0, key) for key in ("women", "men", "total")] == [SUM, SUM, SUM]
    assert [rank_of(groups, 4, key) for key in ("women", "men", "total")] == [TOTAL] * 3
    # The women of A1 shown again, in a table of their own.
    again = _by_group("again", [("A1", 6, 1)], total_row=None, row_sums={})
    cells = collect([groups, again])
    cost = {
        (table.key, r, column): each[:2]
        for key, each in costs(cells).items()
        for table, r, column in cells.quantities[key].positions
    }
    assert cost["groups", 1, "women"] == cost["again", 0, "women"] == (INNER, 12)
    assert cost["groups", 2, "women"] == (INNER, 3)
    assert cost["groups", 3, "total"] == (SUM, 28)
    assert cost["groups", 0, "men"] == (SUM, 4)
    assert cost["groups", 4, "men"] == (TOTAL, 12)
    assert cost["groups", 4, "total"] == (TOTAL, 41)


def test_the_cheapest_inner_cover_is_the_smallest():
    """Women 3 in c0: the men's column needs no cover, the women's takes the smallest
    other women's count (8, not 40), and its row's men (c1: 9) go with it."""
    table = suppress_table(gender_grid([(3, 20), (8, 9), (40, 41)]), LIMIT)
    assert _hidden(table) == {
        ("c0", "women"),
        ("c0", "men"),
        ("c1", "women"),
        ("c1", "men"),
    }
    assert all(table.rows[r][3] is not None for r in range(4))


def test_a_cover_that_is_not_needed_is_shown_again():
    """A small count covered twice over keeps only the cover it needs: c0's women (2)
    and men (3) are both small, so they cover each other in their row, and the women's
    and the men's columns each need one more hidden cell, not the whole row c1."""
    table = suppress_table(gender_grid([(2, 3), (10, 11), (30, 30)]), LIMIT)
    assert _hidden(table) == {
        ("c0", "women"),
        ("c0", "men"),
        ("c1", "women"),
        ("c1", "men"),
    }
    assert table.rows[0][3] == 5  # the row total: 5 is no small count


@pytest.mark.parametrize("rows", [[(23, 2), (0, 28)], [(2, 24), (14, 0)], [(6, 4), (0, 6)]])
def test_a_cover_one_equation_further_out(rows):
    """The men's 2 of c0: every line through it holds only hidden counts and zeros (the
    zero women of c1 is no cover), so the cover comes from a line one step further."""
    table = suppress_table(gender_grid(rows), LIMIT)
    assert not _derivable(gender_grid(rows), set(table.suppressed))


def test_the_cover_comes_from_a_line_of_the_small_count():
    """Women 3 in c1: a rectangle through c1 and c0 (men 25) or c2 (men 14) protects it,
    the women beside it being 27 either way; the cover is searched in the 3's own lines,
    so the smaller rectangle is hidden (14). Searching the cheapest count of the whole
    table would take men 14, then men 25 of c0, and end with the rectangle with 25."""
    table = suppress_table(gender_grid([(27, 25), (3, 27), (27, 14)]), LIMIT)
    assert _hidden(table) == {
        ("c1", "women"),
        ("c1", "men"),
        ("c2", "women"),
        ("c2", "men"),
    }
    assert [table.value(r, "total") for r in range(4)] == [52, 30, 41, 123]


def test_a_cover_further_out_goes_through_hidden_counts_not_shown_zeros():
    """The 1 of c1 (b): its row and column hold, besides zeros, only c1's 29, the 15 of
    c2 and their totals; once those are hidden the cover goes one line further out
    through them and closes the one rectangle of four (c1, c2 × b, c). A shown zero is
    known, no way further: through the zeros beside the 1 the cover would reach c0's 19
    and 8 and c2's 20 and hide a ring of six instead."""
    table = suppress_table(grid([(19, 0, 8), (0, 1, 29), (20, 15, 29)], "abc"), LIMIT)
    assert _hidden(table) == {("c1", "b"), ("c1", "c"), ("c2", "b"), ("c2", "c")}
    assert [table.value(r, "total") for r in range(4)] == [27, 30, 64, 121]
    assert table.rows[-1][1:] == [39, 16, 66, 121]


# --- random tables -----------------------------------------------------------------------

cells = st.integers(min_value=0, max_value=30)
tables = st.lists(st.tuples(cells, cells), min_size=1, max_size=7)


@given(tables)
def test_no_small_count_follows_from_a_random_table(rows):
    table = suppress_table(gender_grid(rows), LIMIT)
    exact = gender_grid(rows)
    hidden = {(r, key) for r, key in table.suppressed}
    assert not _derivable(exact, hidden)
    # Every small count is hidden, every hidden count was needed (redundancy
    # elimination): showing any secondary one again gives a small count away.
    for cell, value in _counts(exact).items():
        if 0 < value < LIMIT:
            assert cell in hidden
    for cell in hidden:
        if not 0 < _counts(exact)[cell] < LIMIT:
            assert _derivable(exact, hidden - {cell}), f"{cell} need not be hidden"


@given(tables)
def test_the_hidden_cells_are_the_same_every_time(rows):
    first = suppress_table(gender_grid(rows), LIMIT)
    again = suppress_table(copy.deepcopy(gender_grid(rows)), LIMIT)
    assert first.suppressed == again.suppressed


@given(tables)
def test_no_total_is_hidden_where_an_inner_cell_could_cover_instead(rows):
    """No hidden total (a cell of the total column or row) that is not small could be
    swapped for a shown inner count, the table staying protected."""
    table = suppress_table(gender_grid(rows), LIMIT)
    exact = gender_grid(rows)
    counts = _counts(exact)
    hidden = set(table.suppressed)
    last = len(exact.rows) - 1
    inner = [
        (r, key)
        for r in range(last)
        for key in ("women", "men")
        if (r, key) not in hidden and counts[r, key]
    ]
    for cell in hidden:
        if (cell[1] == "total" or cell[0] == last) and not 0 < counts[cell] < LIMIT:
            for other in inner:
                swapped = (hidden - {cell}) | {other}
                assert _derivable(exact, swapped), f"{other} could cover instead of {cell}"


def _counts(table: Table) -> dict[tuple[int, str], int]:
    return {
        (r, key): int(table.value(r, key))  # type: ignore[arg-type]
        for r in range(len(table.rows))
        for key in ("women", "men", "total")
    }


def _derivable(exact: Table, hidden: set[tuple[int, str]]) -> bool:
    """Whether a reader who knows the shown counts exactly (plain numbers are not
    perturbed) can pin a hidden small count to one value (tests/reader.py, not the module
    under test)."""
    shown = copy.deepcopy(exact)
    shown.suppressed = set(hidden)
    for r, key in hidden:
        shown.rows[r][shown.column_index(key)] = None
    return bool(given_away([shown], [exact], LIMIT, perturbed=False))


# --- shares and means -------------------------------------------------------------------


def _throughput(
    rows: list[tuple[str, int, int, float]],
    *,
    total_row: bool = False,
    row_sums: dict[int, tuple[int, ...]] | None = None,
) -> Table:
    """Rows (label, ended, early dropouts, mean months of the others)."""
    return Table(
        "throughput",
        "T",
        [
            Column("group", "Group", Kind.LABEL),
            Column("ended", "Ended"),
            Column("dropouts", "Early dropouts"),
            Column("kept", "Ended, not early dropouts"),
            Column("kept_percent", "Not dropouts (%)", Kind.PERCENT, ("kept", "ended")),
            Column("months", "Mean months", Kind.NUMBER, "kept"),
        ],
        [
            [label, ended, dropouts, ended - dropouts, 100 * (ended - dropouts) / ended, months]
            for label, ended, dropouts, months in rows
        ],
        total_row=len(rows) - 1 if total_row else None,
        column_sums={"ended": ("dropouts", "kept")},
        row_sums=row_sums or {},
    )


def test_a_mean_over_many_stays_shown_beside_its_hidden_count():
    """35 ended, 3 early dropouts: the 32 others are hidden to cover the 3 (an inner
    cell, not the ended), their share of the ended with them (it gives them back from
    the 35), but their mean of 17.3 months stays: it gives no count back."""
    table = suppress_table(_throughput([("2025", 35, 3, 17.3), ("2024", 40, 10, 15.0)]), LIMIT)
    assert _hidden(table) == {("2025", "dropouts"), ("2025", "kept"), ("2025", "kept_percent")}
    assert table.rows[0] == ["2025", 35, None, None, None, 17.3]


def test_a_mean_over_too_few_is_hidden():
    """4 ended who were not early dropouts: their count and their mean go, and the 5
    dropouts cover them (inner, before the 9 ended); the 30 of 2024 keep theirs."""
    table = suppress_table(_throughput([("2025", 9, 5, 11.0), ("2024", 40, 10, 15.0)]), LIMIT)
    assert _hidden(table) == {
        ("2025", "dropouts"),
        ("2025", "kept"),
        ("2025", "kept_percent"),
        ("2025", "months"),
    }
    assert table.rows[1] == ["2024", 40, 10, 30, 75.0, 15.0]


def test_a_mean_hides_exactly_when_its_population_is_below_the_threshold():
    """Means over 1 and 4 people hide; over 5 (the threshold) and 30 they show; over
    nobody there is no mean, and an empty cell is not marked hidden."""
    rows = [
        ("none", 10, 10, None),
        ("one", 10, 9, 12.0),
        ("four", 10, 6, 11.0),
        ("five", 10, 5, 9.5),
        ("many", 40, 10, 15.0),
    ]
    table = suppress_table(_throughput(rows), LIMIT)  # type: ignore[arg-type]
    hidden = [(r, "months") in table.suppressed for r in range(len(rows))]
    assert hidden == [False, True, True, False, False]
    assert [table.value(r, "months") for r in (3, 4)] == [9.5, 15.0]


def test_the_means_of_a_sum_of_rows_do_not_give_hidden_counts_back():
    """Women and men with their kept counts hidden under a shown total: the three means
    would make one more equation (32 × 17.2875 = 18 × w + 16.1 × m) and give both back,
    so the means of the hidden rows go; the total's stays."""
    rows = [("Women", 23, 3, 18.0), ("Men", 14, 2, 16.1), ("Total", 37, 5, 17.2875)]
    table = suppress_table(_throughput(rows, total_row=True), LIMIT)
    assert {("Women", "kept"), ("Men", "kept")} <= _hidden(table)
    assert {("Women", "months"), ("Men", "months")} <= _hidden(table)
    assert table.value(2, "months") == 17.2875


@pytest.mark.parametrize(
    "before",
    [
        # The youngest do not add up as means do (19 × 32 ≠ 19 × 20 + 21 × 12): taken
        # as an equation, it would have no answer and leave the check without a claim.
        (19, 21, 19),
        # A mean of 0 in every row gives an equation with no terms.
        (0.0, 0.0, 0.0),
        # The youngest 19.0, 19.05 and 19.0 miss a mean's sum by 0.6 only.
        (19.0, 19.05, 19.0),
    ],
)
def test_a_column_that_makes_no_equation_leaves_the_means_after_it_to_their_check(before):
    """A NUMBER column before the months that makes no equation of a sum of rows: it
    stays shown, and the means of the rows with hidden kept counts go, as without it."""
    table = _throughput(
        [("Women", 23, 3, 18.0), ("Men", 14, 2, 16.1), ("Total", 37, 5, 17.2875)], total_row=True
    )
    table.columns.insert(-1, Column("before", "Before", Kind.NUMBER, "kept"))
    for row, value in zip(table.rows, before, strict=True):
        row.insert(-1, value)
    suppress_table(table, LIMIT)
    assert tuple(table.value(r, "before") for r in range(3)) == before
    assert [table.value(r, "months") for r in range(3)] == [None, None, 17.2875]


def test_the_means_of_a_sum_of_rows_stay_where_they_give_nothing_small_back():
    """Early dropouts 1, 1 and 2 (the year of an annual report): the kept counts 20, 12
    and 32 are all hidden to cover them. The three means make one more equation, but it
    leaves one early dropout of women against men open (0.75 w − 1.25 m = −0.5 has more
    than one answer), so the means stay: 32 people, 17.25 months."""
    rows = [("Women", 21, 1, 16.5), ("Men", 13, 1, 18.5), ("Total", 34, 2, 17.25)]
    table = suppress_table(_throughput(rows, total_row=True), LIMIT)
    assert {("Women", "kept"), ("Men", "kept"), ("Total", "kept")} <= _hidden(table)
    assert [table.value(r, "months") for r in range(3)] == [16.5, 18.5, 17.25]
    assert [table.value(r, "ended") for r in range(3)] == [21, 13, 34]


def test_the_means_hide_where_they_leave_a_hidden_count_one_whole_number():
    """Early dropouts 2, 2 and 2 of 24, 11 and 23 ended, every kept count hidden to
    cover them: the means' equation leaves c0's dropouts between 1.07 and 2.48, only
    the whole number 2, so the means of the three rows go; the total's stays."""
    rows = [("c0", 24, 2, 2.3), ("c1", 11, 2, 16.6), ("c2", 23, 2, 9.7), ("Total", 58, 6, 7.763462)]
    table = suppress_table(_throughput(rows, total_row=True), LIMIT)
    assert {(label, "kept") for label in ("c0", "c1", "c2")} <= _hidden(table)
    assert [table.value(r, "months") for r in range(4)] == [None, None, None, 7.763462]


def test_two_means_that_give_nothing_small_back_are_each_checked_with_the_other():
    """The year of test_the_means_of_a_sum_of_rows_stay_…, with a second mean (age at
    the end: 30, 38 and 33 years): its equation joins the months' — a reader has both —
    and together they still leave the early dropouts open, so both stay shown."""
    table = _throughput(
        [("Women", 21, 1, 16.5), ("Men", 13, 1, 18.5), ("Total", 34, 2, 17.25)], total_row=True
    )
    table.columns.append(Column("age", "Mean age", Kind.NUMBER, "kept"))
    for row, age in zip(table.rows, (30.0, 38.0, 33.0), strict=True):
        row.append(age)
    suppress_table(table, LIMIT)
    assert [table.value(r, "months") for r in range(3)] == [16.5, 18.5, 17.25]
    assert [table.value(r, "age") for r in range(3)] == [30.0, 38.0, 33.0]


def test_a_row_with_nobody_to_average_adds_nothing_to_the_means_equation():
    """Three ended who were all early dropouts have no mean months (an empty cell, not a
    hidden one); the means of women and men still go with their hidden kept counts."""
    rows = [
        ("Women", 23, 3, 18.0),
        ("Men", 14, 2, 16.1),
        ("Unknown", 3, 3, None),
        ("Total", 40, 8, 17.2875),
    ]
    table = suppress_table(_throughput(rows, total_row=True), LIMIT)  # type: ignore[arg-type]
    assert [table.value(r, "months") for r in range(4)] == [None, None, None, 17.2875]
    assert (2, "months") not in table.suppressed


def test_the_means_of_a_sum_of_rows_whose_every_count_is_hidden_are_checked_too():
    """A is A1 and A2; the total is A and B. A's early dropouts 1, 2 and 3 are hidden,
    and so are their kept counts 11, 5 and 16 that cover them, every count of A's sum.
    Its means still make an equation (16 × 10.8375 = 11 × 12.9 + 5 × 6.3): with the 5
    dropouts of the total, it leaves A2's between 2 and 2.31, so A's means go. Then the
    total's sum lacks A's mean and makes no equation: B's 21.0 stays."""
    rows = [
        ("A", 19, 3, 10.8375),
        ("A1", 12, 1, 12.9),
        ("A2", 7, 2, 6.3),
        ("B", 27, 2, 21.0),
        ("Total", 46, 5, 17.034146),
    ]
    table = suppress_table(
        _throughput(rows, total_row=True, row_sums={0: (1, 2), 4: (0, 3)}), LIMIT
    )
    assert {(label, key) for label in ("A", "A1", "A2") for key in ("dropouts", "kept")} <= (
        _hidden(table)
    )
    assert [table.value(r, "months") for r in range(5)] == [None, None, None, 21.0, 17.034146]


def test_a_sum_of_rows_with_a_hidden_mean_makes_no_equation():
    """c1's and c2's means are over 3 people each and hidden: a reader lacks them, so
    the means of the sum make no equation, and c0's mean over 14 stays shown beside its
    hidden kept count."""
    rows = [("c0", 15, 1, 6.2), ("c1", 7, 4, 9.0), ("c2", 3, 0, 4.9), ("Total", 25, 5, 6.425)]
    table = suppress_table(_throughput(rows, total_row=True), LIMIT)
    assert ("c0", "kept") in _hidden(table)
    assert [table.value(r, "months") for r in range(4)] == [6.2, None, None, 6.425]


def _women(key: str, mean: str, rows: list[tuple[str, Dims, int, int, float | None]]) -> Table:
    """A throughput table of a report filtered to women: rows (label, dims, ended, early
    dropouts, ``mean`` of the others), the last the total row. Without a gender of its
    own, a row counts the women, as the filter says."""
    return Table(
        key,
        key,
        [
            Column("group", "Group", Kind.LABEL),
            Column("ended", "Ended", dims={"outcome": "ended"}),
            Column("dropouts", "Early dropouts", dims={"outcome": "dropout"}),
            Column("kept", "Ended, not early dropouts", dims={"outcome": "kept"}),
            Column(mean, mean.capitalize(), Kind.NUMBER, "kept"),
        ],
        [[label, ended, out, ended - out, value] for label, _dims, ended, out, value in rows],
        total_row=len(rows) - 1,
        column_sums={"ended": ("dropouts", "kept")},
        dims={"gender": "K", "population": "ended"},
        row_dims=[dims for _label, dims, *_rest in rows],
    )


def test_a_sum_of_rows_that_counts_the_same_people_twice_makes_no_means_equation():
    """Filtered to women, the women's row and the total row of a table by gender are one
    count: their terms in the means' equation cancel, and it has none. (Had they not,
    it would say 22 × 31.5 = 0 — nobody — and with no answer, leave the check of every
    mean linked to it without a claim.) The table by group shows c0's 22 as well, and its
    means leave c0's early dropouts one whole number, so they go; the ages stay."""
    by_gender = _women(
        "by_gender",
        "age",
        [
            ("Women", {"group": "c0"}, 24, 2, 31.5),
            ("Men", {"group": "c0", "gender": "M"}, 0, 0, None),
            ("Total", {"group": "c0"}, 24, 2, 31.5),
        ],
    )
    by_group = _women(
        "by_group",
        "months",
        [
            ("c0", {"group": "c0"}, 24, 2, 2.3),
            ("c1", {"group": "c1"}, 11, 2, 16.6),
            ("c2", {"group": "c2"}, 23, 2, 9.7),
            ("Total", {}, 58, 6, 7.763462),
        ],
    )
    suppress_tables([by_gender, by_group], LIMIT)
    assert (0, "kept") in by_gender.suppressed
    assert [by_gender.value(r, "age") for r in range(3)] == [31.5, None, 31.5]
    assert [by_group.value(r, "months") for r in range(4)] == [None, None, None, 7.763462]


# --- the example -----------------------------------------------------------------


def test_a_small_anonymous_count_does_not_hide_the_persons_worked_with(
    forbund, insats, registrator
):
    """12 women and 10 men, and one anonymous woman: a reader without exact counts sees
    every 'worked with' (12, 10, 22), perturbed, in both tables; the anonymous 1 is
    hidden. Whether the method table's totals (13, 23) may be shown depends on their
    perturbation, keyed on record ids that differ between databases: shown 13 − 12 leaves
    the 1 several values for most keys, one value for some. So a total is hidden only
    where showing it would give the 1 away (the reader of tests/reader.py, on its own),
    and shown, perturbed, everywhere else."""
    coach = registrator
    people = [P(woman=i < 12, age=30 + i, start=dt.date(2022, 2, 1 + i)) for i in range(22)]
    register(coach, insats, people)
    registry.register_anonymous(
        user=coach, insats=insats, gender="K", start_year=2022, reason="skyddad"
    )
    admin = make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund)
    scope = ReportScope(*AVESTA_YEAR, user=admin, level=Level.FORBUND, object_id=forbund.pk)
    report, exact_report = REPORTS["deltagare"].build(scope), REPORTS["deltagare"].compute(scope)
    counts, by_method = report.table("counts"), report.table("by_method")
    exact = exact_report.table("by_method")
    worked_with = [exact_report.table("counts").value(r, "worked_with") for r in range(3)]
    assert worked_with == [12, 10, 22]
    shown = [perturbed(n, LIMIT) for n in worked_with]
    assert [counts.value(r, "worked_with") for r in range(3)] == shown
    assert [by_method.value(r, "personal") for r in range(3)] == shown
    assert exact.value(0, "anonymous") == 1 and exact.value(0, "total") == 13
    small = {(0, "anonymous"), (2, "anonymous")}
    assert small <= by_method.suppressed <= small | {(0, "total"), (2, "total")}
    for r in (0, 2):
        if (r, "total") in by_method.suppressed:
            assert given_away(_shown_again(report, exact_report, r), exact_report.tables, LIMIT)
        else:
            assert by_method.value(r, "total") == perturbed(exact.value(r, "total"), LIMIT)
    assert not given_away(report.tables, exact_report.tables, LIMIT)


def _shown_again(report: Report, exact_report: Report, r: int) -> list[Table]:
    """The report's tables with the method table's total of row ``r`` shown, perturbed."""
    tables = copy.deepcopy(report.tables)
    by_method = next(t for t in tables if t.key == "by_method")
    by_method.suppressed.discard((r, "total"))
    exact = exact_report.table("by_method").value(r, "total")
    by_method.rows[r][by_method.column_index("total")] = perturbed(exact, LIMIT)
    return tables
