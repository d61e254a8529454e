"""The figure selectors give the seeds' own numbers from registry data (tests/seeds.py):
seed 002's year 2022, its rolling throughput table 1907-2006 … 2201-2212 and its appendix 2
since the team's start on 2015-05-13."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from samspar.reports.figures import background, outcomes, participants
from samspar.reports.populations import Population
from samspar.reports.scope import Level, ReportScope
from tests.seeds import AVESTA_YEAR

SINCE_START = dt.date(2015, 5, 13)  # "Resultat under perioden 2015-05-13 — 2022-12-31"


pytestmark = pytest.mark.seed_002  # the module's insats holds seed 002


@pytest.fixture
def avesta_2022(insats, registrator):
    return ReportScope(*AVESTA_YEAR, user=registrator, level=Level.INSATS, object_id=insats.pk)


def _shown(value):
    """An unrounded mean or share as the seed prints it, with one decimal."""
    return pytest.approx(value, abs=0.05)


def _row(table, label):
    return dict(zip([c.key for c in table.columns], table.row_by_label(label), strict=True))


def test_seed_002_counts(avesta_2022):
    table = participants.participant_counts(avesta_2022)
    assert _row(table, "Totalt") == {
        "group": "Totalt",
        "worked_with": 75,
        "worked_with_percent": 100,
        "new": 32,
        "new_percent": 100,
        "ended": 23,
        "active_end": 52,
        "active_end_percent": 100,
    }
    women, men = _row(table, "Kvinnor"), _row(table, "Män")
    # "40 personer (53%) kvinnor och 35 personer (47%) män"; of the 32 new "19 (59%)
    # kvinnor och 13 (41%) män"; at year end "22 (42%) män och 30 (58%) kvinnor".
    assert (women["worked_with"], women["worked_with_percent"]) == (40, _shown(53.3))
    assert (men["worked_with"], men["worked_with_percent"]) == (35, _shown(46.7))
    assert (women["new"], women["new_percent"]) == (19, _shown(59.4))
    assert (men["new"], men["new_percent"]) == (13, _shown(40.6))
    assert (women["active_end"], women["active_end_percent"]) == (30, _shown(57.7))
    assert (men["active_end"], men["active_end_percent"]) == (22, _shown(42.3))


def test_seed_002_results(avesta_2022):
    row = _row(participants.results(avesta_2022), "Totalt")
    assert [row[k] for k in ("active_start", "ended", "dropouts", "work", "studies")] == [
        43,
        23,
        2,
        8,
        0,
    ]
    assert [row[k] for k in ("other_rehab", "compensation", "other", "active_end")] == [
        1,
        4,
        8,
        52,
    ]
    assert (row["to_goal"], row["ended_kept"], round(row["goal_percent"])) == (9, 21, 43)


def test_seed_002_results_by_gender(avesta_2022):
    """'Arbete: 4 kvinnor, 4 män; Annan arbetslivsinriktad rehab: 1 man'; '2 kvinnor och 2
    män söker sjukersättning'; the other 8 (medical rehabilitation 3 + 4, parental leave 1)."""
    table = participants.results(avesta_2022)
    keys = ["work", "studies", "other_rehab", "compensation", "other", "to_goal", "ended_kept"]
    assert [_row(table, "Kvinnor")[k] for k in keys] == [4, 0, 0, 2, 4, 4, 10]
    assert [_row(table, "Män")[k] for k in keys] == [4, 0, 1, 2, 4, 5, 11]
    assert _row(table, "Män")["dropouts"] == 2


def test_seed_002_rolling_throughput_windows(avesta_2022):
    """'Tabell: genomströmningstid': 1907-2006 17,8 … 2201-2212 10,5 months, for a report
    over 2020–2022."""
    scope = dataclasses.replace(avesta_2022, date_from=dt.date(2020, 1, 1))
    rolling = outcomes.throughput_rolling(scope)
    assert [row[0] for row in rolling.rows] == [
        "1907-2006",
        "2001-2012",
        "2007-2106",
        "2101-2112",
        "2107-2206",
        "2201-2212",
    ]
    assert [row[2] for row in rolling.rows] == [
        _shown(m) for m in (17.8, 20.5, 21.3, 25.2, 16.6, 10.5)
    ]
    assert rolling.rows[-1][1] == 21  # the year's 21 ended, not early dropouts


def test_seed_002_appendix_2_since_the_start(avesta_2022):
    """Appendix 2, 2015-05-13 — 2022-12-31: 240 persons worked with (138 women, 102 men),
    189 ended of whom 12 early dropouts, 41 to work, 12 studies, 40 other rehabilitation,
    7 compensation, 77 other, 52 active; 93 of 177 = 52,5 % to goal; throughput 17,8 months
    (18,6 / 16,7); time in public support 5,2 years (5,5 / 4,8)."""
    scope = dataclasses.replace(avesta_2022, date_from=SINCE_START)
    counts = participants.participant_counts(scope)
    assert [_row(counts, g)["worked_with"] for g in ("Kvinnor", "Män", "Totalt")] == [
        138,
        102,
        240,
    ]
    total = _row(counts, "Totalt")
    # 189 ended + 52 active = 241 participations of 240 persons: one came back.
    assert (total["ended"], total["active_end"]) == (189, 52)
    assert total["ended"] + total["active_end"] == total["worked_with"] + 1

    row = _row(participants.results(scope), "Totalt")
    keys = ["ended", "dropouts", "work", "studies", "other_rehab", "compensation", "other"]
    assert [row[k] for k in keys] == [189, 12, 41, 12, 40, 7, 77]
    assert (row["active_end"], row["to_goal"], row["ended_kept"]) == (52, 93, 177)
    assert row["goal_percent"] == _shown(52.5)
    assert row["active_start"] == 0  # nobody was enrolled on the team's first day

    through = outcomes.throughput(scope)
    assert [_row(through, g)["months"] for g in ("Kvinnor", "Män", "Totalt")] == [
        _shown(18.6),
        _shown(16.7),
        _shown(17.8),
    ]
    assert _row(through, "Totalt")["ended_kept"] == 177

    ended_kept = dataclasses.replace(scope, population=Population.ENDED_KEPT.value)
    support = background.public_support_years(ended_kept)
    assert [_row(support, g)["mean_years"] for g in ("Kvinnor", "Män", "Totalt")] == [
        _shown(5.5),
        _shown(4.8),
        _shown(5.2),
    ]
