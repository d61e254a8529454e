"""One benchmark run: generate, load, time every report, compare with DuckDB, roll back.

Everything written goes into one ``transaction.atomic()`` that is always rolled back, so
the database is left exactly as it was — even if the run fails halfway — and the
reports are timed on uncommitted rows of the same connection. Rolling back a million
rows is quick on both SQLite (the journal) and PostgreSQL (nothing to undo); deleting
them afterwards would take longer than inserting them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.test.utils import override_settings

from samspar.bench import annual, core, duckdb_reference, evaluation, loader
from samspar.bench.generate import DEFAULT_SEED, generate
from samspar.reports.catalogue import REPORTS
from samspar.reports.scope import Level, ReportScope

# Issue 14: the figures DuckDB also computes take at most this many times DuckDB's query
# time on the same rows (docs/performance.md).
GOAL_RATIO = 3


# The organisation levels the report set is timed at: one insats of the generated förbund,
# the förbund (the figures DuckDB checks are the förbund's), and the whole installation.
LEVELS = (Level.INSATS, Level.FORBUND, Level.ALL)

# Besides the reports, for the first insats of the generated förbund: its annual report
# as a PDF, and the socio-economic evaluation of its participants who ended in the year,
# with the Monte Carlo. Chosen with ``--reports`` like the reports' keys.
ANNUAL_PDF = "arsrapport-pdf"
MONTE_CARLO = "monte-carlo"
EXTRAS = (ANNUAL_PDF, MONTE_CARLO)


@dataclass(frozen=True)
class Result:
    size: int
    persons: int
    date_from: dt.date
    date_to: dt.date
    generate_ms: float
    load_ms: float
    report_ms: dict[str, float]  # the förbund's
    level_ms: dict[Level, dict[str, float]]  # every level's, the förbund's included
    figures_ms: float  # the figures DuckDB also computes (core.django_figures), by Django
    django: core.Figures
    reference: duckdb_reference.Reference
    mismatches: list[str]
    annual: annual.Timing | None = None
    evaluation: evaluation.Timing | None = None


def last_full_year(today: dt.date) -> tuple[dt.date, dt.date]:
    year = today.year - 1
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def database_name() -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
        connection.vendor, connection.vendor
    )


def run(
    size: int,
    keys: Sequence[str],
    *,
    today: dt.date,
    seed: int = DEFAULT_SEED,
    extras: Collection[str] = (),
) -> Result:
    """Time ``keys`` (REPORTS keys) on ``size`` generated enrolments, for the last full
    year before ``today``, at each level with exact counts, and ``extras`` (EXTRAS)."""
    date_from, date_to = last_full_year(today)
    started = time.perf_counter()
    data = generate(size, today=today, seed=seed)
    generated = time.perf_counter()
    # DEBUG would record every query's SQL (gigabytes for a million rows) and slow it.
    with override_settings(DEBUG=False), transaction.atomic():
        forbund = loader.load(data)
        loaded = time.perf_counter()
        insats = forbund.insatser.order_by("pk").first()
        assert insats is not None  # the loader makes INSATSER of them
        objects = {
            Level.INSATS: insats.pk,
            Level.FORBUND: forbund.pk,
            Level.ALL: None,
        }
        level_ms = {
            level: _time_reports(
                ReportScope.for_operator(
                    date_from, date_to, exact=True, level=level, object_id=objects[level]
                ),
                keys,
            )
            for level in LEVELS
        }
        scope = ReportScope.for_operator(
            date_from, date_to, exact=True, level=Level.FORBUND, object_id=forbund.pk
        )
        began = time.perf_counter()
        django = core.django_figures(scope)
        figures_ms = (time.perf_counter() - began) * 1000
        code_lists = duckdb_reference.CodeLists.from_database()
        timed_annual = annual.run(insats, date_from.year) if ANNUAL_PDF in extras else None
        timed_evaluation = (
            evaluation.run(insats, date_from, date_to) if MONTE_CARLO in extras else None
        )
        transaction.set_rollback(True)
    reference = duckdb_reference.compute(data, code_lists, date_from, date_to)
    return Result(
        size=size,
        persons=len(data.persons),
        date_from=date_from,
        date_to=date_to,
        generate_ms=(generated - started) * 1000,
        load_ms=(loaded - generated) * 1000,
        report_ms=level_ms[Level.FORBUND],
        level_ms=level_ms,
        figures_ms=figures_ms,
        django=django,
        reference=reference,
        mismatches=core.mismatches(django, reference.figures),
        annual=timed_annual,
        evaluation=timed_evaluation,
    )


def _time_reports(scope: ReportScope, keys: Sequence[str]) -> dict[str, float]:
    report_ms = {}
    for key in keys:
        began = time.perf_counter()
        REPORTS[key].build(scope)
        report_ms[key] = (time.perf_counter() - began) * 1000
    return report_ms


def json_lines(result: Result, database: str) -> list[dict[str, object]]:
    """The run as machine-readable records (``samspar bench reports --json``): each
    report at each level, each level's whole set and the figures DuckDB also computes,
    each beside its reference from the same run (DuckDB on the same rows)."""
    common = {"database": database, "enrolments": result.size, "persons": result.persons}
    duckdb = {"reference": "duckdb query", "reference_ms": round(result.reference.query_ms, 1)}
    lines: list[dict[str, object]] = []
    for level, timings in result.level_ms.items():
        for key, ms in timings.items():
            lines.append(
                {"benchmark": "report", **common, "level": level.value, "report": key,
                 "ms": round(ms, 1), **duckdb}
            )  # fmt: skip
        lines.append(
            {"benchmark": "report set", **common, "level": level.value, "reports": len(timings),
             "ms": round(sum(timings.values()), 1), **duckdb}
        )  # fmt: skip
    lines.append(
        {"benchmark": "figures", **common, "level": Level.FORBUND.value,
         "ms": round(result.figures_ms, 1), **duckdb,
         "ratio": round(result.figures_ms / max(result.reference.query_ms, 1e-9), 2),
         "goal_ratio": GOAL_RATIO, "mismatches": len(result.mismatches)}
    )  # fmt: skip
    lines.append(
        {"benchmark": "load", **common, "ms": round(result.load_ms, 1),
         "reference": "duckdb load", "reference_ms": round(result.reference.load_ms, 1)}
    )  # fmt: skip
    if pdf := result.annual:
        lines.append(
            {"benchmark": "annual report pdf", **common, "level": Level.INSATS.value,
             "ms": round(pdf.ms, 1), "compose_ms": round(pdf.compose_ms, 1),
             "render_ms": round(pdf.render_ms, 1), "pages": pdf.pages, **duckdb}
        )  # fmt: skip
    if model := result.evaluation:
        lines.append(
            {"benchmark": "monte carlo", **common, "level": Level.INSATS.value,
             "participants": model.participants, "profiles": model.profiles,
             "draws": model.draws, "ms": round(model.simulate_ms, 1),
             "read_ms": round(model.read_ms, 1), "reference": "point estimate",
             "reference_ms": round(model.evaluate_ms, 1)}
        )  # fmt: skip
    return lines
