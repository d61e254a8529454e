"""`samspar bench reports`: times every report, agrees with DuckDB, leaves nothing behind."""

from __future__ import annotations

import dataclasses
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from samspar.bench import core, duckdb_reference
from samspar.bench.generate import ACTIVE_SHARE, INSATSER, generate
from samspar.core.personnummer import Gender, parse
from samspar.organisation.models import Forbund, Insats
from samspar.registry.models import Enrolment, Person
from samspar.reports.catalogue import REPORTS

TODAY = dt.date(2024, 3, 15)


def _bench(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("bench", "reports", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_times_every_report_agrees_with_duckdb_and_rolls_back():
    text = _bench("--sizes", "300")

    timed = {line.split()[0] for line in text.splitlines() if line.endswith(" ms")}
    assert set(REPORTS) <= timed
    assert "300 enrolments" in text
    assert "Check: #1 counts, #2 groups, #4 and #6 agree with DuckDB." in text
    assert "MISMATCH" not in text
    assert not Forbund.objects.exists()
    assert not Insats.objects.exists()
    assert not Person.objects.exists()
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_only_the_chosen_reports_are_timed():
    text = _bench("--sizes", "50", "--reports", "deltagare,alder")

    timed = {line.split()[0] for line in text.splitlines() if line.endswith(" ms")}
    assert timed & set(REPORTS) == {"deltagare", "alder"}


@pytest.mark.django_db
def test_a_disagreement_is_reported_loudly_and_fails(monkeypatch):
    compute = duckdb_reference.compute

    def off_by_one(*args, **kwargs):
        reference = compute(*args, **kwargs)
        figures = {group: dict(values) for group, values in reference.figures.items()}
        figures["total"]["#1 new"] = (figures["total"]["#1 new"] or 0) + 1
        return dataclasses.replace(reference, figures=figures)

    monkeypatch.setattr(duckdb_reference, "compute", off_by_one)
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="MISMATCH"):
        call_command("bench", "reports", "--sizes", "50", "--reports", "deltagare", stdout=out)
    assert "MISMATCH between Django and DuckDB" in out.getvalue()
    assert "#1 new (total)" in out.getvalue()


def test_unknown_report_key_is_refused():
    with pytest.raises(CommandError, match="nonsense"):
        call_command("bench", "reports", "--reports", "nonsense")


def test_means_agree_to_one_decimal_counts_exactly():
    django: core.Figures = {g: {"#1 new": 10, "#4 months": 11.2} for g in core.GROUPS}
    close: core.Figures = {g: {"#1 new": 10, "#4 months": 11.3} for g in core.GROUPS}
    assert not [m for m in core.mismatches(django, close) if "#1" in m or "#4" in m]
    far: core.Figures = {g: {"#1 new": 11, "#4 months": 11.4} for g in core.GROUPS}
    found = core.mismatches(django, far)
    assert "#1 new (K): Django 10, DuckDB 11" in found
    assert "#4 months (total): Django 11.2, DuckDB 11.4" in found


def test_generator_is_deterministic():
    first = generate(2000, today=TODAY, seed=7)
    assert generate(2000, today=TODAY, seed=7) == first
    assert generate(2000, today=TODAY, seed=8) != first


def test_generated_data_is_plausible_and_valid():
    data = generate(5000, today=TODAY, seed=1)
    enrolments = data.enrolments

    assert len(enrolments) == 5000
    assert len(data.persons) < 5000  # some take part in more than one insats
    assert all(TODAY - dt.timedelta(days=3653) <= e.start <= TODAY for e in enrolments)
    assert all(e.end is None or e.start <= e.end <= TODAY for e in enrolments)
    assert all((e.end is None) == (e.end_reason is None) for e in enrolments)
    assert all(e.referral is None or e.referral <= e.start for e in enrolments)
    active = sum(e.end is None for e in enrolments) / len(enrolments)
    assert abs(active - ACTIVE_SHARE) < 0.03
    reasons = [e.end_reason for e in enrolments if e.end_reason]
    assert 0 < reasons.count("felregistrering") < 0.05 * len(reasons)
    assert {e.insats for e in enrolments} == set(range(INSATSER))
    # Never two enrolments of one person in one insats (one could be active twice).
    pairs = [(e.person, e.insats) for e in enrolments]
    assert len(set(pairs)) == len(pairs)
    # Valid, unique personnummer agreeing with the person's birth date and gender.
    assert len({p.pnr for p in data.persons}) == len(data.persons)
    for person in data.persons[:500]:
        parsed = parse(person.pnr)
        assert parsed.birth_date == person.birth
        assert parsed.gender == (Gender.MAN if person.man else Gender.WOMAN)
