"""Reads of the förbund's own questions and their answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from samspar.registry.models import CHOICE_KINDS, Answer, Question, QuestionKind

if TYPE_CHECKING:
    from samspar.organisation.models import Insats
    from samspar.registry.models import Enrolment


# Start questions before end questions ("start" > "end"), then as the förbund ordered them.
ORDER = ("-moment", "position", "pk")


def with_choices(questions: QuerySet[Question]) -> QuerySet[Question]:
    return questions.prefetch_related("choices")


def for_form(
    insats: Insats,
    moments: list[str],
    *,
    today: dt.date,
    enrolment: Enrolment | None = None,
) -> list[Question]:
    """The questions a registration, edit or end form asks, in order: those asked today,
    those asked of the enrolment's own start or end date, and those it has answered
    (so an answer never disappears from its form)."""
    current = Q(valid_from__lte=today) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    shown = current
    if enrolment is not None:
        shown |= Q(answers__enrolment=enrolment)
        for moment, day in (("start", enrolment.start_date), ("end", enrolment.end_date)):
            if day is not None:
                shown |= Q(moment=moment, valid_from__lte=day) & (
                    Q(valid_until__isnull=True) | Q(valid_until__gte=day)
                )
    questions = Question.objects.filter(shown, insats=insats, moment__in=moments).distinct()
    return list(with_choices(questions).order_by(*ORDER))


def of_insats(insats: Insats) -> QuerySet[Question]:
    """Every question of the insats, asked now or before, in order."""
    return with_choices(Question.objects.filter(insats=insats)).order_by(*ORDER)


def answers_of(enrolment: Enrolment) -> dict[int, Answer]:
    """The enrolment's answers by question id."""
    answers = Answer.objects.filter(enrolment=enrolment).prefetch_related("choices")
    return {a.question_id: a for a in answers}


def form_value(question: Question, answer: Answer | None) -> object:
    """The answer as its form field's initial value."""
    if answer is None:
        return None
    match question.kind:
        case QuestionKind.TEXT:
            return answer.text
        case QuestionKind.NUMBER:
            return answer.number
        case QuestionKind.YES_NO:
            return answer.yes
        case QuestionKind.DATE:
            return answer.date
        case QuestionKind.CHOICE:
            chosen = [c.pk for c in answer.choices.all()]
            return chosen[0] if chosen else None
    return [c.pk for c in answer.choices.all()]


def shown(question: Question, answer: Answer | None) -> str:
    """The answer as a page or an export shows it; "" when not answered."""
    if answer is None:
        return ""
    match question.kind:
        case QuestionKind.TEXT:
            return answer.text
        case QuestionKind.NUMBER:
            return "" if answer.number is None else formats.number_format(_plain(answer.number))
        case QuestionKind.YES_NO:
            return "" if answer.yes is None else (_("Yes") if answer.yes else _("No"))
        case QuestionKind.DATE:
            return answer.date.isoformat() if answer.date else ""
    assert question.kind in CHOICE_KINDS
    return ", ".join(c.label for c in answer.choices.all())


def _plain(number: Decimal) -> Decimal:
    """12.00 as 12, 12.50 as 12.5."""
    return (
        number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    )
