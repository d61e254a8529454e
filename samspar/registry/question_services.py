"""Writes of the förbund's own questions (SUS's *kompletterande frågor*): defining them
per insats, and saving an enrolment's answers.

A question is defined by the förbund's administrator (``Action.QUESTIONS``); answers are
saved by the registry's services (``registry.services``) in the same transaction as the
enrolment they belong to, so a refused registration saves no answer either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samspar.access.scoping import Action, can
from samspar.core import concurrency
from samspar.registry.history import save_with_history
from samspar.registry.models import (
    CHOICE_KINDS,
    Answer,
    Enrolment,
    Question,
    QuestionChoice,
    QuestionKind,
    QuestionMoment,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from samspar.organisation.models import Insats

# What an answer can be, by kind: text, number, yes/no, one choice, several, a date.
# ``None``, "" and an empty list mean "not answered".
AnswerValue = str | Decimal | bool | dt.date | QuestionChoice | Sequence[QuestionChoice] | None

TEXT_MAX = 1000
MAX_CHOICES = 30
CHOICE_MAX = 100  # QuestionChoice.label's max_length


def field_name(question: Question) -> str:
    """The form field (and the error key) of a question's answer."""
    return f"question_{question.pk}"


def _require(user: AbstractBaseUser, insats: Insats) -> None:
    if not can(user, Action.QUESTIONS, insats.pk):
        raise PermissionDenied


def _labels(choices: Iterable[str]) -> list[str]:
    """The choices as given, stripped, blank lines dropped; each once."""
    labels = [c.strip() for c in choices if c.strip()]
    if len(set(labels)) != len(labels):
        raise ValidationError({"choices": _("Give each choice once.")})
    if len(labels) > MAX_CHOICES:
        raise ValidationError(
            {"choices": _("Give at most %(count)s choices.") % {"count": MAX_CHOICES}}
        )
    if any(len(label) > CHOICE_MAX for label in labels):
        raise ValidationError({"choices": _("A choice can be at most 100 characters long.")})
    return labels


def _check_choices(kind: str, labels: list[str]) -> None:
    if kind in CHOICE_KINDS and len(labels) < 2:
        raise ValidationError({"choices": _("Give at least two choices, one per line.")})
    if kind not in CHOICE_KINDS and labels:
        raise ValidationError({"choices": _("Only a choice question has choices.")})


def _validated(question: Question) -> None:
    try:
        question.full_clean()
    except ValidationError as e:
        raise ValidationError(e.message_dict) from None


@transaction.atomic
def define_question(
    *,
    user: AbstractBaseUser,
    insats: Insats,
    text: str,
    kind: str,
    moment: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    help_text: str = "",
    position: int = 0,
    choices: Iterable[str] = (),
) -> Question:
    """A new question asked of the insats's participants; ``choices`` (one label each,
    in order) for the choice kinds only."""
    _require(user, insats)
    labels = _labels(choices)
    _check_choices(kind, labels)
    question = Question(
        insats=insats,
        text=text.strip(),
        help_text=help_text.strip(),
        kind=kind,
        moment=moment,
        valid_from=valid_from,
        valid_until=valid_until,
        position=position,
    )
    _validated(question)
    question._history_user = user  # type: ignore[attr-defined]
    question.save()
    QuestionChoice.objects.bulk_create(
        QuestionChoice(question=question, label=label, position=i) for i, label in enumerate(labels)
    )
    return question


