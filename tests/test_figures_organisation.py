"""Figures #10, #11, #13–#18 (samspar/reports/figures/geography.py and organisation.py):
seed 003's numbers from registry data (tests/seeds_organisation.py), seed 002's budget,
staff and waiting list (tests/seeds.py), and each figure's edges on small registrations.

Reports are built through the catalogue, as pages, exports and the API build them: a
registrator of every insats sees exact counts, a board member gets them suppressed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.organisation import services as setup
from samspar.organisation.models import FollowUpMethod, Municipality
from samspar.registry import services as registry
from samspar.reports.catalogue import get_report
from samspar.reports.cellkey import perturbed
from samspar.reports.exports import pdf
from samspar.reports.exports.common import display
from samspar.reports.figures.geography import ANONYMOUS
from samspar.reports.scope import Level, ReportScope
from samspar.reports.tables import Kind, Report, Table
from tests.factories import code, enrol, make_forbund, make_insats, make_pnr, make_user
from tests.pdf_layout import page_texts, text_beyond_the_margin
from tests.reader import given_away
from tests.seeds import AVESTA_YEAR, seed_002_economy
from tests.seeds_organisation import SYDNARKE_YEAR, Sydnarke, build_sydnarke

OUR_REPORTS = [
    "hemvist",
    "inflode",
    "utflode",
    "budgeterat-utfall",
    "jamforelse",
    "trend",
    "budget",
    "personal-vantelista",
]
MT, CT = "Mottagningsteam Sydnärke", "Coachingteam Sydnärke"
VAXA_MT, VAXA_CT = "Projekt Växa/Mottagningsteam", "Projekt Växa/Coachingteam"
ADVICE = "Rådgivande ärende i Mottagningsteamet"


@pytest.fixture(scope="class")
def sydnarke(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Sydnarke]:
    """Seed 003's registry, built once for TestSeed003 and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_sydnarke()
        transaction.set_rollback(True)


def _build(
    key: str,
    user: Any,
    level: Level,
    object_id: Any,
    period: tuple[dt.date, dt.date] = SYDNARKE_YEAR,
) -> Report:
    scope = ReportScope(period[0], period[1], user=user, level=level, object_id=object_id)
    return get_report(key).build(scope)


def _forbund_report(world: Sydnarke, key: str, user: Any = None) -> Report:
    return _build(key, user or world.registrator, Level.FORBUND, world.forbund.pk)


def _insats_report(world: Sydnarke, key: str, insats: str) -> Report:
    return _build(key, world.registrator, Level.INSATS, world.insatser[insats].pk)


def _rows(table: Table) -> dict[str, dict[str, Any]]:
    """{row label: {column key: value}}."""
    keys = [c.key for c in table.columns]
    return {str(row[0]): dict(zip(keys, row, strict=True)) for row in table.rows}


def _cells(row: dict[str, Any], keys: list[str]) -> list[Any]:
    return [row[k] for k in keys]


def _approx(printed: list[float]) -> list[Any]:
    """Unrounded values that show as ``printed`` with one decimal."""
    return [pytest.approx(p, abs=0.05) for p in printed]


PLACES = ["1882", "1861", "1881", "1860"]  # Askersund, Hallsberg, Kumla, Laxå


