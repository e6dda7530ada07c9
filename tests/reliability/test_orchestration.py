"""RELIABILITY.md D: Prefect retries and caching, renders that fail or are killed, the API down
at start, rollups killed and re-run (the session's `harness` for the flows)."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from prefect import Task, flow, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

import tasks.intake.steps as intake_steps
import tasks.reports.produce as produce
import tasks.reports.steps as report_steps
import tasks.status.steps as steps
from models import Candidate, ReportArchive, StatusSnapshot
from models.db import read_session, write_session
from models.enums import IntakeState
from tasks.demo.seed import DEFAULT_DEMO_AS_OF, seed_demo
from tasks.reports.api import render_report
from tasks.status import publish
from tasks.status.document import status_result
from tests.helpers.crash import run_victim, sqlite_integrity
from tests.helpers.workbooks import nhan_su_book, person, seed_tree

pytestmark = pytest.mark.db

AS_OF = DEFAULT_DEMO_AS_OF
SECRET_NAME = "Đoàn Thị Kín Đáo"
SECRET_BIRTH = "31/02/1968"


def _busy() -> OperationalError:
    return OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))


# D1 ---------------------------------------------------------------------------------------


def test_a_validation_failure_is_not_retried_and_records_no_personal_data(
    engine: Engine, harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_tree()
    bad = nhan_su_book(
        tmp_path / "sai.xlsx", [person(**{"Họ và tên": SECRET_NAME, "Ngày sinh": SECRET_BIRTH})]
    )
    calls: list[str] = []
    real = intake_steps.import_file

    def counted(path: Path, options: Any) -> Any:
        calls.append(path.name)
        return real(path, options)

    monkeypatch.setattr(intake_steps, "import_file", counted)
    quick = intake_steps.import_workbook.with_options(retry_delay_seconds=0)

    @flow
    def import_one() -> Any:
        return quick(str(bad), "CB-A", 1.7e9, return_state=True)

    state = import_one()
    assert state.is_completed() and calls == ["sai.xlsx"]
    public = state.result()
    assert public["state"] == IntakeState.REJECTED.value and public["errors"] == 1
    recorded = repr(public) + repr(state.message)
    for secret in (SECRET_NAME, SECRET_BIRTH, "1968"):
        assert secret not in recorded


def test_a_task_raising_on_bad_data_runs_once_and_fails(harness: None) -> None:
    calls: list[int] = []

    @task(**{**steps.DB_RETRY, "retry_delay_seconds": 0})
    def store_rows() -> None:
        calls.append(1)
        raise ValueError("ngày sinh không hợp lệ ở Nhân sự!D5")

    @flow
    def store() -> Any:
        return store_rows(return_state=True)

    state = store(return_state=True)
    assert state.is_failed() and calls == [1]


# D2 ---------------------------------------------------------------------------------------


def test_a_busy_database_is_retried_with_backoff_and_writes_no_duplicate(
    engine: Engine, harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert steps.DB_RETRY["retries"] >= 1
    delays = steps.DB_RETRY["retry_delay_seconds"]
    assert delays == sorted(delays) and delays[0] < delays[-1]  # backoff
    seed_tree()
    book = nhan_su_book(tmp_path / "ns.xlsx", [person()])
    states: list[IntakeState] = []
    real = intake_steps.import_file

    def busy_after_commit(path: Path, options: Any) -> Any:
        # The worst case: the import committed, then the connection reported a busy database.
        outcome = real(path, options)
        states.append(outcome.state)
        if len(states) == 1:
            raise _busy()
        return outcome

    monkeypatch.setattr(intake_steps, "import_file", busy_after_commit)
    quick = intake_steps.import_workbook.with_options(retry_delay_seconds=0)

    @flow
    def import_one() -> Any:
        return quick(str(book), "CB-A", 1.7e9)

    result = import_one()
    assert states == [IntakeState.ACCEPTED, IntakeState.DUPLICATE]
    assert result["state"] == IntakeState.DUPLICATE.value
    with read_session() as s:
        assert s.scalar(select(func.count()).select_from(Candidate)) == 1


def test_an_import_that_meets_a_busy_database_retries_its_transaction(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.db as db
    import tasks.intake.receive as pipeline

    monkeypatch.setattr(db.time, "sleep", lambda _s: None)
    seed_tree()
    tries: list[int] = []
    real = pipeline._import

    def busy_once(s: Any, *args: Any) -> Any:
        result = real(s, *args)  # rows written in the transaction, then the database is busy
        tries.append(1)
        if len(tries) == 1:
            raise _busy()
        return result

    monkeypatch.setattr(pipeline, "_import", busy_once)
    book = nhan_su_book(tmp_path / "ns.xlsx", [person(), person(**{"Họ và tên": "Lê Thị Bé"})])
    outcome = pipeline.import_file(book, pipeline.ImportOptions(sender_code="CB-A"))
    assert outcome.state is IntakeState.ACCEPTED and len(tries) == 2
    with read_session() as s:
        assert s.scalar(select(func.count()).select_from(Candidate)) == 2


# D3 ---------------------------------------------------------------------------------------


def test_no_task_can_hit_a_cache() -> None:
    found = {
        obj.name: obj.cache_policy
        for module in (steps, intake_steps, report_steps)
        for obj in vars(module).values()
        if isinstance(obj, Task)
    }
    assert len(found) >= 14
    assert {name for name, policy in found.items() if policy is not NO_CACHE} == set()


def test_a_writing_task_called_twice_with_the_same_inputs_runs_twice(
    engine: Engine, harness: None, tmp_path: Path
) -> None:
    seed_tree()
    book = nhan_su_book(tmp_path / "ns.xlsx", [person()])

    @flow
    def import_twice() -> list[Any]:
        return [
            intake_steps.import_workbook(str(book), "CB-A", 1.7e9, return_state=True)
            for _ in range(2)
        ]

    first, second = import_twice()
    assert first.name == second.name == "Completed"  # never "Cached"
    assert [first.result()["state"], second.result()["state"]] == ["accepted", "duplicate"]


# D4 ---------------------------------------------------------------------------------------


def _archive_consistent() -> int:
    """Every archived path exists with the archived bytes; returns the number of rows."""
    with read_session() as s:
        rows = s.execute(select(ReportArchive.path, ReportArchive.sha256)).all()
    for path, sha in rows:
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == sha, path
    return len(rows)


@pytest.mark.parametrize("where", ["_render", "_add_rows"])
def test_a_failed_render_leaves_no_file_and_no_archive_row(
    engine: Engine, home: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_demo(engine)

    def fail(*_args: Any, **_kw: Any) -> Any:
        raise OSError("No space left on device")

    monkeypatch.setattr(produce, where, fail)
    out = home / "reports"
    with pytest.raises(OSError, match="No space"):
        render_report(kind="personnel", scope=None, as_of=AS_OF, subtree=True, out_dir=out)
    assert list(out.iterdir()) == [] and _archive_consistent() == 0


RENDER_VICTIM = """
from datetime import date
from tasks.reports.api import render_report
render_report(kind="personnel", scope=None, as_of=date(2025, 3, 15), subtree=True)
"""


def test_a_killed_render_leaves_no_partial_file_in_the_archive(
    engine: Engine, db_url: str, home: Path
) -> None:
    seed_demo(engine)
    points: list[dict[str, Any]] = [
        {"crash_on": "INSERT INTO REPORT_ARCHIVE"},  # every file staged, none archived
        {"kill_after": random.Random(3).uniform(1.6, 2.6)},  # while rendering, most likely
    ]
    for point in points:
        run_victim(RENDER_VICTIM, home=home, db_url=db_url, **point)
        if engine.dialect.name == "sqlite":
            assert sqlite_integrity(db_url) == "ok"
        _archive_consistent()
    results = render_report(kind="personnel", scope=None, as_of=AS_OF, subtree=True)
    assert results and _archive_consistent() >= len(results)
    for r in results:
        assert hashlib.sha256(r.path.read_bytes()).hexdigest() == r.sha256


# D5 ---------------------------------------------------------------------------------------


def _tree_state(home: Path) -> dict[str, str]:
    return {
        str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(home.rglob("*"))
        if p.is_file()
    }


def test_an_unreachable_prefect_api_fails_fast_and_touches_nothing(db_url: str, home: Path) -> None:
    from models.db import dispose_engines

    dispose_engines()
    before = _tree_state(home)
    env = {
        **os.environ,
        "DAIHOI_HOME": str(home),
        "DAIHOI_DATABASE_URL": db_url,
        "PREFECT_API_URL": "http://127.0.0.1:9/api",  # discard port: nothing listens
    }
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "prepare", "--as-of", "2025-03-15"],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert time.monotonic() - started < 20
    assert "Không kết nối được máy chủ Prefect tại http://127.0.0.1:9/api" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _tree_state(home) == before


# D6, D7 -------------------------------------------------------------------------------------

ROLLUP_VICTIM = """
from datetime import date
from models.db import read_session, write_session
from tasks.status import publish
from tasks.status.document import status_result
with read_session() as s:
    doc = status_result(s, scope=None, as_of=date(2025, 3, 15)).document
