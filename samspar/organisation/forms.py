"""Forms of the insats pages. They only parse input; the services validate and write."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samspar.codelists.models import CostCategory
from samspar.core.personnummer import luhn_check_digit
from samspar.organisation.models import (
    FollowUpMethod,
    Forbund,
    InsatsKind,
    MemberParty,
    Team,
    default_follow_up_months,
    validate_follow_up_months,
)
from samspar.registry.models import CountGender

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YEAR_MIN, YEAR_MAX = 2000, 2100


class DateInput(forms.DateInput):
    """The browser's date picker; the value is always ISO (YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


ORGANISATION_NUMBER = re.compile(r"(\d{6})-?(\d{4})")


def clean_organisation_number(value: str) -> str:
    """A Swedish organisation number as NNNNNN-NNNN (ten digits, the last a Luhn check
    digit, as Bolagsverket gives it); empty stays empty."""
    value = value.strip()
    if not value:
        return ""
    match = ORGANISATION_NUMBER.fullmatch(value.replace(" ", ""))
    if match is None:
        raise ValidationError(
            _("Enter the organisation number as ten digits, NNNNNN-NNNN."), code="format"
        )
    digits = match.group(1) + match.group(2)
    if luhn_check_digit(digits[:9]) != digits[9]:
        raise ValidationError(
            _("The check digit is wrong: check the last four digits."), code="check_digit"
        )
    return f"{match.group(1)}-{match.group(2)}"


class OrganisationNumberField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 11)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Ten digits, NNNNNN-NNNN."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return clean_organisation_number(str(super().clean(value) or ""))


class ForbundSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """The förbund administrator's settings of the förbund."""

    organisation_number = OrganisationNumberField(label=_("Organisation number"))

    class Meta:
        model = Forbund
        fields = ("organisation_number", "suppression_threshold", "retention_years")


def date_field(label: StrOrPromise, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


def count_field(label: StrOrPromise, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=0, widget=forms.NumberInput(attrs={"min": 0})
    )


class AmountField(forms.IntegerField):
    """Whole kronor; accepts spaces as thousands separators ("2 300 000")."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value)
            if value.endswith(("kr", "kr.")):
                value = value.rstrip(".")[:-2]
        return super().to_python(value)


class YearField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("label", _("Year"))
        super().__init__(**kwargs)


def party_choices(forbund: Forbund) -> Any:
    return MemberParty.objects.filter(forbund=forbund).order_by("kind", "name")


# --- the insats ----------------------------------------------------------------------


class FollowUpMonthsField(forms.CharField):
    """Months after the end, typed "6, 12" (commas or spaces), as a rising list; the
    model's validator checks how many and how far (``validate_follow_up_months``)."""

    default_error_messages = {
        "invalid": _("Write whole numbers of months separated by commas, e.g. 6, 12."),
    }

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value)
        parts = [p for p in re.split(r"[,;\s]+", text or "") if p]
        if not all(p.isascii() and p.isdigit() and len(p) <= 3 for p in parts):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return sorted({int(p) for p in parts})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(m) for m in value)
        return value

    def validate(self, value: Any) -> None:
        validate_follow_up_months(value)


class InsatsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("(no team)")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=InsatsKind.choices)
    follow_up_method = forms.ChoiceField(
        label=_("Follow-up method"),
        choices=FollowUpMethod.choices,
        help_text=_("A structural insats is followed up by counts only (volume)."),
    )
    start_date = date_field(_("Start date"))
    end_date = date_field(_("End date"), required=False)
    target_group = forms.CharField(
        label=_("Target group"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    trial_period_months = forms.IntegerField(
        label=_("Trial period (months)"),
        min_value=0,
        max_value=24,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "max": 24}),
    )
    follow_up_months = FollowUpMonthsField(
        label=_("Follow-up after exit (months after the end)"),
        required=False,
        initial=default_follow_up_months,
        help_text=_(
            "When the ended participants are followed up, e.g. 6, 12; empty: no follow-up "
            "after exit."
        ),
    )

    def __init__(self, *args: Any, forbund: Forbund, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = Team.objects.filter(forbund=forbund)


# --- plan, budget, financing ---------------------------------------------------------


class InsatsYearForm(forms.Form):
    year = YearField()
    budgeted_participants = count_field(_("Budgeted participants"))


class BudgetLineForm(forms.Form):
    year = YearField()
    category = forms.ModelChoiceField(
        label=_("Cost category"), queryset=CostCategory.objects.filter(active=True)
    )
    budget = AmountField(label=_("Budget (SEK)"))
    outcome = AmountField(
        label=_("Outcome (SEK)"), required=False, help_text=_("Leave empty until known.")
    )


class FinancingForm(forms.Form):
    year = YearField()
    party = forms.ModelChoiceField(label=_("Party"), queryset=MemberParty.objects.none())
    amount = AmountField(label=_("Amount (SEK)"))

    def __init__(self, *args: Any, forbund: Forbund, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party = self.fields["party"]
        assert isinstance(party, forms.ModelChoiceField)
        party.queryset = party_choices(forbund)


# --- staff ---------------------------------------------------------------------------


class StaffForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(label=_("Role"), max_length=200, help_text=_("E.g. coach."))
    fte_percent = forms.DecimalField(
        label=_("FTE (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=1,
        localize=True,
        help_text=_("Share of full time (tjänstgöringsgrad); 100 % = 40 hours/week."),
    )
    employer = forms.ModelChoiceField(
        label=_("Employing party"),
        queryset=MemberParty.objects.none(),
        required=False,
        empty_label=_("(not a member party)"),
    )
    start_date = date_field(_("From"))
    end_date = date_field(_("To"), required=False)

    def __init__(self, *args: Any, forbund: Forbund, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        employer = self.fields["employer"]
        assert isinstance(employer, forms.ModelChoiceField)
        employer.queryset = party_choices(forbund)


# --- counts --------------------------------------------------------------------------


class WaitingCountForm(forms.Form):
    date = date_field(_("Date"))
    count = count_field(_("Number waiting"))


class PeriodForm(forms.Form):
    period_start = date_field(_("From"))
    period_end = date_field(_("To"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error(
                "period_end", ValidationError(_("The period cannot end before it starts."))
            )
        return data


class VolumeCountForm(PeriodForm):
    gender = forms.ChoiceField(label=_("Gender"), choices=CountGender.choices)
    count = count_field(_("Number of participants"))


class StructuralCountForm(PeriodForm):
    party = forms.ModelChoiceField(
        label=_("Party"),
        queryset=MemberParty.objects.none(),
        required=False,
        empty_label=_("(all parties / not split)"),
    )
    count = count_field(_("Number of participants"))

    def __init__(self, *args: Any, forbund: Forbund, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party = self.fields["party"]
        assert isinstance(party, forms.ModelChoiceField)
        party.queryset = party_choices(forbund)
