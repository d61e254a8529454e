"""Forms of the evaluation pages. Percentages are typed as percent (0–100) and
stored as such; the selectors turn them into the model's fractions."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samspar.access.scoping import Action
from samspar.codelists.models import SupplyType
from samspar.economics import selectors
from samspar.economics.labels import RESOURCE_LABELS, VALUE_LABELS
from samspar.economics.model.terms import RESOURCES, SUPPLIES, Grade
from samspar.economics.models import Evaluation, Method, StandardValueSet
from samspar.organisation.models import Forbund, Insats
from samspar.organisation.selectors import manageable_forbund

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

PERCENT = {"min_value": 0, "max_value": 100, "decimal_places": 2, "max_digits": 5}


def supply_labels() -> dict[str, str]:
    labels = {s.code: str(s) for s in SupplyType.objects.filter(code__in=SUPPLIES)}
    return {code: labels.get(code, code) for code in SUPPLIES}


def _percent(label: Any, initial: float = 0) -> forms.DecimalField:
    return forms.DecimalField(label=label, initial=initial, required=False, **PERCENT)  # type: ignore[arg-type]


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
            "cost_share_kommun",
            "cost_share_region",
            "cost_share_fk",
            "cost_share_af",
            "horizon_years",
            "discount_rate",
            "deadweight",
            "attribution",
            "drop_off",
            "optimism_bias",
            "draws",
            "seed",
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(
        self, *args: Any, user: AbstractBaseUser | AnonymousUser, method: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.method = method
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
                self.fields[f"before_{code}"] = _percent(label, float(before.get(code, 0)))
        else:
            del self.fields["participants"]
            self.fields["insats"].required = True
            self.fields["period_start"].required = True
            self.fields["period_end"].required = True
            mapping = {**selectors.DEFAULT_MAPPING, **(self.instance.mapping or {})}
            self.fields["map_work_extent"] = _percent(
                _("Work extent when none is registered (%)"), mapping["work_extent"]
            )
            self.fields["map_wage_subsidy"] = _percent(
                _("Wage subsidy for work with support (%)"), mapping["supported_wage_subsidy"]
            )
            factor_labels = {
                "work": _("Resource use after work, compared with before (%)"),
                "studies": _("Resource use after studies, compared with before (%)"),
            }
            for group, factor_label in factor_labels.items():
                self.fields[f"map_factor_{group}"] = forms.DecimalField(
                    label=factor_label,
                    initial=mapping["resource_factor"].get(group, 100),
                    min_value=0,
                    max_value=500,
                )
        resources = self.instance.before_resources or {}
        for key, resource_label in RESOURCE_LABELS.items():
            self.fields[f"resource_{key}"] = forms.DecimalField(
                label=str(resource_label),
                initial=resources.get(key, 0),
                min_value=0,
                required=False,
            )

    def before_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("before_")]

    def resource_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("resource_")]

    def mapping_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("map_")]

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
                for code in SUPPLIES
                if data.get(f"before_{code}")
            }
        else:
            evaluation.participants = None
            evaluation.mapping = {
                "work_extent": float(data["map_work_extent"] or 0),
                "supported_wage_subsidy": float(data["map_wage_subsidy"] or 0),
                "resource_factor": {
                    "work": float(data["map_factor_work"]),
                    "studies": float(data["map_factor_studies"]),
                },
            }
        return evaluation


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group"), max_length=100)
    share = forms.DecimalField(label=_("Share (%)"), **PERCENT)  # type: ignore[arg-type]
    work_extent = _percent(_("Work extent (%)"))
    wage_subsidy = _percent(_("Wage subsidy (%)"))
    resource_factor = forms.DecimalField(
        label=_("Resource use vs before (%)"), initial=100, min_value=0, max_value=500
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in supply_labels().items():
            self.fields[f"supply_{code}"] = _percent(label)

    def supply_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("supply_")]

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "share": data["share"],
            "work_extent": data.get("work_extent") or Decimal(0),
            "wage_subsidy": data.get("wage_subsidy") or Decimal(0),
            "resource_factor": data["resource_factor"],
            "supply": {
                code: float(data[f"supply_{code}"])
                for code in SUPPLIES
                if data.get(f"supply_{code}")
            },
        }


GroupFormSet = forms.formset_factory(GroupForm, extra=1, min_num=1, max_num=8, can_delete=True)


def group_initial(evaluation: Evaluation | None) -> list[dict[str, Any]]:
    """The saved groups, or seed 004's three groups as a starting point."""
    if evaluation is not None and evaluation.pk:
        rows = list(
            evaluation.groups.values(
                *("name", "share", "work_extent", "wage_subsidy", "resource_factor", "supply")
            )
        )
    else:
        from samspar.economics import seed004

        rows = [
            {
                "name": name,
                "share": share * 100,
                "work_extent": state.work_extent * 100,
                "wage_subsidy": state.wage_subsidy * 100,
                "resource_factor": 80 if state.work_extent else 100,
                "supply": {k: v * 100 for k, v in state.supply.items()},
            }
            for name, share, state in seed004.GROUPS
        ]
    return [
        {
            **{k: v for k, v in row.items() if k != "supply"},
            **{f"supply_{c}": s for c, s in row["supply"].items()},
        }
        for row in rows
    ]


def seed004_initial() -> dict[str, Any]:
    from samspar.economics import seed004

    return {
        "name": _("Type-case evaluation"),
        "participants": seed004.PARTICIPANTS,
        "cost": seed004.COST,
        **{f"before_{c}": s * 100 for c, s in seed004.BEFORE.supply.items()},
        **{f"resource_{k}": u for k, u in seed004.RESOURCE_USE.items()},
    }


class ValueForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=4)
    grade = forms.ChoiceField(
        label=_("Confidence grade"), choices=[(g.value, g.value) for g in Grade]
    )
    source = forms.CharField(label=_("Source"), widget=forms.Textarea(attrs={"rows": 2}))


def value_label(key: str) -> str:
    return str(VALUE_LABELS.get(key, key))
