"""All writes to the participant registry. Views, the CLI and the demo call these.

Each service checks the user's scope, validates everything (``full_clean`` plus the
rules the database cannot hold, such as "not in the future"), and writes inside one
transaction, so a failed call saves nothing. Concurrent writers are serialised by row
locks and version checks (``samspar.core.concurrency``): the second gets a
ValidationError, never a server error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspar.access.scoping import Action, can
from samspar.codelists.models import (
    EducationLevel,
    EndReason,
    OccupationType,
    ReferringActor,
    SupplyType,
)
from samspar.core import concurrency, crypto, personnummer
from samspar.registry import follow_ups
from samspar.registry.history import save_with_history
from samspar.registry.models import (
    CLOSED_BY_GALLRING,
    AnonymousEnrolment,
    Enrolment,
    FollowUp,
    Person,
    Question,
    StructuralCount,
    VolumeCount,
    WaitingListCount,
)
from samspar.registry.question_services import AnswerValue, save_answers

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from samspar.organisation.models import Insats, Municipality

CountRow = TypeVar("CountRow", VolumeCount, StructuralCount, WaitingListCount)


class AfterFields(TypedDict, total=False):
    """The end variables besides the end date and reason, as the services take them."""

    early_dropout: bool
    occupation_after: OccupationType | None
    occupation_after_percent: int | None
    works_after: bool
    studies_after: bool
    work_or_studies_increased: bool
    notes: str


class EnrolmentFields(AfterFields, total=False):
    """An enrolment's own variables as the services take them; each may be left out
    (registering: unknown, or the model's default; correcting: unchanged)."""

    start_date: dt.date
    referral_date: dt.date | None
    consent_date: dt.date | None
    municipality: Municipality | None
    residence_kind: str
    referring_actor: ReferringActor | None
    years_in_public_support: Decimal | None
    education_level: EducationLevel | None
    occupation_before: OccupationType | None
    occupation_before_percent: int | None
    end_date: dt.date | None
    end_reason: EndReason | None


class CorrectedFields(EnrolmentFields, total=False):
    """What a correction may change: the variables and the names."""

    first_name: str
    last_name: str


PNR_MESSAGES = {
    "format": gettext_lazy("Write the number as YYYYMMDD-NNNN (or YYMMDD-NNNN)."),
    "character": gettext_lazy(
        "The number may contain only digits, one hyphen (-) or plus sign (+), and spaces."
    ),
    "check_digit": gettext_lazy("The check digit is wrong: check the last four digits."),
    "date": gettext_lazy("The number does not contain a valid date of birth."),
    "future": gettext_lazy("The date of birth is in the future."),
}

ENDED_MEANWHILE = gettext_lazy(
    "This enrolment was ended while you were filling in the form (in another tab or by "
    "someone else). Nothing was saved."
)
COUNT_CONFLICT = gettext_lazy(
    "Someone else saved this count at the same moment. Check the saved count and save "
    "again if yours is the right one."
)

# The education level code that stands for "unknown" (SUS's own "okänd").
UNKNOWN_EDUCATION = "okand"

# The date fields of an enrolment that must not lie in the future.
_DATE_FIELDS = ("start_date", "referral_date", "consent_date", "end_date")


def parse_personnummer(text: str) -> personnummer.Personnummer:
    """Parse, or raise a ValidationError with a Swedish message naming the fault."""
    try:
        return personnummer.parse(text, today=timezone.localdate())
    except personnummer.PersonnummerError as e:
        raise ValidationError({"personnummer": PNR_MESSAGES[e.code]}, code=e.code) from None


def _require(user: AbstractBaseUser, action: Action, insats: Insats) -> None:
    if not can(user, action, insats.pk):
        raise PermissionDenied


def _check_dates(values: Mapping[str, Any], insats: Insats) -> None:
    today = timezone.localdate()
    errors: dict[str, Any] = {}
    for field in _DATE_FIELDS:
        value = values.get(field)
        if isinstance(value, dt.date) and value > today:
            errors[field] = _("The date cannot be in the future.")
    start = values.get("start_date")
    if isinstance(start, dt.date) and start < insats.start_date and "start_date" not in errors:
        errors["start_date"] = _("The insats started on %(date)s.") % {"date": insats.start_date}
    if errors:
        raise ValidationError(errors)


# The date rules of an enrolment, for the import's dry run (samspar.imports), which checks
# every row before anything is written.
check_enrolment_dates = _check_dates


def _check_no_overlap(enrolment: Enrolment) -> None:
    """A person can repeat an insats, but not be enrolled twice in it at the same time.

    The person's row is locked first, so two writers enrolling the same person check
    one after the other and the second sees the first's enrolment."""
    if enrolment.start_date is None:  # required (by SUS too): never unknown
        raise ValidationError({"start_date": _("Give the start date.")})
    Person.objects.select_for_update().filter(pk=enrolment.person_id).exists()
    others = Enrolment.objects.filter(person_id=enrolment.person_id, insats_id=enrolment.insats_id)
    if enrolment.pk:
        others = others.exclude(pk=enrolment.pk)
    if enrolment.end_date is None:
        clash = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=enrolment.start_date))
    else:
        clash = others.filter(start_date__lte=enrolment.end_date).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=enrolment.start_date)
        )
    active = clash.filter(end_date__isnull=True).exists()
    if active:
        raise ValidationError(
            {"personnummer": _("The person already has an active enrolment in this insats.")}
        )
    if clash.exists():
        raise ValidationError(
            {"start_date": _("The person was already enrolled in this insats during this period.")}
        )


