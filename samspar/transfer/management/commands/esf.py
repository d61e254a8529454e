"""`samspar esf --insats ID --month YYYY-MM FILE`: the monthly ESF participant file of one
insats (docs/esf.md), as .xlsx or .csv by the file's ending. Logged in the access log as
a read by the server operator."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog
from samspar.core.output_files import write_output
from samspar.organisation.models import Insats
from samspar.transfer import esf, sheets
from samspar.transfer.esf import ESF_PURPOSE


class Command(BaseCommand):
    help = (
        "Write the ESF participant file of one insats for one month: the participants "
        "active at least one day in the month with the ESF+ indicators Samspår can fill. "
        "FILE ending in .csv gives CSV, otherwise Excel. The file holds personal data."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--insats", required=True, type=int, help="The insats's id.")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("file", help="The file to write (.xlsx or .csv).")

    def handle(self, *args: Any, insats: int, month: str, file: str, **options: Any) -> None:
        found = Insats.objects.filter(pk=insats).select_related("forbund").first()
        if found is None:
            raise CommandError(_("No insats %(id)s.") % {"id": insats})
        if not found.has_personal_data:
            raise CommandError(_("This insats is not followed up with personal data."))
        try:
            first, last = esf.parse_month(month)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        the_month = esf.Month(first, last)
        fmt = "csv" if file.lower().endswith(".csv") else "xlsx"
        sheet, enrolments = esf.esf_sheet(found, the_month)
        content = sheets.render(sheet, fmt)
        log_personal_data_read(
            None,
            AccessLog.Kind.LIST,
            found,
            purpose=ESF_PURPOSE,
            persons=[e.person for e in enrolments],
            records=len(enrolments),
            detail=f"ESF {the_month.label} {fmt}",
        )
        write_output(file, content, private=True)
        self.stdout.write(
            _("Wrote %(file)s: %(count)s participants.") % {"file": file, "count": len(enrolments)}
        )
