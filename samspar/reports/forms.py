"""The report filters, shared by the report pages and the HTTP API.

The form is always bound: a parameter that is not given takes its default (the last
full calendar year, both genders, everything the user may see), so a report page
without a query string shows a report at once. What the user may pick as the
organisation comes from the insatser they may see, so a typed id of someone else's
insats is an invalid choice, never a report.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.forms import BoundField
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from samspar.access.scoping import Action
from samspar.organisation.models import County, Forbund, Insats, Team
from samspar.registry.forms import DateInput
from samspar.registry.models import GENDER_CHOICES
from samspar.reports.populations import AgeOn, Population
from samspar.reports.scope import (
    DEFAULT_AGE_BOUNDS,
    DEFAULT_MONTH_STEP,
    LEVEL_LABELS,
    Level,
    ReportScope,
    period_problems,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from samspar.reports.catalogue import ReportSpec

MAX_AGE_BOUNDS = 12

# Filters every report has, and the options only some reports use (by report key).
COMMON_FIELDS = ("level", "object_id", "date_from", "date_to", "gender", "published")
APPLY_ON_CHANGE = ("level", "object_id", "gender", "population", "age_on", "published")
# The code of the error "choose a county, förbund, team or insats" (awaiting_choice),
# and what the page asks instead.
CHOOSE = "choose"
CHOICE_PROMPTS = {
    Level.LAN: _("Choose a county to see the report."),
    Level.FORBUND: _("Choose a samordningsförbund to see the report."),
    Level.TEAM: _("Choose a team to see the report."),
    Level.INSATS: _("Choose an insats to see the report."),
}
REPORT_OPTIONS: dict[str, tuple[str, ...]] = {
    "forsorjningstid": ("population",),
    "alder": ("population", "age_on", "age_bounds"),
    "utbildning": ("population",),
    "tid-i-insats": ("month_step",),
    "remittenter": ("population",),
    "trend": ("base_year",),
    "oversikt": ("base_year",),
}


def last_full_year(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    year = (today or timezone.localdate()).year - 1
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


class AgeBoundsField(forms.CharField):
    """Ages where a new age group starts, typed as "25, 30, 40" and cleaned to a tuple
    of increasing whole numbers."""

    def to_python(self, value: Any) -> tuple[int, ...]:  # type: ignore[override]
        text = super().to_python(value) or ""
        parts = [p for p in re.split(r"[\s,;]+", text) if p]
        if not parts:
            return ()
        try:
            bounds = tuple(int(p) for p in parts)
        except ValueError:
            raise forms.ValidationError(
                _("Write whole numbers of years separated by commas, e.g. 25, 30, 40."),
                code="invalid",
            ) from None
        if len(bounds) > MAX_AGE_BOUNDS:
            raise forms.ValidationError(
                _("Give at most %(max)d ages."), code="too_many", params={"max": MAX_AGE_BOUNDS}
            )
        if any(not 1 <= b <= 120 for b in bounds):
            raise forms.ValidationError(
                _("Each age must be between 1 and 120."), code="out_of_range"
            )
        if any(a >= b for a, b in itertools.pairwise(bounds)):
            raise forms.ValidationError(
                _("The ages must increase from left to right, e.g. 25, 30, 40."),
                code="not_increasing",
            )
        return bounds

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, tuple):
            return ", ".join(str(b) for b in value)
        return value


class ReportFilterForm(forms.Form):
    """Which organisation, period and gender a report covers, and how it groups."""

    level = forms.ChoiceField(
        label=_("Report for"),
        choices=[(level.value, label) for level, label in LEVEL_LABELS.items()],
    )
    object_id = forms.TypedChoiceField(
        label=_("Which"), coerce=int, required=False, empty_value=None
    )
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("Both")), *GENDER_CHOICES]
    )
    population = forms.ChoiceField(
        label=_("Participants"),
        choices=lambda: [(p.value, capfirst(str(p.label))) for p in Population],
        help_text=_("Whom age, education, time in public support and referrers cover."),
    )
    age_on = forms.ChoiceField(
        label=_("Age"),
        choices=lambda: [(a.value, capfirst(str(a.label))) for a in AgeOn],
        help_text=_(
            "At the end of the period: the present age of those active then, the age at "
            "exit of those who ended."
        ),
    )
    age_bounds = AgeBoundsField(
        label=_("Age groups start at"),
        max_length=100,
        help_text=_("Ages separated by commas, e.g. 25, 30, 40, 50, 60."),
    )
    month_step = forms.IntegerField(
        label=_("Months per interval"),
        min_value=1,
        max_value=24,
        help_text=_("For time in the insats."),
    )
    base_year = forms.IntegerField(
        label=_("Base year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("For the trend; empty for the first year."),
    )
    published = forms.BooleanField(
        label=_("For publication"),
        required=False,
        help_text=_("Small counts hidden, whoever you are, with a note saying so."),
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        user: AbstractBaseUser | AnonymousUser,
        report: ReportSpec | None = None,
        today: dt.date | None = None,
    ) -> None:
        """``report``: the report the filters are for, whose periods the reader may
        choose (ReportSpec.period_problems); None where no report is built."""
        super().__init__(self._with_defaults(data, today))
        self.user = user
        self.report = report
        self._scope: ReportScope | None = None
        self.today = today or timezone.localdate()
        self.visible = Insats.objects.restrict(user, Action.VIEW)
        self.object_choices = self._object_choices()
        object_field = self.fields["object_id"]
        assert isinstance(object_field, forms.ChoiceField)
        object_field.choices = self.object_choices
        if self.chosen_level == Level.ALL:  # nothing to choose: everything is the choice
            object_field.widget.attrs["disabled"] = True
        # A choice applies the filters at once (the report page's form listens for a
        # change of these); a typed value — a date, the age groups — only with the button.
        for name in APPLY_ON_CHANGE:
            self.fields[name].widget.attrs["class"] = "apply-on-change"

    @staticmethod
    def _with_defaults(data: Mapping[str, Any] | None, today: dt.date | None) -> dict[str, Any]:
        date_from, date_to = last_full_year(today)
        values: dict[str, Any] = {
            "level": Level.ALL.value,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "gender": "",
            "population": Population.NEW.value,
            "age_on": AgeOn.START.value,
            "age_bounds": ", ".join(str(b) for b in DEFAULT_AGE_BOUNDS),
            "month_step": str(DEFAULT_MONTH_STEP),
            "base_year": "",
            "published": "",
        }
        if data is not None:
            values.update({k: data.get(k) for k in (*values, "object_id") if k in data})
        return values

    @property
    def chosen_level(self) -> Level:
        try:
            return Level(str(self.data.get("level")))
        except ValueError:
            return Level.ALL

    def _object_choices(self) -> list[tuple[int | str, str]]:
        """The counties, förbund, teams or insatser of the chosen level that hold an
        insats the user may see (one query). Teams and insatser are named with their
        förbund, as two förbund may use the same names."""
        level = self.chosen_level
        options: list[tuple[int | str, str]] = [("", str(LEVEL_LABELS[level]))]
        if level == Level.LAN:
            counties = County.objects.filter(pk__in=self.visible.values("forbund__county_id"))
            options += [(c.pk, str(c)) for c in counties]
        elif level == Level.FORBUND:
            forbund = Forbund.objects.filter(pk__in=self.visible.values("forbund_id"))
            options += [(f.pk, str(f)) for f in forbund]
        elif level == Level.TEAM:
            teams = Team.objects.filter(pk__in=self.visible.values("team_id"))
            teams = teams.select_related("forbund").order_by("forbund__name", "name")
            options += [(t.pk, f"{t} ({t.forbund})") for t in teams]
        elif level == Level.INSATS:
            insatser = self.visible.select_related("forbund")
            options += [(i.pk, f"{i} ({i.forbund})") for i in insatser]
        return options

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            for name, problem in period_problems(start, end, self.today).items():
                self.add_error(name, problem)
        level = data.get("level")
        chosen = data.get("object_id") is not None or "object_id" in self.errors
        if level and level != Level.ALL and not chosen:
            self.add_error(
                "object_id", forms.ValidationError(_("Choose one from the list."), CHOOSE)
            )
        if self.report is not None and not self.errors:
            for name, problem in self.report.period_problems(self.scope()).items():
                self.add_error(name, problem)
        return data

    def scope(self) -> ReportScope:
        """The report scope of the valid form (call ``is_valid()`` first). One scope per
        form: what it read about the reader while the period was checked (whether they
        see exact counts) is not read again for the report."""
        if self._scope is None:
            self._scope = self._new_scope()
        return self._scope

    def _new_scope(self) -> ReportScope:
        data = self.cleaned_data
        level = Level(data["level"])
        return ReportScope(
            data["date_from"],
            data["date_to"],
            user=self.user,
            level=level,
            object_id=None if level == Level.ALL else data["object_id"],
            gender=data["gender"] or "",
            population=data["population"],
            age_on=data["age_on"],
            age_bounds=data["age_bounds"] or DEFAULT_AGE_BOUNDS,
            month_step=data["month_step"],
            base_year=data["base_year"],
            published=data["published"],
        )

    def fields_for(self, report_key: str) -> list[BoundField]:
        """The fields to show on a report's page: the common ones, the report's own
        options, and any other field whose value is wrong."""
        names = [*COMMON_FIELDS, *REPORT_OPTIONS.get(report_key, ())]
        names += [n for n in self.errors if n in self.fields and n not in names]
        return [self[n] for n in names]

    def awaiting_choice(self) -> bool:
        """Only the county, förbund, team or insats is left to choose (the level was just
        changed): the page asks for it, without an error."""
        return set(self.errors) == {"object_id"} and self.has_error("object_id", CHOOSE)

    def choice_prompt(self) -> str:
        return str(CHOICE_PROMPTS[self.chosen_level])

    def may_see_anything(self) -> bool:
        return self.visible.exists()

    def object_label(self) -> str:
        """The name of the chosen county, förbund, team or insats (for the heading)."""
        chosen = self.cleaned_data.get("object_id")
        if chosen is None:
            return str(LEVEL_LABELS[Level.ALL])
        return next(label for pk, label in self.object_choices if pk == chosen)
