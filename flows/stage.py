"""The shape every stage flow shares: pull status → judge the stage's milestones → publish."""

from __future__ import annotations

from datetime import date
from typing import Any

from tasks.steps import judge_stage, publish_stage, pull_status, resolve_as_of


def track_stage(
    stage: str, scope: str | None, as_of: date | None, plan: str | None
) -> dict[str, Any]:
    """Run one stage's tasks inside the calling flow and return its digest (codes and counts)."""
    day = resolve_as_of(as_of)
    doc = pull_status(scope, day, plan)
    digest = judge_stage(doc, stage)
    publish_stage(digest)
    return {k: digest[k] for k in ("stage", "org", "as_of", "summary")}
