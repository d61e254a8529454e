"""Standard values (versioned per price year and förbund) and evaluations.

An evaluation points at the value set it was made with; a value set that any
evaluation uses is never edited in place (``services.update_standard_values``
makes a new version), so an evaluation already made never changes silently.
Inputs are stored, results are computed from them on demand (the model is fast
and deterministic for a given seed).
"""

from __future__ import annotations

import calendar
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samspar.access.scoping import Action
from samspar.economics.decimal_text import plain_number
from samspar.economics.model import CostBasis, Grade

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
# The unit of a standard value that is a share (0–1), e.g. the employer contributions.
SHARE_UNIT = "andel"


def percent_field(label: Any, default: int | Decimal = 0) -> models.DecimalField[Any, Any]:
    """A share typed and stored as percent, 0–100 with two decimals."""
    return models.DecimalField(
        label, max_digits=5, decimal_places=2, default=default, validators=PERCENT
    )


def bound_field(label: Any, default: Decimal | None = None) -> models.DecimalField[Any, Any]:
    """One end of a Monte Carlo range, in percent; empty: the value is fixed."""
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        default=default,
    )


# The discount rate of the UK Green Book (percent a year), the rate offered when an
# evaluation discounts.
DISCOUNT_RATE = Decimal("3.5")
# The parties the cost is split between (``Evaluation.cost_share_<party>``).
COST_SHARES = ("kommun", "region", "fk", "af")
# Inputs the Monte Carlo can draw from a range [low, high] around their value.
RANGED = ("deadweight", "attribution", "drop_off", "displacement")
# The counterfactual of a new evaluation (percent): value and Monte Carlo range, from
# Swedish evaluations of comparable programmes (docs/economics.md, "The counterfactual").
COUNTERFACTUAL = {
    "deadweight": (Decimal(30), Decimal(20), Decimal(50)),
    "attribution": (Decimal(20), Decimal(10), Decimal(30)),
    "displacement": (Decimal(30), Decimal(0), Decimal(65)),
}
# NyttoSam's way, as seed 004 is reproduced: the whole before-after change counts, with
# no deadweight, attribution or displacement and no ranges, and only the cost is
# uplifted by the indirect-tax factor (an evaluation's fields).
NYTTOSAM: dict[str, Decimal | bool | None] = {
    **{name: Decimal(0) for name in COUNTERFACTUAL},
    **{f"{name}_{end}": None for name in COUNTERFACTUAL for end in ("low", "high")},
    "consumer_prices": False,  # only the cost is uplifted
}
# Half-widths of the standard values' Monte Carlo ranges by confidence grade (percent).
SPREADS = {"A": 2, "B": 10, "C": 25, "D": 40}


def resource_factor_field() -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        _("resource use compared with before (%)"),
        max_digits=6,
        decimal_places=2,
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )


class Method(models.TextChoices):
    TYPE_CASES = "type_cases", _("Type cases")
    INDIVIDUALS = "individuals", _("Registered individuals")


class StandardValueSet(models.Model):
    """The standard values of one price year: Samspår's shipped set (no förbund) or a
    förbund's own version of it."""

    forbund = models.ForeignKey(
        "organisation.Forbund",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="value_sets",
        verbose_name=_("samordningsförbund"),
    )
    price_year = models.PositiveSmallIntegerField(_("price year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    based_on = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, verbose_name=_("based on")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("standard value set")
        verbose_name_plural = _("standard value sets")
        ordering = ["-price_year", "forbund_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["forbund", "price_year", "version"],
                condition=Q(forbund__isnull=False),
                name="valueset_unique_forbund_version",
            ),
            models.UniqueConstraint(
                fields=["price_year", "version"],
                condition=Q(forbund__isnull=True),
                name="valueset_unique_shipped_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version}"


class StandardValue(models.Model):
    value_set = models.ForeignKey(StandardValueSet, models.CASCADE, related_name="values")
    key = models.SlugField(_("key"), max_length=40)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=30)
    grade = models.CharField(
        _("confidence grade"), max_length=1, choices=[(g.value, g.value) for g in Grade]
    )
    source = models.TextField(_("source"))

    class Meta:
        verbose_name = _("standard value")
        verbose_name_plural = _("standard values")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["value_set", "key"], name="standardvalue_unique_key"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="standardvalue_not_negative"),
            models.CheckConstraint(
                condition=~Q(unit=SHARE_UNIT) | Q(amount__lte=1),
                name="standardvalue_share_at_most_one",
                violation_error_message=_("A share is at most 1 (100 %%)."),
            ),
        ]


