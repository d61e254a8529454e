"""The förbund's own questions in the enrolment import (docs/import.md, docs/questions.md):
the template has a column per question of the insats, a file's answers are parsed by the
question's kind and imported with the enrolments (in bulk, with their history), and a
file with one bad answer imports nothing and names every bad row's line, column and
reason."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from samspar.codelists import models as codes
from samspar.core import personnummer
from samspar.imports import services
from samspar.imports.kinds import KINDS
from samspar.imports.models import Status
from samspar.imports.template import OPTIONS_SHEET, build
from samspar.registry import bulk, question_selectors
from samspar.registry import services as registry
from samspar.registry.models import Answer, Enrolment, Question
from tests.factories import code, enrol, make_insats, make_pnr, make_question
from tests.test_import_enrolments import MAN, OTHER, WOMAN, _check, _full_row, _write

pytestmark = pytest.mark.django_db

KORKORT = "Har deltagaren körkort?"
BARN = "Antal barn"
HALSA = "Datum för hälsosamtal"
VAG = "Hur kom deltagaren till insatsen?"
STOD = "Vilka stöd behövs?"
MAL = "Deltagarens eget mål"
ARBETE = "Fick deltagaren arbete genom insatsen?"


@pytest.fixture
def asked(insats) -> dict[str, Question]:
    """A question of every kind asked at the start from 2020, and one asked at the end
    of those who end in 2021–2022."""
    start = dt.date(2020, 1, 1)
    return {
        KORKORT: make_question(insats, "yes_no", text=KORKORT, valid_from=start),
        BARN: make_question(insats, "number", text=BARN, valid_from=start),
        HALSA: make_question(insats, "date", text=HALSA, valid_from=start),
        VAG: make_question(
            insats, "choice", text=VAG, choices=("Själv", "Via handläggare", "Vet ej")
        ),
        STOD: make_question(insats, "choices", text=STOD, choices=("Boende", "Ekonomi", "Hälsa")),
        MAL: make_question(insats, "text", text=MAL, valid_from=start),
        ARBETE: make_question(
            insats,
            "yes_no",
            text=ARBETE,
            moment="end",
            valid_from=dt.date(2021, 1, 1),
            valid_until=dt.date(2022, 12, 31),
        ),
    }


def _file(insats, rows: list[dict[str, Any]], extra: tuple[str, ...] = ()) -> bytes:
    """The insats's template filled in with openpyxl (``extra``: more headings)."""
    book = load_workbook(io.BytesIO(build(KINDS["enrolments"], insats)))
    sheet = book["Deltagare"]
    headings = [c.value for c in sheet[1]]
    for i, heading in enumerate(extra, start=len(headings) + 1):
        sheet.cell(row=1, column=i, value=heading)
    headings += list(extra)
    for values in rows:
        sheet.append([values.get(h) for h in headings])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _answered(**answers: Any) -> dict[str, Any]:
    """Anna's full (ended) row with answers to the questions."""
    return _full_row(
        **{
            KORKORT: "Ja",
            BARN: "2,5",
            HALSA: "2021-03-04",
            VAG: "  via HANDLÄGGARE ",
            STOD: "boende ; Hälsa",
            MAL: "Bli snickare",
            ARBETE: "nej",
            **answers,
        }
    )


def _shown(enrolment: Enrolment) -> dict[str, str]:
    answers = question_selectors.answers_of(enrolment)
    return {
        q.text: question_selectors.shown(q, answers.get(q.pk))
        for q in question_selectors.of_insats(enrolment.insats)
        if q.pk in answers
    }


# --- the template -----------------------------------------------------------------------


def test_the_template_has_a_column_per_question_with_what_it_takes(insats, asked):
    book = load_workbook(io.BytesIO(build(KINDS["enrolments"], insats)))
    sheet = book["Deltagare"]
    headings = [c.value for c in sheet[1]]
    own = [c.heading for c in KINDS["enrolments"].columns]
    # Start questions first, then end questions, each in the förbund's order.
    assert headings == [*own, KORKORT, BARN, HALSA, VAG, STOD, MAL, ARBETE]
    notes = {c.value: c.comment.text for c in sheet[1] if c.comment}
    assert "Ja eller Nej" in notes[KORKORT]
    assert "decimalkomma" in notes[BARN]
    assert "ÅÅÅÅ-MM-DD" in notes[HALSA]
    assert "Själv; Via handläggare; Vet ej" in notes[VAG]
    assert "semikolon" in notes[STOD] and "Boende; Ekonomi; Hälsa" in notes[STOD]
    assert "slutdatum" in notes[ARBETE] and "2021-01-01 – 2022-12-31" in notes[ARBETE]
    readme = " ".join(str(c.value) for row in book["Läs mig"].iter_rows() for c in row if c.value)
    assert "Förbundets egna frågor" in readme and KORKORT in readme
    # The one-choice question has a drop-down of its choices.
    choices = book[OPTIONS_SHEET]
    assert [c.value for c in choices["A"]] == [VAG, "Själv", "Via handläggare", "Vet ej"]
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert f"'{OPTIONS_SHEET}'!$A$2:$A$4" in formulas


