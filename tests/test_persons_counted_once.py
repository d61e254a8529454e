"""A person with several enrolments counts once in every count of persons
(docs/definitions.md, "Populations": worked with, new, carried over, active at the start
and at the end are persons; ended counts endings). Over 2022 in a förbund with two
insatser, Arbetslaget and Hälsoteamet:

- Erik: Arbetslaget from June 2021 to 31 March 2022 (carried over, ended), Arbetslaget
  again from 1 June 2022 (new, active at the end), and Hälsoteamet from 1 February 2022
  (new, active at the end);
- Johan: Arbetslaget 1 February – 30 April 2022 and again from 1 September (both new);
- Anna: Hälsoteamet from January 2021 and Arbetslaget from May 2021 (both carried over,
  active at the start and at the end).

Counted per enrolment, Arbetslaget would have worked with 5 instead of 3 persons, and the
förbund 7 instead of 3. A table with a row per insats counts a person in each insats's
row, and its total row adds the rows up. Johan's second enrolment had three kinds of
support before it, two of them paid by Försäkringskassan: a table of enrolments by
support counts it once per payer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.registry import services as registry
from samspar.reports.catalogue import get_report
from samspar.reports.scope import Level, ReportScope
from samspar.reports.tables import Report
from tests.factories import code, enrol, make_insats, make_pnr, make_user

FIRST, LAST = dt.date(2022, 1, 1), dt.date(2022, 12, 31)


@pytest.fixture
def world(forbund):
    team = make_insats(forbund, "Arbetslaget")
    health = make_insats(forbund, "Hälsoteamet")
    coach = make_user("coach-ab", Role.REGISTRATOR, insats=team)
    nurse = make_user("coach-h", Role.REGISTRATOR, insats=health)
    erik = make_pnr(dt.date(1980, 2, 3), man=True)
    johan = make_pnr(dt.date(1985, 4, 5), man=True)
    anna = make_pnr(dt.date(1990, 6, 7), man=False)

    def stay(user, insats, pnr: str, start: dt.date, end: dt.date | None = None, **fields) -> None:
        enrolment = enrol(
            user, insats, personnummer_text=pnr, start_date=start, consent_date=start, **fields
        )
        if end:
            registry.end_enrolment(
                user=user,
                enrolment=enrolment,
                end_date=end,
                end_reason=code(codes.EndReason, "arbete"),
            )

    stay(coach, team, erik, dt.date(2021, 6, 1), dt.date(2022, 3, 31))
    stay(coach, team, erik, dt.date(2022, 6, 1))
    stay(nurse, health, erik, dt.date(2022, 2, 1))
    stay(coach, team, johan, dt.date(2022, 2, 1), dt.date(2022, 4, 30))
    supplies = ("forsorjningsstod", "sjukpenning", "aktivitetsersattning")
    supply = [code(codes.SupplyType, c) for c in supplies]
    stay(coach, team, johan, dt.date(2022, 9, 1), supply_before=supply)
    stay(nurse, health, anna, dt.date(2021, 1, 1))
    stay(coach, team, anna, dt.date(2021, 5, 1))
    return {"forbund": forbund, "team": team, "health": health}


def _report(key: str, level: Level, object_id: int | None) -> Report:
    scope = ReportScope.for_operator(FIRST, LAST, exact=True, level=level, object_id=object_id)
    return get_report(key).build(scope)


def _row(report: Report, table: str, label: str = "Totalt") -> dict[str, Any]:
    t = report.table(table)
    return dict(zip([c.key for c in t.columns], t.row_by_label(label), strict=True))


def _forbund(world, key: str) -> Report:
    return _report(key, Level.FORBUND, world["forbund"].pk)


def test_participants_worked_with_new_and_active(world):
    """#1: worked with Erik, Johan and Anna; new Erik and Johan; two endings; active at
    the end all three (5 enrolments)."""
    report = _forbund(world, "deltagare")
    row = _row(report, "counts")
    assert [row[k] for k in ("worked_with", "new", "ended", "active_end")] == [3, 2, 2, 3]
    assert _row(report, "by_method")["personal"] == 3


def test_one_insats_worked_with_and_new(world):
    """Arbetslaget: worked with 3 (5 enrolments), new Erik and Johan (3 enrolments)."""
    row = _row(_report("deltagare", Level.INSATS, world["team"].pk), "counts")
    assert [row[k] for k in ("worked_with", "new")] == [3, 2]


def test_results_enrolled_at_the_start_and_active_at_the_end(world):
    """#2: enrolled on 1 January Erik and Anna (3 enrolments), active on 31 December all
    three (5 enrolments)."""
    row = _row(_forbund(world, "resultat"), "results")
    assert [row["active_start"], row["active_end"]] == [2, 3]


def test_inflow_carried_over_and_new(world):
    """#11: carried over Erik and Anna (3 enrolments), new Erik and Johan (4 enrolments).
    Erik is both, so the total (a column sum) is 4 for 3 persons."""
    row = _row(_forbund(world, "inflode"), "inflow")
    assert [row["carried_over"], row["new"], row["total"]] == [2, 2, 4]


def test_home_municipality_and_budget_count_persons_per_insats(world):
    """#10 and #14: Arbetslaget 3 persons, Hälsoteamet 2 (Erik and Anna); the total row
    adds the insatser up."""
    for key, table, column in (
        ("hemvist", "home_municipality", "total"),
        ("budgeterat-utfall", "budgeted_individual", "actual"),
    ):
        report = _forbund(world, key)
        counts = [_row(report, table, label)[column] for label in ("Arbetslaget", "Hälsoteamet")]
        assert counts == [3, 2], key
        assert _row(report, table)[column] == 5, key


def test_trend_and_comparison(world):
    """#16 and #15: worked with 3 in 2022 (7 enrolments), new 2 (4 enrolments)."""
    assert _row(_forbund(world, "trend"), "trend", "2022")["worked_with"] == 3
    comparison = _row(_report("jamforelse", Level.ALL, None), "forbund_comparison")
    assert [comparison["participants"], comparison["new"]] == [3, 2]


def test_a_referral_with_several_supports_counts_once(world):
    """#12: the 4 new enrolments of 2022 (Erik twice, Johan twice), all referred by the
    region's psychiatry, all with income support from the municipality before; Johan's
    second also with two kinds of support that Försäkringskassan pays. One enrolment per
    payer and in total: 4, 1 and 4, not 4, 2 and 6."""
    row = _row(_forbund(world, "remittenter"), "referrers_by_supply", "Region")
    assert [row["kommun"], row["fk"], row["total"]] == [4, 1, 4]


def test_a_share_of_nobody_is_no_share(world):
    """#1 for Hälsoteamet over 2023: Erik and Anna worked with and active, nobody new, so
    the new have no gender shares (not 0 %)."""
    scope = ReportScope.for_operator(
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
        exact=True,
        level=Level.INSATS,
        object_id=world["health"].pk,
    )
    table = get_report("deltagare").build(scope).table("counts")
    assert [table.value(r, "new") for r in range(3)] == [0, 0, 0]
    assert [table.value(r, "new_percent") for r in range(3)] == [None, None, None]
    assert [table.value(r, "worked_with_percent") for r in range(3)] == [50.0, 50.0, 100.0]
