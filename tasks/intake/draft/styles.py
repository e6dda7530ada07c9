"""Word paragraph formatting as the draft parser needs it: automatic list numbers (computed as
Word shows them), heading and outline levels through base styles, leading bold text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

_HEADING_NAME = re.compile(r"^heading\s+([1-9])$", re.IGNORECASE)


def roman(n: int) -> str:
    """Upper-case Roman numeral of a positive integer."""
    out = []
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, n = divmod(n, value)
        out.append(sym * count)
    return "".join(out)


def letter(n: int) -> str:
    """Word's lowerLetter format: a … z, then aa … zz, aaa …"""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str | None:
    if fmt in ("none", "bullet"):
        return None
    if fmt == "upperRoman":
        return roman(n)
    if fmt == "lowerRoman":
        return roman(n).lower()
    if fmt == "lowerLetter":
        return letter(n)
    if fmt == "upperLetter":
        return letter(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def xml_val(el: Any, tag: str) -> str | None:
    child = el.find(qn(tag)) if el is not None else None
    return None if child is None else child.get(qn("w:val"))


def style_chain(style: Any) -> Iterator[Any]:
    seen: set[int] = set()
    while style is not None and id(style) not in seen:
        seen.add(id(style))
        yield style
        style = style.base_style


class ListCounters:
    """Word's list counters, advanced paragraph by paragraph as Word would."""

    def __init__(self, document: DocxDocument) -> None:
        self.formats: dict[str, dict[int, tuple[int, str]]] = {}
        self.style_levels: dict[tuple[str, str], int] = {}
        self.num_abstract: dict[str, str] = {}
        self.num_overrides: dict[str, dict[int, int]] = {}
        self.counters: dict[tuple[str, str], dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        for absn in root.findall(qn("w:abstractNum")):
            aid = absn.get(qn("w:abstractNumId"))
            levels: dict[int, tuple[int, str]] = {}
            for lvl in absn.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                levels[ilvl] = (
                    int(xml_val(lvl, "w:start") or 1),
                    xml_val(lvl, "w:numFmt") or "decimal",
                )
                pstyle = xml_val(lvl, "w:pStyle")
                if pstyle:
                    self.style_levels[(aid, pstyle)] = ilvl
            self.formats[aid] = levels
        for num in root.findall(qn("w:num")):
            nid = num.get(qn("w:numId"))
            self.num_abstract[nid] = xml_val(num, "w:abstractNumId") or ""
            overrides = {}
            for ov in num.findall(qn("w:lvlOverride")):
                start = xml_val(ov, "w:startOverride")
                if start is not None:
                    overrides[int(ov.get(qn("w:ilvl"), "0"))] = int(start)
            self.num_overrides[nid] = overrides

    def advance(
        self, num_id: str, ilvl: int | None, style_ids: list[str]
    ) -> tuple[str, str] | None:
        """Count one numbered paragraph; its number as Word shows it at its level, and the format."""
        aid = self.num_abstract.get(num_id)
        if aid is None or aid not in self.formats:
            return None
        if ilvl is None:
            ilvl = next(
                (self.style_levels[(aid, s)] for s in style_ids if (aid, s) in self.style_levels), 0
            )
        start, fmt = self.formats[aid].get(ilvl, (1, "decimal"))
        overrides = self.num_overrides.get(num_id, {})
        # A list instance with a start override restarts; others continue their abstract list.
        key = ("num", num_id) if overrides else ("abs", aid)
        counters = self.counters.setdefault(key, {})
        start = overrides.get(ilvl, start)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = format_number(counters[ilvl], fmt)
        return None if text is None else (text, fmt)


def style_level(paragraph: Paragraph) -> int | None:
    """1–9 when the paragraph's style (or the paragraph) is a heading or has an outline level."""
    ppr = paragraph._p.pPr
    own = xml_val(ppr, "w:outlineLvl")
    if own is not None and own.isdigit() and int(own) < 9:
        return int(own) + 1
    for style in style_chain(paragraph.style):
        m = _HEADING_NAME.match(style.name or "")
        if m and style.builtin is not False:
            return int(m[1])
        lvl = xml_val(style.element.pPr, "w:outlineLvl")
        if lvl is not None and lvl.isdigit():
            return int(lvl) + 1 if int(lvl) < 9 else None
    return None


def num_pr(paragraph: Paragraph) -> tuple[str, int | None, list[str]] | None:
    """(numId, ilvl, style ids) of the paragraph's automatic numbering, if any."""
    style_ids = [s.style_id for s in style_chain(paragraph.style)]
    elements = [paragraph._p.pPr] + [s.element.pPr for s in style_chain(paragraph.style)]
    for ppr in elements:
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is None:
            continue
        num_id = xml_val(numpr, "w:numId")
        if num_id is None:
            continue
        if num_id == "0":  # numbering explicitly switched off
            return None
        ilvl = xml_val(numpr, "w:ilvl")
        return num_id, (int(ilvl) if ilvl is not None else None), style_ids
    return None


def bold_prefix(paragraph: Paragraph) -> str:
    """The text of the paragraph's leading bold runs (whitespace runs do not break it)."""
    para_bold = next(
        (s.font.bold for s in style_chain(paragraph.style) if s.font.bold is not None), None
    )
    out = []
    for run in paragraph.runs:
        text = run.text
        bold = run.bold
        if bold is None:
            bold = next(
                (s.font.bold for s in style_chain(run.style) if s.font.bold is not None),
                para_bold,
            )
        if not bold and text.strip():
            break
        out.append(text)
    return "".join(out)
