"""Append-only audit events for changes to person-edited records, written in one bulk insert."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from models.base import utcnow
from models.enums import AuditAction
from models.records import AuditEvent

# The kinds of record the audit trail covers (`daihoi audit --entity`).
AUDITED_ENTITIES = ("candidate", "inspection", "remedy", "disposition", "attendance", "override")


@dataclass(frozen=True)
class AuditRow:
    """One change: which record, what happened, its fields before and after (JSON-able)."""

    entity: str
    entity_id: int | None
    org_id: int | None
    action: AuditAction
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


_PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """A field value as JSON: dates ISO, decimals as text (exact), enums by code."""
    if type(value) in _PLAIN:  # most fields; an enum or a str subclass is not one of these
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def snapshot(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A dict of fields made JSON-able (for `before` / `after`)."""
    return {k: jsonable(v) for k, v in fields.items()}


def record_audit(
    session: Session, *, actor: str, source: str | None, events: Sequence[AuditRow]
) -> None:
    """Insert the events in one statement, in the caller's transaction (never commits)."""
    if not events:
        return
    at = utcnow()
    # Every row names every column: one Core executemany (the ORM's bulk insert with
    # render_nulls says the same with per-row bookkeeping a large import pays for).
    session.execute(
        insert(cast(Table, AuditEvent.__table__)),
        [
            {
                "at": at,
                "actor": actor,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "org_id": e.org_id,
                "action": e.action,
                "before": None if e.before is None else snapshot(e.before),
                "after": None if e.after is None else snapshot(e.after),
                "source": source,
            }
            for e in events
        ],
    )
