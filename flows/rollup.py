"""Flow rollup_status: the daily snapshot of a scope and its Prefect artifacts."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from tasks.core.task_options import as_is
from tasks.status.steps import (
    publish_rollup,
    pull_status,
    resolve_as_of,
    summary_of,
    write_snapshot,
)


@flow(name="rollup_status")
def rollup_status(
    scope: str | None = None, as_of: date | None = None, plan: str | None = None
) -> dict[str, Any]:
    """Roll status up the tree, store the day's snapshot once, publish table/summary/progress."""
    day = resolve_as_of(as_of)
    doc = pull_status(scope, day, plan)
    # as_is: the document (every unit's entry) goes to the tasks as is; Prefect would
    # otherwise walk each of its ~10⁶ values looking for futures.
    snapshot = write_snapshot(as_is(doc))
    publish_rollup(as_is(doc))
    return {**summary_of(doc), "snapshot": snapshot}
