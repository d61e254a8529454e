"""Issue 13, item 7: a förbund compares its evaluations side by side, every figure the
one the evaluation's own page shows, within the user's scope, exported like every
other table (docs/economics.md, "Comparing evaluations")."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.economics import comparison, selectors, services, typecases
from samspar.economics.models import Evaluation, Method, StandardValueSet
from samspar.economics.output import comparison as comparison_output
from samspar.economics.selectors import Profile
from samspar.reports.exports.json import table_dict
from tests.factories import make_forbund, make_type_case_evaluation, make_user
from tests.test_economics_services import _end, _works, individuals

COMPARE = reverse("economics-compare")
HOSTILE = '=HYPERLINK("http://x","klicka")'


def _export(fmt: str) -> str:
    return reverse("economics-compare-export", args=[fmt])


def shipped() -> StandardValueSet:
    return StandardValueSet.objects.get(forbund=None, price_year=2025)


@pytest.fixture
def type_case(forbund, forbund_admin) -> Evaluation:
    """Seed 004's type cases: 81 participants, 6 mkr raised to 7,5 mkr."""
    return make_type_case_evaluation(forbund_admin, forbund, shipped(), "Samverkansteamet")


@pytest.fixture
def refused(forbund, insats) -> Evaluation:
    """An evaluation of three registered individuals, below the threshold of 5: saved
    directly (the service refuses it), as one made before the rule would be."""
    return Evaluation.objects.create(
        forbund=forbund,
        insats=insats,
        name="Tre individer",
        method=Method.INDIVIDUALS,
        value_set=shipped(),
        period_start=individuals(forbund, insats).period_start,
        period_end=individuals(forbund, insats).period_end,
        cost=500_000,
        before_resources={},
        registry_as_of=timezone.now(),
        profiles=[Profile(3, ("forsorjningsstod",), 0, "arbete", (), 100).as_json()],
    )


def _row(rows, evaluation):
    return next(r for r in rows if r.pk == evaluation.pk)


def test_a_type_case_row_is_its_own_reports_figures(type_case, forbund, forbund_admin):
    (row,) = comparison.comparison(forbund_admin, forbund)
    report = selectors.evaluation_report(type_case)
    society = report.result.society
    n = report.result.participants
    assert row.shown and row.name == "Samverkansteamet" and row.method == Method.TYPE_CASES
    assert row.price_year == 2025 and row.period == ""
    assert row.participants == n == pytest.approx(81)
    # by hand: 6 000 000 kr × 1,25 = 7 500 000 kr for 81 participants
    assert row.cost_per_participant == pytest.approx(7_500_000 / 81)
    assert row.cost_per_participant == pytest.approx(report.result.total_cost / n)
    assert row.revenue_per_participant == pytest.approx(society.revenue_per_participant)
    assert row.payback_months == pytest.approx(society.payback_months)
    assert row.horizon_years == report.result.horizon_years == 5
    assert row.profit_horizon == pytest.approx(society.profit_horizon)
    assert report.simulation is not None
    assert row.chance_profitable == pytest.approx(report.simulation.chance_profitable)
    # Only the group at work reaches work or studies: as the page's table of groups has it
    working = next(c for c in report.result.cohorts if c.name == "Försörjer sig genom arbete")
    assert row.reached == pytest.approx(working.count)
    assert row.reached_share == pytest.approx(13.58)  # the seed's share of the group
    assert row.cost_per_reached == pytest.approx(report.result.total_cost / working.count)
    assert row.cost_per_reached == pytest.approx(7_500_000 / (81 * 0.1358))


def test_studies_count_as_reaching_and_the_rest_does_not(forbund, forbund_admin):
    groups = typecases.group_rows()
    groups[1]["supply"] = {"studiemedel": 100.0}  # "better but not working" now studies
    evaluation = services.save_evaluation(
        user=forbund_admin,
        evaluation=Evaluation(
            forbund=forbund,
            name="Med studier",
            method=Method.TYPE_CASES,
            value_set=shipped(),
            participants=81,
            cost=6_000_000,
            before_supply=typecases.before_supply(),
            before_resources={},
        ),
        groups=groups,
    )
    (row,) = comparison.comparison(forbund_admin, forbund)
    assert row.pk == evaluation.pk
    assert row.reached_share == pytest.approx(13.58 + 16.05)


def test_a_refused_evaluation_is_a_row_without_figures(
    type_case, refused, forbund, forbund_admin, client
):
    rows = comparison.comparison(forbund_admin, forbund)
    assert [r.name for r in rows] == ["Samverkansteamet", "Tre individer"]  # by name
    row = _row(rows, refused)
    assert not row.shown and row.problems
    figures = (
        "participants",
        "cost_per_participant",
        "reached",
        "reached_share",
        "cost_per_reached",
        "revenue_per_participant",
        "payback_months",
        "horizon_years",
        "profit_horizon",
        "chance_profitable",
    )
    assert all(getattr(row, name) is None for name in figures)
    table = comparison_output.comparison_table(rows, forbund)
    cells = table.as_dicts()[1]
    assert all(cells[name] is None for name in figures)
    assert cells["period"] == ""  # the refused page does not show its period either
    client.force_login(forbund_admin)
    page = client.get(COMPARE)
    assert page.status_code == 200
    assert "Tre individer" in page.content.decode()


