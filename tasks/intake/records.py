"""The intake record of a file (the receipt register's row) as the pipeline moves it on:
received, then refused, rejected (with its error workbook), duplicate or accepted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from models.changes import touch_nothing
from models.db import write_with_retry
from models.enums import IntakeState
from models.records import IntakeRecord
from models.settings import get_settings
from tasks.intake.pipeline.error_workbook import error_workbook_path, write_error_workbook
from tasks.intake.pipeline.issues import Issue, error
from tasks.intake.pipeline.outcome import FileOutcome, ImportOptions, sort_issues


def add_record(
    session: Session,
    *,
    path: Path,
    sha: str,
    state: IntakeState,
    actor: str | None = None,
    **values: Any,
) -> int:
    """A new intake record in the caller's transaction (by `actor`, else the settings'
    actor name); its id."""
    rec = IntakeRecord(
        sha256=sha,
        file_name=path.name[:300],
        state=state,
        actor=(actor or get_settings().actor_name)[:120],
        **values,
    )
    session.add(rec)
    session.flush()
    return rec.id


T = TypeVar("T")


def register_only(work: Callable[[Session], T]) -> Callable[[Session], T]:
    """A transaction that writes the intake register alone, which status never reads: it
    says so (models.changes.touch_nothing), so it spares every cached trend point."""

    def run(session: Session) -> T:
        touch_nothing(session)
        return work(session)

    return run


def set_record(session: Session, intake_id: int, **values: Any) -> None:
    """Change an intake record in the caller's transaction."""
    session.execute(update(IntakeRecord).where(IntakeRecord.id == intake_id).values(**values))


def finish_record(engine: Engine, intake_id: int, **values: Any) -> None:
    """Change an intake record in a transaction of its own."""
    write_with_retry(register_only(lambda s: set_record(s, intake_id, **values)), engine=engine)


def refuse(
    engine: Engine | None, outcome: FileOutcome, message: str, opts: ImportOptions
) -> FileOutcome:
    """A file refused before validation: one message, an intake record (none on a dry run),
    no error workbook."""
    outcome.message = message
    outcome.issues = [error(message)]
    if opts.dry_run or engine is None:
        return outcome
    outcome.intake_id = write_with_retry(
        register_only(
            lambda s: add_record(
                s,
                path=outcome.path,
                sha=outcome.sha256,
                state=IntakeState.REJECTED,
                form=outcome.form,
                actor=opts.actor,
                errors=1,
                message=message,
                undo_of_id=opts.undo_of,
            )
        ),
        engine=engine,
    )
    return outcome


def rejected(
    engine: Engine,
    outcome: FileOutcome,
    issues: list[Issue],
    opts: ImportOptions,
    *,
    message: str | None = None,
    workbook: bool = False,
) -> FileOutcome:
    """Rolled back: write the error workbook (when cells are located, or `workbook`) and mark
    the record; a dry run writes neither."""
    outcome.issues = sort_issues(issues)
    outcome.message = message or (
        f"Tệp '{outcome.path.name}' bị từ chối: {len(outcome.errors)} lỗi; không có dữ liệu nào "
        "được ghi"
    )
    if opts.dry_run:
        return outcome
    located = workbook or any(i.sheet is not None for i in issues)
    if opts.write_errors and located:
        out = error_workbook_path(outcome.path, opts.error_dir)
        outcome.error_workbook = write_error_workbook(outcome.path, issues, out)
    assert outcome.intake_id is not None
    finish_record(
        engine,
        outcome.intake_id,
        state=IntakeState.REJECTED,
        errors=len(outcome.errors),
        warnings=len(outcome.warnings),
        error_path=str(outcome.error_workbook) if outcome.error_workbook else None,
        message=outcome.message[:2000],
    )
    return outcome
