"""Prefect tasks for reports: thin wrappers over tasks.reports.api (codes, dates, paths only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact

from tasks import publish
from tasks.reports.api import render_report
from tasks.steps import DB_RETRY


@task(name="render_reports", **DB_RETRY)
def render_reports(
    kind: str,
    scope: str | None,
    as_of: date,
    plan: str | None = None,
    issue: bool = False,
    subtree: bool = False,
) -> list[dict[str, Any]]:
    """Render (or find in the archive) a kind of report; returns paths, hashes, numbers, codes."""
    results = render_report(
        kind=kind, scope=scope, as_of=as_of, plan=plan, issue=issue, subtree=subtree
    )
    reused = sum(1 for r in results if r.reused)
    get_run_logger().info(
        "%s as of %s: %d file(s), %d from the archive", kind, as_of, len(results), reused
    )
    return [
        {
            "path": str(r.path),
            "sha256": r.sha256,
            "number": r.number,
            "kind": r.kind,
            "scope": r.scope,
            "subject": r.subject,
            "reused": r.reused,
        }
        for r in results
    ]


@task(name="publish_reports")
def publish_reports(scope: str, as_of: date, files: list[dict[str, Any]]) -> None:
    """A table artifact of the files written: unit codes, numbers and hashes (no names)."""
    kind = files[0]["kind"] if files else "reports"
    create_table_artifact(
        key=publish.artifact_key(scope, kind),
        table=[
            {
                "don_vi": f["subject"],
                "so": f["number"] if f["number"] is not None else "",
                "sha256": f["sha256"][:12],
                "luu_tru": "có" if f["reused"] else "mới",
            }
            for f in files
        ],
        description=f"{kind} ngày {as_of.isoformat()}: {len(files)} văn bản",
    )
