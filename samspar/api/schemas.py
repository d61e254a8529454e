"""The typed bodies and answers of the registry operations.

Code-list values are given and returned by their ``code`` (stable across installations,
docs/codelists.md; ``GET /codes`` lists them), the home municipality by its four-digit
SCB code. Fields of unknown value may be null where the registry accepts unknown.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.params import functions as params
from pydantic import AfterValidator, ConfigDict, StrictBool, StrictFloat, StrictInt, StrictStr
from pydantic import Field as PydanticField

MAX_ID = 2**63 - 1


def object_id() -> Any:
    """A path parameter naming a row: a positive id no larger than any database holds."""
    return params.Path(..., ge=1, le=MAX_ID)


def _storable(text: str) -> str:
    """Text a database stores: no NUL character, no lone surrogate."""
    if "\x00" in text:
        raise ValueError(_("Null characters are not allowed."))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("The text is not valid Unicode.")) from None
    return text


Name = Annotated[str, PydanticField(max_length=100), AfterValidator(_storable)]
Notes = Annotated[str, PydanticField(max_length=10_000), AfterValidator(_storable)]
Code = Annotated[
    str,
    PydanticField(max_length=40, pattern=r"^[-a-zA-Z0-9_]+$", description="A code-list code"),
]
MunicipalityCode = Annotated[
    str, PydanticField(pattern=r"^[0-9]{4}$", description="SCB's four-digit municipality code")
]
Percent = Annotated[int, PydanticField(ge=0, le=100)]
Count = Annotated[int, PydanticField(ge=0, le=2_147_483_647)]
Version = Annotated[
    int,
    PydanticField(
        ge=1,
        le=2_147_483_647,
        description="The enrolment's version your change is based on (from GET); a "
        "change based on another version is refused with 409",
    ),
]
Years = Annotated[
    Decimal,
    PydanticField(
        ge=0,
        le=70,
        max_digits=4,
        decimal_places=2,
        allow_inf_nan=False,
        description="Years in public support before (the registry decides the decimals)",
    ),
]
Gender = Literal["K", "M"]
CountGender = Literal["K", "M", "X"]
ResidenceKind = Literal["folkbokford", "vistelse"]


# An answer to one of the förbund's own questions, by the question's kind: a string
# (text; a date as YYYY-MM-DD; the label of the choice), a number, true/false (yes or
# no), a list of labels (several choices); null removes the answer.
AnswerValue = (
    StrictBool
    | StrictInt
    | StrictFloat
    | Annotated[StrictStr, PydanticField(max_length=1000), AfterValidator(_storable)]
    | Annotated[
        list[Annotated[StrictStr, PydanticField(max_length=100)]], PydanticField(max_length=30)
    ]
    | None
)
Answers = Annotated[
    dict[Annotated[int, PydanticField(ge=1, le=MAX_ID)], AnswerValue],
    PydanticField(
        max_length=100,
        description="Answers to the insats's own questions by question id (GET "
        "/insatser/{id}/questions): text, a number, true/false, a date YYYY-MM-DD, a "
        "choice's label, or a list of labels; null removes an answer",
    ),
]


class Strict(Schema):
    """A request body: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# --- enrolments ---------------------------------------------------------------------


class EnrolmentStart(Strict):
    """The start and background variables (DOMAIN.md §3)."""

    start_date: dt.date
    referral_date: dt.date | None = None
    consent_date: dt.date | None = Field(None, description="Null: unknown")
    municipality: MunicipalityCode
    residence_kind: ResidenceKind = "folkbokford"
    referring_actor: Code | None = Field(None, description="ReferringActor code; null: unknown")
    supply_before: list[Code] = Field(
        default_factory=list, max_length=50, description="SupplyType codes"
    )
    years_in_public_support: Years | None = None
    education_level: Code | None = Field(None, description="EducationLevel code")
    occupation_before: Code | None = Field(None, description="OccupationType code")
    occupation_before_percent: Percent = 0
    notes: Notes = ""
    answers: Answers = Field(default_factory=dict)


