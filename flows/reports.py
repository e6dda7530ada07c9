"""Flow write_report: one kind of Word report for a scope, through Prefect (`daihoi report --prefect`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from tasks.reports.steps import publish_reports, render_reports
from tasks.status.steps import resolve_as_of


@flow(name="write_report")
def write_report(
    kind: str,
    scope: str | None = None,
    as_of: date | None = None,
    plan: str | None = None,
    year: int | None = None,
    out_dir: str | None = None,
    issue: bool = False,
    subtree: bool = False,
    delegates: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Render (or find in the archive) one kind of report and publish what was written.
    `delegates`: the figures of the kind delegates ({"total", "ex_officio", "base"})."""
    day = resolve_as_of(as_of)
    files = render_reports(kind, scope, day, plan, issue, subtree, year, out_dir, delegates)
    if files:
        publish_reports(files[0]["scope"], day, files)
    return files