# --- seed 003 -------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSeed003:
    """Seed 003 (Sydnärke 2019): one registry, built once for these tests."""

    def test_participants_by_follow_up_method(self, sydnarke):
        """'263 deltagare med personuppgifter + 4 anonym deltagare + 163 … = Totalt 430'."""
        report = _forbund_report(sydnarke, "deltagare")
        total = _rows(report.table("by_method"))["Totalt"]
        assert _cells(total, ["personal", "anonymous", "volume", "total"]) == [263, 4, 163, 430]
        counts = _rows(report.table("counts"))
        assert [counts[g]["new"] for g in ("Kvinnor", "Män", "Totalt")] == [106, 65, 171]
        assert [counts[g]["ended"] for g in ("Kvinnor", "Män", "Totalt")] == [113, 76, 189]

    def test_works_or_studies_after(self, sydnarke):
        """'45 deltagare av totalt 189 avslutade … 24 %'; the chart's 90 (58 women, 32 men) is
        these 45 shown twice, as working/studying and as started or increased."""
        rows = _rows(_forbund_report(sydnarke, "efter-insats").table("after"))
        assert (rows["Totalt"]["ended"], rows["Totalt"]["any"]) == (189, 45)
        assert round(rows["Totalt"]["any_percent"]) == 24
        assert [rows[g]["works_or_studies"] + rows[g]["increased"] for g in ("Kvinnor", "Män")] == [
            58,
            32,
        ]

    def test_home_municipality(self, sydnarke):
        """'Hemvist': every insats's row, Coachingteam's and Växa/Coachingteam's shares, and
        the grand total 430."""
        table = _forbund_report(sydnarke, "hemvist").table("home_municipality")
        rows = _rows(table)
        places = [*PLACES, "anonymous"]
        assert _cells(rows[MT], [*places, "total"]) == [27, 24, 50, 23, 1, 125]
        assert _cells(rows[CT], [*places, "total"]) == [20, 26, 56, 18, 0, 120]
        assert _cells(rows[VAXA_MT], [*places, "total"]) == [1, 4, 3, 3, 0, 11]
        assert _cells(rows[VAXA_CT], [*places, "total"]) == [0, 5, 1, 2, 3, 11]
        assert (rows[ADVICE]["volume"], rows[ADVICE]["total"]) == (163, 163)
        assert rows["Totalt"]["total"] == 430
        shares = [f"{p}_percent" for p in PLACES]
        # Shares are unrounded; the seed prints one decimal.
        assert _cells(rows[CT], shares) == _approx([16.7, 21.7, 46.7, 15.0])
        assert _cells(rows[VAXA_CT], [*shares, "anonymous_percent"]) == _approx(
            [0, 45.5, 9.1, 18.2, 27.3]
        )
        # The seed's TOTALT row 47/50/107/41 is Mottagningsteam + Coachingteam, with
        # Mottagningsteam's anonymous participant in Kumla.
        both = [rows[MT][p] + rows[CT][p] for p in PLACES]
        assert both == [47, 50, 106, 41]
        assert rows[MT]["anonymous"] == 1

    def test_inflow(self, sydnarke):
        """'Inflöde till Mottagningsteamet': carried over from 2018 and new in 2019."""
        rows = _rows(_insats_report(sydnarke, "inflode", MT).table("inflow"))
        cells = {label: (r["carried_over"], r["new"], r["total"]) for label, r in rows.items()}
        assert cells == {
            "Askersund": (7, 20, 27),
            "Hallsberg": (8, 16, 24),
            "Kumla": (10, 40, 50),
            "Laxå": (9, 14, 23),
            str(ANONYMOUS): (0, 1, 1),  # the seed counts this one in Kumla: 10 + 41
            "Totalt": (34, 91, 125),
        }
        ct = _rows(_insats_report(sydnarke, "inflode", CT).table("inflow"))
        assert [
            (ct[m]["carried_over"], ct[m]["new"]) for m in ("Askersund", "Hallsberg", "Laxå")
        ] == [
            (12, 8),
            (13, 13),
            (10, 8),
        ]
        assert ct["Totalt"]["total"] == 120

    def test_outflow(self, sydnarke):
        """'Utflöde från Mottagningsteamet': ended per municipality, of whom to work, studies or
        rehabilitation, or granted sickness or activity compensation."""
        rows = _rows(_insats_report(sydnarke, "utflode", MT).table("outflow"))
        keys = ["ended", "to_goal", "compensation"]
        assert [_cells(rows[m], keys) for m in ("Askersund", "Hallsberg", "Kumla", "Laxå")] == [
            [20, 10, 1],
            [19, 11, 1],
            [43, 27, 2],
            [20, 16, 1],
        ]
        assert _cells(rows["Totalt"], keys) == [102, 64, 5]
        vaxa = _rows(_insats_report(sydnarke, "utflode", VAXA_MT).table("outflow"))
        assert [_cells(vaxa[m], ["ended", "to_goal"]) for m in ("Hallsberg", "Kumla", "Laxå")] == [
            [3, 2],
            [2, 1],
            [3, 3],
        ]
        assert _cells(vaxa["Totalt"], ["ended", "to_goal"]) == [8, 6]

    def test_budgeted_and_actual(self, sydnarke):
        """'Antal registrerade deltagare i de individriktade insatserna' (375 / 430) and the
        structural insatser (275 / 342)."""
        report = _forbund_report(sydnarke, "budgeterat-utfall")
        rows = _rows(report.table("budgeted_individual"))
        pairs = [
            (rows[n]["budgeted"], rows[n]["actual"]) for n in (MT, CT, VAXA_MT, VAXA_CT, ADVICE)
        ]
        assert pairs == [(100, 125), (100, 120), (10, 11), (15, 11), (150, 163)]
        assert (rows["Totalt"]["budgeted"], rows["Totalt"]["actual"]) == (375, 430)
        assert rows[ADVICE]["method"] == str(FollowUpMethod.VOLUME.label)
        assert rows["Totalt"]["method"] == ""
        # Actual in per cent of budgeted: 430 / 375, and 11 / 15 for Växa CT.
        assert rows["Totalt"]["actual_percent"] == pytest.approx(100 * 430 / 375)
        assert rows[VAXA_CT]["actual_percent"] == pytest.approx(100 * 11 / 15)
        chart = report.table("budgeted_individual").chart
        assert chart is not None and chart.y == ("budgeted", "actual")
        # Another year's plan is not this year's budget.
        with transaction.atomic():
            mt = sydnarke.insatser[MT]
            mt.years.create(year=SYDNARKE_YEAR[0].year + 1, budgeted_participants=999)
            later = _rows(
                _forbund_report(sydnarke, "budgeterat-utfall").table("budgeted_individual")
            )
            transaction.set_rollback(True)
        assert (later[MT]["budgeted"], later["Totalt"]["budgeted"]) == (100, 375)
        structural = _rows(report.table("budgeted_structural"))
        assert {name: (r["budgeted"], r["actual"]) for name, r in structural.items()} == {
            "Kompetensutveckling till handläggare": (30, 25),
            "Rehabiliteringsmässan 2019": (150, 220),
            "Gemensam samverkansdag": (60, 60),
            "Behovsinventering": (35, 37),
            "Totalt": (275, 342),
        }

    def test_comparison_between_forbund_and_counties(self, sydnarke):
        """Seed 003's first tables, Sydnärke's row: 5 insatser, 225 budgeted, 263
        participants, 171 new, 189 ended, 4 new anonymous, 150 budgeted volume, 163 volume."""
        report = _forbund_report(sydnarke, "jamforelse")
        keys = [
            "insatser",
            "budgeted",
            "participants",
            "new",
            "ended",
            "anonymous",
            "budgeted_volume",
            "volume",
        ]
        expected = [5, 225, 263, 171, 189, 4, 150, 163]
        forbund = _rows(report.table("forbund_comparison"))
        assert _cells(forbund["Samordningsförbundet Sydnärke"], keys) == expected
        assert _cells(forbund["Totalt"], keys) == expected
        county = _rows(report.table("county_comparison"))
        assert _cells(county["Örebro län"], keys) == expected

    def test_suppressed_for_the_board(self, sydnarke):
        """The board sees the same report with the small counts hidden and the others
        perturbed by their cell keys, and no hidden count can be recovered from a total."""
        report = _forbund_report(sydnarke, "hemvist", user=sydnarke.board)
        table = report.table("home_municipality")
        rows = _rows(table)
        scope = ReportScope(
            *SYDNARKE_YEAR, user=sydnarke.board, level=Level.FORBUND, object_id=sydnarke.forbund.pk
        )
        exact = _rows(get_report("hemvist").compute(scope).table("home_municipality"))
        assert (exact[MT]["1882"], exact[MT]["total"], exact["Totalt"]["total"]) == (27, 125, 430)
        for row, key in ((MT, "1882"), (MT, "total"), ("Totalt", "total")):
            assert rows[row][key] == perturbed(exact[row][key], 5)
        assert rows[VAXA_MT]["1882"] is None  # 1 participant from Askersund
        assert rows[VAXA_MT]["1882_percent"] is None
        assert rows[MT]["anonymous"] is None
        exact_table = get_report("hemvist").compute(scope).table("home_municipality")
        assert given_away([table], [exact_table], 5) == []
        budget = _rows(
            _forbund_report(sydnarke, "budgeterat-utfall", sydnarke.board).table(
                "budgeted_structural"
            )
        )
        structural = get_report("budgeterat-utfall").compute(scope).table("budgeted_structural")
        actual = _rows(structural)["Totalt"]["actual"]
        assert actual == 342 and budget["Totalt"]["actual"] == perturbed(actual, 5)

    @pytest.mark.parametrize(
        "key", ["resultat", "hemvist", "inflode", "utflode", "jamforelse", "trend"]
    )
    def test_the_pdf_keeps_wide_tables_on_the_page(self, sydnarke, key):
        """A4 landscape: every column, the last ("Resultat mot mål (%)", "Totalt") too, lies
        inside the margins, and a table longer than the page starts on the first one."""
        scope = ReportScope(
            *SYDNARKE_YEAR,
            user=sydnarke.registrator,
            level=Level.FORBUND,
            object_id=sydnarke.forbund.pk,
        )
        report = get_report(key).build(scope)
        document = pdf.document(report, scope)
        assert text_beyond_the_margin(document) == []
        first_page = page_texts(document.write_pdf())[0]
        table = report.tables[0]
        assert str(table.title) in first_page and str(table.rows[0][0]) in first_page
        if key == "resultat":  # the last column is there: 62,4 %
            assert "Totalt 92 189 0 44 39 35 5 66 74 118 189 62,4" in first_page
        if key == "hemvist":
            assert "Coachingteam Sydnärke 20 16,7 26 21,7 56 46,7 18 15,0 0 0,0 0 120" in first_page


