"""Formula cells Excel never calculated: calamine (like openpyxl's data_only mode) reads them as
empty, so the sheet XML is scanned for `<f>` without a cached `<v>` (RELIABILITY.md A6)."""

from __future__ import annotations

import posixpath
import re
import zipfile
from typing import Any

from defusedxml import ElementTree as SafeET

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the zip, from workbook.xml and its relationships."""
    rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    book = SafeET.fromstring(zf.read("xl/workbook.xml"))
    paths: dict[str, str] = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        paths[sheet.get("name", "")] = posixpath.normpath(part)
    return paths


def uncalculated_formulas(parts: dict[str, bytes]) -> dict[str, set[str]]:
    """Per sheet (its XML by name), the cells holding a formula with no cached value.

    A reader of cached values sees such a cell as empty ("never calculated"); only the XML
    tells them apart. Sheets without any formula are skipped after a byte search."""
    found: dict[str, set[str]] = {}
    for name, data in parts.items():
        if not _HAS_FORMULA.search(data):
            continue
        cells: set[str] = set()
        for _event, elem in SafeET.iterparse(_BytesReader(data), events=("end",)):
            if elem.tag == f"{_NS_MAIN}c":
                if elem.find(f"{_NS_MAIN}f") is not None and _no_cached_value(elem):
                    cells.add(elem.get("r", ""))
                elem.clear()
        if cells:
            found[name] = cells
    return found


def sheet_parts(zf: zipfile.ZipFile) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Each sheet's XML by sheet name, and the same bytes by part name in the zip (a sheet
    whose part is missing is left out)."""
    by_part: dict[str, bytes] = {}
    by_sheet: dict[str, bytes] = {}
    for name, part in sheet_paths(zf).items():
        if part not in by_part:
            try:
                by_part[part] = zf.read(part)
            except KeyError:
                continue
        by_sheet[name] = by_part[part]
    return by_sheet, by_part


def _no_cached_value(cell: Any) -> bool:
    """No `<v>`, or an empty one that is not a cached empty string (`t="str"`)."""
    v = cell.find(f"{_NS_MAIN}v")
    return v is None or (not v.text and cell.get("t") != "str")


class _BytesReader:
    """A minimal file object over bytes for iterparse."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else min(len(self._data), self._pos + n)
        chunk = bytes(self._data[self._pos : end])
        self._pos = end
        return chunk
