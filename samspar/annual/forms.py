from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 20_000  # characters per text: pages of prose, not a dumping ground


class ChapterTextForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the team did and how (Beskrivning). Blank lines start a paragraph."),
    )
    reflection = forms.CharField(
        label=_("Reflection"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the team makes of it (Reflektion)."),
    )