with write_session() as s:
    publish.write_snapshot(s, doc=doc)
"""


def _snapshots() -> list[dict[str, Any]]:
    with read_session() as s:
        return list(s.scalars(select(StatusSnapshot.payload)))


def test_a_rollup_killed_and_run_again_gives_the_same_figures_and_one_snapshot(
    engine: Engine, db_url: str, home: Path
) -> None:
    seed_demo(engine)
    with read_session() as s:
        expected = status_result(s, scope=None, as_of=AS_OF).document
    points: list[dict[str, Any]] = [
        {"crash_on": "INSERT INTO STATUS_SNAPSHOT"},  # the figures computed, not stored
        {"crash_on": "RELEASE SAVEPOINT"},  # the snapshot written, not committed
    ]
    for point in points:
        assert run_victim(ROLLUP_VICTIM, home=home, db_url=db_url, **point).killed
        if engine.dialect.name == "sqlite":
            assert sqlite_integrity(db_url) == "ok"
        assert _snapshots() == []
    assert run_victim(ROLLUP_VICTIM, home=home, db_url=db_url).killed is False
    with write_session() as s:  # a second re-run the same day keeps the day's snapshot
        assert publish.write_snapshot(s, doc=expected)[0] is False
    (snapshot,) = _snapshots()
    assert snapshot["stages"] == expected["stages"]
    assert snapshot["targets"] == expected["targets"]


def test_a_rollup_flow_rerun_on_unchanged_data_gives_identical_figures_and_report(
    engine: Engine, harness: None, home: Path
) -> None:
    from flows.rollup import rollup_status

    seed_tree()
    first = rollup_status(as_of=AS_OF)
    second = rollup_status(as_of=AS_OF)
    assert first["stages"] == second["stages"]
    assert second["snapshot"] == {"created": False, "sha256": first["snapshot"]["sha256"]}
    assert len(_snapshots()) == 1
    (report,) = render_report(kind="progress", scope=None, as_of=AS_OF)
    report.path.unlink()  # rendered again from the same data: the same bytes
    (again,) = render_report(kind="progress", scope=None, as_of=AS_OF)
    assert again.sha256 == report.sha256 and again.path == report.path
