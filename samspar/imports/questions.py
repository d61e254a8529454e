"""The förbund's own questions in an enrolment import: one column per question of the
insats, headed by the question's text, each cell parsed by the question's kind.

An answer is checked with its row (``kinds.EnrolmentHandler``) as the registry checks
it (``registry.question_services.check_answers``): the question must be asked of the row's start
date (or, for a question asked at the end, of its end date), and the value must be of
the question's kind. A question whose column the file lacks is left as it is."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from samspar.imports import values
from samspar.imports.engine import Column
from samspar.registry import question_selectors
from samspar.registry.models import CHOICE_KINDS, Answer, Question, QuestionKind, QuestionMoment
from samspar.registry.question_services import TEXT_MAX, AnswerValue, field_name

if TYPE_CHECKING:
    from samspar.organisation.models import Insats
    from samspar.registry.models import QuestionChoice

# The largest number an answer holds (Answer.number: 12 digits, 2 of them decimals).
NUMBER_LIMIT = Decimal(10) ** 10


def key(question: Question) -> str:
    """The column's key: the question's form field, so that the registry's errors about
    an answer (keyed by it) are reported under the question's column."""
    return field_name(question)


def questions(insats: Insats) -> list[Question]:
    """The insats's questions, asked now or before, in order, with their choices."""
    return list(question_selectors.of_insats(insats))


def columns(insats: Insats) -> tuple[Column, ...]:
    """One column per question of the insats (``engine.Kind.extra_columns``)."""
    return tuple(column(q) for q in questions(insats))


def column(question: Question) -> Column:
    labels = [c.label for c in question.choices.all()]
    return Column(
        key(question),
        question.text,
        parser(question),
        help=describe(question),
        options=tuple(labels) if question.kind == QuestionKind.CHOICE else (),
    )


def describe(question: Question) -> str:
    """What the question's column takes, and of whom it is asked (the template's note)."""
    labels = "; ".join(c.label for c in question.choices.all())
    match question.kind:
        case QuestionKind.TEXT:
            what = _("Text, at most %(count)s characters.") % {"count": TEXT_MAX}
        case QuestionKind.NUMBER:
            what = _("A number, with a decimal comma (5,5).")
        case QuestionKind.YES_NO:
            what = _("Ja or Nej.")
        case QuestionKind.DATE:
            what = _("A date, YYYY-MM-DD.")
        case QuestionKind.CHOICE:
            what = _("One of: %(choices)s.") % {"choices": labels}
        case _:
            what = _("One or more of: %(choices)s, separated by semicolons (;).") % {
                "choices": labels
            }
    parts = [question.help_text, what, asked(question), _("Empty: not answered.")]
    return " ".join(p for p in parts if p)


def asked(question: Question) -> str:
    """Of whom the question is asked: those who start (or end) within its period."""
    period = {"from": question.valid_from.isoformat()}
    start = question.moment == QuestionMoment.START
    if question.valid_until is not None:
        period["until"] = question.valid_until.isoformat()
        if start:
            return _("Asked of participants who start %(from)s – %(until)s.") % period
        return (
            _("Asked of participants who end %(from)s – %(until)s (the row needs an end date).")
            % period
        )
    if start:
        return _("Asked of participants who start on %(from)s or later.") % period
    return (
        _("Asked of participants who end on %(from)s or later (the row needs an end date).")
        % period
    )


# --- parsing a cell -----------------------------------------------------------------------


def parser(question: Question) -> Callable[[Any], AnswerValue]:
    """How a cell of the question's column is parsed: to what ``save_answers`` takes for
    the question's kind, None when unanswered, or a ValueError with the reason."""
    match question.kind:
        case QuestionKind.TEXT:
            return _text
        case QuestionKind.NUMBER:
            return _number
        case QuestionKind.YES_NO:
            return values.boolean
        case QuestionKind.DATE:
            return values.date
    return _Choices(question)


def _text(raw: object) -> str | None:
    text = values.text(raw)
    if text is not None and len(text) > TEXT_MAX:
        raise ValueError(_("Write at most %(count)s characters.") % {"count": TEXT_MAX})
    return text


def _number(raw: object) -> Decimal | None:
    number = values.decimal(raw, places=2)
    if number is not None and abs(number) >= NUMBER_LIMIT:
        raise ValueError(_("The number is too large."))
    return number


_SEPARATORS = re.compile(r"[;\n]")


class _Choices:
    """A cell of a choice question: a label of one of its choices (compared trimmed and
    case-insensitively), or for a question of several choices labels separated by ";".
    A label comes before the words for "unknown" ("Vet ej" can be a choice)."""

    def __init__(self, question: Question) -> None:
        self.several = question.kind != QuestionKind.CHOICE
        self.choices = list(question.choices.all())
        self.by_label = {values.normalise(c.label): c for c in self.choices}

    def __call__(self, raw: object) -> QuestionChoice | list[QuestionChoice] | None:
        if raw is None:
            return None
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        whole = values.normalise(raw)
        if whole in self.by_label:
            chosen = self.by_label[whole]
            return [chosen] if self.several else chosen
        if values.is_unknown(raw):
            return None
        if not self.several:
            raise ValueError(self._unknown())
        found: list[QuestionChoice] = []
        for part in _SEPARATORS.split(str(raw)):
            name = values.normalise(part)
            if name in self.by_label:
                found.append(self.by_label[name])
            elif not values.is_unknown(part):
                raise ValueError(self._unknown())
        return list(dict.fromkeys(found)) or None

    def _unknown(self) -> str:
        labels = "; ".join(c.label for c in self.choices)
        if self.several:
            return _(
                "Not a choice of this question; write one or more of: %(choices)s, separated "
                "by semicolons (;)."
            ) % {"choices": labels}
        return _("Not a choice of this question; write one of: %(choices)s.") % {"choices": labels}


# --- comparing with a stored enrolment ---------------------------------------------------


def _comparable(question: Question, value: AnswerValue) -> object:
    """A value, parsed or stored, in a form to compare: None when unanswered, the
    chosen choices as a set of ids."""
    if value is None or value == "" or value == []:
        return None
    if question.kind in CHOICE_KINDS:
        chosen = value if isinstance(value, list | tuple) else [value]
        return frozenset(c.pk for c in chosen)
    return value


def stored(question: Question, answer: Answer | None) -> object:
    """A stored answer in the form ``_comparable`` gives a parsed one."""
    return _comparable(question, question_selectors.value(question, answer))


def same(question: Question, answer: Answer | None, value: AnswerValue) -> bool:
    """Whether importing ``value`` would leave the stored ``answer`` as it is."""
    return stored(question, answer) == _comparable(question, value)
