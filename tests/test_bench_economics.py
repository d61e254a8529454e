"""`samspar bench economics`: times the model on generated participants, no database."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from samspar.bench import economics
from samspar.economics.defaults import shipped_sets
from samspar.economics.model import SUPPLIES, Evaluation, InputError


def _bench(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("bench", "economics", *args, stdout=out)
    return out.getvalue()


def _rows(text: str) -> dict[str, str]:
    """The table's rows: label → the value in the last column."""
    rows = {}
    for line in text.splitlines():
        match = re.fullmatch(r"  (\S.*?)\s{2,}(\S.*)", line)
        if match:
            rows[match[1]] = match[2]
    return rows


def _whole(text: str) -> int:
    return int(text.replace(" ", ""))


def test_prints_the_sizes_the_times_and_a_sane_revenue_band():
    text = _bench("--participants", "50", "--draws", "200", "--repeat", "1")

    rows = _rows(text)
    assert rows["participants"] == "50"
    assert rows["distinct profiles"] == "50"
    assert rows["draws"] == "200"
    evaluate_seconds = float(rows["point estimate (evaluate), s"].replace(",", "."))
    simulate_seconds = float(rows["simulation (simulate), s"].replace(",", "."))
    # the seconds are shown rounded to milliseconds (a fast machine may show 0,000)
    assert evaluate_seconds >= 0
    assert simulate_seconds >= 0
    rate = _whole(rows["draws per second"])
    assert 200 / (simulate_seconds + 0.0005) <= rate <= 200 / max(simulate_seconds - 0.0005, 1e-9)
    band = re.search(r"median ([\d ]+) kr, 80 % band ([\d ]+) – ([\d ]+) kr", text)
    assert band is not None
    median, low, high = (_whole(band[i]) for i in (1, 2, 3))
    assert low < median < high


def test_participants_are_spread_over_the_profiles_asked_for():
    rows = _rows(_bench("--participants", "50", "--draws", "200", "--cohorts", "7"))
    assert rows["distinct profiles"] == "7"

    cohorts = economics.cohorts(50, 7, seed=1)
    assert sum(c.count for c in cohorts) == 50
    assert {c.count for c in cohorts} == {7, 8}
    assert len({repr((c.before, c.after)) for c in cohorts}) == 7


def test_generated_participants_are_valid_and_deterministic():
    cohorts = economics.cohorts(40, 40, seed=3)
    values = shipped_sets()[economics.PRICE_YEAR].value_set()
    assert Evaluation(cohorts, cost=1).problems(values) == []
    assert all(set(c.before.supply) <= set(SUPPLIES) for c in cohorts)
    assert cohorts == economics.cohorts(40, 40, seed=3)
    assert cohorts != economics.cohorts(40, 40, seed=4)


def test_more_profiles_than_participants_or_too_many_draws_are_refused():
    with pytest.raises(CommandError):
        _bench("--participants", "5", "--cohorts", "6")
    with pytest.raises(CommandError):
        _bench("--participants", "5", "--draws", "2000000")
    with pytest.raises(InputError):
        economics.run(5, draws=2_000_000)


def test_json_line_gives_the_monte_carlo_beside_one_point_estimate():
    text = _bench("--participants", "40", "--draws", "100", "--repeat", "1", "--json")
    (record,) = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert record["benchmark"] == "monte carlo" and record["reference"] == "point estimate"
    assert (record["participants"], record["profiles"], record["draws"]) == (40, 40, 100)
    assert record["s"] >= 0 and record["reference_s"] >= 0
