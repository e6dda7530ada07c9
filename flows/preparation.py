"""Flow prepare_congresses: the main job — every stage, the rollup and the snapshot."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from tasks.plans import STAGES
from tasks.steps import (
    judge_stage,
    publish_rollup,
    publish_stage,
    pull_status,
    resolve_as_of,
    summary_of,
    write_snapshot,
)


@flow(name="prepare_congresses")
def prepare_congresses(
    scope: str | None = None, as_of: date | None = None, plan: str | None = None
) -> dict[str, Any]:
    """Judge all four stages of every unit in a scope, roll them up and publish the results."""
    day = resolve_as_of(as_of)
    doc = pull_status(scope, day, plan)
    for stage in STAGES:
        publish_stage(judge_stage(doc, stage))
    snapshot = write_snapshot(doc)
    publish_rollup(doc)
    return {**summary_of(doc), "snapshot": snapshot}
