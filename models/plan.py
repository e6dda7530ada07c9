"""Plans as data (loaded plan versions) and manual milestone overrides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, select
from sqlalchemy import insert as sa_insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, db_enum
from models.enums import OverrideState, Stage


class PlanVersion(Base):
    """A plan file as loaded: framework, effective date and its rules (the YAML as JSON).

    One row per version of a plan (its name and the SHA-256 of its file), never changed: an
    archived report names the row of the version it was judged by."""

    __tablename__ = "plan_version"
    __table_args__ = (Index("uq_plan_version_name_sha256", "name", "sha256", unique=True),)

    name: Mapped[str] = mapped_column(String(64))
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


def store_plan_versions(
    session: Session, versions: Sequence[Mapping[str, Any]]
) -> dict[tuple[str, str], int]:
    """Each plan version stored once with its milestones (`versions`: the plan_version columns
    plus `milestones`, a list of plan_milestone rows); the ids by (name, sha256).

    Versions already stored are left as they are; a version another transaction stores at the
    same time is skipped (ON CONFLICT DO NOTHING), never an error."""
    keys = {(v["name"], v["sha256"]) for v in versions}
    ids = _version_ids(session, keys)
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    for version in versions:
        key = (version["name"], version["sha256"])
        if key in ids:
            continue
        row = {k: v for k, v in version.items() if k != "milestones"}
        new_id = session.scalar(
            insert(PlanVersion)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["name", "sha256"])
            .returning(PlanVersion.id)
        )
        if new_id is not None and version["milestones"]:
            session.execute(
                sa_insert(PlanMilestone), [{**m, "plan_id": new_id} for m in version["milestones"]]
            )
    return _version_ids(session, keys)


def _version_ids(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    names = sorted({name for name, _ in keys})
    rows = session.execute(
        select(PlanVersion.id, PlanVersion.name, PlanVersion.sha256).where(
            PlanVersion.name.in_(names)
        )
    )
    return {(r.name, r.sha256): r.id for r in rows if (r.name, r.sha256) in keys}
