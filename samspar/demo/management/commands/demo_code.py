"""`samspar demo_code <user>`: the current two-factor code of a demo user (demo only)."""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspar.demo import builder


class Command(BaseCommand):
    help = (
        "Print the current six-digit two-factor code of a demo user (registrars, förbund "
        "administrators and the system administrator of the demo). Only in debug mode, and "
        "only for the demo's shared key: it cannot give anyone else's code."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(_("demo_code works only on a demo installation (SAMSPAR_DEBUG=1)."))
        device = TOTPDevice.objects.filter(
            user__username=username, name=builder.DEMO_TOTP_DEVICE, confirmed=True
        ).first()
        if device is None or device.bin_key != builder.demo_totp_key():
            raise CommandError(
                _("%(user)s is not a demo user with two-factor log-in.") % {"user": username}
            )
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
