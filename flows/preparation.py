"""Flow prepare_congresses: the main job — every stage, the rollup, the snapshot and reports."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from flows.stage import submit_stage_reports
from tasks.plans import STAGES
from tasks.report_steps import publish_reports, render_reports
from tasks.runners import ConfiguredTaskRunner
from tasks.steps import (
    as_is,
    judge_stage,
    publish_rollup,
    publish_stage,
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
    digests = {stage: judge_stage(as_is(doc), stage) for stage in STAGES}
    # Documents render on the task runner (DAIHOI_TASK_RUNNER) while the snapshot is written.
    rendering = {
        stage: submit_stage_reports(stage, digest, scope, day, plan)
        for stage, digest in digests.items()
    }
    progress_run = render_reports.submit("progress", scope, day, plan)
    for digest in digests.values():
        publish_stage(digest)
    snapshot = write_snapshot(as_is(doc))
    publish_rollup(as_is(doc))
    reports = 0
    for stage, future in rendering.items():
        files = future.result()
        if files:
            publish_reports(digests[stage]["org"], day, files)
        reports += len(files)
    progress = progress_run.result()
    publish_reports(doc["org"], day, progress)
    return {
        **summary_of(doc),
        "snapshot": snapshot,
        "reports": reports + len(progress),
        "progress_report": progress[0]["path"] if progress else None,
    }
