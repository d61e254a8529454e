"""The förbund's own questions in the participant list exports (Excel and CSV, of one
insats and of every insats): one column per question, the answer as the pages show it,
formulas kept as text, and a number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from samspar.access.models import AccessLog, RoleAssignment
from samspar.access.scoping import Role
from samspar.registry.models import Question
from tests.factories import enrol, make_insats, make_pnr, make_question

pytestmark = pytest.mark.django_db

KORKORT = "Har deltagaren körkort?"
BARN = "Antal barn"
STOD = "Vilka stöd behövs?"
MAL = "Deltagarens eget mål"
HALSA = "Datum för hälsosamtal"


@pytest.fixture
def asked(insats) -> dict[str, Question]:
    return {
        KORKORT: make_question(insats, "yes_no", text=KORKORT),
        BARN: make_question(insats, "number", text=BARN),
        STOD: make_question(insats, "choices", text=STOD, choices=("Boende", "Ekonomi", "Hälsa")),
        MAL: make_question(insats, "text", text=MAL),
        HALSA: make_question(insats, "date", text=HALSA),
    }


def _enrol(user, insats, n: int, answers: dict[Question, Any]):
    return enrol(
        user,
        insats,
        personnummer_text=make_pnr(dt.date(1980, 1, 1) + dt.timedelta(days=n), man=n % 2 == 0),
        first_name=f"Deltagare {n}",
        answers=answers,
    )


def _answers(asked: dict[str, Question], n: int = 0) -> dict[Question, Any]:
    stod = {c.label: c for c in asked[STOD].choices.all()}
    return {
        asked[KORKORT]: n % 2 == 0,
        asked[BARN]: Decimal("2.5") + n,
        asked[STOD]: [stod["Boende"], stod["Hälsa"]],
        asked[MAL]: f"Mål {n}",
        asked[HALSA]: dt.date(2021, 3, 4),
    }


def _table(content: bytes) -> tuple[list[str], list[dict[str, Any]]]:
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and "Personnummer" in r)
    heading = [str(h) for h in rows[start]]
    return heading, [dict(zip(heading, r, strict=True)) for r in rows[start + 1 :]]


def test_one_column_per_question_with_the_answer_as_shown(client, registrator, insats, asked):
    _enrol(registrator, insats, 0, _answers(asked))
    _enrol(registrator, insats, 1, {asked[KORKORT]: False})  # the others unanswered
    client.force_login(registrator)
    response = client.post(reverse("enrolment-list-export", args=[insats.pk, "xlsx"]))
    assert response.status_code == 200
    heading, rows = _table(response.content)
    # After the standard variables, in the questions' order (start questions first).
    assert heading[-5:] == [KORKORT, BARN, STOD, MAL, HALSA]
    assert heading.index(KORKORT) > heading.index("Anteckningar")
    by_name = {r["Förnamn"]: r for r in rows}
    first = by_name["Deltagare 0"]
    assert (first[KORKORT], first[BARN], first[STOD], first[MAL], first[HALSA]) == (
        "Ja",
        "2,5",
        "Boende, Hälsa",
        "Mål 0",
        "2021-03-04",
    )
    second = by_name["Deltagare 1"]
    assert second[KORKORT] == "Nej"
    assert second[BARN] is second[STOD] is second[MAL] is second[HALSA] is None
    entry = AccessLog.objects.get(kind=AccessLog.Kind.LIST, detail="export xlsx")
    assert entry.records == 2  # the export is logged as a read, as before


def test_formula_like_answers_and_questions_stay_text(client, registrator, insats):
    formula = make_question(insats, "text", text="=SUMMA(A1:A9)")
    _enrol(registrator, insats, 0, {formula: '=HYPERLINK("http://x")'})
    client.force_login(registrator)
    xlsx = client.post(reverse("enrolment-list-export", args=[insats.pk, "xlsx"])).content
    book = load_workbook(io.BytesIO(xlsx))
    cells = [
        c
        for row in book.active.iter_rows()
        for c in row
        if c.value in ("=SUMMA(A1:A9)", '=HYPERLINK("http://x")')
    ]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)
    text = client.post(reverse("enrolment-list-export", args=[insats.pk, "csv"])).content.decode()
    assert ";'=SUMMA(A1:A9)" in text and "'=HYPERLINK(" in text
    assert ";=" not in text


def test_every_insats_export_has_each_question_once_empty_elsewhere(
    client, registrator, insats, asked
):
    steget = make_insats(insats.forbund, "Steget")
    RoleAssignment.objects.create(user=registrator, role=Role.REGISTRATOR, insats=steget)
    same_text = make_question(steget, "yes_no", text=KORKORT)
    own = make_question(steget, "number", text="Timmar per vecka")
    _enrol(registrator, insats, 0, _answers(asked))
    _enrol(registrator, steget, 1, {same_text: True, own: Decimal("10")})
    client.force_login(registrator)
    response = client.post(reverse("all-enrolments-export", args=["xlsx"]), {"status": "all"})
    heading, rows = _table(response.content)
    avesta_korkort = f"{KORKORT} ({insats.name})"
    steget_korkort = f"{KORKORT} (Steget)"
    # By insats name, each insats's questions in order; one column per question.
    assert heading[-7:] == [
        avesta_korkort,
        BARN,
        STOD,
        MAL,
        HALSA,
        steget_korkort,
        "Timmar per vecka",
    ]
    by_insats = {r["Insats"]: r for r in rows}
    here, there = by_insats[insats.name], by_insats["Steget"]
    assert (here[avesta_korkort], here[steget_korkort], here["Timmar per vecka"]) == (
        "Ja",
        None,
        None,
    )
    assert (there[steget_korkort], there["Timmar per vecka"], there[avesta_korkort]) == (
        "Ja",
        "10",
        None,
    )
    assert there[BARN] is None and there[STOD] is None
    csv = client.post(reverse("all-enrolments-export", args=["csv"]), {"status": "all"})
    assert avesta_korkort in csv.content.decode()


@pytest.mark.parametrize("url_name", ["enrolment-list-export", "all-enrolments-export"])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    client, registrator, insats, asked, url_name
):
    args = [insats.pk, "csv"] if url_name == "enrolment-list-export" else ["csv"]
    url = reverse(url_name, args=args)
    client.force_login(registrator)
    _enrol(registrator, insats, 0, _answers(asked, 0))
    client.post(url)  # the session's first request

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.post(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(1, 6):
        _enrol(registrator, insats, n, _answers(asked, n))
    assert queries() == few
