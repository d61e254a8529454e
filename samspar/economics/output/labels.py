"""Names of perspectives, actors, ledger items and kinds as every output shows them
(tables, charts, summary, pages)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspar.economics.labels import VALUE_LABELS
from samspar.economics.model import SUPPLIES, Actor, Kind, Perspective

PERSPECTIVE_LABELS: dict[Perspective, Promise] = {
    Perspective.SOCIETY: _("Society as a whole"),
    Perspective.KOMMUN: _("Municipality"),
    Perspective.REGION: _("Region"),
    Perspective.FK: _("Försäkringskassan"),
    Perspective.AF: _("Arbetsförmedlingen"),
    Perspective.OTHER_STATE: _("Rest of the state"),
    Perspective.STATE: _("The state as a whole"),
    Perspective.INDIVIDUAL: _("The individual"),
    Perspective.EMPLOYER: _("Employers"),
}

ACTOR_LABELS: dict[Actor, Promise] = {
    Actor.KOMMUN: PERSPECTIVE_LABELS[Perspective.KOMMUN],
    Actor.REGION: PERSPECTIVE_LABELS[Perspective.REGION],
    Actor.FK: PERSPECTIVE_LABELS[Perspective.FK],
    Actor.AF: PERSPECTIVE_LABELS[Perspective.AF],
    Actor.OTHER_STATE: PERSPECTIVE_LABELS[Perspective.OTHER_STATE],
    Actor.INDIVIDUAL: PERSPECTIVE_LABELS[Perspective.INDIVIDUAL],
    Actor.EMPLOYER: PERSPECTIVE_LABELS[Perspective.EMPLOYER],
}

# Keyed by ``model.Line.item``: supply codes, work lines and resource keys.
ITEM_LABELS: dict[str, Promise] = {
    "forsorjningsstod": _("Income support"),
    "sjukpenning": _("Sickness benefit"),
    "aktivitetsersattning": _("Activity compensation"),
    "sjukersattning": _("Sickness compensation"),
    "aktivitetsstod": _("Activity support"),
    "etableringsersattning": _("Establishment allowance"),
    "a-kassa": _("Unemployment insurance"),
    "studiemedel": _("Student finance"),
    "wage": _("Wage"),
    "income_tax": _("Municipal income tax"),
    "state_income_tax": _("State income tax"),
    "pension_fee": _("General pension contribution"),
    "tax_reductions": _("Tax reductions"),
    "employer_contribution": _("Employer contributions"),
    "wage_subsidy": _("Wage subsidy"),
    "production": _("Production"),
    "caseworker_kommun": _("Casework, municipality"),
    "caseworker_fk": _("Casework, Försäkringskassan"),
    "caseworker_af": _("Casework, Arbetsförmedlingen"),
    "care_visit_primary": _("Visits to primary care"),
    "care_visit_psychiatry": _("Visits to psychiatric care"),
}

# The supply types of a state: those that move public money, and none.
SUPPLY_LABELS: dict[str, Promise] = {
    **{code: ITEM_LABELS[code] for code in SUPPLIES},
    "ingen": _("No public support"),
}

KIND_LABELS: dict[Kind, Promise] = {
    Kind.TRANSFER: _("Financial transfer"),
    Kind.RESOURCE: _("Real resource"),
    Kind.PRODUCTION: _("Production"),
}

# Keyed by ``EconomicsReport.method`` (the msgids of models.Method).
METHOD_LABELS: dict[str, Promise] = {
    "type_cases": _("Type cases"),
    "individuals": _("Registered individuals"),
}


def item_label(item: str) -> str:
    return str(ITEM_LABELS.get(item, item))


# The inputs of the one-way sensitivity (``model.sensitivity.SensitivityRow.key``); a
# standard value is labelled as the standard values are, a group by its name.
SENSITIVITY_LABELS: dict[str, Promise] = {
    "cost": _("Cost of the insats"),
    "indirect_tax_factor": _("Indirect-tax factor"),
    "work_extent": _("Work extent after (share of the stated)"),
    "discount_rate": _("Discount rate"),
    "deadweight": _("Deadweight"),
    "attribution": _("Attribution to others"),
    "drop_off": _("Drop-off per year"),
    "displacement": _("Displacement"),
}


def sensitivity_label(key: str, label: str) -> str:
    """The name of a sensitivity row's input, in the active language."""
    if key.startswith("value:"):
        return str(VALUE_LABELS.get(label, label))
    if key.startswith("share:"):
        return gettext("Share in the group “%(group)s”") % {"group": label}
    return str(SENSITIVITY_LABELS.get(key, key))
