"""The code lists a code column's values are looked up in: for each, the entries with
the names a sheet may use for them (code, Swedish and English label…) and the one name
the template's drop-down shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from samspar.codelists.models import (
    CostCategory,
    EducationLevel,
    EndReason,
    OccupationType,
    ReferringActor,
    SupplyType,
)
from samspar.imports import values
from samspar.imports.engine import UnknownValue
from samspar.organisation.models import MemberParty, Municipality
from samspar.registry.models import AnonymousReason, CountGender, ResidenceKind

if TYPE_CHECKING:
    from samspar.organisation.models import Insats


@dataclass(frozen=True)
class Option:
    value: Any  # what a parsed cell becomes (a model instance or a code)
    code: str  # the stable code a mapping stores
    shown: str  # the template's drop-down text
    names: tuple[str, ...]  # other names a sheet may use


def _entries(model: Any) -> list[Option]:
    return [
        Option(e, e.code, e.label_sv, (e.code, e.label_sv, e.label_en))
        for e in model.objects.filter(active=True).order_by("sort_order", "code")
    ]


def _referrers(insats: Insats | None) -> list[Option]:
    options = []
    for e in ReferringActor.objects.filter(active=True).select_related("parent"):
        if e.parent is not None:
            shown = f"{e.parent.label_sv}: {e.label_sv}"
            names: tuple[str, ...] = (
                e.code,
                shown,
                f"{e.parent.label_sv} - {e.label_sv}",
                f"{e.parent.label_en}: {e.label_en}",
                e.label_sv,
            )
        else:
            shown = e.label_sv
            names = (e.code, e.label_sv, e.label_en)
        options.append(Option(e, e.code, shown, names))
    return options


def _municipalities(insats: Insats | None) -> list[Option]:
    return [
        Option(
            m,
            m.code,
            f"{m.name} ({m.code})",
            (m.code, str(int(m.code)), m.name, f"{m.name} kommun"),
        )
        for m in Municipality.objects.order_by("name")
    ]


_GENDER_NAMES = {
    CountGender.WOMAN: ("K", "Kvinna", "Kvinnor", "Kv", "F", "Woman", "Female"),
    CountGender.MAN: ("M", "Man", "Män", "Male"),
    CountGender.UNKNOWN: ("X", "Annat", "Okänt kön"),
}


def _genders(insats: Insats | None) -> list[Option]:
    shown = {CountGender.WOMAN: "Kvinna", CountGender.MAN: "Man", CountGender.UNKNOWN: "Okänt kön"}
    return [Option(g.value, g.value, shown[g], _GENDER_NAMES[g]) for g in CountGender]


def _residence(insats: Insats | None) -> list[Option]:
    return [
        Option(
            ResidenceKind.REGISTERED.value,
            "folkbokford",
            "Folkbokförd",
            ("folkbokford", "Folkbokförd", "Folkbokföringskommun"),
        ),
        Option(ResidenceKind.STAYING.value, "vistelse", "Vistelse", ("vistelse", "Vistelsekommun")),
    ]


def _anonymous_reasons(insats: Insats | None) -> list[Option]:
    return [
        Option(
            AnonymousReason.PROTECTED_IDENTITY.value,
            "skyddad",
            "Skyddad identitet",
            ("skyddad", "Skyddad identitet", "Skyddade personuppgifter"),
        ),
        Option(
            AnonymousReason.NO_CONSENT.value,
            "samtycke",
            "Inget samtycke",
            ("samtycke", "Inget samtycke", "Saknar samtycke"),
        ),
    ]


def _parties(insats: Insats | None) -> list[Option]:
    if insats is None:
        return []
    parties = MemberParty.objects.filter(forbund_id=insats.forbund_id).select_related(
        "municipality"
    )
    options = []
    for p in parties:
        names: tuple[str, ...] = (p.name, str(p.pk))
        if p.municipality is not None:
            names += (p.municipality.name, p.municipality.code)
        else:
            names += (p.kind,)
        options.append(Option(p, str(p.pk), p.name, names))
    return options


SOURCES: dict[str, tuple[str, Callable[[Insats | None], list[Option]]]] = {
    "referrer": ("Remitterande aktör", _referrers),
    "supply": ("Försörjning", lambda insats: _entries(SupplyType)),
    "education": ("Utbildningsnivå", lambda insats: _entries(EducationLevel)),
    "occupation": ("Sysselsättning", lambda insats: _entries(OccupationType)),
    "end_reason": ("Avslutsanledning", lambda insats: _entries(EndReason)),
    "municipality": ("Kommuner", _municipalities),
    "gender": ("Kön", _genders),
    "residence": ("Folkbokföring", _residence),
    "anon_reason": ("Anonym anledning", _anonymous_reasons),
    "party": ("Parter", _parties),
    "cost_category": ("Kostnadsslag", lambda insats: _entries(CostCategory)),
}


class Lookup:
    """Parses a cell of a code column: the förbund's saved mapping first, then every
    name of every entry, compared normalised."""

    def __init__(self, options: list[Option], mapped: dict[str, str]) -> None:
        self.by_name: dict[str, Any] = {}
        by_code: dict[str, Any] = {}
        for option in options:
            by_code[option.code] = option.value
            for name in (option.shown, *option.names):
                self.by_name.setdefault(values.normalise(name), option.value)
        for raw, code in mapped.items():
            if code in by_code:
                self.by_name[values.normalise(raw)] = by_code[code]
            elif code == "":
                self.by_name[values.normalise(raw)] = None

    def __call__(self, raw: object) -> Any:
        if raw is None:
            return None
        key = values.normalise(
            raw if not isinstance(raw, float) or not raw.is_integer() else int(raw)
        )
        if key in self.by_name:  # first: "Okänd" is an education level of its own
            return self.by_name[key]
        if values.is_unknown(raw):
            return None
        raise UnknownValue(
            _("Unknown value: use a value of the list or map it on the mapping page.")
        )


def options(source: str, insats: Insats | None) -> list[Option]:
    return SOURCES[source][1](insats)
