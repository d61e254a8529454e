"""The figure selectors give the seeds' own numbers from registry data (tests/seeds.py)."""

from __future__ import annotations

import pytest

from samspar.reports.figures import participants
from samspar.reports.scope import Level, ReportScope
from tests.seeds import AVESTA_YEAR, register, seed_002_participants


@pytest.fixture
def avesta_2022(insats, registrator):
    register(registrator, insats, seed_002_participants())
    return ReportScope(*AVESTA_YEAR, user=registrator, level=Level.INSATS, object_id=insats.pk)


def _row(table, label):
    return dict(zip([c.key for c in table.columns], table.row_by_label(label), strict=True))


def test_seed_002_counts(avesta_2022):
    table = participants.participant_counts(avesta_2022)
    assert _row(table, "Totalt") == {
        "group": "Totalt",
        "worked_with": 75,
        "new": 32,
        "ended": 23,
        "active_end": 52,
    }
    assert _row(table, "Kvinnor")["worked_with"] == 40
    assert _row(table, "Män")["active_end"] == 22
    assert _row(table, "Kvinnor")["new"] == 19


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
