"""One history record per save of a row with many-to-many fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def save_with_history(
    row: models.Model, user: AbstractBaseUser, m2m: Mapping[str, Iterable[models.Model] | None]
) -> None:
    """Save fields and many-to-many values (supply types, chosen answers) as ONE history
    record (simple-history would write one per save and one per M2M change); the record
    is a change ("~") even for a new row, its first record."""
    row._history_user = user  # type: ignore[attr-defined]
    row.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        row.save()
        for name, values in m2m.items():
            if values is not None:
                getattr(row, name).set(list(values))
    finally:
        del row.skip_history_when_saving  # type: ignore[attr-defined]
    row.save()
