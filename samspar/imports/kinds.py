"""The kinds of import: their columns (the template's headings) and what they do with
a parsed row. Enrolments first; then the aggregates, each written through its service."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspar.access.scoping import Action
from samspar.codelists.models import EducationLevel
from samspar.core import constraints, crypto
from samspar.imports import questions, values
from samspar.imports.choices import Lookup, options
from samspar.imports.engine import CREATE, SKIP, UPDATE, Column, Handler, Kind, Refused
from samspar.organisation import services as setup
from samspar.organisation.models import BudgetLine, Financing, Insats, InsatsYear, StaffMember
from samspar.registry import bulk, question_services, services
from samspar.registry.models import (
    Enrolment,
    Person,
    Question,
    StructuralCount,
    VolumeCount,
    WaitingListCount,
)
from samspar.registry.question_services import AnswerValue


def _code(source: str) -> Callable[[Any], Any]:
    def parse(raw: Any) -> Any:  # replaced per run by the handler's Lookup
        raise AssertionError(source)

    return parse


def _pnr(raw: Any) -> Any:
    """The parsed number, exactly as the registration form checks it."""
    text = values.text(raw)
    if text is None:
        raise ValueError(_("The personnummer is missing."))
    try:
        return services.parse_personnummer(text)
    except ValidationError as e:
        raise ValueError(" ".join(e.messages)) from None


def _years_from_months(raw: Any) -> Decimal | None:
    months = values.decimal(raw, places=2)
    return None if months is None else (months / 12).quantize(Decimal("0.01"))


class CodeHandler(Handler):
    """A handler whose code columns look their values up in this run's lists."""

    def parser(self, column: Column) -> Callable[[Any], Any]:
        if not column.choices:
            return column.parse
        return Lookup(options(column.choices, self.insats), self.value_map.get(column.key, {}))


# --- enrolments ------------------------------------------------------------------------

# Enrolment fields written from the columns of the same name.
START = (
    "start_date",
    "referral_date",
    "consent_date",
    "municipality",
    "residence_kind",
    "referring_actor",
    "years_in_public_support",
    "education_level",
    "occupation_before",
    "occupation_before_percent",
    "notes",
)
END = (
    "end_date",
    "early_dropout",
    "end_reason",
    "occupation_after",
    "occupation_after_percent",
    "works_after",
    "studies_after",
    "work_or_studies_increased",
)
NAMES = ("first_name", "last_name")
_FOREIGN_KEYS = (
    "municipality",
    "referring_actor",
    "education_level",
    "occupation_before",
    "end_reason",
    "occupation_after",
)


def _field_value(name: str, value: Any) -> Any:
    """An unknown (None) value of a field that cannot hold one takes the field's default
    (e.g. "extent before" 0, "works after" no) or, for text, empty; otherwise None, and
    the model's validation says the field is needed."""
    field: Any = Enrolment._meta.get_field(name)
    if value is not None or field.null:
        return value
    if field.has_default():
        return field.get_default()
    if getattr(field, "blank", False) and field.get_internal_type() in ("CharField", "TextField"):
        return ""
    return None


