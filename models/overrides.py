"""Manual milestone overrides: adding, listing (a scope's subtree) and revoking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import OverrideState, Stage
from models.org import Organisation
from models.plan import MilestoneOverride
from models.tree import at_or_under


@dataclass(frozen=True)
class OverrideRow:
    """An override as listed: its unit, decision, dates, reason, who decided and revoked it."""

    id: int
    org_id: int
    org_code: str
    stage: Stage
    state: OverrideState
    effective_from: date
    reason: str
    actor: str
    revoked_on: date | None
    revoke_reason: str | None
    revoked_by: str | None

    def in_force(self, day: date) -> bool:
        """Whether the override applies to status as of `day`."""
        return self.effective_from <= day and (self.revoked_on is None or day < self.revoked_on)


def _row(o: MilestoneOverride, code: str) -> OverrideRow:
    return OverrideRow(
        o.id,
        o.org_id,
        code,
        o.stage,
        o.state,
        o.effective_from,
        o.reason,
        o.actor,
        o.revoked_on,
        o.revoke_reason,
        o.revoked_by,
    )


def add_override(
    session: Session,
    *,
    org_id: int,
    stage: Stage,
    state: OverrideState,
    effective_from: date,
    reason: str,
    actor: str,
) -> int:
    """Insert an override; its id."""
    row = MilestoneOverride(
        org_id=org_id,
        stage=stage,
        state=state,
        effective_from=effective_from,
        reason=reason,
        actor=actor,
    )
    session.add(row)
    session.flush()
    return row.id


def list_overrides(session: Session, *, scope_path: str) -> list[OverrideRow]:
    """Every override of the scope's subtree (revoked ones included), by unit path, then id."""
    rows = session.execute(
        select(MilestoneOverride, Organisation.code)
        .join(Organisation, Organisation.id == MilestoneOverride.org_id)
        .where(at_or_under(scope_path))
        .order_by(Organisation.path, MilestoneOverride.id)
    ).all()
    return [_row(o, code) for o, code in rows]


def get_override(session: Session, override_id: int) -> OverrideRow | None:
    """One override by id, or None."""
    found = session.execute(
        select(MilestoneOverride, Organisation.code)
        .join(Organisation, Organisation.id == MilestoneOverride.org_id)
        .where(MilestoneOverride.id == override_id)
    ).one_or_none()
    return None if found is None else _row(found[0], found[1])


def revoke_override(
    session: Session, *, override_id: int, on: date, reason: str, actor: str
) -> None:
    """Mark an override revoked from `on` (the caller has checked it is not revoked yet)."""
    row = session.get(MilestoneOverride, override_id, with_for_update=True)
    assert row is not None and row.revoked_on is None
    row.revoked_on = on
    row.revoke_reason = reason
    row.revoked_by = actor
    session.flush()
