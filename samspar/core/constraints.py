"""A model's check constraints evaluated in Python, for the thousands of rows of an
import: Django's own ``CheckConstraint.validate`` asks the database once per row and
constraint. The lookups our constraints use are understood here (exact, isnull, gt,
gte, lt, lte, in, against values or ``F`` of another field); a constraint with any other
is left to Django's ``validate`` (the database), so nothing goes unchecked."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint, F, Model, Q

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class _Unsupported(Exception):
    pass


def _value(obj: Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    return getattr(obj, getattr(field, "attname", name))


def _leaf(obj: Model, lookup: str, wanted: Any) -> bool | None:
    """True/False, or None where SQL gives NULL (a comparison with a null value)."""
    name, _sep, op = lookup.partition("__")
    op = op or "exact"
    have = _value(obj, name)
    if op == "isnull":
        return (have is None) == bool(wanted)
    if isinstance(wanted, F):
        wanted = _value(obj, wanted.name)
    elif not isinstance(wanted, str | int | float | bool) and wanted is not None:
        wanted = getattr(wanted, "value", wanted)
    if op == "in":
        return None if have is None else have in wanted
    if op not in _OPS:
        raise _Unsupported(lookup)
    if have is None or wanted is None:
        return None
    return _OPS[op](have, wanted)


def _q(obj: Model, q: Q) -> bool | None:
    results: list[bool | None] = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(_q(obj, child))
        elif isinstance(child, tuple):
            lookup, wanted = child
            results.append(_leaf(obj, lookup, wanted))
        else:
            raise _Unsupported(repr(child))
    if q.connector == Q.AND:
        value: bool | None = False if False in results else (None if None in results else True)
    else:
        value = True if True in results else (None if None in results else False)
    if q.negated:
        value = None if value is None else not value
    return value


def _first_field(q: Q) -> str:
    for child in q.children:
        if isinstance(child, Q):
            return _first_field(child)
        if isinstance(child, tuple):
            return str(child[0]).split("__")[0]
    return NON_FIELD_ERRORS


def check(obj: Model, exclude: set[str]) -> None:
    """Validate ``obj``'s check constraints (a NULL result passes, as in SQL); a broken
    one is reported under the first field its condition names (the end date of "the
    end date cannot be before the start date")."""
    errors: dict[str, list[str]] = {}
    for constraint in obj._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        condition: Any = constraint.condition
        try:
            if not isinstance(condition, Q):
                raise _Unsupported(repr(condition))
            ok = _q(obj, condition)
        except _Unsupported:
            generic: Any = constraint
            try:
                generic.validate(type(obj), obj, exclude=exclude)
            except ValidationError as e:
                errors.setdefault(NON_FIELD_ERRORS, []).extend(e.messages)
            continue
        if ok is False:
            field = _first_field(condition)
            errors.setdefault(field, []).append(str(constraint.get_violation_error_message()))
    if errors:
        raise ValidationError(errors)