@transaction.atomic
def update_question(
    *,
    user: AbstractBaseUser,
    question: Question,
    version: int | None,
    text: str,
    kind: str,
    moment: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    help_text: str = "",
    position: int = 0,
    choices: Iterable[str] = (),
) -> Question:
    """Change a question; the change is kept in its history.

    Once answered, its kind and moment stay (the answers would change meaning), its
    period must still cover every answered enrolment, and a choice that was given cannot
    be removed; new choices can be added and the order changed."""
    _require(user, question.insats)
    concurrency.check_version(concurrency.locked(question).version, version)
    labels = _labels(choices)
    _check_choices(kind, labels)
    answers = Answer.objects.filter(question=question)
    if answers.exists():
        if kind != question.kind:
            raise ValidationError({"kind": _("The question has answers: its kind stays.")})
        if moment != question.moment:
            raise ValidationError(
                {"moment": _("The question has answers: when it is asked stays.")}
            )
        given = QuestionChoice.objects.filter(question=question, answers__isnull=False)
        missing = sorted({c.label for c in given if c.label not in labels})
        if missing:
            raise ValidationError(
                {
                    "choices": _("These choices have been given and cannot be removed: %(list)s.")
                    % {"list": ", ".join(missing)}
                }
            )
    question.text = text.strip()
    question.help_text = help_text.strip()
    question.kind = kind
    question.moment = moment
    question.valid_from = valid_from
    question.valid_until = valid_until
    question.position = position
    _validated(question)
    _check_period_covers_answers(question)
    question.version += 1
    question._history_user = user  # type: ignore[attr-defined]
    question.save()
    _sync_choices(question, labels)
    return question


def _check_period_covers_answers(question: Question) -> None:
    """A shorter period may not leave answered enrolments outside it."""
    day = (
        "enrolment__start_date"
        if question.moment == QuestionMoment.START
        else "enrolment__end_date"
    )
    answers = Answer.objects.filter(question=question)
    outside = answers.filter(**{f"{day}__lt": question.valid_from})
    if question.valid_until is not None:
        outside = outside | answers.filter(**{f"{day}__gt": question.valid_until})
    if outside.exists():
        raise ValidationError(
            {
                "valid_until": _(
                    "Enrolments outside this period have answered the question: the "
                    "period must cover them."
                )
            }
        )


def _sync_choices(question: Question, labels: list[str]) -> None:
    existing = {c.label: c for c in QuestionChoice.objects.filter(question=question)}
    QuestionChoice.objects.filter(question=question).exclude(label__in=labels).delete()
    for position, label in enumerate(labels):
        choice = existing.get(label) or QuestionChoice(question=question, label=label)
        choice.position = position
        choice.save()


@transaction.atomic
def delete_question(*, user: AbstractBaseUser, question: Question) -> None:
    """Remove a question nobody has answered; an answered one gets an end date instead."""
    _require(user, question.insats)
    if Answer.objects.filter(question=question).exists():
        raise ValidationError(
            _(
                "The question has answers and cannot be removed. Give it an end date to "
                "stop asking it; its answers stay."
            )
        )
    question._history_user = user  # type: ignore[attr-defined]
    question.delete()


# --- answers ------------------------------------------------------------------------


def moment_date(question: Question, enrolment: Enrolment) -> dt.date | None:
    """The date that decides whether the enrolment is asked: its start or its end."""
    return enrolment.start_date if question.moment == QuestionMoment.START else enrolment.end_date


def is_empty(value: AnswerValue) -> bool:
    """Not answered: None, an empty text or no choice."""
    return value is None or value == "" or (isinstance(value, (list, tuple)) and not value)


def _fill(answer: Answer, question: Question, value: AnswerValue) -> list[QuestionChoice]:
    """Put ``value`` in the answer's field of the question's kind; the chosen choices
    (for the choice kinds) are returned. A value of the wrong kind is a ValidationError."""
    wrong = ValidationError(_("This is not an answer to this question."))
    kind = question.kind
    if kind == QuestionKind.TEXT:
        if not isinstance(value, str):
            raise wrong
        text = value.strip()
        if len(text) > TEXT_MAX:
            raise ValidationError(_("Write at most %(count)s characters.") % {"count": TEXT_MAX})
        answer.text = text
    elif kind == QuestionKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise wrong
        answer.number = Decimal(value)
    elif kind == QuestionKind.YES_NO:
        if not isinstance(value, bool):
            raise wrong
        answer.yes = value
    elif kind == QuestionKind.DATE:
        if not isinstance(value, dt.date):
            raise wrong
        answer.date = value
    else:
        chosen = [value] if isinstance(value, QuestionChoice) else value
        if not isinstance(chosen, (list, tuple)) or not all(
            isinstance(c, QuestionChoice) and c.question_id == question.pk for c in chosen
        ):
            raise wrong
        if kind == QuestionKind.CHOICE and len(chosen) != 1:
            raise wrong
        return list(chosen)
    return []


