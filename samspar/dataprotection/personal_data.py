"""Every table column that identifies a participant, in one list.

Gallring (``gallring.py``) blanks these columns, key rotation (``rotation.py``)
re-encrypts the ``encrypted`` ones (and those of ``OTHER_CIPHERTEXTS``), the register
extract (``extract.py``) shows every row of a table marked ``in_extract``, and a test
checks that no other text column of a listed table is left out. A new table holding
names, numbers or free text about a person — a history table included — gets one
``Holder`` here, and is then removed by gallring, rotated, and shown in register
extracts without further code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import CharField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Concat

# What an erased look-up hash becomes: unique (the column is), never a valid hash.
ERASED_HASH = Concat(Value("gallrad-"), Cast("pk", CharField()))


@dataclass(frozen=True)
class Holder:
    """A table with data identifying a person.

    ``person`` is the lookup from a row to its person's id; ``erase`` what gallring
    writes into each identifying column; ``encrypted`` the columns holding Fernet
    ciphertexts (``core.crypto``); ``insats`` the lookup from a row to its insats's id
    (empty: the row is about the person as a whole, e.g. their names); ``in_extract``
    whether the register extract lists the table's rows as they are (False for the
    tables it presents in sections of its own).
    """

    model: str
    person: str
    erase: dict[str, Combinable | str] = field(default_factory=dict)
    encrypted: tuple[str, ...] = ()
    insats: str = ""
    in_extract: bool = True

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


@dataclass(frozen=True)
class Ciphertext:
    """An encrypted column of a table that is not about one person (so not a ``Holder``:
    gallring and the register extract do not go through it by person), which key
    rotation re-encrypts all the same. ``binary``: the column is a BinaryField holding
    the token's bytes (None when empty) instead of text ("" when empty)."""

    model: str
    column: str
    binary: bool = False

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


HOLDERS: tuple[Holder, ...] = (
    Holder(
        "registry.Person",
        person="pk",
        erase={"pnr_encrypted": "", "pnr_hash": ERASED_HASH},
        encrypted=("pnr_encrypted",),
        in_extract=False,
    ),
    Holder(
        "registry.Enrolment",
        person="person_id",
        erase={"first_name": "", "last_name": "", "notes": ""},
        insats="insats_id",
        in_extract=False,
    ),
    Holder(
        "registry.HistoricalEnrolment",
        person="person_id",
        erase={"first_name": "", "last_name": "", "notes": ""},
        insats="insats_id",
        in_extract=False,
    ),
    Holder(
        "registry.FollowUp",
        person="enrolment__person_id",
        erase={"notes": ""},
        insats="enrolment__insats_id",
        in_extract=False,
    ),
    Holder(
        "registry.HistoricalFollowUp",
        person="enrolment__person_id",
        erase={"notes": ""},
        insats="enrolment__insats_id",
        in_extract=False,
    ),
    # A free-text answer to one of the förbund's own questions may name or describe the
    # person; the other kinds of answer (number, yes/no, date, choices) are statistics
    # and stay. The extract shows the answers with their enrolment.
    Holder(
        "registry.Answer",
        person="enrolment__person_id",
        erase={"text": ""},
        insats="enrolment__insats_id",
        in_extract=False,
    ),
    Holder(
        "registry.HistoricalAnswer",
        person="enrolment__person_id",
        erase={"text": ""},
        insats="enrolment__insats_id",
        in_extract=False,
    ),
)


# The import's kept file and its error list (whose values may be personnummer): see
# docs/import.md; their retention is ``imports.services.remove_expired_personal_data``.
OTHER_CIPHERTEXTS: tuple[Ciphertext, ...] = (
    Ciphertext("imports.ImportRun", "data", binary=True),
    Ciphertext("imports.ImportRun", "errors_encrypted"),
)
