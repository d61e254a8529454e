"""`samspar bench import`: rows per second of an enrolment import's full check (every
row parsed, its personnummer validated as in the form, its codes looked up, its
enrolment validated and matched) beside a reference from the same run: plain openpyxl
reading of the same file. Optionally the write through the services too. Everything
is written inside one transaction that is rolled back."""

from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.bench.generate import generate
from samspar.codelists import models as codes
from samspar.imports import engine
from samspar.imports.kinds import KINDS
from samspar.organisation.models import (
    FollowUpMethod,
    Forbund,
    Insats,
    InsatsKind,
    Municipality,
)

FORBUND_NAME = "Import benchmark"


@dataclass(frozen=True)
class Result:
    rows: int
    file_bytes: int
    read_seconds: float  # the reference: openpyxl reading every cell
    check_seconds: float
    write_seconds: float | None
    errors: int
    created: int

    @staticmethod
    def per_second(rows: int, seconds: float | None) -> float | None:
        return None if not seconds else rows / seconds


def build_file(rows: int, today: dt.date, seed: int) -> bytes:
    """An .xlsx of ``rows`` enrolments in one insats, in the template's columns: the
    benchmark's generated data, one enrolment per person."""
    data = generate(int(rows * 1.1) + 10, today=today, seed=seed)
    labels = {
        "ref": {e.code: e.code for e in codes.ReferringActor.objects.all()},
        "end": {e.code: e.label_sv for e in codes.EndReason.objects.all()},
        "edu": {e.code: e.label_sv for e in codes.EducationLevel.objects.all()},
        "sup": {e.code: e.label_sv for e in codes.SupplyType.objects.all()},
    }
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Deltagare")
    sheet.append(
        [
            "Personnummer",
            "Förnamn",
            "Efternamn",
            "Startdatum",
            "Aktualiseringsdatum",
            "Samtyckesdatum",
            "Hemkommun",
            "Remitterande aktör",
            "Försörjning före",
            "År i offentlig försörjning före",
            "Utbildningsnivå",
            "Sysselsättning före",
            "Slutdatum",
            "Tidigt avhopp",
            "Avslutsanledning",
        ]
    )
    seen: set[int] = set()
    written = 0
    for e in data.enrolments:
        if e.person in seen:
            continue
        seen.add(e.person)
        pnr = data.persons[e.person].pnr
        sheet.append(
            [
                f"{pnr[:8]}-{pnr[8:]}",
                "Bench",
                "Person",
                e.start,
                e.referral,
                e.start,
                e.municipality,
                labels["ref"][e.referring],
                "; ".join(labels["sup"][c] for c in e.supply_before),
                None if e.support_tenths is None else e.support_tenths / 10,
                labels["edu"][e.education],
                "Ingen sysselsättning",
                e.end,
                "Ja" if e.dropout else "Nej",
                labels["end"][e.end_reason] if e.end_reason else None,
            ]
        )
        written += 1
        if written == rows:
            break
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _reference(data: bytes) -> float:
    began = time.perf_counter()
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for _row in book.worksheets[0].iter_rows(values_only=True):
        pass
    return time.perf_counter() - began


def run(rows: int, *, seed: int, write: bool) -> Result:
    today = timezone.localdate()
    with override_settings(DEBUG=False), transaction.atomic():
        data = build_file(rows, today, seed)
        county = Municipality.objects.get(code="2084").county
        forbund = Forbund.objects.create(name=FORBUND_NAME, county=county)
        insats = Insats.objects.create(
            forbund=forbund,
            name="Import",
            kind=InsatsKind.INDIVIDUAL,
            follow_up_method=FollowUpMethod.PERSONAL,
            start_date=today - dt.timedelta(days=11 * 366),
        )
        user = User.objects.create_user(username="import-benchmark")
        RoleAssignment.objects.create(user=user, role=Role.REGISTRATOR, insats=insats)
        read_seconds = _reference(data)
        began = time.perf_counter()
        result = engine.run(
            KINDS["enrolments"], data, user=user, insats=insats, columns_map={}, value_map={}
        )
        check_seconds = time.perf_counter() - began
        write_seconds = None
        if write and result.ok:
            began = time.perf_counter()
            written = engine.run(
                KINDS["enrolments"],
                data,
                user=user,
                insats=insats,
                columns_map={},
                value_map={},
                write=True,
            )
            write_seconds = time.perf_counter() - began
            result = written
        transaction.set_rollback(True)
    return Result(
        rows=result.rows,
        file_bytes=len(data),
        read_seconds=read_seconds,
        check_seconds=check_seconds,
        write_seconds=write_seconds,
        errors=result.error_count,
        created=result.created,
    )
