"""Forms of the evaluation pages. Percentages are typed as percent (0–100) and
stored as such; the selectors turn them into the model's fractions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from samspar.access.scoping import Action
from samspar.codelists.models import EndReason, ResultGroup, SupplyType
from samspar.economics import seed004, selectors, typecases
from samspar.economics.decimal_text import plain_number
from samspar.economics.labels import RESOURCE_LABELS, VALUE_LABELS
from samspar.economics.model.terms import RESOURCES, SUPPLIES, Grade
from samspar.economics.models import (
    COST_SHARES,
    RANGED,
    SHARE_UNIT,
    SPREADS,
    Evaluation,
    Method,
    StandardValueSet,
)
from samspar.economics.services import (
    BEFORE_SUPPLY,
    COST_SPLIT,
    GROUP_FIELDS,
    MAPPING,
    PRICE_YEARS,
    SAME_NAME,
    amount_problem,
    full_time_error,
    shares_error,
    subsidy_error,
)
from samspar.organisation.models import Forbund, Insats
from samspar.organisation.selectors import manageable_forbund

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

PERCENT: dict[str, Any] = {"min_value": 0, "max_value": 100, "decimal_places": 2, "max_digits": 5}
_SPACES = re.compile(r"[\s\u00a0\u202f]")
# Integers shown with grouped thousands ("6 000 000", "10 000").
GROUPED = ("cost", "draws")
NO_PUBLIC_SUPPORT = "ingen"  # codelists.SupplyType: no public support


def supply_labels() -> dict[str, str]:
    """The supply types an average participant's situation is made of: those that move
    public money, and "no public support" for the rest."""
    codes = (*SUPPLIES, NO_PUBLIC_SUPPORT)
    # A break may follow "/" ("Sjukpenning/rehabiliteringspenning"): narrow columns.
    labels = {
        s.code: str(s).replace("/", "/\N{ZERO WIDTH SPACE}")
        for s in SupplyType.objects.filter(code__in=codes)
    }
    return {code: labels.get(code, code) for code in codes}


def money_labels() -> dict[str, str]:
    return {k: v for k, v in supply_labels().items() if k in SUPPLIES}


class NumberInput(forms.TextInput):
    """A text box for numbers, so that a decimal comma can be typed whatever the browser."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, mode: str = "decimal") -> None:
        super().__init__({"inputmode": mode, "autocomplete": "off", **(attrs or {})})


class LocalDecimalField(forms.DecimalField):
    """A number typed as the active language writes it ("1,21", "3,5") or with a point,
    spaces between thousands allowed; shown the same way, without trailing zeros."""

    widget = NumberInput

    def __init__(self, *, grouping: bool = False, **kwargs: Any) -> None:
        kwargs["localize"] = True
        self.grouping = grouping
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = _SPACES.sub("", value).removesuffix("%")
        number: Decimal | None = super().to_python(value)
        return number

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
            return plain_number(value, grouping=self.grouping)
        return value


class LocalIntegerField(forms.IntegerField):
    """A whole number; ``grouping``: shown and typed with spaces between thousands."""

    def __init__(self, *, grouping: bool = False, **kwargs: Any) -> None:
        kwargs["localize"] = True
        kwargs.setdefault("widget", NumberInput(mode="numeric"))
        self.grouping = grouping
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = _SPACES.sub("", value)
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return formats.number_format(value, 0, force_grouping=self.grouping)
        return value


