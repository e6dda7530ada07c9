"""The drafting team's workspace: the near-duplicate suggestions it dismissed (accepted ones
are the comments' shared `group_label`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base


class SuggestionDismissal(Base):
    """A near-duplicate suggestion the team dismissed: the section, and the signature of the
    groups it would have joined (SHA-256 of their sorted group keys). A suggestion with the
    same signature is not shown again; one that gains or loses a group is a new suggestion."""

    __tablename__ = "suggestion_dismissal"
    __table_args__ = (
        Index("uq_suggestion_dismissal_section_signature", "section_id", "signature", unique=True),
    )

    section_id: Mapped[int] = mapped_column(ForeignKey("draft_section.id", ondelete="CASCADE"))
    signature: Mapped[str] = mapped_column(String(64))
    dismissed_by: Mapped[str] = mapped_column(String(120))


def dismissed_signatures(session: Session, *, section_ids: Sequence[int]) -> dict[int, set[str]]:
    """section id → the signatures of the suggestions dismissed there."""
    out: dict[int, set[str]] = {}
    if not section_ids:
        return out
    rows = session.execute(
        select(SuggestionDismissal.section_id, SuggestionDismissal.signature).where(
            SuggestionDismissal.section_id.in_(list(section_ids))
        )
    ).all()
    for section_id, sig in rows:
        out.setdefault(section_id, set()).add(sig)
    return out


def add_dismissal(session: Session, *, section_id: int, signature: str, actor: str) -> int | None:
    """Remember a dismissed suggestion; its row id, or None when it was dismissed already."""
    known = session.scalar(
        select(SuggestionDismissal.id).where(
            SuggestionDismissal.section_id == section_id,
            SuggestionDismissal.signature == signature,
        )
    )
    if known is not None:
        return None
    row = SuggestionDismissal(section_id=section_id, signature=signature, dismissed_by=actor[:120])
    session.add(row)
    session.flush()
    return int(row.id)
