"""The shape every stage flow shares: pull status → judge the stage's milestones → publish →
render the stage's report when its content changed."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect.futures import PrefectFuture

from tasks.core.task_options import as_is
from tasks.reports.steps import publish_reports, render_if_changed, render_unit_lists
from tasks.status.steps import judge_stage, publish_stage, pull_status, resolve_as_of


def submit_stage_reports(
    stage: str, digest: dict[str, Any], scope: str | None, as_of: date, plan: str | None
) -> PrefectFuture[list[dict[str, Any]]]:
    """Start rendering the stage's milestone documents on the flow's task runner: personnel
    lists of units that are done; the scope's report for the other stages; each only when
    new or changed."""
    if stage == "personnel":
        # Not as_is: a submitted task may run in another process, which would get the quote.
        return render_unit_lists.submit(digest["done"], as_of, plan)
    return render_if_changed.submit(stage, scope, as_of, plan)


def stage_reports(
    stage: str, digest: dict[str, Any], scope: str | None, as_of: date, plan: str | None
) -> list[dict[str, Any]]:
    """The stage's milestone documents (see submit_stage_reports), published when any."""
    files = submit_stage_reports(stage, digest, scope, as_of, plan).result()
    if files:
        publish_reports(digest["org"], as_of, files)
    return files


def track_stage(
    stage: str, scope: str | None, as_of: date | None, plan: str | None
) -> dict[str, Any]:
    """Run one stage's tasks inside the calling flow and return its digest (codes and counts)."""
    day = resolve_as_of(as_of)
    doc = pull_status(scope, day, plan)
    digest = judge_stage(as_is(doc), stage)  # as_is: see flows/preparation.py
    publish_stage(digest)
    files = stage_reports(stage, digest, scope, day, plan)
    return {**{k: digest[k] for k in ("stage", "org", "as_of", "summary")}, "reports": len(files)}
