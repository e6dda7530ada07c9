"""The receipt register (DESIGN.md "Imports that replace data"): which unit sent which form
when, its letter number and date, accepted, duplicate or rejected and why. One query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.accounts import as_utc
from models.enums import IntakeState
from models.org import Organisation
from models.queries import OrgRef
from models.records import IntakeRecord
from models.tree import at_or_under
from tasks.core.dates import local_zone

STATE_WORDS = {
    IntakeState.ACCEPTED: "đã nhận",
    IntakeState.DUPLICATE: "trùng",
    IntakeState.REJECTED: "bị từ chối",
    IntakeState.RECEIVED: "đang xử lý",
    IntakeState.SUPERSEDED: "đã nhận, đã được thay thế",
}


@dataclass(frozen=True)
class RegisterEntry:
    """One file received: a row of the register."""

    id: int
    received_at: datetime  # aware, UTC
    sender: str | None
    form: str | None
    file_name: str
    letter_number: str | None
    letter_date: date | None
    state: IntakeState
    rows: int
    errors: int
    error_workbook: str | None
    message: str | None
    undo_of: int | None

    def as_json(self) -> dict[str, Any]:
        """The entry for `daihoi intake list --json` (and the web's JSON)."""
        return {
            "id": self.id,
            "received_at": self.received_at.isoformat(),
            "sender": self.sender,
            "form": self.form,
            "file_name": self.file_name,
            "letter_number": self.letter_number,
            "letter_date": self.letter_date.isoformat() if self.letter_date else None,
            "state": self.state.value,
            "rows": self.rows,
            "errors": self.errors,
            "error_workbook": self.error_workbook,
            "message": self.message,
            "undo_of": self.undo_of,
        }


def intake_register(
    session: Session,
    *,
    org: OrgRef | None = None,
    form: str | None = None,
    since: date | None = None,
    ids: Sequence[int] | None = None,
    limit: int | None = None,
    before: int | None = None,
) -> list[RegisterEntry]:
    """The register, oldest first: files sent by `org` or a unit under it, of `form`, received
    on `since` or later (the office's day), or exactly the intakes `ids`; with `limit`, the
    newest `limit` of them (older than intake `before`, for paging)."""
    stmt = (
        select(
            IntakeRecord.id,
            IntakeRecord.created_at,
            Organisation.code,
            IntakeRecord.form,
            IntakeRecord.file_name,
            IntakeRecord.letter_number,
            IntakeRecord.letter_date,
            IntakeRecord.state,
            IntakeRecord.rows,
            IntakeRecord.errors,
            IntakeRecord.error_path,
            IntakeRecord.message,
            IntakeRecord.undo_of_id,
        )
        .outerjoin(Organisation, Organisation.id == IntakeRecord.sender_org_id)
        .order_by(IntakeRecord.id)
    )
    if org is not None:
        stmt = stmt.where(at_or_under(org.path))
    if form is not None:
        stmt = stmt.where(IntakeRecord.form == form)
    if since is not None:
        start = datetime.combine(since, time.min, tzinfo=local_zone()).astimezone(UTC)
        stmt = stmt.where(IntakeRecord.created_at >= start)
    if ids is not None:
        stmt = stmt.where(IntakeRecord.id.in_(list(ids)))
    if before is not None:
        stmt = stmt.where(IntakeRecord.id < before)
    if limit is not None:
        stmt = stmt.order_by(None).order_by(IntakeRecord.id.desc()).limit(limit)
    rows = session.execute(stmt).all()
    entries = [RegisterEntry(r[0], as_utc(r[1]), *r[2:]) for r in rows]  # type: ignore[call-arg]
    return sorted(entries, key=lambda e: e.id)