# An answer as it will be saved, with the choices it will hold (the choice kinds).
PreparedAnswer = tuple[Answer, list[QuestionChoice]]


def check_answers(
    enrolment: Enrolment,
    answers: Mapping[Question, AnswerValue],
    *,
    kept: Iterable[Question] = (),
) -> list[PreparedAnswer]:
    """``answers`` as ``save_answers`` stores them for the enrolment (unsaved), validated
    without a query: each question is of the enrolment's insats (else PermissionDenied)
    and asked of its start (or end) date, each value of the question's kind. ``kept``:
    the questions the enrolment answered before and keeps, which must still be asked of
    its dates. Every refusal at once, in a ValidationError keyed by the question's form
    field; the unanswered (None, "", []) are left out. The import's dry run checks its
    rows here too (``registry.bulk``)."""
    errors: dict[str, list[ValidationError]] = {}
    for question in kept:
        if question not in answers and not question.asked_on(moment_date(question, enrolment)):
            errors[field_name(question)] = [ValidationError(not_asked(question))]
    prepared: list[PreparedAnswer] = []
    for question, value in answers.items():
        if question.insats_id != enrolment.insats_id:
            raise PermissionDenied
        if is_empty(value):
            continue
        key = field_name(question)
        if not question.asked_on(moment_date(question, enrolment)):
            errors[key] = [ValidationError(not_asked(question))]
            continue
        answer = Answer(enrolment=enrolment, question=question)
        try:
            chosen = _fill(answer, question, value)
            answer.full_clean(exclude=["enrolment", "question"])
        except ValidationError as e:
            errors[key] = (
                e.error_list
                if not hasattr(e, "error_dict")
                else [err for errs in e.error_dict.values() for err in errs]
            )
            continue
        prepared.append((answer, list(dict.fromkeys(chosen))))
    if errors:
        raise ValidationError(errors)
    return prepared


def save_answers(
    *, user: AbstractBaseUser, enrolment: Enrolment, answers: Mapping[Question, AnswerValue]
) -> None:
    """Save the enrolment's answers (``None``, "" or [] removes one), each change in
    the answer's history. An answer to a question the enrolment is not asked (another
    insats, or a start or end date outside the question's period) is refused, as is a
    change of the enrolment's dates that leaves a stored answer outside; every refusal
    is reported at once, keyed by the question's form field (``check_answers``). Called
    with no answers, it checks the stored ones only."""
    stored = {
        a.question_id: a
        for a in Answer.objects.filter(enrolment=enrolment).select_related("question")
    }
    prepared = check_answers(enrolment, answers, kept=[a.question for a in stored.values()])
    for question, value in answers.items():
        removed = stored.get(question.pk)
        if is_empty(value) and removed is not None:
            removed._history_user = user  # type: ignore[attr-defined]
            removed.delete()
    for answer, chosen in prepared:
        question = answer.question
        row = stored.get(question.pk, answer)
        row.text, row.number, row.yes, row.date = (
            answer.text,
            answer.number,
            answer.yes,
            answer.date,
        )
        save_with_history(row, user, {"choices": chosen if question.kind in CHOICE_KINDS else None})


def not_asked(question: Question) -> str:
    """Whom the question is asked of: the reason an answer to it was refused."""
    period = {"from": question.valid_from.isoformat()}
    if question.valid_until is not None:
        period["until"] = question.valid_until.isoformat()
        if question.moment == QuestionMoment.START:
            return (
                _("The question is asked of participants who start %(from)s – %(until)s.") % period
            )
        return _("The question is asked of participants who end %(from)s – %(until)s.") % period
    if question.moment == QuestionMoment.START:
        return _("The question is asked of participants who start on %(from)s or later.") % period
    return _("The question is asked of participants who end on %(from)s or later.") % period
