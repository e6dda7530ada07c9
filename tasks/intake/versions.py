"""Which intake files a unit's data for a form came from: duplicates, staleness, superseding.

Two senders "overlap" when one is the other or its ancestor: a file from either can change the
other's rows. A unit's data for a form is as new as the latest accepted file of that form from
an overlapping sender; that id is the `base_version` a generated workbook carries."""

from __future__ import annotations

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
