"""The organisation tree: materialised paths, subtree predicates, re-parenting, tree order."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, String, and_, func, literal, select, update
from sqlalchemy.orm import Session

from models.bulk import update_rows
from models.enums import OrgStatus
from models.org import Organisation, OrgLink


class TreeError(ValueError):
    """A change that would break the tree (a cycle, an unknown parent)."""


def path_of(parent_path: str, org_id: int) -> str:
    """The path of an organisation under a parent path ('' for a root)."""
    return f"{parent_path}{org_id}/"


def under(path: str, column: ColumnElement[str] | None = None) -> ColumnElement[bool]:
    """`column` lies strictly below `path`: one index range (every path ends in '/', and '0' follows '/')."""
    col = Organisation.path if column is None else column
    upper = path[:-1] + "0"
    return and_(col > path, col < upper)


def at_or_under(path: str, column: ColumnElement[str] | None = None) -> ColumnElement[bool]:
    """`column` is `path` or lies below it."""
    col = Organisation.path if column is None else column
    upper = path[:-1] + "0"
    return and_(col >= path, col < upper)


def subtree_ids(
    session: Session, *, org_id: int, include_self: bool = False, active_only: bool = True
) -> list[int]:
    """Ids of an organisation's descendants at any depth (and itself when asked)."""
    path = session.scalar(select(Organisation.path).where(Organisation.id == org_id))
    if path is None:
        raise TreeError(f"unknown organisation id {org_id}")
    cond = at_or_under(path) if include_self else under(path)
    stmt = select(Organisation.id).where(cond)
    if active_only:
        stmt = stmt.where(Organisation.status == OrgStatus.ACTIVE)
    return list(session.scalars(stmt.order_by(Organisation.path)))


def rebuild_paths(session: Session) -> int:
    """Recompute every path and depth from parent links (after bulk loads); returns rows changed."""
    rows = session.execute(select(Organisation.id, Organisation.parent_id, Organisation.path)).all()
    parent = {r.id: r.parent_id for r in rows}
    current = {r.id: r.path for r in rows}
    paths: dict[int, str] = {}

    def resolve(node: int) -> str:
        chain: list[int] = []
        seen: set[int] = set()
        cur: int | None = node
        while cur is not None and cur not in paths:
            if cur in seen:
                raise TreeError(f"cycle in the organisation tree at id {cur}")
            seen.add(cur)
            chain.append(cur)
            cur = parent.get(cur)
        base = paths[cur] if cur is not None else ""
        for n in reversed(chain):
            base = path_of(base, n)
            paths[n] = base
        return paths[node]

    changes = []
    for org_id in parent:
        p = resolve(org_id)
        if current[org_id] != p:
            changes.append({"id": org_id, "path": p, "depth": p.count("/") - 1})
    update_rows(session, model=Organisation, rows=changes, fields=("path", "depth"))
    return len(changes)


def reparent(
    session: Session, *, org_id: int, new_parent_id: int, on: date, reason: str | None = None
) -> None:
    """Move an organisation (and its subtree) under a new parent from a date, keeping the link history."""
    org = session.execute(
        select(Organisation.path, Organisation.parent_id, Organisation.depth).where(
            Organisation.id == org_id
        )
    ).one_or_none()
    new_parent = session.execute(
        select(Organisation.path, Organisation.depth).where(Organisation.id == new_parent_id)
    ).one_or_none()
    if org is None or new_parent is None:
        raise TreeError("unknown organisation")
    if new_parent.path.startswith(org.path):
        raise TreeError("an organisation cannot move under its own subtree")
    old_prefix = org.path
    new_prefix = path_of(new_parent.path, org_id)
    delta = new_parent.depth + 1 - org.depth
    session.execute(
        update(Organisation)
        .where(at_or_under(old_prefix))
        .values(
            path=literal(new_prefix, String) + func.substr(Organisation.path, len(old_prefix) + 1),
            depth=Organisation.depth + delta,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Organisation)
        .where(Organisation.id == org_id)
        .values(parent_id=new_parent_id)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(OrgLink)
        .where(OrgLink.org_id == org_id, OrgLink.valid_to.is_(None))
        .values(valid_to=on)
        .execution_options(synchronize_session=False)
    )
    session.add(OrgLink(org_id=org_id, parent_id=new_parent_id, valid_from=on, reason=reason))
    session.flush()
