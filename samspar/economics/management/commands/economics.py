"""`samspar economics`: list evaluations, export one, print the standard values.

Run as the operator of the installation, explicitly (``reports.scope.Operator``, as
`samspar report` runs): every evaluation and value set is read through the selectors as
the operator's, none through a bare ``objects``. The output holds only aggregates and
amounts, never a participant.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samspar.core.output_files import write_output
from samspar.economics import output, selectors
from samspar.economics.labels import VALUE_LABELS, problem_message
from samspar.economics.model import InputError
from samspar.reports.scope import Operator

FORMATS = ("json", "xlsx", "pdf", "text")
BINARY = ("xlsx", "pdf")
# Whose eyes: the operator at the server's command line, never a web request's user.
OPERATOR = Operator()


class Command(BaseCommand):
    help = "Socio-economic evaluations: list, show (json/xlsx/pdf/text) and values."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="List every evaluation with its id.")
        show = sub.add_parser("show", help="Compute one evaluation and export it.")
        show.add_argument("id", type=int)
        show.add_argument("--format", dest="fmt", choices=FORMATS, default="text")
        show.add_argument(
            "--output", type=Path, help="Write to this file (required for xlsx and pdf)."
        )
        values = sub.add_parser("values", help="Print a set of standard values.")
        values.add_argument("--year", type=int, help="Price year (default: the newest).")
        values.add_argument("--id", type=int, help="A value set's id instead of the shipped one.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _list(self, options: dict[str, Any]) -> None:
        for e in selectors.evaluations(OPERATOR).order_by("pk"):
            place = f"{e.insats.name} – {e.forbund.name}" if e.insats else e.forbund.name
            self.stdout.write(f"{e.pk}\t{e.name}\t{e.get_method_display()}\t{place}")

    def _show(self, options: dict[str, Any]) -> None:
        fmt, path = options["fmt"], options["output"]
        if fmt in BINARY and path is None:
            raise CommandError(
                _("The {fmt} format is binary: give a file with --output.").format(fmt=fmt)
            )
        evaluation = selectors.evaluations(OPERATOR).filter(pk=options["id"]).first()
        if evaluation is None:
            raise CommandError(_("There is no evaluation {id}.").format(id=options["id"]))
        try:
            report = selectors.evaluation_report(evaluation)
        except InputError as error:
            year = evaluation.value_set.price_year
            raise CommandError(
                "\n".join(problem_message(p, year=year) for p in error.problems)
            ) from None
        if fmt == "text":
            content = "\n\n".join(output.summary_paragraphs(report)).encode() + b"\n"
        else:
            content = output.export(report, fmt).content
        if path is not None:
            write_output(path, content)
            self.stderr.write(_("Wrote {path}.").format(path=path))
        else:
            self.stdout.write(content.decode("utf-8-sig"), ending="")

    def _values(self, options: dict[str, Any]) -> None:
        sets = selectors.value_sets(OPERATOR)
        if options["id"]:
            sets = sets.filter(pk=options["id"])
        else:
            sets = sets.filter(forbund__isnull=True)
            if options["year"]:
                sets = sets.filter(price_year=options["year"])
        value_set = sets.order_by("-price_year", "-version").first()
        if value_set is None:
            raise CommandError(_("No such standard values."))
        self.stdout.write(str(value_set))
        for v in value_set.values.all():
            label = VALUE_LABELS.get(v.key, v.key)
            self.stdout.write(
                f"{v.key}\t{label}\t{v.amount.normalize():f}\t{v.unit}\t{v.grade}\t{v.source}"
            )
