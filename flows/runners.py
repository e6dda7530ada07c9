"""The task runner of the flows, chosen by DAIHOI_TASK_RUNNER (thread | process | dask) when a
flow run starts, never at import.

Tasks run by a process pool or by Dask workers talk to the Prefect API from other processes.
In embedded mode (no PREFECT_API_URL) each of them would start an ephemeral server of its own,
so the runner pins the one API this process already runs and hands its URL to the workers.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from typing import Any, Literal, Self, cast

from prefect.futures import PrefectFuture
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from models.settings import get_settings
from tasks.core.errors import UserError

RunnerName = Literal["thread", "process", "dask"]
RUNNERS: tuple[RunnerName, ...] = ("thread", "process", "dask")


def pool_size() -> int:
    """Workers for a process pool or a local Dask cluster: the CPUs, at least 2 and at most 8."""
    return max(2, min(8, os.cpu_count() or 2))


def shared_api_url() -> str:
    """The API every worker process must use: PREFECT_API_URL, else this process's ephemeral
    server (started now if it is not running yet)."""
    url = PREFECT_API_URL.value()
    if url:
        return str(url)
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    return f"{server.api_url}"


class _OneApi:
    """Mixin for runners whose tasks run in other processes: they all use this process's API."""

    _pinned: ExitStack | None = None

    def _pin_api(self) -> None:
        self._pinned = ExitStack()
        # Workers receive the submitting context's settings (environment and serialised context).
        self._pinned.enter_context(temporary_settings(updates={PREFECT_API_URL: shared_api_url()}))

    def _unpin_api(self) -> None:
        if self._pinned is not None:
            self._pinned.close()
            self._pinned = None


class SharedApiProcessPoolTaskRunner(_OneApi, ProcessPoolTaskRunner):
    """Prefect's process pool, its workers on the flow's own API (never one server each)."""

    def __enter__(self) -> Self:
        self._pin_api()
        try:
            return super().__enter__()
        except BaseException:
            self._unpin_api()
            raise

    def __exit__(self, *exc_info: Any) -> None:
        try:
            super().__exit__(*exc_info)
        finally:
            self._unpin_api()


def dask_runner(address: str | None = None) -> TaskRunner[Any]:
    """prefect-dask's runner: on the cluster at `address`, else on a local cluster of processes
    created for the flow run and closed after it."""
    try:
        from prefect_dask.task_runners import DaskTaskRunner
    except ImportError as e:
        raise UserError(
            "DAIHOI_TASK_RUNNER=dask cần gói prefect-dask: pip install 'daihoi[dask]'."
        ) from e

    class SharedApiDaskTaskRunner(_OneApi, DaskTaskRunner):
        """DaskTaskRunner whose workers use the flow's own API."""

        def __enter__(self) -> Self:
            self._pin_api()
            try:
                return cast(Self, super().__enter__())  # type: ignore[no-untyped-call]
            except BaseException:
                self._unpin_api()
                raise

        def __exit__(self, *exc_info: Any) -> None:
            try:
                super().__exit__(*exc_info)
            finally:
                self._unpin_api()

    if address:
        return cast(TaskRunner[Any], SharedApiDaskTaskRunner(address=address))
    return cast(
        TaskRunner[Any],
        SharedApiDaskTaskRunner(
            cluster_class="distributed.LocalCluster",
            cluster_kwargs={
                "n_workers": pool_size(),
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
            },
        ),
    )


def build_task_runner(name: str | None = None) -> TaskRunner[Any]:
    """The task runner called `name`, else the one DAIHOI_TASK_RUNNER names (default thread)."""
    settings = get_settings()
    chosen = name or settings.task_runner
    if chosen == "thread":
        return ThreadPoolTaskRunner(max_workers=pool_size() * 2)
    if chosen == "process":
        return SharedApiProcessPoolTaskRunner(max_workers=pool_size())
    if chosen == "dask":
        return dask_runner(settings.dask_address)
    raise UserError(
        f"DAIHOI_TASK_RUNNER='{chosen}' không hợp lệ: chọn một trong {', '.join(RUNNERS)}."
    )


class ConfiguredTaskRunner(TaskRunner[PrefectFuture[Any]]):
    """What the flows declare: each flow run gets the runner configured when it starts (Prefect
    duplicates a flow's runner at the start of every run)."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    def duplicate(self) -> Self:
        # The run's real runner; Prefect only enters it and submits to it.
        return cast(Self, build_task_runner())

    def submit(self, *args: Any, **kwargs: Any) -> Any:
        """Never called: flow runs submit to the runner `duplicate` returns."""
        raise RuntimeError("ConfiguredTaskRunner is replaced when a flow run starts")
