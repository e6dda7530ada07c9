"""Background jobs (WEB.md "Long work"): a report rendered from the page is a job that runs the
write_report flow in the web process's worker thread (Prefect's test harness as its API), its
page polls until the downloads appear; a job that raises is failed with a Vietnamese line and
leaves nothing archived; jobs a dead process left running are failed at start-up."""

from __future__ import annotations

import io
import os
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from flows.web.job_flows import FAILED_TEXT
from flows.web.jobs import ORPHAN_TEXT
from models.accounts import Account
from models.db import read_session, write_session
from models.enums import JobState
from models.jobs import WebJob, add_job, job_row
from models.records import ReportArchive
from tests.web.conftest import World

pytestmark = pytest.mark.slow


def _wait(engine: Engine, job_id: int, seconds: float = 90) -> WebJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with read_session(engine) as s:
            job = s.get(WebJob, job_id)
            assert job is not None
            if job.state in (JobState.DONE, JobState.FAILED):
                return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} not finished after {seconds} s")


def _job_id(location: str) -> int:
    assert location.startswith("/cong-viec/"), location
    return int(location.rsplit("/", 1)[1])


def _archived(engine: Engine) -> int:
    with read_session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(ReportArchive)) or 0)


@pytest.mark.db
def test_the_office_renders_a_report_as_a_job_and_downloads_it(
    client_for: Callable[[str], TestClient], world: World, engine: Engine, harness: None
) -> None:
    office = client_for("van-phong")
    started = time.monotonic()
    r = office.post("/bao-cao", data={"kind": "progress", "org": "DB-A", "as_of": "15/03/2025"})
    assert r.status_code == 303 and time.monotonic() - started < 2
    job_id = _job_id(r.headers["location"])
    running = office.get(r.headers["location"])
    assert running.status_code == 200
    job = _wait(engine, job_id)
    assert job.state == JobState.DONE, job.message
    assert job.progress == 100 and len(job.result or []) == 1
    assert job.parameters == {
        "kind": "progress",
        "scope": "DB-A",
        "as_of": "2025-03-15",
        "issue": False,
    }
    # the htmx poll gets the status block alone, with the download and no more polling
    block = office.get(f"/cong-viec/{job_id}", headers={"HX-Request": "true"}).text
    assert block.lstrip().startswith('<section id="trang-thai"') and "hx-trigger" not in block
    link = f"/bao-cao/{job.result[0]}/tai-ve"
    assert link in block
    download = office.get(link)
    assert download.status_code == 200
    assert download.headers["content-disposition"] == (
        'attachment; filename="progress_DB-A_2025-03-15.docx"; '
        "filename*=UTF-8''progress_DB-A_2025-03-15.docx"
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert "BÁO CÁO" in text.upper() and "15/03/2025" in text
    # the listing shows it to the office and to the unit it is about
    assert link in office.get("/bao-cao?kind=progress&tu=15/03/2025&den=15/03/2025").text
    assert link in client_for("don-vi").get("/bao-cao").text


def test_a_job_that_raises_is_failed_with_a_vietnamese_line_and_archives_nothing(
    client_for: Callable[[str], TestClient],
    world: World,
    engine: Engine,
    harness: None,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tasks.reports.docx.render import CompiledTemplate

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(CompiledTemplate, "render", broken)
    before = _archived(engine)
    office = client_for("van-phong")
    r = office.post("/bao-cao", data={"kind": "progress", "org": "CB-B", "as_of": "2025-03-15"})
    job = _wait(engine, _job_id(r.headers["location"]))
    assert job.state == JobState.FAILED and job.message == FAILED_TEXT
    assert _archived(engine) == before
    assert not list((home / "reports").glob("*.docx")) if (home / "reports").exists() else True
    html = office.get(r.headers["location"]).text
    assert FAILED_TEXT in html and 'role="alert"' in html and "hx-trigger" not in html


def _job(engine: Engine, world: World, *, owner: str, state: JobState, beat: datetime) -> int:
    with write_session(engine, changes_data=False) as s:
        account_id = int(s.scalars(select(Account.id).order_by(Account.id)).first() or 0)
        job_id = add_job(
            s,
            kind="report",
            parameters={"kind": "progress", "scope": "DB-A", "as_of": "2025-03-15", "issue": False},
            account_id=account_id,
            org_id=world.ids["DB-A"],
            owner=owner,
            now=beat,
        )
        job = s.get(WebJob, job_id)
        assert job is not None
        job.state, job.beat_at = state, beat
    return job_id


@pytest.mark.db
def test_jobs_left_unfinished_by_a_dead_process_are_failed_when_the_web_starts(
    engine: Engine, world: World, accounts: dict[str, str], clock: object
) -> None:
    from flows.web import create_app
    from models.settings import get_settings

    now = datetime(2025, 3, 15, 1, 0, tzinfo=UTC)
    host = socket.gethostname()
    dead_pid = 2**22 + 12345  # above Linux's pid_max default: no such process
    gone = _job(engine, world, owner=f"{host}:{dead_pid}:abc", state=JobState.RUNNING, beat=now)
    queued = _job(engine, world, owner=f"{host}:{dead_pid}:abc", state=JobState.QUEUED, beat=now)
    silent = _job(
        engine,
        world,
        owner="another-host:42:def",
        state=JobState.RUNNING,
        beat=datetime(2025, 3, 15, 0, 50, tzinfo=UTC),
    )
    alive = _job(engine, world, owner=f"{host}:{os.getpid()}:ghi", state=JobState.RUNNING, beat=now)
    remote = _job(engine, world, owner="another-host:42:jkl", state=JobState.RUNNING, beat=now)
    create_app(get_settings(), clock=clock)  # type: ignore[arg-type]
    with read_session(engine) as s:
        rows = {i: job_row(s, job_id=i) for i in (gone, queued, silent, alive, remote)}
    states = {i: r.state for i, r in rows.items() if r is not None}
    assert states == {
        gone: JobState.FAILED,
        queued: JobState.FAILED,
        silent: JobState.FAILED,
        alive: JobState.RUNNING,
        remote: JobState.RUNNING,
    }
    assert rows[gone] is not None and rows[gone].message == ORPHAN_TEXT


def test_the_office_renders_every_overdue_unit_letter_as_one_job(
    client_for: Callable[[str], TestClient], world: World, engine: Engine, harness: None
) -> None:
    office = client_for("van-phong")
    status = office.get("/api/v1/status?as_of=2025-03-15").json()
    overdue = [
        u["code"]
        for u in status["units"]
        if any(e["state"] == "overdue" for e in u["stages"].values())
    ]
    r = office.post("/don-doc", data={"as_of": "2025-03-15"})
    assert r.status_code == 303
    job = _wait(engine, _job_id(r.headers["location"]))
    assert job.state == JobState.DONE, job.message
    with read_session(engine) as s:
        letters = s.execute(
            select(ReportArchive.id, ReportArchive.kind, ReportArchive.subject_org_id).where(
                ReportArchive.id.in_(job.result or [])
            )
        ).all()
    codes = {v: k for k, v in world.ids.items()}
    assert sorted(codes[r.subject_org_id] for r in letters) == sorted(overdue)
    assert {r.kind for r in letters} == {"reminders"}
    html = office.get(r.headers["location"]).text
    assert f"Đã xong: {len(overdue)} văn bản." in html
    listed = office.get("/don-doc").text
    assert all(f"/bao-cao/{i}/tai-ve" in listed for i in job.result or [])


@pytest.mark.db
def test_a_heartbeat_keeps_a_runner_s_waiting_and_running_jobs_from_the_sweep(
    engine: Engine, world: World, accounts: dict[str, str]
) -> None:
    from datetime import timedelta

    from flows.web.jobs import JobRunner
    from models.jobs import beat

    old = datetime(2025, 3, 15, 0, 0, tzinfo=UTC)
    now = old + timedelta(minutes=30)
    owner = "another-host:42:beating"
    waiting = _job(engine, world, owner=owner, state=JobState.QUEUED, beat=old)
    running = _job(engine, world, owner=owner, state=JobState.RUNNING, beat=old)
    silent = _job(engine, world, owner="another-host:43:silent", state=JobState.RUNNING, beat=old)
    with write_session(engine, changes_data=False) as s:
        beat(s, owner=owner, now=now)
    swept = JobRunner(engine, lambda: now + timedelta(seconds=60)).sweep()
    assert swept == [silent]
    with read_session(engine) as s:
        states = [job_row(s, job_id=i).state for i in (waiting, running)]  # type: ignore[union-attr]
    assert states == [JobState.QUEUED, JobState.RUNNING]
