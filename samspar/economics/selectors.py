"""Reads: which evaluations and value sets a user may see, and an evaluation turned
into model input and into a computed, labelled report."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from samspar.access.scoping import Action, can, forbund_q
from samspar.codelists.models import EndReason, ResultGroup, SupplyType
from samspar.economics import model, privacy
from samspar.economics.decimal_text import plain_number
from samspar.economics.labels import RESOURCE_LABELS, VALUE_LABELS
from samspar.economics.model.inputs import QUARTER_EACH, type_cases
from samspar.economics.model.sensitivity import sensitivity as one_way_sensitivity
from samspar.economics.model.terms import SUPPLIES
from samspar.economics.model.wellbeing import income_by_group, wellbeing
from samspar.economics.models import Evaluation, Method, StandardValueSet
from samspar.economics.report import SWITCHING_MONTHS, EconomicsReport, MappingView, ValueRow
from samspar.organisation.models import Forbund
from samspar.registry.models import Enrolment
from samspar.registry.selectors import FieldChange, HistoryEntry, display_value
from samspar.reports.scope import Operator

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Codes of codelists.OccupationType: the occupation that is work.
WORK_OCCUPATION = "arbete"


@dataclass(frozen=True)
class MappingEntry:
    """What an end reason says about the year after (percentages)."""

    work_extent: Decimal  # of full time, where the registry gives no extent of work
    wage_subsidy: Decimal  # share of the wage cost Arbetsförmedlingen pays
    resource_factor: Decimal  # resource use, compared with before


# The mapping of an evaluation that does not set its own (docs/economics.md): by the
# end reason's result group, and for work with support its own row.
GROUP_DEFAULTS: dict[str, MappingEntry] = {
    ResultGroup.WORK: MappingEntry(Decimal(100), Decimal(0), Decimal(80)),
    ResultGroup.STUDIES: MappingEntry(Decimal(0), Decimal(0), Decimal(90)),
}
OTHER_DEFAULT = MappingEntry(Decimal(0), Decimal(0), Decimal(100))
REASON_DEFAULTS: dict[str, MappingEntry] = {
    "arbete-med-stod": MappingEntry(Decimal(100), Decimal(50), Decimal(80)),
}


def mapping_reasons() -> QuerySet[EndReason]:
    """The end reasons an evaluation of individuals maps (not wrong registrations)."""
    return EndReason.objects.exclude(result_group=ResultGroup.CANCELLED)


def default_entry(reason: EndReason) -> MappingEntry:
    return REASON_DEFAULTS.get(reason.code) or GROUP_DEFAULTS.get(
        reason.result_group, OTHER_DEFAULT
    )


def evaluation_mapping(evaluation: Evaluation) -> dict[str, MappingEntry]:
    """Per end reason code: the evaluation's own row, else the default."""
    own = (
        {
            row.end_reason.code: MappingEntry(
                row.work_extent, row.wage_subsidy, row.resource_factor
            )
            for row in evaluation.mapping_rows.select_related("end_reason")
        }
        if evaluation.pk
        else {}
    )
    return {r.code: own.get(r.code) or default_entry(r) for r in mapping_reasons()}


@dataclass(frozen=True)
class Profile:
    """Ended participants with the same registered situation: only their number leaves
    the registry. Supply types are those that move public money; work extents are
    percent of full time."""

    count: int
    before: tuple[str, ...]
    work_before: int  # 0 unless the occupation before is work
    end_reason: str
    after: tuple[str, ...]
    work_after: int | None  # registered extent of work after; None where none is

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "before": list(self.before), "after": list(self.after)}

    @classmethod
    def of_json(cls, data: Mapping[str, Any]) -> Profile:
        return cls(**{**data, "before": tuple(data["before"]), "after": tuple(data["after"])})


# Each supply type that moves public money as one bit: an enrolment's set of types is the
# sum of its bits, so the database can group enrolments by the sets they have.
_SUPPLY_BITS = {code: 1 << i for i, code in enumerate(sorted(SUPPLIES))}


def _supply_codes(mask: int) -> tuple[str, ...]:
    return tuple(code for code, bit in _SUPPLY_BITS.items() if mask & bit)


