"""The SQL floor of status: per stage, one GROUP BY per unit over the same tables with the same
as-of predicates, fetched into Python (what the database must do whatever we build on it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from models import stages as q
from models.enums import RemedyStatus
from models.inspection import Inspection, Remedy
from models.org import Organisation
from models.queries import resolve_scope
from models.settings import get_settings
from models.tree import at_or_under


def _inspections(scope_path: str, as_of: date) -> Any:
    verified = and_(Remedy.status == RemedyStatus.XAC_NHAN, Remedy.completed_on <= as_of)
    return (
        select(
            Inspection.org_id,
            func.count(func.distinct(Inspection.id)),
            func.count(func.distinct(case((Inspection.concluded_on <= as_of, Inspection.id)))),
            func.count(Remedy.id),
            func.sum(case((verified, 1), else_=0)),
        )
        .join(Organisation, Organisation.id == Inspection.org_id)
        .outerjoin(Remedy, Remedy.inspection_id == Inspection.id)
        .where(at_or_under(scope_path), Inspection.started_on <= as_of)
        .group_by(Inspection.org_id)
    )


def sql_floor(session: Session, *, as_of: date) -> int:
    """Run the four per-stage aggregates for the root's subtree; returns the rows fetched."""
    scope = resolve_scope(session, code=None)
    path = scope.path
    term = get_settings().term
    stmts: list[Any] = [
        q.personnel_query(scope_path=path, as_of=as_of, term=term),
        _inspections(path, as_of),
        q.attendance_query(scope_path=path, as_of=as_of, term=term),
    ]
    draft = session.execute(q.current_draft_query(scope_path=path)).first()
    if draft is not None:
        stmts.append(q.feedback_query(scope_path=path, as_of=as_of, term=term, draft_id=draft.id))
    return sum(len(session.execute(s).fetchall()) for s in stmts)
