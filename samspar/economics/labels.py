"""Swedish/English names of standard values, supply types and resources, and the
wording of the model's input problems."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samspar.economics.decimal_text import plain_number
from samspar.economics.model import Problem

VALUE_LABELS: dict[str, Promise] = {
    "prisbasbelopp": _("Price base amount"),
    "average_wage": _("Average monthly wage"),
    "employer_contribution": _("Employer contributions"),
    "municipal_tax": _("Municipal income tax"),
    "regional_tax": _("Regional income tax"),
    "forsorjningsstod": _("Income support (försörjningsstöd)"),
    "sjukpenning": _("Sickness benefit (sjukpenning)"),
    "aktivitetsstod": _("Activity support (aktivitetsstöd)"),
    "aktivitetsersattning": _("Activity compensation (aktivitetsersättning)"),
    "sjukersattning": _("Sickness compensation (sjukersättning)"),
    "a_kassa": _("Unemployment insurance (a-kassa)"),
    "etableringsersattning": _("Establishment allowance"),
    "studiemedel": _("Student grant (studiemedel)"),
    "caseworker_hour_kommun": _("Caseworker hour, municipality"),
    "caseworker_hour_fk": _("Caseworker hour, Försäkringskassan"),
    "caseworker_hour_af": _("Caseworker hour, Arbetsförmedlingen"),
    "care_visit_primary": _("Visit in primary care"),
    "care_visit_psychiatry": _("Visit in psychiatric outpatient care"),
    "wage_subsidy_ceiling": _("Wage-subsidy ceiling (wage cost per month)"),
    # Age-banded values (``model.values.age_keys``): the age reached in the price year.
    "aktivitetsersattning_19_20": _("Activity compensation, age 19–20"),
    "aktivitetsersattning_21_22": _("Activity compensation, age 21–22"),
    "aktivitetsersattning_23_24": _("Activity compensation, age 23–24"),
    "aktivitetsersattning_25_26": _("Activity compensation, age 25–26"),
    "aktivitetsersattning_27_28": _("Activity compensation, age 27–28"),
    "aktivitetsersattning_29": _("Activity compensation, age 29"),
    "employer_contribution_19_23": _("Employer contributions, age 19–23 (up to the ceiling)"),
    "employer_contribution_19_23_ceiling": _(
        "Ceiling of the reduced employer contributions, age 19–23 (wage per month)"
    ),
    "employer_contribution_67plus": _("Employer contributions, age 67 and over"),
    "employer_contribution_68plus": _("Employer contributions, age 68 and over"),
}

RESOURCE_LABELS: dict[str, Promise] = {
    "caseworker_kommun": _("Caseworker hours, municipality (per year)"),
    "caseworker_fk": _("Caseworker hours, Försäkringskassan (per year)"),
    "caseworker_af": _("Caseworker hours, Arbetsförmedlingen (per year)"),
    "care_visit_primary": _("Primary-care visits (per year)"),
    "care_visit_psychiatry": _("Psychiatric visits (per year)"),
}

_PROBLEMS: dict[str, Promise] = {
    "shares_sum": _("The shares must add up to 100 %% (now %(total)s %%)."),
    "negative": _("Must not be negative."),
    "out_of_range": _("Must be between %(low)s and %(high)s."),
    "bad_range": _("The range must run from low to high within %(low)s–%(high)s."),
    "missing_value": _(
        "The standard values of price year %(year)s lack “%(label)s”: choose other standard "
        "values or add it to a version of the förbund's own."
    ),
    "no_participants": _("There are no participants to evaluate."),
    "supply_sum": _("The supply shares of one state may not exceed 100 %%."),
    "supply_and_work_sum": _(
        "Supply and work of one state may not exceed 100 %% together (now %(total)s %%)."
    ),
    "subsidy_without_work": _(
        "A wage subsidy of %(subsidy)s %% needs work: the work extent is 0 %%."
    ),
    "unknown_choice": _("Unknown choice “%(value)s”."),
    "unknown_supply": _("Unknown supply type “%(code)s”."),
    "unknown_resource": _("Unknown resource “%(key)s”."),
    "too_few_participants": _(
        "Fewer than %(threshold)s participants ended in the period; an evaluation of "
        "registered individuals needs at least %(threshold)s, so that no one can be "
        "recognised (their number is not shown either)."
    ),
    "differs_by_few": _(
        "These participants differ from those of another evaluation of the förbund, or of "
        "an earlier version, by fewer than %(threshold)s: comparing the two would reveal "
        "them. Choose a period (in whole months) that differs by at least %(threshold)s "
        "participants, or by none."
    ),
}


def _shown(value: Any) -> Any:
    """A number as the active language writes it ("96,5", "100"); anything else as is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return plain_number(round(value, 2))


def problem_message(problem: Problem, **extra: Any) -> str:
    """``problem`` in words; ``extra`` adds parameters the model does not know (the
    price year and label of a missing standard value)."""
    text = str(_PROBLEMS.get(problem.code, problem.code))
    params = {k: _shown(v) for k, v in {**problem.params, **extra}.items()}
    if problem.code == "missing_value":
        params.setdefault("label", VALUE_LABELS.get(str(params.get("key")), params.get("key")))
    return text % params if params else text.replace("%%", "%")
