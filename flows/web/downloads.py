"""File downloads: Content-Disposition with an ASCII-safe name and the UTF-8 `filename*`."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ascii_name(name: str) -> str:
    """A file name with only safe ASCII: diacritics dropped (đ → d), anything odd → '_'."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9._-]", "_", text) or "tai-ve"


def attachment(name: str) -> dict[str, str]:
    """The headers of a download named `name`."""
    return {
        "Content-Disposition": (
            f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
        )
    }
