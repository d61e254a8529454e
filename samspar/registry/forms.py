"""Forms of the registration pages. They parse and check input; the services write.

The enrolment forms are ModelForms for their fields (labels, widgets, validators), but
they never save: the view calls a service with ``cleaned_data`` and puts the service's
ValidationError back on the form with ``apply_service_error``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model, Q
from django.forms.models import model_to_dict
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samspar.codelists.models import (
    CodeListEntry,
    EducationLevel,
    EndReason,
    OccupationType,
    ReferringActor,
    SupplyType,
)
from samspar.core import concurrency
from samspar.organisation.models import Insats, Municipality
from samspar.registry import (
    consistency,
    question_selectors,
    question_services,
    selectors,
    services,
)
from samspar.registry.models import (
    GENDER_CHOICES,
    UNKNOWN_LABEL,
    AnonymousEnrolment,
    Enrolment,
    FollowUp,
    Question,
    QuestionChoice,
    QuestionKind,
    QuestionMoment,
)
from samspar.registry.unknowns import parse_years

if TYPE_CHECKING:
    _EnrolmentForm = forms.ModelForm[Enrolment]
    _AnonymousForm = forms.ModelForm[AnonymousEnrolment]
    _FollowUpForm = forms.ModelForm[FollowUp]
else:  # ModelForm is generic only in the type stubs
    _EnrolmentForm = _AnonymousForm = _FollowUpForm = forms.ModelForm


class DateInput(forms.DateInput):
    """A native date picker; its value is always ISO (YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _checks() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "checks"})


