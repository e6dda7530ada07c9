"""The report archive and the register of document numbers.

A number is taken inside the transaction that records the issued file, so a render that fails
rolls both back: nothing is recorded and the number stays free. The counter only grows, so a
number once issued is never issued again.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.org import Congress
from models.records import DocumentCounter, ReportArchive


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8; dates as ISO text."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain
    ).encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def context_sha256(context: Any, *, margins_mm: tuple[float, ...]) -> str:
    """The hash a report's content is known by (its context built without a number)."""
    payload = {"context": context, "margins_mm": list(margins_mm)}
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def previous_term(term: str) -> str:
    """The term before '2025-2030': '2020-2025'."""
    start, _, end = term.partition("-")
    if not (start.isdigit() and end.isdigit()):
        return term
    span = int(end) - int(start)
    return f"{int(start) - span}-{start}"


def term_on(session: Session, *, root_id: int, term: str, day: date) -> str:
    """The committee's term on a day: `term` from the root's held congress of that term on,
    the term before until then."""
    held = session.scalar(
        select(Congress.held_date).where(Congress.org_id == root_id, Congress.term == term)
    )
    return term if held is not None and held <= day else previous_term(term)


def find_archived(
    session: Session,
    *,
    kind: str,
    scope_id: int,
    subject_id: int,
    as_of: date,
    plan: str,
    template_sha256: str,
    context_sha256: str,
    issued: bool,
) -> ReportArchive | None:
    """The archived file for exactly this content (the issued one, or the draft)."""
    stmt = select(ReportArchive).where(
        ReportArchive.kind == kind,
        ReportArchive.scope_org_id == scope_id,
        ReportArchive.subject_org_id == subject_id,
        ReportArchive.as_of == as_of,
        ReportArchive.plan == plan,
        ReportArchive.template_sha256 == template_sha256,
        ReportArchive.context_sha256 == context_sha256,
        ReportArchive.number.is_not(None) if issued else ReportArchive.number.is_(None),
    )
    return session.scalars(stmt.order_by(ReportArchive.id.desc()).limit(1)).first()


def latest_archived(
    session: Session,
    *,
    kind: str,
    scope_id: int,
    subject_id: int | None = None,
    before: date | None = None,
) -> ReportArchive | None:
    """The latest archived report of a kind and scope (optionally of one subject, before a day)."""
    stmt = select(ReportArchive).where(
        ReportArchive.kind == kind, ReportArchive.scope_org_id == scope_id
    )
    if subject_id is not None:
        stmt = stmt.where(ReportArchive.subject_org_id == subject_id)
    if before is not None:
        stmt = stmt.where(ReportArchive.as_of < before)
    order = (
        ReportArchive.as_of.desc(),
        ReportArchive.number.is_(None),  # issued before drafts of the same day
        ReportArchive.id.desc(),
    )
    return session.scalars(stmt.order_by(*order).limit(1)).first()


def draft_at(session: Session, *, path: str) -> ReportArchive | None:
    """The draft recorded for a file path (drafts are rewritten in place)."""
    return session.scalars(
        select(ReportArchive).where(ReportArchive.path == path, ReportArchive.number.is_(None))
    ).first()


def _counter(session: Session, *, issuer: str, doc_type: str, term: str) -> DocumentCounter:
    stmt = select(DocumentCounter).where(
        DocumentCounter.issuer == issuer,
        DocumentCounter.doc_type == doc_type,
        DocumentCounter.term == term,
    )
    # FOR UPDATE serialises issuers on PostgreSQL; SQLite holds BEGIN IMMEDIATE's lock already.
    row = session.scalars(stmt.with_for_update()).first()
    if row is None:
        row = DocumentCounter(issuer=issuer, doc_type=doc_type, term=term, last_number=0)
        session.add(row)
        session.flush()
    return row


def take_numbers(
    session: Session, *, issuer: str, doc_type: str, term: str, count: int
) -> list[int]:
    """The next `count` numbers of the register (written when the caller's transaction commits)."""
    row = _counter(session, issuer=issuer, doc_type=doc_type, term=term)
    first = row.last_number + 1
    row.last_number += count
    session.flush()
    return list(range(first, first + count))


def highest_issued(session: Session, *, doc_type: str, term: str) -> int:
    """The highest number the archive holds for a type and term (0 when none)."""
    value = session.scalar(
        select(func.max(ReportArchive.number)).where(
            ReportArchive.doc_type == doc_type, ReportArchive.term == term
        )
    )
    return int(value or 0)


def set_register(session: Session, *, issuer: str, doc_type: str, term: str, number: int) -> int:
    """Make `number` the last number used; returns the previous one."""
    row = _counter(session, issuer=issuer, doc_type=doc_type, term=term)
    before = row.last_number
    row.last_number = number
    session.flush()
    return before
