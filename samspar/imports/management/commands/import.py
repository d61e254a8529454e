"""`samspar import FILE --insats ID --user NAME [--kind …] [--dry-run] [--mapping FILE]`:
the same check and write as the import page, in this process, with a progress bar on
stderr. The file's rows are checked first; with no errors (and without ``--dry-run``)
they are written in one transaction."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog
from samspar.imports import services
from samspar.imports.kinds import KINDS
from samspar.imports.models import ImportRun, Status
from samspar.organisation.models import Insats


class Command(BaseCommand):
    help = "Import enrolments or aggregates of one insats from an .xlsx or CSV file."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--insats", type=int, required=True, help="The insats's id.")
        parser.add_argument(
            "--user",
            required=True,
            help="The user the rows are registered by (needs the rights the page needs).",
        )
        parser.add_argument("--kind", choices=sorted(KINDS), default="enrolments")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument(
            "--mapping",
            type=Path,
            help=(
                'A JSON file {"columns": {heading: variable}, "values": {variable: '
                "{value: code}}} saved as the förbund's mapping before the check."
            ),
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        insats = Insats.objects.filter(pk=options["insats"]).first()
        if user is None or insats is None:
            raise CommandError(_("No such user or insats."))
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as e:
            raise CommandError(str(e)) from None
        progress = None if options["no_progress"] else _bar
        try:
            run = services.start_import(
                user=user,
                insats=insats,
                kind=options["kind"],
                file_name=path.name,
                data=data,
                queue=False,
            )
            run = services.execute(run.pk, progress)
            if options["mapping"] is not None:
                mapping = json.loads(Path(options["mapping"]).read_text(encoding="utf-8"))
                services.save_mapping(
                    user=user,
                    run=run,
                    columns=mapping.get("columns", {}),
                    values=mapping.get("values", {}),
                    queue=False,
                )
                run = services.execute(run.pk, progress)
            self._report(run, user)
            if run.errors:
                services.discard_import(user=user, run=run)
                raise CommandError(_("Nothing was imported: fix the errors above."))
            if options["dry_run"]:
                services.discard_import(user=user, run=run)
                self.stdout.write(_("Dry run: nothing was written."))
                return
            services.confirm_import(user=user, run=run, queue=False)
            run = services.execute(run.pk, progress)
        except PermissionDenied:
            raise CommandError(_("The user may not import this into this insats.")) from None
        except (ValidationError, ValueError) as e:
            raise CommandError(" ".join(getattr(e, "messages", [str(e)]))) from None
        self._report(run, user)
        if run.status != Status.DONE:
            raise CommandError(_("Nothing was imported."))
        self.stdout.write(_("Imported."))

    def _report(self, run: ImportRun, user: Any) -> None:
        out = self.stdout.write
        out(
            _(
                "%(rows)s rows: %(create)s to create, %(update)s to update, %(skip)s "
                "unchanged, %(errors)s errors."
            )
            % {
                "rows": run.rows,
                "create": run.to_create,
                "update": run.to_update,
                "skip": run.to_skip,
                "errors": len(run.errors),
            }
        )
        headings = run.unknown.get("headings") or []
        if headings:
            out(_("Columns not imported: %(headings)s") % {"headings": ", ".join(headings)})
        if run.errors and run.kind == "enrolments":
            log_personal_data_read(
                user,
                AccessLog.Kind.IMPORT,
                run.insats,
                purpose="import",
                records=len(run.errors),
                detail=f"import {run.pk} (CLI)",
            )
        for e in run.errors:
            out(
                _("Row %(row)s, %(column)s, “%(value)s”: %(reason)s")
                % {
                    "row": e["row"],
                    "column": e["column"],
                    "value": e["value"],
                    "reason": e["reason"],
                }
            )


def _bar(done: int, total: int) -> None:
    width = 30
    share = done / total if total else 1
    filled = int(width * share)
    sys.stderr.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {share:4.0%} {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