# --- seed 002: budget, staff and waiting list -------------------------------------------------


@pytest.fixture
def avesta_economy(insats, manager):
    seed_002_economy(manager, insats)
    return insats


def _avesta(insats, user, key: str) -> Report:
    return _build(key, user, Level.INSATS, insats.pk, AVESTA_YEAR)


def test_seed_002_budget_outcome(avesta_economy, registrator):
    """'Tabell: budgetutfall per 2022-12-31'."""
    rows = _rows(_avesta(avesta_economy, registrator, "budget").table("budget"))
    keys = ["budget", "outcome", "remaining"]
    assert _cells(rows["Egen personal"], keys) == [2_000_000, 1_923_361, 76_639]
    assert _cells(rows["Externa tjänster"], keys) == [150_000, 90_498, 59_502]
    assert _cells(rows["Lokaler"], keys) == [40_000, 8_460, 31_540]
    assert _cells(rows["Övriga kostnader"], keys) == [110_000, 129_875, -19_875]
    assert _cells(rows["Totalt"], keys) == [2_300_000, 2_152_194, 147_806]


def test_seed_002_staff_and_waiting_list(avesta_economy, registrator):
    """Chapter 4's list at year end: three coaches (2 × 100 % + 80 % = the summary's 2,8)
    and Socialtjänsten's 20 % employed by Avesta kommun, Region Dalarna 20 %, FK about two
    hours a month; AF's part ended on 31 August. 6 waiting on 31/12."""
    report = _avesta(avesta_economy, registrator, "personal-vantelista")
    staff = _rows(report.table("staff"))
    assert (staff["Avesta kommun"]["staff"], staff["Avesta kommun"]["fte"]) == (4, 3.0)
    assert (staff["Region Dalarna"]["staff"], staff["Region Dalarna"]["fte"]) == (1, 0.2)
    assert (staff["Försäkringskassan"]["staff"], staff["Försäkringskassan"]["fte"]) == (
        1,
        pytest.approx(0.012),
    )
    assert "Arbetsförmedlingen" not in staff
    assert (staff["Totalt"]["staff"], staff["Totalt"]["fte"]) == (6, pytest.approx(3.212))
    people = report.table("staff_list").as_dicts()
    assert [(p["name"], p["role"], p["employer"], p["fte_percent"]) for p in people] == [
        ("Malin Hagström", "Coach", "Avesta kommun", 100),
        ("Sonja Tiger", "Verksamhetssamordnare/coach", "Avesta kommun", 100),
        ("Jan Pettersson", "Coach", "Avesta kommun", 80),
        ("Anna-Lena Holmberg", "Representant socialtjänsten", "Avesta kommun", 20),
        ("Karin Dilts Lindblom", "Representant vuxenpsykiatrin", "Region Dalarna", 20),
        ("Veronica Stenbäck", "Handläggare (ca 2 tim/månad)", "Försäkringskassan", 1.2),
    ]
    coaches = [Decimal(str(p["fte_percent"])) for p in people if "oach" in str(p["role"])]
    assert sum(coaches) / 100 == Decimal("2.8")  # "fasta personal": the summary's 2,8
    waiting = _rows(report.table("waiting"))
    assert (waiting[avesta_economy.name]["date"], waiting[avesta_economy.name]["waiting"]) == (
        "2022-12-31",
        6,
    )


