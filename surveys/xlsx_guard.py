"""Bounding the work an XLSX file can ask of its parser, before and while it is parsed.

An XLSX file is a zip of XML parts. Compression makes a few hundred kilobytes unpack into
millions of shared strings, cell formats or cells, which openpyxl would all turn into Python
objects (one such file held a web thread for ten minutes and grew it by 900 MB). Every XML part
is streamed through zlib once, in small chunks, and its elements counted; a part over its limit
refuses the file with the limit it broke, before anything is parsed.
"""

from __future__ import annotations

import re
import time
import zipfile

from surveys.spreadsheet import Limits, SheetError

_CHUNK = 1 << 20
_SHARED_STRINGS_TYPE = "sharedStrings+xml"
_WORKSHEET_TYPE = "worksheet+xml"
_STRING_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_ELEMENT = re.compile(rb"<[A-Za-z_]")
_MAX_MANIFEST_BYTES = 1024 * 1024
_MANIFEST_ENTRY = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(Override|Default)\b([^>]*)>")
_ATTRIBUTE = re.compile(r"([A-Za-z]+)\s*=\s*[\"']([^\"']*)[\"']")


class Deadline:
    """The moment a read must be finished by; ``check`` raises once it has passed."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._ends = time.monotonic() + seconds

    def check(self) -> None:
        """Refuse the file when the time is up."""
        if time.monotonic() > self._ends:
            raise SheetError("too_slow", seconds=self.seconds)


def _count(zf: zipfile.ZipFile, info: zipfile.ZipInfo, pattern: re.Pattern, limit: int,
           deadline: Deadline) -> int:
    """How many matches of ``pattern`` the part holds, stopping once past ``limit``.

    The part is unpacked in chunks; each chunk is searched with the last bytes of the one
    before it, and a match counts in the chunk where it ends, so none is cut or counted twice.
    """
    found = 0
    tail = b""
    with zf.open(info) as part:
        while chunk := part.read(_CHUNK):
            deadline.check()
            window = tail + chunk
            fresh = len(tail)
            # Counted at C speed (a Python step per match doubles the time under a tracer,
            # such as coverage); the few matches inside the carried tail are taken off.
            found += len(pattern.findall(window))
            for m in pattern.finditer(window):
                if m.end() > fresh:
                    break
                found -= 1
            if found > limit:
                break
            tail = window[-64:]
    return found


def _content_types(zf: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """Part name → content type overrides, and extension → default type, from the manifest.

    Read with a pattern rather than an XML parser: the manifest is as untrusted as the rest,
    and only two attributes of flat elements are needed.
    """
    try:
        info = zf.getinfo("[Content_Types].xml")
    except KeyError:
        return {}, {}
    if info.file_size > _MAX_MANIFEST_BYTES:
        raise SheetError("part_too_complex", part=info.filename, max=_MAX_MANIFEST_BYTES)
    text = zf.read(info).decode("utf-8", "replace")
    overrides, defaults = {}, {}
    for tag, attributes in _MANIFEST_ENTRY.findall(text):
        values = dict(_ATTRIBUTE.findall(attributes))
        kind = values.get("ContentType", "")
        if tag == "Override":
            overrides[values.get("PartName", "").lstrip("/").lower()] = kind
        else:
            defaults[values.get("Extension", "").lower()] = kind
    return overrides, defaults


def check_parts(zf: zipfile.ZipFile, limits: Limits, deadline: Deadline) -> None:
    """Refuse a workbook whose parts unpack into more than ``limits`` allow."""
    infos = zf.infolist()
    if len(infos) > limits.max_parts:
        raise SheetError("too_many_parts", count=len(infos), max=limits.max_parts)
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limits.max_uncompressed_bytes:
        raise SheetError("too_large_unpacked", size=unpacked, max=limits.max_uncompressed_bytes)
    overrides, defaults = _content_types(zf)
    cells = 0
    for info in infos:
        name = info.filename.lower()
        extension = name.rsplit(".", 1)[-1]
        if extension not in ("xml", "rels", "vml") or info.is_dir():
            continue  # images and binary parts are never parsed when reading values
        kind = overrides.get(name) or defaults.get(extension, "")
        if kind.endswith(_WORKSHEET_TYPE):
            # openpyxl looks through every sheet for its size when it opens the workbook, and
            # turns a whole row into objects at once however many cells it repeats.
            cells += _count(zf, info, _CELL, limits.max_cells - cells, deadline)
            if cells > limits.max_cells:
                raise SheetError("too_many_cells", max=limits.max_cells)
            continue
        if kind.endswith(_SHARED_STRINGS_TYPE) or name.endswith("sharedstrings.xml"):
            strings = _count(zf, info, _STRING_ITEM, limits.max_shared_strings, deadline)
            if strings > limits.max_shared_strings:
                raise SheetError("too_many_shared_strings", max=limits.max_shared_strings)
            # Rich text has a few runs per string; thousands of runs in one string are not text.
            budget = 16 * limits.max_shared_strings
            if _count(zf, info, _ELEMENT, budget, deadline) > budget:
                raise SheetError("part_too_complex", part=info.filename, max=budget)
        elif _count(zf, info, _ELEMENT, limits.max_other_elements, deadline) > \
                limits.max_other_elements:
            raise SheetError("part_too_complex", part=info.filename,
                             max=limits.max_other_elements)
