"""The cell-key method (ABS TableBuilder, ONS Census 2021): every count a reader without
exact counts sees is its exact value plus a small perturbation keyed on the records it
counts, so that the same records always show the same value, however a report phrases
the question, and a difference between two reports is a difference of noise as well.

- *Record keys from the database.* Every count comes with the sum of the ids of what it
  counts, by kind of record ("registry.person", "registry.enrolment" …): a companion
  aggregate over the same rows (``aggregate``, ``annotate``). The count is a ``Counted``,
  an ``int`` that carries those sums; adding or subtracting two adds or subtracts them,
  so a total made in Python (women + men, ended − early dropouts) is keyed on its
  records too.
- *The perturbation.* HMAC-SHA256 over (n, record sums), with a key derived from
  ``SAMSPAR_HASH_KEY``, gives a number uniform in [0, 1) that picks the perturbation
  from the published table ``PTABLE``. Zero stays zero; a count at or above the
  threshold is never shown below it (``perturbed``). docs/definitions.md, "Perturbed
  counts".
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models import Aggregate, Count, F, Model, Q, QuerySet, Sum

# The perturbation and its probability: mean 0, variance 1.2, at most 2 either way.
PTABLE: tuple[tuple[int, float], ...] = ((-2, 0.1), (-1, 0.2), (0, 0.4), (1, 0.2), (2, 0.1))
SUPPORT = tuple(p for p, _probability in PTABLE)

RecordKey = tuple[tuple[str, int], ...]  # (kind of record, sum of ids), sorted, no zeros


class Counted(int):
    """A count and the sums of the ids of the records it counts, per kind of record."""

    record_key: RecordKey

    def __new__(cls, n: int, record_key: Mapping[str, int] | RecordKey = ()) -> Counted:
        counted = super().__new__(cls, n)
        items = record_key.items() if isinstance(record_key, Mapping) else record_key
        counted.record_key = tuple(sorted((kind, s) for kind, s in items if s))
        return counted

    def _combine(self, other: object, sign: int) -> Counted | int:
        if isinstance(other, Counted):
            sums = dict(self.record_key)
            for kind, s in other.record_key:
                sums[kind] = sums.get(kind, 0) + sign * s
            return Counted(int(self) + sign * int(other), sums)
        if isinstance(other, int) and other == 0:
            return self
        if isinstance(other, int):  # a number without records: the result has no key
            return int(self) + sign * other
        return NotImplemented

    def __add__(self, other: object) -> Counted | int:
        return self._combine(other, 1)

    def __radd__(self, other: object) -> Counted | int:
        return self._combine(other, 1)

    def __sub__(self, other: object) -> Counted | int:
        return self._combine(other, -1)

    def __rsub__(self, other: object) -> int:
        # a plain number less a count has no records of its own
        return NotImplemented if not isinstance(other, int) else other - int(self)


def is_keyed(value: object) -> bool:
    """A count a perturbation can be keyed on: a ``Counted`` with records, or zero."""
    return value == 0 or (isinstance(value, Counted) and bool(value.record_key))


# --- record keys from the database ------------------------------------------------------


class SumOfCounts(Sum):
    """A sum of registered numbers of people (a volume or structural count's ``count``):
    keyed on the ids of the rows summed."""


def _kind(model: type[Model]) -> str:
    return model._meta.label_lower


def _companion(model: type[Model], aggregate: Aggregate) -> tuple[str, Aggregate] | None:
    """(kind of record, the sum of their ids over the rows ``aggregate`` counts)."""
    if not isinstance(aggregate, Count | SumOfCounts):
        return None
    (source, *_rest) = aggregate.get_source_expressions()
    if not isinstance(source, F):
        raise TypeError(f"cannot key {aggregate!r}: count a field by name")
    name, where = source.name, aggregate.filter
    if isinstance(aggregate, Count) and name not in ("pk", model._meta.pk.name):
        field = model._meta.get_field(name)
        if _distinct(aggregate) and field.is_relation and field.related_model is not None:
            # Distinct related rows (persons): ids are unique, so the distinct sum is
            # the sum over the set.
            related: type[Model] = field.related_model  # type: ignore[assignment]
            return _kind(related), Sum(name, distinct=True, filter=where)
        # Count(field) counts the rows where it is not null.
        not_null = Q(**{f"{name}__isnull": False})
        where = not_null if where is None else where & not_null
    return _kind(model), Sum("pk", distinct=_distinct(aggregate), filter=where)


def _distinct(aggregate: Aggregate) -> bool:
    return bool(getattr(aggregate, "distinct", False))


def _key_name(name: str) -> str:
    return f"cellkey_{name}"


def with_keys(model: type[Model], aggregates: Mapping[str, Aggregate]) -> dict[str, Aggregate]:
    """``aggregates`` and, for each count among them, the sum of its records' ids."""
    companions = {}
    for name, aggregate in aggregates.items():
        companion = _companion(model, aggregate)
        if companion is not None:
            companions[_key_name(name)] = companion[1]
    return {**aggregates, **companions}


def wrap(
    model: type[Model], aggregates: Mapping[str, Aggregate], row: Mapping[str, Any]
) -> dict[str, Any]:
    """``row`` without the companions, each count a ``Counted`` (None stays None)."""
    result = {k: v for k, v in row.items() if not k.startswith("cellkey_")}
    for name, aggregate in aggregates.items():
        companion = _companion(model, aggregate)
        n = row[name]
        if companion is not None and n is not None:
            result[name] = Counted(n, {companion[0]: int(row[_key_name(name)] or 0)})
    return result


def aggregate(qs: QuerySet[Any], aggregates: Mapping[str, Aggregate]) -> dict[str, Any]:
    """``qs.aggregate(**aggregates)`` with every count keyed on its records."""
    return wrap(qs.model, aggregates, qs.aggregate(**with_keys(qs.model, aggregates)))


def annotate(
    qs: QuerySet[Any],
    aggregates: Mapping[str, Aggregate],
    unkeyed: Mapping[str, Aggregate] | None = None,
) -> Iterator[dict[str, Any]]:
    """The rows of ``qs.annotate(**aggregates)`` (``qs`` a ``values()`` grouping), every
    count keyed on its records; ``unkeyed`` too, as they come (no count a reader sees:
    how many values a mean is over)."""
    for row in qs.annotate(**with_keys(qs.model, aggregates), **(unkeyed or {})):
        yield wrap(qs.model, aggregates, row)


def row_count(instance: Model | None, field: str = "count") -> Counted | None:
    """A registered number of people on one row (a waiting-list count), keyed on it."""
    if instance is None:
        return None
    return Counted(getattr(instance, field), {_kind(type(instance)): instance.pk})


# --- the perturbation ---------------------------------------------------------------------


@cache
def _secret(hash_key: str) -> bytes:
    """A key of its own, derived from SAMSPAR_HASH_KEY: stable for the life of the data
    (a new key would give every published count new noise, and two draws of the same
    count can be averaged)."""
    return hmac.new(hash_key.encode(), b"samspar.reports.cellkey", hashlib.sha256).digest()


def uniform(n: int, record_key: RecordKey) -> float:
    """The cell's number in [0, 1), from HMAC-SHA256 over its count and records."""
    message = "|".join([str(n), *(f"{kind}:{s}" for kind, s in record_key)]).encode()
    digest = hmac.new(_secret(settings.SAMSPAR_HASH_KEY), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def perturbation(n: int, record_key: RecordKey) -> int:
    """The perturbation PTABLE gives the cell."""
    u = uniform(n, record_key)
    for p, probability in PTABLE:
        if u < probability:
            return p
        u -= probability
    return PTABLE[-1][0]


def perturbed(value: object, threshold: int) -> int:
    """The count as shown to a reader without exact counts: 0 stays 0; otherwise n + p,
    never below the threshold when n is at or above it (nor below 1 when it is not; a
    count below the threshold is suppressed before it is shown)."""
    if value == 0:
        return 0
    if not isinstance(value, Counted) or not value.record_key:
        raise TypeError(f"count {value!r} has no record key: it cannot be perturbed")
    shown = int(value) + perturbation(int(value), value.record_key)
    return max(shown, threshold if value >= threshold else 1)


def possible(n: object, threshold: int) -> set[int]:
    """The values a count of ``n`` (at or above the threshold, or 0) may be shown as."""
    if not isinstance(n, int):
        raise TypeError(f"{n!r} is no count")
    if n == 0:
        return {0}
    return {max(n + p, threshold if n >= threshold else 1) for p in SUPPORT}


def consistent(shown: int, threshold: int) -> set[int]:
    """The true counts (0 or at or above the threshold) that may be shown as ``shown``:
    what a reader who knows PTABLE can tell from it."""
    if shown == 0:
        return {0}
    low, high = max(threshold, shown - max(SUPPORT)), shown - min(SUPPORT)
    candidates: Iterable[int] = range(low, high + 1)
    return {n for n in candidates if shown in possible(n, threshold)}
