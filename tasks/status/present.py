"""Presenting a status document the same way everywhere: the default day, the JSON text of
`daihoi status --json` (and /api/v1/status), how far a unit lags."""

from __future__ import annotations

import json
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


def lag_days(unit: dict[str, Any], as_of: date) -> int:
    """How far a unit is behind: the most days past a due date over its unfinished stages."""
    worst = 0
    for entry in unit["stages"].values():
        if entry["state"] in ("done", "not_applicable") or entry["due"] is None:
            continue
        worst = max(worst, (as_of - date.fromisoformat(entry["due"])).days)
    return worst
