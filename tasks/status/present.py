"""Presenting a status document the same way everywhere: the default day, the JSON text of
`daihoi status --json` (and /api/v1/status), how far a unit lags."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from models.queries import get_meta
from tasks.core.dates import today


def default_as_of(session: Session) -> date:
    """The demo's recorded as-of for a demo database, else today in the office's time zone."""
    recorded = get_meta(session, "demo_as_of")
    return date.fromisoformat(recorded) if recorded else today()


def status_json(doc: dict[str, Any]) -> str:
    """The one serialisation of a status document (UTF-8 text, no trailing newline)."""
    return json.dumps(doc, ensure_ascii=False)


UNITS_PER_CHUNK = 1_000


def status_json_chunks(doc: dict[str, Any]) -> Iterator[str]:
    """status_json's text in pieces, a thousand units at a time: a national document is ~70 MB
    of text, which `daihoi status --json` writes without ever holding it as one string.
    Joined, the pieces are status_json's text exactly (json.dumps' ", " and ": ")."""
    yield "{"
    for i, (key, value) in enumerate(doc.items()):
        yield (", " if i else "") + json.dumps(key, ensure_ascii=False) + ": "
        if key != "units" or not isinstance(value, list):
            yield json.dumps(value, ensure_ascii=False)
            continue
        yield "["
        for start in range(0, len(value), UNITS_PER_CHUNK):
            part = value[start : start + UNITS_PER_CHUNK]
            text = ", ".join(json.dumps(unit, ensure_ascii=False) for unit in part)
            yield (", " if start else "") + text
        yield "]"
    yield "}"


def lag_days(unit: dict[str, Any], as_of: date) -> int:
    """How far a unit is behind: the most days past a due date over its unfinished stages."""
    worst = 0
    for entry in unit["stages"].values():
        if entry["state"] in ("done", "not_applicable") or entry["due"] is None:
            continue
        worst = max(worst, (as_of - date.fromisoformat(entry["due"])).days)
    return worst
