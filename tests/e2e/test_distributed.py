"""The distributed setup of README "At scale", end to end on this machine: a Prefect server on
PostgreSQL, the `daihoi` process work pool, `prefect deploy --all` from prefect.yaml, a worker
whose flow runs use a PostgreSQL application database, and one run of the weekly deployment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import make_url, select

from models.db import build_engine, read_session
from models.migrate import upgrade
from models.records import StatusSnapshot
from tasks.demo.seed import seed_demo
from tests.e2e.stack import (
    LOOPBACK,
    Processes,
    admin_url,
    free_port,
    postgres_reachable,
    prefect_cli,
    scratch_database,
    wait_for_flow_run,
    wait_for_health,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(170)]

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 3, 15)
DEPLOYMENT = "prepare_congresses/weekly-preparation"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Stack:
    """A running Prefect server and worker, and where the application keeps its data."""

    api: str
    env: dict[str, str]
    app_url: str
    home: Path
    root_code: str
    root_name: str
    processes: Processes


def _base_env(prefect_home: Path, api: str) -> dict[str, str]:
    """The environment of every Prefect process: our server, no prompts, no telemetry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DAIHOI_"))}
    env.update(
        PREFECT_HOME=str(prefect_home),
        PREFECT_API_URL=api,
        PREFECT_CLI_PROMPT="false",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_LOGGING_LEVEL="INFO",
    )
    return env


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Server on PostgreSQL → work pool → deployments → worker; all stopped and dropped after."""
    if not postgres_reachable(admin_url()):
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL does not answer at {make_url(admin_url()).host}")
        pytest.skip("PostgreSQL does not answer (set DAIHOI_TEST_DATABASE_URL)")
    tmp = tmp_path_factory.mktemp("e2e")
    home = tmp / "daihoi-home"
    home.mkdir()
    api = f"http://{LOOPBACK}:{free_port()}/api"
    env = _base_env(tmp / "prefect-home", api)
    processes = Processes(tmp)
    with (
        scratch_database("daihoi_e2e_prefect") as prefect_url,
        scratch_database("daihoi_e2e_app") as app_url,
    ):
        try:
            started = time.monotonic()
            # The server migrates its database while the application's is seeded.
            server = _start_server(processes, env, prefect_url, api, tmp)
            root_code, root_name = _seed(app_url)
            wait_for_health(api, seconds=90, server=server)
            up = time.monotonic()
            prefect_cli(
                ["work-pool", "create", "daihoi", "--type", "process"],
                env=env,
                cwd=tmp,
                timeout=60,
            )
            # The worker starts up while the deployments are created.
            worker_env = {
                **env,
                "DAIHOI_DATABASE_URL": app_url,
                "DAIHOI_HOME": str(home),
                "DAIHOI_CODE_DIR": str(REPO),
                "PREFECT_WORKER_QUERY_SECONDS": "2",
            }
            processes.start(
                "worker",
                [sys.executable, "-m", "prefect", "worker", "start", "--pool", "daihoi"],
                env=worker_env,
                cwd=tmp,
            )
            prefect_cli(
                ["deploy", "--all"], env={**env, "DAIHOI_CODE_DIR": str(REPO)}, cwd=REPO, timeout=90
            )
            print(
                f"server + seed {up - started:.1f} s, pool + deploy {time.monotonic() - up:.1f} s"
            )
            yield Stack(api, env, app_url, home, root_code, root_name, processes)
        finally:
            processes.stop_all()


def _seed(app_url: str) -> tuple[str, str]:
    """Migrate the application database and seed the committee demo; the root's code and name."""
    engine = build_engine(app_url)
    try:
        upgrade(engine)
        summary = seed_demo(engine, scale="committee", as_of=AS_OF)
        return summary.root_code, summary.root_name
    finally:
        engine.dispose()


def _start_server(
    processes: Processes, env: dict[str, str], prefect_url: str, api: str, tmp: Path
) -> subprocess.Popen[bytes]:
    """`prefect server start` on the loopback with PostgreSQL (asyncpg) as its database."""
    db = make_url(prefect_url).set(drivername="postgresql+asyncpg")
    port = api.rsplit(":", 1)[1].split("/")[0]
    server_env = {
        **env,
        "PREFECT_API_DATABASE_CONNECTION_URL": db.render_as_string(hide_password=False),
        # Cron schedules would queue runs of the other deployments: this test runs one by hand.
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
    }
    server_env.pop("PREFECT_API_URL")
    processes.start(
        "server",
        [sys.executable, "-m", "prefect", "server", "start", "--host", LOOPBACK, "--port", port],
        env=server_env,
        cwd=tmp,
    )
    return processes.started[-1][1]


