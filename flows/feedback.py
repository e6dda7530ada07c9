"""Flow track_feedback: Feedback on the draft Political Report: every unit has submitted."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from flows._stage import track_stage


@flow(name="track_feedback", log_prints=False)
def track_feedback(
    scope: str | None = None, as_of: date | None = None, plan: str | None = None
) -> dict[str, Any]:
    """Track the feedback stage of every unit in a scope as of a date and publish its digest."""
    return track_stage("feedback", scope, as_of, plan)
