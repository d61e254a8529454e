"""The full export of one förbund and its import into another installation
(docs/export.md).

The file is a zip: ``manifest.json`` (format, version, when, which förbund, rows per
table) and one JSON Lines file per table, named by the model's label
(``registry.enrolment.jsonl``). Each row is the model's concrete fields by name:

* ``id`` is the row's id in the exporting installation, used only inside the file;
* a foreign key to a table of the file holds that id, and the import maps it to the
  new row's id;
* a foreign key to reference data holds its natural key: a code list entry its
  ``code``, a county or municipality its SCB code, a user their username, a standard
  value set shipped with Samspår ``[price_year, version]``;
* a many-to-many field to a code list holds the list of codes;
* a person holds ``personnummer`` in plain text instead of the encrypted number and the
  keyed hash (keys differ between installations) — the file is personal data.

The tables are found by walking the fields, so a plain field added to a model is carried
without a change here; a new model is added to ``TABLES`` (a test fails until every model
that hangs from a förbund is listed there or in ``NOT_EXPORTED``). Each model with
simple-history has its history exported too (history of rows that still exist), with
its many-to-many history tables.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from samspar.access.audit import log_personal_data_read
from samspar.access.models import AccessLog, RoleAssignment
from samspar.access.scoping import Role
from samspar.annual.models import ChapterText
from samspar.codelists.models import CodeListEntry
from samspar.core import crypto, personnummer
from samspar.dataprotection.personal_data import ERASED_HASH, HOLDERS
from samspar.economics import selectors as economics_selectors
from samspar.economics.models import (
    Evaluation,
    MappingRow,
    Method,
    StandardValue,
    StandardValueSet,
    TypeCaseGroup,
)
from samspar.imports.models import ImportMapping
from samspar.organisation.models import (
    BudgetLine,
    County,
    Financing,
    Forbund,
    Insats,
    InsatsYear,
    MemberParty,
    Municipality,
    StaffMember,
    Team,
)
from samspar.registry.models import (
    AnonymousEnrolment,
    Answer,
    Enrolment,
    FollowUp,
    Person,
    Question,
    QuestionChoice,
    StructuralCount,
    VolumeCount,
    WaitingListCount,
)

FORMAT = "samspar-export"
VERSION = 1
MANIFEST = "manifest.json"
USERS = "auth.user"
PURPOSE = "export"  # the purpose of the access-log entries of an export
# What an import reads at most, unpacked (a zip bomb is refused before it is unpacked):
# the members' total size, and the members' number.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_MEMBERS = 200

User = get_user_model()


@dataclass(frozen=True)
class Table:
    """One model of the export and how to find the förbund's rows of it."""

    model: type[models.Model]
    rows: Callable[[Forbund], QuerySet[Any]]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def _table(model: type[models.Model], path: str) -> Table:
    """A table whose rows are those with ``path`` leading to the förbund."""

    def rows(forbund: Forbund) -> QuerySet[Any]:
        return model._base_manager.filter(**{path: forbund.pk}).distinct().order_by("pk")

    return Table(model, rows)


def _role_assignments(forbund: Forbund) -> QuerySet[Any]:
    return RoleAssignment.objects.filter(Q(forbund=forbund) | Q(insats__forbund=forbund)).order_by(
        "pk"
    )


# In the order of import: every table's foreign keys point to tables above it (or to
# itself, in file order: a value set based on an earlier one).
TABLES: tuple[Table, ...] = (
    _table(Forbund, "pk"),
    _table(MemberParty, "forbund"),
    _table(Team, "forbund"),
    _table(Insats, "forbund"),
    _table(InsatsYear, "insats__forbund"),
    _table(BudgetLine, "insats__forbund"),
    _table(Financing, "insats__forbund"),
    _table(StaffMember, "insats__forbund"),
    Table(RoleAssignment, _role_assignments),
    _table(Person, "enrolments__insats__forbund"),
    _table(Enrolment, "insats__forbund"),
    _table(FollowUp, "enrolment__insats__forbund"),
    _table(Question, "insats__forbund"),
    _table(QuestionChoice, "question__insats__forbund"),
    _table(Answer, "enrolment__insats__forbund"),
    _table(AnonymousEnrolment, "insats__forbund"),
    _table(VolumeCount, "insats__forbund"),
    _table(StructuralCount, "insats__forbund"),
    _table(WaitingListCount, "insats__forbund"),
    _table(ImportMapping, "forbund"),
    _table(ChapterText, "insats__forbund"),
    _table(StandardValueSet, "forbund"),
    _table(StandardValue, "value_set__forbund"),
    _table(Evaluation, "forbund"),
    _table(TypeCaseGroup, "evaluation__forbund"),
    _table(MappingRow, "evaluation__forbund"),
)

