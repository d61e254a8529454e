"""The förbund's own questions on the pages (issue 12, #2): registering, editing and
ending an enrolment with its answers, an answer refused at its own field with every
typed value kept, and the answers in the participant's record and its change history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from samspar.access.models import AccessLog
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.registry import services as registry
from samspar.registry.models import Answer, Enrolment, Question
from samspar.registry.question_services import field_name
from tests.factories import (
    code,
    enrol,
    make_forbund,
    make_insats,
    make_pnr,
    make_question,
    make_user,
)

# --- Reading a page's form as a browser would ----------------------------------------


class _FormReader(HTMLParser):
    """The page's own form (the first POST form to the page itself, not the header's
    log-out or language forms): what submitting it unchanged sends (``values``), its
    legends, and the errors shown in each field's box, by the names of its controls."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self.errors: dict[str, list[str]] = {}
        self.legends: list[str] = []
        self._in_form = self._read = False
        self._depth = 0  # of <div> within the form
        self._box: tuple[int, list[str], list[str]] | None = None  # depth, names, errors
        self._select: tuple[str, bool, list[str], str | None] | None = None
        self._option: str | None = None
        self._text: list[str] | None = None  # the text of a textarea, error or legend
        self._text_of: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method") == "post" and "action" not in a and not self._read:
            self._in_form = self._read = True
        if not self._in_form:
            return
        if tag == "div":
            self._depth += 1
            if "field" in a.get("class", "").split() and self._box is None:
                self._box = (self._depth, [], [])
        name = a.get("name", "")
        if name and self._box is not None:
            self._box[1].append(name)
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.setdefault(name, []).append(a.get("value", "on"))
                else:
                    self.values.setdefault(name, [])
            else:
                self.values.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea":
            self._text, self._text_of = [], ("textarea", name)
        elif tag == "select":
            self._select = (name, "multiple" in a, [], None)
        elif tag == "option" and self._select is not None:
            name_, multiple, chosen, first = self._select
            value = a.get("value", "")
            if first is None:
                self._select = (name_, multiple, chosen, value)
            if "selected" in a:
                chosen.append(value)
        elif tag == "p" and "error" in a.get("class", "").split() and self._box is not None:
            self._text, self._text_of = [], ("error", "")
        elif tag == "legend":
            self._text, self._text_of = [], ("legend", "")

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self._in_form:
            return
        if tag == "form":
            self._in_form = False
        elif tag == "div":
            if self._box is not None and self._box[0] == self._depth:
                for name in self._box[1]:
                    if self._box[2]:
                        self.errors[name] = self._box[2]
                self._box = None
            self._depth -= 1
        elif tag in ("textarea", "p", "legend") and self._text is not None:
            text = "".join(self._text)
            kind, name = self._text_of or ("", "")
            if kind == "textarea":
                self.values[name] = [text.removeprefix("\n")]
            elif kind == "error" and self._box is not None:
                self._box[2].append(text.strip())
            elif kind == "legend":
                self.legends.append(text.strip())
            self._text = self._text_of = None
        elif tag == "select" and self._select is not None:
            name, multiple, chosen, first = self._select
            self.values[name] = chosen if chosen or multiple else [first or ""]
            self._select = None


def read_form(response) -> _FormReader:
    assert response.status_code == 200, response.status_code
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader


def html(response) -> str:
    return response.content.decode()


# --- The world ---------------------------------------------------------------------------


@pytest.fixture
def world(db):
    forbund = make_forbund()
    insats = make_insats(forbund)
    coach = make_user("coach", Role.REGISTRATOR, insats=insats)
    q = {
        "text": make_question(insats, "text", text="Hur kom deltagaren till insatsen?"),
        "number": make_question(insats, "number", text="Antal år i Sverige"),
        "yes_no": make_question(insats, "yes_no", text="Har deltagaren körkort?"),
        "unanswered": make_question(insats, "yes_no", text="Har deltagaren barn?"),
        "choice": make_question(
            insats, "choice", text="Boende", choices=("Egen bostad", "Hos föräldrar", "Annat")
        ),
        "choices": make_question(
            insats, "choices", text="Transport", choices=("Bil", "Buss", "Cykel")
        ),
        "date": make_question(insats, "date", text="Första kontakt"),
        "end": make_question(insats, "yes_no", text="Fick deltagaren ett jobb?", moment="end"),
    }
    other = make_insats(forbund, "Unga vuxna")
    foreign = make_question(other, "text", text="Främmande fråga i en annan insats")
    client = Client(headers={"accept-language": "en"})
    client.force_login(coach)
    return insats, coach, q, foreign, client


