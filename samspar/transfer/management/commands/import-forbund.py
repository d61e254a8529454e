"""`samspar import-forbund FILE`: load a förbund exported by `samspar export` into this
installation, which must not have it yet (docs/export.md). Not the import of enrolment
files (`samspar import`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samspar.transfer import archive


class Command(BaseCommand):
    help = (
        "Load a förbund from a file written by `samspar export`, in one transaction. Users "
        "are created without a password: each gets a new one through the password link."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", help="The export file (.zip).")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            result = archive.import_forbund(Path(file).read_bytes())
        except (OSError, archive.ImportRefused) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            _("Imported förbund %(name)s (id %(id)s).")
            % {"name": result.forbund.name, "id": result.forbund.pk}
        )
        for label, count in result.tables.items():
            if count:
                self.stdout.write(f"  {label}: {count}")
        if result.users_created:
            self.stdout.write(
                _("Users created without a password (send each a password link): %(users)s")
                % {"users": ", ".join(result.users_created)}
            )
        for old, new in result.users_renamed.items():
            self.stdout.write(
                _("The user name %(old)s is taken here: that user was created as %(new)s.")
                % {"old": old, "new": new}
            )
        if result.users_reused:
            self.stdout.write(
                _("Users already here, given the förbund's roles: %(users)s")
                % {"users": ", ".join(result.users_reused)}
            )
