"""One cell → one typed value (FORMS.md rules 4–8), or the reason it is not one.

Each parser returns `(value, None)` or `(None, message)`; the message is the part an
organiser reads after the quoted cell value, e.g. "không phải ngày hợp lệ (dd/mm/yyyy)".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple

from tasks.core.text import norm_key
from tasks.intake.pipeline.spec import ColumnSpec
from tasks.intake.pipeline.textcheck import bad_control, looks_like_legacy_font


class Cell(NamedTuple):
    """What the workbook holds in a cell: openpyxl's value, its number format, and whether it is
    a formula Excel never calculated (no cached value)."""

    value: Any
    fmt: str = "General"
    uncalculated: bool = False


Parsed = tuple[Any, str | None]

DATE_MSG = "không phải ngày hợp lệ (dd/mm/yyyy)"
_DATE_TEXT = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$")
_INT_TEXT = re.compile(r"^[+-]?\d+$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([.,\s\u00a0]\d{3})+$")
_DECIMAL_TEXT = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_TOTAL_KEYS = frozenset(norm_key(t) for t in ("Tổng", "Tổng cộng", "Cộng"))


def is_empty(value: Any) -> bool:
    """A cell with nothing a person typed in it."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_total_label(value: Any) -> bool:
    """`Tổng`, `Tổng cộng` or `Cộng`: the leftmost cell of a total row (rule 3)."""
    # A long text is never one (norm_key is not free, and this runs on every row).
    return isinstance(value, str) and len(value) <= 32 and norm_key(value) in _TOTAL_KEYS


def _number_text(value: Any) -> str | None:
    """A number cell's digits as typed (an integer float loses its `.0`), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


def parse_text(col: ColumnSpec, cell: Cell) -> Parsed:
    """Text, NFC, trimmed; line breaks and tabs kept, other control characters refused."""
    value = cell.value
    if isinstance(value, datetime | date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}", None
    if isinstance(value, float):
        text = _number_text(value) or repr(value)
    else:
        text = str(value)
    text = unicodedata.normalize("NFC", text).strip()
    ch = bad_control(text)
    if ch is not None:
        return None, f"chứa ký tự điều khiển không hợp lệ (U+{ord(ch):04X})"
    if looks_like_legacy_font(text):
        return None, (
            "có vẻ được gõ bằng phông chữ cũ (TCVN3/VNI): hãy chuyển sang Unicode "
            "(ví dụ bằng Unikey) rồi gửi lại"
        )
    return text, None


def parse_code(col: ColumnSpec, cell: Cell) -> Parsed:
    """A code: letters, digits, `.`, `-`; upper-cased; an integer number cell gives its digits."""
    value = cell.value
    digits = _number_text(value)
    if digits is not None:
        return digits, None
    if not isinstance(value, str):
        return None, "không phải mã hợp lệ (chỉ gồm chữ, số, '.', '-')"
    text = unicodedata.normalize("NFC", value).strip().upper()
    if not text or not all(ch.isalnum() or ch in ".-" for ch in text):
        return None, "không phải mã hợp lệ (chỉ gồm chữ, số, '.', '-')"
    return text, None


def parse_date(col: ColumnSpec, cell: Cell) -> Parsed:
    """A date: a date-formatted cell, or text dd/mm/yyyy (d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy)."""
    value = cell.value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not 1900 <= value.year <= 2100:
            return None, DATE_MSG
        return value, None
    if isinstance(value, time):
        return None, DATE_MSG
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A bare number is a serial only when the cell is date-formatted (openpyxl has then
        # already made it a datetime); in a General cell it is what the unit typed.
        return None, "là một số, không phải ngày (hãy nhập dd/mm/yyyy)"
    if not isinstance(value, str):
        return None, DATE_MSG
    m = _DATE_TEXT.match(value.strip())
    if m is None:
        return None, DATE_MSG
    day, month, year = int(m[1]), int(m[3]), int(m[4])
    try:
        parsed = date(year, month, day)
    except ValueError:
        return None, DATE_MSG
    if not 1900 <= parsed.year <= 2100:
        return None, DATE_MSG
    return parsed, None


def _range_message(col: ColumnSpec) -> str:
    lo = None if col.min is None else _fmt_bound(col.min)
    hi = None if col.max is None else _fmt_bound(col.max)
    if lo is not None and hi is not None:
        return f"phải từ {lo} đến {hi}"
    if lo is not None:
        return f"phải lớn hơn hoặc bằng {lo}"
    return f"phải nhỏ hơn hoặc bằng {hi}"


def _fmt_bound(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound).replace(".", ",")


def _in_range(col: ColumnSpec, number: float | Decimal) -> bool:
    return (col.min is None or number >= col.min) and (col.max is None or number <= col.max)


def parse_integer(col: ColumnSpec, cell: Cell) -> Parsed:
    """An integer: a whole number cell or text digits; thousands separators refused."""
    value = cell.value
    number: int | None = None
    if isinstance(value, bool):
        return None, "không phải số nguyên"
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None, "không phải số nguyên"
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if _INT_TEXT.match(text):
            number = int(text)
        elif _THOUSANDS.match(text):
            return None, "không phải số nguyên (không dùng dấu phân cách hàng nghìn)"
        else:
            return None, "không phải số nguyên"
    else:
        return None, "không phải số nguyên"
    if not _in_range(col, number):
        return None, _range_message(col)
    return number, None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr() is the shortest text that round-trips: 0.95 stays 0.95, not 0.9499999…
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if not _DECIMAL_TEXT.match(text):
            return None
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:
            return None
    return None


_CENT = Decimal("0.01")


def parse_number(col: ColumnSpec, cell: Cell) -> Parsed:
    """A decimal number; `,` or `.` as the decimal separator."""
    number = _decimal(cell.value)
    if number is None:
        return None, "không phải số hợp lệ"
    if not _in_range(col, number):
        return None, _range_message(col)
    return number, None


def parse_percent(col: ColumnSpec, cell: Cell) -> Parsed:
    """A percentage 0–100: a number, a percent-formatted cell (0.95 shown 95% is 95), or `95%`."""
    value = cell.value
    number: Decimal | None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = _decimal(value)
        if number is not None and "%" in cell.fmt:
            number = number * 100
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            text = text[:-1].rstrip()
        number = _decimal(text)
    else:
        number = None
    if number is None:
        return None, "không phải tỷ lệ phần trăm hợp lệ (0–100)"
    if not Decimal(0) <= number <= Decimal(100):
        return None, "phải từ 0 đến 100 (%)"
    return number.quantize(_CENT, rounding=ROUND_HALF_UP).normalize(), None


def _choice_text(value: Any) -> str | None:
    digits = _number_text(value)
    if digits is not None:
        return digits
    return value if isinstance(value, str) else None


@lru_cache(maxsize=256)
def _choice_keys(choices: tuple[str, ...]) -> dict[str, str]:
    return {norm_key(c): c for c in choices}


# Choice cells repeat a handful of values thousands of times.
_cached_key = lru_cache(maxsize=4096)(norm_key)


def parse_choice(col: ColumnSpec, cell: Cell) -> Parsed:
    """One of the column's choices, matched normalised; returns the choice as printed."""
    text = _choice_text(cell.value)
    if text is not None:
        choice = _choice_keys(col.choices).get(_cached_key(text))
        if choice is not None:
            return choice, None
    return None, "không thuộc các giá trị cho phép: " + ", ".join(col.choices)


