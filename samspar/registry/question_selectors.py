"""Reads of the förbund's own questions and their answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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
    """The questions a registration, edit or end form asks, in order: of each moment,
    those asked of the enrolment's own start (or end) date, or of today where that date
    is not known yet; and those it has answered, so an answer never disappears from its
    form."""
    shown = Q(pk__in=[])
    for moment in moments:
        day = None
        if enrolment is not None:
            day = enrolment.start_date if moment == "start" else enrolment.end_date
        day = day or today
        shown |= Q(moment=moment, valid_from__lte=day) & (
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )
    if enrolment is not None:
        shown |= Q(answers__enrolment=enrolment, moment__in=moments)
    questions = Question.objects.filter(shown, insats=insats).distinct()
    return list(with_choices(questions).order_by(*ORDER))


def of_insats(insats: Insats) -> QuerySet[Question]:
    """Every question of the insats, asked now or before, in order."""
    return with_choices(Question.objects.filter(insats=insats)).order_by(*ORDER)


def answers_of(enrolment: Enrolment) -> dict[int, Answer]:
    """The enrolment's answers by question id."""
    answers = Answer.objects.filter(enrolment=enrolment).prefetch_related("choices")
    return {a.question_id: a for a in answers}


def value(question: Question, answer: Answer | None) -> Any:
    """The stored answer in the field of the question's kind — a text, a number,
    True/False, a date — or the chosen choices (a list, for both choice kinds); None
    when not answered. The forms, the pages, the import and the API start from here."""
    if answer is None:
        return None
    if question.kind in CHOICE_KINDS:
        return list(answer.choices.all())
    field = {
        QuestionKind.TEXT: "text",
        QuestionKind.NUMBER: "number",
        QuestionKind.YES_NO: "yes",
        QuestionKind.DATE: "date",
    }[QuestionKind(question.kind)]
    return getattr(answer, field)


def form_value(question: Question, answer: Answer | None) -> object:
    """The answer as its form field's initial value (choices by id)."""
    stored = value(question, answer)
    if question.kind == QuestionKind.CHOICE:
        return stored[0].pk if stored else None
    if question.kind == QuestionKind.CHOICES:
        return [c.pk for c in stored or []]
    return stored


def shown(question: Question, answer: Answer | None) -> str:
    """The answer as a page or an export shows it; "" when not answered."""
    stored = value(question, answer)
    if stored is None:
        return ""
    match question.kind:
        case QuestionKind.NUMBER:
            return formats.number_format(_plain(stored))
        case QuestionKind.YES_NO:
            return str(_("Yes") if stored else _("No"))
        case QuestionKind.DATE:
            return str(stored.isoformat())
        case QuestionKind.TEXT:
            return str(stored)
    return ", ".join(c.label for c in stored)


def _plain(number: Decimal) -> Decimal:
    """12.00 as 12, 12.50 as 12.5."""
    return (
        number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    )
