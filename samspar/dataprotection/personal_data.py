"""Every table column that identifies a participant, in one list.

Gallring (``gallring.py``) blanks these columns, key rotation (``rotation.py``)
re-encrypts the ``encrypted`` ones, the register extract (``extract.py``) shows every
row of a table marked ``in_extract``, and a test checks that no other text column of a
listed table is left out. A new table holding names, numbers or free text about a
person — a history table included — gets one ``Holder`` here, and is then removed by
gallring, rotated, and shown in register extracts without further code.
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
)
