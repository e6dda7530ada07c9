"""What a background job runs: one of the existing flows, embedded on this process's
ephemeral API or as a run of its prefect.yaml deployment that the workers pick up; and the
archived reports the run produced, read from the run's table artifacts (codes and file
hashes only), so both ways end in the same archive ids.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Engine

from models.db import read_session
from models.listings import reports_by_hash
from tasks.core.errors import UserError

FAILED_TEXT = "Không lập được văn bản do lỗi khi chạy; không có tệp nào được lưu."
CRASHED_TEXT = "Máy thực hiện công việc đã dừng giữa chừng; không có tệp nào được lưu."
TIMEOUT_TEXT = "Công việc chạy quá lâu nên đã dừng theo dõi; hãy xem lại sau hoặc tạo lại."
POLL_SECONDS = 1.0
FOLLOW_SECONDS = 4 * 3600


@dataclass(frozen=True)
class FlowJob:
    """A job kind: the flow it runs, the deployment of that flow, its parameters."""

    flow: Callable[[], Any]  # the flow object (imported when the job runs)
    deployment: str  # flow name / deployment name in prefect.yaml
    kind_of: Callable[[dict[str, Any]], str]  # the report kind the run archives


def _write_report() -> Any:
    from flows.reports import write_report

    return write_report


def _send_reminders() -> Any:
    from flows.reminders import send_reminders

    return send_reminders


JOB_KINDS: dict[str, FlowJob] = {
    "report": FlowJob(_write_report, "write_report/render-report", lambda p: str(p["kind"])),
    "reminders": FlowJob(_send_reminders, "send_reminders/weekly-reminders", lambda p: "reminders"),
}


class JobFailed(Exception):
    """A run that did not complete, with the Vietnamese line the job's page shows."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _failure_text(error: BaseException | None) -> str:
    if isinstance(error, UserError):  # one Vietnamese line written for the organiser
        return error.message
    return FAILED_TEXT


def run_embedded(kind: str, parameters: dict[str, Any]) -> str:
    """Run the job's flow in this thread (ephemeral API); the flow run's id. Raises JobFailed."""
    flow = JOB_KINDS[kind].flow()
    state = flow(**parameters, return_state=True)
    run_id = str(state.state_details.flow_run_id)
    if not state.is_completed():
        raise JobFailed(_failure_text(state.result(raise_on_failure=False)))
    return run_id


def start_deployment(kind: str, parameters: dict[str, Any]) -> str:
    """Create a run of the job's deployment for the workers; its flow run id (at once)."""
    from prefect.deployments import run_deployment

    run = run_deployment(
        JOB_KINDS[kind].deployment, parameters=parameters, timeout=0, as_subflow=False
    )
    return str(run.id)  # type: ignore[union-attr]  # a sync call returns the run itself


def follow_deployment(run_id: str, on_state: Callable[[str], None]) -> None:
    """Poll the flow run until it ends; `on_state` hears each state type. Raises JobFailed."""
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + FOLLOW_SECONDS
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            run = client.read_flow_run(UUID(run_id))
            state = run.state
            kind = state.type.value if state is not None else "PENDING"
            on_state(kind)
            if kind == "COMPLETED":
                return
            if kind in ("FAILED", "CANCELLED", "CANCELLING"):
                raise JobFailed(FAILED_TEXT)
            if kind == "CRASHED":
                raise JobFailed(CRASHED_TEXT)
            time.sleep(POLL_SECONDS)
    raise JobFailed(TIMEOUT_TEXT)


def _artifact_rows(run_id: str) -> list[dict[str, Any]]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(run_id)]))
        )
    rows: list[dict[str, Any]] = []
    for artifact in sorted(found, key=lambda a: a.created or 0):
        if artifact.type != "table":
            continue
        data = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
        rows += [r for r in data or [] if isinstance(r, dict) and "sha256" in r]
    return rows


def produced_reports(engine: Engine, run_id: str, *, kind: str, as_of: date) -> list[int]:
    """The archive ids of the files a completed run wrote or found, in the run's order."""
    rows = _artifact_rows(run_id)
    if not rows:
        return []
    with read_session(engine) as session:
        found = reports_by_hash(
            session,
            kind=kind,
            as_of=as_of,
            files=[(str(r["don_vi"]), str(r["sha256"])) for r in rows],
        )
    return found
