"""The report archive and the register of document numbers.

A number is taken inside the transaction that records the issued file, so a render that fails
rolls both back: nothing is recorded and the number stays free. The counter only grows, so a
number once issued is never issued again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models.bulk import chunked
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


ArchiveKey = tuple[str, int, int, date, str, str, str]
"""kind, scope id, subject id, as_of, plan, template SHA-256, context SHA-256."""
SubjectKey = tuple[str, int, int]
"""kind, scope id, subject id."""

# The latest archived report: the latest as_of, issued before drafts of the same day, newest.
_LATEST = (
    ReportArchive.as_of.desc(),
    ReportArchive.number.is_(None),
    ReportArchive.id.desc(),
)
_KEY_COLUMNS = (
    ReportArchive.kind,
    ReportArchive.scope_org_id,
    ReportArchive.subject_org_id,
    ReportArchive.as_of,
    ReportArchive.plan,
    ReportArchive.template_sha256,
    ReportArchive.context_sha256,
)


def _key_of(row: ReportArchive) -> ArchiveKey:
    return (
        row.kind,
        row.scope_org_id,
        row.subject_org_id or 0,  # never NULL here: the IN on subjects leaves NULL out
        row.as_of,
        row.plan,
        row.template_sha256,
        row.context_sha256,
    )


def _key_filter(keys: Sequence[tuple[Any, ...]], columns: tuple[int, ...]) -> list[Any]:
    """IN lists over the keys' values of the given key columns, subjects never NULL. Never an
    IN list on subjects next to one on scopes: SQLite would probe the unique index with every
    (scope, subject) pair, 4,779² probes for a city's personnel lists (8 s, now 0.1 s); the
    rows of other subjects of the same scopes are left out by the caller's exact key match."""
    return [
        *(_KEY_COLUMNS[i].in_(sorted({k[i] for k in keys})) for i in columns),
        ReportArchive.subject_org_id.is_not(None),
    ]


def find_many(
    session: Session, *, keys: Sequence[ArchiveKey], issued: bool
) -> list[ReportArchive | None]:
    """The archived file for exactly each key's content (the issued one, or the draft; the
    newest when several), one statement per IN_CHUNK keys."""
    found: dict[ArchiveKey, ReportArchive] = {}
    for part in chunked(sorted(set(keys))):
        stmt = select(ReportArchive).where(
            *_key_filter(part, (0, 1, 3, 4, 5, 6)),
            ReportArchive.number.is_not(None) if issued else ReportArchive.number.is_(None),
        )
        for row in session.scalars(stmt.order_by(ReportArchive.id)):
            found[_key_of(row)] = row  # ascending ids: the newest wins
    return [found.get(k) for k in keys]


def latest_contexts(session: Session, *, subjects: Sequence[SubjectKey]) -> dict[SubjectKey, str]:
    """The context hash of each (kind, scope, subject)'s latest archived report (the one
    latest_archived returns); absent when none. One statement per IN_CHUNK subjects."""
    wanted = set(subjects)
    out: dict[SubjectKey, str] = {}
    for part in chunked(sorted(wanted)):
        ranked = (
            select(
                ReportArchive.kind,
                ReportArchive.scope_org_id,
                ReportArchive.subject_org_id,
                ReportArchive.context_sha256,
                func.row_number()
                .over(
                    partition_by=(
                        ReportArchive.kind,
                        ReportArchive.scope_org_id,
                        ReportArchive.subject_org_id,
                    ),
                    order_by=_LATEST,
                )
                .label("rn"),
            )
            .where(*_key_filter(part, (0, 1)))
            .subquery()
        )
        rows = session.execute(
            select(
                ranked.c.kind,
                ranked.c.scope_org_id,
                ranked.c.subject_org_id,
                ranked.c.context_sha256,
            ).where(ranked.c.rn == 1)
        )
        for kind, scope_id, subject_id, sha in rows:
            key = (kind, scope_id, subject_id)
            if key in wanted:
                out[key] = sha
    return out


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
    return session.scalars(stmt.order_by(*_LATEST).limit(1)).first()


def latest_archived_of_scopes(
    session: Session, *, kind: str, scope_ids: Sequence[int], before: date
) -> dict[int, ReportArchive]:
    """latest_archived(kind=kind, scope_id=s, before=before) for each scope s at once (absent
    when none): a per-unit batch asks once per IN_CHUNK scopes, not once per unit."""
    out: dict[int, ReportArchive] = {}
    for part in chunked(sorted(set(scope_ids))):
        ranked = (
            select(
                ReportArchive.id,
                func.row_number()
                .over(partition_by=ReportArchive.scope_org_id, order_by=_LATEST)
                .label("rn"),
            )
            .where(
                ReportArchive.kind == kind,
                ReportArchive.scope_org_id.in_(part),
                ReportArchive.as_of < before,
            )
            .subquery()
        )
        stmt = select(ReportArchive).join(ranked, ranked.c.id == ReportArchive.id)
        for row in session.scalars(stmt.where(ranked.c.rn == 1)):
            out[row.scope_org_id] = row
    return out


def drop_drafts_at(session: Session, *, paths: Sequence[str]) -> None:
    """Forget the drafts recorded for these file paths (a draft is rewritten in place: one
    row per draft file). One statement per IN_CHUNK paths."""
    for part in chunked(sorted(set(paths))):
        session.execute(
            delete(ReportArchive).where(
                ReportArchive.path.in_(part), ReportArchive.number.is_(None)
            )
        )


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
