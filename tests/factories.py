"""Small builders for test data. They write through the services where one exists."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth.models import User

from samspar.access.models import RoleAssignment
from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.core.personnummer import luhn_check_digit
from samspar.economics import seed004, typecases
from samspar.economics import services as economics_services
from samspar.economics.models import NYTTOSAM, Evaluation, Method, StandardValueSet
from samspar.organisation.models import (
    County,
    FollowUpMethod,
    Forbund,
    Insats,
    InsatsKind,
    MemberParty,
    Municipality,
    PartyKind,
)
from samspar.registry import question_services, services
from samspar.registry.models import Enrolment, Question

_serials = itertools.count(100)


def make_pnr(birth: dt.date, *, man: bool, coordination: bool = False) -> str:
    """A valid twelve-digit personnummer (YYYYMMDD-NNNC) for the birth date."""
    serial = f"{next(_serials) % 1000:03d}"
    while (int(serial[2]) % 2 == 1) != man:
        serial = f"{next(_serials) % 1000:03d}"
    day = birth.day + (60 if coordination else 0)
    nine = f"{birth:%y%m}{day:02d}{serial}"
    return f"{birth:%Y%m}{day:02d}-{serial}{luhn_check_digit(nine)}"


def code(model: Any, value: str) -> Any:
    """The code-list entry of ``model`` with this stable code."""
    return model.objects.get(code=value)


def make_forbund(name: str = "Södra Dalarnas samordningsförbund", county: str = "20") -> Forbund:
    forbund = Forbund.objects.create(name=name, county=County.objects.get(code=county))
    for kind, label in [(PartyKind.FK, "Försäkringskassan"), (PartyKind.AF, "Arbetsförmedlingen")]:
        MemberParty.objects.create(forbund=forbund, kind=kind, name=label)
    return forbund


def make_insats(
    forbund: Forbund,
    name: str = "Samverkansteam Avesta",
    *,
    kind: str = InsatsKind.INDIVIDUAL,
    method: str = FollowUpMethod.PERSONAL,
    start: dt.date = dt.date(2015, 5, 13),
) -> Insats:
    return Insats.objects.create(
        forbund=forbund,
        name=name,
        kind=kind,
        follow_up_method=method,
        start_date=start,
        trial_period_months=2,
    )


def make_question(
    insats: Insats,
    kind: str = "yes_no",
    *,
    text: str = "Har deltagaren körkort?",
    moment: str = "start",
    choices: tuple[str, ...] = (),
    valid_from: dt.date = dt.date(2015, 1, 1),
    valid_until: dt.date | None = None,
) -> Question:
    """A question of the insats, defined by a förbund administrator made for it."""
    admin = User.objects.filter(
        role_assignments__role=Role.FORBUND_ADMIN, role_assignments__forbund=insats.forbund
    ).first() or make_user(f"admin{next(_serials)}", Role.FORBUND_ADMIN, forbund=insats.forbund)
    return question_services.define_question(
        user=admin,
        insats=insats,
        text=text,
        kind=kind,
        moment=moment,
        valid_from=valid_from,
        valid_until=valid_until,
        choices=choices,
    )


def make_user(
    username: str, role: Role, *, forbund: Forbund | None = None, insats: Insats | None = None
) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username)
    RoleAssignment.objects.create(user=user, role=role, forbund=forbund, insats=insats)
    return user


def start_fields(**overrides: Any) -> dict[str, Any]:
    """Valid start variables for register_enrolment (a man born 1990 from Avesta)."""
    values: dict[str, Any] = {
        "personnummer_text": make_pnr(dt.date(1990, 3, 14), man=True),
        "first_name": "Erik",
        "last_name": "Andersson",
        "supply_before": [code(codes.SupplyType, "forsorjningsstod")],
        "start_date": dt.date(2022, 3, 1),
        "consent_date": dt.date(2022, 3, 1),
        "municipality": Municipality.objects.get(code="2084"),
        "referring_actor": code(codes.ReferringActor, "region-psykiatri"),
        "education_level": code(codes.EducationLevel, "gymnasial"),
        "occupation_before": code(codes.OccupationType, "ingen"),
        "years_in_public_support": 4,
    }
    values.update(overrides)
    return values


def enrol(user: User, insats: Insats, **overrides: Any) -> Enrolment:
    return services.register_enrolment(user=user, insats=insats, **start_fields(**overrides))


def ended_enrolment(
    user: User,
    insats: Insats,
    end: dt.date,
    *,
    reason: str = "arbete",
    n: int = 0,
    **end_fields: Any,
) -> Enrolment:
    """The ``n``th participant (born 1980-01-01 + n days), enrolled 200 days before
    ``end`` and ended then with the end reason of code ``reason``."""
    enrolment = enrol(
        user,
        insats,
        personnummer_text=make_pnr(dt.date(1980, 1, 1) + dt.timedelta(days=n), man=n % 2 == 0),
        start_date=end - dt.timedelta(days=200),
        consent_date=end - dt.timedelta(days=200),
    )
    return services.end_enrolment(
        user=user,
        enrolment=enrolment,
        end_date=end,
        end_reason=code(codes.EndReason, reason),
        **end_fields,
    )


def make_type_case_evaluation(
    user: User, forbund: Forbund, value_set: StandardValueSet, name: str = "Typfall"
) -> Evaluation:
    """Seed 004's type-case evaluation (81 participants, 6 mkr), saved through the
    service as the user."""
    return economics_services.save_evaluation(
        user=user,
        evaluation=Evaluation(
            forbund=forbund,
            name=name,
            method=Method.TYPE_CASES,
            value_set=value_set,
            participants=81,
            cost=6_000_000,
            actor_cost=seed004.ACTOR_COST.value,
            wage_subsidy_ceiling=seed004.WAGE_SUBSIDY_CEILING,
            before_supply=typecases.before_supply(),
            before_resources=dict(seed004.RESOURCE_USE),
            **NYTTOSAM,
        ),
        groups=typecases.group_rows(),
    )
