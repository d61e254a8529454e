"""`samspar template FILE [--kind enrolments|…] [--insats ID]`: write the .xlsx
template of a kind of import (the insats gives the förbund's parties for the kinds
that name one)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samspar.core.output_files import write_output
from samspar.imports.kinds import KINDS
from samspar.imports.template import build
from samspar.organisation.models import Insats


class Command(BaseCommand):
    help = "Write the .xlsx template of an import."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=sorted(KINDS), default="enrolments")
        parser.add_argument("--insats", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        insats = None
        if options["insats"] is not None:
            insats = Insats.objects.filter(pk=options["insats"]).first()
            if insats is None:
                raise CommandError(_("No such user or insats."))
        path = Path(options["file"])
        write_output(path, build(KINDS[options["kind"]], insats))
        self.stdout.write(_("Wrote %(file)s.") % {"file": path})