def test_without_an_insats_or_questions_the_template_is_as_before(insats):
    headings = [c.heading for c in KINDS["enrolments"].columns]
    for made in (build(KINDS["enrolments"]), build(KINDS["enrolments"], insats)):
        book = load_workbook(io.BytesIO(made))
        assert [c.value for c in book["Deltagare"][1]] == headings
        assert OPTIONS_SHEET not in book.sheetnames


def test_a_question_whose_text_looks_like_a_formula_stays_text(insats):
    make_question(insats, "text", text="=SUMMA(A1)")
    book = load_workbook(io.BytesIO(build(KINDS["enrolments"], insats)))
    cell = book["Deltagare"].cell(row=1, column=len(KINDS["enrolments"].columns) + 1)
    assert cell.value == "=SUMMA(A1)" and cell.data_type == "s"


# --- a good file ------------------------------------------------------------------------


def test_a_good_file_imports_the_answers_with_their_history(registrator, insats, asked):
    rows = [
        _answered(),
        _full_row(
            Personnummer=MAN,
            Förnamn="Erik",
            Slutdatum=None,
            Avslutsanledning=None,
            **{
                "Försörjning efter": None,
                "Sysselsättning efter": None,
                "Omfattning efter (%)": None,
                "Studerar efter": None,
                "Arbete/studier påbörjat eller utökat": None,
                KORKORT: "nej",
                VAG: "Vet ej",  # a choice, not the word for "unknown"
                STOD: "Ekonomi",
                BARN: "-",  # unknown: not answered
            },
        ),
    ]
    run = _check(registrator, insats, _file(insats, rows, extra=("Handläggare",)))
    assert run.status == Status.CHECKED and run.errors == [], run.errors
    assert (run.rows, run.to_create) == (2, 2)
    assert run.unknown["headings"] == ["Handläggare"]  # offered for mapping, else ignored
    assert not Answer.objects.exists()  # the dry run wrote nothing
    run = _write(registrator, run)
    assert run.status == Status.DONE, run.errors

    anna = Enrolment.objects.get(first_name="Anna")
    assert _shown(anna) == {
        KORKORT: "Ja",
        BARN: "2,5",
        HALSA: "2021-03-04",
        VAG: "Via handläggare",
        STOD: "Boende, Hälsa",
        MAL: "Bli snickare",
        ARBETE: "Nej",
    }
    assert Answer.objects.get(enrolment=anna, question=asked[BARN]).number == Decimal("2.5")
    erik = Enrolment.objects.get(first_name="Erik")
    assert _shown(erik) == {KORKORT: "Nej", VAG: "Vet ej", STOD: "Ekonomi"}
    # Each answer has one history record by the importing user, with its choices.
    for answer in Answer.objects.all():
        [record] = answer.history.all()
        assert (record.history_type, record.history_user) == ("~", registrator)
        assert {c.questionchoice_id for c in record.choices.all()} == {
            c.pk for c in answer.choices.all()
        }


def test_reimporting_skips_changes_and_leaves_questions_the_file_lacks(registrator, insats, asked):
    data = _file(insats, [_answered()])
    _write(registrator, _check(registrator, insats, data))
    anna = Enrolment.objects.get()
    run = _check(registrator, insats, data)
    assert (run.to_create, run.to_update, run.to_skip) == (0, 0, 1)

    changed = _answered(**{VAG: "Själv", MAL: None})
    run = _write(registrator, _check(registrator, insats, _file(insats, [changed])))
    assert run.status == Status.DONE and run.to_update == 1
    shown = _shown(anna)
    assert shown[VAG] == "Själv" and MAL not in shown  # an empty cell: not answered
    # Only the changed answers are saved again: an unchanged one has no new record.
    assert Answer.objects.get(enrolment=anna, question=asked[KORKORT]).history.count() == 1
    assert Answer.objects.get(enrolment=anna, question=asked[VAG]).history.count() == 2
    assert Answer.history.filter(question_id=asked[MAL].pk, history_type="-").count() == 1

    # A file without the questions' columns (an older template) leaves the answers.
    before = _shown(anna)
    plain = {k: v for k, v in changed.items() if k not in asked}
    plain["Anteckningar"] = "Ändrad"
    run = _write(registrator, _check(registrator, insats, _plain_file([plain])))
    assert run.status == Status.DONE and run.to_update == 1
    anna.refresh_from_db()
    assert anna.notes == "Ändrad" and _shown(anna) == before


# --- a bad file -------------------------------------------------------------------------


