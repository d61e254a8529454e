"""The demo world: deterministic, realistic, and consistent with every rule of the registry."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.test import override_settings
from django.utils import timezone

from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.core import crypto, personnummer
from samspar.demo import builder, world
from samspar.organisation.models import (
    BudgetLine,
    County,
    Financing,
    FollowUpMethod,
    Forbund,
    Insats,
    InsatsKind,
    PartyKind,
    StaffMember,
    Team,
)
from samspar.registry.models import (
    AnonymousEnrolment,
    Answer,
    Enrolment,
    FollowUp,
    Person,
    Question,
    StructuralCount,
    VolumeCount,
    WaitingListCount,
)

SCALE = 0.05


@pytest.fixture(scope="class")
def built(django_db_setup, django_db_blocker):
    """One demo world shared by the read-only tests of a class, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield builder.build(scale=SCALE)
        transaction.set_rollback(True)


@pytest.fixture
def demo(built, db):
    return built


def _log_in_as_the_readme_says(client, username: str) -> None:
    """The printed password, then (registrars and administrators) the code that
    ``samspar demo_code`` prints."""
    response = client.post("/login/", {"username": username, "password": builder.DEMO_PASSWORD})
    assert response.status_code == 302, username
    if client.get("/").status_code == 302:
        out = io.StringIO()
        with override_settings(DEBUG=True):
            call_command("demo_code", username, stdout=out)
        response = client.post("/login/tvafaktor/", {"code": out.getvalue().strip()})
        assert response.status_code == 302, username


