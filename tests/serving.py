"""The production server as a process, for the tests that run it
(tests/test_production_server.py, tests/test_database_restart.py, tests/test_bench_load.py):
its documented environment, ``samspar`` commands in that environment, a free loopback
port, and a file copy of the suite's SQLite database for it."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

SECRET_KEY = "x7#kQ2!vLm9@pR4$tZ8&wB3^nC6*yD1(eF5)gH0-jK_sA=uE+oI"
# Waiting for the server is bounded only so that a broken start fails instead of hanging:
# collecting and compressing the static files takes half a minute on a busy machine.
START_TIMEOUT_S = 600


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The documented production environment (README, docs/deployment.md), nothing of
    the test suite's (no SAMSPAR_TESTING)."""
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "HOME": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "samspar.settings",
        "SAMSPAR_DEBUG": "0",
        "SAMSPAR_SECRET_KEY": SECRET_KEY,
        "SAMSPAR_FIELD_KEY": "q0mXzBd3TSx9nIhC6qkP5l1m0F3Yk7sSHt1r3vIM3XA=",
        "SAMSPAR_HASH_KEY": "a-long-random-string-for-the-hmac-of-personnummer",
        "SAMSPAR_ALLOWED_HOSTS": "127.0.0.1",
        "SAMSPAR_BEHIND_PROXY": "1",
        "SAMSPAR_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'samspar.sqlite3'}",
    }
    env.update(extra)
    return env


def copy_of_test_database(path: Path) -> None:
    """The suite's SQLite test database (in memory, every migration applied) copied to
    the file ``path``, for a process of its own to open; with what it holds now."""
    from django.db import connection

    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()


def samspar(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samspar.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
        check=False,
    )


def database_url(settings_dict: dict[str, Any]) -> str:
    """The URL of the database the test runs on, for the server process."""
    user = urllib.parse.quote(settings_dict["USER"] or "", safe="")
    password = urllib.parse.quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{settings_dict['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET as the TLS proxy forwards it (X-Forwarded-Proto: https)."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **headers})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Server:
    """``samspar serve`` as a process, its output copied to ``log``. Readiness is read
    from gunicorn's own words ("Booting worker"), not from a clock: the wait is bounded
    only so that a broken start fails instead of hanging."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "samspar.cli", "serve"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.ready = threading.Event()
        self.copier = threading.Thread(target=self._copy, daemon=True)
        self.copier.start()

    def _copy(self) -> None:
        assert self.process.stdout is not None
        with self.log.open("wb") as output:
            for line in self.process.stdout:
                output.write(line)
                output.flush()
                if b"Booting worker" in line:
                    self.ready.set()
        self.ready.set()  # the process ended: wake the waiter

    def wait_until_serving(self, url: str) -> bytes:
        if not self.ready.wait(START_TIMEOUT_S):
            pytest.fail(f"samspar serve did not start within {START_TIMEOUT_S} s")
        if self.process.poll() is not None:
            self.copier.join()
            pytest.fail(
                f"samspar serve stopped ({self.process.returncode}):\n{self.log.read_text()}"
            )
        status, _, body = get(url)
        assert status == 200, self.log.read_text()
        return body

    def stop(self) -> None:
        stop(self.process)
        self.copier.join()


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, as systemd stops the service; SIGKILL if it does not end in two minutes."""
    process.terminate()
    try:
        process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
