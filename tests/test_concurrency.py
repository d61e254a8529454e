"""Concurrent writes (issue 9, #7): the second of two writers gets a clear Swedish
message and the form back, never a server error, and never silently overwrites.

Two kinds of test: two browser tabs, played one after the other through the test client
(deterministic, every backend), and two threads calling the services at the same moment
(PostgreSQL; see ``_threads_share_the_database``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import Client
from django.urls import reverse
from lxml import html  # type: ignore[import-untyped]

from samspar.access.scoping import Role
from samspar.annual.models import ChapterText
from samspar.annual.services import save_chapter_text
from samspar.codelists import models as codes
from samspar.registry import selectors, services
from samspar.registry.models import Enrolment, Person, WaitingListCount
from tests.factories import code, enrol, make_forbund, make_insats, make_pnr, make_user

STALE = "Någon annan sparade en ändring medan du redigerade."
ENDED = "Inskrivningen avslutades medan du fyllde i formuläret"
YEAR = 2022
CHAPTER = "participants-process"
ROUNDS = 25


def _tab(user: Any) -> Client:
    """A browser tab of ``user`` (Swedish, the default language)."""
    client = Client()
    client.force_login(user)
    return client


def _form_values(response: Any) -> dict[str, Any]:
    """What the browser posts back from the page's form, hidden version included."""
    form = response.context["form"]
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    return data


def _end_values(**overrides: Any) -> dict[str, Any]:
    return {
        "end_date": "2023-01-31",
        "end_reason": code(codes.EndReason, "arbete").pk,
        "occupation_after": code(codes.OccupationType, "arbete").pk,
        "occupation_after_percent": "75",
        "works_after": "on",  # ended to work: the form asks for it
        **overrides,
    }


def _page(response: Any) -> str:
    return response.content.decode()


# --- two tabs, one after the other ------------------------------------------------------


@pytest.mark.django_db
def test_two_tabs_ending_one_enrolment_end_it_once(insats, registrator):
    enrolment = enrol(registrator, insats)
    url = reverse("enrolment-end", args=[enrolment.pk])
    tab1, tab2 = _tab(registrator), _tab(registrator)
    form1 = {**_form_values(tab1.get(url)), **_end_values()}
    form2 = {**_form_values(tab2.get(url)), **_end_values(end_date="2023-02-28")}

    assert tab1.post(url, form1).status_code == 302
    response = tab2.post(url, form2)

    assert response.status_code == 200
    page = _page(response)
    assert ENDED in page
    assert 'value="2023-02-28"' in page  # what tab 2 typed is kept
    assert reverse("enrolment-detail", args=[enrolment.pk]) in page  # the saved version
    enrolment.refresh_from_db()
    assert enrolment.end_date == dt.date(2023, 1, 31)
    ends = [h for h in enrolment.history.all() if h.end_date is not None]
    assert len(ends) == 1
    assert enrolment.history.count() == 2  # registered, ended


@pytest.mark.django_db
def test_two_tabs_editing_one_enrolment_the_second_is_told(insats, registrator):
    enrolment = enrol(registrator, insats)
    url = reverse("enrolment-edit", args=[enrolment.pk])
    tab1, tab2 = _tab(registrator), _tab(registrator)
    form1 = {**_form_values(tab1.get(url)), "notes": "Studiebesök gjort."}
    form2 = {**_form_values(tab2.get(url)), "notes": "Behöver tolk."}

    assert tab1.post(url, form1).status_code == 302
    response = tab2.post(url, form2)

    assert response.status_code == 200
    page = _page(response)
    assert STALE in page
    assert "Behöver tolk." in page  # tab 2's text is kept in the form
    assert reverse("enrolment-detail", args=[enrolment.pk]) in page
    enrolment.refresh_from_db()
    assert enrolment.notes == "Studiebesök gjort."
    assert enrolment.history.count() == 2

    # Having seen the saved version, tab 2 saves again on purpose: now it replaces it.
    again = tab2.post(url, _form_values(response))
    assert again.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.notes == "Behöver tolk."
    assert enrolment.history.count() == 3
    # The history page lists what the registrators changed, not the version counter.
    changes = [c for entry in selectors.enrolment_history(enrolment) for c in entry.changes]
    assert [c.label for c in changes] == ["Anteckningar", "Anteckningar"]


