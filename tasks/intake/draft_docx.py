"""Read the sections of a draft Political Report from its .docx (FORMS.md §8); pure, no database."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from models.settings import Limits
from tasks.text import nfc, norm_key

GENERAL_SECTION = "Chung"
MAX_LEVEL = 3

_HEADING_NAME = re.compile(r"^heading\s+([1-9])$", re.IGNORECASE)
# A printed number: one or more components (Roman, Arabic, a lowercase letter) joined by '.',
# then '.' or ')', then a space or a letter (so "1.500 người" is not a heading "1").
_ROMAN = r"(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_MARKER = re.compile(
    r"^(?P<num>(?:[IVXL]+|\d{1,3}|[a-zđ])(?:\.(?:[IVXL]+|\d{1,3}|[a-zđ]))*)\s*[.)](?=\s|[^\W\d_]|$)"
)
_ORDINALS = {
    "NHẤT": 1,
    "HAI": 2,
    "BA": 3,
    "TƯ": 4,
    "BỐN": 4,
    "NĂM": 5,
    "SÁU": 6,
    "BẢY": 7,
    "TÁM": 8,
    "CHÍN": 9,
    "MƯỜI": 10,
}
_PART = re.compile(
    r"^PHẦN\s+(?:THỨ\s+(?P<word>" + "|".join(_ORDINALS) + r")|(?P<num>[IVX]+|\d{1,2}))"
    r"(?![^\W\d_])\s*[:.\-–—]?\s*(?P<rest>.*)$",
    re.DOTALL,
)


class DraftFormatError(ValueError):
    """The draft cannot be read into sections; `problems` are Vietnamese lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ParsedSection:
    """A heading of the draft: its number as printed (`P1.I.2`), title and level (0 = part)."""

    number: str
    title: str
    level: int
    paragraph: int

    @property
    def title_key(self) -> str:
        """The title as compared when relinking comments (FORMS.md rule 1)."""
        return norm_key(self.title)


@dataclass(frozen=True)
class ParsedDraft:
    """A draft's title, its sections in document order, and headings that carried no number."""

    title: str
    sections: tuple[ParsedSection, ...]
    mode: Literal["styles", "bold"]
    unnumbered: tuple[str, ...] = field(default=())


def section_key(number: str) -> str:
    """How section numbers compare: spaces and a trailing '.' dropped, case-insensitive."""
    return re.sub(r"\s+", "", nfc(number)).rstrip(".").upper()


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


def _format_number(n: int, fmt: str) -> str | None:
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


def _fmt_level(fmt: str) -> int | None:
    """The heading level a bold auto-numbered paragraph has by its number format."""
    return {"upperRoman": 1, "decimal": 2, "lowerLetter": 3}.get(fmt)


def _val(el: Any, tag: str) -> str | None:
    child = el.find(qn(tag)) if el is not None else None
    return None if child is None else child.get(qn("w:val"))


def _style_chain(style: Any) -> Iterator[Any]:
    seen: set[int] = set()
    while style is not None and id(style) not in seen:
        seen.add(id(style))
        yield style
        style = style.base_style


class _Numbering:
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
                levels[ilvl] = (int(_val(lvl, "w:start") or 1), _val(lvl, "w:numFmt") or "decimal")
                pstyle = _val(lvl, "w:pStyle")
                if pstyle:
                    self.style_levels[(aid, pstyle)] = ilvl
            self.formats[aid] = levels
        for num in root.findall(qn("w:num")):
            nid = num.get(qn("w:numId"))
            self.num_abstract[nid] = _val(num, "w:abstractNumId") or ""
            overrides = {}
            for ov in num.findall(qn("w:lvlOverride")):
                start = _val(ov, "w:startOverride")
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
        text = _format_number(counters[ilvl], fmt)
        return None if text is None else (text, fmt)


@dataclass
class _Para:
    index: int
    text: str
    style_level: int | None
    auto: tuple[str, str] | None
    bold_prefix: str


def _style_level(paragraph: Paragraph) -> int | None:
    """1–9 when the paragraph's style (or the paragraph) is a heading or has an outline level."""
    ppr = paragraph._p.pPr
    own = _val(ppr, "w:outlineLvl")
    if own is not None and own.isdigit() and int(own) < 9:
        return int(own) + 1
    for style in _style_chain(paragraph.style):
        m = _HEADING_NAME.match(style.name or "")
        if m and style.builtin is not False:
            return int(m[1])
        lvl = _val(style.element.pPr, "w:outlineLvl")
        if lvl is not None and lvl.isdigit():
            return int(lvl) + 1 if int(lvl) < 9 else None
    return None


