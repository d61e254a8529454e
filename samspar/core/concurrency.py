"""Concurrent writes: the second of two writers gets a clear message, never a server error
and never a silent overwrite.

The rule for every form that edits an existing row (an enrolment, a chapter text …):

- the row has a ``version`` that each save through a service increments;
- the form carries, in a hidden field, the version it was based on;
- the service re-reads the row under a row lock (``SELECT … FOR UPDATE`` on PostgreSQL;
  on SQLite every transaction takes the write lock at its start, see
  ``settings.SQLITE_OPTIONS``) and, if the version differs, refuses the save with a
  ValidationError coded ``stale`` (``STALE_CODE``);
- the view puts the error on the form, which keeps what was typed, shows or links the
  saved version, and is ``rebase``d on the stored version: saving again replaces it.

A first insert that races another (the same new person, the first save of a chapter
text) hits a unique constraint; ``unique_insert`` turns that into a ValidationError
inside a savepoint, so the surrounding transaction stays usable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=models.Model)

STALE_CODE = "stale"
STALE_MESSAGE = _(
    "Someone else saved a change while you were editing. Your changes were not saved "
    "and are kept in the form: compare them with the saved version, then save again to "
    "replace it."
)


def locked(instance: M) -> M:
    """Re-read ``instance`` from the database under a row lock, for the rest of the
    transaction; unsaved changes to it are dropped."""
    manager = type(instance)._default_manager
    instance.refresh_from_db(from_queryset=manager.select_for_update())
    return instance


def check_version(current: int, based_on: int | None) -> None:
    """Refuse a save based on another version than the stored one (``None``: no check,
    for callers without a form such as imports)."""
    if based_on is not None and based_on != current:
        raise ValidationError(STALE_MESSAGE, code=STALE_CODE)


def is_stale(error: ValidationError) -> bool:
    """Whether a service refused a save because the row changed meanwhile."""
    return not hasattr(error, "error_dict") and any(e.code == STALE_CODE for e in error.error_list)


@contextmanager
def unique_insert(message: Any, code: str = "conflict") -> Iterator[None]:
    """Run an insert in a savepoint; a unique violation (another writer inserted the same
    row at this moment) becomes ``ValidationError(message, code)``."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise ValidationError(message, code=code) from None


def version_field() -> forms.IntegerField:
    """The hidden field of an edit form: the version the form was based on."""
    incomplete = _("The form is incomplete: reload the page.")
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": incomplete, "invalid": incomplete, "min_value": incomplete},
    )


def rebase(form: forms.BaseForm, version: int) -> None:
    """After a refused save: the form keeps what was typed but is now based on the stored
    ``version``, so saving again deliberately replaces it."""
    assert isinstance(form.data, QueryDict)  # a form bound to request.POST
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    form.data = data
