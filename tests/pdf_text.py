"""The text of a PDF written by WeasyPrint, for tests to read what a download says.

Enough of PDF for WeasyPrint's output: objects (also inside compressed object streams),
each page's fonts and their ToUnicode maps, and the text operators (Tf, Tj, TJ) of the
content streams. Each text operator's string becomes one item of the result.
"""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"(.*?)stream\r?\n(.*)\r?\nendstream", re.S)
_TEXT = re.compile(rb"/(\S+) [\d.]+ Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", re.S)
_FONTS = re.compile(rb"/Font\s*(\d+) 0 R")
_FONT_ENTRY = re.compile(rb"/(\S+)\s+(\d+) 0 R")


def pdf_text(content: bytes) -> list[str]:
    objects = _objects(content)
    fonts = _fonts(objects)
    strings: list[str] = []
    for head, stream in objects.values():
        if stream is None or b"/Type /ObjStm" in head or b"/ToUnicode" in head:
            continue
        if not re.search(rb"\bT[Jj]\b", stream):
            continue
        font: dict[int, str] = {}
        for name, array, single in _TEXT.findall(stream):
            if name:
                font = fonts.get(name, {})
            else:
                hexes = re.findall(rb"<([0-9a-fA-F]*)>", array) if array else [single]
                strings.append("".join(_decode(h, font) for h in hexes))
    return strings


def _objects(content: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for number, body in _OBJECT.findall(content):
        objects[int(number)] = _split(body)
    for head, stream in list(objects.values()):
        if stream is None or b"/Type /ObjStm" not in head:
            continue
        match = re.search(rb"/First (\d+)", head)
        assert match is not None
        first = int(match.group(1))
        numbers = [int(n) for n in stream[:first].split()]
        offsets = list(zip(numbers[::2], numbers[1::2], strict=True))
        for i, (number, offset) in enumerate(offsets):
            end = offsets[i + 1][1] if i + 1 < len(offsets) else len(stream) - first
            objects[number] = (stream[first + offset : first + end], None)
    return objects


def _split(body: bytes) -> tuple[bytes, bytes | None]:
    match = _STREAM.match(body)
    if match is None:
        return body, None
    head, data = match.groups()
    return head, zlib.decompress(data) if b"/FlateDecode" in head else data


def _fonts(objects: dict[int, tuple[bytes, bytes | None]]) -> dict[bytes, dict[int, str]]:
    """The ToUnicode map of every font of the pages, by resource name (WeasyPrint names
    each font uniquely)."""
    fonts: dict[bytes, dict[int, str]] = {}
    for head, _stream in objects.values():
        for ref in _FONTS.findall(head):
            for name, number in _FONT_ENTRY.findall(objects[int(ref)][0]):
                fonts[name] = _to_unicode(objects, int(number))
    return fonts


def _to_unicode(objects: dict[int, tuple[bytes, bytes | None]], number: int) -> dict[int, str]:
    match = re.search(rb"/ToUnicode (\d+) 0 R", objects[number][0])
    if match is None:
        return {}
    cmap = objects[int(match.group(1))][1] or b""
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, start in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            for i, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(int(start, 16) + i)
    return mapping


def _decode(hexes: bytes, font: dict[int, str]) -> str:
    codes = [int(hexes[i : i + 4], 16) for i in range(0, len(hexes), 4)]
    return "".join(font.get(code, "") for code in codes)