def choice(question: Question, label: str):
    return question.choices.get(label=label)


def registration(q: dict[str, Question], **answers: object) -> dict[str, object]:
    """A valid POST of the registration page, with ``answers`` by the keys of ``q``."""
    data: dict[str, object] = {
        "personnummer": make_pnr(dt.date(1990, 3, 14), man=True),
        "first_name": "Erik",
        "last_name": "Andersson",
        "start_date": "2022-03-01",
        "referral_date": "2022-02-15",
        "consent_date": "2022-03-01",
        "municipality": "2084",
        "residence_kind": "folkbokford",
        "referring_actor": code(codes.ReferringActor, "region-psykiatri").pk,
        "supply_before": [code(codes.SupplyType, "forsorjningsstod").pk],
        "years_in_public_support": "4",
        "education_level": code(codes.EducationLevel, "gymnasial").pk,
        "occupation_before": code(codes.OccupationType, "ingen").pk,
        "occupation_before_percent": "0",
        "notes": "",
    }
    for key, value in answers.items():
        data[field_name(q[key])] = value
    return data


def every_kind(q: dict[str, Question]) -> dict[str, object]:
    return {
        "text": "Via vårdcentralen",
        "number": "3,5",
        "yes_no": "no",
        "unanswered": "",
        "choice": choice(q["choice"], "Hos föräldrar").pk,
        "choices": [choice(q["choices"], "Bil").pk, choice(q["choices"], "Cykel").pk],
        "date": "2022-02-20",
    }


def stored(enrolment: Enrolment) -> dict[str, object]:
    """The enrolment's answers by question text, as their values."""
    values: dict[str, object] = {}
    for a in Answer.objects.filter(enrolment=enrolment).select_related("question"):
        kind = a.question.kind
        values[a.question.text] = {
            "text": a.text,
            "number": a.number,
            "yes_no": a.yes,
            "date": a.date,
        }.get(kind, sorted(c.label for c in a.choices.all()))
    return values


# --- Registration ------------------------------------------------------------------------


def test_the_registration_page_asks_the_start_questions_of_its_own_insats(world):
    insats, _coach, q, foreign, client = world
    page = client.get(reverse("enrolment-create", args=[insats.pk]))
    form = read_form(page)
    assert "The förbund's questions" in form.legends
    for key in ("text", "number", "yes_no", "unanswered", "choice", "choices", "date"):
        assert field_name(q[key]) in form.values, key
        assert q[key].text in html(page)
    assert field_name(q["end"]) not in form.values
    assert field_name(foreign) not in form.values
    assert foreign.text not in html(page)
    # Yes/no is a list whose first option is "not answered", not a checkbox.
    assert form.values[field_name(q["yes_no"])] == [""]
    assert '<option value="no">No</option>' in html(page)


def test_registering_with_an_answer_of_every_kind_stores_them(world):
    insats, _coach, q, _foreign, client = world
    url = reverse("enrolment-create", args=[insats.pk])
    response = client.post(url, registration(q, **every_kind(q)))
    assert response.status_code == 302, read_form(response).errors
    enrolment = Enrolment.objects.get()
    assert stored(enrolment) == {
        "Hur kom deltagaren till insatsen?": "Via vårdcentralen",
        "Antal år i Sverige": Decimal("3.5"),
        "Har deltagaren körkort?": False,  # "no" is an answer; "not answered" has no row
        "Boende": ["Hos föräldrar"],
        "Transport": ["Bil", "Cykel"],
        "Första kontakt": dt.date(2022, 2, 20),
    }


def test_an_answer_outside_the_questions_period_is_refused_at_its_field_and_all_is_kept(
    world,
):
    insats, _coach, q, _foreign, client = world
    # Asked of participants who start in 2023 or later: shown today, but the
    # registration starts 2022-03-01.
    late = make_question(insats, "text", text="Ny fråga från 2023", valid_from=dt.date(2023, 1, 1))
    typed = every_kind(q)
    data = registration(q, **typed)
    data[field_name(late)] = "Ett svar"
    response = client.post(reverse("enrolment-create", args=[insats.pk]), data)
    form = read_form(response)
    assert form.errors == {
        field_name(late): [
            "The question is asked of participants who start on 2023-01-01 or later."
        ]
    }
    assert form.values[field_name(late)] == ["Ett svar"]
    for key, value in typed.items():
        sent = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        assert form.values[field_name(q[key])] == sent, key
    assert form.values["first_name"] == ["Erik"]
    assert form.values["start_date"] == ["2022-03-01"]
    assert not Enrolment.objects.exists()
    assert not Answer.objects.exists()


