"""Prefect tasks for reports: thin wrappers over tasks.reports.api (codes, dates, paths only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from tasks.core.task_options import DB_RETRY
from tasks.reports.api import (
    RenderedReport,
    context_changed,
    render_report,
    render_unit_reports,
)
from tasks.status import publish
from tasks.status.delegates import Figures


@task(name="render_reports", **DB_RETRY)
def render_reports(
    kind: str,
    scope: str | None,
    as_of: date,
    plan: str | None = None,
    issue: bool = False,
    subtree: bool = False,
    year: int | None = None,
    out_dir: str | None = None,
    delegates: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Render (or find in the archive) a kind of report; returns paths, hashes, numbers, codes.
    `delegates` are the figures of the kind delegates ({"total", "ex_officio", "base"})."""
    results = render_report(
        kind=kind,
        scope=scope,
        as_of=as_of,
        plan=plan,
        issue=issue,
        subtree=subtree,
        year=year,
        out_dir=Path(out_dir) if out_dir else None,
        delegates=Figures(**delegates) if delegates else None,
    )
    reused = sum(1 for r in results if r.reused)
    get_run_logger().info(
        "%s as of %s: %d file(s), %d from the archive", kind, as_of, len(results), reused
    )
    return _as_dicts(results)


@task(name="publish_reports", cache_policy=NO_CACHE)
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


@task(name="publish_report_sets", cache_policy=NO_CACHE)
def publish_report_sets(as_of: date, sets: list[tuple[str, list[dict[str, Any]]]]) -> None:
    """publish_reports for each (scope, files) set that has files, in one task run."""
    for scope, files in sets:
        if files:
            publish_reports.fn(scope, as_of, files)


def _as_dicts(results: list[RenderedReport]) -> list[dict[str, Any]]:
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


@task(name="render_if_changed", **DB_RETRY)
def render_if_changed(
    kind: str, scope: str | None, as_of: date, plan: str | None = None, subtree: bool = False
) -> list[dict[str, Any]]:
    """Render a kind of report for a scope only when its content differs from the last archived one."""
    if not context_changed(kind=kind, scope=scope, as_of=as_of, plan=plan, subtree=subtree):
        get_run_logger().info("%s for %s unchanged since its last report", kind, scope or "root")
        return []
    return _as_dicts(render_report(kind=kind, scope=scope, as_of=as_of, plan=plan, subtree=subtree))


@task(name="render_unit_lists", **DB_RETRY)
def render_unit_lists(
    codes: list[str], as_of: date, plan: str | None = None
) -> list[dict[str, Any]]:
    """Each listed unit's own personnel list, in one batch, for units whose list is new or changed."""
    files = render_unit_reports(kind="personnel", units=codes, as_of=as_of, plan=plan)
    get_run_logger().info(
        "personnel lists of %d done units: %d new or changed, %d of them from the archive",
        len(codes),
        len(files),
        sum(1 for f in files if f.reused),
    )
    return _as_dicts(files)
