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


# axe-core's impacts that fail the accessibility walks (issue 12, #7).
SERIOUS = frozenset({"serious", "critical"})


def load_axe_on_every_page(page: Any) -> None:
    """axe-core (the copy axe-playwright-python ships) in every page ``page`` opens, run by
    the browser as the page loads, instead of sent over the wire to each page checked."""
    from axe_playwright_python.base import AXE_FILE_PATH  # type: ignore[import-untyped]

    page.context.add_init_script(path=str(AXE_FILE_PATH))


def serious_violations(page: Any, where: str) -> list[str]:
    """axe-core's serious and critical violations on the page ``page`` shows (loaded
    with ``load_axe_on_every_page``), each as ``where``, the rule and up to three
    elements."""
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{where}: {violation['id']} {[node['target'] for node in violation['nodes']][:3]}"
        for violation in result["violations"]
        if violation["impact"] in SERIOUS
    ]
