"""Every report of the catalogue, on the demo world: it has data, renders in the browser
and exports in every format (the issue's "done when" for the figures)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from openpyxl import load_workbook

from samspar.demo import builder
from samspar.organisation.models import Forbund
from samspar.reports.catalogue import REPORTS
from samspar.reports.exports import FORMATS, export
from samspar.reports.forms import ReportFilterForm
from samspar.reports.tables import Kind

SCALE = 0.05
LAST_YEAR = dt.date.today().year - 1


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """One small demo world for the module, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        builder.build(scale=SCALE)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def admin(built, db):
    return User.objects.get(username="admin.sodradalarna")


def _params(key: str) -> dict[str, str]:
    forbund = Forbund.objects.get(name__startswith="Södra Dalarnas")
    params = {
        "level": "forbund",
        "object_id": str(forbund.pk),
        # The administrator reads without exact counts: several years only where a
        # report counts per calendar year (publication periods, ReportSpec.whole_years).
        "date_from": f"{LAST_YEAR - 2 if REPORTS[key].whole_years else LAST_YEAR}-01-01",
        "date_to": f"{LAST_YEAR}-12-31",
    }
    if key == "trend":
        params["base_year"] = "2019"
        params["date_from"] = "2019-01-01"
    return params


def _scope(user: User, key: str):
    form = ReportFilterForm(_params(key), user=user, report=REPORTS[key])
    assert form.is_valid(), form.errors
    return form.scope()


@pytest.mark.parametrize("key", list(REPORTS))
def test_the_report_has_data_for_the_demo_forbund(admin, key):
    # The figures before suppression: one year of this small world has small counts.
    report = REPORTS[key].compute(_scope(admin, key))
    numbers = [
        value
        for table in report.tables
        for row in table.as_dicts()
        for column in table.columns
        if column.kind != Kind.LABEL and isinstance(value := row[column.key], int | float)
    ]
    assert any(n > 0 for n in numbers), f"{key}: no figure above zero"


@pytest.mark.parametrize("key", list(REPORTS))
def test_the_report_page_renders(admin, client, key):
    client.force_login(admin)
    response = client.get(f"/rapporter/{key}/", _params(key))
    assert response.status_code == 200
    assert b"<table" in response.content


@pytest.mark.parametrize("key", list(REPORTS))
def test_the_report_exports_in_every_format(admin, key):
    scope = _scope(admin, key)
    report = REPORTS[key].build(scope)
    files = {fmt: export(report, scope, fmt) for fmt in FORMATS}
    assert files["pdf"].content.startswith(b"%PDF")
    workbook = load_workbook(io.BytesIO(files["xlsx"].content))
    assert len(workbook.sheetnames) == len(report.tables)
    data = json.loads(files["json"].content)
    assert [t["key"] for t in data["tables"]] == [t.key for t in report.tables]
    text = files["csv"].content.decode("utf-8-sig")
    assert all(str(t.title) in text for t in report.tables)