def test_weekly_deployment_runs_on_a_worker_and_writes_report_and_snapshot(stack: Stack) -> None:
    started = time.monotonic()
    out = prefect_cli(
        ["deployment", "run", DEPLOYMENT, "--param", f"as_of={AS_OF.isoformat()}"],
        env=stack.env,
        cwd=REPO,
        timeout=60,
    )
    match = UUID.search(out.stdout)
    assert match, out.stdout
    run = wait_for_flow_run(stack.api, match.group(0), seconds=150)
    assert run["state"]["type"] == "COMPLETED", f"{run['state']}\n{stack.processes.tails()}"
    assert run["parameters"]["as_of"] == AS_OF.isoformat()

    engine = build_engine(stack.app_url)
    try:
        with read_session(engine) as session:
            snapshots = session.scalars(select(StatusSnapshot)).all()
    finally:
        engine.dispose()
    assert [s.day for s in snapshots] == [AS_OF]
    payload = snapshots[0].payload
    assert payload["org"] == stack.root_code
    assert set(payload["stages"]) == {"personnel", "inspections", "feedback", "training"}

    report = stack.home / "reports" / f"progress_{stack.root_code}_{AS_OF.isoformat()}.docx"
    assert report.is_file(), sorted(p.name for p in (stack.home / "reports").glob("*"))
    body = "\n".join(p.text for p in Document(str(report)).paragraphs)
    assert "đến ngày 15/03/2025" in body
    assert f"{len(payload['units'])} tổ chức đảng thuộc {stack.root_name}" in body
    print(f"deployment run took {time.monotonic() - started:.1f} s")


def test_a_report_job_from_the_web_runs_as_a_deployment_and_follows_its_flow_run(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web with PREFECT_API_URL set: `POST /bao-cao` records a job whose runner creates a
    run of prefect.yaml's render-report deployment; the worker renders it; the job follows the
    run's state to done and lists the archived file, which downloads."""
    from datetime import UTC, datetime

    from fastapi.testclient import TestClient
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.web import create_app
    from models.enums import Role
    from models.jobs import job_row
    from models.settings import get_settings
    from tests.helpers.accounts import account

    for key, value in {
        "PREFECT_API_URL": stack.api,
        "DAIHOI_DATABASE_URL": stack.app_url,
        "DAIHOI_HOME": str(stack.home),
        "DAIHOI_WEB_ARGON2_MEMORY_KIB": "1024",
        "DAIHOI_WEB_ARGON2_TIME_COST": "1",
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    engine = build_engine(stack.app_url)
    password = "mat-khau-du-dai-1"
    account(engine, "vp.e2e", Role.VAN_PHONG, password=password, now=datetime.now(UTC))
    started = time.monotonic()
    try:
        with temporary_settings(updates={PREFECT_API_URL: stack.api}):
            app = create_app(get_settings())
        assert app.state.jobs.mode == "deployment"
        origin = "http://testserver"
        web = TestClient(app, base_url=origin, headers={"Origin": origin}, follow_redirects=False)
        assert web.post("/dang-nhap", data={"login": "vp.e2e", "password": password}).is_redirect
        asked = time.monotonic()
        r = web.post("/bao-cao", data={"kind": "inspections", "as_of": AS_OF.isoformat()})
        assert r.status_code == 303 and time.monotonic() - asked < 2
        job_id = int(r.headers["location"].rsplit("/", 1)[1])
        deadline = time.monotonic() + 120
        job = None
        while time.monotonic() < deadline:
            with read_session(engine) as session:
                job = job_row(session, job_id=job_id)
            if job is not None and job.finished:
                break
            time.sleep(1)
        assert job is not None and job.finished, f"job {job}\n{stack.processes.tails()}"
        assert job.state.value == "done", f"{job.message}\n{stack.processes.tails()}"
        assert job.flow_run_id and UUID.fullmatch(job.flow_run_id)
        assert len(job.result) == 1
        download = web.get(f"/bao-cao/{job.result[0]}/tai-ve")
        assert download.status_code == 200 and download.content.startswith(b"PK")
        app.state.jobs.shutdown()
    finally:
        engine.dispose()
        get_settings.cache_clear()
    print(f"web job through the deployment took {time.monotonic() - started:.1f} s")
