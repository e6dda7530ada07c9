"""Which intake files a unit's data for a form came from: duplicates, staleness, superseding.

Two senders "overlap" when one is the other or its ancestor: a file from either can change the
other's rows. A unit's data for a form is as new as the latest accepted file of that form from
an overlapping sender; that id is the `base_version` a generated workbook carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from models.enums import IntakeState
from models.org import Organisation
from models.queries import OrgRef
from models.records import IntakeRecord
from models.tree import at_or_under

_CURRENT = (IntakeState.ACCEPTED, IntakeState.SUPERSEDED)


def _ancestor_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def _overlapping_senders(org: OrgRef) -> ColumnElement[bool]:
    """Organisations that are `org`, its ancestors or its descendants."""
    return or_(Organisation.id.in_(_ancestor_ids(org.path)), at_or_under(org.path))


def latest_version(session: Session, *, form: str, org: OrgRef) -> int:
    """The id of the latest accepted file of `form` that could have changed `org`'s rows (0: none)."""
    stmt = (
        select(func.max(IntakeRecord.id))
        .join(Organisation, Organisation.id == IntakeRecord.sender_org_id)
        .where(IntakeRecord.form == form, IntakeRecord.state.in_(_CURRENT))
        .where(_overlapping_senders(org))
    )
    return session.scalar(stmt) or 0


def find_duplicate(
    session: Session, *, sha256: str, form: str, sender_id: int | None
) -> int | None:
    """An accepted, not superseded file with the same bytes, form and sender (its id), if any."""
    stmt = select(IntakeRecord.id).where(
        IntakeRecord.sha256 == sha256,
        IntakeRecord.form == form,
        IntakeRecord.state == IntakeState.ACCEPTED,
    )
    if sender_id is not None:
        stmt = stmt.where(IntakeRecord.sender_org_id == sender_id)
    return session.scalars(stmt.order_by(IntakeRecord.id.desc()).limit(1)).first()


def supersede_earlier(session: Session, *, form: str, org: OrgRef, keep_id: int) -> int:
    """Mark earlier accepted files of `form` from overlapping senders superseded; returns how many.

    Re-sending a superseded file is then an import again, not a no-op: it restores its rows."""
    senders = select(Organisation.id).where(_overlapping_senders(org))
    result = session.execute(
        update(IntakeRecord)
        .where(
            IntakeRecord.form == form,
            IntakeRecord.state == IntakeState.ACCEPTED,
            IntakeRecord.id != keep_id,
            IntakeRecord.sender_org_id.in_(senders),
        )
        .values(state=IntakeState.SUPERSEDED)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class OtherSender:
    """An accepted intake of the same bytes from another unit."""

    intake_id: int
    code: str


def accepted_for_other_sender(
    session: Session, *, sha256: str, form: str, sender_id: int
) -> OtherSender | None:
    """The latest intake (accepted or since superseded) of these bytes and form from a unit
    other than the sender, if any: the same file sent as another unit is refused (G2)."""
    stmt = (
        select(IntakeRecord.id, Organisation.code)
        .join(Organisation, Organisation.id == IntakeRecord.sender_org_id)
        .where(
            IntakeRecord.sha256 == sha256,
            IntakeRecord.form == form,
            IntakeRecord.state.in_(_CURRENT),
            IntakeRecord.sender_org_id != sender_id,
        )
        .order_by(IntakeRecord.id.desc())
        .limit(1)
    )
    row = session.execute(stmt).first()
    return None if row is None else OtherSender(intake_id=row[0], code=row[1])


@dataclass(frozen=True)
class LaterIntake:
    """An accepted file that changed a unit's rows of a form after a given version."""

    intake_id: int
    file_name: str
    sender_code: str
    received_at: datetime
    rows: int


def accepted_since(session: Session, *, form: str, org: OrgRef, base: int) -> list[LaterIntake]:
    """The accepted files of `form` from overlapping senders newer than `base`, oldest first."""
    stmt = (
        select(
            IntakeRecord.id,
            IntakeRecord.file_name,
            Organisation.code,
            IntakeRecord.created_at,
            IntakeRecord.rows,
        )
        .join(Organisation, Organisation.id == IntakeRecord.sender_org_id)
        .where(
            IntakeRecord.form == form,
            IntakeRecord.state.in_(_CURRENT),
            IntakeRecord.id > base,
            _overlapping_senders(org),
        )
        .order_by(IntakeRecord.id)
    )
    return [LaterIntake(*row) for row in session.execute(stmt).all()]
