"""Flow prepare_congresses: the main job — every stage, the rollup, the snapshot and reports."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from flows._stage import submit_stage_reports
from flows.runners import ConfiguredTaskRunner
from tasks.core.task_options import as_is
from tasks.reports.steps import publish_report_sets, render_reports
from tasks.status.steps import (
    judge_stages,
    publish_rollup,
    publish_stages,
    pull_status,
    resolve_as_of,
    summary_of,
    write_snapshot,
)


@flow(name="prepare_congresses", task_runner=ConfiguredTaskRunner())
def prepare_congresses(
    scope: str | None = None, as_of: date | None = None, plan: str | None = None
) -> dict[str, Any]:
    """Judge all four stages of every unit in a scope, roll them up, publish the results and
    write the progress report and the stages' milestone reports."""
    day = resolve_as_of(as_of)
    doc = pull_status(scope, day, plan)
    # as_is: the document (every unit's entry) goes to the tasks as is; Prefect would
    # otherwise walk each of its ~10⁶ values looking for futures, per task.
    digests = judge_stages(as_is(doc))
    # Documents render on the task runner (DAIHOI_TASK_RUNNER) while the snapshot is written.
    rendering = {
        stage: submit_stage_reports(stage, digest, scope, day, plan)
        for stage, digest in digests.items()
    }
    progress_run = render_reports.submit("progress", scope, day, plan)
    publish_stages(as_is(digests))
    snapshot = write_snapshot(as_is(doc))
    publish_rollup(as_is(doc))
    sets: list[tuple[str, list[dict[str, Any]]]] = []
    for stage, future in rendering.items():
        sets.append((digests[stage]["org"], future.result()))
    progress = progress_run.result()
    sets.append((doc["org"], progress))
    publish_report_sets(day, as_is(sets))  # the reports' tables, in one task run
    reports = sum(len(files) for _, files in sets)
    return {
        **summary_of(doc),
        "snapshot": snapshot,
        "reports": reports,
        "progress_report": progress[0]["path"] if progress else None,
    }