def test_registered_individuals_are_shown_without_who_reaches_work(
    forbund, insats, registrator, forbund_admin
):
    for day in range(1, 6):
        _end(registrator, insats, day, "arbete", [], **_works(100))
    saved = services.save_evaluation(user=forbund_admin, evaluation=individuals(forbund, insats))
    (row,) = comparison.comparison(forbund_admin, forbund)
    report = selectors.evaluation_report(saved)
    assert row.shown and row.participants == report.result.participants == 5
    assert row.period == report.period != ""
    assert row.revenue_per_participant == pytest.approx(
        report.result.society.revenue_per_participant
    )
    assert row.reached is None and row.reached_share is None and row.cost_per_reached is None


def test_another_forbunds_user_sees_none_of_it(type_case, refused, forbund, client):
    other = make_forbund("Sydnärkes samordningsförbund", "18")
    outsider = make_user("annan", Role.FORBUND_ADMIN, forbund=other)
    make_type_case_evaluation(outsider, other, shipped(), "Eget typfall")
    assert list(comparison.comparable_forbund(outsider)) == [other]
    assert [r.name for r in comparison.comparison(outsider, forbund)] == []
    client.force_login(outsider)
    page = client.get(COMPARE).content.decode()
    assert "Eget typfall" in page and "Samverkansteamet" not in page
    assert "Tre individer" not in page
    assert client.get(COMPARE, {"forbund": forbund.pk}).status_code == 404
    for fmt in comparison_output.FORMATS:
        assert client.get(_export(fmt), {"forbund": forbund.pk}).status_code == 404
    assert client.get(COMPARE, {"forbund": "١٢"}).status_code == 400


def test_a_user_of_several_forbund_chooses(type_case, forbund, forbund_admin, client):
    other = make_forbund("Västerås samordningsförbund", "19")  # after Södra Dalarnas
    make_type_case_evaluation(
        make_user("annan", Role.FORBUND_ADMIN, forbund=other), other, shipped(), "Eget typfall"
    )
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    RoleAssignment.objects.create(user=board, role=Role.BOARD, forbund=other)
    client.force_login(board)
    first = client.get(COMPARE).content.decode()  # the first by name
    assert "Samverkansteamet" in first and "Eget typfall" not in first
    assert 'name="forbund"' in first
    chosen = client.get(COMPARE, {"forbund": other.pk}).content.decode()
    assert "Eget typfall" in chosen and "Samverkansteamet" not in chosen


def test_anonymous_is_sent_to_log_in(client):
    for path in (COMPARE, _export("xlsx")):
        response = client.get(path)
        assert response.status_code == 302 and "next=" in response["Location"]


def test_a_user_without_evaluations_gets_an_empty_page(client, forbund):
    client.force_login(make_user("sys", Role.SYSADMIN))
    assert client.get(COMPARE).status_code == 200
    assert client.get(_export("csv")).status_code == 404
    assert client.get(_export("pdf")).status_code == 404


def test_exports_have_the_same_rows(type_case, refused, forbund, forbund_admin, client):
    Evaluation.objects.filter(pk=type_case.pk).update(name=HOSTILE)
    rows = comparison.comparison(forbund_admin, forbund)
    table = comparison_output.comparison_table(rows, forbund)
    client.force_login(forbund_admin)
    query = {"forbund": forbund.pk}

    data = json.loads(client.get(_export("json"), query).content)
    assert data["forbund"] == {"id": forbund.pk, "name": forbund.name}
    assert data["rows"] == json.loads(json.dumps(table_dict(table)["rows"]))
    assert [r["evaluation"] for r in data["rows"]] == [HOSTILE, "Tre individer"]
    assert data["rows"][0]["cost_per_participant"] == pytest.approx(7_500_000 / 81)
    assert data["rows"][1]["cost_per_participant"] is None

    response = client.get(_export("xlsx"), query)
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(values) if r[0] == "Utvärdering")
    body = values[header + 1 : header + 1 + len(rows)]
    assert [r[0] for r in body] == [r.name for r in rows]
    hostile = next(
        c for row in sheet.iter_rows(min_row=header + 2) for c in row[:1] if c.value == HOSTILE
    )
    assert hostile.data_type == "s"
    by_name = {r[0]: r for r in body}
    assert by_name[HOSTILE][5] == pytest.approx(7_500_000 / 81)
    assert all(v is None for v in by_name["Tre individer"][4:14])

    text = client.get(_export("csv"), query).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = next(i for i, r in enumerate(lines) if r and r[0] == "Utvärdering")
    body = lines[header + 1 : header + 1 + len(rows)]
    names = [r[0] for r in body]
    assert "'" + HOSTILE in names and "Tre individer" in names
    typed = next(r for r in body if r[0] == "'" + HOSTILE)
    assert Decimal(typed[5].replace(",", ".")) == pytest.approx(Decimal(7_500_000) / 81, abs=1)


def test_the_page_is_swedish_and_linked_from_the_index(type_case, forbund_admin, client):
    client.force_login(forbund_admin)
    index = client.get(reverse("economics-index")).content.decode()
    assert COMPARE in index
    page = client.get(COMPARE).content.decode()
    for swedish in (
        "Jämför utvärderingar",
        "Kostnad per deltagare som når arbete eller studier",
        "Återbetalningstid för samhället (månader)",
        "Chans till lönsamhet efter tidshorisonten (%)",
    ):
        assert swedish in page, swedish
    assert "92 593" in page.replace("\N{NO-BREAK SPACE}", " ")  # 7 500 000 / 81, kronor
