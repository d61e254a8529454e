"""Län → samordningsförbund → (team) → insats, the förbund's member parties, and each
insats's plan, budget, financing and staff."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samspar.access.querysets import InsatsChildQuerySet, RestrictedQuerySet


class County(models.Model):
    """A län, with SCB's two-digit code."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A kommun, with SCB's four-digit code."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(County, models.PROTECT, related_name="municipalities")

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


# Gallring: how long a participant's identity is kept after their last enrolment ended.
RETENTION_YEARS_DEFAULT = 5
RETENTION_YEARS_MIN = 1
RETENTION_YEARS_MAX = 10


class Forbund(models.Model):
    """A samordningsförbund."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    county = models.ForeignKey(
        County, models.PROTECT, related_name="forbund", verbose_name=_("county")
    )
    organisation_number = models.CharField(_("organisation number"), max_length=11, blank=True)
    suppression_threshold = models.PositiveSmallIntegerField(
        _("suppression threshold"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(20)],
        help_text=_(
            "Counts below this are hidden in tables for others than the insats's "
            "registrators (3–20; 5 is the usual choice)."
        ),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention period (years)"),
        default=RETENTION_YEARS_DEFAULT,
        validators=[
            MinValueValidator(RETENTION_YEARS_MIN),
            MaxValueValidator(RETENTION_YEARS_MAX),
        ],
        help_text=_(
            "A participant's identity (personnummer, names, notes) is removed this many "
            "years after their last enrolment ended (gallring, 1–10 years)."
        ),
    )
    # Who changed the settings and when: a lowered threshold is not unseen, and the
    # economics population check uses the highest the förbund has had (docs/economics.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("samordningsförbund")
        verbose_name_plural = _("samordningsförbund")

    def __str__(self) -> str:
        return self.name


class PartyKind(models.TextChoices):
    """The four kinds of party the Finsam law names."""

    FK = "fk", _("Försäkringskassan")
    AF = "af", _("Arbetsförmedlingen")
    REGION = "region", _("Region")
    KOMMUN = "kommun", _("Municipality")


class MemberParty(models.Model):
    forbund = models.ForeignKey(Forbund, models.CASCADE, related_name="parties")
    kind = models.CharField(_("kind"), max_length=10, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        Municipality, models.PROTECT, null=True, blank=True, verbose_name=_("municipality")
    )
    # Who added or removed which party when (the set-up pages).
    history = HistoricalRecords()

    class Meta:
        ordering = ["forbund", "kind", "name"]
        verbose_name = _("member party")
        verbose_name_plural = _("member parties")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=PartyKind.KOMMUN, municipality__isnull=False)
                | (~Q(kind=PartyKind.KOMMUN) & Q(municipality__isnull=True)),
                name="party_municipality_iff_kommun",
            ),
            models.UniqueConstraint(
                fields=["forbund", "municipality"],
                condition=Q(municipality__isnull=False),
                name="party_unique_municipality",
            ),
            models.UniqueConstraint(
                fields=["forbund", "kind"],
                condition=~Q(kind=PartyKind.KOMMUN),
                name="party_unique_state_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team or site grouping insatser of one förbund (e.g. 'Mottagningsteamet')."""

    forbund = models.ForeignKey(Forbund, models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint(fields=["forbund", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class InsatsKind(models.TextChoices):
    INDIVIDUAL = "individ", _("Individual-oriented")
    STRUCTURAL = "struktur", _("Structural")


class FollowUpMethod(models.TextChoices):
    PERSONAL = "personal", _("With personal data")
    ANONYMOUS = "anonymous", _("Anonymous")
    VOLUME = "volume", _("Volume (counts only)")


# At most this many follow-ups after exit per enrolment, each 1–60 months after the end.
MAX_FOLLOW_UPS = 4
FOLLOW_UP_MONTHS_MAX = 60


def default_follow_up_months() -> list[int]:
    """Six and twelve months after the end, as the förbund's follow-ups usually are."""
    return [6, 12]


def validate_follow_up_months(value: object) -> None:
    """Whole months from 1 to 60, each once, in rising order, at most four."""
    ok = (
        isinstance(value, list)
        and len(value) <= MAX_FOLLOW_UPS
        and all(isinstance(m, int) and not isinstance(m, bool) for m in value)
        and all(1 <= m <= FOLLOW_UP_MONTHS_MAX for m in value)
        and value == sorted(set(value))
    )
    if not ok:
        raise ValidationError(
            _(
                "Give at most %(count)s whole numbers of months from 1 to %(max)s, each "
                "once, from the earliest, e.g. 6, 12."
            ),
            params={"count": MAX_FOLLOW_UPS, "max": FOLLOW_UP_MONTHS_MAX},
            code="follow_up_months",
        )


class Insats(models.Model):
    forbund = models.ForeignKey(
        Forbund, models.PROTECT, related_name="insatser", verbose_name=_("samordningsförbund")
    )
    team = models.ForeignKey(
        Team,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="insatser",
        verbose_name=_("team"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=InsatsKind.choices)
    follow_up_method = models.CharField(
        _("follow-up method"), max_length=10, choices=FollowUpMethod.choices
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    target_group = models.TextField(_("target group"), blank=True)
    trial_period_months = models.PositiveSmallIntegerField(
        _("trial period (months)"), default=0, validators=[MaxValueValidator(24)]
    )
    follow_up_months = models.JSONField(
        _("follow-up after end (months)"),
        default=default_follow_up_months,
        blank=True,
        validators=[validate_follow_up_months],
        help_text=_(
            "When the ended participants are followed up, in months after the end, e.g. "
            "6, 12. Empty: no follow-up after exit."
        ),
    )

    objects = RestrictedQuerySet["Insats"].as_manager()

    class Meta:
        ordering = ["forbund__name", "name"]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        constraints = [
            models.UniqueConstraint(fields=["forbund", "name"], name="insats_unique_name"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="insats_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=InsatsKind.STRUCTURAL)
                | Q(follow_up_method=FollowUpMethod.VOLUME),
                name="insats_structural_is_volume",
                violation_error_message=_("A structural insats is followed up by counts only."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_personal_data(self) -> bool:
        return self.follow_up_method == FollowUpMethod.PERSONAL

    @property
    def takes_anonymous(self) -> bool:
        return self.kind == InsatsKind.INDIVIDUAL and self.follow_up_method != FollowUpMethod.VOLUME

    @property
    def takes_volume_counts(self) -> bool:
        return self.kind == InsatsKind.INDIVIDUAL and self.follow_up_method == FollowUpMethod.VOLUME

    @property
    def is_structural(self) -> bool:
        return self.kind == InsatsKind.STRUCTURAL


class InsatsYear(models.Model):
    """What an insats plans for one calendar year."""

    insats = models.ForeignKey(Insats, models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    budgeted_participants = models.PositiveIntegerField(_("budgeted participants"))

    objects = InsatsChildQuerySet.as_manager()

    class Meta:
        ordering = ["insats", "year"]
        verbose_name = _("insats year")
        verbose_name_plural = _("insats years")
        constraints = [models.UniqueConstraint(fields=["insats", "year"], name="insatsyear_unique")]


class BudgetLine(models.Model):
    """Budget (beslut) and outcome (utfall) of one cost category in one year, in whole kronor."""

    insats = models.ForeignKey(Insats, models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    category = models.ForeignKey(
        "codelists.CostCategory", models.PROTECT, verbose_name=_("cost category")
    )
    budget = models.PositiveBigIntegerField(_("budget (SEK)"))
    outcome = models.PositiveBigIntegerField(_("outcome (SEK)"), null=True, blank=True)

    objects = InsatsChildQuerySet.as_manager()

    class Meta:
        ordering = ["insats", "year", "category__sort_order"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["insats", "year", "category"], name="budgetline_unique")
        ]


class Financing(models.Model):
    """What one member party contributes to an insats in one year, in whole kronor."""

    insats = models.ForeignKey(Insats, models.CASCADE, related_name="financing")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    party = models.ForeignKey(MemberParty, models.PROTECT, verbose_name=_("party"))
    amount = models.PositiveBigIntegerField(_("amount (SEK)"))

    objects = InsatsChildQuerySet.as_manager()

    class Meta:
        ordering = ["insats", "year", "party__name"]
        verbose_name = _("financing")
        verbose_name_plural = _("financing")
        constraints = [
            models.UniqueConstraint(fields=["insats", "year", "party"], name="financing_unique")
        ]


class StaffMember(models.Model):
    insats = models.ForeignKey(Insats, models.CASCADE, related_name="staff")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200)
    fte_percent = models.DecimalField(
        _("FTE (%)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share of full time (tjänstgöringsgrad); 100 % = 40 hours/week."),
    )
    employer = models.ForeignKey(
        MemberParty, models.PROTECT, null=True, blank=True, verbose_name=_("employing party")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)

    objects = InsatsChildQuerySet.as_manager()

    class Meta:
        ordering = ["insats", "-fte_percent", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="staff_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(fte_percent__gte=0) & Q(fte_percent__lte=100), name="staff_fte_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name
