"""Inspections and supervisions serving the congress, and the remedies they require."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, db_enum
from models.enums import InspectionForm, InspectionKind, InspectionTarget, RemedyStatus


class Inspection(Base):
    """An inspection (kiểm tra) or supervision (giám sát) of a unit (key: unit, Mã cuộc)."""

    __tablename__ = "inspection"
    __table_args__ = (
        Index("uq_inspection_org_code", "org_id", "code", unique=True),
        CheckConstraint(
            "concluded_on IS NULL OR concluded_on >= started_on", name="concluded_after_started"
        ),
    )

    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    sender_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT")
    )
    code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[InspectionKind] = mapped_column(db_enum(InspectionKind, "inspection_kind"))
    form: Mapped[InspectionForm] = mapped_column(db_enum(InspectionForm, "inspection_form"))
    target: Mapped[InspectionTarget] = mapped_column(db_enum(InspectionTarget, "inspection_target"))
    started_on: Mapped[date] = mapped_column(Date)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    has_violation: Mapped[bool | None] = mapped_column()
    conclusion: Mapped[str | None] = mapped_column(Text)


class Remedy(Base):
    """A remedy an inspection requires (key: inspection, STT)."""

    __tablename__ = "remedy"
    __table_args__ = (
        Index("uq_remedy_inspection_seq", "inspection_id", "seq", unique=True),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "status NOT IN ('da-hoan-thanh', 'da-xac-nhan') OR completed_on IS NOT NULL",
            name="done_has_date",
        ),
    )

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    requirement: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[RemedyStatus] = mapped_column(db_enum(RemedyStatus, "remedy_status"))
    completed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