def test_a_file_with_bad_answers_imports_nothing_and_names_every_bad_row(
    registrator, insats, asked
):
    rows = [
        _answered(),  # row 2: good
        _answered(Personnummer=MAN, Förnamn="Erik", **{VAG: "Buss"}),  # 3: unknown choice
        _answered(Personnummer=OTHER, Förnamn="Olle", **{BARN: "två"}),  # 4: not a number
        _answered(  # 5: the start question is asked from 2020 on; Lisa started in 2019
            Personnummer=make_pnr(dt.date(1980, 5, 5), man=False),
            Förnamn="Lisa",
            Startdatum="2019-02-01",
            Aktualiseringsdatum="2019-01-15",
            Samtyckesdatum="2019-02-01",
            Slutdatum="2019-12-01",
        ),
        _answered(  # 6: an end question without an end date
            Personnummer=make_pnr(dt.date(1981, 5, 5), man=True),
            Förnamn="Nils",
            Slutdatum=None,
            Avslutsanledning=None,
            **{
                "Försörjning efter": None,
                "Sysselsättning efter": None,
                "Omfattning efter (%)": None,
                "Studerar efter": None,
                "Arbete/studier påbörjat eller utökat": None,
            },
        ),
        _answered(  # 7: several choices, one of them unknown; not Ja or Nej
            Personnummer=make_pnr(dt.date(1982, 5, 5), man=True),
            Förnamn="Per",
            **{STOD: "Boende; Bil", KORKORT: "kanske"},
        ),
    ]
    run = _check(registrator, insats, _file(insats, rows))
    assert run.status == Status.CHECKED
    got = {(e["row"], e["column"], e["value"]): e["reason"] for e in run.errors}
    assert set(got) == {
        (3, VAG, "Buss"),
        (4, BARN, "två"),
        (5, KORKORT, "Ja"),
        (5, BARN, "2,5"),
        (5, HALSA, "2021-03-04"),
        (5, MAL, "Bli snickare"),
        (5, ARBETE, "nej"),
        (6, ARBETE, "nej"),
        (7, STOD, "Boende; Bil"),
        (7, KORKORT, "kanske"),
    }
    assert got[3, VAG, "Buss"] == (
        "Inte ett av frågans val; skriv ett av: Själv; Via handläggare; Vet ej."
    )
    assert got[4, BARN, "två"] == "Inget tal."
    assert got[5, KORKORT, "Ja"] == (
        "Frågan ställs till deltagare som börjar 2020-01-01 eller senare."
    )
    # Lisa ended in 2019: the end question is asked of those who end in 2021–2022.
    assert got[5, ARBETE, "nej"] == got[6, ARBETE, "nej"]
    assert "2021-01-01 – 2022-12-31" in got[6, ARBETE, "nej"]
    assert "Boende; Ekonomi; Hälsa" in got[7, STOD, "Boende; Bil"]
    assert got[7, KORKORT, "kanske"] == "Skriv Ja eller Nej."
    assert run.error_count == len(got)
    with pytest.raises(ValidationError):
        services.confirm_import(user=registrator, run=run, queue=False)
    assert not Enrolment.objects.exists() and not Answer.objects.exists()


def test_the_cli_reports_bad_answers_with_line_column_and_reason(
    registrator, insats, asked, tmp_path
):
    from django.core.management import CommandError, call_command

    path = tmp_path / "deltagare.xlsx"
    path.write_bytes(_file(insats, [_answered(), _answered(Personnummer=MAN, **{BARN: "x"})]))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(path), "--insats", str(insats.pk), "--user", "coach", stdout=out)
    assert f"Rad 3, {BARN}, ”x”: Inget tal." in out.getvalue()
    assert not Enrolment.objects.exists()


