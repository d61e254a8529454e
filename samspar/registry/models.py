"""Participants and their enrolments, plus the aggregate registrations (anonymous
participants, volume counts, structural counts, waiting list)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import BaseValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samspar.access.querysets import InsatsChildQuerySet, RestrictedQuerySet
from samspar.core import crypto
from samspar.core.personnummer import Gender

GENDER_CHOICES = [(Gender.WOMAN.value, _("Woman")), (Gender.MAN.value, _("Man"))]


NAME_MISSING = _("(name missing)")
# Why an enrolment of a person whose identity gallring removed takes no more changes.
CLOSED_BY_GALLRING = _(
    "The participant's identity has been removed (gallring): the enrolment is closed."
)
# What a variable that is not known (not registered) is called on pages and in reports.
UNKNOWN_LABEL = _("Unknown / not registered")


class CountGender(models.TextChoices):
    """Gender in aggregate counts, where it may be unknown."""

    WOMAN = "K", _("Woman")
    MAN = "M", _("Man")
    UNKNOWN = "X", _("Unknown")


def _year_validators() -> list[BaseValidator]:
    return [MinValueValidator(2000), MaxValueValidator(2100)]


class PersonQuerySet(RestrictedQuerySet["Person"]):
    insats_path = "enrolments__insats"
    through_many = True


class Person(models.Model):
    """A participant followed up with personal data: only the identity number and what
    follows from it, so the row never changes once created.

    The identity number is kept encrypted (``pnr_encrypted``) and as a keyed hash
    (``pnr_hash``) for look-up; birth date and legal gender are derived from it. Names are
    not here: each enrolment keeps the names its insats registered (``Enrolment``), with
    their history, so what one insats registers never changes what another one sees.
    """

    pnr_encrypted = models.TextField(_("identity number (encrypted)"))
    pnr_hash = models.CharField(_("identity number look-up hash"), max_length=64, unique=True)
    is_coordination_number = models.BooleanField(_("samordningsnummer"), default=False)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("legal gender"), max_length=1, choices=GENDER_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by gallring (samspar.dataprotection.gallring): the identity is removed, the
    # statistical attributes kept.
    anonymised_at = models.DateTimeField(_("identity removed"), null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        if self.anonymised_at is not None:
            return str(_("(identity removed)"))
        return f"#{self.pk}"

    @property
    def personnummer(self) -> str:
        """The formatted number YYYYMMDD-NNNC. Callers must log the read."""
        if self.anonymised_at is not None:
            return "–"
        plain = crypto.decrypt(self.pnr_encrypted)
        return f"{plain[:8]}-{plain[8:]}"


class EnrolmentQuerySet(InsatsChildQuerySet["Enrolment"]):
    def active_on(self, day: object) -> EnrolmentQuerySet:
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class ResidenceKind(models.TextChoices):
    REGISTERED = "folkbokford", _("Registered residence (folkbokföringskommun)")
    STAYING = "vistelse", _("Place of stay (vistelsekommun)")


class Enrolment(models.Model):
    """One participation of one person in one insats (DOMAIN.md §3).

    The names are the ones this enrolment was registered with; a correction is kept in
    the enrolment's history like any other variable.
    """

    person = models.ForeignKey(Person, models.PROTECT, related_name="enrolments")
    # The person's legal gender and birth date, copied when the enrolment is made
    # (``take_person_facts``): both come from the personnummer and never change. The
    # reports count by them without reading the person table (docs/performance.md).
    person_gender = models.CharField(
        _("legal gender"), max_length=1, choices=GENDER_CHOICES, editable=False
    )
    person_birth_date = models.DateField(_("birth date"), editable=False)
    insats = models.ForeignKey(
        "organisation.Insats", models.PROTECT, related_name="enrolments", verbose_name=_("insats")
    )
    # Every variable SUS did not require may be unknown in historical data ("okänd / ej
    # registrerat"): a blank name, a NULL foreign key or date, an empty supply set. The
    # reports count the unknown as its own category (docs/definitions.md, "Unknown
    # values (historical data)").
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    # At start
    start_date = models.DateField(_("start date"))
    referral_date = models.DateField(_("referral/study-visit date"), null=True, blank=True)
    consent_date = models.DateField(
        _("consent date"),
        null=True,
        blank=True,
        help_text=_("Date of the participant's written consent."),
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("home municipality"),
    )
    residence_kind = models.CharField(
        _("residence"),
        max_length=12,
        choices=ResidenceKind.choices,
        default=ResidenceKind.REGISTERED,
    )
    referring_actor = models.ForeignKey(
        "codelists.ReferringActor",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("referring actor"),
    )
    # An empty set is "unknown"; "no public support" is the code list's own entry.
    supply_before = models.ManyToManyField(
        "codelists.SupplyType", related_name="+", blank=True, verbose_name=_("support before")
    )
    years_in_public_support = models.DecimalField(
        _("years in public support before"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(70)],
    )
    # Unknown education is the code list's own "okänd" entry (SUS has it), never NULL.
    education_level = models.ForeignKey(
        "codelists.EducationLevel", models.PROTECT, verbose_name=_("education level")
    )
    occupation_before = models.ForeignKey(
        "codelists.OccupationType",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation before"),
    )
    occupation_before_percent = models.PositiveSmallIntegerField(
        _("extent before (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    # At end
    end_date = models.DateField(_("end date"), null=True, blank=True)
    early_dropout = models.BooleanField(_("early dropout"), default=False)
    end_reason = models.ForeignKey(
        "codelists.EndReason", models.PROTECT, null=True, blank=True, verbose_name=_("end reason")
    )
    supply_after = models.ManyToManyField(
        "codelists.SupplyType", related_name="+", blank=True, verbose_name=_("support after")
    )
    occupation_after = models.ForeignKey(
        "codelists.OccupationType",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation after"),
    )
    occupation_after_percent = models.PositiveSmallIntegerField(
        _("extent after (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    works_after = models.BooleanField(_("works after"), default=False)
    studies_after = models.BooleanField(_("studies after"), default=False)
    work_or_studies_increased = models.BooleanField(
        _("work/studies started or increased"), default=False
    )
    notes = models.TextField(_("notes"), blank=True)

    # Incremented by every save through the services; an edit form based on an older
    # version is refused (samspar.core.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True
    )
    # The person's copied facts are the person's history, not the enrolment's.
    history = HistoricalRecords(
        m2m_fields=[supply_before, supply_after],
        excluded_fields=["person_gender", "person_birth_date"],
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        indexes = [
            models.Index(fields=["insats", "start_date"]),
            models.Index(fields=["insats", "end_date"]),
            # The lists' order by name, to the id: a page is read off the index
            # (many enrolments may share a name).
            models.Index(fields=["insats", "last_name", "first_name", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="enrolment_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, end_reason__isnull=True)
                | Q(end_date__isnull=False, end_reason__isnull=False),
                name="enrolment_end_reason_iff_end_date",
                violation_error_message=_(
                    "An end date needs an end reason, and an end reason needs an end date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=False) | Q(early_dropout=False),
                name="enrolment_dropout_only_when_ended",
                violation_error_message=_("Only an ended enrolment can be an early dropout."),
            ),
            models.CheckConstraint(
                condition=Q(referral_date__isnull=True) | Q(referral_date__lte=F("start_date")),
                name="enrolment_referral_before_start",
                violation_error_message=_("The referral date cannot be after the start date."),
            ),
            models.CheckConstraint(
                condition=Q(occupation_before__isnull=False)
                | Q(occupation_before_percent__isnull=True),
                name="enrolment_extent_before_needs_occupation",
                violation_error_message=_(
                    "An extent before needs an occupation before; leave both empty if unknown."
                ),
            ),
            models.UniqueConstraint(
                fields=["person", "insats"],
                condition=Q(end_date__isnull=True),
                name="enrolment_one_active_per_person_insats",
                violation_error_message=_(
                    "The person already has an active enrolment in this insats."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} – {self.insats} ({self.start_date})"

    # The fields that come with the person: a row checked before its person is found
    # or created leaves them out of ``full_clean``.
    PERSON_FIELDS = ("person", "person_gender", "person_birth_date")

    def take_person_facts(self, person: Person) -> None:
        """Set the person and copy the facts the reports count by; every way an
        enrolment is made calls this (registration, bulk import, transfer, demo)."""
        self.person = person
        self.person_gender = person.gender
        self.person_birth_date = person.birth_date

    @property
    def full_name(self) -> str:
        """The registered names, or "(name missing)" when history has none."""
        name = f"{self.first_name} {self.last_name}".strip()
        return name or str(NAME_MISSING)

    @property
    def list_name(self) -> str:
        """ "Last, First" for lists; "(name missing)" when neither is registered."""
        parts = [p for p in (self.last_name, self.first_name) if p]
        return ", ".join(parts) or str(NAME_MISSING)

    @property
    def is_active(self) -> bool:
        return self.end_date is None


class FollowUpQuerySet(RestrictedQuerySet["FollowUp"]):
    insats_path = "enrolment__insats"


class FollowUp(models.Model):
    """A participant's situation some months after the end of an enrolment (follow-up
    after exit; the insats's ``follow_up_months``), or that they could not be reached.
    The situation has the variables of the end: support, occupation and its extent,
    works, studies."""

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="follow_ups")
    months_after = models.PositiveSmallIntegerField(
        _("months after end"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    date = models.DateField(_("date"))
    reached = models.BooleanField(
        _("reached"),
        default=True,
        help_text=_("Untick if the participant could not be reached: no situation is kept."),
    )
    supply = models.ManyToManyField("codelists.SupplyType", blank=True, verbose_name=_("support"))
    occupation = models.ForeignKey(
        "codelists.OccupationType",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("occupation"),
    )
    occupation_percent = models.PositiveSmallIntegerField(
        _("extent (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    works = models.BooleanField(_("works"), default=False)
    studies = models.BooleanField(_("studies"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    # As on Enrolment: every save through the services increments it (core.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[supply])

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment", "months_after"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "months_after"],
                name="followup_unique",
                violation_error_message=_(
                    "This follow-up is already registered for the enrolment."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reached=True)
                | Q(
                    occupation__isnull=True,
                    occupation_percent__isnull=True,
                    works=False,
                    studies=False,
                ),
                name="followup_not_reached_has_no_situation",
                violation_error_message=_(
                    "A participant who was not reached has no registered situation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(occupation__isnull=False) | Q(occupation_percent__isnull=True),
                name="followup_extent_needs_occupation",
                violation_error_message=_(
                    "An extent needs an occupation; leave both empty if unknown."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.months_after}"


class AnonymousReason(models.TextChoices):
    PROTECTED_IDENTITY = "skyddad", _("Protected identity")
    NO_CONSENT = "samtycke", _("No consent")


class AnonymousEnrolment(models.Model):
    """A participant followed up anonymously: only gender and start year, no link to a person."""

    insats = models.ForeignKey(
        "organisation.Insats", models.PROTECT, related_name="anonymous_enrolments"
    )
    gender = models.CharField(_("gender"), max_length=1, choices=CountGender.choices)
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=_year_validators())
    reason = models.CharField(_("reason"), max_length=10, choices=AnonymousReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = InsatsChildQuerySet["AnonymousEnrolment"].as_manager()

    class Meta:
        ordering = ["-start_year", "pk"]
        verbose_name = _("anonymous participant")
        verbose_name_plural = _("anonymous participants")


class VolumeCount(models.Model):
    """Number of participants of a volume insats in a period, per gender."""

    insats = models.ForeignKey("organisation.Insats", models.PROTECT, related_name="volume_counts")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    gender = models.CharField(_("gender"), max_length=1, choices=CountGender.choices)
    count = models.PositiveIntegerField(_("number of participants"))

    objects = InsatsChildQuerySet["VolumeCount"].as_manager()

    class Meta:
        ordering = ["-period_start", "gender"]
        verbose_name = _("volume count")
        verbose_name_plural = _("volume counts")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="volume_period_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["insats", "period_start", "period_end", "gender"], name="volume_unique"
            ),
        ]


class StructuralCount(models.Model):
    """Participants of a structural insats (training, conference…) in a period, per party."""

    insats = models.ForeignKey(
        "organisation.Insats", models.PROTECT, related_name="structural_counts"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    party = models.ForeignKey(
        "organisation.MemberParty", models.PROTECT, null=True, blank=True, verbose_name=_("party")
    )
    count = models.PositiveIntegerField(_("number of participants"))

    objects = InsatsChildQuerySet["StructuralCount"].as_manager()

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("structural count")
        verbose_name_plural = _("structural counts")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="structural_period_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["insats", "period_start", "period_end", "party"],
                condition=Q(party__isnull=False),
                name="structural_unique_party",
            ),
            models.UniqueConstraint(
                fields=["insats", "period_start", "period_end"],
                condition=Q(party__isnull=True),
                name="structural_unique_no_party",
            ),
        ]


class WaitingListCount(models.Model):
    """How many wait to be enrolled on a date (seed 002: 6 waiting at year end)."""

    insats = models.ForeignKey("organisation.Insats", models.PROTECT, related_name="waiting_counts")
    date = models.DateField(_("date"))
    count = models.PositiveIntegerField(_("number waiting"))

    objects = InsatsChildQuerySet["WaitingListCount"].as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("waiting list count")
        verbose_name_plural = _("waiting list counts")
        constraints = [models.UniqueConstraint(fields=["insats", "date"], name="waiting_unique")]


# --- the förbund's own questions (SUS's "kompletterande frågor") ----------------------


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("One of several choices")
    CHOICES = "choices", _("Several choices")
    DATE = "date", _("Date")


# The kinds whose answers are picked from the question's own choices.
CHOICE_KINDS = (QuestionKind.CHOICE, QuestionKind.CHOICES)


class QuestionMoment(models.TextChoices):
    """When the question is asked: with the start variables or with the end variables."""

    START = "start", _("At registration")
    END = "end", _("At the end")


class Question(models.Model):
    """An extra variable a förbund asks of the participants of one insats.

    A start question is asked of the enrolments that start within ``valid_from`` –
    ``valid_until``; an end question of those that end within it. A question that has
    answers is not deleted: it gets an end date, and its answers stay in the records,
    the exports and the reports."""

    insats = models.ForeignKey(
        "organisation.Insats", models.PROTECT, related_name="questions", verbose_name=_("insats")
    )
    text = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=8, choices=QuestionKind.choices)
    moment = models.CharField(_("asked"), max_length=5, choices=QuestionMoment.choices)
    valid_from = models.DateField(_("asked from"))
    valid_until = models.DateField(_("asked until"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = InsatsChildQuerySet["Question"].as_manager()

    class Meta:
        ordering = ["insats", "-moment", "position", "pk"]  # start questions first
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="question_period_order",
                violation_error_message=_("The question cannot stop being asked before it starts."),
            ),
            models.UniqueConstraint(
                fields=["insats", "text"],
                name="question_unique_text",
                violation_error_message=_("The insats already has a question with this text."),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def asked_on(self, day: object) -> bool:
        """Whether an enrolment starting (or ending) on ``day`` is asked the question."""
        return isinstance(day, dt.date) and (
            self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
        )


class QuestionChoiceQuerySet(RestrictedQuerySet["QuestionChoice"]):
    insats_path = "question__insats"


class QuestionChoice(models.Model):
    """One of the answers a choice question offers."""

    question = models.ForeignKey(Question, models.CASCADE, related_name="choices")
    label = models.CharField(_("choice"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = QuestionChoiceQuerySet.as_manager()

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "label"],
                name="question_choice_unique_label",
                violation_error_message=_("The question already has this choice."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class AnswerQuerySet(RestrictedQuerySet["Answer"]):
    insats_path = "enrolment__insats"


class Answer(models.Model):
    """An enrolment's answer to one question: the field of the question's kind holds it
    (``choices`` for both choice kinds). An unanswered question has no row."""

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, models.PROTECT, related_name="answers")
    text = models.TextField(_("text"), blank=True)
    number = models.DecimalField(
        _("number"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    yes = models.BooleanField(_("yes"), null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    choices = models.ManyToManyField(QuestionChoice, blank=True, related_name="answers")
    history = HistoricalRecords(m2m_fields=[choices])

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment", "question"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "question"],
                name="answer_unique",
                violation_error_message=_("The question is already answered for the enrolment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.question_id}"
