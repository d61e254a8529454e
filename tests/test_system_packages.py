"""Issue #10, item 2: `make demo` and `make test` install the Debian packages they need
(scripts/system-packages.sh) — or stop with the one command to run.

The script runs with a PATH of stand-ins for dpkg-query, id, sudo and apt-get, so each
case (everything there, root, passwordless sudo, neither) is exercised without touching
the machine's packages.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "system-packages.sh"
PANGO = ["libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"]


def _stub(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def _run(
    tmp_path: Path,
    *,
    commands: list[str],
    packages: list[str],
    uid: int,
    sudo: bool,
    args: tuple[str, ...] = (),
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Runs the script on a machine that has ``commands`` on its PATH and ``packages``
    installed; returns the result and every apt-get call (``sudo`` marks those made
    through sudo)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    log.touch()
    for command in commands:
        _stub(bin_dir, command, "exit 0")
    installed = " ".join(packages)
    _stub(
        bin_dir,
        "dpkg-query",
        f'for p in {installed}; do [ "$p" = "$3" ] && printf "install ok installed" && exit 0;'
        " done; exit 1",
    )
    _stub(bin_dir, "id", f"echo {uid}")
    _stub(
        bin_dir,
        "sudo",
        f'[ "$1" = -n ] || exit 1; shift; {"" if sudo else "exit 1;"}'
        f' [ "$1" = true ] && exit 0; echo sudo >> {log}; exec "$@"',
    )
    _stub(bin_dir, "apt-get", f'echo "apt-get $*" >> {log}')
    (bin_dir / "env").symlink_to("/usr/bin/env")
    environment = {"PATH": str(bin_dir)}
    result = subprocess.run(
        ["/bin/sh", str(SCRIPT), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result, log.read_text().splitlines()


def test_nothing_happens_when_everything_is_installed(tmp_path):
    result, calls = _run(
        tmp_path, commands=["chromium", "msgfmt", "make"], packages=PANGO, uid=1000, sudo=False
    )
    assert result.returncode == 0, result.stderr
    assert calls == [] and result.stdout == "" and result.stderr == ""


def test_without_root_or_sudo_it_stops_with_the_one_command_to_run(tmp_path):
    result, calls = _run(
        tmp_path, commands=["msgfmt", "make"], packages=PANGO[1:], uid=1000, sudo=False
    )
    assert result.returncode == 1
    assert "\n  sudo apt-get install -y chromium libpango-1.0-0\n" in result.stderr
    assert calls == []


def test_root_installs_what_is_missing(tmp_path):
    result, calls = _run(tmp_path, commands=["make"], packages=PANGO[:2], uid=0, sudo=False)
    assert result.returncode == 0, result.stderr
    assert calls == [
        "apt-get update -qq",
        "apt-get install -y -qq chromium gettext fonts-dejavu-core",
    ]


def test_passwordless_sudo_installs_what_is_missing(tmp_path):
    result, calls = _run(
        tmp_path,
        commands=["chromium", "msgfmt", "make"],
        packages=PANGO,
        uid=1000,
        sudo=True,
        args=("postgresql",),
    )
    assert result.returncode == 0, result.stderr
    assert calls == [
        "sudo",
        "apt-get update -qq",
        "sudo",
        "apt-get install -y -qq postgresql",
    ]
