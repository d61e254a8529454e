"""`samspar bench reports`: times every report, agrees with DuckDB, leaves nothing behind."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from samspar.bench import core, duckdb_reference, runner
from samspar.bench.formatting import comparison
from samspar.bench.generate import ACTIVE_SHARE, INSATSER, generate
from samspar.codelists.models import ReferringActor
from samspar.core.personnummer import Gender, parse
from samspar.economics.models import Evaluation
from samspar.organisation.models import Forbund, Insats
from samspar.registry.models import Enrolment, Person
from samspar.reports.catalogue import REPORTS

TODAY = dt.date(2024, 3, 15)
CHECK = (
    "Check: #1 counts, #2 results, #4 throughput time, #5 years in public support, "
    "#6 mean age, #7 education level, #8 time in the insats, #9 end reasons, "
    "#10 home municipality, #12 referring actors agree with DuckDB."
)


def _bench(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("bench", "reports", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_times_every_report_the_annual_report_and_the_evaluation_and_rolls_back():
    """By default every report, one insats's annual report as a PDF and the evaluation
    of its participants with the Monte Carlo; nothing is left behind."""
    text = _bench("--sizes", "300")

    timed = {line.split()[0] for line in text.splitlines() if line.endswith(" ms")}
    assert set(REPORTS) <= timed
    assert "300 enrolments" in text
    assert re.search(r"the same figures, Django +[\d ]+ ms", text)
    assert re.search(
        r"Django's figures take \d+,\d × DuckDB's query time \(goal: at most 3 ×\)", text
    )
    assert re.search(
        r"Annual report of one insats as PDF \(\d+ pages\): [\d ]+ ms, of which [\d ]+ ms "
        r"composing and [\d ]+ ms laying out\.",
        text,
    )
    # 300 enrolments give the insats a handful of ended participants a year: fewer than
    # an evaluation may show (the --json test below has enough).
    assert "Evaluation: too few participants of one insats ended in the year." in text
    assert CHECK in text
    assert "MISMATCH" not in text
    assert not Forbund.objects.exists()
    assert not Insats.objects.exists()
    assert not Person.objects.exists()
    assert not Enrolment.objects.exists()
    assert not Evaluation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_wider_comparison_agrees_on_generated_data(language):
    with translation.override(language):  # rows are found by code, whatever the labels
        result = runner.run(1000, [], today=TODAY)
    django, duckdb = result.django, result.reference.figures

    assert result.mismatches == []
    for name in ("#5 mean_years", "#7 gymnasial", "#8 3–5", "#9 arbete", "#12 region-psykiatri"):
        assert django["total"][name] == pytest.approx(duckdb["total"][name])  # unrounded
        assert django["K"][name] and django["M"][name]
    # Persons per insats and municipality code: the bench förbund's three kommuner.
    assert {n for n in django["total"] if n.startswith("#10 Benchmark 1, ")} == {
        "#10 Benchmark 1, 2082",
        "#10 Benchmark 1, 2083",
        "#10 Benchmark 1, 2084",
    }
    # Each distribution covers its whole population, on both sides.
    tops = ReferringActor.objects.filter(parent=None).values_list("code", flat=True)
    for side in (django, duckdb):
        assert _summed(side, "#8") == _summed(side, "#9") == side["total"]["#1 ended"] > 0
        top_rows = sum(core.value(side, "total", f"#12 {code}") or 0 for code in tops)
        assert top_rows == _summed(side, "#7") > 0  # both count the new enrolments


def _summed(figures: core.Figures, number: str) -> float:
    """The total column of one distribution (its rows but the total row)."""
    return sum(v or 0 for n, v in figures["total"].items() if n.split()[0] == number)


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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "group"),
    [("#5 mean_years", "total"), ("#9 arbete", "K"), ("#10 Benchmark 2, 2084", "M")],
)
def test_a_disagreement_in_a_wider_figure_is_reported_and_fails(monkeypatch, name, group):
    compute = duckdb_reference.compute

    def off(*args, **kwargs):
        reference = compute(*args, **kwargs)
        figures = {g: dict(values) for g, values in reference.figures.items()}
        figures[group][name] = (core.value(reference.figures, group, name) or 0) + 1
        return dataclasses.replace(reference, figures=figures)

    monkeypatch.setattr(duckdb_reference, "compute", off)
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="MISMATCH"):
        call_command("bench", "reports", "--sizes", "200", "--reports", "deltagare", stdout=out)
    text = out.getvalue()
    assert f"{name} ({group}): Django" in text
    [row] = [line for line in text.splitlines() if line.startswith(f"  {name}  ")]
    assert row.endswith("≠")
    assert "Check:" not in text


@pytest.mark.django_db
def test_the_printed_table_shows_both_sides_with_a_decimal_comma():
    text = _bench("--sizes", "300", "--reports", "deltagare")

    assert "Django" in text and "DuckDB" in text
    for name in ("#4 months", "#5 mean_years", "#6 mean_age"):
        [row] = [line for line in text.splitlines() if line.startswith(f"  {name}  ")]
        cells = row.split()[2:]
        assert len(cells) == 6  # women, men, total by Django, then by DuckDB
        assert all(re.fullmatch(r"\d+,\d", cell) for cell in cells), row
        assert cells[:3] == cells[3:]
    [row] = [line for line in text.splitlines() if line.startswith("  #1 worked_with  ")]
    cells = row.split()[2:]
    assert len(cells) == 6 and cells[:3] == cells[3:] and all(c.isdigit() for c in cells)


def test_the_comparison_table_formats_swedish_and_marks_a_disagreement():
    django: core.Figures = {
        "K": {"#1 worked_with": 1200, "#4 months": 12.3, "#5 mean_years": None},
        "M": {"#1 worked_with": 34, "#4 months": 9.0, "#5 mean_years": 3.5},
        "total": {"#1 worked_with": 1234, "#4 months": 11.9, "#5 mean_years": 3.5},
    }
    duckdb = {group: dict(values) for group, values in django.items()}
    duckdb["M"]["#4 months"] = 9.5
    duckdb["total"]["#9 flytt"] = 0  # a row only one side has: 0 on the other

    with translation.override("en"):
        lines = comparison(django, duckdb)
    rows = {line.text.split("  ")[1]: line for line in lines[2:]}

    assert lines[1].text.split() == ["Figure", *["Women", "Men", "Total"] * 2]
    worked_with = rows["#1 worked_with"]
    assert worked_with.text.count("1 200") == worked_with.text.count("1 234") == 2
    assert worked_with.agrees and not worked_with.text.endswith("≠")
    assert rows["#4 months"].text.split()[2:] == ["12,3", "9,0", "11,9", "12,3", "9,5", "11,9", "≠"]
    assert not rows["#4 months"].agrees
    assert rows["#5 mean_years"].text.split()[2:] == ["–", "3,5", "3,5"] * 2
    assert rows["#9 flytt"].text.split()[2:] == ["0"] * 6
    assert rows["#9 flytt"].agrees


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


@pytest.mark.django_db
def test_json_lines_time_each_report_at_each_level_beside_duckdb():
    """`--json`: one record per report and level (one insats, the förbund, the whole
    installation), one per level's set, the figures with their ratio to DuckDB's query
    time, the load beside DuckDB's, one insats's annual report as a PDF and the
    evaluation of its participants with the Monte Carlo; every record beside its
    reference."""
    text = _bench(
        "--sizes",
        "2000",
        "--reports",
        f"deltagare,trend,jamforelse,{runner.ANNUAL_PDF},{runner.MONTE_CARLO}",
        "--json",
    )
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    reports = {(r["level"], r["report"]) for r in records if r["benchmark"] == "report"}
    assert reports == {
        (level, key)
        for level in ("insats", "forbund", "all")
        for key in ("deltagare", "trend", "jamforelse")
    }
    sets = {r["level"]: r for r in records if r["benchmark"] == "report set"}
    assert set(sets) == {"insats", "forbund", "all"}
    assert all(s["reports"] == 3 and s["ms"] > 0 for s in sets.values())
    (figures,) = [r for r in records if r["benchmark"] == "figures"]
    assert figures["goal_ratio"] == runner.GOAL_RATIO and figures["mismatches"] == 0
    assert figures["ratio"] == pytest.approx(figures["ms"] / figures["reference_ms"], rel=0.05)
    (pdf,) = [r for r in records if r["benchmark"] == "annual report pdf"]
    assert pdf["level"] == "insats" and pdf["pages"] > 1
    assert pdf["ms"] == pytest.approx(pdf["compose_ms"] + pdf["render_ms"], abs=0.2)
    (model,) = [r for r in records if r["benchmark"] == "monte carlo"]
    assert model["draws"] == 10_000 and model["participants"] >= model["profiles"] > 0
    assert model["reference"] == "point estimate"
    assert re.search(
        r"Evaluation of one insats's \d+ ended participants \(\d+ profiles\): read from the "
        r"registry [\d ]+ ms, with the Monte Carlo \(10 000 draws\) [\d ]+ ms, point "
        r"estimate alone [\d ]+ ms\.",
        text,
    )
    for record in records:
        assert record["database"] in ("SQLite", "PostgreSQL")
        assert record["enrolments"] == 2000 and record["reference_ms"] > 0
        assert record["reference"] in ("duckdb query", "duckdb load", "point estimate")
