"""Date arithmetic in SQL that SQLite and PostgreSQL both run, so that durations and
ages are aggregated in the database (AVG, MIN, bucketing) rather than in Python."""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, FloatField, Func, IntegerField
from django.db.models.sql.compiler import SQLCompiler

AVG_DAYS_PER_MONTH = 365.25 / 12


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (end − start)."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, end: Expression | str, start: Expression | str, **extra: Any) -> None:
        super().__init__(end, start, **extra)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra
        )


class MonthsBetween(Func):
    """Months from ``start`` to ``end``: days / (365.25 / 12)."""

    output_field = FloatField()
    arity = 1

    def __init__(self, end: Expression | str, start: Expression | str, **extra: Any) -> None:
        super().__init__(DaysBetween(end, start), **extra)

    template = f"(%(expressions)s) / {AVG_DAYS_PER_MONTH}"


class AgeAt(Func):
    """Age in whole years on ``day`` of someone born on ``birth``."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, day: Expression | str, birth: Expression | str, **extra: Any) -> None:
        super().__init__(day, birth, **extra)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        day, birth = (compiler.compile(e) for e in self.get_source_expressions())
        year = "CAST(strftime('%%Y', {}) AS INTEGER)"
        sql = (
            f"({year.format(day[0])} - {year.format(birth[0])}"
            f" - (strftime('%%m-%%d', {day[0]}) < strftime('%%m-%%d', {birth[0]})))"
        )
        return sql, [*day[1], *birth[1], *day[1], *birth[1]]

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(date_part('year', age(%(expressions)s)) AS INTEGER)",
            **extra,
        )