@pytest.mark.django_db
def test_an_edit_based_on_the_active_enrolment_does_not_undo_its_end(insats, registrator):
    enrolment = enrol(registrator, insats)
    edit_url = reverse("enrolment-edit", args=[enrolment.pk])
    end_url = reverse("enrolment-end", args=[enrolment.pk])
    tab1, tab2 = _tab(registrator), _tab(registrator)
    edit = {**_form_values(tab1.get(edit_url)), "notes": "Ny anteckning."}
    assert (
        tab2.post(end_url, {**_form_values(tab2.get(end_url)), **_end_values()}).status_code == 302
    )

    response = tab1.post(edit_url, edit)

    assert response.status_code == 200
    assert STALE in _page(response)
    enrolment.refresh_from_db()
    assert enrolment.end_date == dt.date(2023, 1, 31) and enrolment.notes == ""


@pytest.mark.django_db
def test_an_edit_form_without_its_version_is_refused(insats, registrator):
    enrolment = enrol(registrator, insats)
    url = reverse("enrolment-edit", args=[enrolment.pk])
    tab = _tab(registrator)
    form = _form_values(tab.get(url))
    for version in (None, "x", "-1"):
        data = {**form, "notes": "Utan version."}
        if version is None:
            del data["version"]
        else:
            data["version"] = version
        response = tab.post(url, data)
        assert response.status_code == 200
        assert "Formuläret är ofullständigt: ladda om sidan." in _page(response)
    enrolment.refresh_from_db()
    assert enrolment.notes == "" and enrolment.history.count() == 1


@pytest.mark.django_db
def test_two_tabs_writing_a_chapter_text_for_the_first_time(insats, registrator):
    url = reverse("annual-chapter-edit", args=[insats.pk, YEAR, CHAPTER])
    tab1, tab2 = _tab(registrator), _tab(registrator)
    form1 = {**_form_values(tab1.get(url)), "description": "Första fliken.", "reflection": ""}
    form2 = {**_form_values(tab2.get(url)), "description": "Andra fliken.", "reflection": ""}
    assert form1["version"] == form2["version"] == 0

    assert tab1.post(url, form1).status_code == 302
    response = tab2.post(url, form2)

    assert response.status_code == 200
    page = html.fromstring(response.content)
    assert STALE in page.text_content()
    assert page.xpath("//textarea[@name='description']")[0].text.strip() == "Andra fliken."
    saved = page.xpath("//*[contains(@class, 'annual-saved-version')]")[0]
    assert "Första fliken." in saved.text_content()  # the newer version is shown
    history = reverse("annual-chapter-history", args=[insats.pk, YEAR, CHAPTER])
    assert saved.xpath(f".//a[@href='{history}']")
    text = ChapterText.objects.get()
    assert text.description == "Första fliken." and text.history.count() == 1

    # Saving again replaces the newer version on purpose; both stay in the history.
    assert tab2.post(url, _form_values(response)).status_code == 302
    text.refresh_from_db()
    assert text.description == "Andra fliken." and text.history.count() == 2


