"""`samspar report`: a report as a file for the server operator, e.g. for a cron job
that publishes figures (--published marks the output as made for publication). The
operator sees every insats; small counts are suppressed unless --exact is given."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from samspar.core.output_files import write_output
from samspar.core.personnummer import Gender
from samspar.organisation.models import County, Forbund, Insats, Team
from samspar.reports.catalogue import REPORTS
from samspar.reports.exports import FORMATS, export
from samspar.reports.forms import ReportFilterForm
from samspar.reports.populations import AgeOn, Population
from samspar.reports.scope import (
    DEFAULT_AGE_BOUNDS,
    DEFAULT_MONTH_STEP,
    Level,
    ReportScope,
    period_problems,
)

BINARY_FORMATS = ("xlsx", "pdf")

# option name → (level, model), from the widest to the narrowest level.
_LEVELS: dict[str, tuple[Level, type[Model]]] = {
    "lan": (Level.LAN, County),
    "forbund": (Level.FORBUND, Forbund),
    "team": (Level.TEAM, Team),
    "insats": (Level.INSATS, Insats),
}
# How a wider option given with a narrower one narrows its look-up, e.g.
# --forbund X --insats Y is the insats Y of the förbund X.
_WITHIN: dict[str, dict[str, str]] = {
    "forbund": {"lan": "county_id"},
    "team": {"lan": "forbund__county_id", "forbund": "forbund_id"},
    "insats": {"lan": "forbund__county_id", "forbund": "forbund_id", "team": "team_id"},
}
# Options checked by the report pages' own form fields, so they accept what a page does.
_FORM_OPTIONS = ("population", "age_on", "age_bounds", "month_step", "base_year")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a date of the form YYYY-MM-DD.").format(text=text)
        ) from None


class Command(BaseCommand):
    help = (
        "Write a report (see --list) for an organisation and a period as JSON, CSV, Excel "
        "or PDF. Without --from and --to it covers the last full calendar year. Counts "
        "below the förbund's threshold are hidden unless --exact is given; without "
        "--exact the period runs from 1 January to the end of a month of the same year "
        "(several whole years for trend, budget and personal-vantelista)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("name", nargs="?", help="The report's name, e.g. deltagare.")
        parser.add_argument("--list", action="store_true", help="List the reports and exit.")
        parser.add_argument("--lan", help="A county: its code or exact name.")
        parser.add_argument("--forbund", help="A samordningsförbund: its id or exact name.")
        parser.add_argument("--team", help="A team: its id or exact name.")
        parser.add_argument(
            "--insats",
            help="An insats: its id or exact name. The narrowest option given is the report's "
            "organisation; wider ones narrow its look-up by name.",
        )
        parser.add_argument("--from", dest="date_from", type=_date, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", type=_date, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--gender", choices=[g.value for g in Gender], default="")
        parser.add_argument(
            "--population",
            choices=[p.value for p in Population],
            help="Whom age, education, time in public support and referrers cover "
            "(default: new, those who started in the period).",
        )
        parser.add_argument(
            "--age-on",
            choices=[a.value for a in AgeOn],
            help="The day age is taken on: start (default) or end (the period's last day, "
            "or the end date of an enrolment that ended before it).",
        )
        parser.add_argument(
            "--age-bounds",
            help="Ages where age groups start, e.g. '25,30,40' (default: "
            + ",".join(str(b) for b in DEFAULT_AGE_BOUNDS)
            + ").",
        )
        parser.add_argument(
            "--month-step",
            help=f"Months per interval of time in the insats (default: {DEFAULT_MONTH_STEP}).",
        )
        parser.add_argument(
            "--base-year", help="Base year of the trend's change (default: the first year)."
        )
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="json")
        parser.add_argument(
            "--output", type=Path, help="Write to this file (required for xlsx and pdf)."
        )
        counts = parser.add_mutually_exclusive_group()
        counts.add_argument(
            "--exact",
            action="store_true",
            help="Do not hide small counts (for the operator's own use, never to publish).",
        )
        counts.add_argument(
            "--published",
            action="store_true",
            help="For publication: hide small counts and say so in the output.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for spec in REPORTS.values():
                figures = f"#{spec.figures}" if spec.figures else ""
                self.stdout.write(f"{spec.key}\t{spec.title}\t{figures}")
            return
        name = options["name"]
        if not name:
            raise CommandError(_("Name a report, or use --list to see them."))
        if name not in REPORTS:
            raise CommandError(
                _("Unknown report '{name}'. Known reports: {names}.").format(
                    name=name, names=", ".join(REPORTS)
                )
            )
        fmt, output = options["fmt"], options["output"]
        if fmt in BINARY_FORMATS and output is None:
            raise CommandError(
                _("The {fmt} format is binary: give a file with --output.").format(fmt=fmt)
            )
        date_from, date_to = _period(options["date_from"], options["date_to"])
        level, object_id = _organisation(options)
        chosen = _form_options(options)
        scope = ReportScope.for_operator(
            date_from,
            date_to,
            exact=options["exact"],
            level=level,
            object_id=object_id,
            gender=options["gender"],
            population=chosen.get("population") or "",
            age_on=chosen.get("age_on") or "",
            age_bounds=chosen.get("age_bounds") or DEFAULT_AGE_BOUNDS,
            month_step=chosen.get("month_step") or DEFAULT_MONTH_STEP,
            base_year=chosen.get("base_year"),
            published=options["published"],
        )
        refused = REPORTS[name].period_problems(scope)
        if refused:
            raise CommandError(" ".join(refused.values()))
        exported = export(REPORTS[name].build(scope), scope, fmt)
        if output is not None:
            write_output(output, exported.content)
            self.stderr.write(_("Wrote {path}.").format(path=output))
        else:
            # No byte-order mark on a terminal or in a pipe.
            self.stdout.write(exported.content.decode("utf-8-sig"), ending="")


def _period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The given dates; a missing one is the start or end of the other's year, and with
    neither the period is the last full calendar year."""
    if date_from is None:
        if date_to is None:
            year = timezone.localdate().year - 1
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        date_from = dt.date(date_to.year, 1, 1)
    elif date_to is None:
        date_to = dt.date(date_from.year, 12, 31)
    problems = period_problems(date_from, date_to, timezone.localdate())
    if problems:
        raise CommandError(" ".join(str(p) for p in problems.values()))
    return date_from, date_to