def _num_pr(paragraph: Paragraph) -> tuple[str, int | None, list[str]] | None:
    """(numId, ilvl, style ids) of the paragraph's automatic numbering, if any."""
    style_ids = [s.style_id for s in _style_chain(paragraph.style)]
    elements = [paragraph._p.pPr] + [s.element.pPr for s in _style_chain(paragraph.style)]
    for ppr in elements:
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is None:
            continue
        num_id = _val(numpr, "w:numId")
        if num_id is None:
            continue
        if num_id == "0":  # numbering explicitly switched off
            return None
        ilvl = _val(numpr, "w:ilvl")
        return num_id, (int(ilvl) if ilvl is not None else None), style_ids
    return None


def _bold_prefix(paragraph: Paragraph) -> str:
    """The text of the paragraph's leading bold runs (whitespace runs do not break it)."""
    para_bold = next(
        (s.font.bold for s in _style_chain(paragraph.style) if s.font.bold is not None), None
    )
    out = []
    for run in paragraph.runs:
        text = run.text
        bold = run.bold
        if bold is None:
            bold = next(
                (s.font.bold for s in _style_chain(run.style) if s.font.bold is not None),
                para_bold,
            )
        if not bold and text.strip():
            break
        out.append(text)
    return "".join(out)


def _clean_title(text: str) -> str:
    return " ".join(nfc(text).split()).rstrip(":").strip()


def _read_paragraphs(document: DocxDocument) -> list[_Para]:
    numbering = _Numbering(document)
    paras = []
    for index, paragraph in enumerate(document.paragraphs, start=1):
        numpr = _num_pr(paragraph)
        # Every numbered paragraph advances its list, headings or not, as in Word.
        auto = numbering.advance(*numpr) if numpr else None
        text = nfc(paragraph.text)
        if not text:
            continue
        paras.append(
            _Para(index, text, _style_level(paragraph), auto, nfc(_bold_prefix(paragraph)))
        )
    return paras


def _part_number(text: str) -> tuple[int, str] | None:
    m = _PART.match(text)
    if m is None:
        return None
    if m["word"]:
        n = _ORDINALS[m["word"]]
    elif m["num"].isdigit():
        n = int(m["num"])
    elif re.fullmatch(_ROMAN, m["num"]):
        n = [roman(i) for i in range(1, 40)].index(m["num"]) + 1
    else:
        return None
    return n, _clean_title(m["rest"])


def _marker(text: str) -> tuple[str, str] | None:
    """(last number component, rest of the text) when the text begins with a printed number."""
    m = _MARKER.match(text)
    if m is None:
        return None
    last = m["num"].split(".")[-1]
    if re.fullmatch(r"[IVXL]+", last) and not re.fullmatch(_ROMAN, last):
        return None
    return last, text[m.end() :]


def _marker_level(component: str) -> int:
    if component.isdigit():
        return 2
    if re.fullmatch(r"[IVXL]+", component):
        return 1
    return 3


@dataclass
class _Heading:
    para: _Para
    level: int
    component: str | None
    title: str


def _headings(paras: list[_Para], mode: str, max_level: int) -> Iterator[_Heading]:
    for p in paras:
        if mode == "styles":
            if p.style_level is None or p.style_level > max_level:
                continue
            if p.auto:
                yield _Heading(p, p.style_level, p.auto[0], _clean_title(p.text))
                continue
            m = _marker(p.text)
            if m:
                yield _Heading(p, p.style_level, m[0], _clean_title(m[1]))
            else:
                yield _Heading(p, p.style_level, None, _clean_title(p.text))
        else:
            if p.auto:
                level = _fmt_level(p.auto[1])
                if level and re.search(r"[^\W\d_]", p.bold_prefix):
                    yield _Heading(p, level, p.auto[0], _clean_title(p.bold_prefix))
                continue
            m = _marker(p.bold_prefix)
            if m and re.search(r"[^\W\d_]", m[1]):
                yield _Heading(p, _marker_level(m[0]), m[0], _clean_title(m[1]))