class EnrolmentHandler(CodeHandler):
    def prepare(self) -> None:
        self.stored: dict[tuple[int, dt.date], Enrolment] = {}
        self.periods: dict[str, list[tuple[dt.date, dt.date | None, Any]]] = defaultdict(list)
        self.persons: dict[str, Person] = {}
        self.seen: set[tuple[str, dt.date]] = set()
        self.pending: list[bulk.NewEnrolment] = []
        self.today = timezone.localdate()
        # Unknown education is stored as the code list's own "okänd", as the service does.
        self.unknown_education = EducationLevel.objects.filter(
            code=services.UNKNOWN_EDUCATION
        ).first()
        # The insats's questions whose column the file has are answered from the row; the
        # others are left as they are.
        self.questions = {q.pk: q for q in questions.questions(self.insats)}
        self.asked = [q for q in self.questions.values() if questions.key(q) in self.present]

    def chunk(self, rows: list[dict[str, Any]]) -> None:
        hashes = {crypto.lookup_hash(r["personnummer"].canonical) for r in rows}
        new = hashes - self.persons.keys()
        if not new:
            return
        found = {p.pk: p for p in Person.objects.filter(pnr_hash__in=new)}
        for person in found.values():
            self.persons[person.pnr_hash] = person
        enrolments = (
            Enrolment.objects.filter(insats=self.insats, person_id__in=found)
            .select_related("person", "insats")
            .prefetch_related("supply_before", "supply_after")
        )
        if self.questions:
            enrolments = enrolments.prefetch_related("answers__choices")
        for e in enrolments:
            self.stored[(e.person_id, e.start_date)] = e
            self.periods[e.person.pnr_hash].append((e.start_date, e.end_date, e.pk))

    def _fields(self, row: dict[str, Any]) -> dict[str, Any]:
        fields = {name: _field_value(name, row[name]) for name in (*START, *END)}
        if fields["education_level"] is None:
            fields["education_level"] = self.unknown_education
        if row["years_in_public_support"] is None and row["months_in_public_support"] is not None:
            fields["years_in_public_support"] = row["months_in_public_support"]
        return fields

    def _answers(self, row: dict[str, Any]) -> dict[Question, AnswerValue]:
        """The row's answers to the questions whose column the file has (None: the
        question is not answered, and a stored answer is removed)."""
        return {q: row[questions.key(q)] for q in self.asked}

    def _changed_answers(
        self, stored: Enrolment, row: dict[str, Any]
    ) -> dict[Question, AnswerValue]:
        """The row's answers that differ from the stored enrolment's (an unchanged answer
        gets no new history record)."""
        if not self.asked:
            return {}
        have = {a.question_id: a for a in stored.answers.all()}
        return {
            q: value
            for q, value in self._answers(row).items()
            if not questions.same(q, have.get(q.pk), value)
        }

    def check(self, row: dict[str, Any]) -> tuple[str, Any]:
        pnr = row["personnummer"]
        digest = crypto.lookup_hash(pnr.canonical)
        errors: dict[str, list[str]] = {}
        gender = row["gender"]
        if gender is not None and gender != pnr.gender.value and gender != "X":
            errors["gender"] = [_("The gender does not match the personnummer's legal gender.")]
        fields = self._fields(row)
        start = fields["start_date"]
        if start is not None and (digest, start) in self.seen:
            raise ValidationError(
                {"start_date": _("The file has this person with this start date twice.")}
            )
        person = self.persons.get(digest)
        stored = self.stored.get((person.pk, start)) if person is not None and start else None
        candidate = Enrolment(
            insats=self.insats,
            created_by_id=self.user.pk,
            first_name=(row["first_name"] or "").strip(),
            last_name=(row["last_name"] or "").strip(),
            **fields,
        )
        if start is None:
            errors["start_date"] = [_("Give the start date.")]
        try:
            services.check_enrolment_dates(fields, self.insats)
        except ValidationError as e:
            errors.update(e.message_dict)
        # The foreign keys were looked up in this run's lists, and the check constraints
        # are evaluated in Python: no query per row (``constraints.py``).
        exclude = {*Enrolment.PERSON_FIELDS, "insats", "created_by", *_FOREIGN_KEYS, *errors}
        try:
            candidate.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as e:
            for key, messages in e.message_dict.items():
                errors.setdefault(key, messages)
        if (fields["end_date"] is None) != (fields["end_reason"] is None):
            errors.setdefault(
                "end_reason",
                [_("An end date needs an end reason, and an end reason needs an end date.")],
            )
        if not errors:
            try:
                constraints.check(candidate, exclude)
            except ValidationError as e:
                errors.update(e.message_dict)
        for name in _FOREIGN_KEYS:
            field: Any = Enrolment._meta.get_field(name)
            if fields[name] is None and not field.null and name not in errors:
                errors[name] = [_("The value is needed: this variable cannot be unknown.")]
        # A rule broken by the row as a whole is named once, under its column if known.
        named = {m for key, ms in errors.items() if key != NON_FIELD_ERRORS for m in ms}
        if NON_FIELD_ERRORS in errors:
            errors[NON_FIELD_ERRORS] = [m for m in errors[NON_FIELD_ERRORS] if m not in named]
            if not errors[NON_FIELD_ERRORS]:
                del errors[NON_FIELD_ERRORS]
        if not errors and start is not None:
            self._check_overlap(digest, start, fields["end_date"], stored)
        self._check_answers(candidate, row, stored, errors)
        if errors:
            raise ValidationError(errors)
        self.seen.add((digest, start))
        self.periods[digest].append((start, fields["end_date"], "file"))
        if stored is None:
            return CREATE, None
        return (SKIP if self._same(stored, candidate, row) else UPDATE), stored

    def _check_answers(
        self,
        candidate: Enrolment,
        row: dict[str, Any],
        stored: Enrolment | None,
        errors: dict[str, list[str]],
    ) -> None:
        """The row's answers as the registry checks them (each question asked of the
        row's start or end date); for a stored enrolment, also its answers the file
        leaves as they are, which must still be asked of the row's dates."""
        if not self.questions or "start_date" in errors or "end_date" in errors:
            return
        answers = self._answers(row)
        kept: list[Question] = []
        if stored is not None:
            kept = [self.questions[a.question_id] for a in stored.answers.all()]
            kept = [q for q in kept if q not in answers]
        try:
            question_services.check_answers(candidate, answers, kept=kept)
        except ValidationError as e:
            for name, messages in e.message_dict.items():
                errors.setdefault(name, messages)

    def _check_overlap(
        self, digest: str, start: dt.date, end: dt.date | None, stored: Enrolment | None
    ) -> None:
        for other_start, other_end, ref in self.periods.get(digest, []):
            if stored is not None and ref == stored.pk:
                continue
            if (other_end is None or other_end >= start) and (end is None or other_start <= end):
                raise ValidationError(
                    {
                        "start_date": _(
                            "The person was already enrolled in this insats during this period."
                        )
                    }
                )

    def _same(self, stored: Enrolment, candidate: Enrolment, row: dict[str, Any]) -> bool:
        for name in (*NAMES, *START, *END):
            if getattr(stored, name) != getattr(candidate, name):
                return False
        if not (
            {s.pk for s in stored.supply_before.all()} == {s.pk for s in row["supply_before"]}
            and {s.pk for s in stored.supply_after.all()} == {s.pk for s in row["supply_after"]}
        ):
            return False
        if not self.asked:
            return True
        answers = {a.question_id: a for a in stored.answers.all()}
        return all(
            questions.same(q, answers.get(q.pk), value) for q, value in self._answers(row).items()
        )

    def write(self, action: str, row: dict[str, Any], stored: Any) -> bool:
        fields = self._fields(row)
        names: dict[str, Any] = {n: (row[n] or "").strip() for n in NAMES}
        if action == UPDATE:
            services.update_enrolment(
                user=self.user,
                enrolment=stored,
                supply_before=row["supply_before"],
                supply_after=row["supply_after"],
                answers=self._changed_answers(stored, row),
                **names,
                **fields,
            )
            return False
        # New enrolments are registered at the end of the chunk, in bulk: what
        # ``register_enrolment`` (and ``update_enrolment`` for the supply after) would
        # write one by one, with the same checks (``samspar.registry.bulk``).
        self.pending.append(
            bulk.NewEnrolment(
                personnummer=row["personnummer"],
                fields=fields,
                supply_before=row["supply_before"],
                supply_after=row["supply_after"],
                answers=self._answers(row),
                **names,
            )
        )
        return True

    def flush(self) -> None:
        rows, self.pending = self.pending, []
        try:
            bulk.register_enrolments_bulk(user=self.user, insats=self.insats, rows=rows)
        except bulk.RowRefused as e:
            raise Refused(e.index, e) from None


