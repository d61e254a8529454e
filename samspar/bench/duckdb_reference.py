"""The core figures computed by one plain DuckDB query over the same generated data.

A reference twice over: an independent implementation of the DOMAIN.md §4 definitions to
check the ORM's results against, and a yardstick for how fast an analytical engine
answers the same questions. The tuples reach DuckDB through a temporary CSV file read
with ``read_csv`` (inserting a million rows from Python one by one would take minutes).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from samspar.bench.core import FIGURES, GROUPS, MEANS, RESULT_GROUPS, Figures
from samspar.bench.generate import BenchData
from samspar.codelists.models import ResultGroup
from samspar.reports.aggregates import round1
from samspar.reports.dbfunctions import AVG_DAYS_PER_MONTH

_COLUMNS = {
    "person": "INTEGER",
    "gender": "VARCHAR",
    "birth": "DATE",
    "start_date": "DATE",
    "end_date": "DATE",
    "early_dropout": "BOOLEAN",
    "result_group": "VARCHAR",
}
_GOAL = (ResultGroup.WORK.value, ResultGroup.STUDIES.value, ResultGroup.OTHER_REHAB.value)

# Felregistreringar never count; a participant's age is in whole years on the start date.
_QUERY = f"""
WITH e AS (
    SELECT
        person,
        gender,
        early_dropout,
        result_group,
        start_date <= $to AND (end_date IS NULL OR end_date >= $from) AS worked_with,
        start_date BETWEEN $from AND $to AS new,
        coalesce(end_date BETWEEN $from AND $to, false) AS ended,
        start_date <= $to AND (end_date IS NULL OR end_date >= $to) AS active_end,
        start_date <= $from AND (end_date IS NULL OR end_date >= $from) AS active_start,
        date_diff('day', start_date, end_date) / {AVG_DAYS_PER_MONTH} AS months,
        year(start_date) - year(birth)
            - (strftime(start_date, '%m-%d') < strftime(birth, '%m-%d'))::INTEGER AS age
    FROM enrolments
    WHERE result_group IS DISTINCT FROM '{ResultGroup.CANCELLED.value}'
)
SELECT
    CASE WHEN grouping(gender) = 1 THEN 'total' ELSE gender END AS grp,
    count(DISTINCT person) FILTER (WHERE worked_with) AS "#1 worked_with",
    count(DISTINCT person) FILTER (WHERE new) AS "#1 new",
    count(*) FILTER (WHERE ended) AS "#1 ended",
    count(DISTINCT person) FILTER (WHERE active_end) AS "#1 active_end",
    count(DISTINCT person) FILTER (WHERE active_start) AS "#2 active_start",
    count(*) FILTER (WHERE ended) AS "#2 ended",
    count(*) FILTER (WHERE ended AND early_dropout) AS "#2 dropouts",
    {
    ", ".join(
        f"count(*) FILTER (WHERE ended AND NOT early_dropout AND result_group = '{g}')"
        f' AS "#2 {g}"'
        for g in RESULT_GROUPS
    )
},
    count(*) FILTER (
        WHERE ended AND NOT early_dropout AND result_group IN {_GOAL}
    ) AS "#2 to_goal",
    count(DISTINCT person) FILTER (WHERE active_end) AS "#2 active_end",
    avg(months) FILTER (WHERE ended AND NOT early_dropout) AS "#4 months",
    avg(age) FILTER (WHERE new) AS "#6 mean_age"
FROM e
GROUP BY GROUPING SETS ((gender), ())
"""


@dataclass(frozen=True)
class Reference:
    load_ms: float
    query_ms: float
    figures: Figures


def compute(
    data: BenchData, result_groups: dict[str, str], date_from: dt.date, date_to: dt.date
) -> Reference:
    """Load ``data`` into an in-memory DuckDB and compute the core figures for the period.

    ``result_groups`` maps end-reason codes to their result group (the code list's).
    """
    db = duckdb.connect()
    try:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "enrolments.csv"
            _write_csv(data, result_groups, path)
            columns = ", ".join(f"'{name}': '{kind}'" for name, kind in _COLUMNS.items())
            db.execute(
                "CREATE TABLE enrolments AS SELECT * FROM "
                f"read_csv(?, header = false, nullstr = '', columns = {{{columns}}})",
                [str(path)],
            )
        loaded = time.perf_counter()
        result = db.execute(_QUERY, {"from": date_from, "to": date_to})
        names = [d[0] for d in result.description]
        rows = result.fetchall()
        done = time.perf_counter()
    finally:
        db.close()
    # A gender without any enrolment has no row: zero counts, no means.
    figures: Figures = {g: {n: None if n in MEANS else 0 for n in FIGURES} for g in GROUPS}
    for row in rows:
        values = dict(zip(names, row, strict=True))
        group = values.pop("grp")
        figures[group] = {n: round1(v) if n in MEANS else v for n, v in values.items()}
    return Reference((loaded - started) * 1000, (done - loaded) * 1000, figures)


def _write_csv(data: BenchData, result_groups: dict[str, str], path: Path) -> None:
    persons = data.persons
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(
            (
                e.person,
                "M" if persons[e.person].man else "K",
                persons[e.person].birth,
                e.start,
                e.end or "",
                "true" if e.dropout else "false",
                result_groups[e.end_reason] if e.end_reason else "",
            )
            for e in data.enrolments
        )
