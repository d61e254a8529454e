"""Historical data as it is: every variable SUS did not require may be unknown ("okänd /
ej registrerat"), through the service and the page, and the reports count the unknown as
a category of its own (docs/definitions.md, "Unknown values (historical data)")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from samspar.codelists import models as codes
from samspar.organisation.models import Insats, Municipality
from samspar.registry import forms, services, unknowns
from samspar.registry.models import UNKNOWN_LABEL, Enrolment
from samspar.reports.catalogue import REPORTS
from samspar.reports.figures import background, geography
from samspar.reports.scope import Level, ReportScope
from samspar.reports.tables import Table
from tests.factories import code, enrol, make_pnr

START = dt.date(2022, 3, 1)


@pytest.fixture
def client() -> Client:
    """A client asking for English, so the assertions hold once Swedish is translated."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def coach_client(client, registrator):
    client.force_login(registrator)
    return client


def html(response) -> str:
    return response.content.decode()


def register_unknown(user, insats, **fields):
    """An enrolment with only what SUS required: identity number and start date."""
    return services.register_enrolment(
        user=user,
        insats=insats,
        personnummer_text=fields.pop("personnummer_text", make_pnr(dt.date(1980, 1, 2), man=False)),
        start_date=fields.pop("start_date", START),
        **fields,
    )


# --- Service ------------------------------------------------------------------------------


def test_service_registers_with_every_optional_variable_unknown(registrator, insats):
    enrolment = register_unknown(
        registrator,
        insats,
        consent_date=None,
        referral_date=None,
        municipality=None,
        referring_actor=None,
        years_in_public_support=None,
        education_level=None,
        occupation_before=None,
        occupation_before_percent=None,
    )
    enrolment.refresh_from_db()
    assert (enrolment.first_name, enrolment.last_name) == ("", "")
    assert enrolment.full_name == "(namn saknas)"  # the default language
    assert enrolment.list_name == "(namn saknas)"
    assert enrolment.consent_date is None
    assert enrolment.municipality is None
    assert enrolment.referring_actor is None
    assert enrolment.years_in_public_support is None
    assert enrolment.education_level.code == services.UNKNOWN_EDUCATION
    assert enrolment.occupation_before is None
    assert enrolment.occupation_before_percent is None
    assert not enrolment.supply_before.exists()
    assert enrolment.history.count() == 1


def test_service_leaves_out_unknown_variables_entirely(registrator, insats):
    # Not given at all is the same as unknown (the importer may leave columns out).
    enrolment = register_unknown(
        registrator, insats, education_level=code(codes.EducationLevel, "okand")
    )
    assert enrolment.municipality is None and enrolment.referring_actor is None
    assert enrolment.occupation_before_percent is None


def test_service_ends_an_enrolment_with_unknown_after_variables(registrator, insats):
    enrolment = register_unknown(registrator, insats, education_level=None)
    ended = services.end_enrolment(
        user=registrator,
        enrolment=enrolment,
        end_date=dt.date(2022, 9, 1),
        end_reason=code(codes.EndReason, "arbete"),
        occupation_after=None,
        occupation_after_percent=None,
    )
    assert ended.end_date == dt.date(2022, 9, 1)
    assert not ended.supply_after.exists()


def test_service_still_requires_what_sus_required(registrator, insats):
    with pytest.raises(ValidationError) as e:
        register_unknown(registrator, insats, start_date=None, education_level=None)
    assert "start_date" in e.value.message_dict
    enrolment = register_unknown(registrator, insats, education_level=None)
    with pytest.raises(ValidationError) as e:
        services.end_enrolment(
            user=registrator, enrolment=enrolment, end_date=dt.date(2022, 9, 1), end_reason=None
        )
    assert "end_reason" in e.value.message_dict


def test_extent_before_needs_an_occupation(registrator, insats):
    with pytest.raises(ValidationError):
        register_unknown(registrator, insats, education_level=None, occupation_before_percent=50)
    assert not Enrolment.objects.exists()


def test_years_take_two_decimals(registrator, insats):
    enrolment = enrol(registrator, insats, years_in_public_support=Decimal("5.75"))
    enrolment.refresh_from_db()
    assert enrolment.years_in_public_support == Decimal("5.75")
    with pytest.raises(ValidationError) as e:
        enrol(
            registrator,
            insats,
            personnummer_text=make_pnr(dt.date(1970, 5, 5), man=True),
            years_in_public_support=Decimal("5.755"),
        )
    assert "years_in_public_support" in e.value.message_dict


