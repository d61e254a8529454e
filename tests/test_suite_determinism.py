"""No test depends on the machine's speed (issue #9, item 14): hypothesis has no
deadline in any profile, and no test sets one, sleeps, or times itself."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import settings

TESTS = Path(__file__).parent
# A deadline other than None, a sleep, or a clock read inside a test.
TIMING = re.compile(r"deadline\s*=\s*(?!None)|time\.sleep|perf_counter|time\.monotonic")


def test_hypothesis_has_no_deadline():
    assert settings().deadline is None
    for name in ("default", "ci"):
        assert settings.get_profile(name).deadline is None
    assert settings.get_profile("ci").derandomize


def test_no_test_sets_a_deadline_sleeps_or_times_itself():
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(TESTS.glob("*.py"))
        if path.name != Path(__file__).name
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if TIMING.search(line)
    ]
    assert offenders == []