def _supply_mask(enrolment: type[Enrolment], side: str) -> Coalesce:
    """The sum of the bits of the enrolment's supply types on ``side`` (0 for none).
    Only ever a subquery of rows already read through a restricted queryset."""
    through = getattr(enrolment, side).through.objects.filter(
        enrolment=OuterRef("pk"), supplytype__code__in=list(_SUPPLY_BITS)
    )
    bits = Sum(
        Case(
            *(When(supplytype__code=code, then=Value(bit)) for code, bit in _SUPPLY_BITS.items()),
            output_field=IntegerField(),
        )
    )
    mask = through.order_by().values("enrolment").annotate(mask=bits).values("mask")
    return Coalesce(Subquery(mask, output_field=IntegerField()), Value(0))


# The registered situation of an ended enrolment, as ``_situation_rows`` annotates it.
_SITUATION = ("before", "work_before", "end_reason__code", "after", "work_after")
# Keys the population tokens with the installation's secret (docs/economics.md).
_TOKEN_SALT = "samspar.economics.population"


def _situation_rows(
    enrolments: QuerySet[Enrolment], insats_id: int, start: dt.date, end: dt.date
) -> QuerySet[Enrolment]:
    """Those of ``enrolments`` of the insats that ended in the period, wrong
    registrations excluded, each annotated with its registered situation
    (``_SITUATION``)."""
    ended = enrolments.filter(insats_id=insats_id, end_date__gte=start, end_date__lte=end).exclude(
        end_reason__result_group=ResultGroup.CANCELLED
    )
    return ended.annotate(
        before=_supply_mask(enrolments.model, "supply_before"),
        after=_supply_mask(enrolments.model, "supply_after"),
        work_before=Case(
            When(
                occupation_before__code=WORK_OCCUPATION,
                then=Coalesce("occupation_before_percent", Value(0)),
            ),
            default=Value(0),
            output_field=IntegerField(),
        ),
        # 0 % registered after counts as no extent: the mapping's then applies
        work_after=Case(
            When(
                occupation_after__code=WORK_OCCUPATION,
                occupation_after_percent__gt=0,
                then="occupation_after_percent",
            ),
            default=None,
            output_field=IntegerField(),
        ),
    ).order_by()


def registry_profiles(
    enrolments: QuerySet[Enrolment], insats_id: int, start: dt.date, end: dt.date
) -> list[Profile]:
    """The participants of the insats who ended in the period, wrong registrations
    excluded, as profiles, counted by the database: only aggregates leave it.

    ``enrolments``: the enrolments the caller may read — a user's
    ``Enrolment.objects.restrict(user, Action.MANAGE)``; only the operator's code (the
    demo builder) and migrations (their historical model) pass every enrolment, and say
    so where they do. There is no default."""
    grouped = (
        _situation_rows(enrolments, insats_id, start, end)
        .values(*_SITUATION)
        .annotate(count=Count("pk"))
    )
    keyed = [
        (
            (
                _supply_codes(g["before"]),
                g["work_before"],
                g["end_reason__code"],
                _supply_codes(g["after"]),
                g["work_after"],
            ),
            g["count"],
        )
        for g in grouped
    ]
    return [
        Profile(count, before, work_before, reason, after, work_after)
        for (before, work_before, reason, after, work_after), count in sorted(
            keyed, key=lambda item: repr(item[0])
        )
    ]


def registry_population(
    enrolments: QuerySet[Enrolment], insats_id: int, start: dt.date, end: dt.date
) -> list[str]:
    """The population of an evaluation of individuals: one token per ended enrolment
    of the period, keyed with the installation's secret over the enrolment's id and its
    registered situation, then over the situation alone ("‹id›-‹hmac›-‹situation
    hmac›"), so that a changed registration is another token, the tokens of one
    situation (one profile) can be told apart from the others' (``privacy``), and
    nothing about the person or the situation can be read back from it. Sorted.
    ``enrolments``: as for ``registry_profiles``."""
    rows = _situation_rows(enrolments, insats_id, start, end).values_list("pk", *_SITUATION)
    return sorted(f"{row[0]}-{_keyed(row)}-{_keyed(row[1:])[:8]}" for row in rows)


def _keyed(values: Sequence[Any]) -> str:
    return salted_hmac(_TOKEN_SALT, "|".join(str(v) for v in values)).hexdigest()[:16]


