"""``in`` on an integer column ignores numbers the database cannot hold.

Django already treats ``pk=<too big>`` as matching nothing, but not ``pk__in=[<too
big>]``: SQLite raises OverflowError (a server error when a form posts a huge id for a
choice of several, e.g. supply types). No row has such an id, so leaving it out of the
list gives the same answer.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):  # type: ignore[type-arg]
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if not self.rhs_is_direct_value():
            return super().process_rhs(compiler, connection)
        low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
        held = copy.copy(self)
        held.rhs = [
            value
            for value in self.rhs
            if not isinstance(value, int)
            or ((low is None or value >= low) and (high is None or value <= high))
        ]
        return In.process_rhs(held, compiler, connection)