def sections_of(document: DocxDocument) -> ParsedDraft:
    """The numbered sections of an opened document (FORMS.md §8)."""
    paras = _read_paragraphs(document)
    parts = {p.index: part for p in paras if (part := _part_number(p.text)) is not None}
    # Where the parts themselves take Heading 1, the three numbered levels sit one lower.
    part_styled = any(p.style_level == 1 for p in paras if p.index in parts)
    max_level = MAX_LEVEL + 1 if part_styled else MAX_LEVEL
    mode: Literal["styles", "bold"] = "styles"
    heads = {
        h.para.index: h for h in _headings(paras, "styles", max_level) if h.para.index not in parts
    }
    # Heading styles used only for unnumbered lines (the document's title) do not make a
    # draft "styled": its numbered headings are then the bold ones.
    if not any(h.component is not None for h in heads.values()):
        mode = "bold"
        heads = {h.para.index: h for h in _headings(paras, "bold", max_level)}
    sections: list[ParsedSection] = []
    unnumbered: list[str] = []
    stack: list[tuple[int, str | None]] = []
    title_for_part: ParsedSection | None = None
    for p in paras:
        if p.index in parts:
            n, rest = parts[p.index]
            stack = [(0, f"P{n}")]
            section = ParsedSection(f"P{n}", rest or _clean_title(p.text), 0, p.index)
            sections.append(section)
            title_for_part = None if rest else section
            continue
        head = heads.get(p.index)
        if title_for_part is not None:
            pending, title_for_part = title_for_part, None
            # "PHẦN THỨ NHẤT" alone on its line: an unnumbered capitalised line under it names it.
            if (head is None or head.component is None) and p.text == p.text.upper():
                sections[-1] = ParsedSection(
                    pending.number, _clean_title(p.text), 0, pending.paragraph
                )
                continue
        if head is None:
            continue
        while stack and stack[-1][0] >= head.level and stack[-1][0] > 0:
            stack.pop()
        stack.append((head.level, head.component))
        if head.component is None:
            unnumbered.append(head.title)
            continue
        number = ".".join(c for _, c in stack if c is not None)
        level = sum(1 for lvl, c in stack if lvl > 0 and c is not None)
        sections.append(ParsedSection(number, head.title, level, p.index))
    _check_unique(sections)
    first = sections[0].paragraph if sections else None
    return ParsedDraft(_title(document, paras, first), tuple(sections), mode, tuple(unnumbered))


def _check_unique(sections: list[ParsedSection]) -> None:
    seen: dict[str, ParsedSection] = {}
    problems = []
    for s in sections:
        key = section_key(s.number)
        if key == section_key(GENERAL_SECTION):
            problems.append(
                f"Mục '{s.number}' (đoạn {s.paragraph}) trùng với mục dành riêng 'Chung'"
            )
        elif key in seen:
            first = seen[key]
            problems.append(
                f"Hai mục cùng số '{s.number}': đoạn {first.paragraph} «{first.title}» "
                f"và đoạn {s.paragraph} «{s.title}»"
            )
        else:
            seen[key] = s
    if problems:
        raise DraftFormatError(problems)


def _title(document: DocxDocument, paras: list[_Para], first_heading: int | None) -> str:
    """The core-properties title, else the first line of the text before the first heading."""
    core = nfc(document.core_properties.title or "")
    if core:
        return core[:300]
    before = [p for p in paras if first_heading is None or p.index < first_heading]
    return " ".join(before[0].text.split())[:300] if before else ""


def check_docx(path: Path, limits: Limits) -> None:
    """Refuse what is not a .docx, or a zip past the limits, before python-docx parses it."""
    if path.suffix.lower() not in (".docx", ".docm"):
        raise DraftFormatError(["Hãy lưu dự thảo dưới dạng Word Document (.docx)"])
    size = path.stat().st_size
    if size > limits.file_mb * 1024 * 1024:
        raise DraftFormatError([f"Tệp '{path.name}' vượt quá giới hạn {limits.file_mb} MB"])
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        raise DraftFormatError([f"Tệp '{path.name}' không phải tệp Word (.docx) hợp lệ"]) from e
    if len(infos) > limits.zip_entries:
        raise DraftFormatError([f"Tệp '{path.name}' có quá {limits.zip_entries} thành phần nén"])
    total = sum(i.file_size for i in infos)
    if total > limits.uncompressed_mb * 1024 * 1024:
        raise DraftFormatError(
            [f"Tệp '{path.name}' khi giải nén vượt quá {limits.uncompressed_mb} MB"]
        )
    packed = sum(i.compress_size for i in infos)
    # Small parts compress absurdly well; the ratio matters only past a megabyte.
    if total > 1024 * 1024 and packed and total / packed > limits.compression_ratio:
        raise DraftFormatError(
            [f"Tệp '{path.name}' có tỷ lệ nén vượt quá {limits.compression_ratio}:1"]
        )


def parse_draft(path: Path) -> ParsedDraft:
    """The sections of a .docx draft; DraftFormatError when it is not a readable Word file."""
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise DraftFormatError([f"Tệp '{path.name}' không phải tệp Word (.docx) hợp lệ"]) from e
    parsed = sections_of(document)
    if not parsed.title:
        parsed = ParsedDraft(path.stem, parsed.sections, parsed.mode, parsed.unnumbered)
    return parsed