class YearsField(forms.DecimalField):
    """Years with a decimal comma or point, or a number of months ("69 mån")."""

    default_error_messages = {
        "invalid": _('Write the years as a number, e.g. "5,75", or months, e.g. "69 mån".')
    }

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            parsed = parse_years(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return parsed

    def prepare_value(self, value: Any) -> Any:
        return _decimal_shown(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "decimal", "autocomplete": "off"}


def _decimal_shown(value: Any) -> Any:
    """A stored number with the language's decimal mark and no trailing zeros; typed
    text as typed."""
    if isinstance(value, Decimal):
        shown = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
        return formats.localize_input(shown)
    return value


_SPACES = re.compile(r"[\s\u00a0\u202f]")


class DecimalCommaField(forms.DecimalField):
    """A number typed with a decimal comma or point ("3,5", "3.5"), spaces between
    thousands allowed; shown with the language's decimal mark. A text box, so that a
    comma can be typed whatever the browser."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = _SPACES.sub("", value)
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        number: Decimal | None = super().to_python(value)
        return number

    def prepare_value(self, value: Any) -> Any:
        return _decimal_shown(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "decimal", "autocomplete": "off"}


def _percent() -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1})


def apply_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field if the form has one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields and name != NON_FIELD_ERRORS else None
            form.add_error(target, errors)
    else:
        form.add_error(None, error)


# --- List filters -----------------------------------------------------------------------


class EnrolmentFilterForm(forms.Form):
    """Filters of the participant list, POSTed: a search term never goes in a URL. An
    unsent form lists the active participants by name."""

    q = forms.CharField(
        label=_("Name or personnummer"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        initial="active",
        choices=[("active", _("Active")), ("ended", _("Ended")), ("all", _("All"))],
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("All")), *GENDER_CHOICES]
    )
    period_from = forms.DateField(label=_("Active from"), required=False, widget=DateInput())
    period_to = forms.DateField(label=_("Active to"), required=False, widget=DateInput())
    # Set by the column headings' buttons.
    sort = forms.ChoiceField(
        required=False,
        initial=selectors.DEFAULT_SORT,
        widget=forms.HiddenInput,
        choices=[(f"{d}{k}", k) for k in selectors.SORTS for d in ("", "-")],
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("The period cannot end before it starts."))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of ``selectors.filtered_enrolments``."""
        if not self.is_bound:
            return {"status": "active", "sort": selectors.DEFAULT_SORT}
        data = self.cleaned_data if self.is_valid() else getattr(self, "cleaned_data", {})
        status = data.get("status") or "active"
        return {
            "status": "" if status == "all" else status,
            "period_from": data.get("period_from"),
            "period_to": data.get("period_to"),
            "gender": data.get("gender") or "",
            "q": data.get("q") or "",
            "sort": data.get("sort") or selectors.DEFAULT_SORT,
        }

    def sorted_by(self) -> str:
        """The sort key the list is in (for the headings)."""
        return str(self.filters()["sort"])


# --- Enrolment forms --------------------------------------------------------------------

_CODE_LISTS: dict[str, type[CodeListEntry]] = {
    "referring_actor": ReferringActor,
    "education_level": EducationLevel,
    "occupation_before": OccupationType,
    "occupation_after": OccupationType,
    "end_reason": EndReason,
    "supply_before": SupplyType,
    "supply_after": SupplyType,
}

# ``None``: the förbund's own questions the form asks (``EnrolmentFieldsForm.questions``).
_FIELDSETS: list[tuple[Any, list[str] | None]] = [
    (_("Person"), ["personnummer", "first_name", "last_name"]),
    (_("Start"), selectors.START_FIELDS),
    (_("Background"), selectors.BACKGROUND_FIELDS),
    (_("End"), selectors.END_FIELDS),
    (_("The förbund's questions"), None),
    (_("Notes"), ["notes"]),
]

NOT_ANSWERED = _("Not answered")
_YES_NO: dict[str, bool] = {"yes": True, "no": False}


def _yes_no(value: str) -> bool | None:
    return _YES_NO.get(value)


def question_field(question: Question) -> forms.Field:
    """The optional field of a question's answer, by its kind; left empty it is not
    answered (a yes/no question is a list of three, so "not answered" is not "no")."""
    common: dict[str, Any] = {
        "label": question.text,
        "help_text": question.help_text,
        "required": False,
    }
    choices = QuestionChoice.objects.filter(question=question)
    match question.kind:
        case QuestionKind.TEXT:
            return forms.CharField(
                max_length=question_services.TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                **common,
            )
        case QuestionKind.NUMBER:
            return DecimalCommaField(max_digits=12, decimal_places=2, **common)
        case QuestionKind.YES_NO:
            return forms.TypedChoiceField(
                choices=[("", NOT_ANSWERED), ("yes", _("Yes")), ("no", _("No"))],
                coerce=_yes_no,
                empty_value=None,
                **common,
            )
        case QuestionKind.CHOICE:
            return forms.ModelChoiceField(choices, empty_label=NOT_ANSWERED, **common)
        case QuestionKind.CHOICES:
            return forms.ModelMultipleChoiceField(choices, widget=_checks(), **common)
    return forms.DateField(widget=DateInput(), **common)


def _question_initial(question: Question, answer: Any) -> object:
    """The stored answer as the field's initial value (yes/no as its option)."""
    value = question_selectors.form_value(question, answer)
    if question.kind == QuestionKind.YES_NO:
        return "" if value is None else ("yes" if value else "no")
    return value


def _own_label(entry: ReferringActor) -> str:
    """The entry's label without its parent's (the parent is the option group)."""
    return super(ReferringActor, entry).label


def referring_actor_choices(queryset: Any) -> list[tuple[Any, Any]]:
    """Options grouped under their parent: AF, FK… on their own; Region → Psykiatri…

    A parent with sub-categories is an option too, first in its group ("Region, no
    sub-category"), as the service accepts it and history often has no sub-category.
    The empty option is "unknown / not registered"."""
    entries = list(queryset.select_related("parent"))
    children: dict[int, list[ReferringActor]] = {}
    for entry in entries:
        if entry.parent_id is not None:
            children.setdefault(entry.parent_id, []).append(entry)
    choices: list[tuple[Any, Any]] = [("", UNKNOWN_LABEL)]
    for entry in entries:
        if entry.parent_id is not None:
            continue
        kids = children.get(entry.pk)
        if kids:
            whole = _("%(actor)s, no sub-category") % {"actor": entry.label}
            options = [(entry.pk, whole), *((k.pk, _own_label(k)) for k in kids)]
            choices.append((entry.label, options))
        else:
            choices.append((entry.pk, entry.label))
    return choices


class EnrolmentFieldsForm(_EnrolmentForm):
    """The Enrolment variables; subclasses pick which ones with ``field_names``.

    The form's own instance is a scratch one used only for model validation; edits get
    their current values as ``initial`` and the real enrolment as ``current``.
    """

    field_names: list[str] = []
    question_moments: list[str] = []  # which of the förbund's questions the form asks
    ends = False  # the form ends the enrolment

    class Meta:
        model = Enrolment
        fields = [
            *selectors.START_FIELDS,
            *selectors.BACKGROUND_FIELDS,
            "notes",
            *selectors.END_FIELDS,
        ]
        widgets = {
            "start_date": DateInput(),
            "referral_date": DateInput(),
            "consent_date": DateInput(),
            "end_date": DateInput(),
            "supply_before": _checks(),
            "supply_after": _checks(),
            "occupation_before_percent": _percent(),
            "occupation_after_percent": _percent(),
            "years_in_public_support": forms.TextInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"years_in_public_support": YearsField}

    def __init__(
        self,
        *args: Any,
        insats: Insats,
        current: Enrolment | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.insats = insats
        self.current = current
        for name in list(self.fields):
            if name not in self.field_names:
                del self.fields[name]
        self._add_questions(insats, current)
        for name, model in _CODE_LISTS.items():
            if name in self.fields:
                _limit_to_active(self.fields[name], model, current, name)
        if "version" in self.fields and current is not None:
            self.fields["version"].initial = current.version
        if "municipality" in self.fields:
            municipality = self.fields["municipality"]
            assert isinstance(municipality, forms.ModelChoiceField)
            municipality.queryset = Municipality.objects.all()
            municipality.choices = [
                ("", UNKNOWN_LABEL),
                *((m.pk, m.name) for m in selectors.municipalities_by_name()),
            ]
        if "referring_actor" in self.fields:
            actor = self.fields["referring_actor"]
            assert isinstance(actor, forms.ModelChoiceField)
            actor.choices = referring_actor_choices(actor.queryset)
        for name in ("occupation_before", "occupation_after"):
            if name in self.fields:
                occupation = self.fields[name]
                assert isinstance(occupation, forms.ModelChoiceField)
                occupation.empty_label = str(UNKNOWN_LABEL)
        if "years_in_public_support" in self.fields:
            self.fields["years_in_public_support"].help_text = _(
                "Years with at most two decimals (e.g. 5,75) or months (e.g. 69 mån). Leave "
                "empty if it is not known."
            )
        if "supply_before" in self.fields:
            self.fields["supply_before"].help_text = _(
                "Leave every box empty if it is not known (not registered); tick “No public "
                "support” if the participant had none."
            )
        if "early_dropout" in self.fields:
            months = insats.trial_period_months
            self.fields["early_dropout"].help_text = (
                ngettext(
                    "Ended early, e.g. within the insats's trial period (%(months)d month).",
                    "Ended early, e.g. within the insats's trial period (%(months)d months).",
                    months,
                )
                % {"months": months}
                if months
                else _("Ended early; the insats has no trial period set.")
            )

    def _add_questions(self, insats: Insats, current: Enrolment | None) -> None:
        """A field ``question_<pk>`` per question the form asks (the name the services
        key their errors by), with the stored answer as its initial value."""
        self.questions: list[Question] = []
        if not self.question_moments:
            return
        self.questions = question_selectors.for_form(
            insats, self.question_moments, today=timezone.localdate(), enrolment=current
        )
        stored = question_selectors.answers_of(current) if current is not None else {}
        for question in self.questions:
            field = question_field(question)
            field.initial = _question_initial(question, stored.get(question.pk))
            self.fields[question_services.field_name(question)] = field

    def question_fields(self) -> list[str]:
        return [question_services.field_name(q) for q in self.questions]

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The form's fields in the page's groups (Person / Start / Background / End /
        the förbund's questions / Notes)."""
        groups = []
        for legend, names in _FIELDSETS:
            wanted = self.question_fields() if names is None else names
            bound = [self[n] for n in wanted if n in self.fields]
            if bound:
                groups.append((legend, bound))
        return groups

    def _with_answers(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with the questions' fields replaced by ``answers``, the services'
        argument: {question: value}, empty for not answered."""
        answers: dict[Question, question_services.AnswerValue] = {}
        for question in self.questions:
            value = data.pop(question_services.field_name(question), None)
            if question.kind == QuestionKind.CHOICES:
                value = list(value or [])
            answers[question] = value
        data["answers"] = answers
        return data

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        start = data.get("start_date") or (self.current.start_date if self.current else None)
        referral, end = data.get("referral_date"), data.get("end_date")
        if referral and start and referral > start:
            self.add_error("referral_date", _("The referral date cannot be after the start date."))
        if end and start and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        if "end_reason" in self.fields:
            works, studies = bool(data.get("works_after")), bool(data.get("studies_after"))
            for name, problem in consistency.end_problems(
                data.get("end_reason"), works, studies
            ).items():
                self.add_error(name, problem)
        if self.current is not None and data.get("version") is not None:
            services.check_unchanged(self.current, data["version"], ending=self.ends)
        return data


def _limit_to_active(
    field: forms.Field, model: type[CodeListEntry], current: Model | None, name: str
) -> None:
    """Only the code list's entries in use, plus those ``current`` (the record edited)
    already has in its field ``name``."""
    assert isinstance(field, forms.ModelChoiceField)
    keep = Q(active=True)
    if current is not None:
        value = getattr(current, name)
        if isinstance(value, Model):
            keep |= Q(pk=value.pk)
        elif value is not None and hasattr(value, "all"):
            keep |= Q(pk__in=[o.pk for o in value.all()])
    field.queryset = model._default_manager.filter(keep).order_by("sort_order", "code")


def _names() -> tuple[forms.CharField, forms.CharField]:
    return (
        forms.CharField(label=_("First name"), max_length=100, required=False),
        forms.CharField(label=_("Last name"), max_length=100, required=False),
    )


class RegisterEnrolmentForm(EnrolmentFieldsForm):
    """A new participant: identity number, names and the start variables."""

    personnummer = forms.CharField(
        label=_("Personnummer or samordningsnummer"),
        max_length=20,
        help_text=_("YYYYMMDD-NNNN. Birth date and legal gender follow from it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    first_name, last_name = _names()
    field_names = [
        "personnummer",
        "first_name",
        "last_name",
        *selectors.START_FIELDS,
        *selectors.BACKGROUND_FIELDS,
        "notes",
    ]
    question_moments = [QuestionMoment.START]

    def __init__(self, *args: Any, check_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if check_url:
            self.fields["personnummer"].widget.attrs.update(
                {
                    "hx-post": check_url,
                    "hx-trigger": "keyup changed delay:400ms, change",
                    "hx-target": "#pnr-derived",
                    "hx-swap": "innerHTML",
                }
            )

    def clean_personnummer(self) -> str:
        try:
            pnr = services.parse_personnummer(self.cleaned_data["personnummer"])
        except ValidationError as e:
            raise ValidationError(e.message_dict["personnummer"]) from None
        return pnr.formatted

    def service_kwargs(self) -> dict[str, Any]:
        """Arguments of ``services.register_enrolment``."""
        data = self._with_answers(dict(self.cleaned_data))
        data["personnummer_text"] = data.pop("personnummer")
        return data


class EditEnrolmentForm(EnrolmentFieldsForm):
    """Corrections: names, start variables and, once ended, the end variables."""

    first_name, last_name = _names()
    version = concurrency.version_field()

    def __init__(self, *args: Any, current: Enrolment, **kwargs: Any) -> None:
        names = ["first_name", "last_name", *selectors.START_FIELDS]
        names += [*selectors.BACKGROUND_FIELDS, "notes", "version"]
        self.question_moments = [QuestionMoment.START]
        if current.end_date is not None:
            names += selectors.END_FIELDS
            self.question_moments = [QuestionMoment.START, QuestionMoment.END]
        self.field_names = names
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", self.initial_from(current))
        super().__init__(*args, current=current, **kwargs)
        for name in ("end_date", "end_reason"):
            if name in self.fields:
                self.fields[name].required = True
        if "end_date" in self.fields:
            self.fields["end_date"].error_messages["required"] = _("Give the end date.")
        if "end_reason" in self.fields:
            self.fields["end_reason"].error_messages["required"] = _("Give the end reason.")

    @staticmethod
    def initial_from(enrolment: Enrolment) -> dict[str, Any]:
        initial = model_to_dict(enrolment, fields=EnrolmentFieldsForm.Meta.fields)
        initial["first_name"] = enrolment.first_name
        initial["last_name"] = enrolment.last_name
        return initial

    def service_kwargs(self) -> dict[str, Any]:
        """Arguments of ``services.update_registration``."""
        return self._with_answers(dict(self.cleaned_data))


class EndEnrolmentForm(EnrolmentFieldsForm):
    """The end of an active enrolment."""

    version = concurrency.version_field()
    field_names = [*selectors.END_FIELDS, "version"]
    question_moments = [QuestionMoment.END]
    ends = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        end_date = self.fields["end_date"]
        end_date.required = True
        end_date.error_messages["required"] = _("Give the end date.")
        end_date.initial = timezone.localdate()
        end_reason = self.fields["end_reason"]
        end_reason.required = True
        end_reason.error_messages["required"] = _("Give the end reason.")

    def service_kwargs(self) -> dict[str, Any]:
        """Arguments of ``services.end_enrolment``."""
        return self._with_answers(dict(self.cleaned_data))


# --- Follow-up after exit ---------------------------------------------------------------


class FollowUpForm(_FollowUpForm):
    """The situation at one follow-up point, or "not reached". Like the enrolment forms
    it never saves: the view calls ``register_follow_up`` or ``update_follow_up``."""

    class Meta:
        model = FollowUp
        fields = [
            "date",
            "reached",
            "supply",
            "occupation",
            "occupation_percent",
            "works",
            "studies",
            "notes",
        ]
        widgets = {
            "date": DateInput(),
            "supply": _checks(),
            "occupation_percent": _percent(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, current: FollowUp | None = None, **kwargs: Any) -> None:
        if current is not None and not args and "data" not in kwargs:
            kwargs.setdefault("initial", model_to_dict(current, fields=self.Meta.fields))
        super().__init__(*args, **kwargs)
        self.current = current
        if current is None:
            self.fields["date"].initial = timezone.localdate()
        else:
            self.fields["version"] = concurrency.version_field()
            self.fields["version"].initial = current.version
        occupation = self.fields["occupation"]
        assert isinstance(occupation, forms.ModelChoiceField)
        occupation.empty_label = str(UNKNOWN_LABEL)
        for name, model in (("occupation", OccupationType), ("supply", SupplyType)):
            _limit_to_active(self.fields[name], model, current, name)
        self.fields["supply"].help_text = _("Leave every box empty if it is not known.")

    def service_kwargs(self) -> dict[str, Any]:
        """Arguments of ``register_follow_up`` / ``update_follow_up``."""
        return dict(self.cleaned_data)


# --- Anonymous participants -------------------------------------------------------------


class AnonymousEnrolmentForm(_AnonymousForm):
    class Meta:
        model = AnonymousEnrolment
        fields = ["gender", "start_year", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_year"].initial = timezone.localdate().year
        self.fields["start_year"].widget.attrs.update({"min": 2000, "max": 2100})

    def service_kwargs(self) -> dict[str, Any]:
        """Arguments of ``register_anonymous`` / ``update_anonymous``."""
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


def personnummer_summary(text: str) -> dict[str, Any]:
    """What the personnummer check shows: the derived birth date and gender, or the fault.
    ``parsed`` is the number itself, for the view to look up; the template never shows it."""
    if not text.strip():
        return {}
    try:
        pnr = services.parse_personnummer(text)
    except ValidationError as e:
        return {"error": e.message_dict["personnummer"][0]}
    born: dt.date = pnr.birth_date
    return {
        "birth_date": born,
        "gender": pnr.gender.value,
        "coordination": pnr.coordination,
        "parsed": pnr,
    }
