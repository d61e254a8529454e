"""The compared figures computed by plain DuckDB queries over the same generated data.

A reference twice over: an independent implementation of docs/definitions.md to check
the ORM's results against, and a yardstick for how fast an analytical engine answers the
same questions. The tuples reach DuckDB through a temporary CSV file read with
``read_csv`` (inserting a million rows from Python one by one would take minutes); the
two code lists the definitions group by (end reason → result group, referring actor →
its top-level actor) are small tables beside it, copied from the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from samspar.bench.core import GROUPS, MEANS, RESULT_GROUPS, Figures
from samspar.bench.generate import BenchData
from samspar.bench.loader import insats_name
from samspar.codelists.models import EndReason, ReferringActor, ResultGroup
from samspar.reports.aggregates import as_float
from samspar.reports.dbfunctions import AVG_DAYS_PER_MONTH
from samspar.reports.figures.outcomes import MONTHS_OPEN_FROM
from samspar.reports.scope import DEFAULT_MONTH_STEP

_COLUMNS = {
    "person": "INTEGER",
    "gender": "VARCHAR",
    "birth": "DATE",
    "start_date": "DATE",
    "end_date": "DATE",
    "early_dropout": "BOOLEAN",
    "end_reason": "VARCHAR",  # a code, as are education, referring and municipality
    "support_years": "DECIMAL(4, 1)",  # empty when not known
    "education": "VARCHAR",
    "referring": "VARCHAR",
    "municipality": "VARCHAR",
    "insats": "VARCHAR",  # its name
}
_GOAL = (ResultGroup.WORK.value, ResultGroup.STUDIES.value, ResultGroup.OTHER_REHAB.value)
_STEP, _OPEN = DEFAULT_MONTH_STEP, MONTHS_OPEN_FROM

# Every enrolment but the felregistreringar, with the period's populations as flags.
# Age: whole years on the start date; age_end on the last day in the period (its last
# day, or the end date if that is earlier). Time in the insats: the lower end of its interval
# of completed months (the last one open), labelled as "3–5" and "36–".
_ENROLMENTS = f"""
WITH e AS (
    SELECT
        en.*,
        r.result_group,
        coalesce(a.parent, en.referring) AS referring_top,
        start_date <= $to AND (end_date IS NULL OR end_date >= $from) AS worked_with,
        start_date BETWEEN $from AND $to AS new,
        coalesce(end_date BETWEEN $from AND $to, false) AS ended,
        start_date <= $to AND (end_date IS NULL OR end_date >= $to) AS active_end,
        start_date <= $from AND (end_date IS NULL OR end_date >= $from) AS active_start,
        date_diff('day', start_date, end_date) / {AVG_DAYS_PER_MONTH} AS months,
        least(floor(months)::INTEGER // {_STEP} * {_STEP}, {_OPEN}) AS months_from,
        CASE WHEN months_from >= {_OPEN} THEN concat(months_from, '–')
            ELSE concat(months_from, '–', months_from + {_STEP - 1}) END AS months_interval,
        year(start_date) - year(birth)
            - (strftime(start_date, '%m-%d') < strftime(birth, '%m-%d'))::INTEGER AS age,
        least(coalesce(end_date, $to), $to) AS age_day,
        year(age_day) - year(birth)
            - (strftime(age_day, '%m-%d') < strftime(birth, '%m-%d'))::INTEGER AS age_end
    FROM enrolments en
    LEFT JOIN end_reason r ON r.code = en.end_reason
    LEFT JOIN referring_actor a ON a.code = en.referring
    WHERE r.result_group IS DISTINCT FROM '{ResultGroup.CANCELLED.value}'
)
"""
_GROUP = "CASE WHEN grouping(gender) = 1 THEN 'total' ELSE gender END AS grp"

# #1, #2, #4, #5 and #6: one row per gender and one in total.
_BY_GENDER = f"""
{_ENROLMENTS}
SELECT
    {_GROUP},
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
    avg(months) FILTER (
        WHERE ended AND NOT early_dropout AND result_group IN {_GOAL}
    ) AS "#4 goal_months",
    count(*) FILTER (WHERE new AND support_years IS NULL) AS "#5 unknown",
    avg(support_years) FILTER (WHERE new) AS "#5 mean_years",
    avg(age) FILTER (WHERE new) AS "#6 mean_age",
    avg(age_end) FILTER (WHERE new) AS "#6 mean_age_end"
FROM e
GROUP BY GROUPING SETS ((gender), ())
"""

# #7, #8, #9 and #12 count enrolments per code or interval; #10 counts persons per insats
# and municipality. A #12 top-level actor counts its own and its sub-categories'.
_DISTRIBUTIONS = f"""
{_ENROLMENTS},
enrolment_rows AS (
    SELECT '#7 ' || education AS figure, gender FROM e WHERE new
    UNION ALL SELECT '#8 ' || months_interval, gender FROM e WHERE ended
    UNION ALL SELECT '#9 ' || end_reason, gender FROM e WHERE ended
    UNION ALL SELECT '#12 ' || referring_top, gender FROM e WHERE new
    UNION ALL SELECT '#12 ' || referring, gender FROM e WHERE new AND referring <> referring_top
),
person_rows AS (
    SELECT '#10 ' || insats || ', ' || municipality AS figure, gender, person
    FROM e WHERE worked_with
)
SELECT figure, {_GROUP}, count(*) AS n
FROM enrolment_rows GROUP BY GROUPING SETS ((figure, gender), (figure))
UNION ALL
SELECT figure, {_GROUP}, count(DISTINCT person) AS n
FROM person_rows GROUP BY GROUPING SETS ((figure, gender), (figure))
ORDER BY figure
"""


@dataclass(frozen=True)
class CodeLists:
    result_groups: dict[str, str]  # end reason code → result group
    parents: dict[str, str | None]  # referring actor code → its top-level actor's code

    @classmethod
    def from_database(cls) -> CodeLists:
        return cls(
            dict(EndReason.objects.values_list("code", "result_group")),
            dict(ReferringActor.objects.values_list("code", "parent__code")),
        )


@dataclass(frozen=True)
class Reference:
    load_ms: float
    query_ms: float
    figures: Figures


def compute(
    data: BenchData, code_lists: CodeLists, date_from: dt.date, date_to: dt.date
) -> Reference:
    """Load ``data`` into an in-memory DuckDB and compute the figures for the period."""
    db = duckdb.connect()
    try:
        started = time.perf_counter()
        _load(db, data, code_lists)
        loaded = time.perf_counter()
        period = {"from": date_from, "to": date_to}
        by_gender = db.execute(_BY_GENDER, period)
        names = [d[0] for d in by_gender.description]
        rows = by_gender.fetchall()
        distributions = db.execute(_DISTRIBUTIONS, period).fetchall()
        done = time.perf_counter()
    finally:
        db.close()
    # A gender without any enrolment has no row: core.value() reads 0, or no mean.
    figures: Figures = {group: {} for group in GROUPS}
    for row in rows:
        values = dict(zip(names, row, strict=True))
        group = values.pop("grp")
        figures[group] = {n: as_float(v) if n in MEANS else v for n, v in values.items()}
    for name, group, n in distributions:
        figures[group][name] = n
    return Reference((loaded - started) * 1000, (done - loaded) * 1000, figures)


def _load(db: duckdb.DuckDBPyConnection, data: BenchData, code_lists: CodeLists) -> None:
    db.execute("CREATE TABLE end_reason (code VARCHAR PRIMARY KEY, result_group VARCHAR)")
    db.executemany("INSERT INTO end_reason VALUES (?, ?)", list(code_lists.result_groups.items()))
    db.execute("CREATE TABLE referring_actor (code VARCHAR PRIMARY KEY, parent VARCHAR)")
    db.executemany("INSERT INTO referring_actor VALUES (?, ?)", list(code_lists.parents.items()))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "enrolments.csv"
        _write_csv(data, path)
        columns = ", ".join(f"'{name}': '{kind}'" for name, kind in _COLUMNS.items())
        db.execute(
            "CREATE TABLE enrolments AS SELECT * FROM "
            f"read_csv(?, header = false, nullstr = '', columns = {{{columns}}})",
            [str(path)],
        )


def _write_csv(data: BenchData, path: Path) -> None:
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
                e.end_reason or "",
                "" if e.support_tenths is None else f"{e.support_tenths / 10:.1f}",
                e.education,
                e.referring,
                e.municipality,
                insats_name(e.insats),
            )
            for e in data.enrolments
        )
