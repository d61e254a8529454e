"""The `samspar` command line itself (samspar/cli.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.serving import free_port, production_env, samspar


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path) -> None:
    """`samspar report --list | head -1`: the command stops quietly when the pipe closes,
    instead of printing a BrokenPipeError traceback (the list needs no database)."""
    env = production_env(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "samspar.cli", "report", "--list"],
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


def test_a_missing_key_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    """Without SAMSPAR_DEBUG=1 and without the production keys, every command says what
    is missing and how to go on, instead of printing Django's traceback."""
    env = production_env(tmp_path)
    del env["SAMSPAR_SECRET_KEY"]
    for command in (("migrate",), ("bench", "suppression"), ("report", "--list")):
        result = samspar(env, *command)
        assert result.returncode == 1, command
        assert "Traceback" not in result.stderr, result.stderr
        assert "SAMSPAR_SECRET_KEY must be set when SAMSPAR_DEBUG is not 1" in result.stderr
        assert "docs/deployment.md" in result.stderr


def test_a_database_that_does_not_answer_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    """A command whose database cannot be reached (here: a port nothing listens on)
    says so in a sentence (samspar/core/outage.py)."""
    env = production_env(
        tmp_path, DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/samspar"
    )
    result = samspar(env, "showmigrations")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("samspar: databasen svarade inte (")
    assert "kör kommandot igen när databasen är tillbaka" in result.stderr