def _digest() -> str:
    """A fingerprint of the data that does not depend on primary keys."""
    parts: list[object] = [
        list(Person.objects.order_by("pnr_hash").values_list("pnr_hash", "birth_date", "gender")),
        list(
            Enrolment.objects.order_by("person__pnr_hash", "insats__name", "start_date")
            .annotate(n_before=Count("supply_before"))
            .values_list(
                "person__pnr_hash",
                "insats__name",
                "first_name",
                "last_name",
                "start_date",
                "referral_date",
                "end_date",
                "end_reason__code",
                "referring_actor__code",
                "years_in_public_support",
                "municipality_id",
                "n_before",
            )
        ),
        list(
            BudgetLine.objects.order_by("insats__name", "year", "category__code").values_list(
                "insats__name", "year", "category__code", "budget", "outcome"
            )
        ),
        list(
            AnonymousEnrolment.objects.values_list("insats__name", "start_year", "gender")
            .annotate(n=Count("id"))
            .order_by("insats__name", "start_year", "gender")
        ),
        list(
            StaffMember.objects.order_by("insats__name", "name", "start_date").values_list(
                "insats__name", "name", "fte_percent"
            )
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def test_same_seed_gives_same_data(db, settings):
    settings.DEBUG = True  # reset refuses otherwise
    first = builder.build(scale=SCALE)
    digest = _digest()
    assert first.enrolments > 100
    builder.reset()
    assert builder.database_is_empty()
    second = builder.build(scale=SCALE)
    assert _digest() == digest
    assert (second.persons, second.enrolments, second.anonymous) == (
        first.persons,
        first.enrolments,
        first.anonymous,
    )
    builder.reset()
    builder.build(seed=builder.DEFAULT_SEED + 1, scale=SCALE)
    assert _digest() != digest


class TestDemoWorld:
    """Checks on one demo world built at a small scale."""

    def test_every_role_has_a_demo_login(self, demo, client):
        assert {role for role in Role} == set(RoleAssignment.objects.values_list("role", flat=True))
        for username, _role, _scope in demo.logins:
            _log_in_as_the_readme_says(client, username)
            assert client.get("/").status_code == 200, username
            client.post("/logout/")
        sysadmin = User.objects.get(username="sysadmin")
        assert sysadmin.is_staff and sysadmin.is_superuser
        assert not User.objects.exclude(username="sysadmin").filter(is_superuser=True).exists()
        coach = User.objects.get(username="coach.sydnarke")
        assert set(coach.role_assignments.values_list("insats__name", flat=True)) == {
            "Mottagningsteam Sydnärke",
            "Coachingteam Sydnärke",
        }
        assert RoleAssignment.objects.get(user__username="coach.avesta").role == Role.REGISTRATOR
        assert (
            RoleAssignment.objects.get(user__username="insats.avesta").role == Role.INSATS_MANAGER
        )
        assert (
            RoleAssignment.objects.get(user__username="admin.sodradalarna").forbund.name
            == "Södra Dalarnas samordningsförbund"
        )
        assert RoleAssignment.objects.get(user__username="styrelse.sodradalarna").role == Role.BOARD

    def test_no_date_lies_in_the_future(self, demo):
        today = timezone.localdate()
        dates = {
            Enrolment: ("start_date", "referral_date", "consent_date", "end_date"),
            FollowUp: ("date",),
            VolumeCount: ("period_start", "period_end"),
            StructuralCount: ("period_start", "period_end"),
            WaitingListCount: ("date",),
            StaffMember: ("start_date",),
            Insats: ("start_date",),
            Person: ("birth_date",),
        }
        for model, fields in dates.items():
            for name in fields:
                rows = model._default_manager.filter(**{f"{name}__gt": today})
                assert not rows.exists(), (model, name)
        assert not Enrolment.history.filter(history_date__gt=timezone.now()).exists()
        assert not AnonymousEnrolment.objects.filter(start_year__gt=today.year).exists()
        assert not BudgetLine.objects.filter(year__gt=today.year).exists()
        assert Enrolment.objects.filter(start_date__lt=dt.date(2020, 1, 1)).exists()
        assert Enrolment.objects.filter(start_date__year=today.year).exists()

    def test_enrolments_keep_every_rule(self, demo):
        e = Enrolment.objects
        assert not e.filter(end_date__lt=F("start_date")).exists()
        assert not e.filter(end_date__isnull=True, end_reason__isnull=False).exists()
        assert not e.filter(end_date__isnull=False, end_reason__isnull=True).exists()
        assert not e.filter(end_date__isnull=True, early_dropout=True).exists()
        assert not e.filter(referral_date__gt=F("start_date")).exists()
        assert not e.filter(consent_date__gt=F("start_date")).exists()
        assert not e.filter(start_date__lt=F("insats__start_date")).exists()
        assert not e.exclude(insats__follow_up_method=FollowUpMethod.PERSONAL).exists()
        active_twice = (
            e.filter(end_date__isnull=True).values("person", "insats").annotate(n=Count("id"))
        )
        assert not active_twice.filter(n__gt=1).exists()
        # No overlapping periods of one person in one insats (the services' rule).
        periods = defaultdict(list)
        for person, insats, start, end in e.values_list(
            "person", "insats", "start_date", "end_date"
        ).order_by("start_date"):
            periods[(person, insats)].append((start, end or dt.date.max))
        for spans in periods.values():
            for (_, end1), (start2, _) in itertools.pairwise(spans):
                assert end1 < start2
        # 1–2 supply types before, and an age of 18–64 at the start.
        counts = Counter(e.annotate(n=Count("supply_before")).values_list("n", flat=True))
        assert set(counts) <= {1, 2}
        for enrolment in e.select_related("person", "insats", "end_reason"):
            age = personnummer.age_on(enrolment.person.birth_date, enrolment.start_date)
            assert 18 <= age <= 64
            if enrolment.early_dropout and enrolment.end_date:
                trial_days = max(enrolment.insats.trial_period_months, 1) * 30
                assert (enrolment.end_date - enrolment.start_date).days <= trial_days
        # bulk_create skipped validation: validate a sample the way the services do.
        for enrolment in e.order_by("pk")[::25]:
            enrolment.full_clean()
        for follow_up in FollowUp.objects.order_by("pk")[::25]:
            follow_up.full_clean()

    def test_the_first_forbund_asks_its_own_questions_and_answers_keep_the_rules(self, demo):
        """Every answer is one the services would have taken (asked within the period, of
        the question's kind), with the "+" record the services leave and its choices."""
        questions = Question.objects.select_related("insats__forbund")
        assert {q.insats.forbund.name for q in questions} == {world.FORBUND[0].name}
        assert questions.count() == 3 * questions.values("insats").distinct().count() >= 3
        answers = Answer.objects.select_related("question", "enrolment").prefetch_related("choices")
        assert set(answers.values_list("question__kind", flat=True)) == {
            "yes_no",
            "choice",
            "choices",
        }
        for answer in answers:
            question, enrolment = answer.question, answer.enrolment
            day = enrolment.start_date if question.moment == "start" else enrolment.end_date
            assert question.asked_on(day)
            answer.full_clean()
            chosen = {c.pk for c in answer.choices.all()}
            if question.kind == "yes_no":
                assert answer.yes is not None and not chosen
            else:
                assert answer.yes is None and 1 <= len(chosen) <= (
                    1 if question.kind == "choice" else 2
                )
                assert {c.question_id for c in answer.choices.all()} == {question.pk}
            record = answer.history.get()
            assert record.history_type == "+"
            assert record.history_user_id is not None
            assert {c.questionchoice_id for c in record.choices.all()} == chosen

    def test_after_variables_follow_the_end_reason(self, demo):
        e = Enrolment.objects
        work = Q(end_reason__code__in=["arbete", "arbete-med-stod"])
        assert e.filter(work).exists()
        assert not e.filter(work, works_after=False).exists()
        assert not e.filter(work, early_dropout=False, occupation_after__code__isnull=True).exists()
        assert not e.filter(end_reason__code="studier", studies_after=False).exists()
        assert not e.exclude(work).filter(works_after=True).exists()
        assert not e.exclude(end_reason__code="studier").filter(studies_after=True).exists()
        assert not e.filter(end_reason__code="felregistrering", supply_after__isnull=False).exists()
        active = e.filter(end_date__isnull=True)
        assert not active.filter(
            Q(supply_after__isnull=False) | Q(works_after=True) | Q(occupation_after__isnull=False)
        ).exists()
        for follow_up in FollowUp.objects.select_related("enrolment__insats"):
            assert follow_up.enrolment.end_date is not None
            assert not follow_up.enrolment.early_dropout
            assert follow_up.date > follow_up.enrolment.end_date
            assert follow_up.months_after in follow_up.enrolment.insats.follow_up_months
        # Some could not be reached, and have no situation.
        not_reached = FollowUp.objects.filter(reached=False)
        assert 0.05 < not_reached.count() / FollowUp.objects.count() < 0.3
        assert not not_reached.filter(Q(works=True) | Q(occupation__isnull=False)).exists()

    def test_persons_have_valid_encrypted_identity_numbers(self, demo):
        persons = list(Person.objects.all())
        assert len({p.pnr_hash for p in persons}) == len(persons)
        for person in persons[::10]:
            plain = crypto.decrypt(person.pnr_encrypted)
            parsed = personnummer.parse(plain)
            assert parsed.canonical == plain
            assert crypto.lookup_hash(plain) == person.pnr_hash
            assert parsed.birth_date == person.birth_date
            assert parsed.gender.value == person.gender
            assert parsed.coordination == person.is_coordination_number

    def test_distributions_are_plausible(self, demo):
        enrolments = list(
            Enrolment.objects.select_related("person", "end_reason", "referring_actor")
        )
        n = len(enrolments)
        women = sum(e.person.gender == "K" for e in enrolments) / n
        assert 0.45 < women < 0.65
        ages = [personnummer.age_on(e.person.birth_date, e.start_date) for e in enrolments]
        assert 31 < sum(ages) / n < 39
        ended = [e for e in enrolments if e.end_date]
        assert 0.03 < sum(e.early_dropout for e in ended) / len(ended) < 0.15
        work = sum(e.end_reason.code in ("arbete", "arbete-med-stod") for e in ended) / len(ended)
        assert 0.1 < work < 0.3
        top = Counter(
            (e.referring_actor.parent or e.referring_actor).code for e in enrolments
        ).most_common(2)
        assert {code for code, _ in top} == {"kommun", "region"}
        years = [e.years_in_public_support for e in enrolments if e.years_in_public_support]
        assert Decimal(3) < sum(years) / len(years) < Decimal(7)
        assert max(years) <= 15

    def test_organisation_follows_the_seeds(self, demo):
        assert County.objects.filter(forbund__isnull=False).distinct().count() >= 2
        assert Forbund.objects.count() >= 4
        names = set(Forbund.objects.values_list("name", flat=True))
        assert {
            "Södra Dalarnas samordningsförbund",
            "Samordningsförbundet Sydnärke",
            "Samordningsförbundet Degerfors/Karlskoga",
            "Finsam Lekeberg och Örebro",
        } <= names
        dalarna = Forbund.objects.get(name="Södra Dalarnas samordningsförbund")
        assert dalarna.county_id == "20"
        assert set(
            dalarna.parties.filter(kind=PartyKind.KOMMUN).values_list("municipality_id", flat=True)
        ) == {"2084", "2083", "2082"}
        assert dalarna.parties.filter(kind=PartyKind.REGION, name="Region Dalarna").exists()
        avesta = Insats.objects.get(forbund=dalarna, name="Samverkansteam Avesta")
        assert (avesta.start_date, avesta.trial_period_months) == (dt.date(2015, 5, 13), 2)
        assert Insats.objects.filter(forbund=dalarna, kind=InsatsKind.STRUCTURAL).exists()
        sydnarke = Forbund.objects.get(name="Samordningsförbundet Sydnärke")
        assert sydnarke.county_id == "18"
        assert {
            "Mottagningsteam Sydnärke",
            "Coachingteam Sydnärke",
            "Projekt Växa/Mottagningsteam",
            "Projekt Växa/Coachingteam",
            "Rådgivande ärende i Mottagningsteamet",
            "Kompetensutveckling till handläggare",
            "Rehabiliteringsmässan",
            "Gemensam samverkansdag",
            "Behovsinventering",
        } <= set(sydnarke.insatser.values_list("name", flat=True))
        assert set(Team.objects.filter(forbund=sydnarke).values_list("name", flat=True)) == {
            "Mottagningsteamet",
            "Coachingteamet",
        }
        advice = Insats.objects.get(name="Rådgivande ärende i Mottagningsteamet")
        assert advice.follow_up_method == FollowUpMethod.VOLUME
        assert VolumeCount.objects.filter(insats=advice, period_start=dt.date(2022, 1, 1)).exists()
        assert StructuralCount.objects.filter(
            insats__forbund=sydnarke, party__isnull=False
        ).exists()

    def test_avesta_economy_staff_and_waiting_list_follow_seed_002(self, demo):
        lines = BudgetLine.objects.filter(insats__name="Samverkansteam Avesta", year=2022)
        assert sorted(lines.values_list("category__code", "budget", "outcome")) == [
            ("egen-personal", 2_000_000, 1_923_361),
            ("externa-tjanster", 150_000, 90_498),
            ("lokaler", 40_000, 8_460),
            ("ovriga", 110_000, 129_875),
        ]
        financing = Financing.objects.filter(insats__name="Samverkansteam Avesta", year=2022)
        assert financing.aggregate(s=Sum("amount"))["s"] == 2_300_000
        assert financing.get(party__kind=PartyKind.FK).amount == 1_150_000
        assert financing.get(party__kind=PartyKind.REGION).amount == 575_000
        # Every year's financing adds up to its budget.
        for insats_id, year, total in BudgetLine.objects.values_list("insats", "year").annotate(
            s=Sum("budget")
        ):
            paid = Financing.objects.filter(insats_id=insats_id, year=year).aggregate(
                s=Sum("amount")
            )
            assert paid["s"] == total
        sonja = StaffMember.objects.get(insats__name="Samverkansteam Avesta", name="Sonja Tiger")
        assert sonja.fte_percent == 100
        assert sonja.employer.municipality_id == "2084"
        karin = StaffMember.objects.get(name="Karin Dilts Lindblom")
        assert karin.fte_percent == 20
        assert karin.employer.name == "Region Dalarna"
        assert (
            WaitingListCount.objects.get(
                insats__name="Samverkansteam Avesta", date=dt.date(2022, 12, 31)
            ).count
            == 6
        )


def test_command_refuses_a_filled_database_unless_reset(db, settings):
    settings.DEBUG = True  # reset refuses otherwise
    out = io.StringIO()
    call_command("demo", "--scale", str(SCALE), stdout=out)
    text = out.getvalue()
    assert "coach.avesta" in text and builder.DEMO_PASSWORD in text
    enrolments = Enrolment.objects.count()
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--scale", str(SCALE), stdout=io.StringIO())
    assert Enrolment.objects.count() == enrolments
    call_command("demo", "--scale", str(SCALE), "--reset", stdout=io.StringIO())
    assert Enrolment.objects.count() == enrolments
    assert User.objects.filter(username="coach.avesta").count() == 1