@pytest.mark.parametrize(
    ("typed", "years"),
    [
        ("5,75", Decimal("5.75")),
        ("5.75", Decimal("5.75")),
        (" 5 ", Decimal("5")),
        ("69 mån", Decimal("5.75")),
        ("70 månader", Decimal("5.83")),
        ("6 months", Decimal("0.50")),
        ("", None),
        ("Okänd", None),
        ("ej registrerat", None),
    ],
)
def test_parse_years(typed, years):
    assert unknowns.parse_years(typed) == years


@pytest.mark.parametrize(
    "text", [None, "", "  ", "okänd", "Okänd.", "OKÄND", "Ej registrerat", "uppgift saknas", "–"]
)
def test_texts_that_mean_unknown(text):
    assert unknowns.is_unknown(text)


@pytest.mark.parametrize("text", ["0", "ingen", "Ingen offentlig försörjning", "Kommun"])
def test_texts_that_are_values(text):
    assert not unknowns.is_unknown(text)


@pytest.mark.parametrize("typed", ["fem", "5,7,5", "5 år 3 mån", "1e3", "NaN", "Infinity"])
def test_parse_years_refuses_other_text(typed):
    field = Enrolment._meta.get_field("years_in_public_support").formfield(
        form_class=forms.YearsField
    )
    with pytest.raises(ValidationError):
        field.clean(typed)


# --- Page ---------------------------------------------------------------------------------