class EnrolmentCreate(EnrolmentStart):
    personnummer: Annotated[str, PydanticField(max_length=20), AfterValidator(_storable)] = Field(
        description="Personnummer or samordningsnummer, YYYYMMDD-NNNN"
    )
    first_name: Name | None = Field(None, description="Null or empty: unknown")
    last_name: Name | None = Field(None, description="Null or empty: unknown")


class EnrolmentEnd(Strict):
    """The end of an active enrolment."""

    version: Version
    end_date: dt.date
    end_reason: Code = Field(description="EndReason code")
    early_dropout: bool = False
    supply_after: list[Code] = Field(default_factory=list, max_length=50)
    occupation_after: Code | None = None
    occupation_after_percent: Percent | None = None
    works_after: bool = False
    studies_after: bool = False
    work_or_studies_increased: bool = False
    answers: Answers = Field(default_factory=dict)


class EnrolmentChange(Strict):
    """A correction: only the fields sent are changed. The end fields only of an ended
    enrolment (end an active one with POST …/end)."""

    version: Version
    first_name: Name | None = None
    last_name: Name | None = None
    start_date: dt.date | None = None
    referral_date: dt.date | None = None
    consent_date: dt.date | None = None
    municipality: MunicipalityCode | None = None
    residence_kind: ResidenceKind | None = None
    referring_actor: Code | None = None
    supply_before: list[Code] | None = Field(None, max_length=50)
    years_in_public_support: Years | None = None
    education_level: Code | None = None
    occupation_before: Code | None = None
    occupation_before_percent: Percent | None = None
    notes: Notes | None = None
    end_date: dt.date | None = None
    end_reason: Code | None = None
    early_dropout: bool | None = None
    supply_after: list[Code] | None = Field(None, max_length=50)
    occupation_after: Code | None = None
    occupation_after_percent: Percent | None = None
    works_after: bool | None = None
    studies_after: bool | None = None
    work_or_studies_increased: bool | None = None
    answers: Answers | None = Field(None, description="Only the questions sent change")


class AnswerOut(Schema):
    question: int
    text: str = Field(description="The question")
    value: bool | int | float | str | list[str] = Field(
        description="As in the answers of a registration; unanswered questions are left out"
    )


class QuestionOut(Schema):
    """One of the förbund's own questions of an insats (docs/questions.md)."""

    id: int
    text: str
    help_text: str
    kind: Literal["text", "number", "yes_no", "choice", "choices", "date"]
    moment: Literal["start", "end"] = Field(
        description="start: asked at registration of those starting in the period; "
        "end: at the end, of those ending in it"
    )
    valid_from: dt.date
    valid_until: dt.date | None
    choices: list[str] = Field(description="The labels to answer with (the choice kinds)")


class EnrolmentOut(Schema):
    """One enrolment with its person (a read of personal data: logged)."""

    id: int
    insats: int
    version: int
    personnummer: str = Field(description="'–' once the identity is removed (gallring)")
    birth_date: dt.date
    gender: Gender = Field(description="Legal gender, from the personnummer")
    first_name: str
    last_name: str
    start_date: dt.date
    referral_date: dt.date | None
    consent_date: dt.date | None
    municipality: str | None
    residence_kind: ResidenceKind
    referring_actor: str | None
    supply_before: list[str]
    years_in_public_support: float | None
    education_level: str | None
    occupation_before: str | None
    occupation_before_percent: int | None
    end_date: dt.date | None
    end_reason: str | None
    early_dropout: bool
    supply_after: list[str]
    occupation_after: str | None
    occupation_after_percent: int | None
    works_after: bool
    studies_after: bool
    work_or_studies_increased: bool
    notes: str
    answers: list[AnswerOut] = Field(description="Answers to the insats's own questions")
    created_at: dt.datetime


class EnrolmentPage(Schema):
    count: int = Field(description="Enrolments matching the filters")
    page: int
    pages: int
    page_size: int
    items: list[EnrolmentOut]


# --- follow-up after exit --------------------------------------------------------------


