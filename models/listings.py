"""What the web's pages list beside status: a unit's reports and intakes, one archived report,
the audit trail. Keyword-only, session first, never commit; every list takes its scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from models.accounts import as_utc
from models.enums import AuditAction, IntakeState
from models.org import Congress, Organisation
from models.records import AuditEvent, IntakeRecord, ReportArchive
from models.tree import at_or_under


@dataclass(frozen=True)
class ReportEntry:
    """An archived report: what it is, whom it covers, where its file is."""

    id: int
    kind: str
    scope_code: str
    scope_path: str
    subject_code: str | None
    subject_path: str | None
    as_of: date
    number: int | None
    doc_type: str
    path: str
    created_at: datetime


_Scope = aliased(Organisation)
_Subject = aliased(Organisation)


def _report_select() -> Any:
    return (
        select(
            ReportArchive.id,
            ReportArchive.kind,
            _Scope.code,
            _Scope.path,
            _Subject.code,
            _Subject.path,
            ReportArchive.as_of,
            ReportArchive.number,
            ReportArchive.doc_type,
            ReportArchive.path,
            ReportArchive.created_at,
        )
        .join(_Scope, _Scope.id == ReportArchive.scope_org_id)
        .outerjoin(_Subject, _Subject.id == ReportArchive.subject_org_id)
    )


def _entries(session: Session, stmt: Any) -> list[ReportEntry]:
    return [
        ReportEntry(*r[:10], created_at=as_utc(r[10]))  # type: ignore[misc]
        for r in session.execute(stmt).all()
    ]


def report_entry(session: Session, *, report_id: int) -> ReportEntry | None:
    """One archived report by id."""
    rows = _entries(session, _report_select().where(ReportArchive.id == report_id))
    return rows[0] if rows else None


def unit_reports(
    session: Session, *, org_id: int, kinds: frozenset[str] | None = None, limit: int = 20
) -> list[ReportEntry]:
    """The newest reports whose scope or subject is this organisation (a letter addressed to it
    is a report whose subject it is)."""
    stmt = (
        _report_select()
        .where(or_(ReportArchive.scope_org_id == org_id, ReportArchive.subject_org_id == org_id))
        .order_by(ReportArchive.as_of.desc(), ReportArchive.id.desc())
        .limit(limit)
    )
    if kinds is not None:
        stmt = stmt.where(ReportArchive.kind.in_(sorted(kinds)))
    return _entries(session, stmt)


@dataclass(frozen=True)
class IntakeEntry:
    """A file a unit sent: name, form, what became of it."""

    id: int
    file_name: str
    form: str | None
    state: IntakeState
    rows: int
    errors: int
    created_at: datetime


def unit_intakes(session: Session, *, org_id: int, limit: int = 20) -> list[IntakeEntry]:
    """The newest files this organisation sent."""
    stmt = (
        select(
            IntakeRecord.id,
            IntakeRecord.file_name,
            IntakeRecord.form,
            IntakeRecord.state,
            IntakeRecord.rows,
            IntakeRecord.errors,
            IntakeRecord.created_at,
        )
        .where(IntakeRecord.sender_org_id == org_id)
        .order_by(IntakeRecord.id.desc())
        .limit(limit)
    )
    return [IntakeEntry(*r[:6], created_at=as_utc(r[6])) for r in session.execute(stmt).all()]


@dataclass(frozen=True)
class AuditEntry:
    """One audit event with the code of its organisation."""

    id: int
    at: datetime
    actor: str
    entity: str
    entity_id: int | None
    org_code: str | None
    action: AuditAction
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    source: str | None


def audit_page(
    session: Session,
    *,
    scope_path: str | None,
    entity: str | None = None,
    since: datetime | None = None,
    actor: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    """Audit events, newest first. With a scope, only events of organisations in its subtree;
    events of no organisation (accounts of the office, logins) only when there is no scope."""
    stmt = (
        select(AuditEvent, Organisation.code)
        .outerjoin(Organisation, Organisation.id == AuditEvent.org_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if scope_path is not None:
        stmt = stmt.where(and_(AuditEvent.org_id.is_not(None), at_or_under(scope_path)))
    if entity:
        stmt = stmt.where(AuditEvent.entity == entity)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    if actor:
        stmt = stmt.where(func.lower(AuditEvent.actor) == actor.strip().lower())
    return [
        AuditEntry(
            e.id,
            as_utc(e.at),
            e.actor,
            e.entity,
            e.entity_id,
            code,
            e.action,
            e.before,
            e.after,
            e.source,
        )
        for e, code in session.execute(stmt).all()
    ]


def audit_entities(session: Session) -> list[str]:
    """The entity names the audit trail holds (for its filter)."""
    return sorted(session.scalars(select(AuditEvent.entity).distinct()))


def ancestors(session: Session, *, path: str) -> list[tuple[str, str, str]]:
    """(code, name, path) of every organisation on a path, root first (the path included)."""
    ids = [int(p) for p in path.strip("/").split("/") if p]
    if not ids:
        return []
    rows = session.execute(
        select(Organisation.code, Organisation.name, Organisation.path)
        .where(Organisation.id.in_(ids))
        .order_by(Organisation.depth)
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]


@dataclass(frozen=True)
class CongressFacts:
    """A unit's congress in a term, as its page shows it."""

    planned_date: date | None
    held_date: date | None
    committee_size: int | None
    form: str | None


