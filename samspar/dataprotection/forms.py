"""The access log's filter form and the register extract form. The personnummer is
always a POST field, never part of a URL."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samspar.access.models import AccessLog
from samspar.core import crypto
from samspar.dataprotection import accesslog, extract
from samspar.organisation.forms import DateInput
from samspar.registry import services

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from samspar.organisation.models import Insats

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
EXPORT_FORMATS = ("csv", "xlsx")


class _UserChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else str(obj.get_username())


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DateInput())


class AccessLogFilterForm(forms.Form):
    reader = _UserChoice(queryset=None, required=False, label=_("User"))
    insats: forms.ModelChoiceField[Insats] = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Insats")
    )
    kind = forms.ChoiceField(
        choices=[("", "–"), *AccessLog.Kind.choices], required=False, label=_("Kind")
    )
    date_from = _date(_("From"))
    date_to = _date(_("To"))
    personnummer = forms.CharField(
        label=_("Personnummer"),
        required=False,
        max_length=20,
        help_text=_("Who has read this person's data (data protection officer only)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["reader"].queryset = accesslog.readers(user)  # type: ignore[attr-defined]
        self.fields["insats"].queryset = accesslog.log_insatser(user).select_related(  # type: ignore[attr-defined]
            "forbund"
        )
        if not accesslog.sees_persons(user):
            del self.fields["personnummer"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Give a date between 2000 and 2100."))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The period cannot end before it starts."))
        text = (data.get("personnummer") or "").strip()
        data["person"] = None
        if text:
            try:
                pnr = services.parse_personnummer(text)
            except ValidationError as e:
                self.add_error("personnummer", e.messages)
                return data
            person = accesslog.person_in_scope(self.user, crypto.lookup_hash(pnr.canonical))
            if person is None:
                self.add_error(
                    "personnummer", _("No person with this number is registered in your förbund.")
                )
            data["person"] = person
        return data

    def log_filter(self) -> accesslog.LogFilter:
        d = self.cleaned_data
        return accesslog.LogFilter(
            reader=d.get("reader"),
            insats=d.get("insats"),
            kind=d.get("kind") or "",
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            person=d.get("person"),
        )


class ExtractForm(forms.Form):
    personnummer = forms.CharField(
        label=_("Personnummer"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(f, f.upper()) for f in extract.FORMATS],
        initial="pdf",
        widget=forms.RadioSelect,
    )
