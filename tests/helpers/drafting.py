"""Builders for the drafting workspace's tests: sections on a scope's current draft, and
units' comments on them (stored rows, as the gop-y importer leaves them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine, select

from models.db import write_session
from models.enums import CommentKind
from models.feedback import Comment, Draft, DraftSection, Submission
from tasks.core.text import norm_key

SECTIONS = (
    ("Chung", "Ý kiến chung", 1),
    ("I", "Đánh giá", 1),
    ("I.1", "Kết quả", 2),
    ("II", "Phương hướng", 1),
)


def add_sections(
    engine: Engine, scope_id: int, sections: Sequence[tuple[str, str, int]] = SECTIONS
) -> dict[str, int]:
    """The sections of the scope's current draft, in this order; number → section id."""
    with write_session(engine) as s:
        draft_id = s.scalar(
            select(Draft.id).where(Draft.scope_org_id == scope_id, Draft.is_current.is_(True))
        )
        assert draft_id is not None, "the scope has no current draft"
        out = {}
        for position, (number, title, level) in enumerate(sections):
            row = DraftSection(
                draft_id=draft_id,
                number=number,
                title=title,
                title_key=norm_key(title),
                level=level,
                position=position,
            )
            s.add(row)
            s.flush()
            out[number] = row.id
        return out


def add_comments(
    engine: Engine,
    scope_id: int,
    comments: Sequence[tuple[int, str, CommentKind, str]],
    *,
    submitted_on: date = date(2025, 3, 1),
) -> list[int]:
    """(unit id, section number, kind, text) on the scope's current draft, one submission per
    unit (made when missing); the comment ids in the order given."""
    with write_session(engine) as s:
        draft_id = s.scalar(
            select(Draft.id).where(Draft.scope_org_id == scope_id, Draft.is_current.is_(True))
        )
        sections: dict[str, int] = dict(
            s.execute(
                select(DraftSection.number, DraftSection.id).where(
                    DraftSection.draft_id == draft_id
                )
            ).all()
        )
        subs: dict[int, int] = dict(
            s.execute(
                select(Submission.org_id, Submission.id).where(Submission.draft_id == draft_id)
            ).all()
        )
        ids = []
        for org_id, number, kind, text in comments:
            if org_id not in subs:
                sub = Submission(draft_id=draft_id, org_id=org_id, submitted_on=submitted_on)
                s.add(sub)
                s.flush()
                subs[org_id] = sub.id
            c = Comment(
                submission_id=subs[org_id],
                section_id=sections.get(number),
                section_number=number,
                kind=kind,
                text=text,
                text_key=norm_key(text),
            )
            s.add(c)
            s.flush()
            ids.append(c.id)
        return ids
