"""The full export of a förbund, imported into an empty installation, gives the same
figures (issue 10, item 5; docs/export.md).

A small demo world (every kind of insats, enrolments with history, follow-ups,
aggregates, budgets, staff, evaluations) plus annual-report texts and a changed
enrolment; every report of the catalogue (exact and suppressed, for the förbund and for
each insats), every annual report and every evaluation are computed; the förbund is
exported; the database is flushed and its reference data loaded again as the migrations
load it; the file is imported; everything is computed again and compared.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from samspar.access.models import AccessLog, RoleAssignment
from samspar.annual import services as annual_services
from samspar.annual.chapters import CHAPTERS
from samspar.annual.compose import build_annual_report
from samspar.codelists.models import EndReason, SupplyType
from samspar.core import crypto
from samspar.dataprotection import gallring
from samspar.demo import builder
from samspar.economics import selectors as economics_selectors
from samspar.economics import services as economics_services
from samspar.economics.models import Evaluation, Method, StandardValueSet
from samspar.economics.selectors import evaluation_report
from samspar.organisation.models import Forbund, Insats
from samspar.registry import services as registry_services
from samspar.registry.models import Enrolment, Person
from samspar.reports.catalogue import REPORTS
from samspar.reports.exports.json import report_dict, table_dict
from samspar.reports.scope import Level, ReportScope
from samspar.transfer import archive
from tests.conftest import load_reference_data
from tests.factories import enrol

SCALE = 0.05
TODAY = dt.date.today()
LAST_YEAR = TODAY.year - 1
PERIODS = [
    (dt.date(LAST_YEAR - 2, 1, 1), dt.date(LAST_YEAR, 12, 31)),
    (dt.date(LAST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)),
]


def _report(key: str, scope: ReportScope) -> dict[str, Any]:
    """The report as the API gives it, without the time it was made and the id of its
    organisation (its label names it); a table named by a question's id (``fragor``)
    named by its title instead."""
    data = report_dict(REPORTS[key].build(scope), scope)
    del data["generated"]
    del data["organisation"]["id"]
    for table in data["tables"]:
        table["key"] = re.sub(r"^question_[0-9]+", f"question {table['title']}", table["key"])
    return data


def _figures(forbund: Forbund) -> dict[str, Any]:
    """Every figure of the förbund, with ids replaced by names."""
    insatser = list(Insats.objects.filter(forbund=forbund).order_by("name"))
    out: dict[str, Any] = {}
    for start, end in PERIODS:
        for exact in (True, False):
            scope = ReportScope.for_operator(
                start, end, exact=exact, level=Level.FORBUND, object_id=forbund.pk
            )
            for key in REPORTS:
                out[f"{forbund.name} {start} {exact} {key}"] = _report(key, scope)
    start, end = PERIODS[1]
    for insats in insatser:
        scope = ReportScope.for_operator(
            start, end, exact=True, level=Level.INSATS, object_id=insats.pk
        )
        for key in REPORTS:
            out[f"{insats.name} {key}"] = _report(key, scope)
    admin = User.objects.get(username="admin.sodradalarna")
    for insats in insatser:
        for year in (LAST_YEAR, TODAY.year):
            report = build_annual_report(admin, insats, year)
            out[f"annual {insats.name} {year}"] = {
                "chapters": [
                    {
                        "code": c.chapter.code,
                        "texts": None
                        if c.text is None
                        else (c.text.description, c.text.analysis, c.text.reflection),
                        "tables": [table_dict(t) for t in c.tables],
                        "missing": [str(f) for f in c.missing],
                    }
                    for c in report.chapters
                ],
                "key_figures": report.key_figures,
                "exact": report.exact,
            }
    for evaluation in Evaluation.objects.filter(forbund=forbund).order_by("name"):
        result = evaluation_report(evaluation, with_simulation=False)
        out[f"evaluation {evaluation.name}"] = {
            "result": repr(result.result),
            "switching": repr(result.switching),
            "values": [dataclasses.astuple(v) for v in result.values],
            "mapping": repr(result.mapping),
            "registry_as_of": result.registry_as_of,
            "created": result.created,
            "value_set": result.value_set,
        }
    return out


def _enrich(forbund: Forbund) -> None:
    """What the demo does not make: annual-report texts (two versions) and a corrected
    enrolment (a second history record with other supply types)."""
    admin = User.objects.get(username="admin.sodradalarna")
    insats = Insats.objects.filter(forbund=forbund, enrolments__isnull=False).first()
    assert insats is not None
    registrator = User.objects.filter(
        role_assignments__insats=insats, role_assignments__role="registrator"
    ).first()
    for text in ("Första versionen.", "=Andra versionen, med formel-tecken först."):
        annual_services.save_chapter_text(
            user=registrator or admin,
            insats=insats,
            year=LAST_YEAR,
            chapter=CHAPTERS[0].code,
            description=text,
            reflection="Reflektion.",
        )
    enrolment = Enrolment.objects.filter(insats=insats).order_by("pk").first()
    assert enrolment is not None and registrator is not None
    registry_services.update_enrolment(
        user=registrator,
        enrolment=enrolment,
        notes="Rättad",
        supply_before=list(SupplyType.objects.filter(code="sjukpenning")),
    )
    # An evaluation of the registered individuals who ended in the demo's years, with
    # the förbund's own standard values and a mapping row changed from the default.
    value_set = StandardValueSet.objects.filter(forbund=forbund).first() or (
        StandardValueSet.objects.filter(forbund=None).order_by("-price_year").first()
    )
    assert value_set is not None
    economics_services.save_evaluation(
        user=admin,
        evaluation=Evaluation(
            forbund=forbund,
            insats=insats,
            name="Individer",
            method=Method.INDIVIDUALS,
            value_set=value_set,
            period_start=dt.date(2017, 1, 1),
            period_end=dt.date(LAST_YEAR, 12, 31),
            cost=3_000_000,
        ),
        mapping={"arbete": economics_selectors.MappingEntry(Decimal(80), Decimal(0), Decimal(90))},
    )


def _history_counts(forbund_name: str) -> dict[str, int]:
    forbund = Forbund.objects.get(name=forbund_name)
    history = Enrolment.history.model
    return {
        "enrolment": history.objects.filter(insats__forbund=forbund).count(),
        "supply_before": django_apps.get_model("registry", "HistoricalEnrolment_supply_before")
        .objects.filter(history__insats__forbund=forbund)
        .count(),
        "roles": RoleAssignment.objects.filter(forbund=forbund).count()
        + RoleAssignment.objects.filter(insats__forbund=forbund).count(),
    }


def _shift_enrolment_ids(first: int) -> None:
    """Let the exported enrolments' ids start at ``first``, far from where the imported
    ones will (after the flush), as in a real installation: figures keyed by ids must
    not survive only because the ids happen to be the same."""
    table = Enrolment._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first])
        else:  # SQLite's AUTOINCREMENT goes on from the highest id ever used
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [first, table])
            if cursor.rowcount == 0:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first]
                )


@pytest.mark.django_db(transaction=True)
def test_export_import_gives_the_same_figures(reference_data, tmp_path, monkeypatch):
    # The perturbation of the counts a reader without exact counts sees is keyed on the
    # records' ids (reports.cellkey), which an import numbers anew: compared here are
    # the exact counts and what suppression hides, not the noise (docs/definitions.md,
    # "Perturbed counts"). Secondary suppression reckons with the perturbed counts the
    # reader sees (reports.protection), so what it hides depends on the ids too: here the
    # reader sees each count unperturbed, within the same ±2.
    monkeypatch.setattr("samspar.reports.perturbation.perturb", lambda tables, threshold: None)
    monkeypatch.setattr("samspar.annual.compose.perturb", lambda tables, threshold: None)
    monkeypatch.setattr("samspar.reports.protection.perturbed", lambda value, threshold: value)
    _shift_enrolment_ids(100_000)
    builder.build(scale=SCALE)
    forbund = Forbund.objects.get(name__startswith="Södra Dalarnas")
    _enrich(forbund)
    name = forbund.name
    before = _figures(forbund)
    counts = _history_counts(name)
    assert counts["enrolment"] > Enrolment.objects.filter(insats__forbund=forbund).count()
    person = Person.objects.filter(enrolments__insats__forbund=forbund).first()
    assert person is not None
    pnr = crypto.decrypt(person.pnr_encrypted)
    enrolment_names = sorted(
        Enrolment.objects.filter(person=person).values_list("first_name", "last_name")
    )

    path = tmp_path / "export.zip"
    call_command("export", "--forbund", str(forbund.pk), str(path), stdout=io.StringIO())
    logged = AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT, user=None)
    assert logged.filter(insats__forbund=forbund).exists()
    assert logged.filter(persons=person).exists()
    assert path.stat().st_mode & 0o077 == 0  # only the owner may read it
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["format"] == "samspar-export" and manifest["version"] == 1
    assert manifest["forbund"]["name"] == name

    call_command("flush", interactive=False, verbosity=0)
    load_reference_data()
    assert not Forbund.objects.exists()
    out = io.StringIO()
    call_command("import-forbund", str(path), stdout=out)
    assert name in out.getvalue()

    imported = Forbund.objects.get(name=name)
    # The population tokens (keyed over enrolment ids) are read again from the imported
    # registry, for each evaluation and each of its earlier versions alike: versions of
    # the same population stay the same population (else the check against earlier
    # versions would refuse, or pass, by chance of the new ids).
    for evaluation in Evaluation.objects.filter(forbund=imported, method=Method.INDIVIDUALS):
        versions = Evaluation.history.filter(id=evaluation.pk)
        assert versions.exists()
        for version in versions:
            assert set(version.population) == set(evaluation.population)
    after = _figures(imported)
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key
    assert _history_counts(name) == counts
    person_again = Person.objects.get(pnr_hash=crypto.lookup_hash(pnr))
    assert crypto.decrypt(person_again.pnr_encrypted) == pnr
    assert (
        sorted(Enrolment.objects.filter(person=person_again).values_list("first_name", "last_name"))
        == enrolment_names
    )
    # Users come without a password: each sets one through the password link.
    admin = User.objects.get(username="admin.sodradalarna")
    assert not admin.has_usable_password()
    # The same file again is refused: the förbund is here now.
    with pytest.raises(CommandError, match=name):
        call_command("import-forbund", str(path), stdout=io.StringIO())


def test_every_model_under_a_forbund_is_exported_or_named(db):
    """A model of Samspår's apps with a foreign key to an exported table (a förbund, an
    insats, an enrolment, an evaluation …) is itself in archive.TABLES (or is the history
    of one) or is named in archive.NOT_EXPORTED with the reason: a model another change
    adds is never left out of the export silently."""
    listed = set(archive.all_labels()) | set(archive.NOT_EXPORTED)
    exported = {table.model for table in archive.TABLES}
    missing = [
        model._meta.label_lower
        for model in django_apps.get_models()
        if model.__module__.startswith("samspar.")
        and any(f.is_relation and f.related_model in exported for f in model._meta.concrete_fields)
        and model._meta.label_lower not in listed
    ]
    assert not missing, f"Add to archive.TABLES or NOT_EXPORTED: {missing}"


def test_a_file_that_is_not_an_export_is_refused(db, tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="zip"):
        call_command("import-forbund", str(path))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "samspar-export", "version": 99}))
    path.write_bytes(buffer.getvalue())
    with pytest.raises(CommandError, match="99"):
        call_command("import-forbund", str(path))


def _small_forbund_file(registrator: User, insats: Insats) -> bytes:
    enrolment = enrol(registrator, insats, notes="=1+1")
    registry_services.end_enrolment(
        user=registrator,
        enrolment=enrolment,
        end_date=dt.date(2022, 9, 1),
        end_reason=_code("arbete"),
    )
    return archive.export_forbund(insats.forbund)


def _code(value: str) -> EndReason:
    return EndReason.objects.get(code=value)


def test_import_beside_the_same_people(db, registrator, insats, forbund):
    """Imported where the persons are known already (another förbund of this
    installation has them): the person is the same row, the enrolments are new. A
    user name taken by someone else is refused, with nothing written."""
    content = _small_forbund_file(registrator, insats)
    original = forbund.name
    Forbund.objects.filter(pk=forbund.pk).update(name="Gamla namnet")
    with pytest.raises(archive.ImportRefused, match="coach"):
        archive.import_forbund(content)
    assert not Forbund.objects.filter(name=original).exists()

    User.objects.filter(pk=registrator.pk).update(email="coach@example.se")
    content = _small_forbund_file_again(insats)
    Forbund.objects.filter(pk=forbund.pk).update(name="Gamla namnet")
    result = archive.import_forbund(content)
    assert result.users_reused == ["coach"] and result.users_created == []
    assert result.forbund.name == original
    assert Person.objects.count() == 1  # the same person, not a copy
    enrolments = Enrolment.objects.filter(insats__forbund=result.forbund)
    assert enrolments.count() == 1
    copy = enrolments.get()
    assert copy.notes == "=1+1" and copy.end_reason.code == "arbete"
    assert copy.history.count() == Enrolment.objects.exclude(pk=copy.pk).get().history.count()
    assert RoleAssignment.objects.filter(user=registrator, insats__forbund=result.forbund).exists()


def _small_forbund_file_again(insats: Insats) -> bytes:
    Forbund.objects.filter(pk=insats.forbund_id).update(name="Södra Dalarnas samordningsförbund")
    insats.forbund.refresh_from_db()
    return archive.export_forbund(insats.forbund)


def test_import_of_an_erased_identity_and_a_former_author(db, registrator, insats, forbund):
    """A person whose identity gallring removed travels without a number (a new person
    here, still without one); a user the file names only as a row's author, whose name
    is taken here by someone else, is created under a free name."""
    enrolment = enrol(registrator, insats)
    registry_services.end_enrolment(
        user=registrator,
        enrolment=enrolment,
        end_date=dt.date(2022, 9, 1),
        end_reason=_code("arbete"),
    )
    gallring.anonymise([enrolment.person_id])
    former = User.objects.create_user("tidigare", email="tidigare@example.se")
    Enrolment.objects.filter(pk=enrolment.pk).update(created_by=former)
    User.objects.filter(pk=registrator.pk).update(email="coach@example.se")
    content = archive.export_forbund(forbund)
    User.objects.filter(pk=former.pk).update(email="en-annan@example.se")
    original = forbund.name
    Forbund.objects.filter(pk=forbund.pk).update(name="Gamla namnet")

    result = archive.import_forbund(content)

    assert result.users_renamed == {"tidigare": "tidigare-import"}
    copy = Enrolment.objects.get(insats__forbund=result.forbund)
    assert copy.created_by.username == "tidigare-import"
    assert not copy.created_by.has_usable_password()
    person = copy.person
    assert person.pk != enrolment.person_id
    assert person.anonymised_at is not None and person.pnr_encrypted == ""
    assert person.pnr_hash == f"gallrad-{person.pk}"
    assert copy.first_name == "" and result.forbund.name == original
