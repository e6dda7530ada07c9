"""What the workbook's XML parts say that calamine does not: whether a part declares entities
(refused through defusedxml, RELIABILITY.md A2), and which cells are percent-formatted
(FORMS.md rule 5: 0.95 shown as 95% is 95)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml import ElementTree as SafeET
from openpyxl.utils.cell import column_index_from_string

from tasks.intake.pipeline.formulas import sheet_paths

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_BUILTIN_PERCENT = frozenset({9, 10})  # 0% and 0.00%
_DOCTYPE = b"<!DOCTYPE"
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_R = re.compile(rb'\br="([A-Z]*)(\d*)"')
_S = re.compile(rb'\bs="(\d+)"')
_CELL_WITHOUT_R = re.compile(rb"<(?:\w+:)?c\b(?![^>]*\br=)")
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*?)(?<!/)>(.*?)</(?:\w+:)?c>', re.S)
_V = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def refuse_entities(zf: zipfile.ZipFile, read: dict[str, bytes]) -> None:
    """Parse with defusedxml every XML part carrying a DOCTYPE: an entity declaration (a
    billion laughs) raises there, before calamine reads the part. Workbooks have no DTD.
    `read` holds parts already read, by their name in the zip."""
    for info in zf.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        data = read.get(info.filename)
        if data is None:
            data = zf.read(info)
        if _DOCTYPE in data:
            SafeET.fromstring(data)


def error_values(parts: dict[str, bytes]) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet (its XML by name), the cells holding an Excel error (`#DIV/0!`, `#N/A`):
    calamine reads them as empty; openpyxl gave their text, which the rules then refuse where
    it does not fit."""
    found: dict[str, dict[tuple[int, int], str]] = {}
    for name, data in parts.items():
        if b't="e"' not in data:
            continue
        cells: dict[tuple[int, int], str] = {}
        for m in _ERROR_CELL.finditer(data):
            value = _V.search(m[2])
            if value is not None and _R.search(m[1]) is not None:
                cells[_coordinate(m[1])] = value[1].decode("utf-8", "replace")
        if cells:
            found[name] = cells
    return found


def percent_styles(zf: zipfile.ZipFile) -> frozenset[int]:
    """The indexes of cell styles (cellXfs) whose number format shows a percentage."""
    try:
        root = SafeET.fromstring(zf.read("xl/styles.xml"))
    except KeyError:
        return frozenset()
    custom = {
        int(n.get("numFmtId", "0")): n.get("formatCode", "") for n in root.iter(f"{_NS_MAIN}numFmt")
    }
    xfs = root.find(f"{_NS_MAIN}cellXfs")
    if xfs is None:
        return frozenset()
    found: set[int] = set()
    for i, xf in enumerate(xfs.findall(f"{_NS_MAIN}xf")):
        fid = int(xf.get("numFmtId", "0"))
        if fid in _BUILTIN_PERCENT or "%" in custom.get(fid, ""):
            found.add(i)
    return frozenset(found)


def percent_cells(path: Path, sheet: str, styles: frozenset[int]) -> frozenset[tuple[int, int]]:
    """The (row, column) of every cell of `sheet` styled with one of `styles`."""
    if not styles:
        return frozenset()
    with zipfile.ZipFile(path) as zf:
        part = sheet_paths(zf).get(sheet)
        if part is None:
            return frozenset()
        data = zf.read(part)
    return styled_cells(data, styles)


def styled_cells(data: bytes, styles: frozenset[int]) -> frozenset[tuple[int, int]]:
    """The (row, column) of every cell of a sheet's XML styled with one of `styles`."""
    if not styles:
        return frozenset()
    if _CELL_WITHOUT_R.search(data) is None:
        wanted = b"|".join(str(s).encode() for s in sorted(styles))
        styled = re.compile(rb'<(?:\w+:)?c\b[^>]*\bs="(?:' + wanted + rb')"[^>]*>')
        return frozenset(_coordinate(m.group(0)) for m in styled.finditer(data))
    return _counted(data, styles)


def _coordinate(tag: bytes) -> tuple[int, int]:
    m = _R.search(tag)
    assert m is not None
    return int(m[2]), column_index_from_string(m[1].decode())


def _counted(data: bytes, styles: frozenset[int]) -> frozenset[tuple[int, int]]:
    """Cells without `r` are placed by counting (OOXML makes `r` optional)."""
    found: set[tuple[int, int]] = set()
    row = col = 0
    for m in _TAG.finditer(data):
        ref = _R.search(m[2])
        if m[1] == b"row":
            row = int(ref[2]) if ref and ref[2] else row + 1
            col = 0
            continue
        if ref and ref[1]:
            col = column_index_from_string(ref[1].decode())
            row = int(ref[2]) if ref[2] else row
        else:
            col += 1
        style = _S.search(m[2])
        if style and int(style[1]) in styles:
            found.add((row, col))
    return frozenset(found)


__all__ = [
    "error_values",
    "percent_cells",
    "percent_styles",
    "refuse_entities",
    "styled_cells",
]
