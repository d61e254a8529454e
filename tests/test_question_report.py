"""The report of the förbund's own questions (*Förbundets frågor*, ``fragor``): for each
question of the insatser in scope, the enrolments asked it in the period and how they
answered, by gender — counted in the database, declared to the suppression so that a
published report hides small counts (the choices of a several-choices question do not add
up to those asked), and defined in docs/definitions.md.

Arbetslaget asks four questions at registration from 1 February 2025 and one at the end
from 2024. Over 2025, seven women and five men started after 1 February (the table below),
a woman started on 15 January (before the questions were asked), a woman who answered was
a wrong registration, a man started in 2024, and Hälsoteamet, another insats of the
förbund, asks a question of its own of the woman who started there. Four of the women
(w0 and w2 answering the end question, w1 and w4 not) and two of the men (both answering)
ended in 2025; a man who ended in 2024 answered it too.

|     | way in       | support needed         | licence | years |
| --- | ------------ | ---------------------- | ------- | ----- |
| w0  | Remiss       | Boende                 |         | 3     |
| w1  | Remiss       |                        | yes     | 5     |
| w2  | Remiss       | Ekonomi                |         | 2     |
| w3  | Egen anmälan | Hälsa, Ekonomi         |         | 3     |
| w4  | Egen anmälan | Boende                 | yes     | 2     |
| w5  |              |                        | yes     | 3     |
| w6  |              | Hälsa, Ekonomi         | no      | 5     |
| m0  | Remiss       |                        | yes     | 2     |
| m1  | Remiss       | Hälsa, Ekonomi, Boende | no      |       |
| m2  | Egen anmälan | Hälsa, Boende          | yes     |       |
| m3  | Annat        | Boende                 | yes     |       |
| m4  |              |                        | no      | 6     |

(Chosen so that no two rows of different tables have the same counts by chance: the
declarations' checks would take them for one count.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

import samspar
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.registry import services as registry
from samspar.registry.models import QuestionKind
from samspar.reports import definitions
from samspar.reports.catalogue import REPORTS
from samspar.reports.cells import collect, keyed_values
from samspar.reports.exports import export
from samspar.reports.scope import Level, ReportScope
from samspar.reports.suppression import threshold
from samspar.reports.tables import Report, Table
from tests.factories import (
    code,
    enrol,
    make_forbund,
    make_insats,
    make_pnr,
    make_question,
    make_user,
)
from tests.reader import given_away
from tests.test_report_declarations import CHECKS

pytestmark = pytest.mark.django_db

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
ASKED_FROM = dt.date(2025, 2, 1)
COLUMNS = ("women", "men", "total")
DEFINITIONS = Path(samspar.__file__).parent.parent / "docs" / "definitions.md"

# (woman, way in, support needed, licence, years without work) per participant above.
PEOPLE: list[tuple[bool, str | None, tuple[str, ...], bool | None, int | None]] = [
    (True, "Remiss", ("Boende",), None, 3),
    (True, "Remiss", (), True, 5),
    (True, "Remiss", ("Ekonomi",), None, 2),
    (True, "Egen anmälan", ("Hälsa", "Ekonomi"), None, 3),
    (True, "Egen anmälan", ("Boende",), True, 2),
    (True, None, (), True, 3),
    (True, None, ("Hälsa", "Ekonomi"), False, 5),
    (False, "Remiss", (), True, 2),
    (False, "Remiss", ("Hälsa", "Ekonomi", "Boende"), False, None),
    (False, "Egen anmälan", ("Hälsa", "Boende"), True, None),
    (False, "Annat", ("Boende",), True, None),
    (False, None, (), False, 6),
]


@pytest.fixture
def world(db):
    forbund = make_forbund()
    insats = make_insats(forbund, "Arbetslaget", start=dt.date(2015, 1, 1))
    health = make_insats(forbund, "Hälsoteamet", start=dt.date(2015, 1, 1))
    coach = make_user("coach", Role.REGISTRATOR, insats=insats)
    nurse = make_user("nurse", Role.REGISTRATOR, insats=health)
    way = make_question(
        insats,
        QuestionKind.CHOICE,
        text="Hur kom deltagaren till insatsen?",
        choices=("Remiss", "Egen anmälan", "Annat"),
        valid_from=ASKED_FROM,
    )
    support = make_question(
        insats,
        QuestionKind.CHOICES,
        text="Vad behöver deltagaren stöd med?",
        choices=("Hälsa", "Ekonomi", "Boende"),
        valid_from=ASKED_FROM,
    )
    licence = make_question(insats, text="Har deltagaren körkort?", valid_from=ASKED_FROM)
    years = make_question(
        insats, QuestionKind.NUMBER, text="Antal år utan arbete", valid_from=ASKED_FROM
    )
    takes = make_question(
        insats,
        QuestionKind.TEXT,
        text="Vad tar deltagaren med sig?",
        moment="end",
        valid_from=dt.date(2024, 1, 1),
    )
    doctor = make_question(health, text="Har deltagaren en läkarkontakt?", valid_from=ASKED_FROM)
    choice = {c.label: c for q in (way, support) for c in q.choices.all()}
    serial = iter(range(100))

    def start(user, place, woman: bool, day: dt.date, answers: dict[Any, Any]) -> Any:
        born = dt.date(1970, 1, 1) + dt.timedelta(days=101 * next(serial))
        return enrol(
            user,
            place,
            personnummer_text=make_pnr(born, man=not woman),
            start_date=day,
            consent_date=day,
            answers=answers,
        )

    started = []
    for i, (woman, way_in, needs, has_licence, n_years) in enumerate(PEOPLE):
        answers = {
            way: choice[way_in] if way_in else None,
            support: [choice[label] for label in needs],
            licence: has_licence,
            years: None if n_years is None else Decimal(n_years),
        }
        started.append(start(coach, insats, woman, ASKED_FROM + dt.timedelta(days=i), answers))
    # Not asked: started before the questions were asked, or in 2024.
    start(coach, insats, True, dt.date(2025, 1, 15), {})
    start(coach, insats, False, dt.date(2024, 6, 1), {})
    # A wrong registration that answered: never counted.
    wrong = start(coach, insats, True, dt.date(2025, 3, 3), {licence: True, way: choice["Annat"]})
    _end(coach, wrong, dt.date(2025, 3, 10), "felregistrering")
    # Hälsoteamet's own question, and its participant.
    start(nurse, health, True, dt.date(2025, 3, 1), {doctor: True})
    # Asked at the end: four women and two men ended in 2025 (two women without an
    # answer), a man in 2024 (before the period).
    for i, answer in ((0, "Struktur"), (2, "Kontakter"), (1, None), (4, None)):
        _end(coach, started[i], dt.date(2025, 6, 1 + i), answers={takes: answer})
    for i, answer in ((10, "Självförtroende"), (11, "Struktur")):
        _end(coach, started[i], dt.date(2025, 8, 1 + i), answers={takes: answer})
    earlier = start(coach, insats, False, dt.date(2024, 2, 1), {})
    _end(coach, earlier, dt.date(2024, 10, 1), answers={takes: "Självförtroende"})
    return SimpleNamespace(
        forbund=forbund,
        insats=insats,
        health=health,
        coach=coach,
        questions=SimpleNamespace(
            way=way, support=support, licence=licence, years=years, takes=takes, doctor=doctor
        ),
    )


def _end(user, enrolment, day: dt.date, reason: str = "arbete", answers=None) -> None:
    registry.end_enrolment(
        user=user,
        enrolment=enrolment,
        end_date=day,
        end_reason=code(codes.EndReason, reason),
        answers=answers or {},
    )


def _scope(world, level: Level = Level.INSATS, **filters: Any) -> ReportScope:
    object_id = world.insats.pk if level == Level.INSATS else world.forbund.pk
    return ReportScope.for_operator(*YEAR, exact=True, level=level, object_id=object_id, **filters)


def _report(world, level: Level = Level.INSATS, **filters: Any) -> Report:
    return REPORTS["fragor"].build(_scope(world, level, **filters))


def _counts(table: Table) -> dict[str, tuple[Any, ...]]:
    return {str(row[0]): tuple(row[1:]) for row in table.rows}


def _key(question) -> str:
    return f"question_{question.pk}"


def test_one_table_per_question_with_the_counts_by_answer_and_gender(world):
    q = world.questions
    report = _report(world)
    assert [t.key for t in report.tables] == [
        _key(q.way),
        _key(q.support),
        _key(q.licence),
        _key(q.years),
        f"{_key(q.years)}_mean",
        _key(q.takes),
    ]
    way = report.table(_key(q.way))
    assert way.title == "Hur kom deltagaren till insatsen?"
    assert [c.key for c in way.columns[1:]] == list(COLUMNS)
    assert [str(c.label) for c in way.columns] == ["Svar", "Kvinnor", "Män", "Totalt"]
    assert _counts(way) == {
        "Remiss": (3, 2, 5),
        "Egen anmälan": (2, 1, 3),
        "Annat": (0, 1, 1),
        "Ej besvarad": (2, 1, 3),
        "Tillfrågade": (7, 5, 12),
    }
    assert way.total_row == 4 and not way.row_sums  # the rows add up to the asked
    assert _counts(report.table(_key(q.licence))) == {
        "Ja": (3, 3, 6),
        "Nej": (1, 2, 3),
        "Ej besvarad": (3, 0, 3),
        "Tillfrågade": (7, 5, 12),
    }
    assert _counts(report.table(_key(q.years))) == {
        "Besvarad": (7, 2, 9),
        "Ej besvarad": (0, 3, 3),
        "Tillfrågade": (7, 5, 12),
    }
    mean = report.table(f"{_key(q.years)}_mean")
    assert mean.rows == [
        ["Kvinnor", 7, pytest.approx(23 / 7)],
        ["Män", 2, pytest.approx(4.0)],
        ["Totalt", 9, pytest.approx(31 / 9)],
    ]


def test_the_several_choices_count_each_choice_and_do_not_add_up(world):
    table = _report(world).table(_key(world.questions.support))
    assert _counts(table) == {
        "Hälsa": (2, 2, 4),
        "Ekonomi": (3, 1, 4),
        "Boende": (2, 3, 5),
        "Besvarad": (5, 3, 8),
        "Ej besvarad": (2, 2, 4),
        "Tillfrågade": (7, 5, 12),
    }
    choices = sum(table.value(r, "total") for r in range(3))  # type: ignore[misc]
    assert choices == 13 > table.value(3, "total")  # more choices than answered
    # Declared so: no total row over the choices; the asked are the answered and the
    # unanswered.
    assert table.total_row is None
    assert table.row_sums == {5: (3, 4)}
    # So suppression knows each choice only as women + men = total, and the asked as
    # the answered and the unanswered.
    cells = collect([table])
    key = {cell: quantity for cell, (quantity, _value) in keyed_values(table).items()}
    for r in range(3):
        tied = [e for e in cells.equations if key[r, "women"] in e]
        assert tied == [{key[r, "total"]: 1, key[r, "women"]: -1, key[r, "men"]: -1}]
    for column in COLUMNS:
        asked = {key[5, column]: 1, key[3, column]: -1, key[4, column]: -1}
        assert asked in cells.equations
    assert "fler" in str(table.note)  # the note says the choices add up to more


def test_an_end_question_counts_those_who_ended_in_the_period(world):
    table = _report(world).table(_key(world.questions.takes))
    assert _counts(table) == {
        "Besvarad": (2, 2, 4),
        "Ej besvarad": (2, 0, 2),
        "Tillfrågade": (4, 2, 6),
    }
    assert "avslutades" in str(table.note) and "2025-01-01 – 2025-12-31" in str(table.note)


def test_the_note_gives_the_days_of_the_period_the_question_was_asked(world):
    table = _report(world).table(_key(world.questions.way))
    assert "startade" in str(table.note) and "2025-02-01 – 2025-12-31" in str(table.note)


def test_a_forbund_names_the_insats_and_shows_each_insatss_questions(world):
    q = world.questions
    report = _report(world, Level.FORBUND)
    assert [t.key for t in report.tables][-1] == _key(q.doctor)  # Hälsoteamet after
    assert report.table(_key(q.way)).title == "Hur kom deltagaren till insatsen? – Arbetslaget"
    doctor = report.table(_key(q.doctor))
    assert doctor.title == "Har deltagaren en läkarkontakt? – Hälsoteamet"
    assert _counts(doctor)["Ja"] == (1, 0, 1)
    # Arbetslaget's counts are the same at the level of the förbund.
    assert _counts(report.table(_key(q.way))) == _counts(_report(world).table(_key(q.way)))


def test_the_gender_filter_keeps_the_women(world):
    table = _report(world, gender="K").table(_key(world.questions.way))
    assert _counts(table)["Remiss"] == (3, 0, 3)
    assert _counts(table)["Tillfrågade"] == (7, 0, 7)


def test_a_question_not_asked_in_the_period_has_no_table(world):
    scope = ReportScope.for_operator(
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
        exact=True,
        level=Level.INSATS,
        object_id=world.insats.pk,
    )
    report = REPORTS["fragor"].build(scope)
    assert [t.key for t in report.tables] == [_key(world.questions.takes)]
    assert _counts(report.tables[0])["Besvarad"] == (0, 1, 1)


def test_without_questions_the_report_says_so(world):
    other = make_insats(world.forbund, "Utan frågor", start=dt.date(2015, 1, 1))
    scope = ReportScope.for_operator(*YEAR, exact=True, level=Level.INSATS, object_id=other.pk)
    report = REPORTS["fragor"].build(scope)
    assert [t.key for t in report.tables] == ["questions"]
    assert not report.tables[0].rows and "frågor" in str(report.tables[0].note)
    for fmt in ("xlsx", "csv", "json", "pdf"):
        assert export(report, scope, fmt).content


def test_the_report_takes_one_query_per_question(world, django_assert_num_queries):
    scope = _scope(world, Level.FORBUND)
    # The questions and their choices, the ids of the insatser in scope, one per question (6).
    with django_assert_num_queries(2 + 1 + 6):
        REPORTS["fragor"].compute(scope)


def test_the_declarations_of_the_tables_hold(world):
    """tests/test_report_declarations.py's checks, on this report's exact tables."""
    built = SimpleNamespace(
        built=[
            (f"fragor {name}", REPORTS["fragor"].compute(scope))
            for name, scope in (
                ("insats", _scope(world)),
                ("forbund", _scope(world, Level.FORBUND)),
                ("women", _scope(world, gender="K")),
            )
        ]
    )
    for check in CHECKS:
        check(built)


def test_the_asked_is_one_count_for_the_questions_asked_of_the_same_enrolments(world):
    """The asked of the choice and the yes/no question, asked of the same enrolments,
    are one quantity; their answers are not."""
    report = _report(world)
    q = world.questions
    way, licence = report.table(_key(q.way)), report.table(_key(q.licence))
    assert way.total_row == 4 and licence.total_row == 3
    assert way.cell_key(4, {}) == licence.cell_key(3, {})
    assert way.cell_key(3, {}) != licence.cell_key(2, {})  # the unanswered
    assert len(collect([way, licence]).quantities) < 2 * 5 * 3


# --- published ---------------------------------------------------------------------------


def _published(world, key: str) -> tuple[Table, Table, int]:
    analyst = make_user("analyst", Role.FORBUND_ADMIN, forbund=world.forbund)
    scope = ReportScope(*YEAR, user=analyst, level=Level.INSATS, object_id=world.insats.pk)
    published = dataclasses.replace(scope, published=True)
    exact = REPORTS["fragor"].compute(scope.for_any_reader()).table(key)
    shown = REPORTS["fragor"].build(published).table(key)
    return exact, shown, threshold(published)


def test_a_published_several_choices_table_hides_its_small_counts(world):
    exact, shown, limit = _published(world, _key(world.questions.support))
    assert limit == 5
    small = {
        (r, k) for r in range(len(exact.rows)) for k in COLUMNS if 0 < exact.value(r, k) < limit
    }
    assert small and small <= shown.suppressed
    for r, k in shown.suppressed:
        assert shown.value(r, k) is None
    # Nothing hidden can be worked out of what is shown: not from the asked, the
    # answered and the unanswered, nor from the choices, which add up to no total.
    assert not given_away([shown], [exact], limit)


def test_a_published_report_hides_a_mean_over_too_few(world):
    exact, shown, limit = _published(world, f"{_key(world.questions.years)}_mean")
    assert exact.value(1, "answered") == 2 and exact.value(1, "mean") == pytest.approx(4.0)
    assert shown.value(1, "mean") is None  # the men's mean over 2
    assert exact.value(0, "answered") >= limit  # the women's, over 7, is shown
    assert shown.value(0, "mean") == pytest.approx(23 / 7, abs=0.05)


def test_every_published_table_keeps_its_small_counts_hidden(world):
    analyst = make_user("analyst", Role.FORBUND_ADMIN, forbund=world.forbund)
    scope = ReportScope(*YEAR, user=analyst, level=Level.FORBUND, object_id=world.forbund.pk)
    exact = REPORTS["fragor"].compute(scope.for_any_reader())
    shown = REPORTS["fragor"].build(dataclasses.replace(scope, published=True))
    assert not given_away(shown.tables, exact.tables, threshold(scope))


# --- pages, exports, definitions --------------------------------------------------------


def test_the_page_and_the_exports_show_the_report(world, client):
    client.force_login(world.coach)
    params = {
        "level": "insats",
        "object_id": world.insats.pk,
        "date_from": "2025-01-01",
        "date_to": "2025-12-31",
    }
    html = client.get(reverse("report", args=["fragor"]), params).content.decode()
    assert "Förbundets frågor" in html and "Hur kom deltagaren till insatsen?" in html
    assert f'id="table-{_key(world.questions.support)}"' in html
    for fmt in ("xlsx", "csv", "json", "pdf"):
        response = client.get(reverse("report-export", args=["fragor", fmt]), params)
        assert response.status_code == 200, fmt
    data = client.get(reverse("report-export", args=["fragor", "json"]), params).json()
    tables = {t["key"]: t for t in data["tables"]}
    assert _key(world.questions.way) in tables


def test_the_definitions_describe_the_report(world):
    text = DEFINITIONS.read_text(encoding="utf-8")
    assert "## The förbund's questions — Förbundets frågor" in text
    section = text.split("## The förbund's questions", 1)[1].split("\n## ", 1)[0]
    for words in ("`fragor`", "Tillfrågade", "Ej besvarad", "flera", "several", "enrolment"):
        assert words in section, words
    (own, *_shared) = definitions.for_report(REPORTS["fragor"])
    assert own.title.startswith("The förbund's questions")
    client = Client(headers={"accept-language": "sv"})
    client.force_login(make_user("board", Role.BOARD, forbund=world.forbund))
    page = client.get(reverse("report-definitions", args=["fragor"])).content.decode()
    assert "Förbundets frågor" in page
    index = client.get(reverse("report-index")).content.decode()
    assert reverse("report-definitions", args=["fragor"]) in index
    assert "Förbundets frågor" in index
