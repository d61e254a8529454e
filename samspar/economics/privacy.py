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
   (one per ended enrolment and registered situation: "‹id›-‹keyed hash›"), compared
   both as they are and by enrolment alone. The populations of a förbund's evaluations,
   their earlier versions included, split the participants into *groups* that are in
   exactly the same populations; any combination of the evaluations' amounts reveals at
   most a sum over whole groups. A new population that makes a group of 1 … t−1
   participants is refused, and one that lies over such a group (made before this rule)
   is not shown.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable


def left_out(count: int, threshold: int) -> bool:
    """Whether the participants of a profile shared by ``count`` are left out."""
    return count < threshold


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
    return [frozenset(members) for members in found.values()]


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