def _formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Numbers of the evaluation as the language writes them (decimal comma)."""
    if isinstance(db_field, models.DecimalField):
        return db_field.formfield(form_class=LocalDecimalField, **kwargs)
    if isinstance(db_field, models.IntegerField) and not isinstance(db_field, models.AutoField):
        return db_field.formfield(
            form_class=LocalIntegerField, grouping=db_field.name in GROUPED, **kwargs
        )
    return db_field.formfield(**kwargs)


def _percent(label: Any, initial: float | Decimal = 0) -> LocalDecimalField:
    return LocalDecimalField(label=label, initial=initial, required=False, **PERCENT)


@dataclass(frozen=True)
class Section:
    """One card of the form: its fields and the errors about the card as a whole."""

    key: str
    title: Any
    fields: list[forms.BoundField]
    help: Any = ""
    errors: tuple[str, ...] = ()

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(f.errors for f in self.fields)


class EvaluationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Evaluation
        fields = [
            "forbund",
            "insats",
            "name",
            "value_set",
            "participants",
            "period_start",
            "period_end",
            "cost",
            "indirect_tax_factor",
            "actor_cost",
            "consumer_prices",
            "wage_subsidy_ceiling",
            "cost_share_kommun",
            "cost_share_region",
            "cost_share_fk",
            "cost_share_af",
            "horizon_years",
            "discounting",
            "discount_rate",
            "deadweight",
            "attribution",
            "displacement",
            "drop_off",
            "drop_off_measured",
            "optimism_bias",
            "switching_months",
            "draws",
            "seed",
            "wellby_value",
            "wellby_source",
            "resample_participants",
            "spread_a",
            "spread_b",
            "spread_c",
            "spread_d",
            "deadweight_low",
            "deadweight_high",
            "attribution_low",
            "attribution_high",
            "drop_off_low",
            "drop_off_high",
            "displacement_low",
            "displacement_high",
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        formfield_callback = _formfield

    # The cards of the form after the first, by the fields they hold.
    CARDS = (
        (
            COST_SPLIT,
            _("Cost"),
            (
                "cost",
                "indirect_tax_factor",
                "consumer_prices",
                "actor_cost",
                *(f"cost_share_{a}" for a in COST_SHARES),
                "wage_subsidy_ceiling",
            ),
        ),
        (
            "adjustments",
            _("Horizon and adjustments"),
            (
                "horizon_years",
                "discounting",
                "discount_rate",
                *RANGED,
                "drop_off_measured",
                "optimism_bias",
                "switching_months",
            ),
        ),
        (
            "wellbeing",
            _("Wellbeing (shown apart from the money)"),
            ("wellby_value", "wellby_source"),
        ),
        (
            "uncertainty",
            _("Uncertainty (Monte Carlo)"),
            (
                "draws",
                "seed",
                "resample_participants",
                *(f"spread_{g.lower()}" for g in SPREADS),
                *(f"{n}_{end}" for n in RANGED for end in ("low", "high")),
            ),
        ),
    )
    HELP = {
        "wellbeing": _(
            "Each type-case group may give its change in life satisfaction (0–10). A "
            "WELLBY is one point for one person for one year; the HM Treasury Green Book "
            "values it at £13 000 (2019 prices). No Swedish value exists: give yours and "
            "its source, or leave it empty to count WELLBYs without valuing them."
        ),
        "uncertainty": _(
            "Each draw takes every standard value from a triangular range around it, as "
            "wide as its confidence grade's spread, and deadweight, attribution, drop-off "
            "and displacement uniformly from their ranges. Leave a range empty to keep the "
            "value fixed; a range must hold the value."
        ),
    }

    def __init__(
        self, *args: Any, user: AbstractBaseUser | AnonymousUser, method: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.method = method
        self.section_errors: dict[str, list[str]] = {}
        managed_insatser = Insats.objects.restrict(user, Action.MANAGE)
        forbund = Forbund.objects.filter(
            Q(pk__in=manageable_forbund(user)) | Q(pk__in=managed_insatser.values("forbund_id"))
        )
        self.fields["forbund"].queryset = forbund  # type: ignore[attr-defined]
        self.fields["insats"].queryset = managed_insatser.select_related("forbund")  # type: ignore[attr-defined]
        self.fields["value_set"].queryset = StandardValueSet.objects.filter(  # type: ignore[attr-defined]
            Q(forbund__isnull=True) | Q(forbund__in=forbund)
        )
        if forbund.count() == 1 and not self.initial.get("forbund"):
            only = forbund.get()
            self.initial["forbund"] = only.pk
            newest = selectors.current_value_sets(only).order_by("-price_year").first()
            if not self.initial.get("value_set") and newest is not None:
                self.initial["value_set"] = newest.pk
        if method == Method.TYPE_CASES:
            for name in ("period_start", "period_end"):
                del self.fields[name]
            self.fields["participants"].required = True
            before = self.instance.before_supply or {}
            for code, label in supply_labels().items():
                self.fields[f"before_{code}"] = _percent(label, before.get(code, 0))
        else:
            del self.fields["participants"]
            self.fields["insats"].required = True
            self.fields["period_start"].required = True
            self.fields["period_end"].required = True
            self.fields["period_end"].help_text = _(
                "Whole months: from the first day of a month to the last day of a month."
            )
        resources = self.instance.before_resources or {}
        for key, resource_label in RESOURCE_LABELS.items():
            self.fields[f"resource_{key}"] = LocalDecimalField(
                label=str(resource_label),
                initial=resources.get(key, 0),
                min_value=0,
                required=False,
            )

    def _fields(self, *prefixes: str) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(prefixes)]

    def _named(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names if name in self.fields]

    def _section(
        self, key: str, title: Any, fields: list[forms.BoundField], help: Any = ""
    ) -> Section:
        return Section(key, title, fields, help, tuple(self.section_errors.get(key, ())))

    def sections(self) -> list[Section]:
        """The cards of the form in order; each field in exactly one."""
        carded = {name for _key, _title, names in self.CARDS for name in names}
        first = [
            self[name]
            for name in self.fields
            if name not in carded and not name.startswith(("before_", "resource_"))
        ]
        sections = [self._section("evaluation", _("The evaluation"), first)]
        sections += [
            self._section(k, t, self._named(n), self.HELP.get(k, "")) for k, t, n in self.CARDS
        ]
        if self.method == Method.TYPE_CASES:
            sections.append(
                self._section(
                    BEFORE_SUPPLY,
                    _("Before: supply of the average participant (%)"),
                    self._fields("before_"),
                    _(
                        "The average participant's year before the insats, shared between "
                        "the kinds of support (no public support included); the shares "
                        "must add up to 100 %."
                    ),
                )
            )
        sections.append(
            self._section(
                "resources",
                _("Before: resource use per participant and year"),
                self._fields("resource_"),
            )
        )
        return sections

    def add_section_errors(self, key: str, errors: list[str]) -> None:
        self.section_errors.setdefault(key, []).extend(errors)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.method == Method.TYPE_CASES:
            shares = [data.get(f"before_{code}") or 0 for code in supply_labels()]
            if problem := shares_error(shares):
                self.add_section_errors(BEFORE_SUPPLY, [problem])
        return data

    def is_valid(self) -> bool:
        """Valid when no field and no card has an error."""
        return super().is_valid() and not self.section_errors

    def save(self, commit: bool = False) -> Evaluation:
        """The evaluation with the form's data, unsaved: the service saves it."""
        evaluation: Evaluation = super().save(commit=False)
        evaluation.method = self.method
        data = self.cleaned_data
        evaluation.before_resources = {
            key: float(data.get(f"resource_{key}") or 0)
            for key in RESOURCES
            if data.get(f"resource_{key}")
        }
        if self.method == Method.TYPE_CASES:
            evaluation.before_supply = {
                code: float(data[f"before_{code}"])
                for code in supply_labels()
                if data.get(f"before_{code}")
            }
        else:
            evaluation.participants = None
        return evaluation


