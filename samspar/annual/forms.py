from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspar.core import concurrency

MAX_TEXT = 20_000  # characters per text: pages of prose, not a dumping ground


class ChapterTextForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the team did and how (Beskrivning). Blank lines start a paragraph."),
    )
    analysis = forms.CharField(
        label=_("Analysis"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What explains the results (Analys)."),
    )
    reflection = forms.CharField(
        label=_("Reflection"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the team makes of it (Reflektion)."),
    )
    version = concurrency.version_field()  # of the stored text; 0: none yet

    def __init__(self, *args: Any, analysis: bool = False, **kwargs: Any) -> None:
        """``analysis``: the chapter has an Analys text (Chapter.analysis)."""
        super().__init__(*args, **kwargs)
        if not analysis:
            del self.fields["analysis"]
