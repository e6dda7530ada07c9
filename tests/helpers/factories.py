"""Small hand-built trees and rows for tests (plain inserts through the ORM)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from models import Candidate, Congress, Organisation, OrgLink
from models.enums import Gender, OrgKind, PoliticalTheory, Post, Reelection
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
    held: date | None = None,
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
            held_date=held,
            committee_size=committee_size,
            contents=contents,
        )
    )
    session.flush()
    rebuild_paths(session)
    session.refresh(org)
    return org


def candidate(org_id: int, name: str = "Trần Thị Hoa", **fields: Any) -> Candidate:
    """A candidate of `org_id` (not added), every required field set; `fields` override any column.

    `name_key` defaults to the name in lower case.
    """
    values: dict[str, Any] = {
        "full_name": name,
        "name_key": name.lower(),
        "birth_date": date(1980, 1, 2),
        "gender": Gender.NU,
        "ethnicity": "Kinh",
        "joined_on": date(2005, 5, 19),
        "education": "Cử nhân",
        "political_theory": PoliticalTheory.TRUNG_CAP,
        "current_position": "Hiệu phó",
        "reelection": Reelection.TAI_CU,
        "proposed_post": Post.BI_THU,
    }
    return Candidate(org_id=org_id, **{**values, **fields})
