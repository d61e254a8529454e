"""The aggregate imports: each kind with its own template sheet, the same dry run,
matching (update or skip) and all-or-nothing write through its service."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from samspar.imports import services
from samspar.imports.kinds import KINDS
from samspar.imports.models import Status
from samspar.imports.template import build
from samspar.organisation.models import (
    BudgetLine,
    Financing,
    FollowUpMethod,
    InsatsKind,
    InsatsYear,
    StaffMember,
)
from samspar.registry.models import (
    AnonymousEnrolment,
    StructuralCount,
    VolumeCount,
    WaitingListCount,
)
from tests.factories import make_insats

pytestmark = pytest.mark.django_db


def _sheet(kind, rows, insats=None):
    book = load_workbook(io.BytesIO(build(KINDS[kind], insats)))
    sheet = book[KINDS[kind].sheet]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(user, insats, kind, data):
    run = services.start_import(
        user=user, insats=insats, kind=kind, file_name="f.xlsx", data=data, queue=False
    )
    run = services.execute(run.pk)
    if run.errors:
        return run
    services.confirm_import(user=user, run=run, queue=False)
    return services.execute(run.pk)


def test_each_kind_has_its_own_template_sheet():
    for kind in KINDS.values():
        book = load_workbook(io.BytesIO(build(kind)))
        assert kind.sheet in book.sheetnames and "Läs mig" in book.sheetnames
        assert [c.value for c in book[kind.sheet][1]] == [c.heading for c in kind.columns]


def test_budget_financing_staff_waiting_and_years(forbund_admin, insats, forbund):
    party = forbund.parties.get(kind="fk")
    runs = [
        _import(
            forbund_admin,
            insats,
            "budget",
            _sheet(
                "budget",
                [[2022, "Egen personal", 2_000_000, 1_900_000], [2022, "lokaler", 100_000, None]],
            ),
        ),
        _import(
            forbund_admin,
            insats,
            "financing",
            _sheet("financing", [[2022, "Försäkringskassan", 1_000_000]], insats),
        ),
        _import(
            forbund_admin,
            insats,
            "staff",
            _sheet(
                "staff",
                [["Sonja Tiger", "Coach", "75,5", "Försäkringskassan", "2020-01-01", None]],
                insats,
            ),
        ),
        _import(forbund_admin, insats, "waiting", _sheet("waiting", [["2022-12-31", 6]])),
        _import(forbund_admin, insats, "years", _sheet("years", [[2022, 40]])),
    ]
    assert [r.status for r in runs] == [Status.DONE] * 5, [r.errors for r in runs]
    assert BudgetLine.objects.get(category__code="egen-personal").outcome == 1_900_000
    assert BudgetLine.objects.get(category__code="lokaler").outcome is None
    assert Financing.objects.get().party == party
    staff = StaffMember.objects.get()
    assert (staff.fte_percent, staff.employer) == (Decimal("75.5"), party)
    assert WaitingListCount.objects.get().count == 6
    assert InsatsYear.objects.get().budgeted_participants == 40
    # Again: everything skipped; a changed value updates.
    again = _import(
        forbund_admin, insats, "waiting", _sheet("waiting", [["2022-12-31", 6], ["2023-12-31", 4]])
    )
    assert (again.to_create, again.to_update, again.to_skip) == (1, 0, 1)
    changed = _import(
        forbund_admin,
        insats,
        "budget",
        _sheet("budget", [[2022, "Egen personal", 2_000_000, 1_950_000]]),
    )
    assert (changed.to_create, changed.to_update, changed.to_skip) == (0, 1, 0)
    assert BudgetLine.objects.get(category__code="egen-personal").outcome == 1_950_000


def test_volume_counts_with_gender_words(forbund_admin, forbund):
    volume = make_insats(forbund, "Rådgivning", method=FollowUpMethod.VOLUME)
    rows = [
        ["2022-01-01", "2022-12-31", "Kvinnor", 90],
        ["2022-01-01", "2022-12-31", "män", 70],
        ["2022-01-01", "2022-12-31", "okänd", 3],
    ]
    run = _import(forbund_admin, volume, "volume", _sheet("volume", rows))
    assert run.status == Status.DONE, run.errors
    assert dict(VolumeCount.objects.values_list("gender", "count")) == {"K": 90, "M": 70, "X": 3}


def test_structural_counts_and_one_bad_row_writes_nothing(forbund_admin, forbund):
    structural = make_insats(
        forbund, "Kompetens", kind=InsatsKind.STRUCTURAL, method=FollowUpMethod.VOLUME
    )
    rows = [
        ["2022-01-01", "2022-12-31", "Arbetsförmedlingen", 25],
        ["2022-01-01", "2021-12-31", "Försäkringskassan", -3],
    ]
    run = _import(forbund_admin, structural, "structural", _sheet("structural", rows, structural))
    assert {(e["row"], e["column"]) for e in run.errors} == {(3, "Antal")}
    assert not StructuralCount.objects.exists()
    rows[1] = ["2022-01-01", "2021-12-31", "Försäkringskassan", 3]
    run = _import(forbund_admin, structural, "structural", _sheet("structural", rows, structural))
    assert run.status == Status.FAILED  # the service refuses the period: nothing written
    assert [e["row"] for e in run.errors] == [3]
    assert not StructuralCount.objects.exists()


def test_anonymous_participants_are_counted_not_duplicated(registrator, insats):
    rows = [[2022, "K", "Skyddad identitet", 2], [2022, "M", "Inget samtycke", None]]
    data = _sheet("anonymous", rows)
    run = _import(registrator, insats, "anonymous", data)
    assert run.status == Status.DONE, run.errors
    assert AnonymousEnrolment.objects.count() == 3
    again = _import(registrator, insats, "anonymous", data)
    assert (again.to_create, again.to_skip) == (0, 2)
    assert AnonymousEnrolment.objects.count() == 3


def test_a_kind_the_user_may_not_write_is_refused(registrator, insats):
    with pytest.raises(PermissionDenied):
        services.start_import(
            user=registrator, insats=insats, kind="budget", file_name="f", data=b"x", queue=False
        )
