"""Registerutdrag (GDPR art. 15): everything about one person in the requester's scope
plus who read it, as JSON and PDF, from a page (POST) and the CLI; each extract logged."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from samspar.access.models import AccessLog
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.dataprotection import extract
from samspar.dataprotection.personal_data import HOLDERS, Holder
from samspar.registry import services
from samspar.registry.models import Enrolment, FollowUp
from tests.factories import code, enrol, make_forbund, make_insats, make_pnr, make_user
from tests.pdf_text import pdf_text

URL = "/dataskydd/registerutdrag/"


@pytest.fixture
def world(db, forbund, insats, registrator):
    pnr = make_pnr(dt.date(1985, 6, 1), man=False)
    here = enrol(
        registrator, insats, personnummer_text=pnr, first_name="Lena", notes="Vill bli snickare"
    )
    services.end_enrolment(
        user=registrator,
        enrolment=here,
        end_date=dt.date(2022, 9, 30),
        end_reason=code(codes.EndReason, "studier"),
    )
    FollowUp.objects.create(enrolment=here, months_after=6, date=dt.date(2023, 3, 31))
    other_forbund = make_forbund("Sydnärkes samordningsförbund", county="18")
    elsewhere = make_insats(other_forbund, "Steget")
    other_coach = make_user("coach2", Role.REGISTRATOR, insats=elsewhere)
    enrol(other_coach, elsewhere, personnummer_text=pnr, first_name="Lena", notes="Hemligt B")
    client_reads = AccessLog.objects.count()
    return pnr, here, elsewhere, other_coach, client_reads


def _extract(client, user, pnr, fmt="json"):
    client.force_login(user)
    return client.post(URL, {"personnummer": pnr, "format": fmt})


def test_dpo_gets_everything_of_the_forbund_and_nothing_of_another(client, world, forbund):
    pnr, here, elsewhere, other_coach, _ = world
    client.force_login(other_coach)
    steget = Enrolment.objects.get(insats=elsewhere)
    client.get(reverse("enrolment-detail", args=[steget.pk]))  # her record in Steget
    dpo = make_user("dso", Role.DPO, forbund=forbund)
    response = _extract(client, dpo, pnr)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["person"]["personnummer"] == pnr
    [enrolment] = data["enrolments"]
    assert enrolment["insats"] == "Samverkansteam Avesta"
    values = {f["field"]: f["value"] for f in enrolment["fields"]}
    assert values["first_name"] == "Lena"
    assert values["notes"] == "Vill bli snickare"
    assert values["end_reason"] == str(code(codes.EndReason, "studier"))  # a label, not a code
    assert values["municipality"] == "Avesta"
    assert len(enrolment["follow_ups"]) == 1
    assert [h["event"] for h in enrolment["history"]][-1] in ("Registrerad", "Registered")
    assert len(enrolment["history"]) == 2
    text = response.content.decode()
    assert "Steget" not in text and "Hemligt B" not in text and "coach2" not in text
    # The extract is logged, and lists itself.
    logged = AccessLog.objects.filter(kind="extract").get()
    assert (logged.user, logged.insats, list(logged.persons.all())) == (
        dpo,
        here.insats,
        [here.person],
    )
    assert [a["what"] for a in data["access_log"]][-1] in ("Registerutdrag", "Register extract")


def test_registrar_gets_their_insatser_only(client, world, registrator):
    pnr, here, elsewhere, other_coach, _ = world
    data = json.loads(_extract(client, other_coach, pnr).content)
    assert [e["insats"] for e in data["enrolments"]] == ["Steget"]
    assert "Vill bli snickare" not in json.dumps(data, ensure_ascii=False)
    # When the person was first registered in the other förbund is not theirs to know.
    theirs = Enrolment.objects.get(insats=elsewhere)
    assert data["person"]["registered_at"] == theirs.created_at.isoformat(timespec="seconds")
    assert here.person.created_at < theirs.created_at


def test_a_registrar_extract_shows_no_access_log(client, world, forbund, registrator):
    """The attack: a registrar extracts a person to see whether the data protection
    officer has asked who read them. The access log is the officer's to tell."""
    pnr, *_ = world
    dpo = make_user("dso", Role.DPO, forbund=forbund)
    client.force_login(dpo)
    client.post(reverse("access-log"), {"personnummer": pnr})
    data = json.loads(_extract(client, registrator, pnr).content)
    assert data["access_log"] is None
    assert "dso" not in json.dumps(data)
    assert json.loads(_extract(client, dpo, pnr).content)["access_log"]


