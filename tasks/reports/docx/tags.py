"""The docxtpl tags this renderer refuses, found when a template is compiled.

docxtpl (python-docx-template) knows more than this renderer handles. Of its grammar
(template.py, patch_xml) these would be silently wrong here, so a template holding one is
refused with UnsupportedTag, naming the tag and the paragraph or cell that holds it:

- `{% vm %}` / `{% hm %}`: merge a looped cell vertically / horizontally;
- `{{p …}}`, `{{tr …}}`, `{{tc …}}`: a value (Subdoc, RichTextParagraph) put in place of its
  paragraph, row or cell;
- `{_{`, `}_}`, `{_%`, `%_}`: docxtpl's escaped braces, printed as `{{`, `}}`, `{%`, `%}`.

Everything else docxtpl reads from a tag is handled (tests/reports/test_parity.py renders
each through both): `{{ }}`, `{% %}`, `{# #}`, `{%p/tr/tc/r %}`, `{#p/tr/tc #}`, `{{r }}`,
`{% cellbg %}`, `{% colspan %}`, `{%-` and `-%}`. Values that carry their own markup (RichText,
InlineImage, Listing) are no tags: they are refused when rendered (UnsupportedValue).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from defusedxml import ElementTree as SafeET

from tasks.reports.docx import xml_clean
from tasks.reports.docx.errors import UnsupportedTag

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _T = (f"{_W}{n}" for n in ("p", "tbl", "tr", "tc", "t"))

_MEANINGS = (
    (re.compile(r"{%-?\s*vm\s*-?%}"), "gộp ô theo chiều dọc trong vòng lặp"),
    (re.compile(r"{%-?\s*hm\s*-?%}"), "gộp ô theo chiều ngang trong vòng lặp"),
    (re.compile(r"{{p\s.*?}}", re.DOTALL), "chèn cả đoạn văn từ dữ liệu"),
    (re.compile(r"{{tr\s.*?}}", re.DOTALL), "chèn cả hàng bảng từ dữ liệu"),
    (re.compile(r"{{tc\s.*?}}", re.DOTALL), "chèn cả ô bảng từ dữ liệu"),
    (re.compile(r"{_{|}_}|{_%|%_}"), "dấu ngoặc thoát của docxtpl"),
)
_ANY = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _MEANINGS), re.DOTALL)


@dataclass(frozen=True)
class _Paragraph:
    text: str
    where: str


def _text(p: Any) -> str:
    """The text of a paragraph's own runs (not of a text box's paragraphs inside it)."""
    out: list[str] = []
    for child in p:
        if child.tag == _T:
            out.append(child.text or "")
        elif child.tag not in (_P, _TBL):
            out.append(_text(child))
    return "".join(out)


class _Walk:
    """Every paragraph of a part in document order, with where an organiser finds it."""

    def __init__(self) -> None:
        self.tables = 0
        self.paragraphs = 0

    def blocks(self, parent: Any, cell: str | None) -> Iterator[_Paragraph]:
        in_cell = 0
        for child in parent:
            if child.tag == _P:
                if cell is None:
                    self.paragraphs += 1
                    where = f"đoạn {self.paragraphs}"
                else:
                    in_cell += 1
                    where = f"{cell}, đoạn {in_cell} trong ô"
                yield _Paragraph(_text(child), where)
            elif child.tag == _TBL:
                yield from self.table(child)
            else:
                yield from self.blocks(child, cell)

    def table(self, tbl: Any) -> Iterator[_Paragraph]:
        self.tables += 1
        number = self.tables
        rows = [r for r in tbl if r.tag == _TR]
        for r, row in enumerate(rows, start=1):
            cells = [c for c in row if c.tag == _TC]
            for c, tc in enumerate(cells, start=1):
                yield from self.blocks(tc, f"bảng {number}, hàng {r}, ô {c}")


def refuse_unsupported(xml: str, *, template: str, part: str) -> None:
    """Raise UnsupportedTag for the first tag of a part that this renderer does not handle;
    nothing when there is none (the usual case: one regex search of the part, its split runs
    merged as the renderer merges them)."""
    found = _ANY.search(xml_clean.merge_split_tags(xml))
    if found is None:
        return
    tag, where = found.group(0), "ở một thẻ vắt qua nhiều đoạn văn"
    for paragraph in _Walk().blocks(SafeET.fromstring(xml.encode("utf-8")), None):
        in_text = _ANY.search(paragraph.text)
        if in_text is not None:
            tag, where = in_text.group(0), paragraph.where
            break
    meaning = next((m for pattern, m in _MEANINGS if pattern.fullmatch(tag)), "")
    raise UnsupportedTag(template=template, tag=tag, meaning=meaning, part=part, where=where)
