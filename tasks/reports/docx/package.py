"""Deterministic .docx packages: a minimal zip writer and pinned core properties.

Python's zipfile recompresses every entry on every write; a report package is mostly static
parts (styles, theme, settings) that are deflated once per template here and copied as is.
Every entry is dated 1980-01-01 00:00 (the zip epoch) so the same input gives the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from xml.sax.saxutils import escape

# DOS date 1980-01-01 (year 0 since 1980, month 1, day 1), time 00:00:00.
_DOS_DATE = (0 << 9) | (1 << 5) | 1
_DOS_TIME = 0
_DEFLATED = 8
_VERSION = 20

CORE_PROPS_PATH = "docProps/core.xml"
AUTHOR = "daihoi"


@dataclass(frozen=True)
class ZipEntry:
    """One entry, already compressed: its name, CRC-32, sizes and deflated bytes."""

    name: str
    crc: int
    size: int
    data: bytes


def deflate(name: str, raw: bytes, level: int = 6) -> ZipEntry:
    """Compress one entry (raw deflate, as zip stores it)."""
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = comp.compress(raw) + comp.flush()
    return ZipEntry(name, zlib.crc32(raw), len(raw), data)


def write_zip(entries: Iterable[ZipEntry]) -> bytes:
    """The bytes of a zip archive holding the entries in the order given."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    count = 0
    for e in entries:
        name = e.name.encode("utf-8")
        flags = 0x800 if not e.name.isascii() else 0
        local = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            _VERSION,
            flags,
            _DEFLATED,
            _DOS_TIME,
            _DOS_DATE,
            e.crc,
            len(e.data),
            e.size,
            len(name),
            0,
        )
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                _VERSION,
                _VERSION,
                flags,
                _DEFLATED,
                _DOS_TIME,
                _DOS_DATE,
                e.crc,
                len(e.data),
                e.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
        out += (local, name, e.data)
        offset += len(local) + len(name) + len(e.data)
        count += 1
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), offset, 0)
    return b"".join(out) + directory + end


def core_properties(*, as_of: date, title: str, zone: tzinfo) -> bytes:
    """docProps/core.xml pinned to the as-of date (00:00 in `zone`), revision 1."""
    stamp = datetime.combine(as_of, time.min, tzinfo=zone).isoformat(timespec="seconds")
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{AUTHOR}</dc:creator>"
        f"<cp:lastModifiedBy>{AUTHOR}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    return xml.encode("utf-8")
