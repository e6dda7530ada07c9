"""Manual overrides of a unit's stage: recorded, revoked, each change in the audit trail."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from models.changes import touch
from models.enums import AuditAction, OverrideState, Stage
from models.org import Organisation
from models.overrides import OverrideRow, add_override, get_override, revoke_override
from tasks.core.audit import AuditRow, record_audit, snapshot
from tasks.core.errors import UsageError, UserError

ENTITY = "override"
SOURCE = "daihoi override"


def _fields(row: OverrideRow) -> dict[str, object]:
    return snapshot(
        {
            "stage": row.stage,
            "state": row.state,
            "effective_from": row.effective_from,
            "reason": row.reason,
            "actor": row.actor,
            "revoked_on": row.revoked_on,
            "revoke_reason": row.revoke_reason,
            "revoked_by": row.revoked_by,
        }
    )


def _touch(session: Session, org_id: int, since: date) -> None:
    """An override (or its revocation) from `since` is in force as of `since` and later only
    (models.overrides.OverrideRow.in_force): status as of an earlier day is unchanged."""
    org = session.get(Organisation, org_id)
    assert org is not None
    touch(session, path=org.path, since=since)


def record_override(
    session: Session,
    *,
    org_id: int,
    stage: Stage,
    state: OverrideState,
    effective_from: date,
    reason: str,
    actor: str,
) -> OverrideRow:
    """Add an override and its audit event (in the caller's transaction): it changes the
    unit's status from its date on only, so it says so (models.changes.touch)."""
    new_id = add_override(
        session,
        org_id=org_id,
        stage=stage,
        state=state,
        effective_from=effective_from,
        reason=reason,
        actor=actor,
    )
    row = get_override(session, new_id)
    assert row is not None
    _touch(session, org_id, effective_from)
    record_audit(
        session,
        actor=actor,
        source=SOURCE,
        events=[AuditRow(ENTITY, row.id, org_id, AuditAction.CREATE, None, _fields(row))],
    )
    return row


def revoke(session: Session, *, override_id: int, on: date, reason: str, actor: str) -> OverrideRow:
    """Revoke an override from `on` (status as of `on` and later no longer sees it), audited.

    Revocation is dated so that status as of an earlier day, and the snapshots already taken,
    stay as they were; an override is revoked once."""
    if not reason.strip():
        raise UsageError("--reason: cần ghi lý do thu hồi.")
    before = get_override(session, override_id)
    if before is None:
        raise UsageError(
            f"Không có quyết định thủ công số {override_id} (xem: daihoi override list)."
        )
    if before.revoked_on is not None:
        raise UserError(
            f"Quyết định số {override_id} đã được thu hồi từ ngày {before.revoked_on:%d/%m/%Y} "
            f"({before.revoked_by})."
        )
    revoke_override(session, override_id=override_id, on=on, reason=reason.strip(), actor=actor)
    _touch(session, before.org_id, on)
    after = get_override(session, override_id)
    assert after is not None
    record_audit(
        session,
        actor=actor,
        source=SOURCE,
        events=[
            AuditRow(
                ENTITY,
                override_id,
                before.org_id,
                AuditAction.UPDATE,
                _fields(before),
                _fields(after),
            )
        ],
    )
    return after
