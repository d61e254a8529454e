"""The förbund's own questions (SUS's *kompletterande frågor*): for each question of the
insatser in scope, how the enrolments that were asked it answered, by gender.
Definitions: docs/definitions.md, "The förbund's questions".

A start question is asked of the enrolments that start while it is asked, an end
question of those that end while it is asked (``registry.models.Question``); the report
counts those that started (or ended) in the period as well, with the period populations
of ``reports.scope`` (``new_q``, ``ended_q``). The unit is the enrolment, as in every
distribution of a population by what was registered for it (#5–#7, #12): an answer
belongs to an enrolment, and a participant who starts twice in the period is asked twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Count, FilteredRelation, Q, QuerySet, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from samspar.registry.models import Enrolment, Question, QuestionKind, QuestionMoment
from samspar.registry.question_selectors import ORDER
from samspar.reports import cellkey
from samspar.reports.aggregates import GENDER_ROW_DIMS, TOTAL, scope_dims
from samspar.reports.distribution import (
    GENDER_COLUMNS,
    GENDER_DIMS,
    GENDER_LABELS,
    GENDER_TOTAL_KEYS,
)
from samspar.reports.scope import ReportScope, ended_q, new_q
from samspar.reports.tables import Chart, Column, Dims, Kind, Table, Text, Value

# The value of the "answer" dim of each row that is not a choice (a choice's is its id).
YES, NO, ANSWERED, UNANSWERED = "yes", "no", "answered", "unanswered"

ASKED_LABEL = _("Those asked")  # "Asked" is when a question is asked
ANSWERED_LABEL = _("Answered")
UNANSWERED_LABEL = _("Not answered")

_ASKED_NOTES: dict[str, Text] = {
    QuestionMoment.START: _(
        "Asked: the enrolments that started in the period while the question was asked "
        "(%(from)s – %(until)s)."
    ),
    QuestionMoment.END: _(
        "Asked: the enrolments that ended in the period while the question was asked "
        "(%(from)s – %(until)s)."
    ),
}
_SEVERAL_NOTE = _(
    "A participant can give several answers and then counts in each of their rows, so the "
    "choices can add up to more than those who answered."
)


def questions(scope: ReportScope) -> list[Question]:
    """The questions of the insatser in scope that were asked some day of the period,
    with their choices: by insats, start questions first, then in the förbund's order.
    Two queries (the questions, their choices)."""
    asked_in_period = Q(valid_from__lte=scope.date_to) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=scope.date_from)
    )
    found = Question.objects.filter(asked_in_period, insats__in=scope.insatser())
    return list(
        found.select_related("insats")
        .prefetch_related("choices")
        .order_by("insats__name", "insats_id", *ORDER)
    )


def asked_window(scope: ReportScope, question: Question) -> tuple[dt.date, dt.date]:
    """The days of the period on which the question was asked: the period and the
    question's own, both included."""
    last = scope.date_to
    if question.valid_until is not None:
        last = min(last, question.valid_until)
    return max(scope.date_from, question.valid_from), last


def asked(scope: ReportScope, question: Question) -> QuerySet[Enrolment]:
    """The enrolments of the question's insats asked it in the period — started (a start
    question) or ended (an end question) in the period and in the question's own — with
    their answer to it as ``answer`` (none: not answered). Never felregistreringar, and
    with the scope's gender filter (``scope.enrolments``)."""
    first, last = asked_window(scope, question)
    population = new_q if question.moment == QuestionMoment.START else ended_q
    return (
        scope.enrolments()
        .filter(population(first, last), insats=question.insats_id)
        .annotate(answer=FilteredRelation("answers", condition=Q(answers__question=question.pk)))
    )


def _rows(question: Question) -> list[tuple[Text, Hashable, Q | None]]:
    """The answer rows of the question's table: (label, value of the "answer" dim, which
    of the asked the row counts), before "Not answered" and the asked."""
    answered = Q(answer__pk__isnull=False)
    match question.kind:
        case QuestionKind.YES_NO:
            return [
                (_("Yes"), YES, Q(answer__yes=True)),
                (_("No"), NO, Q(answer__yes=False)),
            ]
        case QuestionKind.CHOICE | QuestionKind.CHOICES:
            rows: list[tuple[Text, Hashable, Q | None]] = [
                (choice.label, choice.pk, Q(answer__choices=choice.pk))
                for choice in question.choices.all()
            ]
            if question.kind == QuestionKind.CHOICES:
                rows.append((ANSWERED_LABEL, ANSWERED, answered))
            return rows
    return [(ANSWERED_LABEL, ANSWERED, answered)]


def _aggregates(
    question: Question, rows: Sequence[tuple[Text, Hashable, Q | None]]
) -> dict[str, Aggregate]:
    """A count per row, the unanswered and the asked (distinct where an answer's choices
    join several rows per enrolment), and the sum of a number question's answers."""
    distinct = question.kind in (QuestionKind.CHOICE, QuestionKind.CHOICES)
    aggregates: dict[str, Aggregate] = {
        f"row_{i}": Count("pk", distinct=distinct, filter=where)
        for i, (_label, _value, where) in enumerate(rows)
    }
    aggregates[UNANSWERED] = Count("pk", distinct=distinct, filter=Q(answer__pk__isnull=True))
    aggregates["asked"] = Count("pk", distinct=distinct)
    if question.kind == QuestionKind.NUMBER:
        aggregates["sum"] = Sum("answer__number")
    return aggregates


