"""Small shared queries: resolving a scope by code, the root, demo markers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.enums import OrgKind
from models.org import Organisation
from models.records import AppMeta


@dataclass(frozen=True)
class OrgRef:
    """What callers need to know of an organisation: ids and codes, never ORM objects."""

    id: int
    code: str
    name: str
    kind: OrgKind
    path: str
    depth: int
    parent_id: int | None


class UnknownOrganisation(LookupError):
    """No organisation has that code (or the registry is empty)."""


def _ref(row: Organisation) -> OrgRef:
    return OrgRef(row.id, row.code, row.name, row.kind, row.path, row.depth, row.parent_id)


def find_org(session: Session, *, code: str) -> OrgRef:
    """The organisation with this code (codes compare case-insensitively, stored upper-case)."""
    row = session.scalars(
        select(Organisation).where(func.upper(Organisation.code) == code.strip().upper())
    ).one_or_none()
    if row is None:
        raise UnknownOrganisation(code)
    return _ref(row)


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
    return _ref(row)


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
