"""Fuzzing every page with a form (issue #9, item 6): no input gives a server error, and a
refused request writes nothing.

Each URL pattern of the pages has an entry in ``TARGETS`` (a new one without an entry
fails ``test_every_url_pattern_is_fuzzed``): who may use it, with which ids, and on which
page its forms are. The test GETs that page as that user, reads its forms the way a
browser would (fields, options, HTMX requests of its fields) and sends hypothesis'
values into every field of each form that goes to the URL: the values the page gave,
other options, missing fields and hostile ones (``tests/fuzzing.py``: ids of any size,
digits of other scripts, impossible dates, NUL bytes, very long strings). Every example
runs in a savepoint that is rolled back, so each starts from the same world.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from samspar.access import accounts, apitokens
from samspar.access.scoping import Role
from samspar.annual.chapters import CHAPTERS
from samspar.codelists import models as codes
from samspar.core.months import add_months
from samspar.economics.models import Method, StandardValueSet
from samspar.imports import services as imports
from samspar.imports.models import ImportRun, Status
from samspar.organisation import services as setup
from samspar.organisation.models import FollowUpMethod, InsatsKind, MemberParty
from samspar.registry import services as registry_services
from samspar.registry.models import Question
from tests.factories import (
    code,
    ended_enrolment,
    enrol,
    make_forbund,
    make_insats,
    make_question,
    make_type_case_evaluation,
    make_user,
)
from tests.fuzzing import Form, database_rows, page_forms, path_of, refused

# Examples per form, and per URL for the query parameters read outside forms; a
# download builds a whole document per example.
EXAMPLES_PER_FORM = 10
LOOSE_EXAMPLES = 3
EXTREME_DAYS = ("1000-01-01", "9999-12-31")
DOCUMENT_EXAMPLES = 1
FUZZ = settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
# Query parameters some pages read outside their forms.
LOOSE_PARAMETERS = ("year", "line", "page", "published", "q")
YEAR = 2022


@dataclass(frozen=True)
class Target:
    """One URL pattern: the user who may use it (an attribute of the world, None for
    anonymous), its arguments, and the page (URL name and arguments) its forms are on
    when that is another page."""

    user: str | None
    args: Callable[[Any], dict[str, Any]]
    page: tuple[str, Callable[[Any], dict[str, Any]]] | None = None
    post_only: bool = False  # no page shows its form here: POST to it directly
    examples: int = EXAMPLES_PER_FORM  # fewer where a request builds a whole document


def _nothing(w: Any) -> dict[str, Any]:
    return {}


def _insats(w: Any) -> dict[str, Any]:
    return {"pk": w.insats.pk}


def _registry(w: Any) -> dict[str, Any]:
    return {"insats_id": w.insats.pk}


def _enrolment(w: Any) -> dict[str, Any]:
    return {"pk": w.enrolment.pk}


def _evaluation(w: Any) -> dict[str, Any]:
    return {"pk": w.evaluation.pk}


def _annual(w: Any) -> dict[str, Any]:
    return {"pk": w.insats.pk, "year": YEAR}


def _chapter(w: Any) -> dict[str, Any]:
    return {**_annual(w), "chapter": CHAPTERS[1].code}


def _value_set(w: Any) -> dict[str, Any]:
    return {"pk": w.value_set.pk}


def _import_run(w: Any) -> dict[str, Any]:
    return {"pk": w.import_run.pk}


def _import_ok(w: Any) -> dict[str, Any]:
    return {"pk": w.import_ok.pk}


def _import_stuck(w: Any) -> dict[str, Any]:
    return {"pk": w.import_stuck.pk}


def _forbund(w: Any) -> dict[str, Any]:
    return {"forbund_id": w.forbund.pk}


def _question(w: Any) -> dict[str, Any]:
    """A choice question of the insats, defined on first use (in the test's transaction)."""
    question = Question.objects.filter(insats=w.insats).first() or make_question(
        w.insats, "choice", text="Boende", choices=("Eget", "Annat")
    )
    return {"pk": question.pk}


def _set_password_link(w: Any) -> dict[str, Any]:
    return resolve(accounts.set_password_path(w.newcomer)).kwargs


def _report(key: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"key": key}


TARGETS: dict[str, list[Target]] = {
    "home": [Target("admin", _nothing)],
    "login": [Target(None, _nothing)],
    "logout": [Target("admin", _nothing, page=("home", _nothing))],
    "set_language": [Target("admin", _nothing, page=("home", _nothing))],
    "forbund-detail": [Target("admin", lambda w: {"pk": w.forbund.pk})],
    "forbund-settings": [Target("admin", lambda w: {"pk": w.forbund.pk})],
    "insats-create": [Target("admin", lambda w: {"forbund_id": w.forbund.pk})],
    "insats-detail": [Target("admin", _insats)],
    "insats-edit": [Target("admin", _insats)],
    "insats-budget": [Target("admin", _insats)],
    "insats-staff": [Target("admin", _insats)],
    "insats-staff-edit": [Target("admin", lambda w: {"pk": w.insats.pk, "staff_pk": w.staff.pk})],
    "insats-waiting": [Target("admin", _insats)],
    "insats-volume": [Target("admin", lambda w: {"pk": w.volume.pk})],
    "insats-structural": [Target("admin", lambda w: {"pk": w.structural.pk})],
    "enrolment-list": [Target("registrator", _registry)],
    "enrolment-create": [Target("registrator", _registry)],
    # The list page's filter form, POSTed to the export (its buttons' formaction).
    "enrolment-list-export": [
        Target(
            "registrator",
            lambda w: {**_registry(w), "fmt": "csv"},
            page=("enrolment-list", _registry),
            examples=DOCUMENT_EXAMPLES,
        )
    ],
    "esf-file": [Target("registrator", _registry, examples=DOCUMENT_EXAMPLES)],
    "personnummer-check": [Target("registrator", _registry, page=("enrolment-create", _registry))],
    "anonymous-list": [Target("registrator", _registry)],
    "anonymous-edit": [Target("registrator", lambda w: {"pk": w.anonymous.pk})],
    "anonymous-delete": [Target("registrator", lambda w: {"pk": w.anonymous.pk})],
    "enrolment-detail": [Target("registrator", _enrolment)],
    "enrolment-edit": [Target("registrator", _enrolment)],
    "enrolment-end": [Target("registrator", _enrolment)],
    "follow-ups-due": [Target("registrator", _nothing)],
    "todo": [Target("registrator", _nothing)],
    "all-enrolments": [Target("registrator", _nothing)],
    # The list page's filter form, POSTed to the export (its buttons' formaction).
    "all-enrolments-export": [
        Target(
            "registrator",
            lambda w: {"fmt": "csv"},
            page=("all-enrolments", _nothing),
            examples=DOCUMENT_EXAMPLES,
        )
    ],
    "follow-up-create": [Target("registrator", lambda w: {"pk": w.ended.pk, "months": 6})],
    "follow-up-edit": [Target("registrator", lambda w: {"pk": w.follow_up.pk})],
    "follow-up-delete": [Target("registrator", lambda w: {"pk": w.follow_up.pk})],
    "question-list": [Target("admin", lambda w: {"insats_id": w.insats.pk})],
    "question-edit": [Target("admin", _question)],
    "question-delete": [Target("admin", _question)],
    "annual-report-latest": [Target("registrator", lambda w: {"pk": w.insats.pk})],
    "annual-report": [Target("registrator", _annual)],
    "annual-report-pdf": [Target("registrator", _annual, examples=DOCUMENT_EXAMPLES)],
    "annual-report-docx": [Target("registrator", _annual, examples=DOCUMENT_EXAMPLES)],
    "annual-chapter-edit": [Target("registrator", _chapter)],
    "annual-chapter-history": [Target("registrator", _chapter)],
    "economics-index": [Target("admin", _nothing)],
    "economics-create": [
        Target("admin", lambda w: {"method": Method.TYPE_CASES}),
        Target("admin", lambda w: {"method": Method.INDIVIDUALS}),
    ],
    "economics-detail": [Target("admin", _evaluation)],
    "economics-edit": [Target("admin", _evaluation)],
    # Its button is on the page of an evaluation of individuals; it reads no fields.
    "economics-refresh": [Target("admin", _evaluation, post_only=True)],
    "economics-export": [
        Target("admin", lambda w: {**_evaluation(w), "fmt": "json"}, examples=DOCUMENT_EXAMPLES)
    ],
    # The förbund picker (shown to a reader of several förbund) and the export links.
    "economics-compare": [Target("admin", _nothing)],
    "economics-compare-export": [
        Target("admin", lambda w: {"fmt": "json"}, examples=DOCUMENT_EXAMPLES)
    ],
    "economics-values": [Target("admin", _nothing)],
    "economics-value-set": [Target("admin", _value_set)],
    "economics-value-set-year": [
        Target("admin", _value_set, page=("economics-value-set", _value_set))
    ],
    "report-index": [Target("board", _nothing)],
    "report-definitions": [Target("board", _report("resultat"))],
    # The filters are one form for every report; these use the period the most.
    "report": [
        Target("board", _report("trend")),
        Target("registrator", _report("genomstromning")),
        Target("admin", _report("tid-i-insats")),
    ],
    "report-export": [Target("board", lambda w: {"key": "trend", "fmt": "csv"})],
    "access-log": [Target("dpo", _nothing), Target("admin", _nothing)],
    "register-extract": [Target("dpo", _nothing), Target("registrator", _nothing)],
    "account": [Target("registrator", _nothing)],
    "api-tokens": [Target("registrator", _nothing)],
    "password-change": [Target("registrator", _nothing)],
    "two-factor-verify": [Target("registrator", _nothing)],
    "two-factor-setup": [Target("board", _nothing)],
    "two-factor-recovery-codes": [Target("registrator", _nothing, page=("account", _nothing))],
    "logout-everywhere": [Target("registrator", _nothing, page=("account", _nothing))],
    "import-start": [Target("registrator", _registry)],
    "import-template": [
        Target(
            "registrator",
            lambda w: {"insats_id": w.insats.pk, "kind": "enrolments"},
            examples=DOCUMENT_EXAMPLES,
        )
    ],
    "import-run": [Target("registrator", _import_run)],
    "import-progress": [Target("registrator", _import_run)],
    "import-mapping": [Target("registrator", _import_run, page=("import-run", _import_run))],
    "import-confirm": [Target("registrator", _import_ok, page=("import-run", _import_ok))],
    "import-discard": [Target("registrator", _import_run, page=("import-run", _import_run))],
    "import-resume": [Target("registrator", _import_stuck, page=("import-run", _import_stuck))],
    "forbund-create": [Target("sysadmin", _nothing)],
    "forbund-parties": [Target("admin", _forbund), Target("sysadmin", _forbund)],
    "forbund-teams": [Target("admin", _forbund)],
    "forbund-users": [Target("admin", _forbund)],
    "forbund-user-create": [Target("admin", _forbund)],
    "user-detail": [
        Target("admin", lambda w: {"pk": w.registrator.pk}),
        Target("sysadmin", lambda w: {"pk": w.newcomer.pk}),
    ],
    # Its form is on the page the link redirects to, kept in the session: only the
    # link's own URL is fuzzed here; tests/test_setup_pages.py posts the form.
    "set-password": [Target(None, _set_password_link)],
}


def _url_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin", "api"):
                continue  # Django's own admin; the API is fuzzed by test_fuzz_api.py
            names |= _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name:
            names.add(pattern.name)
    return names


def test_every_url_pattern_is_fuzzed():
    assert _url_names(get_resolver().url_patterns) == set(TARGETS)


@pytest.fixture
def world(db):
    """A förbund with an insats of each kind and something in every list, and the users
    who may use the pages."""
    forbund = make_forbund()
    insats = make_insats(forbund)
    volume = make_insats(forbund, "Rådgivning", method=FollowUpMethod.VOLUME)
    structural = make_insats(
        forbund, "Kompetensutveckling", kind=InsatsKind.STRUCTURAL, method=FollowUpMethod.VOLUME
    )
    admin = make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund)
    registrator = make_user("coach", Role.REGISTRATOR, insats=insats)
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    dpo = make_user("dso", Role.DPO, forbund=forbund)
    sysadmin = make_user("sys", Role.SYSADMIN)
    # A new user who has not set a password yet (the set-password link, a new link).
    newcomer = accounts.create_user(
        actor=admin,
        username="ny",
        first_name="Ny",
        last_name="Användare",
        email="ny@example.se",
        role=Role.BOARD,
        forbund=forbund,
    )
    enrolment = enrol(registrator, insats)
    # Ended six months ago: its 6-month follow-up may be registered, its 12-month one
    # not yet; and one registered a month earlier, to correct and remove.
    ended = ended_enrolment(registrator, insats, add_months(timezone.localdate(), -6), n=1)
    follow_up = registry_services.register_follow_up(
        user=registrator,
        enrolment=ended_enrolment(registrator, insats, add_months(timezone.localdate(), -7), n=2),
        months_after=6,
        date=timezone.localdate(),
        reached=False,
    )
    anonymous = registry_services.register_anonymous(
        user=registrator, insats=insats, gender="K", start_year=2020, reason="skyddad"
    )
    apitokens.create_token(  # so that the key page has a revoke button to fuzz
        user=registrator, name="System", expires_on=timezone.localdate() + dt.timedelta(days=9)
    )
    party = MemberParty.objects.filter(forbund=forbund).earliest("pk")
    staff = setup.add_staff_member(
        admin,
        insats,
        name="Sonja Tiger",
        role="Coach",
        fte_percent=Decimal(100),
        employer=party,
        start_date=dt.date(2020, 1, 1),
        end_date=None,
    )
    # The budget page shows this year's lines and financing, with their delete buttons.
    this_year = timezone.localdate().year
    setup.set_budget_line(
        admin, insats, this_year, code(codes.CostCategory, "lokaler"), 40_000, 8_460
    )
    setup.set_financing(admin, insats, this_year, party, 100_000)
    registry_services.record_waiting_count(
        user=admin, insats=insats, date=dt.date(YEAR, 12, 31), count=6
    )
    registry_services.record_volume_count(
        user=admin,
        insats=volume,
        period_start=dt.date(YEAR, 1, 1),
        period_end=dt.date(YEAR, 12, 31),
        gender="K",
        count=7,
    )
    registry_services.record_structural_count(
        user=admin,
        insats=structural,
        period_start=dt.date(YEAR, 1, 1),
        period_end=dt.date(YEAR, 12, 31),
        party=party,
        count=12,
    )
    value_set = StandardValueSet.objects.get(forbund=None, price_year=2025)
    evaluation = make_type_case_evaluation(admin, forbund, value_set, "Samverkansteamet")
    # A check whose worker was killed (status "checking", no live process): the page
    # offers to run it again.
    import_stuck = imports.start_import(
        user=registrator,
        insats=insats,
        kind="enrolments",
        file_name="avbruten.csv",
        data=b"Personnummer;Startdatum\n19900314-0000;2022-01-01\n",
        queue=False,
    )
    ImportRun.objects.filter(pk=import_stuck.pk).update(status=Status.CHECKING)
    # A checked file with an unknown heading and value (the mapping form), and one
    # without errors (the confirm button).
    import_run = imports.start_import(
        user=registrator,
        insats=insats,
        kind="enrolments",
        file_name="egen.csv",
        data=(
            "Personnummer;Startdatum;Remiss från;Handläggare\n19900314-0000;2022-01-01;Soc;Lisa\n"
        ).encode(),
        queue=False,
    )
    import_run = imports.execute(import_run.pk)
    import_ok = imports.start_import(
        user=registrator,
        insats=insats,
        kind="anonymous",
        file_name="anonyma.csv",
        data=b"Start\xc3\xa5r;K\xc3\xb6n;Anledning;Antal\n2022;K;Skyddad identitet;2\n",
        queue=False,
    )
    import_ok = imports.execute(import_ok.pk)
    return SimpleNamespace(
        forbund=forbund,
        insats=insats,
        volume=volume,
        structural=structural,
        admin=admin,
        registrator=registrator,
        board=board,
        dpo=dpo,
        sysadmin=sysadmin,
        newcomer=newcomer,
        enrolment=enrolment,
        ended=ended,
        follow_up=follow_up,
        anonymous=anonymous,
        staff=staff,
        value_set=value_set,
        evaluation=evaluation,
        import_run=import_run,
        import_ok=import_ok,
        import_stuck=import_stuck,
    )


