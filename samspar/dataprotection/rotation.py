"""Key rotation: re-encrypt every stored ciphertext under the current field key.

Run with ``SAMSPAR_FIELD_KEY=<new>,<old>``: the application reads with both keys and
writes with the new one while ``rotate_all`` works through the tables of
``personal_data.HOLDERS`` and ``personal_data.OTHER_CIPHERTEXTS`` (an import's
kept file and error list) in batches (each batch one short transaction), so it runs
without downtime. Afterwards the old key can be dropped from the setting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from samspar.core import crypto
from samspar.dataprotection.personal_data import HOLDERS, OTHER_CIPHERTEXTS, Ciphertext

BATCH = 500


@dataclass(frozen=True)
class Rotated:
    table: str
    column: str
    rows: int


def rotate_all(progress: Callable[[Rotated], None] = lambda r: None) -> list[Rotated]:
    """Re-encrypt every non-empty ciphertext; one ``Rotated`` per column."""
    done = []
    columns = [Ciphertext(h.model, column) for h in HOLDERS for column in h.encrypted]
    for other in [*columns, *OTHER_CIPHERTEXTS]:
        result = _rotate_binary(other) if other.binary else _rotate_text(other)
        progress(result)
        done.append(result)
    return done


def _rotate_text(other: Ciphertext) -> Rotated:
    model = other.model_class()
    column = other.column
    rows = 0
    last = None
    while True:
        batch = model._base_manager.exclude(**{column: ""}).order_by("pk")
        if last is not None:
            batch = batch.filter(pk__gt=last)
        pairs = list(batch.values_list("pk", column)[:BATCH])
        if not pairs:
            break
        with transaction.atomic():
            for pk, token in pairs:
                model._base_manager.filter(pk=pk, **{column: token}).update(
                    **{column: crypto.rotate(token)}
                )
        rows += len(pairs)
        last = pairs[-1][0]
    return Rotated(model._meta.db_table, column, rows)


def _rotate_binary(other: Ciphertext) -> Rotated:
    """One row at a time: a value may be a whole uploaded file (up to 50 MB)."""
    model = other.model_class()
    column = other.column
    pks = list(
        model._base_manager.filter(**{f"{column}__isnull": False})
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = 0
    for pk in pks:
        with transaction.atomic():
            row = (
                model._base_manager.select_for_update()
                .filter(pk=pk, **{f"{column}__isnull": False})
                .values_list(column, flat=True)
                .first()
            )
            if row is None:
                continue  # emptied meanwhile (the import ended or was discarded)
            token = bytes(row).decode()
            model._base_manager.filter(pk=pk).update(**{column: crypto.rotate(token).encode()})
        rows += 1
    return Rotated(model._meta.db_table, column, rows)