ENROLMENT_COLUMNS = (
    Column(
        "personnummer",
        "Personnummer",
        _pnr,
        (
            "pnr",
            "personnr",
            "person nr",
            "samordningsnummer",
            "personnummer/samordningsnummer",
            "identitetsnummer",
        ),
        required=True,
        help="ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN; samordningsnummer (dag + 60) går också.",
    ),
    Column("first_name", "Förnamn", values.text, ("fornamn", "first name", "tilltalsnamn")),
    Column("last_name", "Efternamn", values.text, ("efternamn", "last name", "släktnamn")),
    Column(
        "gender",
        "Kön",
        _code("gender"),
        ("juridiskt kön", "gender"),
        choices="gender",
        help="Kontrolleras mot personnumret; personens kön följer av personnumret.",
    ),
    Column(
        "start_date",
        "Startdatum",
        values.date,
        (
            "start",
            "startdatum insats",
            "inskrivningsdatum",
            "inskriven",
            "datum start",
            "start date",
        ),
        required=True,
    ),
    Column(
        "referral_date",
        "Aktualiseringsdatum",
        values.date,
        ("remissdatum", "datum för studiebesök", "studiebesök", "aktualiserad", "referral date"),
    ),
    Column(
        "consent_date",
        "Samtyckesdatum",
        values.date,
        ("samtycke", "datum samtycke", "samtycke datum", "consent date"),
    ),
    Column(
        "municipality",
        "Hemkommun",
        _code("municipality"),
        (
            "kommun",
            "folkbokföringskommun",
            "bostadskommun",
            "kommunkod",
            "hemvist",
            "vistelsekommun",
        ),
        choices="municipality",
    ),
    Column(
        "residence_kind",
        "Folkbokförd eller vistelse",
        _code("residence"),
        ("folkbokföring", "boende"),
        choices="residence",
    ),
    Column(
        "referring_actor",
        "Remitterande aktör",
        _code("referrer"),
        (
            "aktualiserande aktör",
            "remitterande/aktualiserande aktör",
            "remittent",
            "remitterad av",
            "aktör",
            "remiss från",
        ),
        choices="referrer",
    ),
    Column(
        "supply_before",
        "Försörjning före",
        _code("supply"),
        (
            "försörjning",
            "försörjning innan",
            "försörjning före insats",
            "ersättning före",
            "försörjning vid start",
        ),
        choices="supply",
        many=True,
        help="Flera värden avskiljs med semikolon (;).",
    ),
    Column(
        "years_in_public_support",
        "År i offentlig försörjning före",
        lambda raw: values.decimal(raw, 2),
        (
            "tid i offentlig försörjning",
            "år i offentlig försörjning",
            "tid i offentlig försörjning (år)",
            "antal år i offentlig försörjning",
        ),
        help="År med högst två decimaler, t.ex. 5,75.",
    ),
    Column(
        "months_in_public_support",
        "Månader i offentlig försörjning före",
        _years_from_months,
        ("tid i offentlig försörjning (månader)", "månader i offentlig försörjning"),
        help="Används om kolumnen med år är tom; räknas om till år.",
    ),
    Column(
        "education_level",
        "Utbildningsnivå",
        _code("education"),
        ("utbildning", "utbildningsnivå före"),
        choices="education",
    ),
    Column(
        "occupation_before",
        "Sysselsättning före",
        _code("occupation"),
        ("sysselsättning innan",),
        choices="occupation",
    ),
    Column(
        "occupation_before_percent",
        "Omfattning före (%)",
        values.percent,
        ("omfattning före", "sysselsättningsgrad före"),
    ),
    Column(
        "end_date",
        "Slutdatum",
        values.date,
        ("avslutsdatum", "avslutad", "utskriven", "datum avslut", "end date"),
    ),
    Column("early_dropout", "Tidigt avhopp", values.boolean, ("avhopp",)),
    Column(
        "end_reason",
        "Avslutsanledning",
        _code("end_reason"),
        ("avslutsorsak", "orsak till avslut", "anledning till avslut"),
        choices="end_reason",
    ),
    Column(
        "supply_after",
        "Försörjning efter",
        _code("supply"),
        ("försörjning efter insats",),
        choices="supply",
        many=True,
        help="Flera värden avskiljs med semikolon (;).",
    ),
    Column(
        "occupation_after", "Sysselsättning efter", _code("occupation"), (), choices="occupation"
    ),
    Column(
        "occupation_after_percent",
        "Omfattning efter (%)",
        values.percent,
        ("omfattning efter", "sysselsättningsgrad efter"),
    ),
    Column("works_after", "Arbetar efter", values.boolean, ("arbete efter",)),
    Column("studies_after", "Studerar efter", values.boolean, ("studier efter",)),
    Column(
        "work_or_studies_increased",
        "Arbete/studier påbörjat eller utökat",
        values.boolean,
        ("påbörjat eller utökat", "utökat arbete/studier"),
    ),
    Column(
        "notes", "Anteckningar", values.text, ("kommentar", "kommentarer", "notering", "övrigt")
    ),
)