def _cases() -> list[Any]:
    return [
        pytest.param(name, i, id=f"{name}-{i}")
        for name, targets in TARGETS.items()
        for i in range(len(targets))
    ]


@pytest.mark.parametrize(("name", "index"), _cases())
def test_no_input_gives_a_server_error_and_a_refusal_writes_nothing(world, name, index):
    target = TARGETS[name][index]
    user = getattr(world, target.user) if target.user else None
    url = reverse(name, kwargs=target.args(world))
    client = Client()
    if user is not None:
        client.force_login(user)
    forms = [] if target.post_only else _forms_to(client, world, name, target)
    # Every URL also answers a request with hostile query parameters.
    loose: dict[str, list[str]] = {parameter: [] for parameter in LOOSE_PARAMETERS}
    forms.append(Form("POST" if target.post_only else "GET", url, loose))
    for form in forms:
        _fuzz(client, user, form, target.examples)


def _forms_to(client: Client, world: Any, name: str, target: Target) -> list[Form]:
    """The forms (and HTMX requests) of the target's page that go to the URL ``name``."""
    page_name, page_args = target.page or (name, target.args)
    page_url = reverse(page_name, kwargs=page_args(world))
    page = client.get(page_url)
    assert page.status_code in (200, 302), page.status_code
    found = page_forms(page.content, page_url) if page.status_code == 200 else []
    forms = [form for form in found if resolve(path_of(form.url)).url_name == name]
    if page_name != name:
        assert forms, f"no form of {page_url} goes to {name}"
    return forms


