"""What the browser tests share: Debian's chromium, how long a busy machine may take,
and the skip rule. The ``page`` fixture itself is in ``tests/conftest.py``.

A browser test is skipped only where Chromium is missing and we are not in CI; in CI a
missing browser is a failure."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("SAMSPAR_CHROMIUM") or shutil.which("chromium") or ""
BUSY_MACHINE_TIMEOUT_MS = 120_000


def skip_without_chromium() -> None:
    """Call at the top of a browser test module."""
    if not CHROMIUM and os.environ.get("CI") != "true":
        pytest.skip("Debian's chromium is not installed", allow_module_level=True)
