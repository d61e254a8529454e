"""The demo förbund's own questions (kompletterande frågor) and their answers.

The first förbund asks three questions in its insatser with personal data: two at
registration (from 2023) and one at the end (from 2024). Answers are drawn from a
generator of their own, so the rest of the demo world is the same with or without them,
and are written in bulk with the history the services would have left ("+" by the
insats's registrar on the day of the start or end)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.apps import apps

from samspar.organisation.models import Insats
from samspar.registry.models import (
    Answer,
    Enrolment,
    Question,
    QuestionChoice,
    QuestionKind,
    QuestionMoment,
)

BATCH = 2000
ANSWERED_SHARE = 0.88  # of those asked, the share whose registrator filled it in


@dataclass(frozen=True)
class _Spec:
    text: str
    kind: str
    moment: str
    valid_from: dt.date
    help_text: str = ""
    # (label, weight) for the choice kinds; the weight of "yes" for yes/no.
    choices: tuple[tuple[str, int], ...] = ()
    yes: float = 0.0
    picks: int = 1  # at most this many choices for the several-choices kind


QUESTIONS: tuple[_Spec, ...] = (
    _Spec(
        "Har deltagaren körkort?",
        QuestionKind.YES_NO,
        QuestionMoment.START,
        dt.date(2023, 1, 1),
        yes=0.46,
    ),
    _Spec(
        "Hur tar sig deltagaren till insatsen?",
        QuestionKind.CHOICES,
        QuestionMoment.START,
        dt.date(2023, 1, 1),
        help_text="Kryssa i alla som stämmer.",
        choices=(
            ("Bil", 30),
            ("Kollektivtrafik", 45),
            ("Cykel eller till fots", 30),
            ("Färdtjänst", 6),
        ),
        picks=2,
    ),
    _Spec(
        "Hur nöjd är deltagaren med insatsen?",
        QuestionKind.CHOICE,
        QuestionMoment.END,
        dt.date(2024, 1, 1),
        choices=(
            ("Mycket nöjd", 45),
            ("Ganska nöjd", 38),
            ("Inte särskilt nöjd", 12),
            ("Inte alls nöjd", 5),
        ),
    ),
)


def write(
    insatser: Sequence[tuple[Insats, int | None]],
    rng: random.Random,
    aware: Callable[[dt.date], dt.datetime],
) -> int:
    """Define the questions in each (insats, registrar id) and answer them for the
    enrolments asked; the number of answers."""
    answers: list[tuple[Answer, list[QuestionChoice], int | None, dt.date]] = []
    for insats, registrar in insatser:
        enrolments = list(
            Enrolment.objects.filter(insats=insats)
            .order_by("pk")
            .values_list("pk", "start_date", "end_date")
        )
        for position, spec in enumerate(QUESTIONS):
            question, choices = _define(insats, spec, position, aware)
            for pk, start, end in enrolments:
                day = start if spec.moment == QuestionMoment.START else end
                if not question.asked_on(day) or rng.random() >= ANSWERED_SHARE:
                    continue
                assert day is not None  # asked_on said so
                answer = Answer(enrolment_id=pk, question=question)
                chosen = _draw(answer, spec, choices, rng)
                answers.append((answer, chosen, registrar, day))
    _write(answers, aware)
    return len(answers)


def _define(
    insats: Insats, spec: _Spec, position: int, aware: Callable[[dt.date], dt.datetime]
) -> tuple[Question, list[QuestionChoice]]:
    question = Question(
        insats=insats,
        text=spec.text,
        help_text=spec.help_text,
        kind=spec.kind,
        moment=spec.moment,
        valid_from=spec.valid_from,
        position=position,
    )
    question._history_date = aware(spec.valid_from - dt.timedelta(days=14))  # type: ignore[attr-defined]
    question.save()
    choices = QuestionChoice.objects.bulk_create(
        QuestionChoice(question=question, label=label, position=i)
        for i, (label, _weight) in enumerate(spec.choices)
    )
    return question, choices


def _draw(
    answer: Answer, spec: _Spec, choices: list[QuestionChoice], rng: random.Random
) -> list[QuestionChoice]:
    if spec.kind == QuestionKind.YES_NO:
        answer.yes = rng.random() < spec.yes
        return []
    weights = [weight for _label, weight in spec.choices]
    first = rng.choices(choices, weights)[0]
    if spec.kind == QuestionKind.CHOICE or rng.random() < 0.7:
        return [first]
    others = [c for c in choices if c != first]
    return sorted({first, *rng.sample(others, spec.picks - 1)}, key=lambda c: c.position)


def _write(
    answers: list[tuple[Answer, list[QuestionChoice], int | None, dt.date]],
    aware: Callable[[dt.date], dt.datetime],
) -> None:
    rows = Answer.objects.bulk_create([a for a, *_ in answers], batch_size=BATCH)
    through = Answer.choices.through
    links = through.objects.bulk_create(
        [
            through(answer_id=a.pk, questionchoice_id=c.pk)
            for a, chosen, *_ in answers
            for c in chosen
        ],
        batch_size=BATCH,
    )
    history = Answer.history.model
    tracked = [f.attname for f in history.tracked_fields]
    records = history.objects.bulk_create(
        [
            history(
                **{name: getattr(row, name) for name in tracked},
                history_user_id=registrar,
                history_date=aware(day),
                history_type="+",
                history_change_reason=None,
            )
            for row, (_a, _chosen, registrar, day) in zip(rows, answers, strict=True)
        ],
        batch_size=BATCH,
    )
    record_of = {record.id: record for record in records}
    m2m = apps.get_model("registry", "HistoricalAnswer_choices")
    m2m.objects.bulk_create(
        [
            m2m(
                id=link.pk,
                history=record_of[link.answer_id],
                answer_id=link.answer_id,
                questionchoice_id=link.questionchoice_id,
            )
            for link in links
        ],
        batch_size=BATCH,
    )
