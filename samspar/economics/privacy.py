"""How an evaluation of registered individuals protects small groups of participants
(docs/economics.md, "Small groups"). Pure Python: no database, no Django.

Three rules, each with the förbund's suppression threshold *t*:

1. **Mapping classes.** An end reason's mapping row applies only when at least *t*
   participants of the evaluation ended with it; the others are mapped together by a
   fixed neutral row (no work, no wage subsidy, resource use as before), so that no
   choice of mapping can single out a small group.
2. **Cells.** A *cell* is one kind of change within one mapping class: a supply type
   paid differently, work changed, work before, a wage subsidy after, resource use
   changed. A participant whose change falls in a cell shared by 1 … t−1 participants
   is *left out*: counted as a participant, but with a fixed neutral year before and
   after (no supply, no work, the evaluation's resource use), so that none of their
   registered data reaches any amount. Repeated until every cell holds 0 or ≥ t.
3. **Populations.** An evaluation's population is the set of its participants' tokens
   (one per ended enrolment and registered situation: "‹id›-‹keyed hash›"), compared
   both as they are and by enrolment alone. The populations of a
   förbund's evaluations, their earlier versions included, split the participants
   into *groups* that are in exactly the same populations; any combination of the
   evaluations' amounts reveals at most a sum over whole groups. A new population that
   makes a group of 1 … t−1 participants is refused, and one that lies over such a group
   (made before this rule) is not shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from samspar.economics.model import State

# The mapping class of the end reasons that fewer than the threshold ended with.
POOLED = ""


@dataclass(frozen=True)
class Situation:
    """``count`` participants of mapping class ``group`` with these states."""

    count: int
    group: str
    before: State
    after: State


def mapped_reasons(counts: Iterable[tuple[str, int]], threshold: int) -> set[str]:
    """The end reasons (of (reason, participants) pairs) whose own mapping row applies:
    those at least ``threshold`` participants ended with."""
    total: Counter[str] = Counter()
    for reason, count in counts:
        total[reason] += count
    return {reason for reason, count in total.items() if count >= threshold}


def changes(situation: Situation) -> frozenset[str]:
    """The cells (kinds of change) a situation contributes to."""
    before, after = situation.before, situation.after
    found = {
        f"supply:{code}"
        for code in {*before.supply, *after.supply}
        if before.supply.get(code, 0.0) != after.supply.get(code, 0.0)
    }
    if before.work_extent != after.work_extent:
        found.add("work")
    if before.work_extent:
        found.add("work_before")  # the potential rests on the work before
    if after.wage_subsidy and after.work_extent:
        found.add("wage_subsidy")
    if dict(before.resource_use) != dict(after.resource_use):
        found.add("resource_use")
    return frozenset(found)


def protect(situations: Sequence[Situation], threshold: int, neutral: State) -> list[Situation]:
    """``situations`` with every one whose change falls in a cell of 1 … threshold−1
    participants left out (before and after ``neutral``), until none does."""
    kinds = [changes(s) for s in situations]
    left: set[int] = set()
    while True:
        cells: Counter[tuple[str, str]] = Counter()
        for i, s in enumerate(situations):
            if i not in left:
                for kind in kinds[i]:
                    cells[(s.group, kind)] += s.count
        small = {cell for cell, count in cells.items() if count < threshold}
        newly = {
            i
            for i, s in enumerate(situations)
            if i not in left and any((s.group, kind) in small for kind in kinds[i])
        }
        if not newly:
            break
        left |= newly
    return [
        replace(s, group=POOLED, before=neutral, after=neutral) if i in left else s
        for i, s in enumerate(situations)
    ]


def tokens(population: frozenset[str]) -> frozenset[str]:
    """A population by participant and registered situation (its tokens as they are)."""
    return population


def participants(population: frozenset[str]) -> frozenset[str]:
    """A population by participant alone: the enrolment part of "‹id›-‹hmac›"."""
    return frozenset(token.partition("-")[0] for token in population)


def groups(populations: Iterable[Collection[str]]) -> list[frozenset[str]]:
    """The participants split by which of ``populations`` they are in (the atoms)."""
    where: dict[str, set[int]] = {}
    for index, population in enumerate(populations):
        for token in population:
            where.setdefault(token, set()).add(index)
    found: dict[frozenset[int], set[str]] = {}
    for token, indices in where.items():
        found.setdefault(frozenset(indices), set()).add(token)
    return [frozenset(tokens) for tokens in found.values()]


def _small(populations: Iterable[Collection[str]], threshold: int) -> set[frozenset[str]]:
    return {g for g in groups(populations) if len(g) < threshold}


def makes_small_group(
    existing: Collection[frozenset[str]], population: frozenset[str], threshold: int
) -> bool:
    """Whether adding ``population`` to ``existing`` makes a group of 1 … threshold−1
    participants that was not there before (in either direction: a few more, a few
    fewer, or a few others)."""
    before = _small(existing, threshold)
    return bool(_small([*existing, population], threshold) - before)


def over_small_group(
    populations: Collection[frozenset[str]], population: frozenset[str], threshold: int
) -> bool:
    """Whether ``population`` (one of ``populations``) holds a group of 1 … threshold−1
    participants, which subtracting the populations from each other would reveal."""
    return any(g <= population for g in _small([*populations, population], threshold))
