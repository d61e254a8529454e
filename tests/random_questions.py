"""The förbund's own questions on a random registry (tests/random_world.py), so that the
tests over every report of the catalogue cover the report of the questions
(``reports.figures.questions``): a question of each shape of table, some asked on part of
a report period only, answered for most of the enrolments asked. Drawn from a generator of its
own, so the rest of the world is the same with or without them; written in bulk (the
services would refuse nothing here: every answer is of an enrolment asked)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal

from samspar.organisation.models import Insats
from samspar.registry.models import (
    Answer,
    Enrolment,
    Question,
    QuestionChoice,
    QuestionKind,
    QuestionMoment,
)

# The share of the asked whose answer is registered, per question: each its own, so that
# two questions asked of the same enrolments have different numbers unanswered.
ANSWERED_SHARES = (0.9, 0.7, 0.8, 0.6)

# (text, kind, moment, asked from, asked until, choices): a table of each shape — rows that
# add up to the asked, choices that do not, a number with its mean (asked at the end).
# Text and date questions have the number's table without the mean.
QUESTIONS: tuple[tuple[str, str, str, dt.date, dt.date | None, tuple[str, ...]], ...] = (
    (
        "Har deltagaren körkort?",
        QuestionKind.YES_NO,
        QuestionMoment.START,
        dt.date(2019, 1, 1),
        None,
        (),
    ),
    (
        "Hur kom deltagaren till insatsen?",
        QuestionKind.CHOICE,
        QuestionMoment.START,
        dt.date(2021, 7, 1),
        None,
        ("Remiss", "Egen anmälan", "Annat"),
    ),
    (
        "Vad behöver deltagaren stöd med?",
        QuestionKind.CHOICES,
        QuestionMoment.START,
        dt.date(2020, 1, 1),
        dt.date(2023, 5, 31),
        ("Hälsa", "Ekonomi", "Boende", "Språk"),
    ),
    (
        "Antal månader i arbete efter avslutet",
        QuestionKind.NUMBER,
        QuestionMoment.END,
        dt.date(2022, 3, 1),
        None,
        (),
    ),
)


def add_questions(insatser: Sequence[Insats], seed: int) -> list[Question]:
    """The questions in each of ``insatser``, answered at random; the questions."""
    rng = random.Random(f"{seed}-questions")
    made: list[Question] = []
    answers: list[tuple[Answer, list[QuestionChoice]]] = []
    for insats in insatser:
        enrolments = list(
            Enrolment.objects.filter(insats=insats)
            .order_by("pk")
            .values_list("pk", "start_date", "end_date")
        )
        for position, (text, kind, moment, since, until, labels) in enumerate(QUESTIONS):
            question = Question.objects.create(
                insats=insats,
                text=text,
                kind=kind,
                moment=moment,
                valid_from=since,
                valid_until=until,
                position=position,
            )
            choices = QuestionChoice.objects.bulk_create(
                QuestionChoice(question=question, label=label, position=i)
                for i, label in enumerate(labels)
            )
            made.append(question)
            for pk, start, end in enrolments:
                day = start if moment == QuestionMoment.START else end
                if not question.asked_on(day) or rng.random() >= ANSWERED_SHARES[position]:
                    continue
                answer = Answer(enrolment_id=pk, question=question)
                chosen = _draw(answer, kind, choices, rng)
                if kind == QuestionKind.CHOICES and not chosen:
                    continue  # no choice is no answer
                answers.append((answer, chosen))
    Answer.objects.bulk_create([a for a, _chosen in answers])
    through = Answer.choices.through
    through.objects.bulk_create(
        through(answer_id=a.pk, questionchoice_id=c.pk) for a, chosen in answers for c in chosen
    )
    return made


def _draw(
    answer: Answer, kind: str, choices: list[QuestionChoice], rng: random.Random
) -> list[QuestionChoice]:
    match kind:
        case QuestionKind.YES_NO:
            answer.yes = rng.random() < 0.45
        case QuestionKind.NUMBER:
            answer.number = Decimal(rng.randint(0, 40)) / 2
        case QuestionKind.CHOICE:
            return [rng.choices(choices, (5, 3, 1))[0]]
        case QuestionKind.CHOICES:
            return [c for c in choices if rng.random() < 0.4]
    return []