def population_threshold(forbund: Forbund) -> int:
    """The threshold of the small-group rules for the förbund's evaluations of
    individuals: the highest it has had since its oldest evaluation of individuals was
    first saved (its settings keep their history), so that lowering it for a while lets
    nothing more be shown or compared (docs/economics.md, "Small groups")."""
    since = (
        Evaluation.history.filter(forbund_id=forbund.pk, method=Method.INDIVIDUALS)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    if since is None:
        return forbund.suppression_threshold
    versions = Forbund.history.filter(id=forbund.pk)
    in_force = (
        versions.filter(history_date__lte=since)
        .order_by("-history_date")
        .values_list("suppression_threshold", flat=True)
        .first()
    )
    later = versions.filter(history_date__gt=since).values_list("suppression_threshold", flat=True)
    return max(forbund.suppression_threshold, in_force or 0, *later)


def forbund_populations(forbund_id: int) -> set[frozenset[str]]:
    """The populations of the förbund's evaluations of individuals, every earlier
    version included (each was shown, and may have been exported)."""
    found = Evaluation.objects.filter(forbund_id=forbund_id, method=Method.INDIVIDUALS)
    earlier = Evaluation.history.filter(forbund_id=forbund_id, method=Method.INDIVIDUALS)
    return {
        frozenset(p)
        for query in (found, earlier)
        for p in query.values_list("population", flat=True)
        if p
    }


def evaluations(
    user: AbstractBaseUser | AnonymousUser | Operator, action: Action = Action.VIEW
) -> QuerySet[Evaluation]:
    """The evaluations ``user`` may ``action``; for the ``Operator`` at the command line
    (``samspar economics``, as ``ReportScope.for_operator``), every evaluation."""
    found = (
        Evaluation.objects.all()
        if isinstance(user, Operator)
        else Evaluation.objects.restrict(user, action)
    )
    return found.select_related("forbund", "insats", "value_set")


def value_sets(user: AbstractBaseUser | AnonymousUser | Operator) -> QuerySet[StandardValueSet]:
    """Samspår's shipped sets and those of the förbund the user works in; for the
    ``Operator`` at the command line, every förbund's too."""
    found = StandardValueSet.objects.all()
    if not isinstance(user, Operator):
        found = found.filter(Q(forbund__isnull=True) | forbund_q(user, Action.VIEW, "forbund"))
    return found.select_related("forbund")


def current_value_sets(forbund: Forbund) -> QuerySet[StandardValueSet]:
    """The newest version per price year: the förbund's own where it has one."""
    sets = StandardValueSet.objects.filter(Q(forbund=forbund) | Q(forbund__isnull=True))
    newest: dict[int, StandardValueSet] = {}
    for s in sets.order_by("price_year", "forbund_id", "version"):
        if s.price_year not in newest or s.forbund_id is not None:
            newest[s.price_year] = s
    return StandardValueSet.objects.filter(pk__in=[s.pk for s in newest.values()])


def model_values(value_set: StandardValueSet) -> model.ValueSet:
    rows = list(value_set.values.all())
    return model.ValueSet(
        {v.key: float(v.amount) for v in rows},
        {v.key: model.Grade(v.grade) for v in rows},
        value_set.price_year,
    )


def _fraction(x: Decimal | float | int) -> float:
    return float(x) / 100


def _shares(mapping: dict[str, Any]) -> dict[str, float]:
    return {code: _fraction(share) for code, share in mapping.items() if float(share)}


def _before(evaluation: Evaluation) -> model.State:
    return model.State(
        supply=_shares(evaluation.before_supply),
        resource_use={k: float(v) for k, v in evaluation.before_resources.items()},
    )


def type_case_cohorts(
    evaluation: Evaluation, groups: Sequence[Mapping[str, Any]] | None = None
) -> list[model.Cohort]:
    """``groups``: unsaved group data (as the form has it); default: the saved groups."""
    if groups is None:
        groups = [dict(g) for g in evaluation.groups.values()]
    before = _before(evaluation)
    cohorts = type_cases(
        evaluation.participants or 0,
        before,
        [
            (
                g["name"],
                _fraction(g["share"]),
                model.State(
                    supply=_shares(g["supply"]),
                    work_extent=_fraction(g["work_extent"]),
                    wage_subsidy=_fraction(g["wage_subsidy"]),
                    resource_use={
                        k: v * _fraction(g["resource_factor"])
                        for k, v in before.resource_use.items()
                    },
                ),
            )
            for g in groups
        ],
    )
    # A group's age picks the age-banded standard values (model.values).
    return [replace(c, age=g.get("age")) for c, g in zip(cohorts, groups, strict=True)]


def individual_cohorts(
    evaluation: Evaluation,
    mapping: Mapping[str, MappingEntry] | None = None,
    *,
    protect: bool = False,
) -> list[model.Cohort]:
    """The evaluation's profiles, as read from the registry when it was saved, as
    cohorts of equal states by the mapping (default: the evaluation's). Before: the
    registered supply types share the time not worked; after: the same, with the work
    extent registered, else the end reason's, its wage subsidy and its resource use
    compared with before.

    ``protect``: as every output shows them — a profile shared by fewer than the
    förbund's threshold is left out (``privacy``): its participants count, with a
    neutral year before and after."""
    profiles = [Profile.of_json(p) for p in evaluation.profiles]
    if mapping is None:
        mapping = evaluation_mapping(evaluation)
    resources = {k: float(v) for k, v in evaluation.before_resources.items()}
    neutral = model.State(resource_use=resources)
    threshold = population_threshold(evaluation.forbund) if protect else 0
    cohorts: dict[tuple[Any, ...], model.Cohort] = {}
    for profile in profiles:
        if protect and privacy.left_out(profile.count, threshold):
            before, after = neutral, neutral
        else:
            entry = mapping.get(profile.end_reason, OTHER_DEFAULT)
            before, after = _states(profile, entry, resources)
        key = (_key(before), _key(after))
        # Profiles are never shown (one or two participants would be recognised), so
        # the cohorts are only numbered.
        known = cohorts.get(key) or model.Cohort(str(len(cohorts) + 1), 0, before, after)
        cohorts[key] = replace(known, count=known.count + profile.count)
    return list(cohorts.values())


def _states(
    profile: Profile, entry: MappingEntry, resources: Mapping[str, float]
) -> tuple[model.State, model.State]:
    """A profile's year before and after by its mapping row."""
    worked = profile.work_before / 100
    works = float(entry.work_extent if profile.work_after is None else profile.work_after) / 100
    before = model.State(_shared(profile.before, 1 - worked), worked, 0.0, resources)
    after = model.State(
        _shared(profile.after, 1 - works),
        works,
        _fraction(entry.wage_subsidy) if works else 0.0,  # no subsidy without work
        {k: v * _fraction(entry.resource_factor) for k, v in resources.items()},
    )
    return before, after


def _key(state: model.State) -> tuple[Any, ...]:
    return (
        tuple(sorted(state.supply.items())),
        state.work_extent,
        state.wage_subsidy,
        tuple(sorted(state.resource_use.items())),
    )


def _shared(codes: Sequence[str], time: float) -> dict[str, float]:
    """``time`` (share of the year) split equally between the supply types ``codes``."""
    return {code: time / len(codes) for code in codes}


def model_evaluation(
    evaluation: Evaluation, cohorts: list[model.Cohort] | None = None
) -> model.Evaluation:
    if cohorts is None:
        cohorts = (
            type_case_cohorts(evaluation)
            if evaluation.method == Method.TYPE_CASES
            else individual_cohorts(evaluation, protect=True)
        )
    split = {model.Actor(k): _fraction(v) for k, v in evaluation.cost_split().items()}
    return model.Evaluation(
        cohorts=cohorts,
        cost=float(evaluation.cost),
        indirect_tax_factor=float(evaluation.indirect_tax_factor),
        cost_split=split or dict(QUARTER_EACH),
        horizon_years=evaluation.horizon_years,
        discount_rate=_fraction(evaluation.discount_rate) if evaluation.discounting else 0.0,
        deadweight=_fraction(evaluation.deadweight),
        attribution=_fraction(evaluation.attribution),
        displacement=_fraction(evaluation.displacement),
        drop_off=_fraction(evaluation.drop_off),
        optimism_bias=evaluation.optimism_bias,
        actor_cost=model.CostBasis(evaluation.actor_cost),
        consumer_prices=evaluation.consumer_prices,
        wage_subsidy_ceiling=evaluation.wage_subsidy_ceiling,
    )


def model_uncertainty(evaluation: Evaluation) -> model.Uncertainty:
    """The evaluation's Monte Carlo: its draws and seed, the spread of the standard
    values by grade, and the ranges of deadweight, attribution, drop-off and
    displacement."""
    ranges = {
        name: None if bounds is None else (_fraction(bounds[0]), _fraction(bounds[1]))
        for name, bounds in evaluation.ranges().items()
    }
    return model.Uncertainty(
        draws=evaluation.draws,
        seed=evaluation.seed,
        spreads={model.Grade(g): _fraction(v) for g, v in evaluation.spreads().items()},
        resample_participants=evaluation.resample_participants,
        deadweight=ranges["deadweight"],
        attribution=ranges["attribution"],
        drop_off=ranges["drop_off"],
        displacement=ranges["displacement"],
    )


def check_enough_individuals(evaluation: Evaluation, inputs: model.Evaluation) -> None:
    """Amounts per actor for one or two registered people would describe them: an
    evaluation of individuals needs at least the förbund's suppression threshold."""
    if evaluation.method != Method.INDIVIDUALS:
        return
    threshold = population_threshold(evaluation.forbund)
    if inputs.participants < threshold:
        # how many fewer is a small count too: not told
        raise model.InputError(
            [model.Problem("too_few_participants", "participants", {"threshold": threshold})]
        )


def population_problem(evaluation: Evaluation, *, new: bool) -> model.Problem | None:
    """Whether comparing the evaluation's population with those of the förbund's other
    evaluations (and earlier versions) would single out fewer than the threshold
    (``privacy``): ``new``, it may make no such group; already saved, it may hold none."""
    if evaluation.method != Method.INDIVIDUALS or not evaluation.population:
        return None
    threshold = population_threshold(evaluation.forbund)
    existing = forbund_populations(evaluation.forbund_id)
    population = frozenset(evaluation.population)
    check = privacy.makes_small_group if new else privacy.over_small_group
    # by participant and situation, and by participant alone (which a new SECRET_KEY
    # does not change); each population with its shown situations
    for view in (privacy.tokens, privacy.participants):
        if check(
            [privacy.split(p, threshold, view) for p in existing],
            privacy.split(population, threshold, view),
            threshold,
        ):
            return model.Problem("differs_by_few", "population", {"threshold": threshold})
    return None


def evaluation_report(evaluation: Evaluation, *, with_simulation: bool = True) -> EconomicsReport:
    """Compute and label one evaluation. Raises model.InputError if its inputs no
    longer hold (e.g. no participants ended in the period) or if showing it would
    single out fewer participants than the förbund's threshold."""
    inputs = model_evaluation(evaluation)
    check_enough_individuals(evaluation, inputs)
    if problem := population_problem(evaluation, new=False):
        raise model.InputError([problem])
    values = model_values(evaluation.value_set)
    result = model.evaluate(inputs, values)
    uncertainty = model_uncertainty(evaluation) if with_simulation else None
    simulation = model.simulate(inputs, values, uncertainty) if uncertainty else None
    # Registered individuals get no bar per profile: it would describe few participants.
    sensitivity = (
        one_way_sensitivity(
            inputs, values, uncertainty, per_cohort=evaluation.method == Method.TYPE_CASES
        )
        if uncertainty
        else None
    )
    organisation = evaluation.forbund.name
    if evaluation.insats:
        organisation = f"{evaluation.insats.name} – {organisation}"
    period = (
        f"{evaluation.period_start} – {evaluation.period_end}"
        if evaluation.method == Method.INDIVIDUALS
        else ""
    )
    return EconomicsReport(
        title=evaluation.name,
        organisation=organisation,
        method=evaluation.method,
        period=period,
        value_set=str(evaluation.value_set),
        price_year=evaluation.value_set.price_year,
        evaluation=inputs,
        result=result,
        simulation=simulation,
        switching=[
            (m, model.switching_value(inputs, m))
            for m in sorted({*SWITCHING_MONTHS, evaluation.switching_months})
        ],
        values=[
            ValueRow(
                v.key,
                str(VALUE_LABELS.get(v.key, v.key)),
                float(v.amount),
                v.unit,
                model.Grade(v.grade),
                v.source,
            )
            for v in evaluation.value_set.values.all()
        ],
        created=timezone.localdate(evaluation.created_at),
        drop_off_basis=evaluation.drop_off_basis,
        mapping=mapping_views(evaluation) if evaluation.method == Method.INDIVIDUALS else [],
        registry_as_of=evaluation.registry_as_of,
        uncertainty=uncertainty,
        sensitivity=sensitivity,
        switching_target=evaluation.switching_months,
        small_groups=(
            population_threshold(evaluation.forbund)
            if evaluation.method == Method.INDIVIDUALS
            else None
        ),
        **_beyond_money(evaluation, inputs, values),
    )


def _beyond_money(
    evaluation: Evaluation, inputs: model.Evaluation, values: model.ValueSet
) -> dict[str, Any]:
    """Type cases: the groups' wellbeing and income change (``model.wellbeing``).
    Registered individuals get neither: per profile they would describe few people."""
    if evaluation.method != Method.TYPE_CASES:
        return {}
    changes = [float(g.wellbeing) for g in evaluation.groups.all()]
    value = None if evaluation.wellby_value is None else float(evaluation.wellby_value)
    return {
        "wellbeing": wellbeing(inputs, changes, value, evaluation.wellby_source),
        "income": income_by_group(inputs, values),
    }


def mapping_views(evaluation: Evaluation) -> list[MappingView]:
    mapping = evaluation_mapping(evaluation)
    groups = dict(ResultGroup.choices)
    return [
        MappingView(
            r.code,
            str(r),
            str(groups.get(r.result_group, r.result_group)),
            float(mapping[r.code].work_extent),
            float(mapping[r.code].wage_subsidy),
            float(mapping[r.code].resource_factor),
        )
        for r in mapping_reasons()
    ]


def profile_count(evaluation: Evaluation) -> int:
    """The participants an evaluation of individuals was computed from."""
    return sum(int(p["count"]) for p in evaluation.profiles)


def registry_changed(evaluation: Evaluation, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the registry now holds other ended participants, or other situations,
    for the evaluation's insats and period than it was computed from. Only those who
    may compute it again (MANAGE its insats, as ``services.save_evaluation`` asks) are
    told, and the registry is read as they would read it then."""
    if evaluation.method != Method.INDIVIDUALS or evaluation.insats_id is None:
        return False
    if not can(user, Action.MANAGE, evaluation.insats_id):
        return False
    assert evaluation.period_start is not None and evaluation.period_end is not None
    now = registry_profiles(
        Enrolment.objects.restrict(user, Action.MANAGE),
        evaluation.insats_id,
        evaluation.period_start,
        evaluation.period_end,
    )
    return [p.as_json() for p in now] != evaluation.profiles


# --- history ---------------------------------------------------------------------------

# Fields of an evaluation that are not its inputs, or are shown otherwise.
_HISTORY_EXCLUDED = ["created_at", "created_by", "forbund", "method", "profiles", "population"]
_GROUP_FIELDS = (
    "name",
    "share",
    "work_extent",
    "wage_subsidy",
    "resource_factor",
    "supply",
    "wellbeing",
    "age",
)
_MAPPING_FIELDS = ("work_extent", "wage_subsidy", "resource_factor")


def evaluation_history(evaluation: Evaluation) -> list[HistoryEntry]:
    """Who changed which input and when, newest first, with old → new values. One
    entry per save: the evaluation's fields and the groups or mapping rows saved with
    it (the service saves the evaluation first, then its rows)."""
    records = list(
        evaluation.history.select_related("history_user").order_by("history_date", "history_id")
    )
    dates = [r.history_date for r in records]
    changes: dict[int, list[FieldChange]] = {i: [] for i in range(len(records))}
    for change_at, change in _row_changes(evaluation):
        at = bisect.bisect_right(dates, change_at) - 1
        if at >= 0:
            changes[at].append(change)
    entries: list[HistoryEntry] = []
    for i, record in enumerate(records):
        user = record.history_user
        who = (user.get_full_name() or user.get_username()) if user else "–"
        if i == 0:
            entries.append(HistoryEntry(record.history_date, who, created=True))
            continue
        previous = records[i - 1]
        delta = record.diff_against(previous, excluded_fields=_HISTORY_EXCLUDED)
        found = [_evaluation_change(c.field, c.old, c.new) for c in delta.changes]
        if record.profiles != previous.profiles:
            found.append(
                FieldChange(
                    str(_("Participants from the registry")),
                    str(_count(previous.profiles)),
                    str(_count(record.profiles)),
                )
            )
        found += changes[i]
        if found:
            entries.append(HistoryEntry(record.history_date, who, False, found))
    entries.reverse()
    return entries


def _count(profiles: list[dict[str, Any]]) -> int:
    return sum(int(p["count"]) for p in profiles)


def _label(verbose_name: Any) -> str:
    text = str(verbose_name)
    return text[:1].upper() + text[1:]


def _shown(value: Any) -> str:
    return plain_number(value) if isinstance(value, Decimal | float) else str(value)


def _state_text(field: str, value: Any) -> str:
    """A before-supply, before-resource or group-supply JSON as words."""
    if not value:
        return "–"
    if field == "before_resources":
        return ", ".join(f"{RESOURCE_LABELS.get(k, k)} {_shown(v)}" for k, v in value.items())
    labels = {s.code: str(s) for s in SupplyType.objects.filter(code__in=value)}
    return ", ".join(f"{labels.get(k, k)} {_shown(v)}\N{NO-BREAK SPACE}%" for k, v in value.items())


def _evaluation_change(name: str, old: Any, new: Any) -> FieldChange:
    f = Evaluation._meta.get_field(name)
    label = _label(f.verbose_name)  # type: ignore[union-attr]
    if name in ("before_supply", "before_resources"):
        return FieldChange(label, _state_text(name, old), _state_text(name, new))
    if name == "registry_as_of":
        return FieldChange(label, _when(old), _when(new))
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return FieldChange(label, _shown(old), _shown(new))
    if name in ("cost", "draws"):  # kronor and draws: thousands grouped
        return FieldChange(
            label, plain_number(old, grouping=True), plain_number(new, grouping=True)
        )
    return FieldChange(label, display_value(f, old), display_value(f, new))  # type: ignore[arg-type]


def _when(value: dt.datetime | None) -> str:
    return "–" if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _row_changes(evaluation: Evaluation) -> list[tuple[dt.datetime, FieldChange]]:
    """The changes of the evaluation's type-case groups and mapping rows, each at its
    time; a row's first record is compared with nothing (it was added)."""
    from samspar.economics.models import MappingRow, TypeCaseGroup

    found: list[tuple[dt.datetime, FieldChange]] = []
    last: dict[tuple[str, int], Any] = {}
    groups = TypeCaseGroup.history.filter(evaluation_id=evaluation.pk)
    rows = MappingRow.history.filter(evaluation_id=evaluation.pk).select_related("end_reason")
    records = [("group", r) for r in groups] + [("mapping", r) for r in rows]
    records.sort(key=lambda kr: (kr[1].history_date, kr[1].history_id))
    for kind, record in records:
        before = last.get((kind, record.id))
        last[(kind, record.id)] = record
        fields: tuple[str, ...]
        if kind == "group":
            name = _("Group %(position)s") % {"position": record.position + 1}
            fields = _GROUP_FIELDS
            model_class: Any = TypeCaseGroup
        else:
            name = str(record.end_reason)
            fields = _MAPPING_FIELDS
            model_class = MappingRow
        if record.history_type == "-":
            found.append((record.history_date, FieldChange(name, _row_text(kind, record), "–")))
        elif before is None:
            found.append((record.history_date, FieldChange(name, "–", _row_text(kind, record))))
        else:
            for field_name in fields:
                old, new = getattr(before, field_name), getattr(record, field_name)
                if old != new:
                    label = _label(model_class._meta.get_field(field_name).verbose_name)
                    shown = (
                        (_state_text("supply", old), _state_text("supply", new))
                        if field_name == "supply"
                        else (_shown(old), _shown(new))
                    )
                    found.append((record.history_date, FieldChange(f"{name}: {label}", *shown)))
    return found


def _row_text(kind: str, record: Any) -> str:
    if kind == "group":
        return f"{record.name}, {_shown(record.share)}\N{NO-BREAK SPACE}%"
    return " / ".join(f"{_shown(getattr(record, f))}\N{NO-BREAK SPACE}%" for f in _MAPPING_FIELDS)
