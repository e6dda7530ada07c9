"""The draft Political Report: versions, sections, unit submissions, comments, dispositions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, db_enum
from models.enums import CommentKind, DispositionAction


class Draft(Base):
    """A version of the draft report a scope comments on; one is current per scope."""

    __tablename__ = "draft"
    __table_args__ = (Index("uq_draft_scope_version", "scope_org_id", "version", unique=True),)

    scope_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    deadline: Mapped[date | None] = mapped_column(Date)
    file_sha256: Mapped[str | None] = mapped_column(String(64))


class DraftSection(Base):
    """A numbered section of a draft (`I`, `II.1`, `III.2.a`; `Chung` for general comments)."""

    __tablename__ = "draft_section"
    __table_args__ = (Index("uq_draft_section_draft_number", "draft_id", "number", unique=True),)

    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str] = mapped_column(Text)
    level: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column()


class Submission(Base):
    """A unit's submission of comments on a draft (its letter number and date)."""

    __tablename__ = "submission"
    __table_args__ = (Index("uq_submission_draft_org", "draft_id", "org_id", unique=True),)

    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    letter_number: Mapped[str | None] = mapped_column(String(64))
    submitted_on: Mapped[date] = mapped_column(Date)
    date_from_receipt: Mapped[bool] = mapped_column(default=False)
    no_comments: Mapped[bool] = mapped_column(default=False)


class Comment(Base):
    """One comment of a unit on a section of a draft."""

    __tablename__ = "comment"
    __table_args__ = (
        Index("ix_comment_submission_id", "submission_id"),
        Index("ix_comment_submission_kind", "submission_id", "kind"),  # covering: status feedback
        Index("ix_comment_section_id", "section_id"),
    )

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("draft_section.id", ondelete="SET NULL")
    )
    section_number: Mapped[str] = mapped_column(String(40))
    kind: Mapped[CommentKind] = mapped_column(db_enum(CommentKind, "comment_kind"))
    text: Mapped[str] = mapped_column(Text)
    text_key: Mapped[str] = mapped_column(Text)
    group_label: Mapped[str | None] = mapped_column(String(200))


class Disposition(Base):
    """The drafting team's answer to a comment (tiếp thu / giải trình)."""

    __tablename__ = "disposition"
    __table_args__ = (
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("action = 'tiep-thu' OR text IS NOT NULL", name="text_unless_accepted"),
    )

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), unique=True
    )
    action: Mapped[DispositionAction] = mapped_column(
        db_enum(DispositionAction, "disposition_action")
    )
    text: Mapped[str | None] = mapped_column(Text)
    handler: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
