"""DAIHOI_TASK_RUNNER picks how prepare_congresses renders its documents: threads, a process
pool or Dask; each choice runs the flow to the same files through Prefect's test harness."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from prefect.task_runners import ThreadPoolTaskRunner
from sqlalchemy import Engine

from flows.runners import (
    ConfiguredTaskRunner,
    SharedApiProcessPoolTaskRunner,
    build_task_runner,
    shared_api_url,
)
from models.db import write_session
from models.enums import OrgKind
from models.settings import get_settings
from tasks.core.errors import UserError
from tests.helpers.factories import add_org

AS_OF = date(2025, 3, 15)
HAS_DASK = importlib.util.find_spec("prefect_dask") is not None


def _choose(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("DAIHOI_TASK_RUNNER", name)
    get_settings.cache_clear()


def _task_runs(flow_run_id: Any) -> dict[str, str]:
    """Task name → state type of a flow run's task runs, as the harness's API recorded them."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return {r.name.rsplit("-", 1)[0]: str(r.state_type) for r in runs}


def _seed() -> None:
    with write_session() as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO, congress=date(2025, 8, 1), committee_size=15)
        for i in range(3):
            add_org(s, f"CB-{i:03d}", parent=root, congress=date(2025, 4, 1), committee_size=3)


def test_thread_is_the_default(home: Path) -> None:
    assert isinstance(build_task_runner(), ThreadPoolTaskRunner)


def test_process_choice_builds_a_process_pool_on_one_api(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _choose(monkeypatch, "process")
    assert isinstance(build_task_runner(), SharedApiProcessPoolTaskRunner)


def test_an_unknown_runner_is_a_clear_error(home: Path) -> None:
    with pytest.raises(UserError, match="DAIHOI_TASK_RUNNER"):
        build_task_runner("celery")


def test_an_unknown_runner_in_the_environment_is_refused(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _choose(monkeypatch, "celery")
    with pytest.raises(ValueError, match="task_runner"):
        get_settings()


def test_the_flow_declares_the_runner_resolved_per_run(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.preparation import prepare_congresses

    assert isinstance(prepare_congresses.task_runner, ConfiguredTaskRunner)
    _choose(monkeypatch, "process")
    assert isinstance(prepare_congresses.task_runner.duplicate(), SharedApiProcessPoolTaskRunner)


def test_worker_processes_get_the_harness_api_not_one_of_their_own(harness: None) -> None:
    from prefect.settings import PREFECT_API_URL

    assert shared_api_url() == PREFECT_API_URL.value()


@pytest.mark.slow
@pytest.mark.parametrize(
    "runner",
    [
        "thread",
        "process",
        pytest.param(
            "dask",
            marks=pytest.mark.skipif(not HAS_DASK, reason="prefect-dask is not installed"),
        ),
    ],
)
def test_prepare_congresses_renders_the_same_documents_on_each_runner(
    runner: str, engine: Engine, home: Path, harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.preparation import prepare_congresses

    _choose(monkeypatch, runner)
    # One worker process is enough to show the tasks leave this process (and keeps CI quick).
    monkeypatch.setattr("flows.runners.pool_size", lambda: 1)
    _seed()
    state = prepare_congresses(as_of=AS_OF, return_state=True)
    assert state.is_completed(), state.message
    result = state.result()
    assert result["snapshot"]["created"] is True
    assert result["progress_report"] == str(home / "reports" / "progress_DU_2025-03-15.docx")
    written = sorted(p.name for p in (home / "reports").glob("*.docx"))
    assert "progress_DU_2025-03-15.docx" in written
    assert result["reports"] == len(written)
    # Tasks run in worker processes reported to the harness's API, not to servers of their own.
    runs = _task_runs(state.state_details.flow_run_id)
    assert runs["render_reports"] == "StateType.COMPLETED", runs
    assert runs["render_unit_lists"] == "StateType.COMPLETED", runs