def test_amounts_and_staff_are_never_suppressed(avesta_economy, forbund):
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    report = _avesta(avesta_economy, board, "budget")
    assert not report.table("budget").suppressed
    assert _rows(report.table("budget"))["Lokaler"]["outcome"] == 8_460
    staff = _rows(_avesta(avesta_economy, board, "personal-vantelista").table("staff"))
    # Staff are not participants: the board sees the headcount as it is.
    assert (staff["Avesta kommun"]["staff"], staff["Avesta kommun"]["fte"]) == (4, 3.0)


def test_staff_who_left_and_counts_outside_the_period_do_not_count(
    avesta_economy, manager, registrator
):
    setup.add_staff_member(
        manager,
        avesta_economy,
        name="Arbetsförmedlare",
        role="arbetsförmedlare",
        fte_percent=50,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2022, 8, 31),  # AF withdrew from 1 September 2022
    )
    registry.record_waiting_count(
        user=manager, insats=avesta_economy, date=dt.date(2023, 1, 31), count=9
    )
    report = _avesta(avesta_economy, registrator, "personal-vantelista")
    assert _rows(report.table("staff"))["Totalt"]["staff"] == 6  # as without the leaver
    assert _rows(report.table("waiting"))["Totalt"]["waiting"] == 6


def test_an_insats_report_keeps_to_its_own_organisation_and_the_forbund_has_all(
    avesta_economy, forbund, registrator
):
    """Budget, staff and waiting lists of the förbund's other insatser, and budgets of
    other years, stay out of an insats's report; the förbund's has every insats, its
    staff list with a column that says which (in the insatser's order)."""
    avesta = avesta_economy
    kraften, closed = make_insats(forbund, "Kraften"), make_insats(forbund, "Gamla projektet")
    kraften_manager = make_user("kraften", Role.INSATS_MANAGER, insats=kraften)
    closed_manager = make_user("gamla", Role.INSATS_MANAGER, insats=closed)
    lokaler = code(codes.CostCategory, "lokaler")
    setup.set_budget_line(kraften_manager, kraften, 2022, lokaler, 0, 500)  # no budget
    avesta_manager = make_user("avesta", Role.INSATS_MANAGER, insats=avesta)
    setup.set_budget_line(avesta_manager, avesta, 2021, lokaler, 99_000, 98_000)
    setup.add_staff_member(
        kraften_manager,
        kraften,
        name="Ny coach",
        role="Coach",
        fte_percent=50,
        start_date=dt.date(2022, 1, 1),
    )
    for user, place, day, n in [
        (kraften_manager, kraften, dt.date(2022, 6, 30), 4),
        (avesta_manager, avesta, dt.date(2022, 6, 30), 9),  # before the latest, 6
        (closed_manager, closed, dt.date(2021, 12, 31), 7),  # before the year
    ]:
        registry.record_waiting_count(user=user, insats=place, date=day, count=n)
    for place in (kraften, closed):
        RoleAssignment.objects.create(user=registrator, role=Role.REGISTRATOR, insats=place)

    budget = _rows(_avesta(avesta, registrator, "budget").table("budget"))
    assert _cells(budget["Lokaler"], ["budget", "outcome"]) == [40_000, 8_460]
    assert _cells(budget["Totalt"], ["budget", "outcome"]) == [2_300_000, 2_152_194]
    kraften_budget = _rows(_avesta(kraften, registrator, "budget").table("budget"))
    assert _cells(kraften_budget["Lokaler"], ["budget", "outcome", "remaining"]) == [0, 500, -500]
    assert _cells(kraften_budget["Totalt"], ["budget", "outcome", "remaining"]) == [0, 500, -500]

    report = _avesta(avesta, registrator, "personal-vantelista")
    assert _rows(report.table("staff"))["Totalt"]["staff"] == 6
    people = report.table("staff_list")
    assert "insats" not in [c.key for c in people.columns]  # one insats: no column for it
    malin = people.rows[0]
    shown = [display(v, c, False) for c, v in zip(people.columns, malin, strict=True)]
    assert shown == ["Malin Hagström", "Coach", "Avesta kommun", "100"]  # whole per cent
    assert _rows(report.table("waiting"))["Totalt"]["waiting"] == 6
    nobody = _rows(_avesta(closed, registrator, "personal-vantelista").table("staff"))
    assert nobody["Totalt"]["staff"] == 0

    everyone = _build("personal-vantelista", registrator, Level.FORBUND, forbund.pk, AVESTA_YEAR)
    staff = _rows(everyone.table("staff"))
    assert _cells(staff["Arbetsgivare ej angiven"], ["staff", "fte"]) == [1, 0.5]
    assert staff["Totalt"]["staff"] == 7
    listed = everyone.table("staff_list")
    insats_column = listed.columns[listed.column_index("insats")]
    assert (str(insats_column.label), insats_column.kind) == ("Insats", Kind.LABEL)
    rows = listed.as_dicts()
    assert [(r["insats"], r["name"]) for r in rows][:2] == [
        ("Kraften", "Ny coach"),
        (avesta.name, "Malin Hagström"),
    ]
    assert rows[0]["employer"] == ""
    waiting = _rows(everyone.table("waiting"))
    assert [waiting[i.name]["waiting"] for i in (avesta, kraften)] == [6, 4]
    assert closed.name not in waiting  # its count is from before the year
    assert (waiting["Totalt"]["date"], waiting["Totalt"]["waiting"]) == ("", 10)


