"""The socio-economic evaluation of one generated insats's registered participants: the
participants who ended in the year, read from the registry as the evaluation page reads
them (``registry_profiles``, ``registry_population``: aggregates in the database), then
the report with its Monte Carlo (``evaluation_report``), beside the same report's point
estimate alone, in the same run. Runs inside the benchmark's rolled-back transaction
(``runner``), as the operator: it reads every enrolment, as the demo builder does."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass

from django.utils import timezone

from samspar.bench.economics import COST_PER_PARTICIPANT
from samspar.economics import seed004, selectors
from samspar.economics.models import Evaluation, MappingRow, Method, StandardValueSet
from samspar.organisation.models import Insats
from samspar.registry.models import Enrolment


@dataclass(frozen=True)
class Timing:
    participants: int
    profiles: int
    draws: int
    read_ms: float  # profiles and population from the registry
    simulate_ms: float  # the report with its Monte Carlo and sensitivity
    evaluate_ms: float  # the reference: the same report's point estimate alone


def run(insats: Insats, date_from: dt.date, date_to: dt.date) -> Timing | None:
    """None when fewer participants of the insats ended in the period than the förbund's
    threshold of small groups: no evaluation of them may be shown."""
    registry = (Enrolment.objects.all(), insats.pk, date_from, date_to)
    began = time.perf_counter()
    profiles = selectors.registry_profiles(*registry)
    population = selectors.registry_population(*registry)
    read_ms = (time.perf_counter() - began) * 1000
    participants = sum(p.count for p in profiles)
    if participants < selectors.population_threshold(insats.forbund):
        return None
    evaluation = Evaluation.objects.create(
        forbund=insats.forbund,
        insats=insats,
        name="Benchmark",
        method=Method.INDIVIDUALS,
        value_set=StandardValueSet.objects.filter(forbund=None).latest("price_year"),
        period_start=date_from,
        period_end=date_to,
        cost=round(COST_PER_PARTICIPANT * participants),
        before_resources=dict(seed004.RESOURCE_USE),
        profiles=[p.as_json() for p in profiles],
        population=population,
        registry_as_of=timezone.now(),
    )
    MappingRow.objects.bulk_create(
        MappingRow(
            evaluation=evaluation, end_reason=reason, **asdict(selectors.default_entry(reason))
        )
        for reason in selectors.mapping_reasons()
    )
    began = time.perf_counter()
    selectors.evaluation_report(evaluation)
    simulated = time.perf_counter()
    selectors.evaluation_report(evaluation, with_simulation=False)
    estimated = time.perf_counter()
    return Timing(
        participants=participants,
        profiles=len(profiles),
        draws=evaluation.draws,
        read_ms=read_ms,
        simulate_ms=(simulated - began) * 1000,
        evaluate_ms=(estimated - simulated) * 1000,
    )