# --- aggregates ------------------------------------------------------------------------


class UpsertHandler(CodeHandler):
    """A kind whose rows set one stored row each, found by a key (period and gender,
    year and category …): create, update when a value differs, skip when identical."""

    model: type[Model]
    key: tuple[str, ...]
    fields: tuple[str, ...]
    required: tuple[str, ...] = ()

    def prepare(self) -> None:
        self.stored = {
            tuple(self._keyed(getattr(o, k)) for k in self.key): o
            for o in self.model._default_manager.filter(insats=self.insats)
        }
        self.seen: set[tuple[Any, ...]] = set()

    @staticmethod
    def _keyed(value: Any) -> Any:
        return value.pk if isinstance(value, Model) else value

    def normalise_row(self, row: dict[str, Any]) -> dict[str, Any]:
        return row

    def check(self, row: dict[str, Any]) -> tuple[str, Any]:
        row = self.normalise_row(row)
        missing = {n: [_("The value is needed.")] for n in self.required if row.get(n) is None}
        if missing:
            raise ValidationError(missing)
        key = tuple(self._keyed(row[k]) for k in self.key)
        if key in self.seen:
            raise ValidationError(_("The file has this row twice."))
        self.seen.add(key)
        stored = self.stored.get(key)
        if stored is None:
            return CREATE, None
        same = all(self._keyed(getattr(stored, f)) == self._keyed(row[f]) for f in self.fields)
        return (SKIP if same else UPDATE), stored