# --- #16 trend ----------------------------------------------------------------------------------

START_2015 = dt.date(2015, 6, 1)
_births = iter(range(0, 100_000, 3))  # a birth date of its own for every test person


def _person(user, insats, start, end=None, reason="arbete", woman=False, dropout=False, **fields):
    born = dt.date(1980, 1, 1) + dt.timedelta(days=next(_births))
    ending = (
        {"end_date": end, "end_reason": code(codes.EndReason, reason), "early_dropout": dropout}
        if end
        else {}
    )
    return enrol(
        user,
        insats,
        personnummer_text=make_pnr(born, man=not woman),
        start_date=start,
        consent_date=start,
        **ending,
        **fields,
    )


def test_trend_per_year_with_change_since_the_base_year(insats, registrator):
    """Seed 000's kind of statement: participants +50 % and ended doubled since a base year."""
    # Ended in 2015: 2 to work, 1 other, 1 early dropout.
    ended_2015 = [("arbete", False), ("arbete", False), ("avbrott", False), ("avbrott", True)]
    for reason, dropout in ended_2015:
        _person(registrator, insats, START_2015, dt.date(2015, 12, 1), reason, dropout=dropout)
    for _ in range(6):  # through 2015–2017
        _person(registrator, insats, START_2015, dt.date(2017, 12, 31), "studier")
    for end in (dt.date(2017, 11, 30), dt.date(2017, 11, 30), None):  # new in 2017
        _person(registrator, insats, dt.date(2017, 3, 1), end)
    period = (dt.date(2015, 1, 1), dt.date(2017, 12, 31))
    rows = _rows(_build("trend", registrator, Level.INSATS, insats.pk, period).table("trend"))
    assert list(rows) == ["2015", "2016", "2017"]
    keys = ["worked_with", "ended", "ended_kept", "to_goal", "goal_percent"]
    assert _cells(rows["2015"], keys) == [10, 4, 3, 2, pytest.approx(200 / 3)]
    assert _cells(rows["2016"], keys) == [6, 0, 0, 0, None]
    assert _cells(rows["2017"], keys) == [9, 8, 8, 8, 100.0]
    days = 6 * (dt.date(2017, 12, 31) - START_2015).days
    days += 2 * (dt.date(2017, 11, 30) - dt.date(2017, 3, 1)).days
    assert rows["2017"]["months"] == pytest.approx(days / 8 / (365.25 / 12))
    assert rows["2016"]["months"] is None
    changes = ["worked_with_change", "ended_change"]
    assert _cells(rows["2015"], changes) == [0, 0]
    assert _cells(rows["2017"], changes) == [-10.0, 100.0]  # ended doubled since 2015
    # seed 000: "resultat mot mål … ökat från 52 till 65 procent": percentage points
    assert rows["2015"]["goal_change"] == 0 and rows["2016"]["goal_change"] is None
    assert rows["2017"]["goal_change"] == pytest.approx(100 - 200 / 3)
    assert rows["2017"]["months_change"] == pytest.approx(
        rows["2017"]["months"] - rows["2015"]["months"]
    )

    scope = ReportScope(
        *period, user=registrator, level=Level.INSATS, object_id=insats.pk, base_year=2016
    )
    rows = _rows(get_report("trend").build(scope).table("trend"))
    assert _cells(rows["2017"], changes) == [50.0, None]  # nothing ended in 2016


