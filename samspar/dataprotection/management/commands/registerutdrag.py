"""`samspar registerutdrag <personnummer> [--forbund …] --format pdf|json --output …`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samspar.core.output_files import write_output
from samspar.dataprotection import extract


class Command(BaseCommand):
    help = (
        "Write the register extract (GDPR art. 15) of one person: everything stored about "
        "them in every insats (or one förbund's) and who read it. The extract is logged in "
        "the access log as made by the server operator. Give '-' as the number to read it "
        "from standard input (keeps it out of the shell history and the process list)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("personnummer", help="The number, or '-' to read it from stdin.")
        parser.add_argument("--forbund", default="", help="Only this förbund (name or id).")
        parser.add_argument("--format", choices=extract.FORMATS, default="json")
        parser.add_argument(
            "--output", default="-", help="File to write (default: standard output)."
        )

    def handle(
        self, *args: Any, personnummer: str, forbund: str, format: str, output: str, **o: Any
    ) -> None:
        if output == "-" and format == "pdf":
            raise CommandError(_("Give --output FILE for a PDF."))
        if personnummer == "-":
            personnummer = sys.stdin.readline().strip()
        try:
            insatser = extract.operator_insatser(forbund)
            data = extract.register_extract(
                user=None, personnummer_text=personnummer, insatser=insatser
            )
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        content = extract.render(data, format)
        if output == "-":
            self.stdout.write(content.decode())
        else:
            # Personal data: readable by its owner only, as the export and the ESF file.
            write_output(output, content, private=True)