@dataclass(frozen=True)
class MappingFormRow:
    reason: EndReason
    group: str  # the label of its result group
    fields: list[forms.BoundField]


class MappingForm(forms.Form):
    """Individuals: per end reason, the after-state it stands for (a table row each)."""

    COLUMNS = (
        ("work_extent", _("Work extent after, when none is registered (%)"), 100),
        ("wage_subsidy", _("Wage subsidy (%)"), 100),
        ("resource_factor", _("Resource use vs before (%)"), 500),
    )

    def __init__(
        self, *args: Any, mapping: Mapping[str, selectors.MappingEntry], **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", MAPPING)
        super().__init__(*args, **kwargs)
        self.reasons = list(selectors.mapping_reasons())
        for reason in self.reasons:
            entry = mapping[reason.code]
            for name, label, high in self.COLUMNS:
                full = f"{reason}: {label}"
                self.fields[self.field_name(reason.code, name)] = LocalDecimalField(
                    label=full,
                    widget=NumberInput({"aria-label": full}),
                    initial=getattr(entry, name),
                    min_value=0,
                    max_value=high,
                    max_digits=6,
                    decimal_places=2,
                )

    def headers(self) -> list[Any]:
        return [label for _name, label, _high in self.COLUMNS]

    def rows(self) -> list[MappingFormRow]:
        groups = dict(ResultGroup.choices)
        return [
            MappingFormRow(
                reason,
                str(groups.get(reason.result_group, reason.result_group)),
                [self[self.field_name(reason.code, n)] for n, _label, _high in self.COLUMNS],
            )
            for reason in self.reasons
        ]

    def entries(self) -> dict[str, selectors.MappingEntry]:
        data = self.cleaned_data
        return {
            r.code: selectors.MappingEntry(
                *(data[self.field_name(r.code, n)] for n, _label, _high in self.COLUMNS)
            )
            for r in self.reasons
        }

    @staticmethod
    def field_name(code: str, field: str) -> str:
        return f"{code}__{field}"

    def has_field(self, code: str, field: str) -> bool:
        return self.field_name(code, field) in self.fields


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group"), max_length=100)
    share = LocalDecimalField(label=_("Share (%)"), **PERCENT)
    work_extent = _percent(_("Work extent (%)"))
    wage_subsidy = _percent(_("Wage subsidy (%)"))
    resource_factor = LocalDecimalField(
        label=_("Resource use vs before (%)"), initial=100, min_value=0, max_value=500
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in money_labels().items():
            self.fields[f"supply_{code}"] = _percent(label)
        self.fields["age"] = forms.IntegerField(
            label=_("Age in the price year (empty: the default values)"),
            required=False,
            min_value=16,
            max_value=70,
        )
        # Last: not money (model.wellbeing).
        self.fields["wellbeing"] = LocalDecimalField(
            label=_("Life satisfaction, change (points of 0–10)"),
            required=False,
            min_value=-10,
            max_value=10,
            decimal_places=2,
        )

    def supply_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("supply_")]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        supply = [data.get(f"supply_{code}") or 0 for code in SUPPLIES]
        work = data.get("work_extent") or 0
        if problem := full_time_error(supply, work):
            self.add_error(None, problem)
        if problem := subsidy_error(work, data.get("wage_subsidy") or 0):
            self.add_error("wage_subsidy", problem)
        return data

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "share": data["share"],
            "work_extent": data.get("work_extent") or Decimal(0),
            "wage_subsidy": data.get("wage_subsidy") or Decimal(0),
            "resource_factor": data["resource_factor"],
            "wellbeing": data.get("wellbeing") or Decimal(0),
            "age": data.get("age"),
            "supply": {
                code: float(data[f"supply_{code}"])
                for code in SUPPLIES
                if data.get(f"supply_{code}")
            },
        }


class BaseGroupFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        """The kept groups' shares add up to 100 %, and they have different names."""
        kept = [
            f.cleaned_data
            for f in self.forms
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]
        names = [row["name"] for row in kept if "name" in row]
        errors: list[Any] = []
        if len(set(names)) < len(names):
            errors.append(SAME_NAME)
        shares = [row["share"] for row in kept if "share" in row]
        if len(shares) == len(kept) and (problem := shares_error(shares)):
            errors.append(problem)
        if errors:
            raise forms.ValidationError(errors)

    def by_field(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The groups side by side: one row per field, one column per group."""
        names = [f.name for f in self.empty_form.visible_fields()]
        labels = {f.name: f.label for f in self.empty_form.visible_fields()}
        for i, form in enumerate(self.forms, start=1):  # each input named for screen readers
            group = _("Group %(n)s") % {"n": i}
            for n in names:
                form.fields[n].widget.attrs["aria-label"] = f"{labels[n]}, {group}"
        return [(labels[n], [form[n] for form in self.forms]) for n in names]


GroupFormSet = forms.formset_factory(
    GroupForm, formset=BaseGroupFormSet, extra=1, min_num=1, max_num=8, can_delete=True
)


def group_initial(evaluation: Evaluation | None) -> list[dict[str, Any]]:
    """The saved groups, or seed 004's three groups as a starting point."""
    if evaluation is not None and evaluation.pk:
        rows = list(evaluation.groups.values(*GROUP_FIELDS))
    else:
        rows = typecases.group_rows()
    return [
        {
            **{k: v for k, v in row.items() if k != "supply"},
            **{f"supply_{c}": s for c, s in row["supply"].items()},
        }
        for row in rows
    ]


def seed004_initial() -> dict[str, Any]:
    """A new type-case evaluation starts from seed 004."""
    return {
        "name": _("Type-case evaluation"),
        "participants": seed004.PARTICIPANTS,
        "cost": seed004.COST,
        "indirect_tax_factor": seed004.INDIRECT_TAX_FACTOR,
        **{f"before_{c}": s for c, s in typecases.before_supply().items()},
        **{f"resource_{k}": u for k, u in seed004.RESOURCE_USE.items()},
    }


class ValueForm(forms.Form):
    amount = LocalDecimalField(
        label=_("Amount"), min_value=0, max_digits=14, decimal_places=4, grouping=True
    )
    grade = forms.ChoiceField(
        label=_("Confidence grade"), choices=[(g.value, g.value) for g in Grade]
    )
    source = forms.CharField(label=_("Source"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, unit: str, value: str = "", **kwargs: Any) -> None:
        """``value``: the standard value's name, which the table shows beside the fields
        (their accessible names say it too)."""
        super().__init__(*args, **kwargs)
        self.unit = unit
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label}: {value}" if value else field.label
        if unit == SHARE_UNIT:
            self.fields["amount"].help_text = _("A share between 0 and 1.")

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if problem := amount_problem(amount, self.unit):
            raise forms.ValidationError(problem)
        return amount


class ForbundChoiceForm(forms.Form):
    """For whom a new version is made, when the user manages more than one förbund."""

    forbund = forms.ModelChoiceField(
        label=_("New version for"), queryset=Forbund.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, forbund: QuerySet[Forbund], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["forbund"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = forbund
        if forbund.count() == 1:
            field.widget = forms.HiddenInput()
            self.initial.setdefault("forbund", forbund.get().pk)


class PriceYearForm(ForbundChoiceForm):
    """A new version of a value set for another price year."""

    price_year = LocalIntegerField(
        label=_("Price year"), min_value=PRICE_YEARS[0], max_value=PRICE_YEARS[1]
    )


def value_label(key: str) -> str:
    return str(VALUE_LABELS.get(key, key))