# --- edges ----------------------------------------------------------------------------------------


def test_comparison_sets_forbund_and_counties_side_by_side(insats, registrator):
    other = make_forbund("Finsam Lekeberg och Örebro", county="18")
    theirs = make_insats(other, "Lekeberg team")
    RoleAssignment.objects.create(user=registrator, role=Role.REGISTRATOR, insats=theirs)
    admin = make_user("lekeberg-admin", Role.FORBUND_ADMIN, forbund=other)
    setup.set_insats_year(admin, theirs, 2022, 40)
    setup.set_insats_year(admin, theirs, 2021, 25)  # another year's plan
    for start in (dt.date(2021, 2, 1), dt.date(2022, 3, 1)):
        _person(registrator, insats, start)
    _person(registrator, theirs, dt.date(2022, 2, 1), dt.date(2022, 6, 1))
    registry.register_anonymous(
        user=registrator, insats=theirs, gender="K", start_year=2022, reason="samtycke"
    )
    report = get_report("jamforelse").build(ReportScope(*AVESTA_YEAR, user=registrator))
    keys = ["insatser", "budgeted", "participants", "new", "ended", "anonymous"]
    forbund = _rows(report.table("forbund_comparison"))
    assert _cells(forbund[insats.forbund.name], keys) == [1, 0, 2, 1, 0, 0]
    assert _cells(forbund[other.name], keys) == [1, 40, 1, 1, 1, 1]
    assert _cells(forbund["Totalt"], keys) == [2, 40, 3, 2, 1, 1]
    counties = _rows(report.table("county_comparison"))
    # In the order of their names (Örebro län's code, 18, comes before Dalarna's, 20)
    assert list(forbund) == [other.name, insats.forbund.name, "Totalt"]
    assert list(counties) == ["Dalarnas län", "Örebro län", "Totalt"]
    assert _cells(counties["Dalarnas län"], keys) == [1, 0, 2, 1, 0, 0]
    assert _cells(counties["Örebro län"], keys) == [1, 40, 1, 1, 1, 1]