@pytest.mark.django_db
def test_two_tabs_of_the_report_preview_editing_one_chapter(insats, registrator):
    """The in-place editing of the preview (HTMX): the second tab gets the newer text in
    place of the stale one, its own text still in the form."""
    save_chapter_text(
        user=registrator,
        insats=insats,
        year=YEAR,
        chapter=CHAPTER,
        description="Utgångsläge.",
        reflection="",
    )
    report = reverse("annual-report", args=[insats.pk, YEAR])
    url = reverse("annual-chapter-edit", args=[insats.pk, YEAR, CHAPTER])
    tab1, tab2 = _tab(registrator), _tab(registrator)
    versions = []
    for tab in (tab1, tab2):
        page = html.fromstring(tab.get(report).content)
        versions.append(page.xpath(f"//*[@id='edit-{CHAPTER}']//input[@name='version']")[0])
    assert [v.get("value") for v in versions] == ["1", "1"]

    first = {"description": "Ändrat i flik 1.", "reflection": "", "version": 1}
    saved = tab1.post(url, first, HTTP_HX_REQUEST="true")
    fragment = html.fromstring(f"<div>{_page(saved)}</div>")
    # The same tab can save again: its form is now based on the version it saved.
    assert fragment.xpath("//input[@name='version']")[0].get("value") == "2"

    second = {"description": "Ändrat i flik 2.", "reflection": "", "version": 1}
    response = tab2.post(url, second, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = html.fromstring(f"<div>{_page(response)}</div>")
    assert STALE in fragment.text_content()
    assert fragment.xpath("//textarea[@name='description']")[0].text.strip() == "Ändrat i flik 2."
    shown = fragment.get_element_by_id(f"description-{CHAPTER}")
    assert shown.get("hx-swap-oob") == "true" and "Ändrat i flik 1." in shown.text_content()
    assert fragment.xpath("//input[@name='version']")[0].get("value") == "2"
    assert ChapterText.objects.get().description == "Ändrat i flik 1."


# --- two writers at the same moment -----------------------------------------------------


at_once = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database: threads cannot wait for each other's locks",
)


def _at_once(*calls: Callable[[], object], using: str = DEFAULT_DB_ALIAS) -> list[object]:
    """Run the calls in threads that start together; each gives its result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as e:  # the test inspects what each writer got
            results[i] = e
        finally:
            connections[using].close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _one_success_one_refusal(results: list[object], message: str) -> object:
    refused = [r for r in results if isinstance(r, ValidationError)]
    done = [r for r in results if not isinstance(r, Exception)]
    assert len(done) == 1 and len(refused) == 1, results
    assert message in " ".join(refused[0].messages)
    return done[0]


@at_once
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_the_same_moment_one_is_told(reference_data):
    """Each race in turn (one test: a database that threads share is slow to reset)."""
    forbund = make_forbund()
    insats = make_insats(forbund)
    registrator = make_user("coach", Role.REGISTRATOR, insats=insats)
    colleague = make_user("kollega", Role.REGISTRATOR, insats=insats)
    manager = make_user("chef", Role.INSATS_MANAGER, insats=insats)
    _two_registrators_end_one_enrolment(insats, registrator, colleague)
    _two_registrators_register_one_new_person(insats, registrator, colleague)
    _two_registrators_register_one_known_person(insats, registrator, colleague)
    _two_writers_save_a_chapter_text_first(insats, registrator, manager)
    _two_managers_record_one_waiting_count(insats, manager)


def _two_registrators_end_one_enrolment(insats: Any, registrator: Any, colleague: Any) -> None:
    enrolment = enrol(registrator, insats)

    def end(user: Any, day: int) -> Enrolment:
        return services.end_enrolment(
            user=user,
            enrolment=Enrolment.objects.get(pk=enrolment.pk),
            end_date=dt.date(2023, 1, day),
            end_reason=code(codes.EndReason, "arbete"),
            version=1,  # both forms were loaded before either was sent
        )

    results = _at_once(lambda: end(registrator, 30), lambda: end(colleague, 31))

    _one_success_one_refusal(results, ENDED)
    ends = [h for h in Enrolment.history.filter(id=enrolment.pk) if h.end_date is not None]
    assert len(ends) == 1


def _two_registrators_register_one_new_person(
    insats: Any, registrator: Any, colleague: Any
) -> None:
    pnr = make_pnr(dt.date(1985, 3, 15), man=True)

    def register(user: Any) -> Enrolment:
        return enrol(user, insats, personnummer_text=pnr)

    results = _at_once(lambda: register(registrator), lambda: register(colleague))

    enrolment = _one_success_one_refusal(results, "Personen har redan en aktiv inskrivning")
    assert isinstance(enrolment, Enrolment)
    assert Person.objects.filter(pk=enrolment.person_id).count() == 1
    assert Enrolment.objects.filter(person=enrolment.person_id).count() == 1


def _two_registrators_register_one_known_person(
    insats: Any, registrator: Any, colleague: Any
) -> None:
    """A person enrolled before in another insats: the lock on the person's row makes
    the second registration see the first one's enrolment."""
    pnr = make_pnr(dt.date(1990, 6, 1), man=False)
    other = make_insats(insats.forbund, "Annan insats")
    enrol(make_user("annan", Role.REGISTRATOR, insats=other), other, personnummer_text=pnr)

    def register(user: Any) -> Enrolment:
        return enrol(user, insats, personnummer_text=pnr)

    results = _at_once(lambda: register(registrator), lambda: register(colleague))

    enrolment = _one_success_one_refusal(results, "Personen har redan en aktiv inskrivning")
    assert isinstance(enrolment, Enrolment)
    assert Enrolment.objects.filter(person=enrolment.person_id, insats=insats).count() == 1