def _plain_file(rows: list[dict[str, Any]]) -> bytes:
    """The template without an insats: no question columns (as an older file)."""
    book = load_workbook(io.BytesIO(build(KINDS["enrolments"])))
    sheet = book["Deltagare"]
    for row in rows:
        sheet.append([row.get(c.value) for c in sheet[1]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_changed_end_date_may_not_leave_a_stored_answer_outside(registrator, insats, asked):
    """A re-import without the questions' columns leaves the answers as they are; one
    that moves the end date out of an answered end question's period is refused in the
    dry run, under the question's heading, as the registry refuses it."""
    anna = enrol(
        registrator,
        insats,
        personnummer_text=WOMAN,
        start_date=dt.date(2021, 2, 1),
        consent_date=dt.date(2021, 2, 1),
        education_level=code(codes.EducationLevel, "gymnasial"),
        answers={asked[KORKORT]: True},
    )
    registry.end_enrolment(
        user=registrator,
        enrolment=anna,
        end_date=dt.date(2022, 1, 10),
        end_reason=code(codes.EndReason, "arbete"),
        answers={asked[ARBETE]: True},
    )
    row = {
        "Personnummer": WOMAN,
        "Startdatum": "2021-02-01",
        "Samtyckesdatum": "2021-02-01",
        "Utbildningsnivå": "Gymnasial",
        "Slutdatum": "2022-01-10",
        "Avslutsanledning": "Arbete (osubventionerat)",
    }
    run = _check(registrator, insats, _plain_file([row]))
    assert run.errors == [], run.errors
    run = _check(registrator, insats, _plain_file([{**row, "Slutdatum": "2023-01-15"}]))
    assert [(e["row"], e["column"]) for e in run.errors] == [(2, ARBETE)]
    assert "2021-01-01 – 2022-12-31" in run.errors[0]["reason"]
    assert _shown(anna) == {KORKORT: "Ja", ARBETE: "Ja"}


# --- the bulk write ---------------------------------------------------------------------


def _answers_snapshot(insats) -> list[tuple[Any, ...]]:
    """Every answer of the insats, its choices, its history and their choices."""
    history: Any = Answer.history.model
    out = []
    for answer in Answer.objects.filter(enrolment__insats=insats).order_by("pk"):
        records = [
            (
                r.history_type,
                r.history_user_id,
                r.question_id,
                r.enrolment_id == answer.enrolment_id,
                r.text,
                r.number,
                r.yes,
                r.date,
                sorted(c.questionchoice_id for c in r.choices.all()),
                all(c.answer_id == answer.pk for c in r.choices.all()),
            )
            for r in history.objects.filter(id=answer.pk).order_by("history_id")
        ]
        out.append(
            (
                answer.enrolment.person.pnr_hash,
                answer.question_id,
                answer.text,
                answer.number,
                answer.yes,
                answer.date,
                sorted(c.pk for c in answer.choices.all()),
                records,
            )
        )
    return out


def test_bulk_writes_the_answers_the_services_write(registrator, insats, asked):
    stod = {c.label: c for c in asked[STOD].choices.all()}
    vag = {c.label: c for c in asked[VAG].choices.all()}
    today = dt.date(2024, 6, 1)
    rows = [
        bulk.NewEnrolment(
            personnummer=personnummer.parse(pnr, today=today),
            fields={
                "start_date": dt.date(2021, 2, 1),
                "consent_date": dt.date(2021, 2, 1),
                "education_level": code(codes.EducationLevel, "gymnasial"),
                **(
                    {
                        "end_date": dt.date(2022, 1, 10),
                        "end_reason": code(codes.EndReason, "arbete"),
                    }
                    if ended
                    else {}
                ),
            },
            answers={
                asked[KORKORT]: True,
                asked[BARN]: Decimal("3"),
                asked[HALSA]: dt.date(2021, 3, 1),
                asked[VAG]: vag["Själv"],
                asked[STOD]: [stod["Boende"], stod["Hälsa"]],
                asked[MAL]: "Ett mål",
                asked[ARBETE]: True if ended else None,
            },
        )
        for pnr, ended in ((WOMAN, True), (MAN, False))
    ]
    sid = transaction.savepoint()
    for row in rows:
        registry.register_enrolment(
            user=registrator,
            insats=insats,
            personnummer_text=row.personnummer.canonical,
            supply_before=(),
            answers=row.answers,
            **row.fields,
        )
    expected = _answers_snapshot(insats)
    transaction.savepoint_rollback(sid)

    bulk.register_enrolments_bulk(user=registrator, insats=insats, rows=rows)
    got = _answers_snapshot(insats)
    assert got == expected
    assert len(got) == 13 and all(len(a[-1]) == 1 for a in got)


def test_bulk_refuses_an_answer_the_services_refuse(registrator, insats, asked):
    other = make_insats(insats.forbund, "Annan insats")
    elsewhere = make_question(other, "yes_no", text="Annan fråga")
    row = bulk.NewEnrolment(
        personnummer=personnummer.parse(WOMAN, today=dt.date(2024, 6, 1)),
        fields={
            "start_date": dt.date(2021, 2, 1),
            "consent_date": dt.date(2021, 2, 1),
            "education_level": code(codes.EducationLevel, "gymnasial"),
        },
        answers={asked[ARBETE]: True, asked[BARN]: "tre"},
    )
    with pytest.raises(bulk.RowRefused) as refused:
        bulk.register_enrolments_bulk(user=registrator, insats=insats, rows=[row])
    assert refused.value.index == 0
    assert set(refused.value.message_dict) == {
        f"question_{asked[ARBETE].pk}",
        f"question_{asked[BARN].pk}",
    }
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        bulk.register_enrolments_bulk(
            user=registrator,
            insats=insats,
            rows=[bulk.NewEnrolment(row.personnummer, row.fields, answers={elsewhere: True})],
        )
    assert not Enrolment.objects.exists() and not Answer.objects.exists()
