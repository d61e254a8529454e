"""`samspar demo`: fill an empty database with the demo world (see samspar/demo/builder.py)."""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samspar.demo import builder


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("The scale must be a number.")) from None
    if not 0 < value <= 20:
        raise argparse.ArgumentTypeError(_("The scale must be above 0 and at most 20."))
    return value


class Command(BaseCommand):
    help = (
        "Build the demo database: six samordningsförbund in three län with their insatser, "
        "several thousand invented participants since 2019, budgets, staff and one login per "
        "role (password 'samspar-demo', for the demo only). The same seed gives the same data."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=builder.DEFAULT_SEED,
            help="Random seed (default %(default)s).",
        )
        parser.add_argument(
            "--scale",
            type=_scale,
            default=1.0,
            help="Multiplies the number of participants (default 1.0: about 5 000 enrolments).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                "First delete ALL förbund, insatser, participants, the access log and the "
                "demo users."
            ),
        )

    def handle(self, *args: Any, seed: int, scale: float, reset: bool, **options: Any) -> None:
        if not settings.DEBUG:
            # The demo's users have a printed password and a published two-factor key:
            # never on a production installation, not even an empty one.
            raise CommandError(
                _("The demo can only be built on a demo installation (SAMSPAR_DEBUG=1).")
            )
        if reset:
            try:
                builder.reset()
            except ImproperlyConfigured as e:
                raise CommandError(str(e)) from None
        elif not builder.database_is_empty():
            raise CommandError(
                _(
                    "The database already holds förbund, participants or demo users. "
                    "Run 'samspar demo --reset' to delete them and build the demo again."
                )
            )
        summary = builder.build(seed=seed, scale=scale)
        write = self.stdout.write
        write(
            _("Demo data built in %(seconds).1f s (seed %(seed)s, scale %(scale)s).")
            % {"seconds": summary.seconds, "seed": seed, "scale": scale}
        )
        rows = [
            (_("Län"), summary.counties),
            (_("Samordningsförbund"), summary.forbund),
            (_("Insatser"), summary.insatser),
            (_("Persons"), summary.persons),
            (_("Enrolments"), summary.enrolments),
            (_("  of which active today"), summary.active),
            (_("Anonymous participants"), summary.anonymous),
            (_("Follow-ups"), summary.follow_ups),
        ]
        width = max(len(label) for label, _count in rows)
        for label, count in rows:
            write(f"  {label:<{width}}  {count:>6}")
        write("")
        write(
            _("Demo logins — password “%(password)s” (for the demo only, never in production):")
            % {"password": builder.DEMO_PASSWORD}
        )
        header = (_("Username"), _("Role"), _("Scope"))
        table = [header, *summary.logins]
        widths = [max(len(row[i]) for row in table) for i in range(2)]
        for username, role, scope in table:
            write(f"  {username:<{widths[0]}}  {role:<{widths[1]}}  {scope}")
        write("")
        write(
            _(
                "Registrars, the data protection officer, förbund administrators and the system "
                "administrator also type a two-factor code: 'make demo-code WHO=coach.avesta' "
                "prints the current one, "
                "or add the demo key %(secret)s to an authenticator app (demo only)."
            )
            % {"secret": builder.DEMO_TOTP_SECRET}
        )