class FollowUpSituation(Strict):
    """The situation at a follow-up (the end's variables), or that the participant was
    not reached (``reached: false`` and no situation)."""

    date: dt.date = Field(description="The day of the follow-up")
    reached: bool = True
    supply: list[Code] = Field(default_factory=list, max_length=50, description="SupplyType codes")
    occupation: Code | None = Field(None, description="OccupationType code; null: unknown")
    occupation_percent: Percent | None = None
    works: bool = False
    studies: bool = False
    notes: Notes = ""


class FollowUpCreate(FollowUpSituation):
    months_after: Annotated[int, PydanticField(ge=1, le=60)] = Field(
        description="One of the insats's follow_up_months"
    )


class FollowUpChange(Strict):
    """A correction: only the fields sent are changed."""

    version: Version
    date: dt.date | None = None
    reached: bool | None = None
    supply: list[Code] | None = Field(None, max_length=50)
    occupation: Code | None = None
    occupation_percent: Percent | None = None
    works: bool | None = None
    studies: bool | None = None
    notes: Notes | None = None


class FollowUpOut(Schema):
    id: int
    enrolment: int
    version: int
    months_after: int
    date: dt.date
    reached: bool
    supply: list[str]
    occupation: str | None
    occupation_percent: int | None
    works: bool
    studies: bool
    notes: str


class FollowUpDue(Schema):
    """A follow-up to do: due from three months ago to a month ahead, not registered."""

    enrolment: int
    insats: int
    first_name: str
    last_name: str
    end_date: dt.date
    months_after: int
    due: dt.date
    upcoming: bool = Field(description="Not yet due (it may be registered a month early)")


# --- aggregates ------------------------------------------------------------------------


class AnonymousCreate(Strict):
    gender: CountGender = Field(description="K, M or X (unknown)")
    start_year: Annotated[int, PydanticField(ge=2000, le=2100)]
    reason: Literal["skyddad", "samtycke"] = Field(
        description="skyddad: protected identity; samtycke: no consent"
    )


class AnonymousOut(Schema):
    id: int
    insats: int
    gender: CountGender
    start_year: int
    reason: str


class VolumeCountIn(Strict):
    period_start: dt.date
    period_end: dt.date
    gender: CountGender
    count: Count


class VolumeCountOut(Schema):
    id: int
    insats: int
    period_start: dt.date
    period_end: dt.date
    gender: CountGender
    count: int


class StructuralCountIn(Strict):
    period_start: dt.date
    period_end: dt.date
    party: Annotated[int, PydanticField(ge=1, le=MAX_ID)] | None = Field(
        None, description="Id of a member party of the insats's förbund (GET /insatser)"
    )
    count: Count


class StructuralCountOut(Schema):
    id: int
    insats: int
    period_start: dt.date
    period_end: dt.date
    party: int | None
    count: int


# --- insatser and code lists ------------------------------------------------------------


class Named(Schema):
    id: int
    name: str


class PartyOut(Schema):
    id: int
    kind: str = Field(description="fk, af, region or kommun")
    name: str
    municipality: str | None


class InsatsOut(Schema):
    id: int
    name: str
    forbund: Named
    team: Named | None
    kind: str = Field(description="individ or struktur")
    follow_up_method: str = Field(description="personal, anonymous or volume")
    follow_up_months: list[int] = Field(
        description="The follow-up points after exit, in months after the end (empty: none)"
    )
    start_date: dt.date
    end_date: dt.date | None
    actions: list[str] = Field(
        description="What you may do here: view, view_personal, register, manage"
    )
    parties: list[PartyOut] = Field(description="The förbund's member parties")


class CodeOut(Schema):
    code: str
    label: str
    active: bool
    parent: str | None = Field(None, description="Referring actors: the parent's code")


class CodeLists(Schema):
    referring_actors: list[CodeOut]
    supply_types: list[CodeOut]
    education_levels: list[CodeOut]
    occupation_types: list[CodeOut]
    end_reasons: list[CodeOut]
    municipalities: list[CodeOut]
