"""`samspar bench reports`: how long the report set takes on generated data, next to a
DuckDB reference (see samspar/bench/runner.py and docs/development.md, "Benchmarks")."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from samspar.bench import runner
from samspar.bench.generate import DEFAULT_SEED
from samspar.reports.catalogue import REPORTS

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(_("Sizes are whole numbers, comma-separated.")) from None
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(_("Sizes must be at least 1."))
    return sizes


def _reports(text: str) -> list[str]:
    keys = [key.strip() for key in text.split(",") if key.strip()]
    unknown = [key for key in keys if key not in REPORTS]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(
            _("Unknown report %(keys)s; known: %(known)s.")
            % {"keys": ", ".join(unknown), "known": ", ".join(REPORTS)}
        )
    return keys


def _number(value: float) -> str:
    """Thousands separated by spaces, as in Swedish: 1 000 000."""
    return f"{value:,.0f}".replace(",", " ")


class Command(BaseCommand):
    help = "Benchmarks on generated data, rolled back afterwards. Subcommand: reports."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        benchmarks = parser.add_subparsers(dest="benchmark", required=True)
        reports = benchmarks.add_parser(
            "reports",
            help=(
                "Time every report for one förbund over the last full year on generated "
                "enrolments, and check the core figures against a DuckDB query."
            ),
        )
        reports.add_argument(
            "--sizes",
            type=_sizes,
            default=list(DEFAULT_SIZES),
            help="Numbers of enrolments, comma-separated (default 10000,100000,1000000).",
        )
        reports.add_argument(
            "--reports",
            type=_reports,
            default=None,
            help="Report keys to time, comma-separated (default: all).",
        )
        reports.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")

    def handle(self, *args: Any, benchmark: str, **options: Any) -> None:
        # One subcommand so far; "economics" is meant to join it.
        self._reports(options["sizes"], options["reports"] or list(REPORTS), options["seed"])

    def _reports(self, sizes: list[int], keys: list[str], seed: int) -> None:
        write = self.stdout.write
        today = timezone.localdate()
        date_from, date_to = runner.last_full_year(today)
        write(
            _(
                "Report benchmark on %(database)s: one förbund, %(from)s – %(to)s, exact "
                "counts; the generated data is rolled back afterwards."
            )
            % {"database": runner.database_name(), "from": date_from, "to": date_to}
        )
        failed = False
        for size in sizes:
            result = runner.run(size, keys, today=today, seed=seed)
            self._table(result)
            failed |= bool(result.mismatches)
        if failed:
            raise CommandError(_("MISMATCH between Django and DuckDB; see above."))

    def _table(self, result: runner.Result) -> None:
        write = self.stdout.write
        width = max(24, *(len(key) + 2 for key in result.report_ms))

        def line(label: str, ms: float) -> None:
            write(f"  {label:<{width}} {_number(ms):>12} ms")

        write("")
        write(
            _("%(size)s enrolments, %(persons)s persons")
            % {"size": _number(result.size), "persons": _number(result.persons)}
        )
        line(_("generate"), result.generate_ms)
        line(_("load (bulk_create)"), result.load_ms)
        for key, ms in result.report_ms.items():
            line(f"  {key}", ms)
        line(_("reports, total"), sum(result.report_ms.values()))
        line(_("DuckDB load"), result.reference.load_ms)
        line(_("DuckDB query"), result.reference.query_ms)
        total = result.django["total"]
        write(
            "  "
            + _(
                "#1 worked with %(worked)s, new %(new)s, ended %(ended)s, active %(active)s; "
                "#2 to goal %(goal)s; #4 %(months)s months; #6 mean age %(age)s"
            )
            % {
                "worked": total["#1 worked_with"],
                "new": total["#1 new"],
                "ended": total["#1 ended"],
                "active": total["#1 active_end"],
                "goal": total["#2 to_goal"],
                "months": total["#4 months"],
                "age": total["#6 mean_age"],
            }
        )
        if result.mismatches:
            write(self.style.ERROR(_("  MISMATCH between Django and DuckDB:")))
            for mismatch in result.mismatches:
                write(self.style.ERROR(f"    {mismatch}"))
        else:
            write(
                self.style.SUCCESS(_("  Check: #1 counts, #2 groups, #4 and #6 agree with DuckDB."))
            )