def test_others_get_404_and_unknown_numbers_a_form_error(client, world, forbund, manager):
    pnr, *_ = world
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    admin = make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund)
    for user in (board, admin, manager):
        assert _extract(client, user, pnr).status_code == 404
        assert client.get(URL).status_code == 404
    dpo = make_user("dso", Role.DPO, forbund=forbund)
    before = AccessLog.objects.count()
    for typed in [make_pnr(dt.date(1990, 1, 1), man=True), "nonsense", "", "1" * 5000]:
        response = _extract(client, dpo, typed)
        assert response.status_code == 200 and 'class="error"' in response.content.decode()
    response = client.post(URL, {"personnummer": pnr, "format": "docx"})
    assert 'class="error"' in response.content.decode()
    assert AccessLog.objects.count() == before


def test_pdf_holds_the_same(client, world, forbund):
    pnr, *_ = world
    dpo = make_user("dso", Role.DPO, forbund=forbund)
    response = _extract(client, dpo, pnr, "pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content))
    assert pnr in text and "Lena" in text and "snickare" in text and "Steget" not in text


def test_cli_extract_for_one_forbund_logged_as_the_operator(world, tmp_path, monkeypatch):
    pnr, here, *_ = world
    out = io.StringIO()
    call_command("registerutdrag", pnr, "--forbund", here.insats.forbund.name, stdout=out)
    data = json.loads(out.getvalue())
    assert [e["insats"] for e in data["enrolments"]] == ["Samverkansteam Avesta"]
    assert AccessLog.objects.filter(kind="extract", user=None).count() == 1
    monkeypatch.setattr("sys.stdin", io.StringIO(pnr + "\n"))
    target = tmp_path / "utdrag.pdf"
    call_command("registerutdrag", "-", "--format", "pdf", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")
    assert target.stat().st_mode & 0o777 == 0o600  # personal data: the owner's only
    assert "Steget" in " ".join(pdf_text(target.read_bytes()))
    with pytest.raises(CommandError):
        call_command("registerutdrag", "19000101-0000", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("registerutdrag", pnr, "--forbund", "Ingenstans", stdout=io.StringIO())


def test_a_new_personal_data_table_appears_in_the_extract(world, forbund, monkeypatch):
    """A table added to personal_data.HOLDERS (e.g. a name history) is in every extract,
    within the requester's scope, encrypted columns decrypted — without new extract code."""
    pnr, here, elsewhere, *_ = world
    FollowUp.objects.create(
        enrolment=Enrolment.objects.get(insats=elsewhere),
        months_after=3,
        date=dt.date(2024, 1, 31),
        notes="Utanför ansvarsområdet",
    )
    FollowUp.objects.filter(enrolment=here).update(notes="Inom ansvarsområdet")
    extra = (
        Holder("registry.FollowUp", person="enrolment__person_id", insats="enrolment__insats_id"),
        Holder("registry.Person", person="pk", encrypted=("pnr_encrypted",)),
    )
    monkeypatch.setattr(extract, "HOLDERS", (*HOLDERS, *extra))
    dpo = make_user("dso", Role.DPO, forbund=forbund)
    data = extract.register_extract(
        user=dpo, personnummer_text=pnr, insatser=extract.extract_insatser(dpo)
    )
    text = json.dumps(data["other"], ensure_ascii=False)
    assert "Inom ansvarsområdet" in text and "Utanför ansvarsområdet" not in text
    assert pnr.replace("-", "") in text  # the person table's ciphertext, decrypted


def test_import_error_lists_holding_the_number_are_in_the_extract(client, world, forbund):
    """An enrolment import's kept error list holds the file's values: an error whose
    value is the person's number is in the extract of the insatser in scope (with file,
    row, column and reason); another förbund's import is not; after the retention has
    removed the list, nothing is."""
    from samspar.imports.models import ImportRun, Status
    from samspar.imports.services import remove_expired_personal_data

    pnr, here, elsewhere, other_coach, _ = world
    written = pnr.replace("-", "")  # as the file had it
    other = make_pnr(dt.date(1986, 1, 2), man=True)

    def run(insats, user, values):
        r = ImportRun(insats=insats, user=user, kind="enrolments", file_name="deltagare.xlsx")
        r.errors = [
            {"row": row, "column": "Personnummer", "value": v, "reason": "Redan inskriven"}
            for row, v in values
        ]
        r.status = Status.FAILED
        r.save()
        return r

    mine = run(here.insats, here.created_by, [(4, written), (5, other), (6, "inte ett nr")])
    run(elsewhere, other_coach, [(9, pnr)])
    dpo = make_user("dso", Role.DPO, forbund=forbund)
    data = json.loads(_extract(client, dpo, pnr).content)
    assert [(e["file"], e["row"], e["column"], e["reason"]) for e in data["import_errors"]] == [
        ("deltagare.xlsx", 4, "Personnummer", "Redan inskriven")
    ]
    assert data["import_errors"][0]["insats"] == here.insats.name
    text = " ".join(pdf_text(_extract(client, dpo, pnr, fmt="pdf").content))
    assert "deltagare.xlsx" in text and "Redan inskriven" in text

    ImportRun.objects.filter(pk=mine.pk).update(written_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    remove_expired_personal_data()
    assert json.loads(_extract(client, dpo, pnr).content)["import_errors"] == []


def test_the_answers_to_the_forbunds_questions_are_in_the_extract(client, world, forbund):
    """Each enrolment's answers (question and answer as shown), their changes in its
    history, in JSON and PDF; another förbund's questions and answers are not."""
    from samspar.registry.question_services import save_answers
    from tests.factories import make_question

    pnr, here, elsewhere, other_coach, _ = world
    goal = make_question(here.insats, "text", text="Deltagarens eget mål")
    support = make_question(
        here.insats, "choices", text="Vilka stöd behövs?", choices=("Boende", "Ekonomi")
    )
    make_question(here.insats, "number", text="Antal barn")  # not answered
    boende, ekonomi = support.choices.all()
    save_answers(user=here.created_by, enrolment=here, answers={goal: "Bli snickare"})
    save_answers(
        user=here.created_by,
        enrolment=here,
        answers={goal: "Bli möbelsnickare", support: [boende, ekonomi]},
    )
    theirs = make_question(elsewhere, "text", text="Hemlig fråga")
    save_answers(
        user=other_coach,
        enrolment=Enrolment.objects.get(insats=elsewhere),
        answers={theirs: "Hemligt svar"},
    )
    dpo = make_user("dso", Role.DPO, forbund=forbund)
    data = json.loads(_extract(client, dpo, pnr).content)
    [enrolment] = data["enrolments"]
    assert enrolment["answers"] == [
        {"question": "Deltagarens eget mål", "answer": "Bli möbelsnickare"},
        {"question": "Vilka stöd behövs?", "answer": "Boende, Ekonomi"},
    ]
    changes = [c for h in enrolment["history"] for c in h["changes"]]
    assert {"label": "Deltagarens eget mål", "old": "Bli snickare", "new": "Bli möbelsnickare"} in (
        changes
    )
    text = json.dumps(data, ensure_ascii=False)
    assert "Hemlig fråga" not in text and "Hemligt svar" not in text
    pdf = " ".join(pdf_text(_extract(client, dpo, pnr, fmt="pdf").content))
    assert "Förbundets egna frågor" in pdf
    assert "Deltagarens eget mål" in pdf and "Bli möbelsnickare" in pdf
    assert "Boende, Ekonomi" in pdf and "Hemligt svar" not in pdf
