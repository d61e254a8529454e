"""How an evaluation of registered individuals protects small groups of participants
(docs/economics.md, "Small groups"). Pure Python: no database, no Django.

Two rules, each with the förbund's suppression threshold *t*:

1. **Profiles.** A *profile* is one registered situation (supply types before and after,
   work before and after, end reason; ``selectors.Profile``). Only profiles shared by at
   least *t* participants reach any amount. A participant of a rarer profile is *left
   out*: counted as a participant, but with a fixed neutral year before and after (no
   supply, no work, the evaluation's resource use), whatever the mapping says. Every
   amount is then a function of the number of participants and of profiles of at least
   *t*, however the reader sets the mapping or compares its versions.
2. **Populations.** An evaluation's population is the set of its participants' tokens
   (one per ended enrolment and registered situation: "‹id›-‹keyed hash›-‹situation
   hash›"), compared both as they are and by enrolment alone. A reader effectively sees
   each *shown situation* (the tokens of one situation shared by at least *t* of the
   evaluation) as a population of its own, and the left-out participants as the rest.
   So each evaluation, its earlier versions included, is *split* into its whole
   population and one set per shown situation. The participants fall into *groups*
   that are in exactly the same of these sets; any combination of the evaluations'
   amounts, under any mapping, reveals at most a sum over whole groups. A new
   population may make no group of 1 … t−1 participants (a) among the whole
   populations, nor (b) among all the sets, counting the groups that lie in some shown
   situation (a group that is left out everywhere is neutral in every amount; its size
   is a difference of whole populations, which (a) judges). One that lies over such a
   group (made before this rule) is not shown.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass


def left_out(count: int, threshold: int) -> bool:
    """Whether the participants of a profile shared by ``count`` are left out."""
    return count < threshold


@dataclass(frozen=True)
class Split:
    """One population as a reader sees it: whole, and by its shown situations."""

    whole: frozenset[str]
    shown: tuple[frozenset[str], ...]


def tokens(token: str) -> str:
    """A token by participant and registered situation (as it is)."""
    return token


def participants(token: str) -> str:
    """A token by participant alone: the enrolment part of "‹id›-‹hmac›-‹situation›"."""
    return token.partition("-")[0]


def _situation(token: str) -> str:
    """The situation part of a token ("" for one saved before situations were kept)."""
    parts = token.split("-")
    return parts[2] if len(parts) > 2 else ""


def split(population: Collection[str], threshold: int, view: Callable[[str], str]) -> Split:
    """``population`` in ``view`` (``tokens`` or ``participants``), whole and by the
    situations shared by at least ``threshold`` of it."""
    by_situation: dict[str, set[str]] = {}
    for token in population:
        by_situation.setdefault(_situation(token), set()).add(view(token))
    return Split(
        frozenset(view(token) for token in population),
        tuple(
            frozenset(members)
            for _, members in sorted(by_situation.items())
            if len(members) >= threshold
        ),
    )


def groups(populations: Iterable[Collection[str]]) -> list[frozenset[str]]:
    """The participants split by which of ``populations`` they are in (the atoms)."""
    return [frozenset(g) for g, _ in _groups(populations)]


def _groups(populations: Iterable[Collection[str]]) -> list[tuple[set[str], frozenset[int]]]:
    where: dict[str, set[int]] = {}
    for index, population in enumerate(populations):
        for token in population:
            where.setdefault(token, set()).add(index)
    found: dict[frozenset[int], set[str]] = {}
    for token, indices in where.items():
        found.setdefault(frozenset(indices), set()).add(token)
    return [(members, indices) for indices, members in found.items()]


def _small(splits: Sequence[Split], threshold: int) -> set[frozenset[str]]:
    """The groups of 1 … threshold−1 by rule (a) and (b) of the module's text."""
    whole = {frozenset(g) for g, _ in _groups(s.whole for s in splits) if len(g) < threshold}
    sets = [s.whole for s in splits]
    shown: set[int] = set()
    for s in splits:
        shown.update(range(len(sets), len(sets) + len(s.shown)))
        sets.extend(s.shown)
    situated = {
        frozenset(g) for g, indices in _groups(sets) if len(g) < threshold and indices & shown
    }
    return whole | situated


def makes_small_group(existing: Collection[Split], population: Split, threshold: int) -> bool:
    """Whether adding ``population`` to ``existing`` makes a group of 1 … threshold−1
    participants that was not there before (in either direction: a few more, a few
    fewer, or a few others)."""
    before = _small([*existing], threshold)
    return bool(_small([*existing, population], threshold) - before)


def over_small_group(populations: Collection[Split], population: Split, threshold: int) -> bool:
    """Whether ``population`` (one of ``populations``) holds a group of 1 … threshold−1
    participants, which subtracting the populations from each other would reveal."""
    return any(g <= population.whole for g in _small([*populations, population], threshold))