class EvaluationQuerySet(models.QuerySet["Evaluation"]):
    def restrict(self, user: AbstractBaseUser | AnonymousUser, action: Action) -> Self:
        """Evaluations of förbund where the user holds a förbund-wide role granting
        ``action``, and of insatser the user may ``action``; none by default."""
        from samspar.access.scoping import forbund_q, insats_q

        wide = forbund_q(user, action, "forbund")
        return self.filter(wide | (Q(insats__isnull=False) & insats_q(user, action, "insats")))


class Evaluation(models.Model):
    forbund = models.ForeignKey(
        "organisation.Forbund",
        models.PROTECT,
        related_name="evaluations",
        verbose_name=_("samordningsförbund"),
    )
    insats = models.ForeignKey(
        "organisation.Insats",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("insats"),
    )
    name = models.CharField(_("name"), max_length=200)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    value_set = models.ForeignKey(
        StandardValueSet,
        models.PROTECT,
        related_name="evaluations",
        verbose_name=_("standard values"),
    )
    # Type cases: the number of participants; individuals: counted from the registry.
    participants = models.PositiveIntegerField(
        _("participants"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1, _("At least one participant."))],
    )
    period_start = models.DateField(_("ended from"), null=True, blank=True)
    period_end = models.DateField(_("ended to"), null=True, blank=True)
    cost = models.PositiveBigIntegerField(
        _("cost of the insats (SEK)"),
        validators=[MinValueValidator(1, _("The cost must be more than 0 SEK."))],
    )
    indirect_tax_factor = models.DecimalField(
        _("indirect-tax factor"),
        max_digits=4,
        decimal_places=2,
        default=1.25,
        validators=[MinValueValidator(1), MaxValueValidator(2)],
    )
    actor_cost = models.CharField(
        _("cost of each actor"),
        max_length=10,
        choices=[
            (CostBasis.UPLIFTED.value, _("share of the socio-economic (uplifted) cost")),
            (CostBasis.NOMINAL.value, _("share of the cost paid (as NyttoSam)")),
        ],
        # Each party compares the kronor it pays with the kronor it gains (evaluations
        # made before this default keep theirs: migration 0018).
        default=CostBasis.NOMINAL.value,
        help_text=_("Society always bears the cost uplifted by the indirect-tax factor."),
    )
    consumer_prices = models.BooleanField(
        _("society's resources in consumer prices"),
        default=True,
        help_text=_(
            "The production and the saved resources are uplifted by the indirect-tax "
            "factor as the cost is (ASEK). NyttoSam uplifts the cost only."
        ),
    )
    wage_subsidy_ceiling = models.BooleanField(
        _("wage subsidy up to the ceiling"),
        default=True,
        help_text=_(
            "Lönestöd is paid on the wage up to the ceiling of förordning 2017:462 "
            "(NyttoSam: of the whole wage cost)."
        ),
    )
    cost_share_kommun = percent_field(_("cost share, municipality (%)"), 25)
    cost_share_region = percent_field(_("cost share, region (%)"), 25)
    cost_share_fk = percent_field(_("cost share, Försäkringskassan (%)"), 25)
    cost_share_af = percent_field(_("cost share, Arbetsförmedlingen (%)"), 25)
    horizon_years = models.PositiveSmallIntegerField(
        _("horizon (years)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    discounting = models.BooleanField(
        _("discount future revenue"),
        default=False,
        help_text=_("NyttoSam does not discount; the Green Book discounts at 3.5 % a year."),
    )
    discount_rate = models.DecimalField(
        _("discount rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=DISCOUNT_RATE,
        validators=PERCENT,
        help_text=_("Used when future revenue is discounted."),
    )
    deadweight = percent_field(_("deadweight (%)"), COUNTERFACTUAL["deadweight"][0])
    attribution = percent_field(_("attribution to others (%)"), COUNTERFACTUAL["attribution"][0])
    displacement = percent_field(
        _("displacement of other workers (%)"), COUNTERFACTUAL["displacement"][0]
    )
    drop_off = percent_field(_("drop-off per year (%)"))
    optimism_bias = models.BooleanField(_("optimism-bias haircut"), default=False)
    deadweight_low = bound_field(_("deadweight, low (%)"), COUNTERFACTUAL["deadweight"][1])
    deadweight_high = bound_field(_("deadweight, high (%)"), COUNTERFACTUAL["deadweight"][2])
    attribution_low = bound_field(_("attribution, low (%)"), COUNTERFACTUAL["attribution"][1])
    attribution_high = bound_field(_("attribution, high (%)"), COUNTERFACTUAL["attribution"][2])
    displacement_low = bound_field(_("displacement, low (%)"), COUNTERFACTUAL["displacement"][1])
    displacement_high = bound_field(_("displacement, high (%)"), COUNTERFACTUAL["displacement"][2])
    drop_off_low = bound_field(_("drop-off, low (%)"))
    drop_off_high = bound_field(_("drop-off, high (%)"))
    drop_off_measured = models.BooleanField(
        _("drop-off measured by the follow-ups after exit"),
        default=False,
        help_text=_(
            "At every save the drop-off and its range are measured from the follow-ups "
            "of the evaluation's insats (or förbund) and period: of those who worked or "
            "studied at the end, how many still do."
        ),
    )
    # What a measured drop-off rests on (economics.persistence): {"months", "reached",
    # "kept"}; None when the drop-off is assumed.
    drop_off_basis = models.JSONField(null=True, blank=True, editable=False)
    spread_a = percent_field(_("spread of grade A values (± %)"), SPREADS["A"])
    spread_b = percent_field(_("spread of grade B values (± %)"), SPREADS["B"])
    spread_c = percent_field(_("spread of grade C values (± %)"), SPREADS["C"])
    spread_d = percent_field(_("spread of grade D values (± %)"), SPREADS["D"])
    resample_participants = models.BooleanField(
        _("resample the participants among the groups"), default=True
    )
    switching_months = models.PositiveSmallIntegerField(
        _("payback target for the switching value (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("What yearly revenue per participant makes the insats pay back in time?"),
    )
    draws = models.PositiveIntegerField(
        _("Monte Carlo draws"),
        default=10_000,
        validators=[MinValueValidator(100), MaxValueValidator(100_000)],
    )
    seed = models.PositiveIntegerField(_("random seed"), default=2025)
    # What one WELLBY is worth (kronor); empty: the WELLBYs are counted, not valued.
    wellby_value = models.DecimalField(
        _("value of one WELLBY (SEK)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "One point of life satisfaction for one person for one year. Shown beside, "
            "never added to, the fiscal results."
        ),
    )
    wellby_source = models.CharField(_("source of the WELLBY value"), max_length=300, blank=True)
    # States as {code: share}/{key: units}; checked by the model on every save.
    before_supply = models.JSONField(_("supply before"), default=dict, blank=True)
    before_resources = models.JSONField(_("resource use before"), default=dict, blank=True)
    # Individuals: the ended participants' registered situations, aggregated into
    # profiles with a count (``selectors.Profile``), as the registry had them at
    # ``registry_as_of``; the mapping (``MappingRow``) makes them states. Never shown.
    profiles = models.JSONField(_("profiles from the registry"), default=list, blank=True)
    registry_as_of = models.DateTimeField(_("computed from the registry at"), null=True, blank=True)
    # Individuals: one keyed token per participant and registered situation
    # (``selectors.registry_population``), to refuse populations that differ from
    # another evaluation's by a few (``economics.privacy``). Never shown.
    population = models.JSONField(_("population from the registry"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("socio-economic evaluation")
        verbose_name_plural = _("socio-economic evaluations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method=Method.TYPE_CASES, participants__gt=0)
                | Q(
                    method=Method.INDIVIDUALS,
                    insats__isnull=False,
                    period_start__isnull=False,
                    period_end__isnull=False,
                    period_end__gte=F("period_start"),
                ),
                name="evaluation_inputs_fit_method",
                violation_error_message=_(
                    "Type cases need at least one participant; registered individuals need "
                    "an insats and a period that does not end before it starts."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(method=Method.INDIVIDUALS) | Q(registry_as_of__isnull=False),
                name="evaluation_individuals_have_profiles",
                violation_error_message=_(
                    "An evaluation of registered individuals records when it read the registry."
                ),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}_low__isnull": True, f"{name}_high__isnull": True})
                    | Q(
                        **{
                            f"{name}_low__lte": F(name),
                            f"{name}_high__gte": F(name),
                        }
                    ),
                    name=f"evaluation_{name}_range_around_value",
                    violation_error_message=_(
                        "A range runs from low to high around the value, or is left empty."
                    ),
                )
                for name in RANGED
            ),
            models.CheckConstraint(
                condition=Q(cost__gt=0),
                name="evaluation_cost_positive",
                violation_error_message=_("The cost must be more than 0 SEK."),
            ),
            models.CheckConstraint(
                condition=Q(
                    cost_share_kommun__gte=0,
                    cost_share_region__gte=0,
                    cost_share_fk__gte=0,
                    cost_share_af__gte=0,
                ),
                name="evaluation_cost_shares_not_negative",
            ),
            models.CheckConstraint(
                condition=Exact(
                    F("cost_share_kommun")
                    + F("cost_share_region")
                    + F("cost_share_fk")
                    + F("cost_share_af"),
                    100,
                ),
                name="evaluation_cost_shares_sum_to_100",
                violation_error_message=_("The cost shares must add up to 100 %%."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """What each method needs, on the field it is about (the constraint
        ``evaluation_inputs_fit_method`` holds the same in the database)."""
        errors: dict[str, Any] = {}
        if self.method == Method.TYPE_CASES and self.participants is None:
            errors["participants"] = _("At least one participant.")
        if self.method == Method.INDIVIDUALS:
            if self.insats_id is None:
                errors["insats"] = _("Choose the insats whose participants are evaluated.")
            for name in ("period_start", "period_end"):
                if getattr(self, name) is None:
                    errors[name] = _("Give the period in which the participants ended.")
            if self.period_start and self.period_end and self.period_end < self.period_start:
                errors["period_end"] = _("The period cannot end before it starts.")
            else:
                errors.update(self._whole_months())
        for name in RANGED:
            low, value, high = (getattr(self, n) for n in (f"{name}_low", name, f"{name}_high"))
            if (low is None) != (high is None):
                errors[f"{name}_low" if low is None else f"{name}_high"] = _(
                    "Give both ends of the range, or neither."
                )
            elif low is not None and value is not None and not low <= value <= high:
                errors[f"{name}_low"] = _(
                    "The range must hold the value: low ≤ %(value)s ≤ high."
                ) % {"value": plain_number(value)}
        if errors:
            raise ValidationError(errors)

    def _whole_months(self) -> dict[str, Any]:
        """An evaluation of individuals covers whole calendar months (docs/economics.md,
        "Small groups"): a period a few days longer or shorter than another would
        single out the few who ended in those days."""
        errors: dict[str, Any] = {}
        if self.period_start and self.period_start.day != 1:
            errors["period_start"] = _("The period starts on the first day of a month.")
        end = self.period_end
        if end and end.day != calendar.monthrange(end.year, end.month)[1]:
            errors["period_end"] = _("The period ends on the last day of a month.")
        return errors

    def ranges(self) -> dict[str, tuple[Any, Any] | None]:
        """The Monte Carlo range of each ranged input (percent), None where fixed."""
        return {
            name: None
            if getattr(self, f"{name}_low") is None
            else (getattr(self, f"{name}_low"), getattr(self, f"{name}_high"))
            for name in RANGED
        }

    def spreads(self) -> dict[str, Any]:
        return {grade: getattr(self, f"spread_{grade.lower()}") for grade in SPREADS}

    def cost_split(self) -> dict[str, Any]:
        return {party: getattr(self, f"cost_share_{party}") for party in COST_SHARES}


class TypeCaseGroup(models.Model):
    """One after-group of a type-case evaluation (seed 004: work / better / same)."""

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="groups")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    share = models.DecimalField(
        _("share of participants (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    supply = models.JSONField(_("supply after"), default=dict, blank=True)
    work_extent = percent_field(_("work extent (%)"))
    wage_subsidy = percent_field(_("wage subsidy (%)"))
    resource_factor = resource_factor_field()
    # Change in life satisfaction (0–10 scale) per participant and year, after less
    # before: WELLBYs, shown apart from the money (model.wellbeing).
    # The age the group's participants reach in the price year: picks the age-banded
    # standard values (aktivitetsersättning, employer contributions); empty: the defaults.
    age = models.PositiveSmallIntegerField(
        _("age in the price year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(16), MaxValueValidator(70)],
    )
    wellbeing = models.DecimalField(
        _("change in life satisfaction (points of 0–10)"),
        max_digits=4,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(-10), MaxValueValidator(10)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("type-case group")
        verbose_name_plural = _("type-case groups")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "position"], name="typecase_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0, share__lte=100), name="typecase_share_is_percent"
            ),
        ]


class MappingRow(models.Model):
    """Individuals: what an end reason says about the after-state of a participant who
    ended with it (docs/economics.md, "From the registry to before and after")."""

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="mapping_rows")
    end_reason = models.ForeignKey(
        "codelists.EndReason", models.PROTECT, related_name="+", verbose_name=_("end reason")
    )
    work_extent = percent_field(_("work extent after, when none is registered (%)"))
    wage_subsidy = percent_field(_("wage subsidy (%)"))
    resource_factor = resource_factor_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mapping of an end reason")
        verbose_name_plural = _("mapping from the registry")
        ordering = ["end_reason__sort_order", "end_reason__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "end_reason"], name="mapping_one_row_per_end_reason"
            ),
            models.CheckConstraint(
                condition=Q(work_extent__gte=0, work_extent__lte=100)
                & Q(wage_subsidy__gte=0, wage_subsidy__lte=100)
                & Q(resource_factor__gte=0, resource_factor__lte=500),
                name="mapping_shares_in_range",
            ),
        ]
