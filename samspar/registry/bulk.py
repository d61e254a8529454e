"""New enrolments in bulk, for an import of thousands of rows.

``register_enrolments_bulk`` writes what ``register_enrolment`` (followed, where a row
has a supply after, by ``update_enrolment``) writes for each row — the person found or
created by the hash of the number, the enrolment, its supply lists, its answers to the
förbund's questions with their chosen choices, the history records of both and their
many-to-many history, with the importing user as ``history_user`` and ``created_by`` —
with the same checks, but with a few queries per chunk of rows instead of some twenty
per row:

- the scope check once;
- every row validated as the service validates it: the date rules, the model's field
  validation, its check constraints (evaluated in Python, ``samspar.core.constraints``)
  and its foreign keys (one query per code list for the whole batch); its answers as
  ``question_services.save_answers`` validates them (``check_answers``: the question
  is asked of the row's start or end date, the value is of the question's kind);
- persons locked (``select_for_update``) and loaded by hash, one query per chunk; the
  missing ones created with one insert per chunk;
- the overlap rule (a person is not enrolled twice in an insats at the same time, and
  has at most one active enrolment in it) checked for the whole batch against the
  stored enrolments of those persons (read after their rows are locked, one query per
  chunk) and between the rows themselves, in their order;
- enrolments, supply rows, answers, chosen choices, history records and their
  many-to-many history written with one insert per table and chunk. The database's own
  constraints hold as for any insert.

A refused row raises ``RowRefused`` (a ValidationError naming the row's index); the
caller's transaction then writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspar.access.scoping import Action, can
from samspar.codelists.models import EducationLevel, SupplyType
from samspar.core import constraints, crypto
from samspar.core.personnummer import Personnummer
from samspar.registry import services
from samspar.registry.models import (
    CHOICE_KINDS,
    CLOSED_BY_GALLRING,
    Answer,
    Enrolment,
    Person,
    Question,
    QuestionChoice,
)
from samspar.registry.question_services import AnswerValue, PreparedAnswer, check_answers

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from samspar.organisation.models import Insats

CHUNK = 1000

CHANGED_MEANWHILE = gettext_lazy(
    "The registry changed while the import was being written (someone registered one of "
    "the file's persons at the same moment). Nothing was imported; check the file again."
)

# The foreign keys of an enrolment that are checked against their tables in bulk.
_FOREIGN_KEYS = (
    "municipality",
    "referring_actor",
    "education_level",
    "occupation_before",
    "end_reason",
    "occupation_after",
)


@dataclass(frozen=True)
class NewEnrolment:
    """One enrolment to register: what ``register_enrolment`` takes (``fields`` are its
    ``**fields``: the enrolment's own start and, for a finished one, end fields), plus
    the supply after that an import sets right after."""

    personnummer: Personnummer
    fields: Mapping[str, Any]
    first_name: str = ""
    last_name: str = ""
    supply_before: Sequence[SupplyType] = ()
    supply_after: Sequence[SupplyType] = ()
    # The answers to the insats's questions, as ``register_enrolment`` takes them.
    answers: Mapping[Question, AnswerValue] = field(default_factory=dict)


# An answer ready to insert, with the choices it has chosen.


class RowRefused(ValidationError):
    """Row ``index`` (of the rows given) was refused; ``index`` is None for a refusal
    of the batch as a whole."""

    def __init__(self, index: int | None, error: ValidationError | str):
        super().__init__(error)
        self.index = index


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _overlaps(start: dt.date, end: dt.date | None, other: tuple[dt.date, dt.date | None]) -> bool:
    """As ``services._check_no_overlap``: the periods share a day (open ends run on)."""
    other_start, other_end = other
    return (other_end is None or other_end >= start) and (end is None or other_start <= end)


def _overlap_error(clashes: list[tuple[dt.date, dt.date | None]]) -> ValidationError:
    if any(end is None for _start, end in clashes):
        return ValidationError(
            {"personnummer": _("The person already has an active enrolment in this insats.")}
        )
    return ValidationError(
        {"start_date": _("The person was already enrolled in this insats during this period.")}
    )


def _validated(
    rows: Sequence[NewEnrolment], user: AbstractBaseUser, insats: Insats
) -> tuple[list[Enrolment], list[list[PreparedAnswer]]]:
    """Each row's unsaved enrolment, validated as ``register_enrolment`` validates it,
    and its answers."""
    unknown_education: EducationLevel | None = None
    enrolments = []
    answers = []
    for index, row in enumerate(rows):
        fields = dict(row.fields)
        if "education_level" in fields and fields["education_level"] is None:
            if unknown_education is None:
                unknown_education = EducationLevel.objects.get(code=services.UNKNOWN_EDUCATION)
            fields["education_level"] = unknown_education
        enrolment = Enrolment(
            insats=insats,
            created_by_id=user.pk,
            first_name=row.first_name.strip(),
            last_name=row.last_name.strip(),
            **fields,
        )
        try:
            services.check_enrolment_dates(fields, insats)
            if enrolment.start_date is None:
                raise ValidationError({"start_date": _("Give the start date.")})
            try:
                # Without a query: the foreign keys are checked below for all rows at
                # once, the check constraints in Python.
                exclude = {*Enrolment.PERSON_FIELDS, "insats", "created_by", *_FOREIGN_KEYS}
                enrolment.full_clean(exclude=exclude, validate_constraints=False)
                constraints.check(enrolment, exclude=set())
            except ValidationError:
                # A refused row is named with the service's own messages: its check.
                enrolment.full_clean(exclude=Enrolment.PERSON_FIELDS)
                raise
        except ValidationError as e:
            raise RowRefused(index, ValidationError(e.message_dict)) from None
        try:
            answers.append(check_answers(enrolment, row.answers))
        except ValidationError as e:
            raise RowRefused(index, ValidationError(e.message_dict)) from None
        enrolments.append(enrolment)
    _check_foreign_keys(enrolments)
    return enrolments, answers


def _check_foreign_keys(enrolments: list[Enrolment]) -> None:
    """The code-list values exist (what ``full_clean`` asks one query per row and key
    for): one query per foreign key for the whole batch."""
    for name in _FOREIGN_KEYS:
        fk: Any = Enrolment._meta.get_field(name)
        wanted = {getattr(e, fk.attname) for e in enrolments} - {None}
        if not wanted:
            continue
        model = fk.remote_field.model
        found = set(model._base_manager.filter(pk__in=wanted).values_list("pk", flat=True))
        for index, enrolment in enumerate(enrolments):
            value = getattr(enrolment, fk.attname)
            if value is not None and value not in found:
                try:
                    fk.validate(value, enrolment)  # the field's own message
                except ValidationError as e:
                    raise RowRefused(index, ValidationError({name: e.messages})) from None


def _persons(pnrs: Sequence[Personnummer], hashes: Sequence[str]) -> dict[str, Person]:
    """The person of every number, locked, by hash: found, or created (one number, one
    person, as ``services._find_or_create_person``; an existing person never changes)."""
    persons: dict[str, Person] = {}
    unique = list(dict.fromkeys(hashes))
    for chunk in _chunks(unique):
        for person in Person.objects.select_for_update().filter(pnr_hash__in=chunk):
            persons[person.pnr_hash] = person
    new: dict[str, Person] = {}
    for pnr, digest in zip(pnrs, hashes, strict=True):
        if digest in persons or digest in new:
            continue
        person = Person(
            pnr_encrypted=crypto.encrypt(pnr.canonical),
            pnr_hash=digest,
            is_coordination_number=pnr.coordination,
            birth_date=pnr.birth_date,
            gender=pnr.gender.value,
        )
        # Uniqueness is the insert's: a number someone else registered meanwhile is
        # found again below.
        person.full_clean(validate_unique=False, validate_constraints=False)
        new[digest] = person
    if not new:
        return persons
    try:
        with transaction.atomic():
            Person.objects.bulk_create(list(new.values()), batch_size=CHUNK)
        persons.update(new)
    except IntegrityError:
        # Someone registered one of these numbers at this moment: theirs is used.
        Person.objects.bulk_create(list(new.values()), batch_size=CHUNK, ignore_conflicts=True)
        for chunk in _chunks(list(new)):
            for person in Person.objects.select_for_update().filter(pnr_hash__in=chunk):
                persons[person.pnr_hash] = person
    return persons


def _check_overlaps(
    rows: Sequence[NewEnrolment], enrolments: list[Enrolment], insats: Insats
) -> None:
    """No row overlaps a stored enrolment of its person in the insats (read now, after
    the persons are locked) or an earlier row of the same person."""
    periods: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    person_ids = list({e.person_id for e in enrolments})
    for chunk in _chunks(person_ids):
        stored = Enrolment.objects.filter(insats=insats, person_id__in=chunk).values_list(
            "person_id", "start_date", "end_date"
        )
        for person_id, start, end in stored:
            periods[person_id].append((start, end))
    for index, (row, enrolment) in enumerate(zip(rows, enrolments, strict=True)):
        start, end = enrolment.start_date, enrolment.end_date
        clashes = [p for p in periods[enrolment.person_id] if _overlaps(start, end, p)]
        if clashes:
            raise RowRefused(index, _overlap_error(clashes))
        if row.supply_after and enrolment.person.anonymised_at is not None:
            raise RowRefused(index, ValidationError(CLOSED_BY_GALLRING))
        periods[enrolment.person_id].append((start, end))


def _insert(model: Any, objs: list[Any]) -> list[Any]:
    """Insert ``objs`` in chunks; a constraint the checks above could not see (a change
    made at the same moment) refuses the whole batch with a message."""
    try:
        with transaction.atomic():
            created: list[Any] = model.objects.bulk_create(objs, batch_size=CHUNK)
    except IntegrityError:
        raise RowRefused(None, ValidationError(CHANGED_MEANWHILE)) from None
    return created


def _write(
    user: AbstractBaseUser,
    rows: Sequence[NewEnrolment],
    enrolments: list[Enrolment],
    answers: list[list[PreparedAnswer]],
) -> None:
    """The enrolments, their supply rows and history as the per-row services write them:
    one history record (type "~", version 1) with the supply before, and for a row with
    a supply after a second one (version 2) with both lists; then their answers."""
    for row, enrolment in zip(rows, enrolments, strict=True):
        enrolment.version = 2 if row.supply_after else 1
    _insert(Enrolment, enrolments)

    m2m: dict[str, Any] = {}
    through_rows: dict[str, list[Any]] = {}
    for name in ("supply_before", "supply_after"):
        through = getattr(Enrolment, name).through
        objs = [
            through(enrolment_id=enrolment.pk, supplytype_id=supply.pk)
            for row, enrolment in zip(rows, enrolments, strict=True)
            for supply in dict.fromkeys(getattr(row, name))
        ]
        through_rows[name] = _insert(through, objs)
        m2m[name] = through
    by_enrolment: dict[str, dict[int, list[Any]]] = {}
    for name, objs in through_rows.items():
        grouped: dict[int, list[Any]] = defaultdict(list)
        for obj in objs:
            grouped[obj.enrolment_id].append(obj)
        by_enrolment[name] = grouped

    history_model: Any = Enrolment.history.model
    tracked = [f.attname for f in history_model.tracked_fields]
    now = timezone.now()
    records: list[Any] = []
    # (record, the supply lists it holds)
    holds: list[tuple[Any, tuple[str, ...]]] = []
    for row, enrolment in zip(rows, enrolments, strict=True):
        versions: list[tuple[int, tuple[str, ...]]] = [(1, ("supply_before",))]
        if row.supply_after:
            versions.append((2, ("supply_before", "supply_after")))
        for version, lists in versions:
            attrs = {name: getattr(enrolment, name) for name in tracked}
            attrs["version"] = version
            record = history_model(
                history_date=now,
                history_type="~",
                history_user_id=user.pk,
                history_change_reason=None,
                **attrs,
            )
            records.append(record)
            holds.append((record, lists))
    _insert(history_model, records)

    for name in ("supply_before", "supply_after"):
        m2m_history: Any = getattr(history_model, name).model
        objs = [
            m2m_history(
                history_id=record.history_id,
                id=obj.pk,
                enrolment_id=obj.enrolment_id,
                supplytype_id=obj.supplytype_id,
            )
            for record, lists in holds
            if name in lists
            for obj in by_enrolment[name].get(record.id, [])
        ]
        _insert(m2m_history, objs)
    _write_answers(user, enrolments, answers, now)


def _write_answers(
    user: AbstractBaseUser,
    enrolments: list[Enrolment],
    prepared: list[list[PreparedAnswer]],
    now: dt.datetime,
) -> None:
    """The answers as ``save_answers`` writes them (``history.save_with_history``): the
    answer, its chosen choices, and one history record (type "~") holding both."""
    answers: list[Answer] = []
    chosen: list[list[QuestionChoice]] = []
    for enrolment, items in zip(enrolments, prepared, strict=True):
        for answer, choices in items:
            answer.enrolment = enrolment  # now that it has its key
            answers.append(answer)
            chosen.append(choices if answer.question.kind in CHOICE_KINDS else [])
    if not answers:
        return
    _insert(Answer, answers)
    through: Any = Answer.choices.through
    through_rows = _insert(
        through,
        [
            through(answer_id=answer.pk, questionchoice_id=choice.pk)
            for answer, choices in zip(answers, chosen, strict=True)
            for choice in choices
        ],
    )
    by_answer: dict[int, list[Any]] = defaultdict(list)
    for obj in through_rows:
        by_answer[obj.answer_id].append(obj)

    history_model: Any = Answer.history.model
    tracked = [f.attname for f in history_model.tracked_fields]
    records = [
        history_model(
            history_date=now,
            history_type="~",
            history_user_id=user.pk,
            history_change_reason=None,
            **{name: getattr(answer, name) for name in tracked},
        )
        for answer in answers
    ]
    _insert(history_model, records)
    m2m_history: Any = history_model.choices.model
    _insert(
        m2m_history,
        [
            m2m_history(
                history_id=record.history_id,
                id=obj.pk,
                answer_id=obj.answer_id,
                questionchoice_id=obj.questionchoice_id,
            )
            for record in records
            for obj in by_answer.get(record.id, [])
        ],
    )


@transaction.atomic
def register_enrolments_bulk(
    *, user: AbstractBaseUser, insats: Insats, rows: Sequence[NewEnrolment]
) -> list[Enrolment]:
    """Register new enrolments as ``register_enrolment`` (then ``update_enrolment`` for
    the supply after) would one by one, all or nothing; see the module's description."""
    if not can(user, Action.REGISTER, insats.pk):
        raise PermissionDenied
    if not insats.has_personal_data:
        raise ValidationError(_("This insats is not followed up with personal data."))
    if not rows:
        return []
    if not connection.features.can_return_rows_from_bulk_insert:
        # An old SQLite gives no keys back from an insert of many rows: one by one.
        return [_one_by_one(user, insats, row) for row in rows]
    enrolments, answers = _validated(rows, user, insats)
    hashes = [crypto.lookup_hash(row.personnummer.canonical) for row in rows]
    persons = _persons([row.personnummer for row in rows], hashes)
    for enrolment, digest in zip(enrolments, hashes, strict=True):
        enrolment.take_person_facts(persons[digest])
    _check_overlaps(rows, enrolments, insats)
    _write(user, rows, enrolments, answers)
    return enrolments


def _one_by_one(user: AbstractBaseUser, insats: Insats, row: NewEnrolment) -> Enrolment:
    enrolment = services.register_enrolment(
        user=user,
        insats=insats,
        personnummer_text=row.personnummer.canonical,
        first_name=row.first_name,
        last_name=row.last_name,
        supply_before=row.supply_before,
        answers=row.answers,
        **row.fields,
    )
    if row.supply_after:
        services.update_enrolment(user=user, enrolment=enrolment, supply_after=row.supply_after)
    return enrolment
