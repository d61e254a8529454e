"""Issue #10, item 3: the backup of docs/deployment.md restores.

`pg_dump --format=custom` of a database with registry data, `pg_restore` into a fresh
database (the documented commands), and every table holds the same rows; the restored
personnummer decrypt with the installation's SAMSPAR_FIELD_KEY and are found again by
their look-up hash (SAMSPAR_HASH_KEY): the keys are backed up apart from the dump, and
the dump alone is no use without them. PostgreSQL only.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from samspar.core import crypto
from samspar.registry.models import Person
from tests.factories import enrol, make_pnr

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump backups are for PostgreSQL"
)


def _major(binary: str) -> int:
    version = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", version)
    assert match, version
    return int(match.group(1))


def client_binaries(server_major: int) -> tuple[str, str]:
    """pg_dump and pg_restore at least as new as the server: the server's own version of
    Debian's /usr/lib/postgresql/N/bin first, else a newer one, else those on PATH."""
    candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin")]
    candidates += sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if p not in candidates),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for directory in candidates:
        dump, restore = directory / "pg_dump", directory / "pg_restore"
        if dump.exists() and restore.exists() and _major(str(dump)) >= server_major:
            return str(dump), str(restore)
    dump_on_path, restore_on_path = shutil.which("pg_dump"), shutil.which("pg_restore")
    if dump_on_path and restore_on_path and _major(dump_on_path) >= server_major:
        return dump_on_path, restore_on_path
    message = f"no pg_dump/pg_restore of PostgreSQL {server_major} or newer"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def conninfo(settings_dict: dict[str, Any], dbname: str) -> str:
    parts = {
        "dbname": dbname,
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"],
        "host": settings_dict["HOST"],
        "port": str(settings_dict["PORT"] or ""),
    }
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in parts.items() if v})


def row_counts(cursor: Any) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_fresh_database(reference_data, registrator, insats, tmp_path):
    numbers = [make_pnr(dt.date(1970 + i, 3, 1 + i), man=i % 2 == 0) for i in range(5)]
    for pnr in numbers:
        enrol(registrator, insats, personnummer_text=pnr)
    with connection.cursor() as cursor:
        before = row_counts(cursor)
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    assert before["registry_person"] == 5 and before["registry_enrolment"] == 5
    assert before["registry_historicalenrolment"] >= 5

    pg_dump, pg_restore = client_binaries(server_major)
    source = connection.settings_dict
    dump = tmp_path / "samspar.dump"
    subprocess.run(
        [
            pg_dump,
            "--format=custom",
            f"--file={dump}",
            f"--dbname={conninfo(source, source['NAME'])}",
        ],
        check=True,
        timeout=600,
    )
    restored = f"{source['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(restored)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(restored)))
    try:
        subprocess.run(
            [
                pg_restore,
                "--no-owner",
                "--exit-on-error",
                f"--dbname={conninfo(source, restored)}",
                str(dump),
            ],
            check=True,
            timeout=600,
        )
        with psycopg.connect(conninfo(source, restored)) as copy, copy.cursor() as cursor:
            assert row_counts(cursor) == before
            cursor.execute("SELECT pnr_encrypted, pnr_hash FROM registry_person ORDER BY id")
            people = cursor.fetchall()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(restored)))

    assert people == list(Person.objects.order_by("pk").values_list("pnr_encrypted", "pnr_hash"))
    decrypted = [crypto.decrypt(encrypted) for encrypted, _ in people]
    assert sorted(decrypted) == sorted(pnr.replace("-", "") for pnr in numbers)
    assert [pnr_hash for _, pnr_hash in people] == [crypto.lookup_hash(p) for p in decrypted]
