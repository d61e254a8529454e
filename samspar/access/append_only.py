"""Logs that can be added to and read, never changed or deleted (the access log, the
security log).

A saved row refuses a second ``save`` and ``delete``; the querysets refuse ``update`` and
``delete`` (and with them ``bulk_update`` and the removal of related rows). The one
exception is ``wipe.allow()``: wiping a demo database, in DEBUG only. On PostgreSQL a
trigger also guards the access log (migration 0004).
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from django.db import models

from samspar.access import wipe

M = TypeVar("M", bound=models.Model)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a row of an append-only log."""


def _refuse(model: type[models.Model]) -> NoReturn:
    raise AppendOnlyError(f"{model._meta.label} is append-only.")


class AppendOnlyQuerySet(models.QuerySet[M]):
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse(self.model)

    def delete(self) -> tuple[int, dict[str, int]]:
        if not wipe.allowed():
            _refuse(self.model)
        return super().delete()


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if not wipe.allowed():
            _refuse(type(self))
        return super().delete(*args, **kwargs)
