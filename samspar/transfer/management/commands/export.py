"""`samspar export --forbund ID FILE`: everything of one förbund as one file, to move it
to another installation (docs/export.md). The file holds personal data in plain text."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samspar.core.output_files import write_output
from samspar.organisation.models import Forbund
from samspar.transfer import archive


class Command(BaseCommand):
    help = (
        "Write everything of one förbund (organisation, users and roles, participants with "
        "their personnummer in plain text, enrolments with history, aggregates, annual-report "
        "texts, evaluations) to FILE, for `samspar import-forbund` in another installation. "
        "The file is personal data: keep it encrypted and delete it after the move. The "
        "export is logged in the access log as a read by the server operator."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--forbund", required=True, help="The förbund (name or id).")
        parser.add_argument("file", help="The file to write (.zip).")

    def handle(self, *args: Any, forbund: str, file: str, **options: Any) -> None:
        found = Forbund.objects.filter(name=forbund).first()
        if found is None and forbund.isascii() and forbund.isdigit():
            found = Forbund.objects.filter(pk=int(forbund)).first()
        if found is None:
            raise CommandError(_("No förbund %(name)s.") % {"name": forbund})
        with archive.snapshot():
            content = archive.export_forbund(found)
            archive.log_export(found)
        # Readable by the owner only: the file holds personnummer in plain text.
        write_output(file, content, private=True)
        self.stdout.write(
            _("Wrote %(file)s: förbund %(name)s. The file holds personal data.")
            % {"file": file, "name": found.name}
        )
