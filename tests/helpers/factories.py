"""Small hand-built trees and rows for tests (plain inserts through the ORM)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from models import Congress, Organisation, OrgLink
from models.enums import OrgKind
from models.tree import rebuild_paths


def add_org(
    session: Session,
    code: str,
    kind: OrgKind = OrgKind.CHI_BO_CO_SO,
    parent: Organisation | None = None,
    *,
    members: int = 20,
    name: str | None = None,
    congress: date | None = None,
    committee_size: int | None = 3,
    contents: int = 4,
    term: str = "2025-2030",
) -> Organisation:
    """Add an organisation (and its congress row) and keep paths up to date."""
    org = Organisation(
        code=code,
        name=name or f"Chi bộ {code}",
        kind=kind,
        parent_id=parent.id if parent else None,
        members_official=members,
    )
    session.add(org)
    session.flush()
    session.add(OrgLink(org_id=org.id, parent_id=org.parent_id, valid_from=date(2020, 1, 1)))
    session.add(
        Congress(
            org_id=org.id,
            term=term,
            planned_date=congress,
            committee_size=committee_size,
            contents=contents,
        )
    )
    session.flush()
    rebuild_paths(session)
    session.refresh(org)
    return org
