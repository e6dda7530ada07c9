"""Candidates for a unit's new committee, and their 5-step history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, db_enum
from models.enums import Gender, PoliticalTheory, Post, Reelection


class Candidate(Base):
    """A person proposed for a unit's new committee (key: unit, normalised name, birth date)."""

    __tablename__ = "candidate"
    __table_args__ = (
        Index("uq_candidate_org_name_birth", "org_id", "name_key", "birth_date", unique=True),
        Index("ix_candidate_org_active", "org_id", "active"),  # covering: status personnel
        CheckConstraint(
            "vote_pct IS NULL OR (vote_pct >= 0 AND vote_pct <= 100)", name="vote_pct_range"
        ),
        CheckConstraint(
            "official_date IS NULL OR official_date >= joined_on", name="official_after_joined"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    full_name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date] = mapped_column(Date)
    gender: Mapped[Gender] = mapped_column(db_enum(Gender, "gender"))
    ethnicity: Mapped[str] = mapped_column(String(60))
    religion: Mapped[str | None] = mapped_column(String(60))
    hometown: Mapped[str | None] = mapped_column(String(200))
    joined_on: Mapped[date] = mapped_column(Date)
    official_date: Mapped[date | None] = mapped_column(Date)
    education: Mapped[str] = mapped_column(String(200))
    academic_title: Mapped[str | None] = mapped_column(String(120))
    political_theory: Mapped[PoliticalTheory] = mapped_column(
        db_enum(PoliticalTheory, "political_theory")
    )
    current_position: Mapped[str] = mapped_column(String(300))
    reelection: Mapped[Reelection] = mapped_column(db_enum(Reelection, "reelection"))
    proposed_post: Mapped[Post] = mapped_column(db_enum(Post, "post"))
    vote_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CandidateStep(Base):
    """A step of the 5-step process a candidate passed, and when."""

    __tablename__ = "candidate_step"
    __table_args__ = (
        Index("uq_candidate_step_candidate_step", "candidate_id", "step", unique=True),
        # covering: a candidate's latest step as of a date (status personnel)
        Index("ix_candidate_step_candidate_passed", "candidate_id", "passed_on", "step"),
        CheckConstraint("step BETWEEN 1 AND 5", name="step_range"),
        CheckConstraint(
            "vote_pct IS NULL OR (vote_pct >= 0 AND vote_pct <= 100)", name="vote_pct_range"
        ),
    )

    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column()
    passed_on: Mapped[date] = mapped_column(Date)
    vote_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