def _count_kind(
    model: type[Model], keys: tuple[str, ...], record: Callable[..., Any]
) -> type[UpsertHandler]:
    class CountHandler(UpsertHandler):
        def normalise_row(self, row: dict[str, Any]) -> dict[str, Any]:
            if "gender" in row and row["gender"] is None:
                row["gender"] = "X"
            return row

        def write(self, action: str, row: dict[str, Any], stored: Any) -> None:
            record(user=self.user, insats=self.insats, **{k: row[k] for k in (*keys, "count")})

    CountHandler.model = model
    CountHandler.key = keys
    CountHandler.fields = ("count",)
    CountHandler.required = tuple(k for k in (*keys, "count") if k not in ("gender", "party"))
    return CountHandler


VolumeHandler = _count_kind(
    VolumeCount, ("period_start", "period_end", "gender"), services.record_volume_count
)
StructuralHandler = _count_kind(
    StructuralCount, ("period_start", "period_end", "party"), services.record_structural_count
)
WaitingHandler = _count_kind(WaitingListCount, ("date",), services.record_waiting_count)


class InsatsYearHandler(UpsertHandler):
    model, key, fields, required = (
        InsatsYear,
        ("year",),
        ("budgeted_participants",),
        ("year", "budgeted_participants"),
    )

    def write(self, action: str, row: dict[str, Any], stored: Any) -> None:
        setup.set_insats_year(self.user, self.insats, row["year"], row["budgeted_participants"])


class BudgetHandler(UpsertHandler):
    model, key, fields, required = (
        BudgetLine,
        ("year", "category"),
        ("budget", "outcome"),
        ("year", "category", "budget"),
    )

    def write(self, action: str, row: dict[str, Any], stored: Any) -> None:
        setup.set_budget_line(
            self.user, self.insats, row["year"], row["category"], row["budget"], row["outcome"]
        )


