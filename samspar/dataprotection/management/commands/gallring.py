"""`samspar gallring [--dry-run]`: remove the identities due for gallring."""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from samspar.dataprotection import gallring
from samspar.imports.services import remove_expired_personal_data


class Command(BaseCommand):
    help = (
        "Remove the identity (personnummer, names, notes) of every participant whose last "
        "enrolment ended at least the förbund's retention period ago; the statistics keep "
        "their figures. Also removes the error lists of imports finished at least "
        "SAMSPAR_IMPORT_RETENTION_DAYS ago (their counts stay). --dry-run only counts. "
        "Never prints a personnummer or a name."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be removed."
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        result = gallring.plan() if dry_run else gallring.run()
        imports = remove_expired_personal_data(dry_run=dry_run)
        write = self.stdout.write
        if dry_run:
            write(_("Would remove the identity of %(n)s persons.") % {"n": result.persons})
        else:
            write(_("Removed the identity of %(n)s persons.") % {"n": result.persons})
        header = (_("Samordningsförbund"), _("Years"), _("Persons"), _("Enrolments"))
        rows = [
            (c.forbund, str(c.retention_years), str(c.persons), str(c.enrolments))
            for c in result.per_forbund
        ]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            write(
                f"  {row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  "
                f"{row[2]:>{widths[2]}}  {row[3]:>{widths[3]}}"
            )
        days = settings.SAMSPAR_IMPORT_RETENTION_DAYS
        if dry_run:
            message = _(
                "Would remove the error lists of %(n)s imports finished at least %(days)s days ago."
            )
        else:
            message = _(
                "Removed the error lists of %(n)s imports finished at least %(days)s days ago."
            )
        write(message % {"n": imports, "days": days})
