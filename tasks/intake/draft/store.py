"""Store a parsed draft as the scope's new current version and relink its comments (FORMS.md §8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from models.feedback import Comment, Draft, DraftSection, Submission
from models.org import Organisation
from models.queries import OrgRef
from tasks.core.text import norm_key
from tasks.intake.draft.parse import GENERAL_SECTION, ParsedDraft, section_key


@dataclass(frozen=True)
class DraftRef:
    """A draft version: its id, scope and deadline."""

    id: int
    scope_org_id: int
    version: int
    deadline: date | None


@dataclass(frozen=True)
class OrphanComment:
    """A comment whose section no longer exists in the current draft (no text: it is personal)."""

    comment_id: int
    org_code: str
    section_number: str


@dataclass(frozen=True)
class DraftImportResult:
    """What importing a draft did."""

    draft_id: int
    version: int
    sections: int
    relinked: int
    orphans: tuple[OrphanComment, ...]
    unchanged: bool


def current_draft(session: Session, *, scope_id: int) -> DraftRef | None:
    """The scope's current draft, if it has one."""
    row = session.execute(
        select(Draft.id, Draft.scope_org_id, Draft.version, Draft.deadline)
        .where(Draft.scope_org_id == scope_id, Draft.is_current.is_(True))
        .order_by(Draft.version.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else DraftRef(row.id, row.scope_org_id, row.version, row.deadline)


def draft_for_unit(session: Session, *, org: OrgRef) -> DraftRef | None:
    """The current draft a unit comments on: its nearest ancestor's, else (for a root) its own."""
    ancestors = [int(x) for x in org.path.strip("/").split("/") if x]
    rows = session.execute(
        select(Draft.id, Draft.scope_org_id, Draft.version, Draft.deadline).where(
            Draft.scope_org_id.in_(ancestors), Draft.is_current.is_(True)
        )
    ).all()
    by_scope = {r.scope_org_id: r for r in rows}
    # Strict ancestors first, nearest first; the unit's own draft only when none has one.
    for scope_id in [*reversed(ancestors[:-1]), org.id]:
        if scope_id in by_scope:
            r = by_scope[scope_id]
            return DraftRef(r.id, r.scope_org_id, r.version, r.deadline)
    return None


def section_numbers(session: Session, *, draft_id: int) -> dict[str, tuple[int, str]]:
    """section_key(number) → (section id, number as printed) for a draft, `Chung` included."""
    rows = session.execute(
        select(DraftSection.id, DraftSection.number).where(DraftSection.draft_id == draft_id)
    ).all()
    return {section_key(r.number): (r.id, r.number) for r in rows}


def ordered_section_numbers(session: Session, *, draft_id: int) -> list[str]:
    """A draft's section numbers in document order (`Chung` first)."""
    return list(
        session.scalars(
            select(DraftSection.number)
            .where(DraftSection.draft_id == draft_id)
            .order_by(DraftSection.position)
        )
    )


def _insert_draft(
    session: Session,
    *,
    scope_id: int,
    parsed: ParsedDraft,
    version: int,
    file_sha256: str,
    deadline: date | None,
) -> tuple[int, list[tuple[int, str, str]]]:
    """Insert a draft and its sections; (draft id, [(section id, number, title key)])."""
    draft = Draft(
        scope_org_id=scope_id,
        title=parsed.title[:300] or "Dự thảo Báo cáo chính trị",
        version=version,
        is_current=True,
        deadline=deadline,
        file_sha256=file_sha256,
    )
    session.add(draft)
    session.flush()
    rows = [
        {
            "draft_id": draft.id,
            "number": GENERAL_SECTION,
            "title": GENERAL_SECTION,
            "title_key": norm_key(GENERAL_SECTION),
            "level": 0,
            "position": 0,
        }
    ]
    rows += [
        {
            "draft_id": draft.id,
            "number": s.number,
            "title": s.title,
            "title_key": s.title_key,
            "level": s.level,
            "position": i,
        }
        for i, s in enumerate(parsed.sections, start=1)
    ]
    session.execute(insert(DraftSection), rows)
    new = session.execute(
        select(DraftSection.id, DraftSection.number, DraftSection.title_key).where(
            DraftSection.draft_id == draft.id
        )
    ).all()
    return draft.id, [(r.id, r.number, r.title_key) for r in new]


def _match_sections(
    old: list[tuple[int, str, str]], new: list[tuple[int, str, str]]
) -> dict[int, tuple[int, str]]:
    """Old section id → (new id, new number): by normalised heading text, then by number."""
    by_title: dict[str, list[tuple[int, str]]] = {}
    for sid, number, key in new:
        by_title.setdefault(key, []).append((sid, number))
    by_number = {section_key(number): (sid, number) for sid, number, _ in new}
    mapping: dict[int, tuple[int, str]] = {}
    for sid, number, key in old:
        candidates = by_title.get(key, [])
        if len(candidates) == 1:
            mapping[sid] = candidates[0]
            continue
        # A title shared by several sections ("Kết quả đạt được" in each part) is no evidence.
        same = [c for c in candidates if section_key(c[1]) == section_key(number)]
        target = same[0] if same else by_number.get(section_key(number))
        if target is not None:
            mapping[sid] = target
    return mapping


def _relink(session: Session, *, old_id: int, new_id: int, new: list[tuple[int, str, str]]) -> int:
    """Move the old version's submissions and comments to the new one; returns comments relinked."""
    old = [
        (r.id, r.number, r.title_key)
        for r in session.execute(
            select(DraftSection.id, DraftSection.number, DraftSection.title_key).where(
                DraftSection.draft_id == old_id
            )
        )
    ]
    mapping = _match_sections(old, new)
    comment = cast(Table, Comment.__table__)
    submission = cast(Table, Submission.__table__)
    submission_ids = select(Submission.id).where(Submission.draft_id == old_id).scalar_subquery()
    relinked = 0
    if mapping:
        relinked = int(
            session.scalar(select(func.count()).where(Comment.section_id.in_(list(mapping)))) or 0
        )
        session.execute(
            update(comment)
            .where(comment.c.section_id == bindparam("old_id"))
            .values(section_id=bindparam("new_id"), section_number=bindparam("new_number")),
            [
                {"old_id": o, "new_id": n, "new_number": number}
                for o, (n, number) in mapping.items()
            ],
        )
    unmatched = [sid for sid, _, _ in old if sid not in mapping]
    if unmatched:
        session.execute(
            update(comment).where(comment.c.section_id.in_(unmatched)).values(section_id=None)
        )
    # Comments orphaned by an earlier version get another chance, by number.
    by_number = {section_key(number): (sid, number) for sid, number, _ in new}
    loose = session.execute(
        select(Comment.id, Comment.section_number).where(
            Comment.submission_id.in_(submission_ids), Comment.section_id.is_(None)
        )
    ).all()
    found = [
        {"cid": r.id, "new_id": by_number[k][0], "new_number": by_number[k][1]}
        for r in loose
        if (k := section_key(r.section_number)) in by_number
    ]
    if found:
        session.execute(
            update(comment)
            .where(comment.c.id == bindparam("cid"))
            .values(section_id=bindparam("new_id"), section_number=bindparam("new_number")),
            found,
        )
        relinked += len(found)
    session.execute(
        update(submission).where(submission.c.draft_id == old_id).values(draft_id=new_id)
    )
    return relinked


def orphan_comments(session: Session, *, draft_id: int) -> list[OrphanComment]:
    """The comments on a draft whose section no longer exists, in tree order."""
    rows = session.execute(
        select(Comment.id, Organisation.code, Comment.section_number)
        .join(Submission, Submission.id == Comment.submission_id)
        .join(Organisation, Organisation.id == Submission.org_id)
        .where(Submission.draft_id == draft_id, Comment.section_id.is_(None))
        .order_by(Organisation.path, Comment.id)
    ).all()
    return [OrphanComment(r.id, r.code, r.section_number) for r in rows]


def import_draft(
    session: Session,
    *,
    scope_id: int,
    parsed: ParsedDraft,
    file_sha256: str,
    deadline: date | None = None,
) -> DraftImportResult:
    """Make `parsed` the scope's current draft; the same file again only updates the deadline."""
    current = current_draft(session, scope_id=scope_id)
    if current is not None:
        same = session.scalar(select(Draft.file_sha256).where(Draft.id == current.id))
        if same == file_sha256:
            if deadline is not None and deadline != current.deadline:
                session.execute(
                    update(Draft).where(Draft.id == current.id).values(deadline=deadline)
                )
            count = session.scalar(select(func.count()).where(DraftSection.draft_id == current.id))
            return DraftImportResult(
                current.id,
                current.version,
                int(count or 0),
                0,
                tuple(orphan_comments(session, draft_id=current.id)),
                unchanged=True,
            )
    last = session.scalar(select(func.max(Draft.version)).where(Draft.scope_org_id == scope_id))
    version = (last or 0) + 1
    if current is not None:
        session.execute(
            update(Draft).where(Draft.scope_org_id == scope_id).values(is_current=False)
        )
        if deadline is None:
            deadline = current.deadline
    draft_id, new_sections = _insert_draft(
        session,
        scope_id=scope_id,
        parsed=parsed,
        version=version,
        file_sha256=file_sha256,
        deadline=deadline,
    )
    relinked = 0
    if current is not None:
        relinked = _relink(session, old_id=current.id, new_id=draft_id, new=new_sections)
    session.flush()
    return DraftImportResult(
        draft_id,
        version,
        len(new_sections),
        relinked,
        tuple(orphan_comments(session, draft_id=draft_id)),
        unchanged=False,
    )