# Models of Samspår's apps that the export leaves out on purpose, with why
# (docs/export.md). Reference data is not "left out": it is referred to by code.
NOT_EXPORTED: dict[str, str] = {
    "access.accesslog": "the installation's own audit trail of reads",
    "access.accesslogperson": "the installation's own audit trail of reads",
    "access.securityevent": "the installation's own log-in security log",
    "access.historicaluser": "user account history stays with the installation",
    "access.historicaluser_groups": "user account history stays with the installation",
    "access.historicaluser_user_permissions": "user account history stays with the installation",
    "imports.importrun": "an import's file and error list are deleted once it is done",
    "access.apitoken": "API keys are secrets of one installation: make new ones after a move",
}

# Reference data: the same rows in every installation (loaded by migrations), referred
# to by a natural key.
REFERENCE_MODELS: tuple[type[models.Model], ...] = (County, Municipality)


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None) if manager is not None else None


def m2m_history_models(model: type[models.Model]) -> list[type[models.Model]]:
    """simple-history's tables of a model's tracked many-to-many fields."""
    history = history_model(model)
    if history is None:
        return []
    return [
        m
        for m in apps.get_models()
        if m is not history
        and any(
            f.is_relation and f.name == "history" and f.related_model is history
            for f in m._meta.concrete_fields
        )
    ]


def all_labels() -> list[str]:
    """Every table file an export may hold, in import order."""
    labels = [USERS]
    for table in TABLES:
        labels.append(table.label)
    for table in TABLES:
        history = history_model(table.model)
        if history is not None:
            labels.append(history._meta.label_lower)
            labels.extend(m._meta.label_lower for m in m2m_history_models(table.model))
    return labels


# --- values -------------------------------------------------------------------------


def _is_code_list(model: type[models.Model]) -> bool:
    return issubclass(model, CodeListEntry)