def unknown_form_data(**overrides):
    """The registration form with every variable SUS did not require left unknown."""
    data = {
        "personnummer": make_pnr(dt.date(1975, 8, 9), man=True),
        "first_name": "",
        "last_name": "",
        "start_date": "2022-03-01",
        "referral_date": "",
        "consent_date": "",
        "municipality": "",
        "residence_kind": "folkbokford",
        "referring_actor": "",
        "years_in_public_support": "",
        "education_level": code(codes.EducationLevel, "okand").pk,
        "occupation_before": "",
        "occupation_before_percent": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_page_registers_with_every_optional_variable_unknown(coach_client, insats):
    response = coach_client.post(reverse("enrolment-create", args=[insats.pk]), unknown_form_data())
    assert response.status_code == 302, html(response)
    enrolment = Enrolment.objects.get()
    assert enrolment.municipality is None and enrolment.referring_actor is None
    assert enrolment.consent_date is None and enrolment.occupation_before is None
    assert not enrolment.supply_before.exists()
    detail = html(coach_client.get(response["Location"]))
    assert "(name missing) is registered." in detail
    listing = html(coach_client.get(reverse("enrolment-list", args=[insats.pk])))
    assert "(name missing)" in listing


def test_page_accepts_years_with_decimal_comma(coach_client, insats):
    response = coach_client.post(
        reverse("enrolment-create", args=[insats.pk]),
        unknown_form_data(years_in_public_support="5,75"),
    )
    assert response.status_code == 302, html(response)
    enrolment = Enrolment.objects.get()
    assert enrolment.years_in_public_support == Decimal("5.75")
    edit = html(coach_client.get(reverse("enrolment-edit", args=[enrolment.pk])))
    assert 'value="5.75"' in edit or 'value="5,75"' in edit


def test_page_keeps_typed_years_when_refused(coach_client, insats):
    response = coach_client.post(
        reverse("enrolment-create", args=[insats.pk]),
        unknown_form_data(years_in_public_support="5,755", start_date=""),
    )
    assert response.status_code == 200
    page = html(response)
    assert 'value="5,755"' in page
    assert "Ensure that there are no more than 2 decimal places." in page
    assert not Enrolment.objects.exists()


def test_page_offers_unknown_and_parent_referrers(coach_client, insats):
    page = html(coach_client.get(reverse("enrolment-create", args=[insats.pk])))
    for parent in ("kommun", "region", "egen"):
        assert f'<option value="{code(codes.ReferringActor, parent).pk}"' in page
    assert "Region (healthcare), no sub-category" in page
    assert page.count("Unknown / not registered") >= 3  # municipality, referrer, occupation


def test_page_registers_a_parent_referrer(coach_client, insats):
    kommun = code(codes.ReferringActor, "kommun")
    response = coach_client.post(
        reverse("enrolment-create", args=[insats.pk]),
        unknown_form_data(referring_actor=kommun.pk),
    )
    assert response.status_code == 302, html(response)
    assert Enrolment.objects.get().referring_actor == kommun


def test_page_supply_before_may_be_empty_or_none(coach_client, insats):
    none = code(codes.SupplyType, "ingen")
    response = coach_client.post(
        reverse("enrolment-create", args=[insats.pk]),
        unknown_form_data(supply_before=[none.pk]),
    )
    assert response.status_code == 302, html(response)
    assert list(Enrolment.objects.get().supply_before.all()) == [none]
    page = html(coach_client.get(reverse("enrolment-create", args=[insats.pk])))
    assert "Leave every box empty if it is not known" in page


# --- Reports ------------------------------------------------------------------------------

YEAR = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
YEAR_2022 = {"from": "2022-01-01", "to": "2022-12-31"}


def _scope(insats, user) -> ReportScope:
    return ReportScope(*YEAR, user=user, level=Level.INSATS, object_id=insats.pk)


def _row(table: Table, label: str) -> dict[str, Any]:
    return dict(zip([c.key for c in table.columns], table.row_by_label(label), strict=True))


def _total(table: Table, key: str = "total") -> Any:
    assert table.total_row is not None
    return table.value(table.total_row, key)


@pytest.fixture
def history(insats, registrator):
    """Four started in 2022: one fully known, two with every optional variable unknown
    (one of them ended to work), one referred by "Kommun" alone without support before."""
    avesta = Municipality.objects.get(code="2084")
    known = {
        "municipality": avesta,
        "referring_actor": code(codes.ReferringActor, "region-psykiatri"),
        "supply_before": [code(codes.SupplyType, "forsorjningsstod")],
        "education_level": code(codes.EducationLevel, "gymnasial"),
        "years_in_public_support": Decimal("4.25"),
        "occupation_before": code(codes.OccupationType, "ingen"),
    }
    register_unknown(registrator, insats, **known, start_date=dt.date(2022, 2, 1))
    register_unknown(
        registrator,
        insats,
        personnummer_text=make_pnr(dt.date(1985, 4, 4), man=False),
        start_date=dt.date(2022, 3, 1),
        education_level=None,
    )
    register_unknown(
        registrator,
        insats,
        personnummer_text=make_pnr(dt.date(1988, 6, 6), man=True),
        start_date=dt.date(2022, 4, 1),
        end_date=dt.date(2022, 9, 1),
        end_reason=code(codes.EndReason, "arbete"),
        education_level=None,
    )
    register_unknown(
        registrator,
        insats,
        personnummer_text=make_pnr(dt.date(1990, 8, 8), man=True),
        start_date=dt.date(2022, 5, 1),
        municipality=avesta,
        referring_actor=code(codes.ReferringActor, "kommun"),
        education_level=code(codes.EducationLevel, "forgymnasial"),
    )
    return _scope(insats, registrator)


def test_referrers_count_the_unknown(history):
    unknown = str(UNKNOWN_LABEL)
    tree = background.referring_actors(history)
    assert _row(tree, unknown)["total"] == 2
    kommun = code(codes.ReferringActor, "kommun").label
    assert _row(tree, kommun)["total"] == 1
    assert _total(tree) == 4
    # The total row is the sum of the top-level rows, the unknown one among them.
    assert tree.total_row is not None
    total_parts = tree.row_sums[tree.total_row]
    parts = [tree.value(r, "total") for r in total_parts]
    assert sum(p for p in parts if isinstance(p, int)) == 4

    cross = background.referrers_by_supply(history)
    assert _row(cross, unknown)["total"] == 2
    assert _row(cross, unknown)[background.SUPPLY_UNKNOWN] == 2
    assert _row(cross, kommun)[background.SUPPLY_UNKNOWN] == 1
    assert [_total(cross, k) for k in ("kommun", background.SUPPLY_UNKNOWN, "total")] == [1, 3, 4]


def test_education_and_years_count_the_unknown(history):
    education = background.education_distribution(history)
    assert _row(education, code(codes.EducationLevel, "okand").label)["total"] == 2
    assert _total(education) == 4
    years = background.public_support_distribution(history)
    assert _row(years, str(UNKNOWN_LABEL))["total"] == 3  # the fourth has none either
    means = background.public_support_years(history)
    assert (_total(means, "known"), _total(means, "unknown")) == (1, 3)
    assert _total(means, "mean_years") == 4.25


def test_geography_counts_the_unknown_municipality(history):
    unknown = str(geography.UNKNOWN_MUNICIPALITY)
    home = geography.home_municipality(history)
    assert _total(home, geography.UNKNOWN) == 2
    assert _total(home, "2084") == 2
    assert _total(home) == 4
    assert _total(home, f"{geography.UNKNOWN}_percent") == 50.0

    inflow = geography.inflow(history)
    assert _row(inflow, unknown)["new"] == 2
    assert _total(inflow, "new") == 4

    outflow = geography.outflow(history)
    assert _row(outflow, unknown)["ended"] == 1
    assert _row(outflow, unknown)["work"] == 1
    assert _total(outflow, "ended") == 1


def test_unknown_rows_are_the_same_on_page_api_and_export(client, history, registrator):
    client.force_login(registrator)
    query = {**YEAR_2022, "level": "insats", "object_id": history.object_id}
    api = client.get("/api/v1/reports/remittenter", query).json()
    referrers = next(t for t in api["tables"] if t["key"] == "referrers")
    unknown = next(r for r in referrers["rows"] if r["group"] == "Unknown / not registered")
    assert unknown["total"] == 2
    page_query = {
        "date_from": "2022-01-01",
        "date_to": "2022-12-31",
        "level": "insats",
        "object_id": history.object_id,
    }
    page = client.get(reverse("report", args=["hemvist"]), page_query)
    assert "Unknown municipality (not registered)" in html(page)
    csv = client.get(reverse("report-export", args=["utflode", "csv"]), page_query)
    assert csv.status_code == 200
    assert "Unknown municipality (not registered)" in csv.content.decode("utf-8-sig")


def test_unknowns_are_suppressed_like_any_other_count(history, forbund_admin):
    scope = ReportScope(
        *YEAR, user=forbund_admin, level=Level.FORBUND, object_id=history_forbund(history)
    )
    report = REPORTS["remittenter"].build(scope)
    referrers = report.tables[0]
    row = referrers.rows.index(referrers.row_by_label(str(UNKNOWN_LABEL)))
    # 2 is below the threshold: hidden, and so is what would give it away.
    assert referrers.rows[row][referrers.column_index("total")] is None


def history_forbund(scope: ReportScope) -> int:
    assert scope.object_id is not None
    return Insats.objects.get(pk=scope.object_id).forbund_id


def test_edit_page_keeps_unknowns_and_shows_them(coach_client, insats, registrator):
    enrolment = register_unknown(
        registrator, insats, education_level=None, years_in_public_support=Decimal("5.75")
    )
    url = reverse("enrolment-edit", args=[enrolment.pk])
    page = html(coach_client.get(url))
    assert 'value="5.75"' in page  # English: a decimal point
    # Save the form as it is shown: every unknown stays unknown, the years stay 5.75.
    data = unknown_form_data(version="1", years_in_public_support="5.75")
    del data["personnummer"]
    response = coach_client.post(url, data)
    assert response.status_code == 302, html(response)
    enrolment.refresh_from_db()
    assert enrolment.version == 2
    assert enrolment.municipality is None and enrolment.referring_actor is None
    assert enrolment.years_in_public_support == Decimal("5.75")
    assert not enrolment.supply_before.exists()
    detail = html(coach_client.get(reverse("enrolment-detail", args=[enrolment.pk])))
    assert detail.count("Unknown / not registered") >= 4  # consent, place, referrer …


def test_swedish_edit_page_shows_a_decimal_comma(registrator, insats):
    swedish = Client()
    swedish.force_login(registrator)
    enrolment = register_unknown(
        registrator, insats, education_level=None, years_in_public_support=Decimal("5.75")
    )
    page = html(swedish.get(reverse("enrolment-edit", args=[enrolment.pk])))
    assert 'value="5,75"' in page
    assert "Okänd / ej registrerat" in page
    assert "Kommun, ingen underkategori" in page


def test_service_corrects_a_known_value_to_unknown(registrator, insats):
    enrolment = enrol(registrator, insats)
    services.update_enrolment(
        user=registrator,
        enrolment=enrolment,
        municipality=None,
        referring_actor=None,
        occupation_before=None,
        occupation_before_percent=None,
        education_level=None,
        supply_before=[],
    )
    enrolment.refresh_from_db()
    assert enrolment.municipality is None and enrolment.referring_actor is None
    assert enrolment.education_level.code == services.UNKNOWN_EDUCATION
    assert not enrolment.supply_before.exists()
    assert enrolment.history.count() == 2
