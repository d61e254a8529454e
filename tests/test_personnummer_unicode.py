"""#9.2: one number is one person, whatever digits and separators it is typed with.

``core.personnummer.parse`` maps a decimal digit of any script to ASCII and accepts only
``-``, ``+`` and spaces (in any form whose NFKC is one of them); everything else is
refused with a clear error. The properties run over Unicode's decimal digits (category
Nd, every script) and over separators, look-alike dashes, non-breaking and zero-width
characters."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samspar.core import crypto
from samspar.core.personnummer import SEPARATORS, PersonnummerError, normalise, parse

TODAY = dt.date(2026, 11, 23)
NUMBER = "198503151238"  # the issue's number, 19850315-1238

# Every decimal digit Unicode knows, grouped by value ('٣', '３', '३', '𝟑' … for 3), and
# every character whose NFKC form is an accepted separator ('\u00a0', '－', '＋' …).
DIGITS: dict[int, list[str]] = {d: [] for d in range(10)}
ACCEPTED_SEPARATORS: dict[str, list[str]] = {s: [] for s in SEPARATORS}
for code_point in range(0x110000):
    ch = chr(code_point)
    value = unicodedata.decimal(ch, None)
    if value is not None:
        DIGITS[value].append(ch)
    folded = unicodedata.normalize("NFKC", ch)
    if folded in SEPARATORS:
        ACCEPTED_SEPARATORS[folded].append(ch)
DASHES_AND_SPACES = ["", *ACCEPTED_SEPARATORS["-"], *ACCEPTED_SEPARATORS[" "]]

# Characters that look like a dash or a space, or are invisible, but are not accepted.
LOOK_ALIKES = [
    "\u2010",  # hyphen
    "\u2011",  # non-breaking hyphen
    "\u2012",  # figure dash
    "\u2013",  # en dash
    "\u2014",  # em dash
    "\u2212",  # minus sign
    "\u00ad",  # soft hyphen
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # zero-width no-break space (BOM)
    "\t",
    "\n",
    "_",
    ".",
    "/",
    "²",  # superscript two: a digit to NFKC, but not a decimal digit
    "①",
]


def is_foreign(ch: str) -> bool:
    """Neither a decimal digit nor a character whose NFKC form is a separator."""
    return unicodedata.decimal(ch, None) is None and (
        unicodedata.normalize("NFKC", ch) not in SEPARATORS
    )


def spelled(number: str, sep: str, draw: st.DrawFn) -> str:
    """The number with each digit drawn from any script and ``sep`` before the last four."""
    chars = [draw(st.sampled_from(DIGITS[int(d)])) for d in number]
    return "".join(chars[:-4]) + sep + "".join(chars[-4:])


def test_the_issue_spellings_are_the_same_number():
    for text in ("19850315-１２３8", "١٩٨٥٠٣١٥-١٢٣8", "19850315-1238", "850315-1238"):
        assert parse(text, today=TODAY).canonical == NUMBER


def test_every_digit_script_is_covered():
    assert all(len(chars) > 50 for chars in DIGITS.values())
    assert {"\u00a0", "\u2007", "\u3000"} <= set(ACCEPTED_SEPARATORS[" "])
    assert {"\uff0d", "\ufe63"} <= set(ACCEPTED_SEPARATORS["-"])
    assert not set(LOOK_ALIKES) & {c for cs in ACCEPTED_SEPARATORS.values() for c in cs}


@settings(deadline=None, max_examples=300)
@given(data=st.data(), sep=st.sampled_from(DASHES_AND_SPACES))
def test_any_accepted_spelling_is_the_same_number_and_hash(data, sep):
    pnr = parse(spelled(NUMBER, sep, data.draw), today=TODAY)
    assert pnr.canonical == NUMBER
    assert crypto.lookup_hash(pnr.canonical) == crypto.lookup_hash(NUMBER)


@settings(deadline=None, max_examples=100)
@given(data=st.data(), sep=st.sampled_from(ACCEPTED_SEPARATORS["+"]))
def test_any_plus_sign_marks_a_hundred_year_old(data, sep):
    pnr = parse(spelled(NUMBER[2:], sep, data.draw), today=TODAY)
    assert pnr.canonical == "18" + NUMBER[2:]


@settings(deadline=None, max_examples=300)
@given(
    data=st.data(),
    bad=st.sampled_from(LOOK_ALIKES)
    | st.characters(  # every category but the surrogates
        categories=["L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co"]
    ).filter(is_foreign),
    at=st.integers(min_value=1, max_value=12),
)
def test_any_other_character_is_refused_with_a_clear_error(data, bad, at):
    text = spelled(NUMBER, "-", data.draw)
    text = text[:at] + bad + text[at:]
    with pytest.raises(PersonnummerError) as e:
        parse(text, today=TODAY)
    assert e.value.code == "character"


@settings(deadline=None, max_examples=200)
@given(st.text(max_size=16))
def test_normalise_gives_ascii_or_refuses(text):
    try:
        cleaned = normalise(text)
    except PersonnummerError as e:
        assert e.code == "character"
    else:
        assert cleaned.isascii()
        assert set(cleaned) <= set("0123456789-+")
