"""The issue's "done when" on the demo world: a förbund administrator builds a
type-case and an individual evaluation in the browser, reads per-actor results with
uncertainty bands and exports them; bad input keeps what was typed and saves nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from openpyxl import load_workbook

from samspar.demo import builder
from samspar.economics import selectors
from samspar.economics.models import Evaluation, Method, StandardValueSet
from samspar.registry.models import Enrolment

SCALE = 0.15
LAST_YEAR = dt.date.today().year - 1


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        builder.build(scale=SCALE)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def admin(built, db, client):
    user = User.objects.get(username="admin.sodradalarna")
    client.force_login(user)
    return user


def form_data(response) -> dict[str, Any]:
    """What the browser would post back: the form's and the group formset's values."""
    data: dict[str, Any] = {}
    forms = [response.context["form"]]
    groups = response.context["groups"]
    if groups is not None:
        forms += list(groups.forms)
        data.update({f"groups-{k}": v for k, v in groups.management_form.initial.items()})
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value.pk if hasattr(value, "pk") else value
    return data


def test_demo_evaluations_compute(admin):
    demo = selectors.evaluations(admin)
    assert {e.method for e in demo} == {Method.TYPE_CASES, Method.INDIVIDUALS}
    for evaluation in demo:
        report = selectors.evaluation_report(evaluation, with_simulation=False)
        assert report.result.participants > 0


def test_the_admin_builds_a_type_case_evaluation(admin, client):
    page = client.get("/ekonomi/ny/type_cases/")
    assert page.status_code == 200
    data = form_data(page)
    data["name"] = "Typfall i webben"
    response = client.post("/ekonomi/ny/type_cases/", data)
    assert response.status_code == 302, response.context["form"].errors
    evaluation = Evaluation.objects.get(name="Typfall i webben")
    assert evaluation.groups.count() == 3
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    body = detail.content.decode()
    assert body.count("<svg") >= 2
    report = detail.context["report"]
    assert report.simulation is not None
    assert round(report.result.society.revenue) == round(
        selectors.evaluation_report(evaluation, with_simulation=False).result.society.revenue
    )


def test_shares_not_adding_up_keep_what_was_typed(admin, client):
    page = client.get("/ekonomi/ny/type_cases/")
    data = form_data(page)
    data["name"] = "Fel andelar"
    data["groups-0-share"] = "50"
    before = Evaluation.objects.count()
    response = client.post("/ekonomi/ny/type_cases/", data)
    assert response.status_code == 200
    assert Evaluation.objects.count() == before
    assert response.context["form"].non_field_errors()
    assert 'value="Fel andelar"' in response.content.decode()
    assert response.context["groups"].forms[0]["share"].value() == "50"


def test_the_admin_builds_an_individual_evaluation(admin, client):
    # the insats the demo's own individual evaluation found enough participants in
    insats = selectors.evaluations(admin).get(method=Method.INDIVIDUALS).insats
    page = client.get("/ekonomi/ny/individuals/")
    data = form_data(page)
    data.update(
        name="Individer i webben",
        insats=insats.pk,
        period_start=f"{LAST_YEAR}-01-01",
        period_end=f"{LAST_YEAR}-12-31",
        cost="1500000",
        resource_care_visit_primary="6",
    )
    response = client.post("/ekonomi/ny/individuals/", data)
    assert response.status_code == 302, response.context["form"].errors
    evaluation = Evaluation.objects.get(name="Individer i webben")
    report = selectors.evaluation_report(evaluation, with_simulation=False)
    ended = Enrolment.objects.filter(insats=insats, end_date__year=LAST_YEAR).exclude(
        end_reason__code="felregistrering"
    )
    assert report.result.participants == ended.count()
    assert client.get(response["Location"]).status_code == 200


def test_every_demo_evaluation_exports(admin, client):
    for evaluation in selectors.evaluations(admin):
        pdf = client.get(f"/ekonomi/{evaluation.pk}/export/pdf/")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        xlsx = client.get(f"/ekonomi/{evaluation.pk}/export/xlsx/")
        assert load_workbook(io.BytesIO(xlsx.content)).sheetnames
        data = json.loads(client.get(f"/ekonomi/{evaluation.pk}/export/json/").content)
        assert data


def test_other_users_do_not_reach_the_evaluations(built, db, client):
    evaluation = Evaluation.objects.filter(forbund__name__startswith="Södra Dalarnas").first()
    other = User.objects.get(username="admin.sydnarke")
    client.force_login(other)
    assert client.get(f"/ekonomi/{evaluation.pk}/").status_code == 404
    assert client.get(f"/ekonomi/{evaluation.pk}/export/json/").status_code == 404
    assert client.get(f"/ekonomi/{evaluation.pk}/redigera/").status_code == 404


def test_the_admin_edits_standard_values_into_a_new_version(admin, client):
    page = client.get("/ekonomi/standardvarden/")
    assert page.status_code == 200
    used = Evaluation.objects.filter(forbund__name__startswith="Södra Dalarnas").first().value_set
    detail = client.get(f"/ekonomi/standardvarden/{used.pk}/")
    data = {}
    for _label, _value, form in detail.context["rows"]:
        for name in ("amount", "grade", "source"):
            data[form.add_prefix(name)] = form[name].value()
    data["average_wage-amount"] = "40000"
    response = client.post(f"/ekonomi/standardvarden/{used.pk}/", data)
    assert response.status_code == 302
    assert used.values.get(key="average_wage").amount != 40000
    newer = StandardValueSet.objects.exclude(pk=used.pk).get(based_on=used)
    assert newer.values.get(key="average_wage").amount == 40000
