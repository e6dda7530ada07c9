"""Small shared queries: organisations by code (one or many), the root, demo markers, and the one
comment query (comment ⨝ submission ⨝ organisation ⟕ disposition) the feedback code extends."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.bulk import select_in
from models.enums import OrgKind, OrgStatus
from models.feedback import Comment, Disposition, Submission
from models.org import Organisation
from models.records import AppMeta


@dataclass(frozen=True)
class OrgRef:
    """The one reference to an organisation callers pass around: ids, code, place in the tree
    and status, never an ORM object."""

    id: int
    code: str
    name: str
    kind: OrgKind
    path: str
    depth: int
    parent_id: int | None
    status: OrgStatus

    @property
    def active(self) -> bool:
        """The organisation has not been dissolved or merged."""
        return self.status == OrgStatus.ACTIVE


class UnknownOrganisation(LookupError):
    """No organisation has that code (or the registry is empty)."""


def org_ref(row: Organisation) -> OrgRef:
    """The reference to a loaded organisation."""
    return OrgRef(
        row.id, row.code, row.name, row.kind, row.path, row.depth, row.parent_id, row.status
    )


_REF_COLUMNS = (
    Organisation.id,
    Organisation.code,
    Organisation.name,
    Organisation.kind,
    Organisation.path,
    Organisation.depth,
    Organisation.parent_id,
    Organisation.status,
)


def orgs_by_code(session: Session, *, codes: Iterable[str]) -> dict[str, OrgRef]:
    """The organisations with these codes, keyed by upper-cased code (codes are stored
    upper-case, so the stored code's index answers). One statement per IN_CHUNK codes."""
    wanted = sorted({c.strip().upper() for c in codes})
    rows = select_in(session, select(*_REF_COLUMNS), column=Organisation.code, values=wanted)
    return {str(r.code).upper(): OrgRef(*r) for r in rows}


def find_org(session: Session, *, code: str) -> OrgRef:
    """The organisation with this code (codes compare case-insensitively, stored upper-case:
    the code's unique index answers; only a miss compares every code upper-cased)."""
    wanted = code.strip().upper()
    row = session.scalars(select(Organisation).where(Organisation.code == wanted)).one_or_none()
    if row is None:
        row = session.scalars(
            select(Organisation).where(func.upper(Organisation.code) == wanted)
        ).one_or_none()
    if row is None:
        raise UnknownOrganisation(code)
    return org_ref(row)


def find_root(session: Session) -> OrgRef:
    """The registry's root: the organisation without a parent (the lowest id if several)."""
    row = session.scalars(
        select(Organisation)
        .where(Organisation.parent_id.is_(None))
        .order_by(Organisation.id)
        .limit(1)
    ).one_or_none()
    if row is None:
        raise UnknownOrganisation("")
    return org_ref(row)


def parent_code(session: Session, *, org: OrgRef) -> str | None:
    """The code of an organisation's parent (None for a root)."""
    if org.parent_id is None:
        return None
    return session.scalar(select(Organisation.code).where(Organisation.id == org.parent_id))


def resolve_scope(session: Session, *, code: str | None) -> OrgRef:
    """`--org CODE`, else the root."""
    return find_root(session) if code is None else find_org(session, code=code)


def get_meta(session: Session, key: str) -> str | None:
    """A value from app_meta."""
    return session.scalar(select(AppMeta.value).where(AppMeta.key == key))


def set_meta(session: Session, key: str, value: str) -> None:
    """Insert or replace a value in app_meta."""
    row = session.scalars(select(AppMeta).where(AppMeta.key == key)).one_or_none()
    if row is None:
        session.add(AppMeta(key=key, value=value))
    else:
        row.value = value
    session.flush()


def child_members(session: Session, *, parent_id: int) -> list[tuple[str, str, int]]:
    """(code, name, members) of an organisation's active direct children, by code; members =
    official + probationary, the child's own registry figure. Sorted in Python, as tree order
    is (a database's collation may order codes otherwise)."""
    rows = session.execute(
        select(
            Organisation.code,
            Organisation.name,
            Organisation.members_official + Organisation.members_probationary,
        ).where(Organisation.parent_id == parent_id, Organisation.status == OrgStatus.ACTIVE)
    ).all()
    return sorted((str(code), str(name), int(members)) for code, name, members in rows)


def comment_select(
    *columns: Any, answers: bool = True, every_submission: bool = False
) -> Select[Any]:
    """The one comment query: `columns` over comment ⨝ submission ⨝ organisation ⟕ disposition
    (a comment has at most one disposition); callers add their filters, joins and order.
    `answers=False` leaves the disposition out (a query that reads none of it);
    `every_submission=True` starts from the submissions, the comments outer-joined, so a
    submission without comments keeps its row (per-submission counts)."""
    if every_submission:
        stmt = (
            select(*columns)
            .select_from(Submission)
            .join(Organisation, Organisation.id == Submission.org_id)
            .outerjoin(Comment, Comment.submission_id == Submission.id)
        )
    else:
        stmt = (
            select(*columns)
            .select_from(Comment)
            .join(Submission, Submission.id == Comment.submission_id)
            .join(Organisation, Organisation.id == Submission.org_id)
        )
    return stmt.outerjoin(Disposition, Disposition.comment_id == Comment.id) if answers else stmt