def test_a_number_that_is_not_one_is_refused_at_its_field(world):
    insats, _coach, q, _foreign, client = world
    data = registration(q, number="tre", text="Kvar")
    form = read_form(client.post(reverse("enrolment-create", args=[insats.pk]), data))
    assert list(form.errors) == [field_name(q["number"])]
    assert form.values[field_name(q["number"])] == ["tre"]
    assert form.values[field_name(q["text"])] == ["Kvar"]
    assert not Enrolment.objects.exists()


def test_a_question_of_another_insats_cannot_be_answered_through_the_page(world):
    insats, _coach, q, foreign, client = world
    data = registration(q, text="Svar")
    data[field_name(foreign)] = "Smugglat svar"
    response = client.post(reverse("enrolment-create", args=[insats.pk]), data)
    assert response.status_code == 302
    assert stored(Enrolment.objects.get()) == {"Hur kom deltagaren till insatsen?": "Svar"}


# --- End and edit -----------------------------------------------------------------------


def test_the_end_form_asks_the_end_questions_and_saves_them(world):
    insats, coach, q, foreign, client = world
    enrolment = enrol(coach, insats, answers={q["text"]: "Vid start"})
    url = reverse("enrolment-end", args=[enrolment.pk])
    form = read_form(client.get(url))
    assert field_name(q["end"]) in form.values
    assert "The förbund's questions" in form.legends
    for key in ("text", "number", "yes_no", "choice", "choices", "date"):
        assert field_name(q[key]) not in form.values, key
    assert field_name(foreign) not in form.values
    data = form.values | {
        "end_date": ["2023-01-31"],
        "end_reason": [str(code(codes.EndReason, "arbete").pk)],
        "works_after": ["on"],
        field_name(q["end"]): ["yes"],
    }
    response = client.post(url, data)
    assert response.status_code == 302, read_form(response).errors
    enrolment.refresh_from_db()
    assert enrolment.end_date == dt.date(2023, 1, 31)
    assert stored(enrolment) == {
        "Hur kom deltagaren till insatsen?": "Vid start",  # untouched by the end form
        "Fick deltagaren ett jobb?": True,
    }


def _registered(coach, insats, q) -> Enrolment:
    return enrol(
        coach,
        insats,
        answers={
            q["text"]: "Via vårdcentralen",
            q["number"]: Decimal("3.5"),
            q["yes_no"]: True,
            q["choice"]: choice(q["choice"], "Annat"),
            q["choices"]: [choice(q["choices"], "Buss")],
            q["date"]: dt.date(2022, 2, 20),
        },
    )


def test_the_edit_form_shows_the_stored_answers_and_clearing_one_removes_it(world):
    insats, coach, q, foreign, _client = world
    enrolment = _registered(coach, insats, q)
    client = Client()  # Swedish, the default: the number with a decimal comma
    client.force_login(coach)
    url = reverse("enrolment-edit", args=[enrolment.pk])
    form = read_form(client.get(url))
    assert "Förbundets frågor" in form.legends
    shown = {key: form.values[field_name(q[key])] for key in every_kind(q)}
    assert shown == {
        "text": ["Via vårdcentralen"],
        "number": ["3,5"],
        "yes_no": ["yes"],
        "unanswered": [""],
        "choice": [str(choice(q["choice"], "Annat").pk)],
        "choices": [str(choice(q["choices"], "Buss").pk)],
        "date": ["2022-02-20"],
    }
    assert field_name(q["end"]) not in form.values  # not ended: no end questions
    assert field_name(foreign) not in form.values
    # Sent back unchanged but for the text, cleared, and the choices, one more.
    data = form.values | {
        field_name(q["text"]): [""],
        field_name(q["choices"]): [
            str(choice(q["choices"], "Buss").pk),
            str(choice(q["choices"], "Cykel").pk),
        ],
    }
    response = client.post(url, data)
    assert response.status_code == 302, read_form(response).errors
    assert stored(enrolment) == {
        "Antal år i Sverige": Decimal("3.5"),
        "Har deltagaren körkort?": True,
        "Boende": ["Annat"],
        "Transport": ["Buss", "Cykel"],
        "Första kontakt": dt.date(2022, 2, 20),
    }