class FinancingHandler(UpsertHandler):
    model, key, fields, required = (
        Financing,
        ("year", "party"),
        ("amount",),
        ("year", "party", "amount"),
    )

    def write(self, action: str, row: dict[str, Any], stored: Any) -> None:
        setup.set_financing(self.user, self.insats, row["year"], row["party"], row["amount"])


class StaffHandler(UpsertHandler):
    model, key = StaffMember, ("name", "start_date")
    fields = ("role", "fte_percent", "employer", "end_date")
    required = ("name", "role", "fte_percent", "start_date")

    def write(self, action: str, row: dict[str, Any], stored: Any) -> None:
        fields = {f: row[f] for f in (*self.key, *self.fields)}
        if action == UPDATE:
            setup.update_staff_member(self.user, stored, **fields)
        else:
            setup.add_staff_member(self.user, self.insats, **fields)


class AnonymousHandler(CodeHandler):
    """Anonymous participants have no identity to match: a row gives how many there are
    of a start year, gender and reason, and the import adds the missing ones (never
    removes any)."""

    def prepare(self) -> None:
        from samspar.registry.models import AnonymousEnrolment

        self.counts: dict[tuple[Any, ...], int] = defaultdict(int)
        for a in AnonymousEnrolment.objects.filter(insats=self.insats):
            self.counts[(a.start_year, a.gender, a.reason)] += 1
        self.seen: set[tuple[Any, ...]] = set()

    def check(self, row: dict[str, Any]) -> tuple[str, Any]:
        gender = row["gender"] or "X"
        missing = {
            n: [_("The value is needed.")] for n in ("start_year", "reason") if row[n] is None
        }
        if missing:
            raise ValidationError(missing)
        problem = services.anonymous_year_problem(self.insats, row["start_year"])
        if problem is not None:
            raise ValidationError({"start_year": [problem]})
        count = 1 if row["count"] is None else row["count"]
        key = (row["start_year"], gender, row["reason"])
        if key in self.seen:
            raise ValidationError(_("The file has this row twice."))
        self.seen.add(key)
        have = self.counts[key]
        if count < have:
            raise ValidationError(
                {
                    "count": _("More are already registered (%(n)d); an import never removes any.")
                    % {"n": have}
                }
            )
        return (SKIP, None) if count == have else (CREATE, count - have)

    def write(self, action: str, row: dict[str, Any], stored: Any) -> None:
        for _i in range(stored):
            services.register_anonymous(
                user=self.user,
                insats=self.insats,
                gender=row["gender"] or "X",
                start_year=row["start_year"],
                reason=row["reason"],
            )


def _required_whole(raw: Any) -> int | None:
    number = values.whole(raw)
    if number is not None and number < 0:
        raise ValueError(_("The number cannot be negative."))
    return number


PERIOD = (
    Column(
        "period_start",
        "Från",
        values.date,
        ("från och med", "period från", "periodstart", "from"),
        required=True,
    ),
    Column(
        "period_end",
        "Till",
        values.date,
        ("till och med", "period till", "periodslut", "to"),
        required=True,
    ),
)
COUNT = Column(
    "count", "Antal", _required_whole, ("antal deltagare", "deltagare", "count"), required=True
)
YEAR = Column("year", "År", values.whole, ("year", "budgetår"), required=True)

KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "enrolments",
            (gettext_lazy("Participants (personal data)")),
            "Deltagare",
            ENROLMENT_COLUMNS,
            EnrolmentHandler,
            Action.REGISTER,
            lambda i: i.has_personal_data,
            extra_columns=questions.columns,
        ),
        Kind(
            "anonymous",
            (gettext_lazy("Anonymous participants")),
            "Anonyma",
            (
                Column("start_year", "Startår", values.whole, ("år", "start year"), required=True),
                Column("gender", "Kön", _code("gender"), ("gender",), choices="gender"),
                Column(
                    "reason",
                    "Anledning",
                    _code("anon_reason"),
                    ("orsak", "reason"),
                    required=True,
                    choices="anon_reason",
                ),
                Column(
                    "count", "Antal", _required_whole, ("antal deltagare", "count"), help="Tom = 1."
                ),
            ),
            AnonymousHandler,
            Action.REGISTER,
            lambda i: i.takes_anonymous,
        ),
        Kind(
            "volume",
            (gettext_lazy("Volume counts")),
            "Volym",
            (
                *PERIOD,
                Column("gender", "Kön", _code("gender"), ("gender",), choices="gender"),
                COUNT,
            ),
            VolumeHandler,
            Action.MANAGE,
            lambda i: i.takes_volume_counts,
        ),
        Kind(
            "structural",
            (gettext_lazy("Structural counts")),
            "Strukturella",
            (
                *PERIOD,
                Column(
                    "party", "Part", _code("party"), ("organisation", "huvudman"), choices="party"
                ),
                COUNT,
            ),
            StructuralHandler,
            Action.MANAGE,
            lambda i: i.is_structural,
        ),
        Kind(
            "waiting",
            (gettext_lazy("Waiting list")),
            "Väntelista",
            (
                Column("date", "Datum", values.date, ("date", "per datum"), required=True),
                Column(
                    "count",
                    "Antal väntande",
                    _required_whole,
                    ("antal", "väntande", "count"),
                    required=True,
                ),
            ),
            WaitingHandler,
            Action.MANAGE,
            lambda i: True,
        ),
        Kind(
            "years",
            (gettext_lazy("Budgeted participants per year")),
            "Planerade deltagare",
            (
                YEAR,
                Column(
                    "budgeted_participants",
                    "Budgeterade deltagare",
                    _required_whole,
                    ("planerade deltagare", "budget deltagare"),
                    required=True,
                ),
            ),
            InsatsYearHandler,
            Action.MANAGE,
            lambda i: True,
        ),
        Kind(
            "budget",
            (gettext_lazy("Budget and outcome")),
            "Budget",
            (
                YEAR,
                Column(
                    "category",
                    "Kostnadsslag",
                    _code("cost_category"),
                    ("kategori", "kostnadskategori"),
                    required=True,
                    choices="cost_category",
                ),
                Column(
                    "budget",
                    "Beslut (kr)",
                    _required_whole,
                    ("budget", "beslut", "budget (kr)"),
                    required=True,
                ),
                Column("outcome", "Utfall (kr)", _required_whole, ("utfall",)),
            ),
            BudgetHandler,
            Action.MANAGE,
            lambda i: True,
        ),
        Kind(
            "financing",
            (gettext_lazy("Financing")),
            "Finansiering",
            (
                YEAR,
                Column(
                    "party",
                    "Part",
                    _code("party"),
                    ("finansiär", "organisation"),
                    required=True,
                    choices="party",
                ),
                Column(
                    "amount",
                    "Belopp (kr)",
                    _required_whole,
                    ("belopp", "insats (kr)"),
                    required=True,
                ),
            ),
            FinancingHandler,
            Action.MANAGE,
            lambda i: True,
        ),
        Kind(
            "staff",
            (gettext_lazy("Staff")),
            "Personal",
            (
                Column("name", "Namn", values.text, ("name",), required=True),
                Column("role", "Roll", values.text, ("befattning", "role"), required=True),
                Column(
                    "fte_percent",
                    "Tjänstgöringsgrad (%)",
                    lambda raw: values.decimal(
                        str(raw).replace("%", "") if isinstance(raw, str) else raw, 1
                    ),
                    ("tjänstgöringsgrad", "omfattning", "fte"),
                    required=True,
                ),
                Column(
                    "employer",
                    "Anställd av",
                    _code("party"),
                    ("arbetsgivare", "anställande part"),
                    choices="party",
                ),
                Column(
                    "start_date",
                    "Från",
                    values.date,
                    ("startdatum", "anställd från"),
                    required=True,
                ),
                Column("end_date", "Till", values.date, ("slutdatum", "anställd till")),
            ),
            StaffHandler,
            Action.MANAGE,
            lambda i: True,
        ),
    )
}


def allowed_kinds(insats: Insats) -> list[Kind]:
    return [k for k in KINDS.values() if k.allowed(insats)]
