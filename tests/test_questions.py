"""The förbund's own questions (issue 12, #2): who defines them, what a definition may
change once answered, and how answers are saved with an enrolment and its history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.registry import question_selectors, question_services
from samspar.registry import services as registry
from samspar.registry.models import Answer, Enrolment, Question
from tests.factories import (
    code,
    enrol,
    make_forbund,
    make_insats,
    make_pnr,
    make_question,
    make_user,
)


@pytest.fixture
def world(db):
    forbund = make_forbund()
    insats = make_insats(forbund)
    admin = make_user("admin", Role.FORBUND_ADMIN, forbund=forbund)
    coach = make_user("coach", Role.REGISTRATOR, insats=insats)
    return insats, admin, coach


def _define(user, insats, **overrides):
    values: dict[str, Any] = {
        "text": "Har deltagaren körkort?",
        "kind": "yes_no",
        "moment": "start",
        "valid_from": dt.date(2020, 1, 1),
    } | overrides
    return question_services.define_question(user=user, insats=insats, **values)


@pytest.mark.parametrize("role", [Role.REGISTRATOR, Role.INSATS_MANAGER, Role.BOARD])
def test_only_the_forbund_administrator_defines_questions(world, role):
    insats, _admin, _coach = world
    scope = {"forbund": insats.forbund} if role == Role.BOARD else {"insats": insats}
    other = make_user("other", role, **scope)
    with pytest.raises(PermissionDenied):
        _define(other, insats)
    assert not Question.objects.exists()


def test_an_administrator_of_another_forbund_cannot_define_one(world):
    insats, _admin, _coach = world
    stranger = make_user("stranger", Role.FORBUND_ADMIN, forbund=make_forbund("Annat förbund"))
    with pytest.raises(PermissionDenied):
        _define(stranger, insats)


def test_a_choice_question_needs_two_distinct_choices_and_others_none(world):
    insats, admin, _coach = world
    with pytest.raises(ValidationError) as e:
        _define(admin, insats, kind="choice", choices=["Bil"])
    assert "choices" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        _define(admin, insats, kind="choices", choices=["Bil", " Bil ", "Buss"])
    assert "choices" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        _define(admin, insats, kind="number", choices=["1", "2"])
    assert "choices" in e.value.message_dict
    question = _define(admin, insats, kind="choices", choices=["Bil", "", "Buss", "Cykel"])
    assert [c.label for c in question.choices.all()] == ["Bil", "Buss", "Cykel"]


def test_the_period_cannot_end_before_it_starts(world):
    insats, admin, _coach = world
    with pytest.raises(ValidationError) as e:
        _define(admin, insats, valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2024, 1, 1))
    assert e.value.messages == ["Frågan kan inte sluta ställas innan den börjar ställas."]


def _all_kinds(insats):
    return {
        "text": make_question(insats, "text", text="Vad vill du uppnå?"),
        "number": make_question(insats, "number", text="Antal samtal före start"),
        "yes_no": make_question(insats, "yes_no", text="Körkort?"),
        "choice": make_question(insats, "choice", text="Boende", choices=("Eget", "Annat")),
        "choices": make_question(insats, "choices", text="Resor", choices=("Bil", "Buss", "Cykel")),
        "date": make_question(insats, "date", text="Första kontakt"),
    }


def test_answers_of_every_kind_are_saved_with_the_registration_and_shown(world):
    insats, _admin, coach = world
    q = _all_kinds(insats)
    bil, buss, cykel = q["choices"].choices.all()
    enrolment = enrol(
        coach,
        insats,
        answers={
            q["text"]: "  Ett arbete  ",
            q["number"]: Decimal("3.50"),
            q["yes_no"]: False,
            q["choice"]: q["choice"].choices.get(label="Annat"),
            q["choices"]: [bil, cykel],
            q["date"]: dt.date(2024, 2, 1),
        },
    )
    answers = question_selectors.answers_of(enrolment)
    shown = {kind: question_selectors.shown(q[kind], answers.get(q[kind].pk)) for kind in q}
    assert shown == {
        "text": "Ett arbete",
        "number": "3,5",
        "yes_no": "Nej",
        "choice": "Annat",
        "choices": "Bil, Cykel",
        "date": "2024-02-01",
    }
    # One history record per answer, choices included (not one per many-to-many step).
    history = Answer.history.filter(question=q["choices"])
    assert history.count() == 1
    assert list(history.get().choices.values_list("questionchoice_id", flat=True)) == sorted(
        [bil.pk, cykel.pk]
    )
    del buss


def test_a_wrong_answer_saves_nothing_and_names_every_question(world):
    insats, _admin, coach = world
    q = _all_kinds(insats)
    other = make_question(
        make_insats(insats.forbund, "Annan insats"), "choice", text="X", choices=("a", "b")
    )
    with pytest.raises(ValidationError) as e:
        enrol(
            coach,
            insats,
            answers={
                q["text"]: "x" * 1001,
                q["number"]: "tre",
                q["choice"]: other.choices.first(),
                q["yes_no"]: True,
            },
        )
    assert set(e.value.message_dict) == {
        f"question_{q['text'].pk}",
        f"question_{q['number'].pk}",
        f"question_{q['choice'].pk}",
    }
    assert not Enrolment.objects.exists() and not Answer.objects.exists()


def test_a_question_is_answered_only_within_its_period_and_moment(world):
    insats, _admin, coach = world
    late = make_question(insats, "yes_no", text="Ny fråga", valid_from=dt.date(2024, 6, 1))
    at_end = make_question(insats, "yes_no", text="Nöjd?", moment="end")
    with pytest.raises(ValidationError) as e:
        enrol(coach, insats, start_date=dt.date(2024, 5, 31), answers={late: True})
    assert e.value.message_dict == {
        f"question_{late.pk}": ["Frågan ställs till deltagare som börjar 2024-06-01 eller senare."]
    }
    with pytest.raises(ValidationError):  # not ended: an end question is not asked yet
        enrol(coach, insats, start_date=dt.date(2024, 6, 1), answers={at_end: True})
    enrolment = enrol(coach, insats, start_date=dt.date(2024, 6, 1), answers={late: True})
    # Moving the start date out of the period would leave the answer outside it.
    with pytest.raises(ValidationError) as e:
        registry.update_enrolment(user=coach, enrolment=enrolment, start_date=dt.date(2024, 5, 1))
    assert f"question_{late.pk}" in e.value.message_dict
    ended = registry.end_enrolment(
        user=coach,
        enrolment=Enrolment.objects.get(pk=enrolment.pk),
        end_date=dt.date(2024, 9, 1),
        end_reason=code(codes.EndReason, "arbete"),
        answers={at_end: True},
    )
    assert question_selectors.answers_of(ended)[at_end.pk].yes is True


def test_clearing_an_answer_removes_it_and_keeps_the_history(world):
    insats, _admin, coach = world
    question = make_question(insats, "text", text="Mål")
    enrolment = enrol(coach, insats, answers={question: "Arbete"})
    registry.update_enrolment(user=coach, enrolment=enrolment, answers={question: "Studier"})
    registry.update_enrolment(user=coach, enrolment=enrolment, answers={question: ""})
    assert not Answer.objects.exists()
    assert [h.text for h in Answer.history.order_by("history_date", "history_id")] == [
        "Arbete",
        "Studier",
        "Studier",
    ]
    assert Answer.history.order_by("history_id").last().history_type == "-"
    assert Answer.history.last().history_user == coach


def test_an_answered_question_keeps_its_kind_its_moment_and_its_given_choices(world):
    insats, admin, coach = world
    question = _define(admin, insats, kind="choice", choices=["Bil", "Buss"])
    enrol(coach, insats, answers={question: question.choices.get(label="Buss")})

    def update(**changes):
        values: dict[str, Any] = {
            "text": question.text,
            "kind": question.kind,
            "moment": question.moment,
            "valid_from": question.valid_from,
            "choices": ["Bil", "Buss"],
        } | changes
        return question_services.update_question(
            user=admin, question=Question.objects.get(pk=question.pk), version=None, **values
        )

    refused: list[tuple[dict[str, Any], str]] = [
        ({"kind": "choices"}, "kind"),
        ({"moment": "end"}, "moment"),
        ({"choices": ["Bil", "Tåg"]}, "choices"),
        ({"valid_from": dt.date(2025, 1, 1)}, "valid_until"),  # the answer is from 2024
    ]
    for changes, field in refused:
        with pytest.raises(ValidationError) as e:
            update(**changes)
        assert field in e.value.message_dict, changes
    changed = update(text="Hur reser du?", choices=["Tåg", "Buss", "Bil"])
    assert [c.label for c in changed.choices.all()] == ["Tåg", "Buss", "Bil"]
    assert Answer.objects.get().choices.get().label == "Buss"
    assert changed.history.count() == 2
    with pytest.raises(ValidationError):
        question_services.delete_question(user=admin, question=changed)
    stale = Question.objects.get(pk=question.pk)
    stale.version -= 1
    with pytest.raises(ValidationError):
        question_services.update_question(
            user=admin,
            question=stale,
            version=stale.version,
            text="x",
            kind="choice",
            moment="start",
            valid_from=question.valid_from,
            choices=["Bil", "Buss"],
        )


def test_an_unanswered_question_can_be_changed_freely_and_removed(world):
    insats, admin, _coach = world
    question = _define(admin, insats, kind="choice", choices=["Bil", "Buss"])
    question_services.update_question(
        user=admin,
        question=question,
        version=question.version,
        text="Datum",
        kind="date",
        moment="end",
        valid_from=dt.date(2026, 1, 1),
    )
    assert not question.choices.exists()
    question_services.delete_question(user=admin, question=question)
    assert not Question.objects.exists()


def test_the_form_asks_the_questions_of_the_enrolments_dates_or_of_today(world):
    insats, _admin, coach = world
    today = dt.date(2025, 6, 1)
    current = make_question(insats, text="Nu", valid_from=dt.date(2025, 1, 1))
    old = make_question(
        insats, text="Förr", valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2023, 12, 31)
    )
    future = make_question(insats, text="Sedan", valid_from=dt.date(2026, 1, 1))
    end = make_question(insats, text="Slut", moment="end")
    assert question_selectors.for_form(insats, ["start"], today=today) == [current]
    enrolment = enrol(
        coach,
        insats,
        personnummer_text=make_pnr(dt.date(1985, 1, 1), man=False),
        start_date=dt.date(2023, 3, 1),
    )
    assert question_selectors.for_form(
        insats, ["start", "end"], today=today, enrolment=enrolment
    ) == [old, end], "asked of a start in 2023; the end is not known: today's"
    answered = enrol(
        coach,
        insats,
        personnummer_text=make_pnr(dt.date(1986, 1, 1), man=False),
        start_date=dt.date(2025, 2, 1),
        answers={current: True},
    )
    registry.update_enrolment(user=coach, enrolment=answered, start_date=dt.date(2025, 3, 1))
    assert question_selectors.for_form(insats, ["start"], today=today, enrolment=answered) == [
        current
    ]
    del future
