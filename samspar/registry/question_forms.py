"""The form that defines or changes one of the förbund's own questions. It parses and
checks input; ``registry.question_services`` writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Field
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from samspar.core import concurrency
from samspar.registry.forms import DateInput, apply_service_error
from samspar.registry.models import Question, QuestionChoice, QuestionKind, QuestionMoment

# Question.position is a PositiveSmallIntegerField.
POSITION_MAX = 32767
# At most 30 choices of 100 characters (question_services.MAX_CHOICES, CHOICE_MAX), one a
# line, with room for blank lines and spaces that the service strips.
CHOICES_MAX = 4000

# The model's constraints name no field; the form shows them at the field they are about.
CONSTRAINT_FIELDS = {"question_unique_text": "text", "question_period_order": "valid_until"}


def _label(name: str) -> Any:
    """The model field's verbose name as a label ("asked from" → "Asked from"), lazily."""
    field = Question._meta.get_field(name)
    assert isinstance(field, Field)
    return capfirst(field.verbose_name)


class QuestionForm(forms.Form):
    """A new question (``current`` None) or a change of ``current``, based on the version
    in its hidden field. Once answered, the kind and the moment stay (the fields are
    disabled; the service refuses a change anyway)."""

    text = forms.CharField(label=_label("text"), max_length=200)
    help_text = forms.CharField(
        label=_label("help_text"),
        max_length=300,
        required=False,
        help_text=_("Shown under the question on the registration form."),
    )
    kind = forms.ChoiceField(label=_label("kind"), choices=QuestionKind.choices)
    moment = forms.ChoiceField(
        label=_label("moment"),
        choices=QuestionMoment.choices,
        help_text=_(
            "At registration: with the start of the enrolment. At the end: when the "
            "enrolment is ended."
        ),
    )
    valid_from = forms.DateField(
        label=_label("valid_from"),
        widget=DateInput(),
        help_text=_("Asked of the enrolments that start (or end) on this day or later."),
    )
    valid_until = forms.DateField(
        label=_label("valid_until"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave it empty to keep asking the question. Give a date to stop asking it."),
    )
    position = forms.IntegerField(
        label=_label("position"),
        min_value=0,
        max_value=POSITION_MAX,
        initial=0,
        help_text=_("The questions are shown in this order, the lowest number first."),
    )
    choices = forms.CharField(
        required=False,
        max_length=CHOICES_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=capfirst(QuestionChoice._meta.verbose_name_plural),
        help_text=_(
            "Only for the kinds “One of several choices” and “Several choices”: at least "
            "two, one per line, in the order they are shown."
        ),
    )

    def __init__(
        self, *args: Any, current: Question | None = None, answered: bool = False, **kwargs: Any
    ) -> None:
        if current is not None:
            kwargs.setdefault("initial", _initial(current))
        super().__init__(*args, **kwargs)
        self.current = current
        if current is None:
            self.fields["valid_from"].initial = timezone.localdate()
            return
        self.fields["version"] = concurrency.version_field()
        if answered:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("The question has answers: its kind stays.")
            self.fields["moment"].disabled = True
            self.fields["moment"].help_text = _("The question has answers: when it is asked stays.")
            self.fields["choices"].help_text = _(
                "One per line, in the order they are shown. A choice that has been given "
                "cannot be removed; new ones can be added."
            )

    def service_kwargs(self) -> dict[str, Any]:
        """Arguments of ``define_question`` / ``update_question`` (without the version)."""
        data = self.cleaned_data
        return {
            "text": data["text"],
            "help_text": data["help_text"],
            "kind": data["kind"],
            "moment": data["moment"],
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
            "position": data["position"],
            "choices": data["choices"].splitlines(),
        }

    def apply_service_error(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the form, a constraint's at its field."""
        if hasattr(error, "error_dict") and NON_FIELD_ERRORS in error.error_dict:
            about = {
                str(c.get_violation_error_message()): CONSTRAINT_FIELDS[c.name]
                for c in Question._meta.constraints
                if c.name in CONSTRAINT_FIELDS
            }
            errors: dict[str, list[ValidationError]] = {}
            for name, field_errors in error.error_dict.items():
                for e in field_errors:
                    target = name
                    if name == NON_FIELD_ERRORS:
                        target = about.get(" ".join(e.messages), name)
                    errors.setdefault(target, []).append(e)
            error = ValidationError(errors)
        apply_service_error(self, error)


def _initial(question: Question) -> dict[str, Any]:
    return {
        "text": question.text,
        "help_text": question.help_text,
        "kind": question.kind,
        "moment": question.moment,
        "valid_from": question.valid_from,
        "valid_until": question.valid_until,
        "position": question.position,
        "choices": "\n".join(c.label for c in question.choices.all()),
        "version": question.version,
    }
