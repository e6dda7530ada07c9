"""The one Jinja environment every report template is compiled in, and its filters.

Templates are files the office edits, so they run sandboxed (no attribute starting with `_`,
no unsafe callables), with autoescape on because they are XML, and StrictUndefined so a
misspelt variable fails the render instead of printing nothing.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from tasks.reports.docx.errors import UnsupportedValue

# Characters XML 1.0 forbids; a comment pasted from elsewhere may carry them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'


def _own_markup(value: Any) -> bool:
    """Whether a value brings its own markup other than Markup (docxtpl's RichText,
    InlineImage, Listing, Subdoc all have `__html__`): this renderer refuses those."""
    return hasattr(value, "__html__") and not isinstance(value, Markup)


def xml_text(value: Any) -> Markup:
    """A value as the text of a <w:t>: escaped, line breaks and tabs as Word breaks."""
    if isinstance(value, Markup):
        return value
    if _own_markup(value):
        raise UnsupportedValue(type(value).__name__)
    text = _XML_INVALID.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    out = str(escape(text))
    if "\n" in out or "\t" in out:
        out = out.replace("\n", _BREAK).replace("\t", _TAB)
    return Markup(out)


def run(value: Any) -> Markup:
    """A `{{r }}` value as a whole run: markup passes through, text becomes a plain run."""
    if isinstance(value, Markup):
        return value
    if _own_markup(value):
        raise UnsupportedValue(type(value).__name__)
    return Markup(f'<w:r><w:t xml:space="preserve">{xml_text(value)}</w:t></w:r>')


def vn_date(value: date | str | None) -> str:
    """A date as dd/mm/yyyy ('' when there is none)."""
    if value is None or value == "":
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def number(value: int | float | None) -> str:
    """An integer with '.' between thousands, as Vietnamese offices write it (5.000)."""
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", ".")


def percent(value: float | None, digits: int = 1) -> str:
    """A ratio as a percentage with a decimal comma (0.5213 → 52,1%); '—' when undefined."""
    if value is None:
        return "—"
    text = f"{value * 100:.{digits}f}".replace(".", ",")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text}%"


def two_digits(value: int) -> str:
    """A count written with two digits, as Party documents write small numbers (05)."""
    return f"{value:02d}"


FILTERS: dict[str, Any] = {
    "run": run,
    "vn_date": vn_date,
    "number": number,
    "percent": percent,
    "two_digits": two_digits,
}


def make_environment() -> SandboxedEnvironment:
    """The sandboxed, autoescaping, strict environment with every report filter registered."""
    env = SandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        finalize=xml_text,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env