def _counts(
    qs: QuerySet[Enrolment], aggregates: Mapping[str, Aggregate]
) -> dict[str, dict[str, Any]]:
    """``aggregates`` for women, men and in total, in one grouped query: an enrolment has
    one gender, so the total is the sum of the two (and keyed on the records of both)."""
    result: dict[str, dict[str, Any]] = {key: {} for key in GENDER_TOTAL_KEYS}
    for row in cellkey.annotate(qs.order_by().values("person_gender"), aggregates):
        key = GENDER_COLUMNS.get(row["person_gender"])
        if key is not None:
            result[key] = row
    for name in aggregates:
        parts = [result[key].get(name) or 0 for key in GENDER_TOTAL_KEYS[:2]]
        result["total"][name] = parts[0] + parts[1]
    for key in GENDER_TOTAL_KEYS[:2]:
        for name in aggregates:
            result[key][name] = result[key].get(name) or 0
    return result


def _title(question: Question, several: bool) -> str:
    return f"{question.text} – {question.insats.name}" if several else question.text


def _dims(scope: ReportScope, question: Question) -> dict[str, Hashable]:
    """What every count of the question's table counts: the asked (the enrolments of its
    insats that started, or ended, on the days of the period it was asked), so two
    questions asked of the same enrolments share the count of the asked."""
    population = "new" if question.moment == QuestionMoment.START else "ended"
    return {
        **scope_dims(scope, population=population, insats=question.insats_id),
        "period": asked_window(scope, question),
    }


def _gender_columns(first: Text) -> list[Column]:
    return [
        Column("group", first, Kind.LABEL),
        *(Column(k, label, dims=GENDER_DIMS[k]) for k, label in GENDER_LABELS.items()),
        Column("total", TOTAL),
    ]


def _note(question: Question, scope: ReportScope) -> Text:
    first, last = asked_window(scope, question)
    asked_note = _ASKED_NOTES[question.moment] % {
        "from": first.isoformat(),
        "until": last.isoformat(),
    }
    if question.kind == QuestionKind.CHOICES:
        return format_lazy("{} {}", asked_note, _SEVERAL_NOTE)
    return asked_note


def question_tables(scope: ReportScope, question: Question, several: bool) -> list[Table]:
    """The question's table, and for a number question the mean of the answers. One
    query."""
    rows = _rows(question)
    aggregates = _aggregates(question, rows)
    counts = _counts(asked(scope, question), aggregates)
    keys = [*(f"row_{i}" for i in range(len(rows))), UNANSWERED, "asked"]
    labels = [*(label for label, _value, _where in rows), UNANSWERED_LABEL, ASKED_LABEL]
    answers = [value for _label, value, _where in rows]
    table_rows: list[list[Value]] = [
        [label, *(counts[g][key] for g in GENDER_TOTAL_KEYS)]
        for key, label in zip(keys, labels, strict=True)
    ]
    dims = _dims(scope, question)
    asked_row = len(table_rows) - 1
    several_choices = question.kind == QuestionKind.CHOICES
    table = Table(
        key=f"question_{question.pk}",
        title=_title(question, several),
        columns=_gender_columns(_("Answer")),
        rows=table_rows,
        # Several choices: the choices overlap, so only the answered and the unanswered
        # add up to the asked, and the asked is no total of the rows above it.
        total_row=None if several_choices else asked_row,
        row_sums={asked_row: (asked_row - 2, asked_row - 1)} if several_choices else {},
        column_sums={"total": ("women", "men")},
        chart=Chart("bar", ("women", "men"), x_label=_("Answer"), y_label=_("Participants")),
        note=_note(question, scope),
        dims=dims,
        row_dims=[
            *({"question": question.pk, "answer": value} for value in answers),
            {"question": question.pk, "answer": UNANSWERED},
            {},
        ],
    )
    if question.kind != QuestionKind.NUMBER:
        return [table]
    return [table, _mean_table(question, several, counts, dims)]


def _mean_table(
    question: Question, several: bool, counts: dict[str, dict[str, Any]], dims: Dims
) -> Table:
    """The mean of a number question's answers, by gender, over those who answered."""
    rows: list[list[Value]] = []
    for key, label in zip(GENDER_TOTAL_KEYS, [*GENDER_LABELS.values(), TOTAL], strict=True):
        # A number question's one answer row is the answered (_rows).
        n, total = counts[key]["row_0"], counts[key]["sum"]
        mean = float(Decimal(total) / n) if n and total is not None else None
        rows.append([label, n, mean])
    return Table(
        key=f"question_{question.pk}_mean",
        title=format_lazy("{} – {}", _title(question, several), _("mean of the answers")),
        columns=[
            Column("group", _("Group"), Kind.LABEL),
            Column("answered", ANSWERED_LABEL, dims={"question": question.pk, "answer": ANSWERED}),
            Column("mean", _("Mean"), Kind.NUMBER, depends_on="answered"),
        ],
        rows=rows,
        total_row=len(rows) - 1,
        chart=Chart("bar", ("mean",)),
        note=_("The mean of the numbers answered; the unanswered are left out."),
        dims=dims,
        row_dims=GENDER_ROW_DIMS,
    )


def no_questions(scope: ReportScope) -> Table:
    """The report's one table when no insats in scope asked a question in the period."""
    return Table(
        key="questions",
        title=_("The förbund's questions"),
        columns=_gender_columns(_("Answer")),
        rows=[],
        note=_("No insats of the report asked questions of its own in the period."),
        dims=scope_dims(scope),
    )


def tables(scope: ReportScope) -> list[Table]:
    """A table per question asked in the period by the insatser in scope (two for a
    number question): 2 queries for the questions, 1 for the insatser in scope and 1
    per question."""
    found = questions(scope)
    if not found:
        return [no_questions(scope)]
    several = len(scope.insats_ids()) > 1
    return [table for question in found for table in question_tables(scope, question, several)]
