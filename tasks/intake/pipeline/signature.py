"""Signature blocks under a table (FORMS.md rule 3): rows whose only text is a signature phrase
("Người lập biểu", "(Ký, ghi rõ họ tên)", "Thủ trưởng đơn vị", a place-and-date line) or a
name under one, after the table's last data row. They are ignored with a warning, never
reported as data rows missing their required cells."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from tasks.core.text import norm_key

# Compared on norm_key (case-folded, `,.;:-_` removed, tones in one placement).
_PREFIXES = tuple(
    norm_key(p) + " "
    for p in (
        "Người lập",
        "Người kiểm tra",
        "Người duyệt",
        "Người ký",
        "Thủ trưởng",
        "Lãnh đạo",
        "Xác nhận",
        "Thay mặt",
        "Ký thay",
        "Thừa lệnh",
        "Ký",
        "T/M",
        "K/T",
        "T/L",
        "TM",
        "KT",
        "TL",
    )
)
_EXACT = frozenset(
    norm_key(p)
    for p in (
        "Người lập biểu",
        "Người lập bảng",
        "Người lập",
        "Người kiểm tra",
        "Người duyệt",
        "Thủ trưởng",
        "Thủ trưởng đơn vị",
        "Thủ trưởng cơ quan",
        "Lãnh đạo đơn vị",
        "Xác nhận",
        "Nơi nhận",
        "Bí thư",
        "Phó Bí thư",
        "Chủ tịch",
        "Phó Chủ tịch",
        "Trưởng ban",
        "Phó Trưởng ban",
        "Kế toán",
        "Kế toán trưởng",
        "Chánh văn phòng",
        "Trưởng phòng",
        "Giám đốc",
        "Hiệu trưởng",
        "Ký tên",
        "Đóng dấu",
    )
)
# "(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)", "(chữ ký, dấu)".
_PAREN = re.compile(r"^\(.*\b(ký|dấu|họ tên|họ và tên)\b.*\)$")
# "TP. Hồ Chí Minh, ngày 20 tháng 3 năm 2025" (also with dots for the figures left blank).
_PLACE_DATE = re.compile(r"\bngày\s*[\d.…]*\s*tháng\s*[\d.…]*\s*năm\b")
_NAME_WORD = re.compile(r"^[^\W\d_]+\.?$")
_NAME_MAX_WORDS = 6


@lru_cache(maxsize=1024)
def is_signature_phrase(text: str) -> bool:
    """A phrase of a signature block (a title, a "(Ký, ghi rõ họ tên)" hint, a date line)."""
    plain = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    if _PAREN.match(plain) or _PLACE_DATE.search(plain):
        return True
    key = norm_key(text)
    return key in _EXACT or key.startswith(_PREFIXES)


@lru_cache(maxsize=1024)
def _is_name(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= _NAME_MAX_WORDS and all(_NAME_WORD.match(w) for w in words)


def _kind(cells: Mapping[str, Any]) -> str | None:
    """'phrase' (a signature phrase, perhaps beside names), 'name' (only names), or None."""
    phrase = False
    for value in cells.values():
        if not isinstance(value, str):
            return None
        if is_signature_phrase(value):
            phrase = True
        elif not _is_name(value):
            return None
    return "phrase" if phrase else "name"


def signature_start(rows: Sequence[Mapping[str, Any]]) -> int:
    """The index where a signature block at the end of `rows` (each row's values) begins, or len(rows) if none.

    The block is the trailing run of phrase and name rows, from its first phrase row on:
    name-only rows above the first phrase are data (an unfinished row still errors), and a
    row of any other content after a phrase ends the block being at the end."""
    start = len(rows)
    while start > 0 and _kind(rows[start - 1]) is not None:
        start -= 1
    for i in range(start, len(rows)):
        if _kind(rows[i]) == "phrase":
            return i
    return len(rows)


__all__ = ["is_signature_phrase", "signature_start"]
