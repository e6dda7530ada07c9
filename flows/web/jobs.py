"""The background-job runner of a web process (WEB.md "Long work").

A request records a job (models.jobs) owned by this process's runner and returns at once;
the runner's one worker thread claims it and runs its flow — embedded on this process's
ephemeral API, or, with PREFECT_API_URL set, as a deployment run that the workers pick up,
following that run's state. Jobs run one at a time per process: a report render is CPU-bound
and the machine is shared with the pages. A heartbeat thread marks this runner's jobs alive;
at start-up, jobs of a runner that is gone (its process dead, or no heartbeat for
STALE_SECONDS) are marked failed.
"""

from __future__ import annotations

import contextvars
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from flows.prefect_env import deployed, prepare_prefect_env
from flows.web import job_flows
from models.db import read_session, write_session
from models.jobs import (
    JobRow,
    beat,
    claim_job,
    fail_jobs,
    finish_job,
    job_row,
    note_progress,
    unfinished_jobs,
)

log = logging.getLogger(__name__)

BEAT_SECONDS = 20.0
STALE_SECONDS = 120.0
ORPHAN_TEXT = "Máy chủ web đã dừng khi công việc đang chạy; không có tệp nào được lưu, hãy tạo lại."
PROGRESS = {"SCHEDULED": 15, "PENDING": 25, "RUNNING": 50, "COMPLETED": 90}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobRunner:
    """Runs this web process's jobs; `mode` is "embedded" or "deployment" (default: by
    PREFECT_API_URL when the runner is made)."""

    def __init__(
        self, engine: Engine, clock: Callable[[], datetime], *, mode: str | None = None
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.mode = mode or ("deployment" if deployed() else "embedded")
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        # Prefect's settings in force where the app was made (a test harness's API) hold in
        # the worker thread too: context variables do not cross threads by themselves.
        self._context = contextvars.copy_context()
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()

    # -- start-up ---------------------------------------------------------------------------

    def orphaned(self, job: JobRow, now: datetime) -> bool:
        """Whether nobody is working on an unfinished job any more."""
        host, _, rest = (job.owner or "").partition(":")
        pid_text = rest.partition(":")[0]
        if job.owner == self.owner:
            return False
        if host == socket.gethostname() and pid_text.isdigit() and not _alive(int(pid_text)):
            return True
        seen = job.beat_at or job.created_at
        return now - seen > timedelta(seconds=STALE_SECONDS)

    def sweep(self) -> list[int]:
        """Mark failed the jobs their runner left unfinished; their ids."""
        now = self.clock()
        with read_session(self.engine) as session:
            dead = [j.id for j in unfinished_jobs(session) if self.orphaned(j, now)]
        if dead:
            with write_session(self.engine, changes_data=False) as session:
                fail_jobs(session, job_ids=dead, message=ORPHAN_TEXT, now=now)
            log.warning("marked %d orphaned job(s) failed", len(dead))
        return dead

    # -- submitting -------------------------------------------------------------------------

    def submit(self, job_id: int) -> None:
        """Run a recorded job (owned by this runner) in the worker thread."""
        with self._lock:
            if self._pool is None:
                prepare_prefect_env()
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="daihoi-job")
                threading.Thread(target=self._beat, name="daihoi-job-beat", daemon=True).start()
            pool = self._pool
        pool.submit(self._context.copy().run, self.run, job_id)

    def shutdown(self) -> None:
        """Stop the heartbeat and wait for the running job (tests, app shutdown)."""
        self._stop.set()
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def _beat(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            try:
                with write_session(self.engine, changes_data=False) as session:
                    beat(session, owner=self.owner, now=self.clock())
            except Exception:  # a missed beat is retried; the next one may succeed
                log.exception("job heartbeat failed")

    # -- running ----------------------------------------------------------------------------

    def _progress(self, job_id: int, value: int, run_id: str | None = None) -> None:
        with write_session(self.engine, changes_data=False) as session:
            note_progress(
                session, job_id=job_id, progress=value, now=self.clock(), flow_run_id=run_id
            )

    def run(self, job_id: int) -> None:
        """Claim and run one job to done or failed (never raises)."""
        with write_session(self.engine, changes_data=False) as session:
            if not claim_job(session, job_id=job_id, owner=self.owner, now=self.clock()):
                return
            job = job_row(session, job_id=job_id)
        assert job is not None
        try:
            result = self._execute(job)
        except job_flows.JobFailed as e:
            self._fail(job_id, e.message)
        except Exception as e:
            # The type only: an error's text may quote a cell or a name (no personal data in logs).
            log.error("job %d failed: %s", job_id, type(e).__name__)
            self._fail(job_id, job_flows.FAILED_TEXT)
        else:
            with write_session(self.engine, changes_data=False) as session:
                finish_job(session, job_id=job_id, result=result, now=self.clock())

    def _fail(self, job_id: int, message: str) -> None:
        with write_session(self.engine, changes_data=False) as session:
            fail_jobs(session, job_ids=[job_id], message=message, now=self.clock())

    def _execute(self, job: JobRow) -> list[int]:
        params: dict[str, Any] = dict(job.parameters)
        spec = job_flows.JOB_KINDS[job.kind]
        if self.mode == "deployment":
            run_id = job_flows.start_deployment(job.kind, params)
            self._progress(job.id, 10, run_id)
            job_flows.follow_deployment(
                run_id, lambda state: self._progress(job.id, PROGRESS.get(state, 25))
            )
        else:
            self._progress(job.id, 20)
            run_id = job_flows.run_embedded(job.kind, params)
            self._progress(job.id, 90, run_id)
        return job_flows.produced_reports(
            self.engine,
            run_id,
            kind=spec.kind_of(params),
            as_of=date.fromisoformat(str(params["as_of"])),
        )
