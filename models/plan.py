"""Plans as data (loaded plan versions) and manual milestone overrides."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, db_enum
from models.enums import OverrideState, Stage


class PlanVersion(Base):
    """A plan file as loaded: framework, effective date and its rules (the YAML as JSON)."""

    __tablename__ = "plan_version"

    name: Mapped[str] = mapped_column(String(64), unique=True)
    framework: Mapped[str] = mapped_column(String(120))
    effective_from: Mapped[date] = mapped_column(Date)
    sha256: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class PlanMilestone(Base):
    """One stage's due-date rule in a plan, per level: absolute date or days from the congress."""

    __tablename__ = "plan_milestone"
    __table_args__ = (
        Index("uq_plan_milestone_plan_stage_level", "plan_id", "stage", "level", unique=True),
    )

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id", ondelete="CASCADE"))
    stage: Mapped[Stage] = mapped_column(db_enum(Stage, "stage"))
    level: Mapped[str] = mapped_column(String(16))
    due_date: Mapped[date | None] = mapped_column(Date)
    offset_days: Mapped[int | None] = mapped_column()
    source: Mapped[str] = mapped_column(Text, default="default (unverified)")


class MilestoneOverride(Base):
    """A manual decision on a unit's stage (done / not applicable) from a date, with its reason.

    A revoked override applies on the days from `effective_from` up to the day before
    `revoked_on`: status as of an earlier day is unchanged by the revocation."""

    __tablename__ = "milestone_override"
    __table_args__ = (Index("ix_milestone_override_org_stage", "org_id", "stage"),)

    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    stage: Mapped[Stage] = mapped_column(db_enum(Stage, "stage"))
    state: Mapped[OverrideState] = mapped_column(db_enum(OverrideState, "override_state"))
    effective_from: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(120))
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by: Mapped[str | None] = mapped_column(String(120))
