"""`samspar rotate-key`: re-encrypt every personnummer under the current field key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from samspar.core import crypto
from samspar.dataprotection import rotation


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored personnummer (history tables included) and every kept "
        "import file and error list under the first key of SAMSPAR_FIELD_KEY. Set "
        "SAMSPAR_FIELD_KEY=<new key>,<old key> for the running application and this "
        "command, run it, then remove the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if len(crypto.field_keys(settings.SAMSPAR_FIELD_KEY)) < 2:
            self.stdout.write(
                _(
                    "SAMSPAR_FIELD_KEY holds one key: the values are encrypted again under "
                    "the same key. To change keys, list the new key first and the old after it."
                )
            )
        for done in rotation.rotate_all():
            self.stdout.write(
                _("%(table)s.%(column)s: %(rows)s values encrypted under the current key.")
                % {"table": done.table, "column": done.column, "rows": done.rows}
            )
