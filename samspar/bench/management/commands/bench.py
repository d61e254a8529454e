"""`samspar bench reports`: how long the report set takes on generated data, next to a
DuckDB reference (see samspar/bench/runner.py and docs/development.md, "Benchmarks");
`samspar bench economics`: how long the socio-economic model takes (bench/economics.py);
`samspar bench suppression`: how much small-count suppression hides (bench/suppression.py);
`samspar bench load`: a load test of the production server with locust (bench/load.py)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Collection
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samspar.bench import core, economics, formatting, runner
from samspar.bench import imports as import_bench
from samspar.bench import load as load_bench
from samspar.bench import suppression as suppression_bench
from samspar.bench.generate import DEFAULT_SEED
from samspar.bench.loader import FORBUND_NAME
from samspar.economics.model import InputError
from samspar.organisation.models import Forbund
from samspar.reports.catalogue import REPORTS
from samspar.reports.scope import Level

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
M = TypeVar("M", bound=Model)


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
    known = [*REPORTS, *runner.EXTRAS]
    unknown = [key for key in keys if key not in known]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(
            _("Unknown report %(keys)s; known: %(known)s.")
            % {"keys": ", ".join(unknown), "known": ", ".join(known)}
        )
    return keys


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("Expected a whole number.")) from None
    if number < 1:
        raise argparse.ArgumentTypeError(_("Must be at least 1."))
    return number


def _loopback(text: str) -> str:
    if text not in load_bench.LOOPBACK:
        raise argparse.ArgumentTypeError(
            _("The load test runs on this machine only: %(hosts)s.")
            % {"hosts": ", ".join(load_bench.LOOPBACK)}
        )
    return text


class Command(BaseCommand):
    help = (
        "Benchmarks on generated data. Subcommands: reports (rolled back afterwards), "
        "economics (no database), import (rolled back afterwards), suppression (reads "
        "the database's own data), load (writes into the database: a throw-away one only)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        benchmarks = parser.add_subparsers(dest="benchmark", required=True)
        reports = benchmarks.add_parser(
            "reports",
            help=(
                "Time every report for one förbund over the last full year on generated "
                "enrolments, and check their figures against DuckDB queries."
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
            help=(
                "Report keys to time, comma-separated, and arsrapport-pdf (one insats's "
                "annual report as a PDF) and monte-carlo (the socio-economic evaluation of "
                "its participants) (default: all)."
            ),
        )
        reports.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")
        reports.add_argument(
            "--json",
            action="store_true",
            help="Also print the timings as JSON lines (one per report, level and set).",
        )
        model = benchmarks.add_parser(
            "economics",
            help=(
                "Time the socio-economic model's point estimate and Monte Carlo on generated "
                "participants (no database)."
            ),
        )
        model.add_argument(
            "--participants",
            type=_positive,
            default=economics.DEFAULT_PARTICIPANTS,
            help="Number of participants (default 1000).",
        )
        model.add_argument(
            "--draws",
            type=_positive,
            default=economics.DEFAULT_DRAWS,
            help="Monte Carlo draws (default 10000).",
        )
        model.add_argument(
            "--cohorts",
            type=_positive,
            default=None,
            help=(
                "Distinct participant profiles the participants are spread over "
                "(default: one per participant, the worst case)."
            ),
        )
        model.add_argument(
            "--repeat",
            type=_positive,
            default=economics.DEFAULT_REPEAT,
            help="Runs of each step; the best counts (default 3).",
        )
        model.add_argument("--seed", type=int, default=economics.DEFAULT_SEED, help="Random seed.")
        model.add_argument(
            "--json", action="store_true", help="Also print the result as one JSON line."
        )
        importing = benchmarks.add_parser(
            "import",
            help=(
                "Rows per second of an enrolment import's full check (the dry run) of a "
                "generated .xlsx, beside plain openpyxl reading of the same file."
            ),
        )
        importing.add_argument(
            "--rows", type=_positive, default=100_000, help="Rows (default 100000)."
        )
        importing.add_argument(
            "--write",
            action="store_true",
            help="Also time the write through the services (rolled back afterwards).",
        )
        importing.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")
        importing.add_argument(
            "--json", action="store_true", help="Also print the result as one JSON line."
        )
        hiding = benchmarks.add_parser(
            "suppression",
            help=(
                "Build every report exact and for publication, for a förbund and for one of "
                "its insatser, and count the cells at or above the threshold that are hidden."
            ),
        )
        hiding.add_argument(
            "--forbund", default=None, help="Förbund, by id or name (default: the first)."
        )
        hiding.add_argument(
            "--insats",
            default=None,
            help="Insats of the förbund, by id or name (default: its first with personal data).",
        )
        hiding.add_argument(
            "--year", type=_positive, default=None, help="Calendar year (default: the last full)."
        )
        loading = benchmarks.add_parser(
            "load",
            help=(
                "A load test with locust: simulated coaches, förbund administrators and API "
                "clients on the production server (samspar serve) on this machine, with "
                "p50/p95/p99 per page kind. It WRITES INTO THE DATABASE (generated "
                f"enrolments in the förbund '{FORBUND_NAME}', users, sessions, API keys; "
                "committed) and refuses a database that holds any other förbund: point "
                "DATABASE_URL at a throw-away database. A second run reuses the data."
            ),
        )
        loading.add_argument(
            "--enrolments",
            type=_positive,
            default=1_000_000,
            help="Enrolments to generate when the database has none yet (default 1000000).",
        )
        loading.add_argument(
            "--users", type=_positive, default=50, help="Concurrent users (default 50, at least 3)."
        )
        loading.add_argument(
            "--duration", type=_positive, default=120, help="Seconds of load (default 120)."
        )
        loading.add_argument(
            "--host",
            type=_loopback,
            default="127.0.0.1",
            help="The server's address: 127.0.0.1 (default) or localhost, nothing else.",
        )
        loading.add_argument(
            "--json", action="store_true", help="Also print one JSON line per page kind."
        )
        loading.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")

    def handle(self, *args: Any, benchmark: str, **options: Any) -> None:
        if benchmark == "load":
            self._load(options)
        elif benchmark == "suppression":
            self._suppression(options["forbund"], options["insats"], options["year"])
        elif benchmark == "import":
            self._import(options["rows"], options["write"], options["seed"], options["json"])
        elif benchmark == "economics":
            self._economics(
                options["participants"],
                options["draws"],
                options["cohorts"],
                options["repeat"],
                options["seed"],
                options["json"],
            )
        else:
            keys = options["reports"] or [*REPORTS, *runner.EXTRAS]
            self._reports(options["sizes"], keys, options["seed"], options["json"])

    def _economics(
        self,
        participants: int,
        draws: int,
        profiles: int | None,
        repeat: int,
        seed: int,
        as_json: bool,
    ) -> None:
        if profiles is not None and profiles > participants:
            raise CommandError(_("There cannot be more profiles than participants."))
        write = self.stdout.write
        write(
            ngettext(
                "Economics benchmark: the model on generated participants, standard values "
                "%(year)s, best of %(repeat)s run.",
                "Economics benchmark: the model on generated participants, standard values "
                "%(year)s, best of %(repeat)s runs.",
                repeat,
            )
            % {"year": economics.PRICE_YEAR, "repeat": repeat}
        )
        try:
            result = economics.run(participants, draws, profiles, repeat, seed)
        except InputError as error:
            raise CommandError(str(error)) from None
        rows = [
            (_("participants"), formatting.number(result.participants)),
            (_("distinct profiles"), formatting.number(result.profiles)),
            (_("draws"), formatting.number(result.draws)),
            (_("point estimate (evaluate), s"), formatting.decimal(result.evaluate_seconds, 3)),
            (_("simulation (simulate), s"), formatting.decimal(result.simulate_seconds, 3)),
            (_("draws per second"), formatting.number(result.draws_per_second)),
        ]
        width = max(len(label) for label, _value in rows) + 2
        write("")
        for label, value in rows:
            write(f"  {label:<{width}} {value:>12}")
        band = result.society_revenue
        write("")
        write(
            "  "
            + _(
                "Society's revenue per year: median %(median)s kr, 80 %% band %(low)s – "
                "%(high)s kr."
            )
            % {
                "median": formatting.number(band.median or 0),
                "low": formatting.number(band.low80 or 0),
                "high": formatting.number(band.high80 or 0),
            }
        )
        if as_json:
            # The reference: one point estimate of the same participants, in the same run.
            record = {
                "benchmark": "monte carlo",
                "participants": result.participants,
                "profiles": result.profiles,
                "draws": result.draws,
                "s": round(result.simulate_seconds, 3),
                "reference": "point estimate",
                "reference_s": round(result.evaluate_seconds, 4),
            }
            write(json.dumps(record, ensure_ascii=False))

    def _import(self, rows: int, write: bool, seed: int, as_json: bool) -> None:
        write_line = self.stdout.write
        write_line(
            _(
                "Import benchmark on %(database)s: %(rows)s generated enrolments in one .xlsx; "
                "rolled back afterwards."
            )
            % {"database": runner.database_name(), "rows": formatting.number(rows)}
        )
        result = import_bench.run(rows, seed=seed, write=write)

        def line(label: str, seconds: float | None) -> None:
            if seconds is None:
                return
            per_second = import_bench.Result.per_second(result.rows, seconds) or 0
            write_line(
                f"  {label:<44} {formatting.decimal(seconds, 1):>8} s "
                f"{formatting.number(per_second):>10} " + _("rows/s")
            )

        write_line("")
        line(_("reference: openpyxl reads every cell"), result.read_seconds)
        line(_("full check (dry run)"), result.check_seconds)
        line(_("write through the services"), result.write_seconds)
        write_line("")
        write_line(
            _("  %(rows)s rows, %(errors)s errors.")
            % {"rows": formatting.number(result.rows), "errors": formatting.number(result.errors)}
        )
        if as_json:
            common = {"database": runner.database_name(), "rows": result.rows}
            reference = {"reference": "openpyxl read", "reference_s": round(result.read_seconds, 2)}
            steps = [("import check", result.check_seconds), ("import write", result.write_seconds)]
            for name, seconds in steps:
                if seconds is not None:
                    record = {"benchmark": name, **common, "s": round(seconds, 2), **reference}
                    write_line(json.dumps(record, ensure_ascii=False))
        if result.errors:
            raise CommandError(_("The generated file had errors."))

    def _load(self, options: dict[str, Any]) -> None:
        users, duration = options["users"], options["duration"]
        if users < 3:
            raise CommandError(_("Give at least 3 users: one of each kind."))
        write = self.stdout.write

        def say(text: str) -> None:
            write(text)
            self.stdout.flush()

        try:
            result = load_bench.run(
                size=options["enrolments"],
                users=users,
                duration=duration,
                host=options["host"],
                seed=options["seed"],
                say=say,
            )
        except load_bench.LoadError as error:
            raise CommandError(str(error)) from None
        write("")
        write(
            _(
                "Load test on %(database)s: %(enrolments)s enrolments, %(users)s users for "
                "%(seconds)s s, the production server with %(workers)s workers; times in ms."
            )
            % {
                "database": result.database,
                "enrolments": formatting.number(result.enrolments),
                "users": result.users,
                "seconds": result.duration_s,
                "workers": result.workers,
            }
        )
        self._load_table(result.stats)
        if options["json"]:
            for stat in result.stats.pages:
                write(json.dumps(_load_json(result, stat), ensure_ascii=False))
        if result.stats.total.failures:
            for line in result.stats.failures:
                write(self.style.ERROR(f"  {line}"))
            write(_("The server's last lines:"))
            write(result.server_log)
            failures = result.stats.total.failures
            raise CommandError(
                ngettext("%(failures)s request failed.", "%(failures)s requests failed.", failures)
                % {"failures": formatting.number(failures)}
            )

    def _load_table(self, stats: load_bench.Stats) -> None:
        write = self.stdout.write
        heads = [
            _("requests"),
            _("failures"),
            "p50",
            "p95",
            "p99",
            _("goal p95"),
        ]
        width = max(len(s.name) for s in stats.pages) + 2
        widths = [max(len(head), 6) + 2 for head in heads]

        def ms(value: float | None) -> str:
            return "–" if value is None else formatting.number(value)

        def line(stat: load_bench.Stat) -> str:
            goal = stat.goal_p95_ms
            cells = [
                formatting.number(stat.requests),
                formatting.number(stat.failures),
                ms(stat.p50_ms),
                ms(stat.p95_ms),
                ms(stat.p99_ms),
                "" if goal is None else formatting.number(goal),
            ]
            text = f"  {stat.name:<{width}}" + "".join(
                f"{cell:>{w}}" for cell, w in zip(cells, widths, strict=True)
            )
            if goal is None:
                return text.rstrip()
            verdict = _("met") if stat.meets_goal else _("missed")
            return f"{text}  {verdict}"

        write("")
        write(f"  {'':<{width}}" + "".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
        for stat in stats.pages:
            text = line(stat)
            write(self.style.SUCCESS(text) if stat.meets_goal else self.style.WARNING(text))
        write(line(stats.total))

    def _reports(self, sizes: list[int], keys: list[str], seed: int, as_json: bool) -> None:
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
        reports = [key for key in keys if key in REPORTS]
        extras = [key for key in keys if key in runner.EXTRAS]
        for size in sizes:
            result = runner.run(size, reports, today=today, seed=seed, extras=extras)
            self._timings(result, extras)
            self._comparison(result)
            if as_json:
                for record in runner.json_lines(result, runner.database_name()):
                    write(json.dumps(record, ensure_ascii=False))
            failed |= bool(result.mismatches)
        if failed:
            raise CommandError(_("MISMATCH between Django and DuckDB; see above."))

    def _timings(self, result: runner.Result, extras: Collection[str]) -> None:
        write = self.stdout.write
        totals = (
            (Level.INSATS, _("reports, total, one insats")),
            (Level.ALL, _("reports, total, the whole installation")),
        )
        width = max(24, *(len(key) + 2 for key in result.report_ms), *(len(t) for _l, t in totals))

        def line(label: str, ms: float) -> None:
            write(f"  {label:<{width}} {formatting.number(ms):>12} ms")

        write("")
        write(
            _("%(size)s enrolments, %(persons)s persons")
            % {"size": formatting.number(result.size), "persons": formatting.number(result.persons)}
        )
        line(_("generate"), result.generate_ms)
        line(_("load (bulk_create)"), result.load_ms)
        for key, ms in result.report_ms.items():
            line(f"  {key}", ms)
        line(_("reports, total"), sum(result.report_ms.values()))
        for level, label in totals:
            line(label, sum(result.level_ms[level].values()))
        line(_("DuckDB load"), result.reference.load_ms)
        line(_("DuckDB query"), result.reference.query_ms)
        line(_("the same figures, Django"), result.figures_ms)
        ratio = result.figures_ms / max(result.reference.query_ms, 1e-9)
        write(
            "  "
            + _("Django's figures take %(ratio)s × DuckDB's query time (goal: at most %(goal)s ×).")
            % {"ratio": formatting.decimal(ratio, 1), "goal": formatting.number(runner.GOAL_RATIO)}
        )
        if pdf := result.annual:
            write(
                "  "
                + _(
                    "Annual report of one insats as PDF (%(pages)s pages): %(ms)s ms, of which "
                    "%(compose)s ms composing and %(render)s ms laying out."
                )
                % {
                    "pages": pdf.pages,
                    "ms": formatting.number(pdf.ms),
                    "compose": formatting.number(pdf.compose_ms),
                    "render": formatting.number(pdf.render_ms),
                }
            )
        if runner.MONTE_CARLO in extras and result.evaluation is None:
            write("  " + _("Evaluation: too few participants of one insats ended in the year."))
        if model := result.evaluation:
            write(
                "  "
                + _(
                    "Evaluation of one insats's %(participants)s ended participants "
                    "(%(profiles)s profiles): read from the registry %(read)s ms, with the "
                    "Monte Carlo (%(draws)s draws) %(simulate)s ms, point estimate alone "
                    "%(evaluate)s ms."
                )
                % {
                    "participants": formatting.number(model.participants),
                    "profiles": formatting.number(model.profiles),
                    "read": formatting.number(model.read_ms),
                    "draws": formatting.number(model.draws),
                    "simulate": formatting.number(model.simulate_ms),
                    "evaluate": formatting.number(model.evaluate_ms),
                }
            )

    def _comparison(self, result: runner.Result) -> None:
        write = self.stdout.write
        write("")
        for row in formatting.comparison(result.django, result.reference.figures):
            write(row.text if row.agrees else self.style.ERROR(row.text))
        write("")
        if result.mismatches:
            write(self.style.ERROR(_("  MISMATCH between Django and DuckDB:")))
            for mismatch in result.mismatches:
                write(self.style.ERROR(f"    {mismatch}"))
        else:
            compared = ", ".join(f"{n} {label}" for n, label in core.COMPARED.items())
            write(
                self.style.SUCCESS(
                    _("  Check: %(figures)s agree with DuckDB.") % {"figures": compared}
                )
            )

    def _suppression(
        self, forbund_ref: str | None, insats_ref: str | None, year: int | None
    ) -> None:
        forbund = (
            _find(Forbund.objects.all(), forbund_ref)
            if forbund_ref
            else suppression_bench.default_forbund()
        )
        if forbund is None:
            raise CommandError(_("No such förbund."))
        insats = (
            _find(forbund.insatser.all(), insats_ref)
            if insats_ref
            else suppression_bench.default_insats(forbund)
        )
        if insats_ref and insats is None:
            raise CommandError(_("No such insats in the förbund."))
        year = year or runner.last_full_year(timezone.localdate())[0].year
        write = self.stdout.write
        write(
            _(
                "Suppression benchmark on %(database)s, %(year)s: every report exact and for "
                "publication, compared cell by cell."
            )
            % {"database": runner.database_name(), "year": year}
        )
        sections = suppression_bench.run(forbund, insats, year)
        for section in sections:
            self._hiding(section)
        write("")
        for section in sections:
            self._verdict(section)

    def _verdict(self, section: suppression_bench.Section) -> None:
        """Whether the scope meets the goal of issue 11: at most GOAL_PERCENT of its
        counts at or above the threshold hidden, and no such total."""
        tally = section.total
        verdict = _(
            "Goal for %(scope)s (at most %(percent)s %% hidden, no hidden total): "
            "%(hidden)s %% hidden, %(totals)s hidden totals: %(result)s."
        ) % {
            "scope": section.title,
            "percent": formatting.number(suppression_bench.GOAL_PERCENT),
            "hidden": formatting.decimal(tally.hidden_percent, 1),
            "totals": formatting.number(tally.totals_hidden),
            "result": _("met") if tally.meets_goal else _("not met"),
        }
        write = self.stdout.write
        write(self.style.SUCCESS(verdict) if tally.meets_goal else self.style.WARNING(verdict))

    def _hiding(self, section: suppression_bench.Section) -> None:
        write = self.stdout.write
        heads = [
            _("cells ≥ threshold"),
            _("hidden"),
            "%",
            _("totals ≥ threshold"),
            _("hidden"),
            _("shares and means"),
            _("hidden"),
        ]
        width = max(len(_("all reports")), *(len(key) for key in section.reports)) + 2
        widths = [max(len(head), 5) + 2 for head in heads]

        def line(name: str, tally: suppression_bench.Tally) -> str:
            cells = [
                formatting.number(tally.counts),
                formatting.number(tally.hidden),
                formatting.decimal(tally.hidden_percent, 1),
                formatting.number(tally.totals),
                formatting.number(tally.totals_hidden),
                formatting.number(tally.derived),
                formatting.number(tally.derived_hidden),
            ]
            return f"  {name:<{width}}" + "".join(
                f"{cell:>{w}}" for cell, w in zip(cells, widths, strict=True)
            )

        write("")
        write(
            _("%(name)s, threshold %(threshold)s")
            % {"name": section.title, "threshold": section.threshold}
        )
        write(f"  {'':<{width}}" + "".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
        for key, tally in section.reports.items():
            name = _("annual report") if key == suppression_bench.ANNUAL else key
            write(line(name, tally))
        write(line(_("all reports"), section.total))


def _load_json(result: load_bench.Result, stat: load_bench.Stat) -> dict[str, Any]:
    return {
        "benchmark": "load",
        "database": result.database,
        "enrolments": result.enrolments,
        "users": result.users,
        "duration_s": result.duration_s,
        "name": stat.name,
        "requests": stat.requests,
        "failures": stat.failures,
        "p50_ms": stat.p50_ms,
        "p95_ms": stat.p95_ms,
        "p99_ms": stat.p99_ms,
        "goal_p95_ms": stat.goal_p95_ms,
    }


def _find(objects: QuerySet[M], ref: str) -> M | None:
    """The object of ``objects`` with ``ref`` as its id or name; None if none."""
    if ref.isdigit():
        return objects.filter(pk=int(ref)).first()
    return objects.filter(name=ref).first()
