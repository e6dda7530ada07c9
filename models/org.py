"""Organisations: a tree that can change during a term, with a materialised path."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, db_enum
from models.enums import CongressForm, OrgKind, OrgStatus

# A path sorts by byte on PostgreSQL too, so a subtree is one index range scan.
PathType = String(600).with_variant(String(600, collation="C"), "postgresql")


class Organisation(Base):
    """A party organisation (tổ chức đảng); `path` is its ancestors' ids and its own, '/'-joined."""

    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("members_official >= 0", name="members_official_nonneg"),
        CheckConstraint("members_probationary >= 0", name="members_probationary_nonneg"),
        CheckConstraint("depth >= 0", name="depth_nonneg"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
        Index("ix_organisation_path", "path"),
        Index("ix_organisation_parent_id", "parent_id"),
    )

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[OrgKind] = mapped_column(db_enum(OrgKind, "org_kind"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT")
    )
    path: Mapped[str] = mapped_column(PathType, default="")
    depth: Mapped[int] = mapped_column(default=0)
    members_official: Mapped[int] = mapped_column(default=0)
    members_probationary: Mapped[int] = mapped_column(default=0)
    status: Mapped[OrgStatus] = mapped_column(
        db_enum(OrgStatus, "org_status"), default=OrgStatus.ACTIVE
    )
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT")
    )
    valid_from: Mapped[date] = mapped_column(Date, default=date(2020, 1, 1))
    valid_to: Mapped[date | None] = mapped_column(Date)


class OrgLink(Base):
    """The history of parent links: one row per (organisation, parent) period."""

    __tablename__ = "org_link"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
        Index("ix_org_link_org_id", "org_id"),
    )

    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT")
    )
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)


class Congress(Base):
    """A unit's congress in a term: dates, form, contents 4/3/2, planned committee size."""

    __tablename__ = "congress"
    __table_args__ = (
        CheckConstraint("contents IN (2, 3, 4)", name="contents_432"),
        CheckConstraint(
            "committee_size IS NULL OR committee_size >= 0", name="committee_size_nonneg"
        ),
        CheckConstraint("ordinal IS NULL OR ordinal >= 1", name="ordinal_positive"),
        Index("uq_congress_org_id_term", "org_id", "term", unique=True),
    )

    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(16))
    ordinal: Mapped[int | None] = mapped_column()
    form: Mapped[CongressForm | None] = mapped_column(db_enum(CongressForm, "congress_form"))
    contents: Mapped[int] = mapped_column(default=4)
    committee_size: Mapped[int | None] = mapped_column()
    planned_date: Mapped[date | None] = mapped_column(Date)
    held_date: Mapped[date | None] = mapped_column(Date)
    pilot: Mapped[bool] = mapped_column(default=False)
