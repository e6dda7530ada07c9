"""Flow track_personnel: Personnel: candidates through the 5-step process against committee size and structure."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from flows._stage import track_stage


@flow(name="track_personnel", log_prints=False)
def track_personnel(
    scope: str | None = None, as_of: date | None = None, plan: str | None = None
) -> dict[str, Any]:
    """Track the personnel stage of every unit in a scope as of a date and publish its digest."""
    return track_stage("personnel", scope, as_of, plan)