def _form_options(options: dict[str, Any]) -> dict[str, Any]:
    """The grouping options given, cleaned by the report form's own fields."""
    cleaned: dict[str, Any] = {}
    for name in _FORM_OPTIONS:
        if options[name] is None:
            continue
        try:
            cleaned[name] = ReportFilterForm.base_fields[name].clean(options[name])
        except ValidationError as error:
            option = "--" + name.replace("_", "-")
            raise CommandError(f"{option}: {' '.join(error.messages)}") from None
    return cleaned


def _organisation(options: dict[str, Any]) -> tuple[Level, str | int | None]:
    """The level and primary key of the narrowest organisation option given, looked up
    within the wider ones given with it."""
    found: dict[str, object] = {}
    for option, (_level, model) in _LEVELS.items():
        text = options[option]
        if text is None:
            continue
        manager = model._default_manager.filter(
            **{
                field: found[wider]
                for wider, field in _WITHIN.get(option, {}).items()
                if wider in found
            }
        )
        matches = list(manager.filter(name=text).values_list("pk", flat=True)[:2])
        if not matches and (text.isdigit() or model is County):
            matches = list(manager.filter(pk=text).values_list("pk", flat=True))
        if len(matches) > 1:
            raise CommandError(
                _("Several {kind} are named '{text}': give the id instead.").format(
                    kind=model._meta.verbose_name_plural, text=text
                )
            )
        if not matches:
            raise CommandError(
                _("No {kind} has the id or name '{text}'.").format(
                    kind=model._meta.verbose_name, text=text
                )
            )
        found[option] = matches[0]
    if not found:
        return Level.ALL, None
    narrowest = list(found)[-1]
    return _LEVELS[narrowest][0], cast(int | str, found[narrowest])
