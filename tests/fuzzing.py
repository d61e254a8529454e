"""Tools of the fuzz tests: the forms of a page as a client sees them, hypothesis values
a hostile or careless user might type, and a snapshot of what the database holds.

A fuzz example sends one request and checks two things: the answer is never a server
error, and a request that was refused (an error status or a form with errors) changed
nothing in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.db import connection
from hypothesis import strategies as st
from lxml import html  # type: ignore[import-untyped]  # python-docx's dependency

# Tables a refused request may write by design, not by a write of the form: the session,
# and logs (the access log of personal-data reads, log-in attempts and the like; any
# table whose name ends in "log", and django-axes' tables).
# What a refused request may still write: sessions, the logs of what was read or tried
# (the access log and its persons, the security log, log-in attempts) and the failure
# counters of a two-factor device that throttle wrong codes.
# An API key's time of last use is noted on every request, refused or not.
VOLATILE_TABLES = {
    "django_session",
    "access_accesslogperson",
    "access_securityevent",
    "access_apitoken",
}


def volatile(table: str) -> bool:
    return table in VOLATILE_TABLES or table.endswith("log") or table.startswith(("axes_", "otp_"))


# What a refused request shows: an error status, or a form with errors.
ERROR_MARKERS = ('class="error"', 'class="errors"', 'class="errorlist', "has-error")

# Inputs that broke a page once, or could: ids and numbers of every size and script,
# dates outside the calendar or at its ends, text that is empty, huge or hostile.
HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1,5",
    "1e308",
    "NaN",
    "inf",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999999999999",
    "-99999999999999999999",
    "²",
    "１２３",
    "١٢٣",
    "0x10",
    "9999-12-31",
    "0001-01-01",
    "1000-01-01",
    "2024-02-30",
    "2024-13-01",
    "31/12/2024",
    "\x00",
    "a\x00b",
    "x" * 5000,
    "🙂" * 40,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "on",
]

# Dates at the calendar's ends break date arithmetic (year 10000) and make reports of
# thousands of years; hypothesis' own dates cluster around 2000.
extreme_dates = st.one_of(
    st.sampled_from([dt.date.min, dt.date(1000, 1, 1), dt.date(1989, 12, 31), dt.date.max]),
    st.dates(),
)

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(-(2**70), 2**70).map(str),
    st.dates().map(dt.date.isoformat),
    st.text(max_size=30),
)


@dataclass
class Form:
    """A form of a page: where it goes, how, and the values a browser would send."""

    method: str
    url: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)
    dates: set[str] = field(default_factory=set)  # the fields typed as dates

    def values(self) -> st.SearchStrategy[dict[str, list[str]]]:
        """The values the page gave, with one or two fields changed: to another of their
        options, left out, or hostile (for a date field mostly a date of any year)."""
        return _changed(self)

    def field_values(self, name: str) -> st.SearchStrategy[list[str]]:
        choices = [st.just([]), st.lists(hostile_text, min_size=1, max_size=2)]
        if name in self.dates:
            choices.append(extreme_dates.map(lambda d: [d.isoformat()]))
        if self.options.get(name):
            choices.append(st.sampled_from(self.options[name]).map(lambda o: [o]))
        return st.one_of(*choices)


@st.composite
def _changed(draw: st.DrawFn, form: Form) -> dict[str, list[str]]:
    values = dict(form.fields)
    if values:
        names = st.sampled_from(sorted(values))
        for name in sorted(draw(st.sets(names, min_size=1, max_size=2))):
            values[name] = draw(form.field_values(name))
    return values


def page_forms(content: bytes, page_url: str) -> Iterator[Form]:
    """The forms of a page and the HTMX requests its fields send (``hx-post``/``hx-get``:
    the field's form's values to another URL)."""
    tree = html.fromstring(content)
    for element in tree.iter("form"):
        method = (element.get("method") or "get").upper()
        action = urljoin(page_url, element.get("action") or "")
        form = Form(method, action)
        _read_fields(element, form)
        yield form
        for trigger in element.xpath(".//*[@hx-post or @hx-get]"):
            hx_method = "POST" if trigger.get("hx-post") else "GET"
            url = urljoin(page_url, trigger.get("hx-post") or trigger.get("hx-get"))
            yield Form(hx_method, url, dict(form.fields), dict(form.options), set(form.dates))


def _read_fields(element: html.HtmlElement, form: Form) -> None:
    for control in element.xpath(".//input | .//select | .//textarea | .//button"):
        name = control.get("name")
        if not name:
            continue
        given = form.fields.setdefault(name, [])
        options = form.options.setdefault(name, [])
        if control.tag == "select":
            values = [o.get("value", o.text_content()) for o in control.iter("option")]
            options += values
            chosen = [o.get("value", "") for o in control.iter("option") if o.get("selected")]
            given += chosen or values[:1]
        elif control.tag == "textarea":
            given.append(control.text or "")
        elif control.get("type") == "date":
            form.dates.add(name)
            given.append(control.get("value", ""))
        elif control.get("type") in ("checkbox", "radio"):
            options.append(control.get("value", "on"))
            if control.get("checked") is not None:
                given.append(control.get("value", "on"))
        elif (control.tag != "button" and control.get("type") != "submit") or not given:
            given.append(control.get("value", ""))


def path_of(url: str) -> str:
    return urlsplit(url).path


def database_rows() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the volatile ones, to compare before and after."""
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if volatile(table):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def refused(status: int, content: bytes) -> bool:
    """Whether the answer says no: an error status, or a page with a form's errors."""
    if status >= 400:
        return True
    text = content.decode(errors="replace")
    return status == 200 and any(marker in text for marker in ERROR_MARKERS)
