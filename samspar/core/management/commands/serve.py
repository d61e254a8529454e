"""`samspar serve`: the production web server, in one command (docs/deployment.md).

Before it starts gunicorn it makes sure the installation can serve: the deployment
checks pass without a warning, every migration is applied (it never migrates by itself:
an upgrade migrates after a backup, as a step of its own) and the static files are
collected for WhiteNoise. Then it replaces itself with gunicorn (same process id, so a
service manager's stop signal reaches gunicorn directly), serving ``samspar.wsgi`` with
the settings of ``samspar/gunicorn_config.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

FINGERPRINT = ".samspar-collected"


class Command(BaseCommand):
    help = (
        "Start the production web server (gunicorn, static files through WhiteNoise) after "
        "checking the deployment settings and the migrations and collecting the static "
        "files. Listens on SAMSPAR_BIND (127.0.0.1:8000), with SAMSPAR_WORKERS processes."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="Run the checks and collect the static files, but start no server.",
        )

    def handle(self, *args: Any, check_only: bool, **options: Any) -> None:
        if settings.DEBUG or not settings.PRODUCTION:
            raise CommandError(
                _(
                    "samspar serve is the production server and needs production settings "
                    "(SAMSPAR_DEBUG=0). For development: make demo, or samspar runserver."
                )
            )
        # The system checks ran before handle(); now also the deployment checks, and a
        # warning stops the start as much as an error does.
        call_command("check", deploy=True, fail_level="WARNING", stdout=self.stdout)
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if unapplied:
            raise CommandError(
                _(
                    "%(count)d database migration(s) not applied. Back up the database, "
                    "then run: samspar migrate (docs/deployment.md, Upgrades)."
                )
                % {"count": len(unapplied)}
            )
        self._collect_static()
        connections.close_all()
        if check_only:
            return

        # ---- Background worker --------------------------------------------------------
        # The task queue's worker (`samspar worker`, django-tasks: imports in the
        # background) is a process of its own beside this web server, started by the
        # service manager (docs/deployment.md, "Background worker"); it is not started
        # here.
        # ---------------------------------------------------------------------------------

        self.stdout.write(_("Starting gunicorn (samspar/gunicorn_config.py)."))
        self.stdout.flush()
        os.execv(
            sys.executable,
            [sys.executable, "-m", "gunicorn", "--config", "python:samspar.gunicorn_config"],
        )

    def _collect_static(self) -> None:
        """``collectstatic`` when the static files changed since the last collection:
        hashing and compressing them all takes half a minute, comparing a fingerprint of
        their contents a fraction of a second."""
        root = Path(settings.STATIC_ROOT)
        stamp = root / FINGERPRINT
        fingerprint = static_fingerprint()
        collected = (root / "staticfiles.json").exists() and stamp.exists()
        if collected and stamp.read_text() == fingerprint:
            self.stdout.write(_("Static files in %(root)s are up to date.") % {"root": root})
            return
        self.stdout.write(_("Collecting the static files into %(root)s …") % {"root": root})
        self.stdout.flush()
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)


def static_fingerprint() -> str:
    """A digest of every static file the finders find: its name and its content, and the
    storage that collects them."""
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    found: dict[str, str] = {}  # as in collectstatic, the first finder of a name wins
    for finder in finders.get_finders():
        for name, storage in finder.list([]):
            found.setdefault(name, storage.path(name))
    for name in sorted(found):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(Path(found[name]).read_bytes()).digest())
    return digest.hexdigest()
