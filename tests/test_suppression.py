"""Small-count suppression: primary (0 < n < threshold), secondary (no hidden cell can
be worked out by subtraction from a total), derived cells, and the förbund's threshold."""

from __future__ import annotations

import datetime as dt

import pytest

from samspar.access.scoping import Role
from samspar.reports.catalogue import REPORTS
from samspar.reports.cellkey import perturbed
from samspar.reports.scope import Level, ReportScope
from samspar.reports.suppression import DEFAULT_THRESHOLD, suppress_table, threshold
from samspar.reports.tables import Column, Implied, Kind, Table, Value
from tests.factories import enrol, make_forbund, make_insats, make_pnr, make_user
from tests.reader import given_away
from tests.seeds import AVESTA_YEAR, register, seed_002_participants

GENDER_COLUMNS = [
    Column("group", "Group", Kind.LABEL),
    Column("women", "Women"),
    Column("men", "Men"),
    Column("total", "Total"),
    Column("share", "Share (%)", Kind.PERCENT, depends_on="total"),
]


def _gender_table(rows: list[tuple[str, int, int]], *, total_row: bool = True) -> Table:
    """Rows (label, women, men): the total column and the share are filled in."""
    counts = [(label, w, m, w + m) for label, w, m in rows]
    if total_row:
        women, men = sum(c[1] for c in counts), sum(c[2] for c in counts)
        counts.append(("Total", women, men, women + men))
    grand = counts[-1][3]
    table_rows: list[list[Value]] = [[*c, round(100 * c[3] / grand, 1)] for c in counts]
    return Table(
        "t",
        "T",
        GENDER_COLUMNS,
        table_rows,
        total_row=len(counts) - 1 if total_row else None,
        column_sums={"total": ("women", "men")},
    )


def _hidden(table: Table) -> set[tuple[str, str]]:
    """The hidden cells as (row label, column key), easier to read than indices."""
    return {(str(table.rows[r][0]), key) for r, key in table.suppressed}


def test_primary_hides_counts_from_one_to_below_the_threshold():
    table = Table(
        "t",
        "T",
        [Column("group", "Group", Kind.LABEL), *(Column(f"c{n}", str(n)) for n in range(7))],
        [["A", 0, 1, 2, 3, 4, 5, 6]],
    )
    suppress_table(table, 5)
    assert table.rows[0] == ["A", 0, None, None, None, None, 5, 6]
    assert table.suppressed == {(0, "c1"), (0, "c2"), (0, "c3"), (0, "c4")}


def test_primary_leaves_labels_means_and_amounts_alone():
    table = Table(
        "t",
        "T",
        [
            Column("group", "Group", Kind.LABEL),
            Column("n", "N"),
            Column("mean", "Mean", Kind.NUMBER),
            Column("sek", "SEK", Kind.AMOUNT),
        ],
        [["A", 12, 2.5, 3]],
    )
    suppress_table(table, 5)
    assert table.rows[0] == ["A", 12, 2.5, 3]
    assert not table.suppressed


def test_a_lone_hidden_cell_takes_the_smallest_other_cell_of_its_line_with_it():
    """A: 3 women hidden; else 13 − 10 gives them away. Hiding the 10 men of A leaves
    the men's column with a lone hidden cell, so B's men go too, and then B's women."""
    table = suppress_table(_gender_table([("A", 3, 10), ("B", 20, 12)]), 5)
    assert _hidden(table) == {
        ("A", "women"),
        ("A", "men"),
        ("B", "women"),
        ("B", "men"),
    }
    # The totals stay: no hidden cell is alone in any line that sums.
    assert [row[3] for row in table.rows] == [13, 32, 45]
    assert [row[1:3] for row in table.rows][-1] == [23, 22]


def test_no_secondary_when_a_line_already_has_two_hidden_cells():
    table = suppress_table(_gender_table([("A", 2, 3), ("B", 10, 12)], total_row=False), 5)
    assert _hidden(table) == {("A", "women"), ("A", "men")}
    assert table.rows[0][3] == 5


def test_a_zero_is_no_cover_so_the_total_goes():
    """Women 3, men 0: hiding the 0 would protect nothing (it is known to be 0 anyway),
    so the row total is hidden, and the share with it."""
    table = suppress_table(_gender_table([("A", 3, 0), ("B", 30, 30)], total_row=False), 5)
    assert ("A", "men") not in _hidden(table)
    assert {("A", "women"), ("A", "total"), ("A", "share")} <= _hidden(table)
    assert table.rows[0] == ["A", None, 0, None, None]


def test_derived_cells_hide_with_their_count():
    table = Table(
        "t",
        "T",
        [
            Column("group", "Group", Kind.LABEL),
            Column("ended", "Ended"),
            Column("months", "Mean months", Kind.NUMBER, depends_on="ended"),
            Column("goal", "To goal"),
            Column("goal_percent", "To goal (%)", Kind.PERCENT, depends_on="goal"),
        ],
        [["Women", 4, 9.5, 10, 50.0], ["Men", 11, 11.4, 2, 18.2]],
    )
    suppress_table(table, 5)
    assert table.rows == [["Women", None, None, 10, 50.0], ["Men", 11, 11.4, None, None]]


def test_sub_categories_protect_each_other_and_their_category():
    """AF 3 is hidden; the top-level line (Region + AF = Total) would give it away, so
    Region goes; inside Region, Vårdcentral 2 is already hidden beside it."""
    table = Table(
        "referrers",
        "T",
        [Column("group", "Group", Kind.LABEL), Column("n", "N")],
        [["Region", 12], ["Psykiatri", 10], ["Vårdcentral", 2], ["AF", 3], ["Total", 15]],
        total_row=4,
        row_sums={4: (0, 3), 0: (1, 2)},
    )
    suppress_table(table, 5)
    assert _hidden(table) == {("AF", "n"), ("Region", "n"), ("Vårdcentral", "n")}
    assert [row[1] for row in table.rows] == [None, 10, None, None, 15]


