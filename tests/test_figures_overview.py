"""Seeds 000 and 001 as the reports print them (tests/seeds_forbund.py): the throughput
time of those who ended towards the goal, in all and per team (the report
"genomstromning"), and the förbund's overview over the years and teams ("oversikt").

The figures are asserted as the tables show them (one decimal, Swedish comma), which is
what the seeds print rounded; the registrator of every insats sees exact counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from samspar.reports.catalogue import get_report
from samspar.reports.cellkey import possible
from samspar.reports.presentation import table_view
from samspar.reports.scope import Level, ReportScope
from samspar.reports.tables import Report, Table
from tests.seeds_forbund import (
    AVESTA,
    HEDEMORA,
    SATER,
    SEED_000_PERIOD,
    SEED_001_PERIOD,
    SodraDalarna,
    build_sodra_dalarna,
)

YEAR_2018 = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SodraDalarna]:
    """Seeds 000 and 001's förbund, built once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_sodra_dalarna()
        transaction.set_rollback(True)


def _report(
    world: SodraDalarna,
    key: str,
    period: tuple[dt.date, dt.date],
    user: Any = None,
    level: Level = Level.FORBUND,
    object_id: Any = None,
) -> Report:
    scope = ReportScope(
        *period,
        user=user or world.registrator,
        level=level,
        object_id=object_id or world.forbund.pk,
    )
    return get_report(key).build(scope)


def _shown(table: Table) -> dict[str, dict[str, str]]:
    """{row label: {column key: the cell as shown}} (Swedish formatting)."""
    with translation.override("sv"):
        view = table_view(table)
    keys = [c.key for c in table.columns]
    return {
        row.cells[0].text: dict(zip(keys, (c.text for c in row.cells), strict=True))
        for row in view.rows
    }


def _cells(row: dict[str, str], keys: str) -> list[str]:
    return [row[k] for k in keys.split()]


