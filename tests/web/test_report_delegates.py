"""The web renders the delegate allocation (the report kind delegates): the form takes T, E
and b, checks them exactly as `daihoi report delegates` does (the same function, the same
Vietnamese line, 422 and no job), the job carries them to write_report, and the .docx it
archives shares T − E among the scope's direct children. A unit account renders it only for
its own subtree. And a job of the deployment path left running by a web process that is gone
is marked failed when the web starts again."""

from __future__ import annotations

import io
import socket
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from flows.web.jobs import ORPHAN_TEXT, JobRunner
from models.db import read_session, write_session
from models.enums import JobState
from models.jobs import WebJob, job_row, note_progress
from tests.web.conftest import World
from tests.web.test_jobs import _job, _wait
from tests.web.test_report_permissions import HeldRunner

pytestmark = pytest.mark.db


def _jobs(engine: Engine) -> int:
    with read_session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(WebJob)) or 0)


@pytest.fixture
def held(app) -> HeldRunner:  # type: ignore[no-untyped-def]
    runner = HeldRunner(app.state.engine, app.state.clock)
    app.state.jobs = runner
    return runner


@pytest.mark.slow
def test_the_office_renders_a_delegates_report_whose_table_shares_t_minus_e(
    client_for: Callable[[str], TestClient], world: World, engine: Engine, harness: None
) -> None:
    office = client_for("van-phong")
    form = office.get("/bao-cao").text
    assert 'name="total"' in form and 'name="ex_officio"' in form and 'name="base"' in form
    assert '<option value="delegates">' in form
    r = office.post(
        "/bao-cao",
        data={
            "kind": "delegates",
            "org": "DU-TEST",
            "as_of": "15/03/2025",
            "total": "31",
            "ex_officio": "6",
            "base": "2",
        },
    )
    assert r.status_code == 303, r.text
    job = _wait(engine, int(r.headers["location"].rsplit("/", 1)[1]))
    assert job.state == JobState.DONE, job.message
    assert job.parameters["delegates"] == {"total": 31, "ex_officio": 6, "base": 2}
    assert len(job.result or []) == 1
    download = office.get(f"/bao-cao/{job.result[0]}/tai-ve")  # type: ignore[index]
    assert download.status_code == 200
    assert "delegates_DU-TEST_2025-03-15.docx" in download.headers["content-disposition"]
    table = Document(io.BytesIO(download.content)).tables[1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    units = rows[1 : [r[1] for r in rows].index("Cộng")]
    assert [u[1] for u in units] == ["Chi bộ Trường B", "Đảng bộ Trường A"]  # by code
    assert all(u[3] == "2" for u in units)  # the base quota b
    assert sum(int(u[5]) for u in units) == 31 - 6
    assert rows[-2][-1] == "6" and rows[-1][-1] == "31"


BAD = [
    ({}, "Báo cáo delegates cần --total T (tổng số đại biểu của đại hội)."),
    ({"total": "ba mươi"}, "--total: cần một số nguyên không âm (đã cho ba mươi)."),
    ({"total": "30", "ex_officio": "-1"}, "--ex-officio: cần một số nguyên không âm (đã cho -1)."),
    ({"total": "30", "base": "1,5"}, "--base: cần một số nguyên không âm (đã cho 1,5)."),
    (
        {"total": "7", "ex_officio": "4", "base": "2"},
        "Không đủ đại biểu để phân bổ: T = 7 đại biểu, trừ E = 4 đại biểu đương nhiên còn 3, "
        "ít hơn b × n = 2 × 2 = 4 đại biểu cơ bản của 2 đơn vị trực thuộc (R = -1).",
    ),
]


@pytest.mark.parametrize(("figures", "message"), BAD)
def test_bad_delegate_figures_are_refused_with_the_command_s_line_and_no_job(
    client_for: Callable[[str], TestClient],
    world: World,
    engine: Engine,
    held: HeldRunner,
    figures: dict[str, str],
    message: str,
) -> None:
    office = client_for("van-phong")
    before = _jobs(engine)
    r = office.post("/bao-cao", data={"kind": "delegates", "org": "DU-TEST", **figures})
    assert r.status_code == 422
    assert f'<p class="alert" role="alert">{message}</p>' in r.text
    assert _jobs(engine) == before and not getattr(held, "held", [])


def test_a_scope_without_direct_children_is_refused_before_a_job(
    client_for: Callable[[str], TestClient], world: World, engine: Engine, held: HeldRunner
) -> None:
    r = client_for("van-phong").post(
        "/bao-cao", data={"kind": "delegates", "org": "CB-B", "total": "5"}
    )
    assert r.status_code == 422
    assert "Đơn vị CB-B không có đơn vị trực thuộc" in r.text
    assert _jobs(engine) == 0


def test_figures_sent_with_another_kind_are_ignored(
    client_for: Callable[[str], TestClient], world: World, engine: Engine, held: HeldRunner
) -> None:
    r = client_for("van-phong").post(
        "/bao-cao", data={"kind": "progress", "org": "DB-A", "total": "x", "base": ""}
    )
    assert r.status_code == 303
    with read_session(engine) as s:
        (job,) = s.scalars(select(WebJob)).all()
        assert "delegates" not in job.parameters


def test_a_unit_renders_the_delegates_of_its_own_subtree_only(
    client_for: Callable[[str], TestClient], world: World, engine: Engine, held: HeldRunner
) -> None:
    unit = client_for("don-vi")  # DB-A's account
    assert 'name="total"' in unit.get("/bao-cao").text
    fields = {"kind": "delegates", "total": "10", "ex_officio": "1", "as_of": "15/03/2025"}
    assert unit.post("/bao-cao", data={**fields, "org": "DU-TEST"}).status_code == 404
    assert unit.post("/bao-cao", data={**fields, "org": "CB-B"}).status_code == 404
    assert _jobs(engine) == 0
    r = unit.post("/bao-cao", data={**fields, "org": "DB-A"})
    assert r.status_code == 303
    with read_session(engine) as s:
        (job,) = s.scalars(select(WebJob)).all()
        assert job.parameters == {
            "kind": "delegates",
            "scope": "DB-A",
            "as_of": "2025-03-15",
            "issue": False,
            "delegates": {"total": 10, "ex_officio": 1, "base": 1},
        }
    # the drafting team and the leaders render no delegates report, nor see its fields
    for role in ("to-bien-tap", "lanh-dao"):
        client = client_for(role)
        assert 'name="total"' not in client.get("/bao-cao").text
        assert client.post("/bao-cao", data={**fields, "org": "DB-A"}).status_code == 403


def test_a_deployment_run_job_of_a_web_process_that_is_gone_is_marked_failed(
    engine: Engine, world: World, accounts: dict[str, str]
) -> None:
    now = datetime(2025, 3, 15, 1, 0, tzinfo=UTC)
    dead = f"{socket.gethostname()}:{2**22 + 777}:gone"  # above pid_max: no such process
    job_id = _job(engine, world, owner=dead, state=JobState.RUNNING, beat=now)
    with write_session(engine, changes_data=False) as s:
        # the dead process had handed it to the workers and was following the flow run
        run_id = "0f0e0d0c-0b0a-4988-8776-655443322110"
        note_progress(s, job_id=job_id, progress=50, now=now, flow_run_id=run_id)
    runner = JobRunner(engine, lambda: now, mode="deployment")
    assert runner.sweep() == [job_id]
    with read_session(engine) as s:
        row = job_row(s, job_id=job_id)
    assert row is not None and row.state == JobState.FAILED and row.message == ORPHAN_TEXT
    assert row.flow_run_id == run_id
