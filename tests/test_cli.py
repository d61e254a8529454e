"""The `samspar` command line itself (samspar/cli.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_production_server import production_env, samspar


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path) -> None:
    """`samspar economics values | head -1`: the command stops quietly when the pipe
    closes, instead of printing a BrokenPipeError traceback."""
    env = production_env(tmp_path)
    migrated = samspar(env, "migrate", "--no-input", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "samspar.cli", "economics", "values", "--year", "2026"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # nobody reads: every write of the command meets a closed pipe
    stderr = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "Traceback" not in stderr, stderr
    assert "BrokenPipeError" not in stderr