def _fuzz(client: Client, user: Any, form: Form, examples: int) -> None:
    if form.fields.keys() <= set(LOOSE_PARAMETERS):
        examples = min(examples, LOOSE_EXAMPLES)

    @settings(FUZZ, max_examples=examples)
    @given(values=form.values())
    def send(values: dict[str, list[str]]) -> None:
        with transaction.atomic():
            if user is not None:
                client.force_login(user)
            before = database_rows() if form.method == "POST" else None
            data = {k: v for k, v in values.items() if v}
            if form.method == "POST":
                response = client.post(form.url, data)
            else:
                response = client.get(form.url, data)
            assert response.status_code < 500, (form.method, form.url, data)
            if before is not None and refused(response.status_code, response.content):
                assert database_rows() == before, (form.url, data)
            transaction.set_rollback(True)

    # Hypothesis' own dates cluster around 2000: every date field is also sent at the
    # calendar's ends (a report of a thousand years; year 10000 in date arithmetic).
    for name in sorted(form.dates):
        for day in EXTREME_DAYS:
            send = example(values={**form.fields, name: [day]})(send)
    send()


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, derandomize=True, database=None)
@given(st.one_of(st.integers(2**31, 2**80), st.just(0)))
def test_ids_in_the_path_of_any_size_are_not_found(pk):
    """The URL's ids are digits of any length: a number too big for the database is
    simply not there."""
    with transaction.atomic():
        user = make_user("fuzz-analytiker", Role.FORBUND_ADMIN, forbund=make_forbund())
        client = Client()
        client.force_login(user)
        for path in (
            f"/insats/{pk}/",
            f"/insats/{pk}/budget/",
            f"/deltagare/{pk}/",
            f"/ekonomi/{pk}/",
            f"/forbund/{pk}/",
            f"/insats/{pk}/arsrapport/{pk}/",
        ):
            assert client.get(path).status_code == 404, path
        transaction.set_rollback(True)