def test_the_edit_form_of_an_ended_enrolment_asks_start_and_end_questions(world):
    insats, coach, q, _foreign, client = world
    enrolment = _registered(coach, insats, q)
    registry.end_enrolment(
        user=coach,
        enrolment=enrolment,
        end_date=dt.date(2023, 1, 31),
        end_reason=code(codes.EndReason, "arbete"),
        works_after=True,
        answers={q["end"]: False},
    )
    url = reverse("enrolment-edit", args=[enrolment.pk])
    form = read_form(client.get(url))
    assert form.values[field_name(q["end"])] == ["no"]
    assert form.values[field_name(q["yes_no"])] == ["yes"]
    response = client.post(url, form.values | {field_name(q["end"]): [""]})
    assert response.status_code == 302, read_form(response).errors
    assert "Fick deltagaren ett jobb?" not in stored(enrolment)
    assert stored(enrolment)["Har deltagaren körkort?"] is True


# --- The record and its history ---------------------------------------------------------


def test_the_record_shows_the_answers_and_their_changes(world):
    insats, coach, q, foreign, client = world
    # Asked only of those who started before 2020: not asked of this enrolment.
    make_question(insats, "text", text="Gammal fråga", valid_until=dt.date(2019, 12, 31))
    enrolment = _registered(coach, insats, q)
    registry.update_registration(
        user=coach,
        enrolment=enrolment,
        first_name="Erik",
        last_name="Andersson",
        version=enrolment.version,
        answers={
            q["yes_no"]: False,
            q["number"]: Decimal("3.5"),  # saved again unchanged: no change
            q["text"]: "",
            q["choices"]: [choice(q["choices"], "Buss"), choice(q["choices"], "Bil")],
        },
    )
    logged = AccessLog.objects.count()
    page = html(client.get(reverse("enrolment-detail", args=[enrolment.pk])))
    assert AccessLog.objects.count() == logged + 1  # the one read of the record
    record = page.split('id="questions"')[1].split("</section>")[0]
    assert "<dt>Har deltagaren körkort?</dt><dd>No</dd>" in record
    assert "<dt>Antal år i Sverige</dt><dd>3.5</dd>" in record
    assert "<dt>Transport</dt><dd>Bil, Buss</dd>" in record
    assert "<dt>Boende</dt><dd>Annat</dd>" in record
    assert "<dt>Första kontakt</dt><dd>2022-02-20</dd>" in record
    not_answered = '<span class="empty">Not answered</span>'
    assert f"<dt>Hur kom deltagaren till insatsen?</dt><dd>{not_answered}</dd>" in record
    assert f"<dt>Har deltagaren barn?</dt><dd>{not_answered}</dd>" in record
    assert "Gammal fråga" not in page
    assert "Fick deltagaren ett jobb?" not in record  # an end question; not ended
    assert foreign.text not in page

    history = page.split('class="card history"')[1]
    entries = history.split("<article>")[1:]
    assert len(entries) == 2
    changed, registered = entries
    arrow = '<td aria-hidden="true">→</td>'

    def row(label: str, old: str, new: str) -> str:
        return f"<tr><td>{label}</td><td><del>{old}</del></td>{arrow}<td><ins>{new}</ins></td></tr>"

    assert "coach" in changed
    assert row("Har deltagaren körkort?", "Yes", "No") in changed
    assert row("Hur kom deltagaren till insatsen?", "Via vårdcentralen", "–") in changed
    assert row("Transport", "Buss", "Bil, Buss") in changed
    assert "Antal år i Sverige" not in changed  # saved again as it was
    assert "Registered." in registered
    assert row("Har deltagaren körkort?", "–", "Yes") in registered
    assert row("Antal år i Sverige", "–", "3.5") in registered


def test_an_answer_changed_on_its_own_is_an_entry_of_its_own(world):
    insats, coach, q, _foreign, client = world
    enrolment = enrol(coach, insats, answers={q["yes_no"]: True})
    # Only an answer changes: the enrolment's own variables stay as they were.
    registry.update_registration(
        user=coach,
        enrolment=enrolment,
        first_name="Erik",
        last_name="Andersson",
        version=enrolment.version,
        answers={q["yes_no"]: None},
    )
    history = html(client.get(reverse("enrolment-detail", args=[enrolment.pk])))
    entries = history.split('class="card history"')[1].split("<article>")[1:]
    assert len(entries) == 2
    assert "Registered." not in entries[0]
    assert "<del>Yes</del>" in entries[0] and "<ins>–</ins>" in entries[0]
    assert "Registered." in entries[1] and "<ins>Yes</ins>" in entries[1]
