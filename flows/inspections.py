"""Flow track_inspections: Inspections: every inspection concluded and every remedy verified."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from flows._stage import track_stage


@flow(name="track_inspections", log_prints=False)
def track_inspections(
    scope: str | None = None, as_of: date | None = None, plan: str | None = None
) -> dict[str, Any]:
    """Track the inspections stage of every unit in a scope as of a date and publish its digest."""
    return track_stage("inspections", scope, as_of, plan)
