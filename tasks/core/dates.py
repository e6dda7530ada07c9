"""Calendar dates: today in the office's time zone (Settings.timezone, DAIHOI_TIMEZONE; by
default Asia/Ho_Chi_Minh), and the two formats the command line accepts."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from models.settings import get_settings
from tasks.core.errors import UsageError

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def local_zone() -> ZoneInfo:
    """The office's time zone, as configured (read on each call: never frozen at import)."""
    return get_settings().zone


def today() -> date:
    """Today's date in the office's time zone."""
    return datetime.now(local_zone()).date()


def parse_cli_date(value: str, option: str = "--as-of") -> date:
    """A date typed as YYYY-MM-DD or dd/mm/yyyy (day first, always)."""
    text = value.strip()
    m = _ISO.match(text)
    parts: tuple[int, int, int] | None = None
    if m:
        parts = (int(m[1]), int(m[2]), int(m[3]))
    else:
        m = _VN.match(text)
        if m:
            parts = (int(m[3]), int(m[2]), int(m[1]))
    if parts is None:
        raise UsageError(f"{option}: '{value}' không phải ngày hợp lệ (YYYY-MM-DD hoặc dd/mm/yyyy)")
    try:
        return date(*parts)
    except ValueError as e:
        raise UsageError(
            f"{option}: '{value}' không phải ngày hợp lệ (YYYY-MM-DD hoặc dd/mm/yyyy)"
        ) from e


def vn_date_line(place: str, day: date) -> str:
    """The place-and-date line of a Party document, day and month zero-padded."""
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
