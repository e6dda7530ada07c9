"""Queries every report kind shares: an active organisation by id, and the current drafts
(from which each unit's own draft is found without a query per unit). A kind's own lists are in its module (tasks.reports.kinds). Keyword-only, session first, never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import OrgStatus
from models.feedback import Draft
from models.org import Organisation
from models.queries import OrgRef, org_ref


@dataclass(frozen=True)
class CurrentDraft:
    """A current draft and where its scope sits in the tree."""

    id: int
    path: str
    depth: int
    version: int


def current_drafts(session: Session) -> list[CurrentDraft]:
    """Every current draft with its scope's path: one statement, from which each unit's own
    draft (models.stages.current_draft_query) is found without a query per unit."""
    stmt = (
        select(Draft.id, Organisation.path, Organisation.depth, Draft.version)
        .join(Organisation, Organisation.id == Draft.scope_org_id)
        .where(Draft.is_current.is_(True))
        .order_by(Draft.id)
    )
    return [CurrentDraft(int(i), str(p), int(d), int(v)) for i, p, d, v in session.execute(stmt)]


def draft_of(path: str, drafts: Sequence[CurrentDraft]) -> int | None:
    """The id of the current draft current_draft_query(scope_path=path) picks: the nearest
    scope at or above the path, the highest version there."""
    above = [d for d in drafts if path.startswith(d.path)]
    if not above:
        return None
    return max(above, key=lambda d: (d.depth, d.version)).id


def active_org(session: Session, *, org_id: int) -> OrgRef | None:
    """The organisation with this id when it is active."""
    row = session.get(Organisation, org_id)
    return org_ref(row) if row is not None and row.status == OrgStatus.ACTIVE else None
