"""Prefect tasks of the intake flow: thin wrappers over tasks.intake. What they return, log and
publish carries hashes, form names, codes, counts and cell locations — never a cell's value."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from tasks.core.task_options import DB_RETRY
from tasks.intake.inbox import (
    InboxFile,
    default_inbox,
    file_away,
    outcome_folder,
    scan_inbox,
    summarise,
)
from tasks.intake.receive import ImportOptions, import_file


@task(name="list_inbox", cache_policy=NO_CACHE)
def list_inbox(inbox: str | None, org: str | None = None) -> list[dict[str, Any]]:
    """The files waiting in the inbox (only the unit's folder when `org` is given), oldest
    first."""
    folder = Path(inbox) if inbox else default_inbox()
    files = scan_inbox(folder)
    if org is not None:
        files = [f for f in files if f.sender is not None and f.sender.upper() == org.upper()]
    get_run_logger().info("%d file(s) waiting in the inbox", len(files))
    return [{"path": f.path, "sender": f.sender, "arrived": f.arrived} for f in files]


# Validation outcomes are returned, so only a busy database can fail (and retry) this task.
@task(name="import_workbook", **DB_RETRY)
def import_workbook(path: str, sender: str | None, arrived: float) -> dict[str, Any]:
    """Import one workbook all-or-nothing; returns its public outcome (no cell values)."""
    source = Path(path)
    received: date = InboxFile(path, sender, arrived).received_on
    options = ImportOptions(
        sender_code=sender,
        received_on=received,
        error_dir=outcome_folder(source, accepted=False),
    )
    outcome = import_file(source, options)
    public = outcome.public()
    get_run_logger().info(
        "file %s (%s from %s): %s, %d row(s), %d error(s)",
        public["file_sha256"][:12],
        public["form"],
        public["sender"],
        public["state"],
        public["rows"],
        public["errors"],
    )
    return public


@task(name="file_workbook", cache_policy=NO_CACHE)
def file_workbook(path: str, state: str) -> str:
    """Move the file to processed/ or rejected/ beside it."""
    return str(file_away(Path(path), accepted=state in ("accepted", "duplicate")))


@task(name="publish_intake_summary", cache_policy=NO_CACHE)
def publish_intake_summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts and per-file rows (hash, form, sender code, counts, error locations) as artifacts."""
    summary = summarise(results)
    create_table_artifact(
        key="intake-files",
        table=[
            {
                "file_sha256": r["file_sha256"][:16],
                "form": r["form"] or "",
                "sender": r["sender"] or "",
                "state": r["state"],
                "rows": r["rows"],
                "errors": r["errors"],
                "warnings": r["warnings"],
                "first_error_at": _where(r["error_locations"][:1]),
            }
            for r in results
        ],
        description="Intake: one row per file (no cell values).",
    )
    create_markdown_artifact(
        key="intake-summary",
        markdown=(
            "## Nhập biểu mẫu\n\n"
            f"| tệp | đã nhận | trùng | bị từ chối | số dòng | số lỗi |\n|---|---|---|---|---|---|\n"
            f"| {summary['files']} | {summary['accepted']} | {summary['duplicate']} | "
            f"{summary['rejected']} | {summary['rows']} | {summary['errors']} |\n"
        ),
        description="Intake counts.",
    )
    return {**summary, "intake_ids": [r["intake_id"] for r in results if r["intake_id"]]}


def _where(locations: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{loc['sheet'] or ''}!{loc['column'] or ''}{'' if loc['row'] is None else loc['row']}"
        for loc in locations
    )
