"""Publication periods (docs/definitions.md, "Report period"): a reader without exact
counts may only choose a period from 1 January to the last day of a month of the same
year, or several whole calendar years for a report that counts per calendar year (the
trend, budget, staff); a reader with exact counts chooses freely. Every entry point asks
the same rule (ReportSpec.period_problems): the report page's form, the downloads, the
API and `samspar report`."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from samspar.reports.catalogue import REPORTS
from samspar.reports.forms import ReportFilterForm
from samspar.reports.scope import publication_period_problems

RULE = "Utan exakta antal gäller en rapport 1 januari till sista dagen i en månad samma år"
YEARS_RULE = "Utan exakta antal gäller rapporten 1 januari"

ACCEPTED = [
    ("2025-01-01", "2025-12-31"),  # the calendar year
    ("2025-01-01", "2025-08-31"),  # the year so far: the delårsrapport
    ("2024-01-01", "2024-02-29"),  # a leap year's February
    ("2025-01-01", "2025-01-31"),
    ("2025-01-01", "2025-02-28"),
]
REFUSED = [
    ("2025-02-01", "2025-12-31", "date_from"),  # not from 1 January
    ("2025-01-01", "2025-08-30", "date_to"),  # not a month's last day
    ("2024-01-01", "2025-12-31", "date_to"),  # two years: only for per-year reports
    ("2024-07-01", "2025-06-30", "date_from"),  # twelve months, not a calendar year
]


@pytest.mark.parametrize(("start", "end"), ACCEPTED)
def test_a_publication_period_starts_on_1_january_and_ends_a_month(start, end):
    period = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    assert publication_period_problems(*period, whole_years=False) == {}
    assert publication_period_problems(*period, whole_years=True) == {}


@pytest.mark.parametrize(("start", "end", "field"), REFUSED)
def test_other_periods_are_refused_on_the_date_they_are_about(start, end, field):
    period = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    problems = publication_period_problems(*period, whole_years=False)
    assert list(problems) == [field]
    assert problems[field].startswith(RULE)


def test_whole_calendar_years_only_for_reports_counted_per_year():
    years = dt.date(2020, 1, 1), dt.date(2025, 12, 31)
    assert publication_period_problems(*years, whole_years=True) == {}
    assert list(publication_period_problems(*years, whole_years=False)) == ["date_to"]
    part = dt.date(2020, 1, 1), dt.date(2025, 8, 31)  # the last year not whole
    assert YEARS_RULE in publication_period_problems(*part, whole_years=True)["date_to"]
    late = dt.date(2020, 2, 1), dt.date(2025, 12, 31)  # the first year not whole
    assert YEARS_RULE in publication_period_problems(*late, whole_years=True)["date_from"]
    assert {k for k, spec in REPORTS.items() if spec.whole_years} == {
        "trend",
        "oversikt",
        "budget",
        "personal-vantelista",
    }


def _form(user, insats, start, end, key="deltagare", **more):
    data = {"level": "insats", "object_id": insats.pk, "date_from": start, "date_to": end}
    return ReportFilterForm({**data, **more}, user=user, report=REPORTS[key])


@pytest.mark.parametrize("role", ["manager", "forbund_admin"])
def test_the_form_refuses_other_periods_to_a_reader_without_exact_counts(request, insats, role):
    reader = request.getfixturevalue(role)
    for start, end in ACCEPTED:
        assert _form(reader, insats, start, end).is_valid()
    form = _form(reader, insats, "2025-03-01", "2025-08-31")
    assert not form.is_valid()
    assert form.errors["date_from"][0].startswith(RULE)
    assert "date_to" not in form.errors
    form = _form(reader, insats, "2023-01-01", "2025-12-31")
    assert form.errors["date_to"][0].startswith(RULE)
    assert _form(reader, insats, "2023-01-01", "2025-12-31", key="trend").is_valid()
    assert not _form(reader, insats, "2023-01-01", "2025-11-30", key="trend").is_valid()


def test_the_registrator_chooses_any_period_unless_for_publication(registrator, insats):
    assert _form(registrator, insats, "2025-03-15", "2025-04-02").is_valid()
    assert _form(registrator, insats, "2019-07-01", "2025-06-30").is_valid()
    published = _form(registrator, insats, "2025-03-15", "2025-04-02", published="on")
    assert list(published.errors) == ["date_from"]


def test_the_page_says_what_is_wrong_and_keeps_what_was_typed(client, manager, insats):
    client.force_login(manager)
    params = {"level": "insats", "object_id": insats.pk}
    response = client.get(
        reverse("report", args=["deltagare"]),
        {**params, "date_from": "2025-01-01", "date_to": "2025-06-15"},
    )
    assert response.status_code == 200
    assert "report" not in response.context
    html = response.content.decode()
    assert RULE in html
    assert 'value="2025-06-15"' in html
    ok = client.get(
        reverse("report", args=["deltagare"]),
        {**params, "date_from": "2025-01-01", "date_to": "2025-06-30"},
    )
    assert ok.context["report"].key == "deltagare"


def test_a_download_of_another_period_goes_back_to_the_page(client, manager, insats):
    client.force_login(manager)
    query = {"level": "insats", "object_id": insats.pk}
    url = reverse("report-export", args=["deltagare", "csv"])
    refused = client.get(url, {**query, "date_from": "2025-01-01", "date_to": "2025-06-15"})
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("report", args=["deltagare"]))
    accepted = client.get(url, {**query, "date_from": "2025-01-01", "date_to": "2025-06-30"})
    assert accepted.status_code == 200 and accepted["Content-Type"].startswith("text/csv")


def test_the_api_answers_400_with_the_rule(client, manager, registrator, insats):
    url = "/api/v1/reports/deltagare"
    params = {"level": "insats", "object_id": insats.pk}
    client.force_login(manager)
    refused = client.get(url, {**params, "from": "2025-01-01", "to": "2025-06-15"})
    assert refused.status_code == 400
    assert refused.json()["errors"]["to"][0].startswith(RULE)
    accepted = client.get(url, {**params, "from": "2025-01-01", "to": "2025-06-30"})
    assert accepted.status_code == 200
    assert accepted.json()["period"] == {"from": "2025-01-01", "to": "2025-06-30"}
    years = {**params, "from": "2021-01-01", "to": "2025-12-31"}
    trend = client.get("/api/v1/reports/trend", years)
    assert trend.status_code == 200
    client.force_login(registrator)
    free = client.get(url, {**params, "from": "2025-01-01", "to": "2025-06-15"})
    assert free.status_code == 200


def _call(*args: str) -> dict[str, object]:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_the_cli_without_exact_takes_publication_periods_only(insats):
    where = ("--insats", str(insats.pk))
    with pytest.raises(CommandError, match=RULE):
        _call("deltagare", *where, "--from", "2025-01-01", "--to", "2025-06-15")
    with pytest.raises(CommandError, match=RULE):
        _call("deltagare", *where, "--from", "2025-03-01", "--published")
    data = _call("deltagare", *where, "--from", "2025-01-01", "--to", "2025-06-30")
    assert data["period"] == {"from": "2025-01-01", "to": "2025-06-30"}
    assert _call("trend", *where, "--from", "2021-01-01", "--to", "2025-12-31")["period"]
    exact = _call("deltagare", *where, "--from", "2025-03-01", "--to", "2025-06-15", "--exact")
    assert exact["period"] == {"from": "2025-03-01", "to": "2025-06-15"}
