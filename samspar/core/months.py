"""Calendar months: a day some months later, as a follow-up's due date is counted."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (earlier when negative); where that
    month is shorter, its last day (31 August + 6 months is 28 February)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_reaching(day: dt.date, months: int) -> dt.date:
    """The last day ``d`` with ``add_months(d, months) <= day``, so that the days some
    months after a date are compared in the database on the date itself.

    On the last day of a month every later day of the month ``months`` before reaches
    it too (they are cut to this month's end)."""
    earlier = add_months(day, -months)
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return earlier.replace(day=calendar.monthrange(earlier.year, earlier.month)[1])
    return earlier
