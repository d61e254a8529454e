"""The import pages and the background run: upload, dry run through the real task
worker, progress, mapping, confirm; who may see what; the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from samspar.access.models import AccessLog
from samspar.access.scoping import Role
from samspar.imports.models import ImportRun, Status
from samspar.registry.models import Enrolment
from tests.factories import make_insats, make_pnr, make_user

pytestmark = pytest.mark.django_db

HEADER = (
    "Personnummer;Förnamn;Efternamn;Kön;Startdatum;Samtyckesdatum;Hemkommun;"
    "Remitterande aktör;Försörjning före;Utbildningsnivå;Sysselsättning före\n"
)


def _line(pnr, gender="K", start="2021-02-01", referrer="AF"):
    return f"{pnr};Anna;Berg;{gender};{start};{start};Avesta;{referrer};Lön;Gymnasial;Arbete\n"


def _csv(*lines):
    return (HEADER + "".join(lines)).encode("utf-8")


# The tests that run the task worker commit (the worker checks its connection between
# tasks, which on PostgreSQL would end a test's surrounding transaction).
worker = pytest.mark.django_db(transaction=True)


def _work():
    """The task worker, once: every queued task, then it stops."""
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _upload(client, insats, data, name="deltagare.csv", kind="enrolments"):
    return client.post(
        reverse("import-start", args=[insats.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
    )


@worker
def test_a_coach_imports_through_the_page_and_the_worker(reference_data, registrator, insats):
    client = _client(registrator)
    page = client.get(reverse("import-start", args=[insats.pk]))
    assert page.status_code == 200
    template = client.get(reverse("import-template", args=[insats.pk, "enrolments"]))
    assert template.status_code == 200
    assert "Deltagare" in load_workbook(io.BytesIO(template.content)).sheetnames

    women = [make_pnr(dt.date(1980, 1, 1 + i), man=False) for i in range(3)]
    response = _upload(client, insats, _csv(*(_line(p) for p in women)))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "import-run", args=[run.pk]
    )
    assert run.status == Status.QUEUED
    waiting = client.get(reverse("import-run", args=[run.pk]))
    assert b'hx-get="' + reverse("import-progress", args=[run.pk]).encode() in waiting.content
    progress = client.get(reverse("import-progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and b"<progress" in progress.content

    _work()
    run.refresh_from_db()
    assert (run.status, run.to_create, run.progress_done, run.progress_total) == (
        Status.CHECKED,
        3,
        3,
        3,
    )
    assert not Enrolment.objects.exists()
    done = client.get(reverse("import-progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert done.headers.get("HX-Refresh") == "true"
    page = client.get(reverse("import-run", args=[run.pk]))
    assert reverse("import-confirm", args=[run.pk]).encode() in page.content

    client.post(reverse("import-confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == Status.WRITE_QUEUED
    _work()
    run.refresh_from_db()
    assert run.status == Status.DONE and run.data is None
    assert (run.progress_done, run.progress_total) == (3, 3)
    assert Enrolment.objects.filter(insats=insats).count() == 3
    assert Enrolment.objects.first().created_by == registrator


@worker
def test_errors_are_shown_with_row_column_value_and_reason_and_logged(
    reference_data, registrator, insats
):
    client = _client(registrator)
    bad = "19800101-0000"
    _upload(client, insats, _csv(_line(make_pnr(dt.date(1980, 1, 1), man=False)), _line(bad)))
    _work()
    run = ImportRun.objects.get()
    assert run.errors == [
        {
            "row": 3,
            "column": "Personnummer",
            "value": bad,
            "reason": "Kontrollsiffran stämmer inte: kontrollera de fyra sista siffrorna.",
        }
    ] or (len(run.errors) == 1 and run.errors[0]["row"] == 3 and run.errors[0]["value"] == bad)
    page = client.get(reverse("import-run", args=[run.pk]))
    assert bad.encode() in page.content
    assert reverse("import-confirm", args=[run.pk]).encode() not in page.content
    # At rest, the file and the error list are encrypted: no personnummer in the row.
    stored, data = ImportRun.objects.values_list("errors_encrypted", "data").get()
    assert data is not None
    assert bad not in stored and bad.encode() not in bytes(data)
    entry = AccessLog.objects.get(kind=AccessLog.Kind.IMPORT)
    assert (entry.user, entry.insats, entry.records) == (registrator, insats, 1)
    # Confirming anyway is refused; nothing is written.
    client.post(reverse("import-confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == Status.CHECKED and not Enrolment.objects.exists()


@worker
def test_mapping_page_maps_values_and_checks_again(reference_data, registrator, insats):
    client = _client(registrator)
    _upload(
        client,
        insats,
        _csv(_line(make_pnr(dt.date(1980, 1, 1), man=False), gender="Kvinna", referrer="Soc")),
    )
    _work()
    run = ImportRun.objects.get()
    page = client.get(reverse("import-run", args=[run.pk]))
    assert b'name="val::referring_actor::Soc"' in page.content
    client.post(
        reverse("import-mapping", args=[run.pk]),
        {"val::referring_actor::Soc": "kommun-socialtjanst"},
    )
    _work()
    run.refresh_from_db()
    assert run.errors == [] and run.to_create == 1


@worker
def test_discard_deletes_the_file(reference_data, registrator, insats):
    client = _client(registrator)
    _upload(client, insats, _csv(_line(make_pnr(dt.date(1980, 1, 1), man=False))))
    _work()
    run = ImportRun.objects.get()
    client.post(reverse("import-discard", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == Status.DISCARDED and run.data is None


def test_others_get_404(registrator, insats, forbund, manager):
    client = _client(registrator)
    _upload(client, insats, _csv(_line(make_pnr(dt.date(1980, 1, 1), man=False))))
    run = ImportRun.objects.get()
    other_insats = make_insats(forbund, "Annan insats")
    other = make_user("annan-coach", Role.REGISTRATOR, insats=other_insats)
    colleague = make_user("kollega", Role.REGISTRATOR, insats=insats)
    for user in (other, colleague, manager):
        c = _client(user)
        for name in ("import-run", "import-progress"):
            assert c.get(reverse(name, args=[run.pk])).status_code == 404, (user, name)
        for name in ("import-confirm", "import-discard", "import-mapping"):
            assert c.post(reverse(name, args=[run.pk])).status_code == 404, (user, name)
    denied = _client(other)
    assert denied.get(reverse("import-start", args=[insats.pk])).status_code == 404
    assert denied.get(reverse("import-template", args=[insats.pk, "enrolments"])).status_code == 404
    assert _upload(denied, insats, _csv()).status_code == 404
    # The insats manager may import aggregates, not enrolments.
    page = _client(manager).get(reverse("import-start", args=[insats.pk]))
    assert page.status_code == 200 and b'value="enrolments"' not in page.content
    assert b'value="waiting"' in page.content


def test_cli_dry_run_then_import(registrator, insats, tmp_path, capsys):
    path = tmp_path / "deltagare.csv"
    path.write_bytes(_csv(_line(make_pnr(dt.date(1980, 1, 1), man=False), referrer="Soc")))
    with pytest.raises(CommandError):
        call_command("import", str(path), insats=insats.pk, user=registrator.username, dry_run=True)
    mapping = tmp_path / "mappning.json"
    mapping.write_text(json.dumps({"values": {"referring_actor": {"Soc": "kommun-socialtjanst"}}}))
    call_command(
        "import",
        str(path),
        insats=insats.pk,
        user=registrator.username,
        dry_run=True,
        mapping=str(mapping),
    )
    assert not Enrolment.objects.exists()
    call_command("import", str(path), insats=insats.pk, user=registrator.username)
    assert Enrolment.objects.get().referring_actor.code == "kommun-socialtjanst"
    err = capsys.readouterr().err
    assert "100%" in err and "1/1" in err
    call_command("import", str(path), insats=insats.pk, user=registrator.username)
    assert Enrolment.objects.count() == 1
    last = ImportRun.objects.latest("pk")
    assert (last.status, last.to_create, last.to_skip) == (Status.DONE, 0, 1)


def test_cli_refuses_a_user_without_rights(insats, forbund, tmp_path):
    other = make_user("annan", Role.REGISTRATOR, insats=make_insats(forbund, "Annan"))
    path = tmp_path / "deltagare.csv"
    path.write_bytes(_csv(_line(make_pnr(dt.date(1980, 1, 1), man=False))))
    with pytest.raises(CommandError):
        call_command("import", str(path), insats=insats.pk, user=other.username)
    assert not ImportRun.objects.exists()


def test_template_command(tmp_path):
    path = tmp_path / "mall.xlsx"
    call_command("template", str(path), kind="budget")
    assert "Budget" in load_workbook(path).sheetnames


def test_bench_import_prints_rows_per_second_and_rolls_back():
    out = io.StringIO()
    call_command("bench", "import", "--rows", "40", "--write", stdout=out)
    text = out.getvalue()
    assert text.count("rader/s") == 3, text
    assert "40 rader, 0 fel." in text
    assert not Enrolment.objects.exists() and not ImportRun.objects.exists()


def test_bench_import_prints_json_lines_beside_openpyxl():
    out = io.StringIO()
    call_command("bench", "import", "--rows", "30", "--write", "--json", stdout=out)
    records = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    assert [r["benchmark"] for r in records] == ["import check", "import write"]
    for record in records:
        assert record["rows"] == 30 and record["reference"] == "openpyxl read"
        assert record["s"] > 0 and record["reference_s"] > 0


@worker
def test_a_teams_own_sheet_with_bad_rows_is_fixed_imported_and_counted(
    reference_data, registrator, insats
):
    """The issue's path: a coach imports a sheet shaped like a team's history (Swedish
    headings of its own, "K"/"Kvinna", two-decimal years, some bad rows), sees every
    problem in the dry run, fixes the file, imports it, and the reports count it."""
    from openpyxl import Workbook

    from samspar.bench import core
    from samspar.reports.scope import Level, ReportScope

    def sheet(rows):
        book = Workbook()
        ws = book.active
        ws.append(
            [
                "Personnr",
                "Kön",
                "Inskriven",
                "Avslutad",
                "Orsak till avslut",
                "Tid i offentlig försörjning",
                "Remitterad av",
                "Utbildning",
            ]
        )
        for row in rows:
            ws.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    women = [make_pnr(dt.date(1980 + i, 5, 1), man=False) for i in range(3)]
    man = make_pnr(dt.date(1975, 2, 2), man=True)
    good = [
        [
            women[0],
            "K",
            "2021-01-10",
            "2021-11-30",
            "Arbete (osubventionerat)",
            "5,75",
            "AF",
            "Gymnasial",
        ],
        [women[1], "Kvinna", "2021-03-01", None, None, "2,25", "FK", "okänd"],
        [
            man,
            "M",
            "2021-04-01",
            "2021-12-15",
            "Studier",
            "10",
            "Region: Psykiatri",
            "Förgymnasial",
        ],
    ]
    bad = [
        # A wrong check digit (one more than the right one, whatever the serial was).
        [
            women[2][:-1] + str((int(women[2][-1]) + 1) % 10),
            "K",
            "2021-05-01",
            None,
            None,
            "1",
            "AF",
            "Gymnasial",
        ],
        [
            make_pnr(dt.date(1990, 1, 1), man=True),
            "K",
            "2021-05-01",
            None,
            None,
            "1",
            "AF",
            "Gymnasial",
        ],
        [
            make_pnr(dt.date(1991, 1, 1), man=True),
            "M",
            "2021-05-01",
            "2021-02-01",
            "Studier",
            "1",
            "AF",
            "Gymnasial",
        ],
    ]
    client = _client(registrator)
    assert (
        reverse("import-start", args=[insats.pk]).encode()
        in client.get(reverse("insats-detail", args=[insats.pk])).content
    )
    _upload(client, insats, sheet(good + bad), "historik.xlsx")
    _work()
    run = ImportRun.objects.get()
    assert {(e["row"], e["column"]) for e in run.errors} >= {
        (5, "Personnr"),
        (6, "Kön"),
        (7, "Avslutad"),
    }
    assert not Enrolment.objects.exists()
    _upload(client, insats, sheet(good), "historik-rattad.xlsx")
    _work()
    fixed = ImportRun.objects.latest("pk")
    assert fixed.error_count == 0 and fixed.to_create == 3
    client.post(reverse("import-confirm", args=[fixed.pk]))
    _work()
    fixed.refresh_from_db()
    assert fixed.status == Status.DONE
    scope = ReportScope.for_operator(
        dt.date(2021, 1, 1),
        dt.date(2021, 12, 31),
        exact=True,
        level=Level.INSATS,
        object_id=insats.pk,
    )
    figures = core.django_figures(scope)
    assert figures["total"]["#1 worked_with"] == 3 and figures["K"]["#1 new"] == 2
    assert figures["total"]["#2 ended"] == 2
    assert figures["K"]["#5 mean_years"] == pytest.approx(4.0)  # (5,75 + 2,25) / 2