def test_inflow_and_outflow_by_municipality(insats, registrator):
    """Carried over = started before the period and enrolled on its first day; an
    enrolment that ended before the period is neither; the ended go by destination."""
    avesta, hedemora = (Municipality.objects.get(code=c) for c in ("2084", "2083"))
    _person(registrator, insats, dt.date(2020, 1, 1), dt.date(2021, 12, 31))  # before
    _person(registrator, insats, dt.date(2021, 5, 1), dt.date(2022, 3, 1), "studier")
    _person(registrator, insats, dt.date(2022, 2, 1), dt.date(2022, 9, 1), "ersattning")
    _person(registrator, insats, dt.date(2022, 4, 1), dt.date(2022, 5, 1), "avbrott", dropout=True)
    _person(registrator, insats, dt.date(2022, 4, 1), municipality=hedemora)
    scope = ReportScope(*AVESTA_YEAR, user=registrator, level=Level.INSATS, object_id=insats.pk)
    inflow = _rows(get_report("inflode").build(scope).table("inflow"))
    assert _cells(inflow[avesta.name], ["carried_over", "new", "total"]) == [1, 2, 3]
    assert _cells(inflow[hedemora.name], ["carried_over", "new", "total"]) == [0, 1, 1]
    assert _cells(inflow["Totalt"], ["carried_over", "new", "total"]) == [1, 3, 4]
    outflow = _rows(get_report("utflode").build(scope).table("outflow"))
    keys = ["ended", "dropouts", "studies", "compensation", "to_goal", "goal_percent"]
    assert _cells(outflow[avesta.name], keys) == [3, 1, 1, 1, 1, 50.0]
    assert hedemora.name not in outflow


def test_queries_do_not_grow_with_the_registrations(insats, registrator, manager):
    """Each report runs a fixed number of queries, however many enrolments there are."""

    def counts() -> list[int]:
        result = []
        for key in OUR_REPORTS:
            scope = ReportScope(  # a new scope each time: a scope remembers the user's grants
                dt.date(2020, 1, 1),
                dt.date(2022, 12, 31),
                user=registrator,
                level=Level.INSATS,
                object_id=insats.pk,
            )
            with CaptureQueriesContext(connection) as queries:
                get_report(key).build(scope)
            result.append(len(queries))
        return result

    _person(registrator, insats, dt.date(2020, 2, 1), dt.date(2021, 3, 1))
    few = counts()
    for i in range(6):
        _person(registrator, insats, dt.date(2020, 3, 1), dt.date(2022, 1, 1 + i), woman=i % 2 == 0)
    assert counts() == few
