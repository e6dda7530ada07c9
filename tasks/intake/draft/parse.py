"""Read the sections of a draft Political Report from its .docx (FORMS.md §8); pure, no database."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import docx
from docx.document import Document as DocxDocument

from models.settings import Limits
from tasks.core.text import nfc, norm_key
from tasks.intake.draft.styles import (
    ListCounters,
    bold_prefix,
    letter,
    num_pr,
    roman,
    style_level,
)

GENERAL_SECTION = "Chung"
MAX_LEVEL = 3

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
    mode: Literal["styles", "bold", "levels"]
    unnumbered: tuple[str, ...] = field(default=())

    @property
    def numbered_by_level(self) -> bool:
        """The draft's headings carried no numbers: they were numbered from their levels."""
        return self.mode == "levels"


def section_key(number: str) -> str:
    """How section numbers compare: spaces and a trailing '.' dropped, case-insensitive."""
    return re.sub(r"\s+", "", nfc(number)).rstrip(".").upper()


def _fmt_level(fmt: str) -> int | None:
    """The heading level a bold auto-numbered paragraph has by its number format."""
    return {"upperRoman": 1, "decimal": 2, "lowerLetter": 3}.get(fmt)


@dataclass
class _Para:
    index: int
    text: str
    style_level: int | None
    auto: tuple[str, str] | None
    bold_prefix: str


def _clean_title(text: str) -> str:
    return " ".join(nfc(text).split()).rstrip(":").strip()


def _read_paragraphs(document: DocxDocument) -> list[_Para]:
    numbering = ListCounters(document)
    paras = []
    for index, paragraph in enumerate(document.paragraphs, start=1):
        numpr = num_pr(paragraph)
        # Every numbered paragraph advances its list, headings or not, as in Word.
        auto = numbering.advance(*numpr) if numpr else None
        text = nfc(paragraph.text)
        if not text:
            continue
        paras.append(_Para(index, text, style_level(paragraph), auto, nfc(bold_prefix(paragraph))))
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


def _numbered_by_level(
    heads: dict[int, _Heading], parts: set[int], shift: int
) -> dict[int, _Heading]:
    """Headings styled Heading 1–3 with no number at all, numbered as the levels read: I, II …
    under each part; 1, 2 … under each; a, b … under each (Word's upperRoman, decimal,
    lowerLetter)."""
    counters = [0] * MAX_LEVEL
    numbered = dict(heads)
    for index in sorted({*heads, *parts}):
        if index in parts:
            counters = [0] * MAX_LEVEL
            continue
        head = heads[index]
        level = head.level - shift
        if not 1 <= level <= MAX_LEVEL:
            continue  # a part's name under `PHẦN THỨ …`, or a deeper heading
        counters[level - 1] += 1
        counters[level:] = [0] * (MAX_LEVEL - level)
        n = counters[level - 1]
        component = roman(n) if level == 1 else str(n) if level == 2 else letter(n)
        numbered[index] = _Heading(head.para, head.level, component, head.title)
    return numbered


def sections_of(document: DocxDocument) -> ParsedDraft:
    """The numbered sections of an opened document (FORMS.md §8)."""
    paras = _read_paragraphs(document)
    parts = {p.index: part for p in paras if (part := _part_number(p.text)) is not None}
    # Where the parts themselves take Heading 1, the three numbered levels sit one lower.
    part_styled = any(p.style_level == 1 for p in paras if p.index in parts)
    max_level = MAX_LEVEL + 1 if part_styled else MAX_LEVEL
    mode: Literal["styles", "bold", "levels"] = "styles"
    heads = {
        h.para.index: h for h in _headings(paras, "styles", max_level) if h.para.index not in parts
    }
    # Heading styles used only for unnumbered lines (the document's title) do not make a
    # draft "styled": its numbered headings are then the bold ones.
    if not any(h.component is not None for h in heads.values()):
        styled, mode = heads, "bold"
        heads = {h.para.index: h for h in _headings(paras, "bold", max_level)}
        # No bold numbered headings either: the Heading 1–3 styles alone give the numbers.
        if not heads and styled:
            mode = "levels"
            heads = _numbered_by_level(styled, set(parts), 1 if part_styled else 0)
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