def congress_facts(session: Session, *, org_id: int, term: str) -> CongressFacts | None:
    """The unit's congress of the term (None when it has no congress row)."""
    row = session.execute(
        select(
            Congress.planned_date, Congress.held_date, Congress.committee_size, Congress.form
        ).where(Congress.org_id == org_id, Congress.term == term)
    ).first()
    if row is None:
        return None
    return CongressFacts(row[0], row[1], row[2], row[3].label if row[3] is not None else None)


def reports_by_hash(
    session: Session, *, kind: str, as_of: date, files: list[tuple[str, str]]
) -> list[int]:
    """The archive ids of files named by (unit code, SHA-256 or its prefix) among the reports
    of one kind and day, in the order given (a file archived twice: its newest row)."""
    if not files:
        return []
    stmt = (
        select(ReportArchive.id, ReportArchive.sha256, _Scope.code, _Subject.code)
        .join(_Scope, _Scope.id == ReportArchive.scope_org_id)
        .outerjoin(_Subject, _Subject.id == ReportArchive.subject_org_id)
        .where(ReportArchive.kind == kind, ReportArchive.as_of == as_of)
        .order_by(ReportArchive.id.desc())
    )
    newest: dict[tuple[str, str], tuple[int, str]] = {}
    for row_id, full, scope_code, subject_code in session.execute(stmt).all():
        for code in {subject_code or scope_code, scope_code}:
            newest.setdefault((code, full[:12]), (int(row_id), full))
    found: list[int] = []
    for code, sha in files:
        hit = newest.get((code, sha[:12]))
        if hit is not None and hit[1].startswith(sha):
            found.append(hit[0])
    return found


def scope_reports(
    session: Session,
    *,
    scope_path: str,
    kinds: frozenset[str] | None = None,
    kind: str | None = None,
    subject_path: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[ReportEntry]:
    """Archived reports whose scope or subject lies in a subtree, newest day first; only
    `kinds` (None: all), one `kind`, those addressed to `subject_path` exactly, as_of within
    [since, until]."""
    stmt = (
        _report_select()
        .where(
            or_(
                at_or_under(scope_path, _Scope.path.expression),
                and_(
                    ReportArchive.subject_org_id.is_not(None),
                    at_or_under(scope_path, _Subject.path.expression),
                ),
            )
        )
        .order_by(ReportArchive.as_of.desc(), ReportArchive.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if kinds is not None:
        stmt = stmt.where(ReportArchive.kind.in_(sorted(kinds)))
    if kind:
        stmt = stmt.where(ReportArchive.kind == kind)
    if subject_path is not None:
        stmt = stmt.where(_Subject.path == subject_path)
    if since is not None:
        stmt = stmt.where(ReportArchive.as_of >= since)
    if until is not None:
        stmt = stmt.where(ReportArchive.as_of <= until)
    return _entries(session, stmt)


def reports_by_ids(session: Session, *, ids: list[int]) -> list[ReportEntry]:
    """Archived reports by id, in the order given (ids not found are left out)."""
    if not ids:
        return []
    found = {e.id: e for e in _entries(session, _report_select().where(ReportArchive.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
