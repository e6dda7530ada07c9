"""Background jobs of the web application (WEB.md "Long work"): what was asked, by whom, for
which organisation, how far it got, and the archived reports it produced.

A job is recorded by the request, claimed by one runner (its `owner`: host, process and a
boot token), moves queued → running → done | failed, and keeps the ids of the report archive
rows it produced. Keyword-only, session first, never commit (the caller's write session)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.accounts import as_utc
from models.base import Base, db_enum
from models.enums import JobState


class WebJob(Base):
    """One background job: its kind and parameters (codes, dates, flags — never personal data)."""

    __tablename__ = "web_job"
    __table_args__ = (
        Index("ix_web_job_state", "state"),
        Index("ix_web_job_account_id", "account_id", "id"),
    )

    kind: Mapped[str] = mapped_column(String(32))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    state: Mapped[JobState] = mapped_column(db_enum(JobState, "job_state"))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[list[int] | None] = mapped_column(JSON)
    flow_run_id: Mapped[str | None] = mapped_column(String(36))
    owner: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    beat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class JobRow:
    """A job as the pages and the runner see it."""

    id: int
    kind: str
    parameters: dict[str, Any]
    account_id: int
    org_id: int | None
    state: JobState
    progress: int
    message: str | None
    result: list[int]
    flow_run_id: str | None
    owner: str | None
    created_at: datetime
    finished_at: datetime | None
    beat_at: datetime | None

    @property
    def finished(self) -> bool:
        """Done or failed: nothing will change any more."""
        return self.state in (JobState.DONE, JobState.FAILED)


def _row(job: WebJob) -> JobRow:
    return JobRow(
        id=job.id,
        kind=job.kind,
        parameters=dict(job.parameters or {}),
        account_id=job.account_id,
        org_id=job.org_id,
        state=job.state,
        progress=job.progress,
        message=job.message,
        result=list(job.result or []),
        flow_run_id=job.flow_run_id,
        owner=job.owner,
        created_at=as_utc(job.created_at),
        finished_at=None if job.finished_at is None else as_utc(job.finished_at),
        beat_at=None if job.beat_at is None else as_utc(job.beat_at),
    )


def add_job(
    session: Session,
    *,
    kind: str,
    parameters: dict[str, Any],
    account_id: int,
    org_id: int | None,
    owner: str,
    now: datetime,
) -> int:
    """Record a queued job for the runner `owner` to take; its id."""
    job = WebJob(
        kind=kind,
        parameters=parameters,
        account_id=account_id,
        org_id=org_id,
        state=JobState.QUEUED,
        progress=0,
        owner=owner,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    return int(job.id)


def job_row(session: Session, *, job_id: int) -> JobRow | None:
    """One job by id."""
    job = session.get(WebJob, job_id)
    return None if job is None else _row(job)


def account_jobs(session: Session, *, account_id: int, limit: int = 10) -> list[JobRow]:
    """An account's newest jobs."""
    stmt = (
        select(WebJob)
        .where(WebJob.account_id == account_id)
        .order_by(WebJob.id.desc())
        .limit(limit)
    )
    return [_row(j) for j in session.scalars(stmt)]


def claim_job(session: Session, *, job_id: int, owner: str, now: datetime) -> bool:
    """Queued → running for its owner; False when it is no longer queued (failed meanwhile)."""
    result = session.execute(
        update(WebJob)
        .where(WebJob.id == job_id, WebJob.state == JobState.QUEUED, WebJob.owner == owner)
        .values(
            state=JobState.RUNNING,
            progress=5,
            started_at=now,
            beat_at=now,
            updated_at=now,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def note_progress(
    session: Session,
    *,
    job_id: int,
    progress: int,
    now: datetime,
    flow_run_id: str | None = None,
) -> None:
    """A running job's progress (0–100), and the flow run it follows once known."""
    values: dict[str, Any] = {"progress": progress, "beat_at": now, "updated_at": now}
    if flow_run_id is not None:
        values["flow_run_id"] = flow_run_id
    session.execute(
        update(WebJob).where(WebJob.id == job_id, WebJob.state == JobState.RUNNING).values(values)
    )


def beat(session: Session, *, owner: str, now: datetime) -> None:
    """The owner's jobs, running or waiting their turn, are still being worked on."""
    session.execute(
        update(WebJob)
        .where(WebJob.owner == owner, WebJob.state.in_([JobState.QUEUED, JobState.RUNNING]))
        .values(beat_at=now)
    )


def finish_job(session: Session, *, job_id: int, result: list[int], now: datetime) -> None:
    """A job that produced these archived reports."""
    session.execute(
        update(WebJob)
        .where(WebJob.id == job_id)
        .values(
            state=JobState.DONE,
            progress=100,
            result=result,
            message=None,
            finished_at=now,
            updated_at=now,
        )
    )


def fail_jobs(session: Session, *, job_ids: list[int], message: str, now: datetime) -> None:
    """Jobs that will not finish, with the Vietnamese line their page shows."""
    if job_ids:
        session.execute(
            update(WebJob)
            .where(WebJob.id.in_(job_ids), WebJob.state.in_([JobState.QUEUED, JobState.RUNNING]))
            .values(state=JobState.FAILED, message=message, finished_at=now, updated_at=now)
        )


def unfinished_jobs(session: Session) -> list[JobRow]:
    """Every queued or running job (for the start-up sweep)."""
    stmt = select(WebJob).where(WebJob.state.in_([JobState.QUEUED, JobState.RUNNING]))
    return [_row(j) for j in session.scalars(stmt)]
