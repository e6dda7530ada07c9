"""Maintenance SQL for `daihoi backup` and `daihoi audit`: the SQLite online backup, the audit
trail's query."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.listings import AuditEntry
from models.org import Organisation
from models.records import AuditEvent
from models.tree import at_or_under


def pg_dump_command(engine: Engine, *, out: Path) -> str:
    """The pg_dump call that backs up a PostgreSQL database (password hidden)."""
    url = engine.url.set(drivername="postgresql")
    return f"pg_dump --format=custom --file {out} '{url.render_as_string(hide_password=True)}'"


def backup_sqlite(*, source: str, out: Path) -> str:
    """Copy the SQLite database file `source` into `out` with the online backup API, which
    copies a consistent snapshot even while others write (WAL). Returns the copy's
    `PRAGMA integrity_check` verdict; a copy whose verdict is not "ok" is removed."""
    with sqlite3.connect(source) as src, sqlite3.connect(out) as dst:
        src.backup(dst)
        verdict = str(dst.execute("PRAGMA integrity_check").fetchone()[0])
    if verdict != "ok":
        out.unlink(missing_ok=True)
    return verdict


def audit_events(
    session: Session,
    *,
    entity: str | None,
    scope_path: str | None,
    since: datetime | None,
    limit: int,
) -> list[AuditEntry]:
    """The newest `limit` audit events, newest first: of one entity kind, of organisations at or
    under a path, from a moment on (each filter only when given). Times as the database
    returns them (the web's newest-first page is models.listings.audit_page)."""
    stmt = (
        select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.actor,
            AuditEvent.entity,
            AuditEvent.entity_id,
            Organisation.code,
            AuditEvent.action,
            AuditEvent.before,
            AuditEvent.after,
            AuditEvent.source,
        )
        .outerjoin(Organisation, Organisation.id == AuditEvent.org_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    if entity:
        stmt = stmt.where(AuditEvent.entity == entity)
    if scope_path is not None:
        stmt = stmt.where(at_or_under(scope_path))
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    return [AuditEntry(*row) for row in session.execute(stmt)]
