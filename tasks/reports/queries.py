"""Queries every report kind shares: chunked IN lists, organisations by code or id, and the
current drafts (from which each unit's own draft is found without a query per unit). A kind's
own lists are in its module (tasks.reports.kinds). Keyword-only, session first, never commits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.enums import OrgStatus
from models.feedback import Draft
from models.org import Organisation
from models.queries import OrgRef

T = TypeVar("T")
IN_CHUNK = 5000


def chunked(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """Slices of at most `size` values, so an IN list stays under the databases' limits on
    bind parameters (SQLite 32,766, PostgreSQL 65,535) even with a list per statement."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True)
class UnitRef:
    """An organisation named by code, and whether it is active."""

    org: OrgRef
    active: bool


def orgs_by_code(session: Session, *, codes: Sequence[str]) -> dict[str, UnitRef]:
    """The organisations with these codes, keyed by upper-cased code (codes compare
    case-insensitively, as models.queries.find_org does). One statement per IN_CHUNK codes."""
    wanted = sorted({c.strip().upper() for c in codes})
    out: dict[str, UnitRef] = {}
    for part in chunked(wanted):
        for row in session.scalars(
            select(Organisation).where(func.upper(Organisation.code).in_(part))
        ):
            out[row.code.upper()] = UnitRef(_ref(row), row.status == OrgStatus.ACTIVE)
    return out


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
    return _ref(row) if row is not None and row.status == OrgStatus.ACTIVE else None


def _ref(row: Organisation) -> OrgRef:
    return OrgRef(row.id, row.code, row.name, row.kind, row.path, row.depth, row.parent_id)