def _find_or_create_person(pnr: personnummer.Personnummer) -> Person:
    """The person with this number, or a new one. An existing person is never changed:
    everything on Person follows from the number, and names live on the enrolments."""
    digest = crypto.lookup_hash(pnr.canonical)
    person = Person.objects.filter(pnr_hash=digest).first()
    if person is None:
        person = Person(
            pnr_encrypted=crypto.encrypt(pnr.canonical),
            pnr_hash=digest,
            is_coordination_number=pnr.coordination,
            birth_date=pnr.birth_date,
            gender=pnr.gender.value,
        )
        person.full_clean()
        person.save()
    return person


def _with_unknown_education(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``education_level=None`` (unknown) is stored as the code list's "okänd" entry, so
    unknown education has one representation (docs/definitions.md)."""
    if "education_level" in fields and fields["education_level"] is None:
        return {**fields, "education_level": EducationLevel.objects.get(code=UNKNOWN_EDUCATION)}
    return dict(fields)


def _validated(enrolment: Enrolment) -> None:
    try:
        enrolment.full_clean(exclude=["person"])
    except ValidationError as e:
        raise ValidationError(e.message_dict) from None


@transaction.atomic
def register_enrolment(
    *,
    user: AbstractBaseUser,
    insats: Insats,
    personnummer_text: str,
    first_name: str = "",
    last_name: str = "",
    supply_before: Iterable[SupplyType] = (),
    answers: Mapping[Question, AnswerValue] | None = None,
    **fields: Unpack[EnrolmentFields],
) -> Enrolment:
    """Enrol a person (found by identity number, or created) in an insats.

    ``fields`` are Enrolment's own start fields (start_date, consent_date, municipality …);
    end fields may be given too, to register a finished enrolment in one step. The names
    are the enrolment's: a person known from another enrolment keeps the names registered
    there.

    Only what SUS required must be given: the identity number, the start date and (for an
    ended enrolment) the end date and end reason. Everything else may be unknown: blank
    names, ``None`` for the optional dates and code-list variables (``None`` education is
    stored as "okänd"), an empty ``supply_before``.
    """
    _require(user, Action.REGISTER, insats)
    if not insats.has_personal_data:
        raise ValidationError(_("This insats is not followed up with personal data."))
    pnr = parse_personnummer(personnummer_text)
    values = _with_unknown_education(fields)
    _check_dates(values, insats)
    try:
        with transaction.atomic():
            person = _find_or_create_person(pnr)
    except (IntegrityError, ValidationError):
        # Someone registered the same new person at this moment (their insert won, or
        # its uniqueness check saw it): theirs is found now. Bad input fails again.
        person = _find_or_create_person(pnr)
    enrolment = Enrolment(
        insats=insats,
        created_by_id=user.pk,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        **values,
    )
    enrolment.take_person_facts(person)
    _check_no_overlap(enrolment)
    _validated(enrolment)
    save_with_history(enrolment, user, {"supply_before": supply_before})
    save_answers(user=user, enrolment=enrolment, answers=answers or {})
    return enrolment


@transaction.atomic
def update_enrolment(
    *,
    user: AbstractBaseUser,
    enrolment: Enrolment,
    version: int | None = None,
    supply_before: Iterable[SupplyType] | None = None,
    supply_after: Iterable[SupplyType] | None = None,
    answers: Mapping[Question, AnswerValue] | None = None,
    **fields: Unpack[CorrectedFields],
) -> Enrolment:
    """Correct any registered variable; the change is kept in the enrolment's history.

    The enrolment is re-read under a row lock and ``fields`` applied to the stored row.
    ``version`` is the version the caller's form was based on: a save based on another
    one is refused (``None``: no check, e.g. an import).
    """
    _require(user, Action.REGISTER, enrolment.insats)
    if enrolment.person.anonymised_at is not None:
        raise ValidationError(CLOSED_BY_GALLRING)
    check_unchanged(concurrency.locked(enrolment), version)
    return _apply(user, enrolment, supply_before, supply_after, answers, fields)


def check_unchanged(enrolment: Enrolment, version: int | None, *, ending: bool = False) -> None:
    """Refuse an edit of ``enrolment`` (as stored) that was based on another ``version``
    (``None``: no check), and the end of an enrolment that has already ended.

    The services call it on the row they locked; the edit forms call it too, so a stale
    form is told so at once, whatever else is wrong with it."""
    if ending and enrolment.end_date is not None:
        if version is not None:
            raise ValidationError(ENDED_MEANWHILE, code=concurrency.STALE_CODE)
        raise ValidationError(_("The enrolment has already ended."))
    concurrency.check_version(enrolment.version, version)


def _apply(
    user: AbstractBaseUser,
    enrolment: Enrolment,
    supply_before: Iterable[SupplyType] | None,
    supply_after: Iterable[SupplyType] | None,
    answers: Mapping[Question, AnswerValue] | None,
    fields: Mapping[str, Any],
) -> Enrolment:
    """Validate and save changes to a locked enrolment (and its answers) as its next
    version."""
    for name, value in _with_unknown_education(fields).items():
        setattr(enrolment, name, value)
    values = {f: getattr(enrolment, f) for f in _DATE_FIELDS}
    _check_dates(values, enrolment.insats)
    _check_no_overlap(enrolment)
    _validated(enrolment)
    enrolment.version += 1
    save_with_history(
        enrolment, user, {"supply_before": supply_before, "supply_after": supply_after}
    )
    save_answers(user=user, enrolment=enrolment, answers=answers or {})
    return enrolment


@transaction.atomic
def update_registration(
    *,
    user: AbstractBaseUser,
    enrolment: Enrolment,
    first_name: str,
    last_name: str,
    version: int | None = None,
    supply_before: Iterable[SupplyType] | None = None,
    supply_after: Iterable[SupplyType] | None = None,
    answers: Mapping[Question, AnswerValue] | None = None,
    **fields: Unpack[EnrolmentFields],
) -> Enrolment:
    """Correct an enrolment, its names included (the edit page); the change is kept in
    the enrolment's history and touches no other enrolment of the person. A save based on
    another ``version`` than the stored one is refused.

    The identity number cannot be changed here: a wrong one means a wrong person, so the
    enrolment is ended as a wrong registration and registered again.
    """
    return update_enrolment(
        user=user,
        enrolment=enrolment,
        version=version,
        supply_before=supply_before,
        supply_after=supply_after,
        answers=answers,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        **fields,
    )


@transaction.atomic
def end_enrolment(
    *,
    user: AbstractBaseUser,
    enrolment: Enrolment,
    end_date: dt.date | None,
    end_reason: Any,
    version: int | None = None,
    supply_after: Iterable[SupplyType] = (),
    answers: Mapping[Question, AnswerValue] | None = None,
    **fields: Unpack[AfterFields],
) -> Enrolment:
    """Register the end of an active enrolment with its end reason and after-variables.

    Checked on the row re-read under a lock, so of two writers ending the same enrolment
    the second is refused; ``version`` as in ``update_enrolment``.
    """
    _require(user, Action.REGISTER, enrolment.insats)
    check_unchanged(concurrency.locked(enrolment), version, ending=True)
    errors = {}
    if end_date is None:
        errors["end_date"] = _("Give the end date.")
    if end_reason is None:
        errors["end_reason"] = _("Give the end reason.")
    if errors:
        raise ValidationError(errors)
    return _apply(
        user,
        enrolment,
        None,
        supply_after,
        answers,
        {"end_date": end_date, "end_reason": end_reason, **fields},
    )


def _check_follow_up(follow_up: FollowUp, supply: list[SupplyType]) -> None:
    enrolment = follow_up.enrolment
    problem = follow_ups.problem(enrolment)
    if problem is not None:
        raise ValidationError(problem)
    assert enrolment.end_date is not None  # problem() said so
    errors: dict[str, str] = {}
    earliest = follow_ups.earliest(enrolment.end_date, follow_up.months_after)
    if follow_up.date > timezone.localdate():
        errors["date"] = _("The date cannot be in the future.")
    elif follow_up.date < earliest:
        errors["date"] = _(
            "A follow-up %(months)s months after the end (%(end)s) can be made from %(date)s."
        ) % {"months": follow_up.months_after, "end": enrolment.end_date, "date": earliest}
    situation = (
        supply,
        follow_up.occupation,
        follow_up.occupation_percent is not None,
        follow_up.works,
        follow_up.studies,
    )
    if not follow_up.reached and any(situation):
        errors["reached"] = _(
            "A participant who was not reached has no registered situation: empty it, or "
            "tick Reached."
        )
    if errors:
        raise ValidationError(errors)
    try:
        follow_up.full_clean(exclude=["enrolment"])
    except ValidationError as e:
        raise ValidationError(e.message_dict) from None


@transaction.atomic
def register_follow_up(
    *,
    user: AbstractBaseUser,
    enrolment: Enrolment,
    months_after: int,
    date: dt.date,
    reached: bool = True,
    supply: Iterable[SupplyType] = (),
    occupation: OccupationType | None = None,
    occupation_percent: int | None = None,
    works: bool = False,
    studies: bool = False,
    notes: str = "",
) -> FollowUp:
    """Register the participant's situation ``months_after`` months after the end of
    ``enrolment`` (one of its insats's follow-up points), or that they were not reached
    (``reached=False``, and no situation)."""
    _require(user, Action.REGISTER, enrolment.insats)
    if months_after not in enrolment.insats.follow_up_months:
        raise ValidationError(
            {
                "months_after": _("The insats does not follow up %(months)s months after the end.")
                % {"months": months_after}
            }
        )
    if enrolment.follow_ups.filter(months_after=months_after).exists():
        raise ValidationError(_("This follow-up is already registered for the enrolment."))
    follow_up = FollowUp(
        enrolment=enrolment,
        months_after=months_after,
        date=date,
        reached=reached,
        occupation=occupation,
        occupation_percent=occupation_percent,
        works=works,
        studies=studies,
        notes=notes.strip(),
    )
    chosen = list(supply)
    _check_follow_up(follow_up, chosen)
    with concurrency.unique_insert(
        _("This follow-up was registered by someone else at the same moment.")
    ):
        save_with_history(follow_up, user, {"supply": chosen})
    return follow_up


@transaction.atomic
def update_follow_up(
    *,
    user: AbstractBaseUser,
    follow_up: FollowUp,
    version: int | None,
    date: dt.date,
    reached: bool,
    supply: Iterable[SupplyType],
    occupation: OccupationType | None,
    occupation_percent: int | None,
    works: bool,
    studies: bool,
    notes: str,
) -> FollowUp:
    """Correct a follow-up; the change is kept in its history. ``version`` as in
    ``update_enrolment``: a save based on another version is refused."""
    _require(user, Action.REGISTER, follow_up.enrolment.insats)
    stored = concurrency.locked(follow_up)
    concurrency.check_version(stored.version, version)
    follow_up.date, follow_up.reached, follow_up.notes = date, reached, notes.strip()
    follow_up.occupation, follow_up.occupation_percent = occupation, occupation_percent
    follow_up.works, follow_up.studies = works, studies
    chosen = list(supply)
    _check_follow_up(follow_up, chosen)
    follow_up.version = stored.version + 1
    save_with_history(follow_up, user, {"supply": chosen})
    return follow_up


@transaction.atomic
def delete_follow_up(*, user: AbstractBaseUser, follow_up: FollowUp) -> None:
    """Remove a follow-up registered by mistake; its history keeps what it said."""
    _require(user, Action.REGISTER, follow_up.enrolment.insats)
    follow_up._history_user = user  # type: ignore[attr-defined]
    follow_up.delete()


def anonymous_year_problem(insats: Insats, year: int) -> str | None:
    """Why an anonymous participant cannot have started in ``year`` (in the future, or
    outside the insats's years), or None; the import's check asks here too."""
    if year > timezone.localdate().year:
        return _("The year cannot be in the future.")
    if year < insats.start_date.year:
        return _("The insats started in %(year)s.") % {"year": insats.start_date.year}
    if insats.end_date is not None and year > insats.end_date.year:
        return _("The insats ended in %(year)s.") % {"year": insats.end_date.year}
    return None


def _check_anonymous(anonymous: AnonymousEnrolment, insats: Insats) -> None:
    problem = anonymous_year_problem(insats, anonymous.start_year)
    if problem is not None:
        raise ValidationError({"start_year": problem})
    anonymous.full_clean()


@transaction.atomic
def register_anonymous(
    *, user: AbstractBaseUser, insats: Insats, gender: str, start_year: int, reason: str
) -> AnonymousEnrolment:
    _require(user, Action.REGISTER, insats)
    if not insats.takes_anonymous:
        raise ValidationError(_("This insats does not take anonymous participants."))
    anonymous = AnonymousEnrolment(
        insats=insats, gender=gender, start_year=start_year, reason=reason
    )
    _check_anonymous(anonymous, insats)
    anonymous._history_user = user  # type: ignore[attr-defined]
    anonymous.save()
    return anonymous


@transaction.atomic
def update_anonymous(
    *,
    user: AbstractBaseUser,
    anonymous: AnonymousEnrolment,
    gender: str,
    start_year: int,
    reason: str,
) -> AnonymousEnrolment:
    """Correct an anonymous registration; its history keeps what it said."""
    _require(user, Action.REGISTER, anonymous.insats)
    anonymous.gender, anonymous.start_year, anonymous.reason = gender, start_year, reason
    _check_anonymous(anonymous, anonymous.insats)
    anonymous._history_user = user  # type: ignore[attr-defined]
    anonymous.save()
    return anonymous


@transaction.atomic
def delete_anonymous(*, user: AbstractBaseUser, anonymous: AnonymousEnrolment) -> None:
    """Remove an anonymous registration made by mistake; its history keeps it."""
    _require(user, Action.REGISTER, anonymous.insats)
    anonymous._history_user = user  # type: ignore[attr-defined]
    anonymous.delete()


def _check_period(period_start: dt.date, period_end: dt.date) -> None:
    if period_start > timezone.localdate():
        raise ValidationError({"period_start": _("The date cannot be in the future.")})
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})


@transaction.atomic
def record_volume_count(
    *,
    user: AbstractBaseUser,
    insats: Insats,
    period_start: dt.date,
    period_end: dt.date,
    gender: str,
    count: int,
) -> VolumeCount:
    """Set the count of a volume insats for a period and gender (replacing an earlier one)."""
    _require(user, Action.MANAGE, insats)
    if not insats.takes_volume_counts:
        raise ValidationError(_("This insats is not followed up by volume counts."))
    _check_period(period_start, period_end)
    row = VolumeCount.objects.filter(
        insats=insats, period_start=period_start, period_end=period_end, gender=gender
    ).first() or VolumeCount(
        insats=insats, period_start=period_start, period_end=period_end, gender=gender
    )
    return _save_count(row, count)


@transaction.atomic
def record_structural_count(
    *,
    user: AbstractBaseUser,
    insats: Insats,
    period_start: dt.date,
    period_end: dt.date,
    party: Any,
    count: int,
) -> StructuralCount:
    """Set the number of participants of a structural insats for a period and party."""
    _require(user, Action.MANAGE, insats)
    if not insats.is_structural:
        raise ValidationError(_("Only a structural insats takes structural counts."))
    _check_period(period_start, period_end)
    if party is not None and party.forbund_id != insats.forbund_id:
        raise ValidationError({"party": _("The party is not a member of this förbund.")})
    row = StructuralCount.objects.filter(
        insats=insats, period_start=period_start, period_end=period_end, party=party
    ).first() or StructuralCount(
        insats=insats, period_start=period_start, period_end=period_end, party=party
    )
    return _save_count(row, count)


@transaction.atomic
def record_waiting_count(
    *, user: AbstractBaseUser, insats: Insats, date: dt.date, count: int
) -> WaitingListCount:
    _require(user, Action.MANAGE, insats)
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    row = WaitingListCount.objects.filter(insats=insats, date=date).first() or WaitingListCount(
        insats=insats, date=date
    )
    return _save_count(row, count)


def _save_count(row: CountRow, count: int) -> CountRow:
    """Set a count row's count; a first save racing another one for the same key is
    refused with a message (its unique constraint), not a server error."""
    row.count = count
    row.full_clean()
    with concurrency.unique_insert(COUNT_CONFLICT):
        row.save()
    return row
