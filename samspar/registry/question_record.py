"""The förbund's own questions in a participant's record: the answers the enrolment page
shows, and the answers' changes in its change history."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps

from samspar.registry import question_selectors, selectors
from samspar.registry.models import CHOICE_KINDS, Answer, Question, QuestionChoice
from samspar.registry.question_services import moment_date

if TYPE_CHECKING:
    from samspar.registry.models import Enrolment


@dataclass(frozen=True)
class RecordAnswer:
    question: str
    answer: str  # "" when not answered


def record_answers(enrolment: Enrolment) -> list[RecordAnswer]:
    """Each question of the insats the enrolment was asked (its start or end date in the
    question's period) or has answered, in order, with the answer as shown."""
    answers = question_selectors.answers_of(enrolment)
    rows = []
    for question in question_selectors.of_insats(enrolment.insats):
        answer = answers.get(question.pk)
        if answer is None and not question.asked_on(moment_date(question, enrolment)):
            continue
        rows.append(RecordAnswer(question.text, question_selectors.shown(question, answer)))
    return rows


@dataclass(frozen=True)
class _AnswerChange:
    at: dt.datetime
    user: str
    change: selectors.FieldChange


def _who(record: Any) -> str:
    user = record.history_user
    return (user.get_full_name() or user.get_username()) if user else "–"


def _answer_changes(enrolment: Enrolment) -> list[_AnswerChange]:
    """Every answer given, changed or removed, oldest first, with old → new as shown
    ("–" for not answered). A save that left an answer as it was is no change."""
    records = list(
        Answer.history.filter(enrolment_id=enrolment.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    questions = {q.pk: q for q in Question.objects.filter(pk__in={r.question_id for r in records})}
    options = {c.pk: c for c in QuestionChoice.objects.filter(question__in=questions.values())}
    chosen_in: dict[int, list[int]] = {}  # history record → the choices it holds
    # simple-history's history of the many-to-many field, one row per choice held
    m2m_history = apps.get_model("registry", "HistoricalAnswer_choices")
    rows = m2m_history._default_manager.filter(
        history_id__in=[r.history_id for r in records]
    ).values_list("history_id", "questionchoice_id")
    for history_id, choice_id in rows:
        chosen_in.setdefault(history_id, []).append(choice_id)
    shown_before: dict[int, str] = {}
    changes = []
    for record in records:
        question = questions[record.question_id]
        if record.history_type == "-":
            now = ""
        elif question.kind in CHOICE_KINDS:
            chosen = [options[c] for c in chosen_in.get(record.history_id, []) if c in options]
            chosen.sort(key=lambda c: (c.position, c.pk))
            now = ", ".join(c.label for c in chosen)
        else:
            now = question_selectors.shown(question, record.instance)
        before = shown_before.get(question.pk, "")
        shown_before[question.pk] = now
        if now != before:
            change = selectors.FieldChange(question.text, before or "–", now or "–")
            changes.append(_AnswerChange(record.history_date, _who(record), change))
    return changes


def record_history(enrolment: Enrolment) -> list[selectors.HistoryEntry]:
    """``selectors.enrolment_history`` with the answers' changes, newest first.

    The services save the answers just after the enrolment, in the same transaction, and
    every save of an enrolment is a history record of it (its version changes): an
    answer's change belongs to the last save of the enrolment before it. It joins that
    save's entry (the registration, or the change of other variables); a save that
    changed only answers gets an entry of its own at the save's time."""
    entries = selectors.enrolment_history(enrolment)
    by_save = {(e.at, e.user): e for e in entries}
    saves = list(
        enrolment.history.order_by("history_date", "history_id").values_list(
            "history_date", flat=True
        )
    )
    for item in _answer_changes(enrolment):
        before = bisect.bisect_right(saves, item.at)
        at = saves[before - 1] if before else item.at
        entry = by_save.get((at, item.user))
        if entry is None:
            entry = by_save[at, item.user] = selectors.HistoryEntry(at, item.user, False)
            entries.append(entry)
        entry.changes.append(item.change)
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