def test_a_lone_hidden_sub_category_takes_its_smallest_sibling_with_it():
    table = Table(
        "referrers",
        "T",
        [Column("group", "Group", Kind.LABEL), Column("n", "N")],
        [
            ["Region", 20],
            ["Psykiatri", 10],
            ["Vårdcentral", 3],
            ["Annan", 0],
            ["Privat", 7],
            ["AF", 9],
            ["Total", 29],
        ],
        total_row=6,
        row_sums={6: (0, 5), 0: (1, 2, 3, 4)},
    )
    suppress_table(table, 5)
    assert _hidden(table) == {("Vårdcentral", "n"), ("Privat", "n")}


# --- thresholds ----------------------------------------------------------------------


def _person(user, insats, *, woman: bool, day: int):
    start = dt.date(2022, 3, day)
    pnr = make_pnr(dt.date(1990, 1, day), man=not woman)
    return enrol(user, insats, personnummer_text=pnr, start_date=start, consent_date=start)


def test_the_threshold_is_the_strictest_of_the_forbund_in_scope(db):
    low = make_forbund("Lågt förbund")
    low.suppression_threshold = 3
    low.save()
    high = make_forbund("Högt förbund")
    high.suppression_threshold = 10
    high.save()
    make_insats(low, "Låg insats")
    make_insats(high, "Hög insats")
    year = AVESTA_YEAR
    assert threshold(ReportScope.for_operator(*year, level=Level.FORBUND, object_id=low.pk)) == 3
    assert threshold(ReportScope.for_operator(*year, level=Level.FORBUND, object_id=high.pk)) == 10
    assert threshold(ReportScope.for_operator(*year)) == 10
    assert (
        threshold(ReportScope.for_operator(*year, level=Level.INSATS, object_id=0))
        == DEFAULT_THRESHOLD
    )


@pytest.mark.parametrize(("forbund_threshold", "women_shown"), [(3, 3), (5, None)])
def test_a_report_uses_its_forbund_threshold(forbund_threshold, women_shown, db):
    forbund = make_forbund()
    forbund.suppression_threshold = forbund_threshold
    forbund.save()
    insats = make_insats(forbund)
    coach = make_user("coach", Role.REGISTRATOR, insats=insats)
    for day in range(1, 4):
        _person(coach, insats, woman=True, day=day)
    for day in range(4, 10):
        _person(coach, insats, woman=False, day=day)
    admin = make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund)
    scope = ReportScope(*AVESTA_YEAR, user=admin, level=Level.FORBUND, object_id=forbund.pk)
    counts = REPORTS["deltagare"].build(scope).table("counts")
    exact = REPORTS["deltagare"].compute(scope).table("counts")
    assert exact.value(0, "worked_with") == 3 and exact.value(2, "worked_with") == 9
    # Shown, the counts are perturbed by their cell keys (reports.cellkey).
    women = exact.value(0, "worked_with")
    expected = None if women_shown is None else perturbed(women, forbund_threshold)
    assert counts.value(0, "worked_with") == expected
    assert counts.value(2, "worked_with") == perturbed(
        exact.value(2, "worked_with"), forbund_threshold
    )
    # The registrator sees the persons anyway, so exact counts.
    own = ReportScope(*AVESTA_YEAR, user=coach, level=Level.INSATS, object_id=insats.pk)
    assert REPORTS["deltagare"].build(own).table("counts").value(0, "worked_with") == 3


def test_seed_002_results_give_no_hidden_count_away(insats, registrator):
    """The results' sums (ended = kept + dropouts, to goal = work + studies + other
    rehabilitation …) leave every hidden small count at least two values, given the
    perturbed counts shown (tests/reader.py)."""
    register(registrator, insats, seed_002_participants())
    scope = ReportScope.for_operator(*AVESTA_YEAR)
    table = REPORTS["resultat"].build(scope).table("results")
    assert table.suppressed
    assert not given_away([table], [REPORTS["resultat"].compute(scope).table("results")], 5)


def test_seed_002_outflow_gives_no_hidden_count_away(insats, registrator):
    """The outflow table (#13) repeats the results' destinations per municipality: the
    same sums hold there, and its percent hides with its hidden denominator."""
    register(registrator, insats, seed_002_participants())
    scope = ReportScope.for_operator(*AVESTA_YEAR)
    table = REPORTS["utflode"].build(scope).table("outflow")
    assert table.suppressed
    assert not given_away([table], [REPORTS["utflode"].compute(scope).table("outflow")], 5)
    for r, row in enumerate(table.as_dicts()):
        if (r, "dropouts") in table.suppressed:  # to_goal / percent = ended − dropouts
            assert None in (row["to_goal"], row["goal_percent"])


def test_an_implied_count_below_the_threshold_takes_a_shown_one_with_it():
    """Ended 10, of whom not early dropouts 8: the 2 dropouts are not shown, but a reader
    subtracts them; one of the two counts must go."""
    table = Table(
        "t",
        "T",
        [Column("group", "Group", Kind.LABEL), Column("ended", "Ended"), Column("kept", "Kept")],
        [["A", 10, 8], ["B", 30, 30]],
        implied=[Implied("dropouts", ("ended",), ("kept",))],
    )
    suppress_table(table, 5)
    assert _hidden(table) == {("A", "kept")}
