"""The generic import engine: a sheet's headings mapped to a kind's columns, every row
parsed to typed values, matched against what is stored (create, update or skip) and, on
``write``, written through the services in one transaction.

A kind (``kinds.py``) gives its columns and a ``Handler`` that prepares look-ups once,
checks a parsed row, matches it and writes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samspar.imports import values
from samspar.imports.reading import FileError, read

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from samspar.organisation.models import Insats

CREATE, UPDATE, SKIP = "create", "update", "skip"
# At most this many errors are kept in a run's report (the counts are always complete).
MAX_ERRORS = 5000
MAX_UNKNOWN_VALUES = 50
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class Column:
    """One variable of a kind: its template heading (Swedish), the headings other
    sheets use for it, how a cell is parsed, and whether the row needs it."""

    key: str
    heading: str
    parse: Callable[[Any], Any]
    synonyms: tuple[str, ...] = ()
    required: bool = False
    help: str = ""
    # The code list a drop-down takes its values from: a name in kinds.CHOICE_SOURCES
    choices: str = ""
    many: bool = False  # several values in one cell (; between)
    # A column whose values are its own short list (a question's choices): the
    # template's drop-down offers them.
    options: tuple[str, ...] = ()


class UnknownValue(ValueError):
    """A value of a code column that matches no code (the mapping page offers it)."""


@dataclass
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class Result:
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    unknown_headings: list[str] = field(default_factory=list)
    unknown_values: dict[str, list[str]] = field(default_factory=dict)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class Handler:
    """What a kind does with its parsed rows; one instance per run."""

    # The keys of the columns the file has (a column it lacks is None in every row).
    present: frozenset[str] = frozenset()

    def __init__(
        self, user: AbstractBaseUser, insats: Insats, value_map: dict[str, dict[str, str]]
    ):
        self.user = user
        self.insats = insats
        self.value_map = value_map

    def prepare(self) -> None:
        """Load what the rows are looked up against (once per run)."""

    def parser(self, column: Column) -> Callable[[Any], Any]:
        """How a cell of ``column`` is parsed (code columns look up this run's lists)."""
        return column.parse

    def chunk(self, rows: list[dict[str, Any]]) -> None:
        """Load what a chunk of parsed rows needs (e.g. persons by identity number)."""

    def check(self, row: dict[str, Any]) -> tuple[str, Any]:
        """Validate a parsed row (ValidationError keyed by column key or model field) and
        match it: (CREATE, None), (UPDATE, stored object) or (SKIP, stored object)."""
        raise NotImplementedError

    def write(self, action: str, row: dict[str, Any], stored: Any) -> bool | None:
        """Write a checked row, or return True to have it written by ``flush`` at the
        end of its chunk (in bulk)."""
        raise NotImplementedError

    def flush(self) -> None:
        """Write the rows ``write`` put off; a refusal is ``Refused`` naming which of
        them (in the order they were put off)."""


class Refused(ValidationError):
    """A refused row of those a handler put off: ``index`` counts them in order; None
    is a refusal of all of them."""

    def __init__(self, index: int | None, error: ValidationError):
        super().__init__(error)
        self.index = index


@dataclass(frozen=True)
class Kind:
    key: str
    title: Any  # a lazy translation
    sheet: str
    columns: tuple[Column, ...]
    handler: type[Handler]
    action: str  # the samspar.access.scoping.Action the write needs
    allowed: Callable[[Insats], bool]
    # Model field names reported under another column's heading
    field_columns: dict[str, str] = field(default_factory=dict)
    # The insats's own columns after the kind's (the förbund's questions of the insats)
    extra_columns: Callable[[Insats], tuple[Column, ...]] | None = None

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def columns_for(self, insats: Insats | None) -> tuple[Column, ...]:
        """The kind's columns and, for an insats, its own after them."""
        if insats is None or self.extra_columns is None:
            return self.columns
        return (*self.columns, *self.extra_columns(insats))


def match_headings(
    kind: Kind,
    headings: list[str],
    saved: dict[str, str],
    columns: tuple[Column, ...] | None = None,
) -> tuple[dict[int, Column], list[str]]:
    """Which column each heading is (the förbund's saved mapping first, then the
    template's headings and their synonyms, compared normalised), and the headings
    that match none. ``columns``: the kind's columns for the insats (default: the
    kind's own); a kind's own column comes before an insats's of the same name."""
    columns = kind.columns if columns is None else columns
    known: dict[str, Column] = {}
    for column in columns:
        for name in (column.heading, column.key, *column.synonyms):
            known.setdefault(values.normalise(name), column)
    by_key = {c.key: c for c in columns}
    found: dict[int, Column] = {}
    unknown: list[str] = []
    for i, heading in enumerate(headings):
        norm = values.normalise(heading)
        if not norm:
            continue
        if norm in saved:
            target = saved[norm]
            if target in by_key:
                found[i] = by_key[target]
            continue  # "" = ignored on purpose
        match = known.get(norm)
        if match is None:
            unknown.append(heading)
        else:
            found[i] = match
    return found, unknown


def _shown(raw: object) -> str:
    """A cell as the error list shows it: an Excel date as the date the user typed, not
    with the midnight openpyxl gives every date cell."""
    if isinstance(raw, dt.datetime) and raw.time() == dt.time(0):
        raw = raw.date()
    return "" if raw is None else str(raw)[:200]


def run(
    kind: Kind,
    data: bytes,
    *,
    user: AbstractBaseUser,
    insats: Insats,
    columns_map: dict[str, str],
    value_map: dict[str, dict[str, str]],
    write: bool = False,
    progress: Callable[[int, int], None] = lambda done, total: None,
    chunk_size: int = 1000,
) -> Result:
    """Check every row (and with ``write`` import them, all or nothing)."""
    result = Result()
    try:
        sheet = read(data, (kind.sheet,))
    except FileError as e:
        result.add_error(RowError(0, "", "", str(e)))
        return result
    columns = kind.columns_for(insats)
    found, result.unknown_headings = match_headings(kind, sheet.headings, columns_map, columns)
    present = {c.key for c in found.values()}
    headings = {c.key: sheet.headings[i] for i, c in found.items()}
    for column in columns:
        if column.required and column.key not in present:
            result.add_error(
                RowError(1, column.heading, "", _("The file has no column for this variable."))
            )
    if not result.ok:
        return result
    handler = kind.handler(user, insats, value_map)
    handler.present = frozenset(present)
    handler.prepare()
    parsers = {column.key: handler.parser(column) for column in columns}
    progress(0, sheet.total)

    def heading(key: str) -> str:
        key = kind.field_columns.get(key, key)
        return headings.get(key) or next((c.heading for c in columns if c.key == key), "")

    def process(chunk: list[tuple[int, list[Any]]]) -> None:
        parsed: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
        for number, cells in chunk:
            row: dict[str, Any] = {}
            raw: dict[str, Any] = {}
            bad = False
            for i, column in found.items():
                cell = cells[i] if i < len(cells) else None
                raw[column.key] = cell
                parse = parsers[column.key]
                try:
                    if column.many:
                        row[column.key] = [parse(part) for part in values.split_many(cell)]
                    else:
                        row[column.key] = parse(cell)
                except UnknownValue as e:
                    bad = True
                    result.add_error(RowError(number, heading(column.key), _shown(cell), str(e)))
                    seen = result.unknown_values.setdefault(column.key, [])
                    parts = values.split_many(cell) if column.many else [str(cell)]
                    for part in parts:
                        if part not in seen and len(seen) < MAX_UNKNOWN_VALUES:
                            seen.append(part)
                except ValueError as e:
                    bad = True
                    result.add_error(RowError(number, heading(column.key), _shown(cell), str(e)))
            for column in columns:
                row.setdefault(column.key, [] if column.many else None)
            if not bad:
                parsed.append((number, row, raw))
        handler.chunk([row for _n, row, _r in parsed])
        put_off: list[tuple[int, dict[str, Any]]] = []
        for number, row, raw in parsed:
            try:
                action, stored = handler.check(row)
                if write and action != SKIP and handler.write(action, row, stored):
                    put_off.append((number, raw))
            except ValidationError as e:
                _report(result, number, e, heading, raw)
                continue
            result.created += action == CREATE
            result.updated += action == UPDATE
            result.skipped += action == SKIP
        if write and result.ok:
            try:
                handler.flush()
            except Refused as e:
                number, raw = put_off[e.index] if e.index is not None else (0, {})
                _report(result, number, e, heading, raw)

    def all_rows() -> None:
        chunk: list[tuple[int, list[Any]]] = []
        done = 0
        for item in sheet.rows:
            result.rows += 1
            chunk.append(item)
            if len(chunk) >= chunk_size:
                process(chunk)
                done = item[0] - 1
                chunk = []
                progress(done, sheet.total)
        if chunk:
            process(chunk)
        progress(sheet.total, sheet.total)

    try:
        if write:
            with transaction.atomic():
                all_rows()
                if not result.ok:
                    transaction.set_rollback(True)
        else:
            all_rows()
    except FileError as e:
        result.add_error(RowError(0, "", "", str(e)))
    return result


def _report(
    result: Result,
    number: int,
    error: ValidationError,
    heading: Callable[[str], str],
    raw: dict[str, Any],
) -> None:
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            column = "" if key == NON_FIELD_ERRORS else heading(key) or key
            value = raw.get(key)
            for message in messages:
                result.add_error(RowError(number, column, _shown(value), message))
    else:
        for message in error.messages:
            result.add_error(RowError(number, "", "", message))


def rows_of(result: Result) -> Iterable[dict[str, Any]]:
    return (e.as_dict() for e in result.errors)
