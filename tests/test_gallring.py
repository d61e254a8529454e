"""Gallring: identities go a förbund-set number of years after the last enrolment ended;
active participants are never touched; every report gives the same figures after."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models

from samspar.core import crypto
from samspar.dataprotection import extract, gallring
from samspar.dataprotection.personal_data import HOLDERS
from samspar.organisation.models import Forbund, Insats
from samspar.registry import services
from samspar.registry.models import Enrolment, FollowUp, Person
from samspar.reports.catalogue import REPORTS
from samspar.reports.scope import Level, ReportScope
from tests.factories import code, enrol, make_forbund, make_insats, make_pnr, make_user
from tests.random_world import TODAY, build

PERIODS = [
    (dt.date(2019, 1, 1), dt.date(2024, 6, 30)),
    (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
]


def _all_reports(forbund: Forbund) -> dict[tuple[str, int, str], Any]:
    """Every table of every report with exact counts, for the förbund and each insats."""
    operator = ReportScope.for_operator
    scopes = [operator(*p, exact=True, level=Level.FORBUND, object_id=forbund.pk) for p in PERIODS]
    scopes += [operator(*p, exact=True, gender="K") for p in PERIODS[:1]]
    for insats in forbund.insatser.order_by("pk")[:3]:
        scopes.append(operator(*PERIODS[0], exact=True, level=Level.INSATS, object_id=insats.pk))
    figures = {}
    for i, scope in enumerate(scopes):
        for spec in REPORTS.values():
            report = spec.compute(scope)
            for table in report.tables:
                figures[spec.key, i, table.key] = [list(row) for row in table.rows]
    return figures


def test_every_report_is_the_same_after_gallring(db):
    world = build(seed=7, size=300)
    forbund = world.forbund
    forbund.retention_years = 1
    forbund.save()
    ended = Enrolment.objects.filter(end_date__isnull=False).order_by("pk")
    for enrolment in ended[:30]:
        assert enrolment.end_date is not None
        enrolment.notes = "Berättade om sin skuld till Kronofogden."
        enrolment.save()  # writes a history row holding the notes
        FollowUp.objects.create(
            enrolment=enrolment, months_after=6, date=enrolment.end_date, notes="Mår bättre."
        )
    before = _all_reports(forbund)
    planned = gallring.plan(today=TODAY)
    assert planned.persons > 50
    assert Person.objects.filter(enrolments__end_date__isnull=True).exists()

    done = gallring.run(today=TODAY)

    assert done == planned
    assert _all_reports(forbund) == before
    gone = Person.objects.filter(anonymised_at__isnull=False)
    assert gone.count() == planned.persons
    assert not gone.filter(enrolments__end_date__isnull=True).exists()
    assert not gone.exclude(pnr_encrypted="").exists()
    named = Enrolment.objects.filter(person__in=gone).exclude(first_name="", last_name="")
    assert not named.exists()
    assert not Enrolment.history.filter(person_id__in=gone.values("pk"), first_name__gt="").exists()
    assert not gone.filter(pnr_hash__regex=r"^[0-9a-f]{64}$").exists()
    assert gallring.plan(today=TODAY).persons == 0


def test_rule_active_and_recent_kept_old_removed_and_history_blanked(db):
    forbund = make_forbund()
    forbund.retention_years = 3
    forbund.save()
    insats = make_insats(forbund)
    coach = make_user("coach", "registrator", insats=insats)  # type: ignore[arg-type]
    reason = code(Enrolment._meta.get_field("end_reason").related_model, "studier")

    def person(birth: dt.date, end: dt.date | None, notes: str = "") -> Person:
        pnr = make_pnr(birth, man=False)
        enrolment = enrol(
            coach,
            insats,
            personnummer_text=pnr,
            notes=notes,
            first_name="Lena",
            start_date=dt.date(2019, 1, 7),
            consent_date=dt.date(2019, 1, 7),
        )
        if end is not None:
            services.end_enrolment(user=coach, enrolment=enrolment, end_date=end, end_reason=reason)
        return enrolment.person

    today = dt.date(2026, 6, 30)
    active = person(dt.date(1980, 1, 1), None)
    old = person(dt.date(1981, 1, 1), dt.date(2023, 6, 30), notes="Hemlig anteckning")
    old_pnr = old.personnummer
    recent = person(dt.date(1982, 1, 1), dt.date(2023, 7, 1))
    # A second, still-active enrolment of the old person in another förbund keeps them.
    other = make_forbund("Sydnärkes samordningsförbund", county="18")
    other_insats = make_insats(other, "Steget")
    other_coach = make_user("coach2", "registrator", insats=other_insats)  # type: ignore[arg-type]
    twice = person(dt.date(1983, 1, 1), dt.date(2020, 1, 31))
    enrol(other_coach, other_insats, personnummer_text=twice.personnummer, first_name="Lena")

    assert set(gallring.due_persons(today)) == {old}
    out = io.StringIO()
    call_command("gallring", "--dry-run", stdout=out)
    assert Person.objects.filter(anonymised_at__isnull=False).count() == 0
    gallring.run(today=today)
    old.refresh_from_db()
    assert old.anonymised_at is not None and old.pnr_encrypted == ""
    assert old.birth_date == dt.date(1981, 1, 1) and old.gender == "K"
    history = Enrolment.history.filter(person_id=old.pk)
    assert history.count() >= 2 and not history.exclude(notes="").exists()
    assert not history.exclude(first_name="", last_name="").exists()
    for kept in (active, recent, twice):
        kept.refresh_from_db()
        assert kept.anonymised_at is None and crypto.decrypt(kept.pnr_encrypted)
    # The number no longer leads to the anonymous row: no extract, a new registration
    # makes a new person.
    with pytest.raises(ValidationError):
        extract.register_extract(
            user=None, personnummer_text=old_pnr, insatser=Insats.objects.all()
        )
    again = enrol(coach, insats, personnummer_text=old_pnr, first_name="Lena")
    assert again.person_id != old.pk
    # The anonymous enrolment cannot be edited (which would ask for names again).
    closed = Enrolment.objects.get(person=old)
    with pytest.raises(ValidationError, match="gallrats"):
        services.update_registration(
            user=coach, enrolment=closed, first_name="Lena", last_name="Ny", notes="x"
        )
    closed.refresh_from_db()
    assert closed.notes == "" and closed.first_name == closed.last_name == ""


def test_dry_run_prints_counts_per_forbund_and_no_personnummer(db, registrator, insats):
    forbund = insats.forbund
    pnr = make_pnr(dt.date(1970, 5, 5), man=True)
    start = dt.date(2016, 1, 4)
    enrolment = enrol(
        registrator, insats, personnummer_text=pnr, start_date=start, consent_date=start
    )
    reason = code(Enrolment._meta.get_field("end_reason").related_model, "studier")
    services.end_enrolment(
        user=registrator, enrolment=enrolment, end_date=dt.date(2016, 6, 1), end_reason=reason
    )
    out = io.StringIO()
    call_command("gallring", "--dry-run", stdout=out)
    text = out.getvalue()
    assert forbund.name in text and " 1 " in text.replace(forbund.name, "")
    assert pnr[:8] not in text and pnr.replace("-", "")[2:] not in text
    assert enrolment.first_name not in text
    assert Person.objects.get().anonymised_at is None
    call_command("gallring", stdout=io.StringIO())
    assert Person.objects.get().anonymised_at is not None


def test_every_text_column_of_a_person_table_is_listed():
    """A new identifying column must be added to personal_data.HOLDERS (or this test)."""
    not_identifying = {
        "registry.Person": {"gender"},
        "registry.Enrolment": {"residence_kind", "person_gender"},
        "registry.HistoricalEnrolment": {"residence_kind", "history_type", "history_change_reason"},
        "registry.FollowUp": set(),
        "registry.HistoricalFollowUp": {"history_type", "history_change_reason"},
        "registry.Answer": set(),
        "registry.HistoricalAnswer": {"history_type", "history_change_reason"},
    }
    for holder in HOLDERS:
        model = holder.model_class()
        text = {
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        }
        assert text - set(holder.erase) == not_identifying[holder.model], holder.model


def test_every_table_pointing_at_a_person_is_listed():
    """A new table about persons (a name history, per-insats names …) must be added to
    personal_data.HOLDERS, so that gallring, key rotation and register extracts cover it."""
    exempt = {
        "access.AccessLogPerson",  # the access log itself: kept, points at the anonymous row
    }
    listed = {h.model for h in HOLDERS}
    pointing = {
        model._meta.label
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is Person
    }
    assert pointing - exempt - listed == set()


def test_free_text_answers_are_removed_with_the_identity_and_the_others_kept(db):
    """A free-text answer to one of the förbund's questions may name the person: gallring
    blanks it, in the answer and in its history; numbers, yes/no, dates and choices are
    statistics and stay. Another person's answers are not touched."""
    from samspar.registry.models import Answer
    from samspar.registry.question_services import save_answers
    from tests.factories import make_question

    forbund = make_forbund()
    forbund.retention_years = 3
    forbund.save()
    insats = make_insats(forbund)
    coach = make_user("coach", "registrator", insats=insats)  # type: ignore[arg-type]
    reason = code(Enrolment._meta.get_field("end_reason").related_model, "studier")
    goal = make_question(insats, "text", text="Deltagarens eget mål")
    children = make_question(insats, "number", text="Antal barn")
    licence = make_question(insats, "yes_no", text="Har deltagaren körkort?")
    support = make_question(insats, "choices", text="Stöd", choices=("Boende", "Ekonomi"))
    boende = support.choices.get(label="Boende")

    def person(birth: dt.date, end: dt.date | None) -> Enrolment:
        enrolment = enrol(
            coach,
            insats,
            personnummer_text=make_pnr(birth, man=False),
            start_date=dt.date(2019, 1, 7),
            consent_date=dt.date(2019, 1, 7),
            answers={
                goal: "Vill jobba hos sin morbror Sven på Avesta Bygg",
                children: 2,
                licence: True,
                support: [boende],
            },
        )
        save_answers(user=coach, enrolment=enrolment, answers={goal: "Snickare hos Sven"})
        if end is not None:
            services.end_enrolment(user=coach, enrolment=enrolment, end_date=end, end_reason=reason)
        return enrolment

    old = person(dt.date(1981, 1, 1), dt.date(2022, 6, 30))
    active = person(dt.date(1982, 1, 1), None)
    gallring.run(today=dt.date(2026, 6, 30))

    mine = Answer.objects.filter(enrolment=old)
    assert mine.get(question=goal).text == ""
    assert Answer.history.filter(enrolment_id=old.pk).count() >= 5
    assert not Answer.history.filter(enrolment_id=old.pk).exclude(text="").exists()
    kept = {a.question_id: a for a in mine.prefetch_related("choices")}
    assert kept[children.pk].number == 2 and kept[licence.pk].yes is True
    assert [c.label for c in kept[support.pk].choices.all()] == ["Boende"]
    assert Answer.objects.get(enrolment=active, question=goal).text == "Snickare hos Sven"
    assert Answer.history.filter(enrolment_id=active.pk, text__contains="Sven").count() == 2
