"""The report of follow-up after exit (issue 12, #1): who is due at each point in the
period, how many were reached, and their situation — by gender and by where they went at
the end; counted in the database, suppressed and perturbed like every report."""

from __future__ import annotations

import datetime as dt

import pytest

from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.registry import services as registry
from samspar.reports.catalogue import REPORTS
from samspar.reports.scope import Level, ReportScope
from tests.factories import code, ended_enrolment, make_forbund, make_insats, make_user

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
COLUMNS = ("due", "reached", "not_reached", "missing", "works", "studies", "works_or_studies")


def _follow_up(coach, enrolment, months, *, reached=True, works=False, studies=False):
    assert enrolment.end_date is not None
    occupation = "arbete" if works else "studier" if studies else "ingen"
    registry.register_follow_up(
        user=coach,
        enrolment=enrolment,
        months_after=months,
        date=enrolment.end_date + dt.timedelta(days=31 * months),
        reached=reached,
        occupation=code(codes.OccupationType, occupation) if reached else None,
        works=works,
        studies=studies,
    )


@pytest.fixture
def world(db):
    """Ended in an insats that follows up at 6 and 12 months (letters as in the test's
    table), and in two insatser that follow up otherwise."""
    forbund = make_forbund()
    insats = make_insats(forbund, start=dt.date(2015, 1, 1))
    coach = make_user("coach", Role.REGISTRATOR, insats=insats)

    def ended(end, reason, n, **fields):
        return ended_enrolment(coach, insats, end, reason=reason, n=n, **fields)

    # n even: a man, odd: a woman (factories.ended_enrolment).
    a = ended(dt.date(2024, 8, 15), "arbete", 1)
    b = ended(dt.date(2024, 9, 1), "studier", 2)
    c = ended(dt.date(2024, 10, 1), "arbetssokande", 3)
    ended(dt.date(2024, 11, 1), "avbrott", 4)  # d: never followed up
    e = ended(dt.date(2024, 3, 1), "arbete", 5)  # 6 months: 2024; 12: 2025
    ended(dt.date(2024, 12, 1), "arbete", 6, early_dropout=True)
    ended(dt.date(2024, 8, 1), "felregistrering", 7)
    g = ended(dt.date(2025, 3, 1), "annan-rehab", 9)  # 12 months: 2026
    ended(dt.date(2025, 8, 1), "arbete", 11)  # 6 months: 2026
    _follow_up(coach, a, 6, works=True)
    _follow_up(coach, a, 12, works=True, studies=True)
    _follow_up(coach, b, 6, studies=True)
    _follow_up(coach, b, 12, reached=False)
    _follow_up(coach, c, 6, reached=False)
    _follow_up(coach, e, 12)
    _follow_up(coach, g, 6, works=True)
    # Followed up at 3 months only, and not at all.
    other = make_insats(forbund, "Ung framtid", start=dt.date(2015, 1, 1))
    other.follow_up_months = [3]
    other.save()
    none = make_insats(forbund, "Rådgivning", start=dt.date(2015, 1, 1))
    none.follow_up_months = []
    none.save()
    for i, place in enumerate((other, none)):
        their_coach = make_user(f"coach{i}", Role.REGISTRATOR, insats=place)
        ended_enrolment(their_coach, place, dt.date(2024, 10, 20), n=20 + i)
    return forbund, insats, coach


def _counts(report, key, label):
    table = report.table(key)
    row = table.row_by_label(label)
    return tuple(row[table.column_index(c)] for c in COLUMNS)


def test_the_follow_up_report_counts_each_point_by_gender_and_end(world):
    forbund, _insats, _coach = world
    scope = ReportScope.for_operator(*YEAR, exact=True, level=Level.FORBUND, object_id=forbund.pk)
    report = REPORTS["uppfoljning"].build(scope)
    assert [t.key for t in report.tables] == [
        "follow_up_gender_3",
        "follow_up_end_3",
        "follow_up_gender_6",
        "follow_up_end_6",
        "follow_up_gender_12",
        "follow_up_end_12",
    ]
    # 6 months, due in 2025: a, b, c, d (ended July 2024 – June 2025) and g.
    assert _counts(report, "follow_up_gender_6", "Kvinnor") == (3, 2, 1, 0, 2, 0, 2)
    assert _counts(report, "follow_up_gender_6", "Män") == (2, 1, 0, 1, 0, 1, 1)
    assert _counts(report, "follow_up_gender_6", "Totalt") == (5, 3, 1, 1, 2, 1, 3)
    assert _counts(report, "follow_up_end_6", "Arbete") == (1, 1, 0, 0, 1, 0, 1)
    assert _counts(report, "follow_up_end_6", "Övrigt") == (2, 0, 1, 1, 0, 0, 0)
    assert _counts(report, "follow_up_end_6", "Totalt") == (5, 3, 1, 1, 2, 1, 3)
    # 12 months, due in 2025: a, b, c, d and e (ended in 2024); a works and studies.
    assert _counts(report, "follow_up_gender_12", "Totalt") == (5, 2, 1, 2, 1, 1, 1)
    assert _counts(report, "follow_up_end_12", "Arbete") == (2, 2, 0, 0, 1, 1, 1)
    # 3 months: the other insats's one ended; the insats without follow-up adds nothing.
    assert _counts(report, "follow_up_gender_3", "Totalt") == (1, 0, 0, 1, 0, 0, 0)
    shares = report.table("follow_up_gender_6").row_by_label("Totalt")
    assert shares[5] == pytest.approx(60.0) and shares[-1] == pytest.approx(100.0)
