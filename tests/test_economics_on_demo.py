"""The issue's "done when" on the demo world: a förbund administrator builds a
type-case and an individual evaluation in the browser, reads per-actor results with
uncertainty bands and exports them; bad input keeps what was typed and saves nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from openpyxl import load_workbook

from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.codelists.models import EndReason
from samspar.demo import builder
from samspar.economics import seed004, selectors, services
from samspar.economics.decimal_text import plain_number as shown
from samspar.economics.defaults import shipped_sets
from samspar.economics.model import Perspective, evaluate
from samspar.economics.models import Evaluation, Method, StandardValueSet
from samspar.organisation.models import Forbund
from samspar.registry.models import Enrolment
from tests.factories import make_user

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
    if response.context["mapping"] is not None:
        forms.append(response.context["mapping"])
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


def test_the_demos_type_cases_are_seed_004(admin):
    """The demo's "Typfall enligt NyttoSam-exemplet" is the seed's reproduction: its
    price year's values with the seed's levels, whatever the newest shipped set."""
    demo = selectors.evaluations(admin).get(method=Method.TYPE_CASES)
    assert demo.value_set.price_year == seed004.PRICE_YEAR
    shown = selectors.evaluation_report(demo, with_simulation=False).result
    values = seed004.values(shipped_sets()[seed004.PRICE_YEAR].value_set())
    seed = evaluate(seed004.evaluation(), values)
    for p in Perspective:
        assert shown.perspectives[p].revenue == pytest.approx(seed.perspectives[p].revenue)
        assert shown.perspectives[p].payback_months == pytest.approx(
            seed.perspectives[p].payback_months
        )
    assert shown.society.profit_horizon == pytest.approx(seed.society.profit_horizon)
    assert round(shown.society.revenue / 1e6, 1) == 2.6  # DOMAIN.md §5: 2,6 mkr a year


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


def _refused(client, url, data) -> Any:
    """POST ``data``: the page comes back with the errors, and nothing is saved."""
    before = Evaluation.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    assert Evaluation.objects.count() == before
    body = response.content.decode()
    assert "Inget sparades" in body
    # no model path or raw constraint name reaches the page
    for internal in ("Begränsningen", "groups:", "cohorts", "›", "before.", "evaluation_"):
        assert internal not in body
    return response


def _kept(response, name: str, typed: str) -> None:
    """The field still shows what was typed."""
    assert f'name="{name}" value="{typed}"' in response.content.decode()


TYPE_CASES = "/ekonomi/ny/type_cases/"
INDIVIDUALS = "/ekonomi/ny/individuals/"


def test_group_shares_not_adding_up_keep_what_was_typed(admin, client):
    data = form_data(client.get(TYPE_CASES))
    data["name"] = "Fel andelar"
    data["groups-0-share"] = "10"
    response = _refused(client, TYPE_CASES, data)
    total = shown(round(100 - seed004.PERCENT[0] + 10, 2))
    assert response.context["groups"].non_form_errors() == [
        f"Andelarna måste summera till 100 % (nu {total} %)."
    ]
    assert 'href="#section-groups"' in response.content.decode()
    _kept(response, "name", "Fel andelar")
    _kept(response, "groups-0-share", "10")


def test_before_shares_must_add_up_to_100(admin, client):
    data = form_data(client.get(TYPE_CASES))
    data["before_forsorjningsstod"] = "30"  # 30 + 37,5 + 12,5 = 80 %
    response = _refused(client, TYPE_CASES, data)
    (before,) = [s for s in response.context["form"].sections() if s.key == "before_supply"]
    assert before.errors == ("Andelarna måste summera till 100 % (nu 80 %).",)
    _kept(response, "before_forsorjningsstod", "30")
    # the rest written as "no public support" adds up
    data["before_ingen"] = "20"
    assert client.post(TYPE_CASES, data).status_code == 302


def test_every_problem_shows_at_once(admin, client):
    """A field the form refuses does not hide the sums it would check after it."""
    data = form_data(client.get(TYPE_CASES))
    data.update(
        before_forsorjningsstod="30",
        deadweight_high="",  # a range without its high end
        **{
            "groups-0-share": "10",
            "groups-1-supply_sjukpenning": "50",
            "groups-1-work_extent": "75",
        },
    )
    response = _refused(client, TYPE_CASES, data)
    form, groups = response.context["form"], response.context["groups"]
    assert form.errors["deadweight_high"]
    assert form.section_errors["before_supply"]
    assert groups.non_form_errors() and groups.forms[1].non_field_errors()
    body = response.content.decode()
    for section in ("section-uncertainty", "section-before_supply", "section-groups"):
        assert f'href="#{section}"' in body


def test_negative_amounts_are_refused_at_their_fields(admin, client):
    data = form_data(client.get(TYPE_CASES))
    data.update(cost="-5", resource_caseworker_kommun="-3", **{"groups-1-work_extent": "-10"})
    response = _refused(client, TYPE_CASES, data)
    form = response.context["form"]
    assert form.errors["cost"] and form.errors["resource_caseworker_kommun"]
    assert response.context["groups"].forms[1].errors["work_extent"]
    _kept(response, "cost", "-5")
    _kept(response, "resource_caseworker_kommun", "-3")
    _kept(response, "groups-1-work_extent", "-10")


def test_no_cost_and_no_participants_are_refused_in_words(admin, client):
    data = form_data(client.get(TYPE_CASES))
    data.update(cost="0", participants="0")
    response = _refused(client, TYPE_CASES, data)
    errors = response.context["form"].errors
    assert errors["cost"] == ["Kostnaden måste vara mer än 0 kr."]
    assert errors["participants"] == ["Minst en deltagare."]


def test_a_reversed_period_is_refused_in_words(admin, client):
    insats = selectors.evaluations(admin).get(method=Method.INDIVIDUALS).insats
    data = form_data(client.get(INDIVIDUALS))
    data.update(
        name="Baklänges",
        insats=insats.pk,
        cost="100000",
        period_start=f"{LAST_YEAR}-12-31",
        period_end=f"{LAST_YEAR}-01-01",
    )
    response = _refused(client, INDIVIDUALS, data)
    assert response.context["form"].errors["period_end"] == [
        "Perioden kan inte sluta innan den börjar."
    ]
    _kept(response, "period_start", f"{LAST_YEAR}-12-31")


def test_a_group_working_and_on_benefits_beyond_full_time(admin, client):
    data = form_data(client.get(TYPE_CASES))
    data["groups-0-supply_sjukpenning"] = "50"  # with 75 % work
    response = _refused(client, TYPE_CASES, data)
    (message,) = response.context["groups"].forms[0].non_field_errors()
    assert "100" in message


def test_a_decimal_comma_is_read_and_shown(admin, client):
    page = client.get(TYPE_CASES)
    body = page.content.decode()
    _kept(page, "indirect_tax_factor", "1,25")
    _kept(page, "before_sjukpenning", "37,5")
    _kept(page, "groups-0-share", shown(seed004.PERCENT[0]))
    assert 'name="cost" value="6\N{NO-BREAK SPACE}000\N{NO-BREAK SPACE}000"' in body
    data = form_data(page)
    data.update(
        name="Decimalkomma",
        indirect_tax_factor="1,21",
        cost="6 000 000",
        before_forsorjningsstod="46,5",
        before_sjukpenning="41,0",
        **{"groups-0-share": "13,5", "groups-1-share": "16", "groups-2-share": "70,50"},
    )
    response = client.post(TYPE_CASES, data)
    assert response.status_code == 302, response.context["form"].errors
    saved = Evaluation.objects.get(name="Decimalkomma")
    assert saved.indirect_tax_factor == Decimal("1.21")
    assert saved.before_supply["forsorjningsstod"] == 46.5
    assert [g.share for g in saved.groups.all()] == [Decimal("13.5"), 16, Decimal("70.5")]
    edit = client.get(f"/ekonomi/{saved.pk}/redigera/")
    _kept(edit, "indirect_tax_factor", "1,21")
    _kept(edit, "before_forsorjningsstod", "46,5")


def test_monte_carlo_ranges_on_the_form(admin, client):
    page = client.get(TYPE_CASES)
    _kept(page, "spread_c", "25")
    # A new evaluation starts from the counterfactual's ranges (docs/economics.md).
    _kept(page, "deadweight_low", "20")
    _kept(page, "displacement_high", "65")
    data = form_data(page)
    data.update(name="Intervall", deadweight="10", deadweight_low="12,5", deadweight_high="20")
    response = _refused(client, TYPE_CASES, data)
    assert response.context["form"].errors["deadweight_low"] == [
        "Intervallet måste rymma värdet: lägst ≤ 10 ≤ högst."
    ]
    _kept(response, "deadweight_low", "12,5")
    data["deadweight_low"] = "2,5"
    assert client.post(TYPE_CASES, data).status_code == 302
    saved = Evaluation.objects.get(name="Intervall")
    assert selectors.model_uncertainty(saved).deadweight == (0.025, 0.2)


def test_discounting_is_a_checkbox_with_3_5_percent(admin, client):
    page = client.get(TYPE_CASES)
    _kept(page, "discount_rate", "3,5")
    assert 'name="discounting"' in page.content.decode()
    assert page.context["form"]["discounting"].value() is False
    data = form_data(page)
    data.update(name="Diskonterad", discounting="on")
    response = client.post(TYPE_CASES, data)
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assumptions = detail.context["report"]
    assert assumptions.evaluation.discount_rate == 0.035
    assert "diskontering med 3,5\N{NO-BREAK SPACE}% per år" in detail.content.decode()


def test_a_missing_standard_value_is_a_form_error(admin, client):
    data = form_data(client.get(TYPE_CASES))
    forbund = Forbund.objects.get(pk=data["forbund"])
    shipped = StandardValueSet.objects.get(pk=data["value_set"])
    own = services.update_standard_values(
        user=admin,
        forbund=forbund,
        value_set=shipped,
        changes={"average_wage": services.ValueChange(Decimal(40_000), "B", "SCB")},
    )
    own.values.filter(key="sjukpenning").delete()
    data.update(name="Saknat värde", value_set=own.pk)
    response = _refused(client, TYPE_CASES, data)
    (message,) = response.context["form"].errors["value_set"]
    assert f"prisår {own.price_year}" in message and "Sjukpenning" in message
    _kept(response, "name", "Saknat värde")


def test_a_share_above_one_is_refused_in_the_value_editor(admin, client):
    value_set = StandardValueSet.objects.filter(forbund=None).first()
    url = f"/ekonomi/standardvarden/{value_set.pk}/"
    data = _value_data(client.get(url))
    data["employer_contribution-amount"] = "31,42"
    sets = StandardValueSet.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200 and StandardValueSet.objects.count() == sets
    (form,) = [f for _label, v, f in response.context["rows"] if v.key == "employer_contribution"]
    assert form.errors["amount"] == ["En andel ligger mellan 0 och 1: 31,42 % skrivs 0,3142."]
    _kept(response, "employer_contribution-amount", "31,42")
    data["employer_contribution-amount"] = "0,3142"
    data["average_wage-amount"] = "40 100"
    assert client.post(url, data).status_code == 302
    newest = StandardValueSet.objects.latest("pk")
    assert newest.values.get(key="average_wage").amount == 40_100


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


def _value_data(page) -> dict[str, Any]:
    target = page.context["target_form"]
    data = {"target-forbund": target["forbund"].value()}
    for _label, _value, form in page.context["rows"]:
        for name in ("amount", "grade", "source"):
            data[form.add_prefix(name)] = form[name].value()
    return data


def test_the_admin_edits_standard_values_into_a_new_version(admin, client):
    page = client.get("/ekonomi/standardvarden/")
    assert page.status_code == 200
    used = Evaluation.objects.filter(forbund__name__startswith="Södra Dalarnas").first().value_set
    data = _value_data(client.get(f"/ekonomi/standardvarden/{used.pk}/"))
    data["average_wage-amount"] = "40000"
    response = client.post(f"/ekonomi/standardvarden/{used.pk}/", data)
    assert response.status_code == 302
    assert used.values.get(key="average_wage").amount != 40000
    newer = StandardValueSet.objects.exclude(pk=used.pk).get(based_on=used)
    assert newer.values.get(key="average_wage").amount == 40000


def _two_forbund_admin(client) -> tuple[User, Forbund, Forbund]:
    first = Forbund.objects.get(name__startswith="Södra Dalarnas")
    second = Forbund.objects.get(name__contains="Sydnärke")
    user = make_user("admin.tva", Role.FORBUND_ADMIN, forbund=first)
    RoleAssignment.objects.create(user=user, role=Role.FORBUND_ADMIN, forbund=second)
    client.force_login(user)
    return user, first, second


def test_an_admin_of_two_forbund_chooses_where_a_new_version_goes(built, db, client):
    _user, _first, second = _two_forbund_admin(client)
    shipped = StandardValueSet.objects.filter(forbund=None).order_by("-price_year").first()
    url = f"/ekonomi/standardvarden/{shipped.pk}/"
    page = client.get(url)
    choices = page.context["target_form"].fields["forbund"].queryset
    assert set(choices) == {_first, second}
    data = _value_data(page)
    data.update({"target-forbund": second.pk, "average_wage-amount": "41 000"})
    response = client.post(url, data)
    assert response.status_code == 302
    made = StandardValueSet.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert made.forbund == second and made.based_on == shipped
    assert made.values.get(key="average_wage").amount == 41_000


def test_used_by_counts_only_the_evaluations_the_user_sees(admin, client):
    shipped = StandardValueSet.objects.filter(forbund=None).order_by("-price_year").first()
    everyone = shipped.evaluations.count()
    own = selectors.evaluations(admin).filter(value_set=shipped).count()
    assert everyone > own >= 1
    page = client.get(f"/ekonomi/standardvarden/{shipped.pk}/")
    assert page.context["used_by"] == own
    assert f"används av {own} utvärdering" in page.content.decode()


def test_a_version_for_a_new_price_year(admin, client):
    shipped = StandardValueSet.objects.filter(forbund=None).order_by("-price_year").first()
    url = f"/ekonomi/standardvarden/{shipped.pk}/nytt-prisar/"
    page = client.get(f"/ekonomi/standardvarden/{shipped.pk}/")
    assert page.context["year_form"]["price_year"].value() == str(shipped.price_year + 1)
    forbund = Forbund.objects.get(name__startswith="Södra Dalarnas")
    before = StandardValueSet.objects.count()
    refused = client.post(url, {"year-forbund": forbund.pk, "year-price_year": "1999"}, follow=True)
    assert StandardValueSet.objects.count() == before
    assert "2000" in refused.content.decode()
    year = shipped.price_year + 1
    response = client.post(url, {"year-forbund": forbund.pk, "year-price_year": str(year)})
    assert response.status_code == 302
    made = StandardValueSet.objects.get(forbund=forbund, price_year=year)
    assert made.based_on == shipped and made.version == 1
    assert made.values.count() == shipped.values.count()
    form = client.get(TYPE_CASES).context["form"]
    assert made in form.fields["value_set"].queryset
    # another förbund's user can neither see it nor make one from it
    client.force_login(User.objects.get(username="admin.sydnarke"))
    assert client.get(f"/ekonomi/standardvarden/{made.pk}/").status_code == 404
    assert (
        client.post(
            f"/ekonomi/standardvarden/{made.pk}/nytt-prisar/", {"year-price_year": "2030"}
        ).status_code
        == 404
    )


BANDS = {"bands_revenue", "bands_profit_first_year", "bands_profit", "bands_payback"}


def _shown_tables(detail) -> set[str]:
    return {tv.table.key for section in detail.context["sections"] for tv in section.tables}


def _exports(client, evaluation: Evaluation) -> dict[str, Any]:
    """Every export of ``evaluation``, checked to be what it says it is."""
    pdf = client.get(f"/ekonomi/{evaluation.pk}/export/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/ekonomi/{evaluation.pk}/export/xlsx/")
    book = load_workbook(io.BytesIO(xlsx.content))
    data = json.loads(client.get(f"/ekonomi/{evaluation.pk}/export/json/").content)
    assert data["title"] == evaluation.name
    return {"book": book, "json": data}


def test_the_type_case_flow_with_edits(admin, client):
    data = form_data(client.get(TYPE_CASES))
    data["name"] = "Flöde med typfall"
    created = client.post(TYPE_CASES, data)
    assert created.status_code == 302, created.context["form"].errors
    evaluation = Evaluation.objects.get(name="Flöde med typfall")
    detail = client.get(created["Location"])
    assert _shown_tables(detail) >= BANDS and "cohorts" in _shown_tables(detail)
    body = detail.content.decode()
    assert "Osäkerhet: lönsamhet efter 1 år" in body and "Ingångsvärden och antaganden" in body
    assert detail.context["history"][0].created

    # /redigera/: the saved values come back; change group 1, delete group 2
    edit_url = f"/ekonomi/{evaluation.pk}/redigera/"
    edit = client.get(edit_url)
    _kept(edit, "name", "Flöde med typfall")
    _kept(edit, "groups-0-share", shown(seed004.PERCENT[0]))
    new_share = round(100 - seed004.PERCENT[2], 2)  # group 2's participants go to group 1
    data = form_data(edit)
    data.update(
        {
            "groups-0-share": shown(new_share),
            "groups-1-DELETE": "on",
            "switching_months": "18",
        }
    )
    saved = client.post(edit_url, data)
    assert saved.status_code == 302, saved.context["form"].errors
    assert [(g.name, g.share) for g in evaluation.groups.all()] == [
        ("Försörjer sig genom arbete", Decimal(str(new_share))),
        ("Har inte förbättrat sig", Decimal(str(seed004.PERCENT[2]))),
    ]
    detail = client.get(saved["Location"])
    changes = {c.label: (c.old, c.new) for c in detail.context["history"][0].changes}
    assert changes["Grupp 1: Andel av deltagarna (%)"] == (
        shown(seed004.PERCENT[0]),
        shown(new_share),
    )
    assert changes["Grupp 3"][1] == "–"  # the third row is gone
    assert [r[0] for r in detail.context["report"].switching] == [12, 18, 24, 36]
    assert "inom 18 månader" in detail.content.decode()

    files = _exports(client, evaluation)
    assert "Grupper" in files["book"].sheetnames
    assert [c["name"] for c in files["json"]["cohorts"]] == [
        "Försörjer sig genom arbete",
        "Har inte förbättrat sig",
    ]
    assert files["json"]["switching_target_months"] == 18


def test_the_individual_flow_with_edits(admin, client):
    insats = selectors.evaluations(admin).get(method=Method.INDIVIDUALS).insats
    data = form_data(client.get(INDIVIDUALS))
    data.update(
        name="Flöde med individer",
        insats=insats.pk,
        period_start=f"{LAST_YEAR}-01-01",
        period_end=f"{LAST_YEAR}-12-31",
        cost="1 500 000",
    )
    created = client.post(INDIVIDUALS, data)
    assert created.status_code == 302, created.context["form"].errors
    evaluation = Evaluation.objects.get(name="Flöde med individer")
    detail = client.get(created["Location"])
    assert BANDS | {"mapping", "assumptions"} <= _shown_tables(detail)
    assert "cohorts" not in _shown_tables(detail)  # profiles are never shown
    assert "Beräknad från registret per" in detail.content.decode()
    revenue = detail.context["report"].result.society.revenue

    # an end reason some participant without registered work ended with now counts as
    # half-time work
    mapping = selectors.evaluation_mapping(evaluation)
    reason = next(
        p["end_reason"]
        for p in evaluation.profiles
        if p["work_after"] is None and mapping[p["end_reason"]].work_extent == 0
    )
    edit_url = f"/ekonomi/{evaluation.pk}/redigera/"
    data = form_data(client.get(edit_url))
    data[f"mapping-{reason}__work_extent"] = "50"
    saved = client.post(edit_url, data)
    assert saved.status_code == 302
    row = evaluation.mapping_rows.get(end_reason__code=reason)
    assert row.work_extent == 50
    detail = client.get(saved["Location"])
    mapped = detail.context["report"].result.society.revenue
    # but fewer than the förbund's threshold ended with it: its row applies to no one
    # (docs/economics.md, "Small groups"; tests/test_economics_privacy.py)
    ended_with = sum(p["count"] for p in evaluation.profiles if p["end_reason"] == reason)
    assert ended_with < evaluation.forbund.suppression_threshold
    assert mapped == revenue
    (change,) = detail.context["history"][0].changes
    assert change.new == "50" and "Arbetsomfattning efter" in change.label
    shown = {m.code: m for m in detail.context["report"].mapping}
    assert shown[reason].work_extent == 50

    # the registry changes: the page says so, but keeps what it was computed from
    changed = Enrolment.objects.filter(
        insats=insats, end_date__year=LAST_YEAR, end_reason__code=reason
    ).first()
    Enrolment.objects.filter(pk=changed.pk).update(end_reason=EndReason.objects.get(code="arbete"))
    detail = client.get(f"/ekonomi/{evaluation.pk}/")
    assert "Registret har ändrats sedan dess" in detail.content.decode()
    assert detail.context["report"].result.society.revenue == mapped

    # the registry is read again only when asked (and only by POST) — and not when
    # one participant's registration changed: the two versions would give it away
    refresh = f"/ekonomi/{evaluation.pk}/rakna-om/"
    assert client.get(refresh).status_code == 404
    read_at = Evaluation.objects.get(pk=evaluation.pk).registry_as_of
    response = client.post(refresh, follow=True)
    assert "Deltagarna skiljer sig från en annan utvärdering" in response.content.decode()
    assert "Registret har ändrats sedan dess" in response.content.decode()
    assert Evaluation.objects.get(pk=evaluation.pk).registry_as_of == read_at

    files = _exports(client, evaluation)
    assert "Från registret" in files["book"].sheetnames
    exported = {m["end_reason"]: m for m in files["json"]["mapping"]}
    assert exported[reason]["work_extent"] == 0.5
    assert files["json"]["registry_as_of"] and files["json"]["cohorts"] == []


def test_only_managers_compute_again(built, db, client):
    evaluation = Evaluation.objects.filter(
        forbund__name__startswith="Södra Dalarnas", method=Method.INDIVIDUALS
    ).first()
    client.force_login(User.objects.get(username="styrelse.sodradalarna"))
    assert client.get(f"/ekonomi/{evaluation.pk}/").status_code == 200
    assert client.post(f"/ekonomi/{evaluation.pk}/rakna-om/").status_code == 404
    assert client.get(f"/ekonomi/{evaluation.pk}/redigera/").status_code == 404