@pytest.mark.django_db
class TestSeed000:
    def test_throughput_of_those_ended_towards_the_goal(self, world):
        """ "Genomströmningstiden för det senaste resultatet är totalt sett 18,8 månader i
        snitt per deltagare som avslutar mot mål" — the 45 of 2018, besides all 69."""
        report = _report(world, "genomstromning", YEAR_2018)
        total = _shown(report.table("throughput"))["Totalt"]
        assert _cells(total, "ended_kept to_goal goal_months") == ["69", "45", "18,8"]
        raw = report.table("throughput")
        assert raw.total_row is not None
        assert raw.value(raw.total_row, "goal_months") == pytest.approx(25_788 / 45 / (365.25 / 12))

    def test_throughput_towards_the_goal_per_team(self, world):
        """ "genomströmningstiden lägre i Avesta där det är 15,6 månader och något längre
        i Hedemora runt 20 månader"; "Kraften Hedemora har 73 procent som når målet,
        Samverkansteam Avesta är det 50 procent"."""
        teams = _shown(_report(world, "genomstromning", YEAR_2018).table("throughput_by_team"))
        keys = "ended_kept to_goal goal_percent goal_months"
        assert _cells(teams[AVESTA], keys) == ["24", "12", "50,0", "15,6"]
        assert _cells(teams[HEDEMORA], keys) == ["45", "33", "73,3", "20,0"]
        assert _cells(teams[SATER], keys) == ["0", "0", "", ""]  # started in the summer
        assert _cells(teams["Totalt"], keys) == ["69", "45", "65,2", "18,8"]
        assert list(teams) == [AVESTA, HEDEMORA, SATER, "Totalt"]
        # The team's own report gives its figure too.
        avesta = _report(
            world, "genomstromning", YEAR_2018, level=Level.TEAM, object_id=world.teams[AVESTA].pk
        )
        assert _shown(avesta.table("throughput"))["Totalt"]["goal_months"] == "15,6"

    def test_overview_per_year_since_the_base_year(self, world):
        """ "Totalt antal deltagare … ökar stadigt, med 50 procent sedan 2015"; "Totalt
        antal avslut ökar också, en dubblering sedan 2015"; "Resultat mot mål … har totalt
        ökat från 52 till 65 procent"."""
        years = _shown(_report(world, "oversikt", SEED_000_PERIOD).table("trend"))
        assert list(years) == ["2015", "2016", "2017", "2018"]
        keys = "worked_with worked_with_change ended ended_change goal_percent goal_change"
        assert _cells(years["2015"], keys) == ["100", "0,0", "35", "0,0", "52,0", "0,0"]
        assert _cells(years["2018"], keys) == ["150", "50,0", "70", "100,0", "65,2", "13,2"]
        counts = [int(years[y]["worked_with"]) for y in years]
        assert counts == sorted(counts)  # "ökar stadigt"
        # "Antal avslut det senaste året är 69 st varav 65 procent når målet", 18,8 months.
        assert _cells(years["2018"], "ended_kept to_goal goal_months") == ["69", "45", "18,8"]

    def test_overview_per_team_in_the_latest_year(self, world):
        report = _report(world, "oversikt", SEED_000_PERIOD)
        table = report.table("latest_by_team")
        assert "2018" in str(table.title)
        teams = _shown(table)
        keys = "ended_kept goal_percent goal_months"
        assert _cells(teams[HEDEMORA], keys) == ["45", "73,3", "20,0"]
        assert _cells(teams[AVESTA], keys) == ["24", "50,0", "15,6"]
        assert _cells(teams["Totalt"], keys) == ["69", "65,2", "18,8"]
        # The latest year's total is the trend's 2018 row: one quantity, one key.
        trend = report.table("trend")
        assert table.total_row is not None
        assert trend.cell_key(3, {"population": "ended_kept"}) == table.cell_key(
            table.total_row, {"population": "ended_kept"}
        )

    def test_overview_for_the_board_shows_the_seeds_figures_perturbed(self, world):
        """The board gets small counts hidden and the others perturbed by their cell keys
        (reports.cellkey): none of the seed's headline figures is hidden, each shown
        count is the exact one as the perturbation table allows, and the change since
        2015 is the change between the counts shown."""
        exact = _report(world, "oversikt", SEED_000_PERIOD).table("trend")
        board = _report(world, "oversikt", SEED_000_PERIOD, user=world.board).table("trend")
        for r in (0, 3):  # 2015 and 2018
            for key in ("worked_with", "ended"):
                shown = board.value(r, key)
                assert shown is not None, (r, key)
                assert shown in possible(exact.value(r, key), 5), (r, key)
        for key in ("worked_with", "ended"):
            base, latest = board.value(0, key), board.value(3, key)
            assert board.value(3, f"{key}_change") == pytest.approx(100 * (latest - base) / base)
        teams = _shown(
            _report(world, "oversikt", SEED_000_PERIOD, user=world.board).table("latest_by_team")
        )
        # A mean is not perturbed, only rounded as shown: Hedemora's 20,0 months.
        assert teams[HEDEMORA]["goal_months"] == "20,0"
        assert teams[HEDEMORA]["goal_percent"] != "–"


@pytest.mark.django_db
class TestSeed001:
    def test_2020_against_2019(self, world):
        """ "Under 2020 avslutade 68 personer … Av dem gick 66 procent (45 personer) till
        arbete, studier eller … rehabilitering … 2019 var motsvarande siffra 47 procent";
        "Under förra året deltog 164 personer"."""
        years = _shown(_report(world, "oversikt", SEED_001_PERIOD).table("trend"))
        keys = "worked_with ended to_goal goal_percent"
        assert _cells(years["2020"], keys) == ["164", "68", "45", "66,2"]
        assert years["2019"]["goal_percent"] == "47,1"

    def test_years_in_public_support_before(self, world):
        """ "De hade i genomsnitt levt på bidrag i fem år innan de började i någon insats"."""
        report = _report(world, "oversikt", SEED_001_PERIOD)
        support = _shown(report.table("support_by_year"))
        assert _cells(support["2020"], "participants known mean_years") == ["68", "68", "5,0"]
        assert support["2019"]["mean_years"] == "3,0"
        table = report.table("support_by_year")
        chart = table.chart
        assert chart is not None and (chart.kind, chart.y) == ("line", ("mean_years",))
        # Years against years, and the note says whom the mean is over.
        assert (str(chart.x_label), str(chart.y_label)) == ("År", "År")
        assert "känd" in str(table.note)