def parse_multichoice(col: ColumnSpec, cell: Cell) -> Parsed:
    """Choices separated by `;`; returns a tuple of choices as printed, without repeats."""
    text = _choice_text(cell.value)
    if text is None:
        return None, "không thuộc các giá trị cho phép: " + ", ".join(col.choices)
    picked: list[str] = []
    by_key = {norm_key(c): c for c in col.choices}
    for part in text.split(";"):
        if not part.strip():
            continue
        choice = by_key.get(norm_key(part))
        if choice is None:
            return None, (
                "không thuộc các giá trị cho phép (cách nhau bởi ';'): " + ", ".join(col.choices)
            )
        if choice not in picked:
            picked.append(choice)
    return tuple(picked), None


STATUS_ACTIVE = "Hoạt động"
STATUS_DISSOLVED = "Giải thể"
STATUS_MERGED = "Sáp nhập vào"
_MERGED_KEY = norm_key(STATUS_MERGED)


def parse_status(col: ColumnSpec, cell: Cell) -> Parsed:
    """`Hoạt động`, `Giải thể` or `Sáp nhập vào <mã đơn vị>` → (status, merged-into code or None)."""
    value = cell.value
    message = f"không hợp lệ: dùng '{STATUS_ACTIVE}', '{STATUS_DISSOLVED}' hoặc '{STATUS_MERGED} <mã đơn vị>'"
    if not isinstance(value, str):
        return None, message
    text = unicodedata.normalize("NFC", value).strip()
    key = norm_key(text)
    if key == norm_key(STATUS_ACTIVE):
        return (STATUS_ACTIVE, None), None
    if key == norm_key(STATUS_DISSOLVED):
        return (STATUS_DISSOLVED, None), None
    # The code keeps its '.'/'-': take it from the typed text, after the three words.
    words = text.split()
    if len(words) == 4 and norm_key(" ".join(words[:3])) == _MERGED_KEY:
        code, problem = parse_code(col, Cell(words[3]))
        if problem is None:
            return (STATUS_MERGED, code), None
    return None, message


PARSERS: dict[str, Callable[[ColumnSpec, Cell], Parsed]] = {
    "text": parse_text,
    "code": parse_code,
    "date": parse_date,
    "integer": parse_integer,
    "number": parse_number,
    "percent": parse_percent,
    "choice": parse_choice,
    "multichoice": parse_multichoice,
    "status": parse_status,
}


def parse_cell(col: ColumnSpec, cell: Cell) -> Parsed:
    """The typed value of a non-empty cell for its column, or why it is not one."""
    if cell.uncalculated:
        return (
            None,
            "là công thức chưa được tính (không có giá trị lưu sẵn): hãy mở tệp bằng Excel, tính lại và lưu",
        )
    return PARSERS[col.type](col, cell)
