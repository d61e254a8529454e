"""The pages where a förbund administrator defines an insats's own questions: a question
defined through the page is stored with its choices, an error keeps what was typed and
stands at its field, a change on an old version is refused, an answered question is not
removed, and nobody else reaches the pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samspar.access.scoping import Role
from samspar.registry import question_services
from samspar.registry.models import Answer, Question, QuestionChoice
from tests.factories import enrol, make_forbund, make_insats, make_question, make_user


@pytest.fixture
def world(db):
    forbund = make_forbund()
    insats = make_insats(forbund)
    admin = make_user("admin", Role.FORBUND_ADMIN, forbund=forbund)
    coach = make_user("coach", Role.REGISTRATOR, insats=insats)
    client = Client(headers={"accept-language": "en"})
    client.force_login(admin)
    return insats, admin, coach, client


def _fields(**overrides: str | None) -> dict[str, str]:
    data: dict[str, str | None] = {
        "text": "Hur reser du hit?",
        "help_text": "Det vanligaste sättet",
        "kind": "choice",
        "moment": "start",
        "valid_from": "2024-01-01",
        "valid_until": "",
        "position": "3",
        "choices": "Bil\r\nBuss\r\n\r\nCykel\r\n",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _field_errors(html: str, name: str) -> list[str]:
    """The error messages shown in the field block of the input named ``name``."""
    blocks = re.findall(r'<div class="field[^"]*">(.*?)</div>', html, re.S)
    block = next(b for b in blocks if f'name="{name}"' in b)
    return re.findall(r'<p class="error" role="alert">(.*?)</p>', block, re.S)


def test_the_insats_page_links_to_the_questions_for_the_administrator_only(world):
    insats, _admin, coach, client = world
    link = reverse("question-list", args=[insats.pk])
    assert link in client.get(reverse("insats-detail", args=[insats.pk])).content.decode()
    others = [
        coach,
        make_user("manager", Role.INSATS_MANAGER, insats=insats),
        make_user("board", Role.BOARD, forbund=insats.forbund),
    ]
    for user in others:
        other = Client()
        other.force_login(user)
        page = other.get(reverse("insats-detail", args=[insats.pk]))
        assert page.status_code == 200
        assert link not in page.content.decode(), user.username


def test_the_administrator_defines_a_choice_question_on_the_page(world):
    insats, _admin, _coach, client = world
    url = reverse("question-list", args=[insats.pk])
    page = client.get(url).content.decode()
    assert "No questions." in page and 'name="choices"' in page
    response = client.post(url, _fields())
    assert response.status_code == 302 and response["Location"] == url
    question = Question.objects.get()
    assert (question.insats, question.text, question.help_text) == (
        insats,
        "Hur reser du hit?",
        "Det vanligaste sättet",
    )
    assert (question.kind, question.moment, question.position) == ("choice", "start", 3)
    assert (question.valid_from, question.valid_until) == (dt.date(2024, 1, 1), None)
    assert [c.label for c in question.choices.all()] == ["Bil", "Buss", "Cykel"]
    page = client.get(url).content.decode()
    row = page.split(f'id="question-{question.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Hur reser du hit?" in row and "One of several choices" in row
    assert "Bil, Buss, Cykel" in row and "2024-01-01 –" in row
    assert reverse("question-edit", args=[question.pk]) in row


def test_the_new_question_form_asks_from_today_by_default(world):
    insats, _admin, _coach, client = world
    html = client.get(reverse("question-list", args=[insats.pk])).content.decode()
    today = timezone.localdate().isoformat()
    assert re.search(rf'name="valid_from" value="{today}"', html)


def test_an_error_keeps_what_was_typed_and_stands_at_its_field(world):
    insats, _admin, _coach, client = world
    url = reverse("question-list", args=[insats.pk])
    # One choice only: the service refuses it, at the choices.
    response = client.post(url, _fields(choices="Bil", help_text="Skriv det vanligaste"))
    html = response.content.decode()
    assert response.status_code == 200
    assert _field_errors(html, "choices") == ["Give at least two choices, one per line."]
    assert _field_errors(html, "text") == []
    assert 'value="Hur reser du hit?"' in html and 'value="Skriv det vanligaste"' in html
    assert re.search(r'<option value="choice" selected>', html)
    assert 'value="3"' in html and ">\nBil</textarea>" in html
    # An end before the start: the model's constraint, shown at the end date.
    response = client.post(url, _fields(valid_until="2023-12-31"))
    html = response.content.decode()
    assert _field_errors(html, "valid_until") == [
        "The question cannot stop being asked before it starts."
    ]
    assert 'value="2023-12-31"' in html
    # The same text twice in the insats: at the text.
    make_question(insats, text="Hur reser du hit?")
    html = client.post(url, _fields()).content.decode()
    assert _field_errors(html, "text") == ["The insats already has a question with this text."]
    assert Question.objects.count() == 1 and not QuestionChoice.objects.exists()


@pytest.mark.parametrize("role", ["registrator", "insats_manager", "board", "other_admin"])
def test_nobody_else_reaches_the_question_pages(world, role):
    insats, _admin, coach, _client = world
    question = make_question(insats)
    user = {
        "registrator": lambda: coach,
        "insats_manager": lambda: make_user("manager", Role.INSATS_MANAGER, insats=insats),
        "board": lambda: make_user("board", Role.BOARD, forbund=insats.forbund),
        "other_admin": lambda: make_user(
            "other", Role.FORBUND_ADMIN, forbund=make_forbund("Annat förbund")
        ),
    }[role]()
    client = Client()
    client.force_login(user)
    urls = [
        reverse("question-list", args=[insats.pk]),
        reverse("question-edit", args=[question.pk]),
        reverse("question-delete", args=[question.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(urls[0], _fields(text="Ny fråga")).status_code == 404
    assert client.post(urls[1], _fields(text="Ändrad", version="1")).status_code == 404
    assert client.post(urls[2]).status_code == 404
    assert list(Question.objects.values_list("text", flat=True)) == ["Har deltagaren körkort?"]


def test_a_change_is_saved_on_its_version(world):
    insats, _admin, _coach, client = world
    question = make_question(insats, "choice", text="Boende", choices=("Eget", "Annat"))
    url = reverse("question-edit", args=[question.pk])
    html = client.get(url).content.decode()
    assert 'name="version" value="1"' in html and "Eget\nAnnat</textarea>" in html
    data = _fields(text="Boendeform", choices="Eget\nHyresrätt\nAnnat", version="1")
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("question-list", args=[insats.pk])
    question.refresh_from_db()
    assert (question.text, question.version, question.position) == ("Boendeform", 2, 3)
    assert [c.label for c in question.choices.all()] == ["Eget", "Hyresrätt", "Annat"]


def test_a_change_on_an_old_version_is_refused_and_keeps_what_was_typed(world):
    insats, admin, _coach, client = world
    question = make_question(insats, "choice", text="Boende", choices=("Eget", "Annat"))
    # Someone else saves first.
    question_services.update_question(
        user=admin,
        question=Question.objects.get(pk=question.pk),
        version=1,
        text="Boende idag",
        kind="choice",
        moment="start",
        valid_from=question.valid_from,
        choices=["Eget", "Annat"],
    )
    url = reverse("question-edit", args=[question.pk])
    response = client.post(url, _fields(text="Min ändring", choices="Eget\nAnnat", version="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved a change while you were editing" in html
    assert 'value="Min ändring"' in html
    # Now based on the stored version, which the page shows.
    assert 'name="version" value="2"' in html
    saved = html.split('id="saved-version"', 1)[1].split("</section>", 1)[0]
    assert "Boende idag" in saved
    question.refresh_from_db()
    assert (question.text, question.version) == ("Boende idag", 2)
    # Saving again replaces the other's change on purpose.
    again = client.post(url, _fields(text="Min ändring", choices="Eget\nAnnat", version="2"))
    assert again.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.version) == ("Min ändring", 3)


def test_an_answered_question_keeps_its_kind_and_is_not_removed(world):
    insats, _admin, coach, client = world
    question = make_question(insats, "yes_no", text="Körkort?")
    enrol(coach, insats, answers={question: True})
    edit = client.get(reverse("question-edit", args=[question.pk])).content.decode()
    assert re.search(r'<select name="kind"[^>]*disabled', edit)
    url = reverse("question-delete", args=[question.pk])
    page = client.get(url).content.decode()
    message = (
        "The question has answers and cannot be removed. Give it an end date to stop asking "
        "it; its answers stay."
    )
    assert message in page
    assert "data-confirm" not in page  # no removal offered
    assert reverse("question-edit", args=[question.pk]) in page
    response = client.post(url)
    html = response.content.decode()
    assert response.status_code == 200
    errors = html.split('<div class="errors" role="alert">', 1)[1].split("</div>", 1)[0]
    assert message in errors
    assert Question.objects.filter(pk=question.pk).exists()
    assert Answer.objects.filter(question=question).count() == 1


def test_an_unanswered_question_is_removed_after_the_confirmation(world):
    insats, _admin, _coach, client = world
    question = make_question(insats, "choice", text="Boende", choices=("Eget", "Annat"))
    kept = make_question(insats, text="Körkort?")
    url = reverse("question-delete", args=[question.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Remove the question “Boende”?" in html
    assert 'data-confirm="Remove the question?"' in html
    assert "cannot be removed: it is given an end date instead" in html
    assert Question.objects.filter(pk=question.pk).exists()  # the GET removes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("question-list", args=[insats.pk])
    assert list(Question.objects.all()) == [kept]
    assert not QuestionChoice.objects.filter(question_id=question.pk).exists()


def test_the_list_shows_start_questions_before_end_questions_and_which_are_answered(world):
    insats, _admin, coach, client = world
    end = make_question(insats, text="Nöjd med insatsen?", moment="end")
    start = make_question(insats, text="Körkort?")
    unanswered = make_question(insats, text="Bil?", valid_until=dt.date(2016, 1, 1))
    enrol(coach, insats, answers={start: True})
    html = client.get(reverse("question-list", args=[insats.pk])).content.decode()
    starts, ends = html.split('id="end-questions"', 1)
    assert "Körkort?" in starts and "Bil?" in starts and "Nöjd med insatsen?" in ends

    def row(question: Question) -> str:
        return html.split(f'id="question-{question.pk}"', 1)[1].split("</tr>", 1)[0]

    def answered(question: Question) -> str:
        return re.findall(r'<td class="answered">(.*?)</td>', row(question))[0]

    # Whether, not how many: a number of answers is a count of participants, given by
    # the report with small counts protected (linked from the page).
    assert (answered(start), answered(end), answered(unanswered)) == ("Yes", "No", "No")
    assert "no longer asked" in row(unanswered) and "asked now" in row(start)
    assert reverse("report", args=["fragor"]) in html