def _two_writers_save_a_chapter_text_first(insats: Any, registrator: Any, manager: Any) -> None:
    def save(user: Any, words: str) -> ChapterText:
        return save_chapter_text(
            user=user,
            insats=insats,
            year=YEAR,
            chapter=CHAPTER,
            description=words,
            reflection="",
            version=0,  # no text yet when both began
        )

    results = _at_once(lambda: save(registrator, "Coachens."), lambda: save(manager, "Chefens."))

    saved = _one_success_one_refusal(results, STALE)
    assert isinstance(saved, ChapterText)
    text = ChapterText.objects.get()
    assert text.description == saved.description and text.history.count() == 1


def _two_managers_record_one_waiting_count(insats: Any, manager: Any) -> None:
    """A count replaces the earlier one for its key, so both may succeed one after the
    other; if they meet at the first insert the second is told. Never a server error."""
    day = dt.date(2022, 12, 31)

    def record(count: int) -> object:
        return services.record_waiting_count(user=manager, insats=insats, date=day, count=count)

    results = _at_once(lambda: record(6), lambda: record(7))

    assert all(not isinstance(r, Exception) or isinstance(r, ValidationError) for r in results)
    assert any(isinstance(r, WaitingListCount) for r in results)
    assert WaitingListCount.objects.filter(insats=insats).count() == 1


def test_sqlite_file_writers_queue_instead_of_failing(tmp_path, django_db_blocker):
    """What made two registrators ending one enrolment on SQLite a "database is locked"
    server error: two transactions that each read and then write, at once. On a SQLite
    database file with the project's options (settings.SQLITE_OPTIONS: IMMEDIATE
    transactions) both succeed, one after the other, and neither loses the other's
    update, however the threads are scheduled; repeated, so that without the option the
    test fails on almost every run. (The test database is in memory, where threads
    cannot wait for each other.)"""
    alias = "concurrency_sqlite_file"
    connections.settings[alias] = {
        **connections.settings[DEFAULT_DB_ALIAS],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "samspar.sqlite3"),
        "OPTIONS": dict(settings.SQLITE_OPTIONS),
        "CONN_MAX_AGE": 0,
    }

    def add_one() -> None:
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            (n,) = cursor.fetchone()
            cursor.execute("UPDATE counter SET n = %s", [n + 1])

    try:
        with django_db_blocker.unblock():
            with connections[alias].cursor() as cursor:
                cursor.execute("CREATE TABLE counter (n integer)")
                cursor.execute("INSERT INTO counter VALUES (0)")
            for _round in range(ROUNDS):
                assert _at_once(add_one, add_one, using=alias) == [None, None]
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                assert cursor.fetchone() == (2 * ROUNDS,)
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
