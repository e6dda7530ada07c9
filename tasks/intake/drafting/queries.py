"""The workspace's reads: a draft's sections, and the comments needing an answer in a scope
with their units and dispositions (one set-based query each)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from models.bulk import chunked
from models.enums import CommentKind, DispositionAction
from models.feedback import Comment, Disposition, DraftSection, Submission
from models.org import Organisation
from models.queries import OrgRef, comment_select
from models.tree import at_or_under
from tasks.intake.exports.tiep_thu import default_group, group_key


@dataclass(frozen=True)
class SectionRef:
    """A section of the draft, in the draft's order."""

    id: int
    number: str
    title: str
    position: int


@dataclass(frozen=True)
class CommentRef:
    """A comment needing a disposition, with its unit, effective group and current answer.
    Also what `tasks.intake.forms.tiep_thu.store_answers` reads a comment row as."""

    id: int
    section_id: int | None
    section_number: str
    kind: CommentKind
    text: str
    text_key: str
    group_label: str | None
    org_id: int
    unit_code: str
    unit: str
    disposition_id: int | None
    action: DispositionAction | None
    answer: str | None
    handler: str | None

    @property
    def label(self) -> str:
        """The group label: the team's, else the default (section and normalised text)."""
        return self.group_label or default_group(self.section_number, self.text_key)

    @property
    def key(self) -> str:
        """How groups compare (the tiếp thu sheet's rule)."""
        return effective_key(self.section_number, self.text_key, self.group_label)


@lru_cache(maxsize=65_536)
def effective_key(section_number: str, text_key: str, group_label: str | None) -> str:
    """A comment's group key: its team label's, else its default group's (computed once)."""
    return group_key(group_label or default_group(section_number, text_key))


@dataclass(frozen=True)
class TextRef:
    """What the near-duplicate rule reads of a comment: its text and its group key."""

    id: int
    section_id: int
    text: str
    key: str


def draft_sections(session: Session, *, draft_id: int) -> list[SectionRef]:
    """The draft's sections in their order."""
    rows = session.execute(
        select(DraftSection.id, DraftSection.number, DraftSection.title, DraftSection.position)
        .where(DraftSection.draft_id == draft_id)
        .order_by(DraftSection.position)
    ).all()
    return [SectionRef(*r) for r in rows]


def _columns() -> Any:
    return comment_select(
        Comment.id,
        Comment.section_id,
        Comment.section_number,
        Comment.kind,
        Comment.text,
        Comment.text_key,
        Comment.group_label,
        Organisation.id,
        Organisation.code,
        Organisation.name,
        Disposition.id,
        Disposition.action,
        Disposition.text,
        Disposition.handler,
    )


def _comments_stmt(draft_id: int, scope: OrgRef) -> Any:
    """The comments of the draft from the scope's subtree needing an answer, oldest first."""
    return (
        _columns()
        .where(
            Submission.draft_id == draft_id,
            Comment.kind != CommentKind.THONG_NHAT,
            at_or_under(scope.path),
        )
        .order_by(Comment.id)
    )


def scope_comments(
    session: Session,
    *,
    draft_id: int,
    scope: OrgRef,
    where: Sequence[ColumnElement[bool]] = (),
) -> list[CommentRef]:
    """Comments on the draft from the scope's subtree needing a disposition, oldest first;
    `where` narrows them (a section, a comment)."""
    stmt = _comments_stmt(draft_id, scope).where(*where)
    return [CommentRef(*r) for r in session.execute(stmt).all()]


def section_texts(
    session: Session, *, draft_id: int, scope: OrgRef, section_ids: Sequence[int]
) -> dict[int, list[TextRef]]:
    """section id → its comments needing an answer (id order): only what the rule reads."""
    rows = session.execute(
        comment_select(
            Comment.id,
            Comment.section_id,
            Comment.section_number,
            Comment.text,
            Comment.text_key,
            Comment.group_label,
            answers=False,
        )
        .where(
            Submission.draft_id == draft_id,
            Comment.kind != CommentKind.THONG_NHAT,
            Comment.section_id.in_(list(section_ids)),
            at_or_under(scope.path),
        )
        .order_by(Comment.id)
    ).all()
    out: dict[int, list[TextRef]] = {}
    for r in rows:
        key = effective_key(r.section_number, r.text_key, r.group_label)
        out.setdefault(r.section_id, []).append(TextRef(r.id, r.section_id, r.text, key))
    return out


def comments_by_id(session: Session, *, ids: Sequence[int]) -> dict[int, CommentRef]:
    """The comments with these ids, which the caller took from the scope's own comments
    needing an answer: by primary key, in chunks (no draft or subtree filter, which would
    steer SQLite onto probing every submission for every id)."""
    out: dict[int, CommentRef] = {}
    for part in chunked(sorted(set(ids))):
        stmt = _columns().where(Comment.id.in_(list(part)))
        for r in session.execute(stmt).all():
            out[r[0]] = CommentRef(*r)
    return out


def group_members(
    session: Session, *, draft_id: int, scope: OrgRef, of: CommentRef
) -> list[CommentRef]:
    """Every comment of the scope in `of`'s group: the same default group (section and
    normalised text, no label), or a team label that compares equal."""
    key = of.key
    same_default = scope_comments(
        session,
        draft_id=draft_id,
        scope=scope,
        where=(
            Comment.group_label.is_(None),
            Comment.section_number == of.section_number,
            Comment.text_key == of.text_key,
        ),
    )
    labelled = scope_comments(
        session, draft_id=draft_id, scope=scope, where=(Comment.group_label.is_not(None),)
    )
    found = {c.id: c for c in [*same_default, *labelled] if c.key == key}
    return [found[i] for i in sorted(found)]


def section_fingerprints(
    session: Session, *, draft_id: int, scope: OrgRef, section_ids: Sequence[int]
) -> dict[int, tuple[object, ...]]:
    """section id → (count, sum of ids, last id, last change) of the scope's comments needing
    an answer there: it moves whenever a comment of the section is added, removed or edited."""
    rows = session.execute(
        comment_select(
            Comment.section_id,
            func.count(Comment.id),
            func.sum(Comment.id),
            func.max(Comment.id),
            func.max(Comment.updated_at),
            answers=False,
        )
        .where(
            Submission.draft_id == draft_id,
            Comment.kind != CommentKind.THONG_NHAT,
            Comment.section_id.in_(section_ids),
            at_or_under(scope.path),
        )
        .group_by(Comment.section_id)
    ).all()
    return {int(r[0]): tuple(r[1:]) for r in rows if r[0] is not None}
