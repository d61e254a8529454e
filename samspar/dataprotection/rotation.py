"""Key rotation: re-encrypt every stored ciphertext under the current field key.

Run with ``SAMSPAR_FIELD_KEY=<new>,<old>``: the application reads with both keys and
writes with the new one while ``rotate_all`` works through the tables of
``personal_data.HOLDERS`` in batches (each batch one short transaction), so it runs
without downtime. Afterwards the old key can be dropped from the setting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from samspar.core import crypto
from samspar.dataprotection.personal_data import HOLDERS

BATCH = 500


@dataclass(frozen=True)
class Rotated:
    table: str
    column: str
    rows: int


def rotate_all(progress: Callable[[Rotated], None] = lambda r: None) -> list[Rotated]:
    """Re-encrypt every non-empty ciphertext; one ``Rotated`` per column."""
    done = []
    for holder in HOLDERS:
        model = holder.model_class()
        for column in holder.encrypted:
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
            result = Rotated(model._meta.db_table, column, rows)
            progress(result)
            done.append(result)
    return done