def _plain(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None or isinstance(field, models.JSONField):
        return value
    if isinstance(value, dt.datetime | dt.time):
        return value.isoformat()  # to the microsecond (DjangoJSONEncoder cuts to ms)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@dataclass
class _Dump:
    ids: dict[type[models.Model], set[Any]] = field(default_factory=dict)
    users: set[int] = field(default_factory=set)
    codes: dict[type[models.Model], dict[Any, str]] = field(default_factory=dict)
    usernames: dict[int, str] = field(default_factory=dict)

    def code(self, model: type[models.Model], pk: Any) -> str:
        if model not in self.codes:
            self.codes[model] = dict(model._base_manager.values_list("pk", "code"))
        return self.codes[model][pk]

    def ref(self, model: type[models.Model], pk: Any) -> Any:
        if pk is None:
            return None
        if model is User:
            self.users.add(pk)
            if pk not in self.usernames:
                self.usernames[pk] = User._base_manager.get(pk=pk).get_username()
            return self.usernames[pk]
        if _is_code_list(model):
            return self.code(model, pk)
        if model in REFERENCE_MODELS:
            return pk
        if pk in self.ids.get(model, ()):
            return pk
        if model is StandardValueSet:
            shipped = StandardValueSet.objects.get(pk=pk)
            return [shipped.price_year, shipped.version]
        return None  # a history row's link to a row that is gone

    def row(self, obj: models.Model) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in obj._meta.concrete_fields:
            value = getattr(obj, f.attname)
            if f.is_relation:
                out[f.name] = self.ref(f.related_model, value)  # type: ignore[arg-type]
            else:
                out[f.name] = _plain(f, value)
        for m2m in obj._meta.many_to_many:
            target = m2m.related_model
            if not isinstance(target, type):
                continue
            pks = getattr(obj, m2m.name).values_list("pk", flat=True)
            if _is_code_list(target):
                out[m2m.name] = sorted(self.code(target, pk) for pk in pks)
            elif target in self.ids:  # rows of the file (an answer's choices)
                out[m2m.name] = sorted(pks)
        return out


def _person_row(dump: _Dump, person: Person) -> dict[str, Any]:
    row = dump.row(person)
    del row["pnr_encrypted"], row["pnr_hash"]
    row["personnummer"] = (
        None if person.anonymised_at is not None else crypto.decrypt(person.pnr_encrypted)
    )
    return row


def _history_rows(
    dump: _Dump, table: Table, forbund: Forbund
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """The history of the exported rows, and its many-to-many history (subqueries, not
    lists of ids: SQLite limits the parameters of one query)."""
    history = history_model(table.model)
    if history is None:
        return
    records = history._base_manager.filter(id__in=table.rows(forbund).values("pk"))
    rows = [dump.row(r) for r in records.order_by("history_id")]
    dump.ids[history] = {r["history_id"] for r in rows}
    yield history._meta.label_lower, rows
    for m2m in m2m_history_models(table.model):
        m2m_rows = m2m._base_manager.filter(history__in=records.values("pk")).order_by("pk")
        yield m2m._meta.label_lower, [dump.row(r) for r in m2m_rows]


def _samspar_version() -> str:
    try:
        return metadata.version("samspar")
    except metadata.PackageNotFoundError:
        return ""


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows).encode()


def export_forbund(forbund: Forbund) -> bytes:
    """The export file of ``forbund`` (the caller logs it: ``log_export``). Run it in
    one transaction (``snapshot``) so that every table is read at the same moment."""
    dump = _Dump()
    files: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        objects = list(table.rows(forbund))
        dump.ids[table.model] = {o.pk for o in objects}
        if table.model is Person:
            files[table.label] = [_person_row(dump, o) for o in objects]
        else:
            files[table.label] = [dump.row(o) for o in objects]
    for table in TABLES:
        for label, rows in _history_rows(dump, table, forbund):
            files[label] = rows
    users = User._base_manager.filter(pk__in=dump.users).order_by("username")
    with_roles = set(_role_assignments(forbund).values_list("user_id", flat=True))
    files[USERS] = [
        {
            "username": u.get_username(),
            "first_name": u.first_name,
            "last_name": u.last_name,
            "email": u.email,
            "is_active": u.is_active,
            "has_roles": u.pk in with_roles,
        }
        for u in users
    ]
    tables = {label: len(files[label]) for label in all_labels() if label in files}
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created": timezone.now().isoformat(timespec="seconds"),
        "samspar": _samspar_version(),
        "forbund": {"id": forbund.pk, "name": forbund.name},
        "tables": tables,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        for label in tables:
            archive.writestr(f"{label}.jsonl", _jsonl(files[label]))
    return out.getvalue()


@contextmanager
def snapshot() -> Iterator[None]:
    """One transaction that sees the database as it was at its first read: on
    PostgreSQL REPEATABLE READ (the default READ COMMITTED would let rows written
    between two tables' reads into the second), SQLite's transactions are serializable."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def log_export(forbund: Forbund, user: AbstractBaseUser | None = None) -> None:
    """An export is a read of every person of the förbund: one access-log entry per
    insats with participants, naming them (``user`` None: the operator's CLI)."""
    for insats in Insats.objects.filter(forbund=forbund).order_by("pk"):
        persons = list(Person.objects.filter(enrolments__insats=insats).distinct())
        if not persons:
            continue
        log_personal_data_read(
            user,
            AccessLog.Kind.EXPORT,
            insats,
            purpose=PURPOSE,
            persons=persons,
            records=len(persons),
            detail=f"samspar export --forbund {forbund.pk}",
        )


# --- import ---------------------------------------------------------------------------


class ImportRefused(ValueError):
    """The file cannot be imported here; the message says why (in Swedish)."""


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raise ImportRefused(_("The file is not a Samspår export (no manifest.json).")) from None
    if manifest.get("format") != FORMAT:
        raise ImportRefused(
            _("The file is not a Samspår export (format %(format)s).")
            % {"format": manifest.get("format")}
        )
    if manifest.get("version") != VERSION:
        raise ImportRefused(
            _("Export format version %(version)s cannot be read by this Samspår (reads %(ours)s).")
            % {"version": manifest.get("version"), "ours": VERSION}
        )
    return dict(manifest)


@contextmanager
def _keep_timestamps() -> Iterator[None]:
    """Store created_at/updated_at as the file has them, not the time of the import."""
    changed: list[tuple[models.Field[Any, Any], bool, bool]] = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                changed.append((f, f.auto_now, f.auto_now_add))  # type: ignore[attr-defined]
                f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, now, now_add in changed:
            f.auto_now, f.auto_now_add = now, now_add  # type: ignore[attr-defined]


@dataclass
class ImportResult:
    forbund: Forbund
    tables: dict[str, int]
    users_created: list[str]
    users_reused: list[str]
    # File user name → the name given here (its own was taken; no roles in the förbund).
    users_renamed: dict[str, str] = field(default_factory=dict)


@dataclass
class _Load:
    ids: dict[type[models.Model], dict[Any, Any]] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    codes: dict[type[models.Model], dict[str, Any]] = field(default_factory=dict)

    def code(self, model: type[models.Model], code: str, where: str) -> Any:
        if model not in self.codes:
            self.codes[model] = dict(model._base_manager.values_list("code", "pk"))
        try:
            return self.codes[model][code]
        except KeyError:
            raise ImportRefused(
                _("%(where)s: the code %(code)s is not in this installation's code list.")
                % {"where": where, "code": code}
            ) from None

    def ref(self, f: models.Field[Any, Any], value: Any, where: str, *, history: bool) -> Any:
        if value is None:
            return None
        model = f.related_model
        assert isinstance(model, type)
        if model is User:
            if value not in self.users:
                raise ImportRefused(
                    _("%(where)s: the user %(username)s is not in the file.")
                    % {"where": where, "username": value}
                )
            return self.users[value]
        if _is_code_list(model):
            return self.code(model, value, where)
        if model in REFERENCE_MODELS:
            if not model._base_manager.filter(pk=value).exists():
                raise ImportRefused(
                    _("%(where)s: %(value)s is not in this installation's reference data.")
                    % {"where": where, "value": value}
                )
            return value
        if model is StandardValueSet and isinstance(value, list):
            shipped = StandardValueSet.objects.filter(
                forbund=None, price_year=value[0], version=value[1]
            ).first()
            if shipped is None:
                raise ImportRefused(
                    _(
                        "%(where)s: the shipped standard values of %(year)s, version "
                        "%(version)s, are not in this installation."
                    )
                    % {"where": where, "year": value[0], "version": value[1]}
                )
            return shipped.pk
        mapped = self.ids.get(model, {}).get(value)
        if mapped is None and not history:
            raise ImportRefused(
                _("%(where)s: refers to row %(id)s, which is not in the file.")
                % {"where": where, "id": value}
            )
        return mapped


def _build(
    load: _Load, model: type[models.Model], row: dict[str, Any], *, history: bool
) -> tuple[models.Model, dict[str, list[Any]]]:
    label = model._meta.label_lower
    where = f"{label} {row.get('id', row.get('history_id', ''))}"
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name not in row:
            continue  # a new id; a field the file lacks gets its default
        value = row[f.name]
        if f.is_relation:
            values[f.attname] = load.ref(f, value, f"{where}, {f.name}", history=history)
        elif f.name == "id" and history and model._meta.pk.name == "history_id":
            base = model.instance_type  # type: ignore[attr-defined]
            if value not in load.ids.get(base, {}):
                raise ImportRefused(
                    _("%(where)s: refers to row %(id)s, which is not in the file.")
                    % {"where": where, "id": value}
                )
            values["id"] = load.ids[base][value]
        elif isinstance(f, models.JSONField) or value is None:
            values[f.attname] = value
        else:
            values[f.attname] = f.to_python(value)
    m2m: dict[str, list[Any]] = {}
    for m in model._meta.many_to_many:
        target = m.related_model
        if m.name not in row or not isinstance(target, type):
            continue
        if _is_code_list(target):
            m2m[m.name] = [load.code(target, c, f"{where}, {m.name}") for c in row[m.name]]
        else:
            m2m[m.name] = [
                load.ref(m, old, f"{where}, {m.name}", history=False) for old in row[m.name]
            ]
    return model(**values), m2m


def _erasable(model: type[models.Model]) -> set[str]:
    """The columns gallring blanks in this model (``personal_data.HOLDERS``)."""
    label = model._meta.label
    return {name for h in HOLDERS if h.model == label for name in h.erase}


def _check(obj: models.Model, where: str) -> None:
    """The model's validation, except that a column gallring has blanked may be blank
    (a removed identity: no number, no names, no notes)."""
    blanked = [name for name in _erasable(type(obj)) if getattr(obj, name, None) == ""]
    try:
        obj.full_clean(exclude=blanked or None)
    except ValidationError as e:
        problems = (
            "; ".join(f"{k}: {' '.join(v)}" for k, v in e.message_dict.items())
            if hasattr(e, "error_dict")
            else "; ".join(e.messages)
        )
        raise ImportRefused(f"{where}: {problems}") from None


def _free_username(username: str) -> str:
    """``username`` with the first free suffix: 'per' → 'per-import', 'per-import-2' …"""
    candidate, n = f"{username}-import", 1
    while User._base_manager.filter(username=candidate).exists():
        n += 1
        candidate = f"{username}-import-{n}"
    return candidate


def _import_users(
    load: _Load, rows: list[dict[str, Any]]
) -> tuple[list[str], list[str], dict[str, str]]:
    """Create the file's users without a password, or find them here. A user name taken
    here by someone else (another e-mail address) refuses the import when the user has
    roles in the förbund; a user the file only names as the author of a row (no roles
    now) is then created under a free name instead, so the history keeps its author."""
    created, reused, renamed = [], [], {}
    for row in rows:
        username = row["username"]
        existing = User._base_manager.filter(username=username).first()
        if existing is not None:
            same = row["email"] and existing.email.casefold() == row["email"].casefold()
            if not same and not row.get("has_roles", True):
                username = renamed[row["username"]] = _free_username(row["username"])
                existing = None
            elif not same:
                raise ImportRefused(
                    _(
                        "The user name %(username)s is taken in this installation by another "
                        "user (the e-mail addresses differ)."
                    )
                    % {"username": row["username"]}
                )
        if existing is not None:
            load.users[row["username"]] = existing.pk
            reused.append(row["username"])
            continue
        user = User(
            username=username,
            first_name=row.get("first_name", ""),
            last_name=row.get("last_name", ""),
            email=row.get("email", ""),
            is_active=row.get("is_active", True),
        )
        user.set_unusable_password()
        user.save()
        load.users[row["username"]] = user.pk
        created.append(username)
    return created, reused, renamed


def _canonical(row: dict[str, Any]) -> personnummer.Personnummer | None:
    """The row's personnummer, validated as the registration form does (None: a removed
    identity). The file's birth date, gender and kind of number must be the number's:
    one number, one person, whatever spelling the file uses."""
    text = row.get("personnummer")
    if text is None:
        return None
    where = f"registry.person {row.get('id')}"
    try:
        pnr = personnummer.parse(str(text), today=timezone.localdate())
    except personnummer.PersonnummerError:
        raise ImportRefused(
            _("%(where)s: the personnummer is not valid.") % {"where": where}
        ) from None
    if (
        row.get("birth_date") != pnr.birth_date.isoformat()
        or row.get("gender") != pnr.gender.value
        or bool(row.get("is_coordination_number")) != pnr.coordination
    ):
        raise ImportRefused(
            _("%(where)s: birth date, gender or kind of number differ from the personnummer's.")
            % {"where": where}
        )
    return pnr


def _person(load: _Load, row: dict[str, Any]) -> Person:
    pnr = _canonical(row)
    row.pop("personnummer")
    person, _m2m = _build(load, Person, row, history=False)
    assert isinstance(person, Person)
    if pnr is None:
        person.pnr_encrypted = ""
        person.pnr_hash = f"gallrad-import-{row['id']}"  # made ERASED_HASH after insert
    else:
        person.pnr_encrypted = crypto.encrypt(pnr.canonical)
        person.pnr_hash = crypto.lookup_hash(pnr.canonical)
    return person


def _insert_table(load: _Load, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Build, check and insert the rows of one table; remember old id → new id."""
    label = model._meta.label_lower
    mapping = load.ids.setdefault(model, {})
    self_ref = any(f.is_relation and f.related_model is model for f in model._meta.concrete_fields)
    new_persons: list[tuple[Any, Person]] = []
    pending: list[tuple[Any, models.Model, dict[str, list[Any]]]] = []
    # An enrolment's copy of its person's facts is taken from the person, whatever the
    # file says (a file of an earlier version has none).
    people = (
        Person._base_manager.in_bulk(load.ids.get(Person, {}).values())
        if model is Enrolment
        else {}
    )
    for row in rows:
        old = row["id"]
        if model is Person:
            known = None
            pnr = _canonical(row)
            if pnr is not None:
                known = Person.objects.filter(pnr_hash=crypto.lookup_hash(pnr.canonical)).first()
            if known is not None:  # in another förbund of this installation already
                mapping[old] = known.pk
                continue
            obj: models.Model = _person(load, dict(row))
            m2m: dict[str, list[Any]] = {}
        else:
            obj, m2m = _build(load, model, row, history=False)
            if isinstance(obj, Enrolment):
                obj.take_person_facts(people[obj.person_id])
        _check(obj, f"{label} {old}")
        if self_ref:
            obj.save()
            mapping[old] = obj.pk
            _set_m2m(obj, m2m)
        else:
            pending.append((old, obj, m2m))
            if isinstance(obj, Person):
                new_persons.append((old, obj))
    created = model._base_manager.bulk_create([row[1] for row in pending])
    for (old, _built, m2m), obj in zip(pending, created, strict=True):
        mapping[old] = obj.pk
        _set_m2m(obj, m2m)
    erased = [p.pk for _old, p in new_persons if not p.pnr_encrypted]
    if erased:
        Person._base_manager.filter(pk__in=erased).update(pnr_hash=ERASED_HASH)


def _set_m2m(obj: models.Model, m2m: dict[str, list[Any]]) -> None:
    for name, pks in m2m.items():
        through = getattr(type(obj), name).through
        source = getattr(type(obj), name).field.m2m_field_name()
        target = getattr(type(obj), name).field.m2m_reverse_field_name()
        through._base_manager.bulk_create(
            [through(**{f"{source}_id": obj.pk, f"{target}_id": pk}) for pk in pks]
        )


def _insert_history(load: _Load, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    pk_name = model._meta.pk.name
    objects, olds = [], []
    for row in rows:
        obj, _m2m = _build(load, model, row, history=True)
        objects.append(obj)
        olds.append(row[pk_name])
    created = model._base_manager.bulk_create(objects)
    load.ids[model] = {old: obj.pk for old, obj in zip(olds, created, strict=True)}


def _refresh_populations(load: _Load) -> None:
    """An evaluation of individuals keeps a keyed token per participant, over the
    enrolment's id with this installation's secret: read again from the imported
    registry (docs/export.md), for the evaluation and for each of its earlier versions
    (whose tokens the population check compares with), each over its own insats and
    period. Tokens of the old installation's ids would match new ids by chance."""
    imported = list(load.ids.get(Evaluation, {}).values())
    for query in (
        Evaluation.objects.filter(pk__in=imported),
        Evaluation.history.filter(id__in=imported),
    ):
        for version in query.filter(method=Method.INDIVIDUALS):
            assert version.insats_id and version.period_start and version.period_end
            query.filter(pk=version.pk).update(
                population=economics_selectors.registry_population(
                    Enrolment.objects.all(),
                    version.insats_id,
                    version.period_start,
                    version.period_end,
                )
            )


def import_forbund(content: bytes) -> ImportResult:
    """Load an export into this installation, which must not have the förbund yet:
    everything in one transaction, nothing written when anything is refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise ImportRefused(_("The file is not a Samspår export (not a zip file).")) from None
    _check_sizes(archive)
    manifest = read_manifest(archive)
    names = set(archive.namelist())
    known = set(all_labels())
    unknown = sorted(n.removesuffix(".jsonl") for n in names - {MANIFEST})
    unknown = [n for n in unknown if n not in known]
    if unknown:
        raise ImportRefused(
            _("The file holds tables this Samspår does not know: %(tables)s.")
            % {"tables": ", ".join(unknown)}
        )

    def rows(label: str) -> list[dict[str, Any]]:
        name = f"{label}.jsonl"
        if name not in names:
            return []
        try:
            text = archive.read(name).decode()
            found = [json.loads(line) for line in text.splitlines() if line]
        except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, RecursionError):
            raise ImportRefused(
                _("%(name)s in the file is damaged or not JSON Lines.") % {"name": name}
            ) from None
        if not all(isinstance(row, dict) for row in found):
            raise ImportRefused(
                _("%(name)s in the file is damaged or not JSON Lines.") % {"name": name}
            )
        return found

    name = manifest["forbund"]["name"]
    if Forbund.objects.filter(name=name).exists():
        raise ImportRefused(
            _("This installation already has a förbund named %(name)s.") % {"name": name}
        )
    load = _Load()
    counts: dict[str, int] = {}
    with transaction.atomic():
        # Users first, with the history of their accounts (created by the command line).
        created, reused, renamed = _import_users(load, rows(USERS))
        with override_settings(SIMPLE_HISTORY_ENABLED=False), _keep_timestamps():
            _import_tables(load, rows, counts)
        _refresh_populations(load)
        new_id = load.ids.get(Forbund, {}).get(manifest["forbund"].get("id"))
        forbund = None if new_id is None else Forbund.objects.filter(pk=new_id).first()
        if forbund is None:
            raise ImportRefused(_("The file does not hold the förbund its manifest names."))
        _check_all_within(load, forbund)
    return ImportResult(forbund, counts, created, reused, renamed)


def _check_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse a file that would unpack to more than an export of a förbund can be (the
    sizes the zip declares: zipfile reads no member beyond its declared size)."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise ImportRefused(_("The file is too large to be a Samspår export."))


def _check_role(row: dict[str, Any]) -> None:
    """A role in the file is a role in the förbund or one of its insatser: never the
    system administrator's (which has no scope), never one without a scope."""
    if row.get("role") == Role.SYSADMIN or (
        row.get("forbund") is None and row.get("insats") is None
    ):
        raise ImportRefused(
            _("access.roleassignment %(id)s: only roles within the förbund are imported.")
            % {"id": row.get("id")}
        )


def _check_all_within(load: _Load, forbund: Forbund) -> None:
    """Every row the import made or linked belongs to the imported förbund: the file
    cannot add a second förbund, shipped (shared) standard values, or rows hanging
    from nothing."""
    for table in TABLES:
        made = set(load.ids.get(table.model, {}).values())
        # All of the förbund's rows, not a list of ids: SQLite limits a query's parameters.
        within = set(table.rows(forbund).values_list("pk", flat=True))
        if made - within:
            raise ImportRefused(
                _("%(table)s: the file holds rows outside the förbund it exports.")
                % {"table": table.label}
            )


def _import_tables(
    load: _Load, rows: Callable[[str], list[dict[str, Any]]], counts: dict[str, int]
) -> None:
    for table in TABLES:
        table_rows = rows(table.label)
        if table.model is RoleAssignment:
            for row in table_rows:
                _check_role(row)
        _insert_table(load, table.model, table_rows)
        counts[table.label] = len(table_rows)
    for table in TABLES:
        history = history_model(table.model)
        if history is None:
            continue
        for model in (history, *m2m_history_models(table.model)):
            table_rows = rows(model._meta.label_lower)
            _insert_history(load, model, table_rows)
            counts[model._meta.label_lower] = len(table_rows)
