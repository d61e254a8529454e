"""What the browser tests share: Debian's chromium, how long a busy machine may take,
and the skip rule. The ``page`` fixture itself is in ``tests/conftest.py``.

A browser test is skipped only where Chromium is missing and we are not in CI; in CI a
missing browser is a failure."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

CHROMIUM = os.environ.get("SAMSPAR_CHROMIUM") or shutil.which("chromium") or ""
BUSY_MACHINE_TIMEOUT_MS = 120_000


def skip_without_chromium() -> None:
    """Call at the top of a browser test module."""
    if not CHROMIUM and os.environ.get("CI") != "true":
        pytest.skip("Debian's chromium is not installed", allow_module_level=True)


def log_in(page: Any, live_server: Any, username: str, device: Any) -> None:
    """Log in as ``username`` (password ``pw-<username>``, as tests/factories makes)
    with the code of the TOTP ``device`` as the second factor."""
    from django_otp.oath import totp

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#id_code")
    page.fill("#id_code", f"{totp(device.bin_key):06d}")
    page.click("button[type=submit].primary")
