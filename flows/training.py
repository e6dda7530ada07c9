"""Flow track_training: Training: each required role of each unit present at every required course."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from flows._stage import track_stage


@flow(name="track_training", log_prints=False)
def track_training(
    scope: str | None = None, as_of: date | None = None, plan: str | None = None
) -> dict[str, Any]:
    """Track the training stage of every unit in a scope as of a date and publish its digest."""
    return track_stage("training", scope, as_of, plan)
