"""The reports a reader could subtract a report from (differencing across filters).

A reader who sees both gets their difference: with a gender filter, the same report
without it (women + men − men = women); below the top level, the same report for each
level above (the förbund − this insats = the förbund's other insatser). Suppression
builds those reports too and hides every count of this one whose difference from theirs
would be a small count (``reports.suppression``).

Only the levels above that hold more insatser the reader may see than the one below:
for someone who sees one insats, its förbund is that insats, and no report is built.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from samspar.reports.scope import Level, ReportScope

# The levels above each level, nearest first.
_PARENTS: dict[Level, tuple[Level, ...]] = {
    Level.INSATS: (Level.TEAM, Level.FORBUND, Level.LAN, Level.ALL),
    Level.TEAM: (Level.FORBUND, Level.LAN, Level.ALL),
    Level.FORBUND: (Level.LAN, Level.ALL),
    Level.LAN: (Level.ALL,),
    Level.ALL: (),
}
# The column of (insats, team, förbund, county) that holds each level's object.
_POSITION = {Level.INSATS: 0, Level.TEAM: 1, Level.FORBUND: 2, Level.LAN: 3}


@dataclass(frozen=True)
class Comparison:
    scope: ReportScope
    # The comparison is the same report without the gender filter: a cell for women
    # there is a cell without gender here.
    without_gender: bool = False


def comparisons(scope: ReportScope) -> list[Comparison]:
    """The reports a reader could difference ``scope``'s report against. Below the top
    level it reads which insatser the reader may see (once per reader and request,
    ReportScope.hierarchy)."""
    found = []
    if scope.gender:
        found.append(Comparison(dataclasses.replace(scope, gender=""), without_gender=True))
    if scope.level == Level.ALL:
        return found
    visible = scope.hierarchy()
    position = _POSITION[Level(scope.level)]
    mine = [row for row in visible if str(row[position]) == str(scope.object_id)]
    if not mine:
        return found  # nothing in the report to tell apart
    covered = len(mine)
    for level in _PARENTS[Level(scope.level)]:
        if level == Level.ALL:
            parent_id = None
            members = len(visible)
        else:
            parent_id = mine[0][_POSITION[level]]
            if parent_id is None:  # an insats without a team
                continue
            members = sum(1 for row in visible if row[_POSITION[level]] == parent_id)
        if members > covered:
            found.append(Comparison(dataclasses.replace(scope, level=level, object_id=parent_id)))
            covered = members
    return found
