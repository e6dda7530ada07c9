"""The import_forms flow end to end through Prefect's test harness (the session's `harness`)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from models import Candidate, Organisation
from models.db import read_session
from tests.helpers.workbooks import nhan_su_book, person, seed_tree, write_book

SECRET_NAME = "Hoàng Thị Bí Mật"
SECRET_BIRTH = "17/08/1971"


def _drop(folder: Path, source: Path, name: str, mtime: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copyfile(source, target)
    os.utime(target, (mtime, mtime))
    return target


def _task_runs(flow_run_id: Any) -> list[Any]:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        return list(
            client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
        )


def _artifacts_text() -> str:
    from prefect import get_client

    with get_client(sync_client=True) as client:
        return "\n".join(
            repr(a.key) + repr(a.data) + repr(a.description) for a in client.read_artifacts()
        )


def test_import_forms_imports_the_inbox_oldest_first_and_files_each_file(
    engine: Engine, harness: None, home: Path, tmp_path: Path
) -> None:
    from flows.intake import import_forms

    seed_tree()
    src = tmp_path / "src"
    src.mkdir()
    inbox = home / "inbox"
    dv_header = [
        "Mã đơn vị",
        "Tên tổ chức đảng",
        "Loại hình",
        "Mã đơn vị cấp trên",
        "Số đảng viên chính thức",
    ]
    new_unit = write_book(
        src / "dv.xlsx",
        {"Đơn vị": (dv_header, [["CB-MOI", "Chi bộ mới", "Chi bộ cơ sở", "DU", 9]])},
    )
    good = nhan_su_book(
        src / "ns.xlsx", [person(**{"Họ và tên": SECRET_NAME, "Ngày sinh": SECRET_BIRTH})]
    )
    bad = nhan_su_book(
        src / "sai.xlsx", [person(**{"Họ và tên": SECRET_NAME, "Ngày sinh": "31/02/1971"})]
    )
    meta = nhan_su_book(
        src / "meta.xlsx", [person()], meta={"form": "nhan-su", "version": 1, "org_code": "CB-B"}
    )
    t = 1_700_000_000.0
    # Arrival order matters: the nhan-su file of CB-MOI arrives after the don-vi file creating it.
    _drop(inbox / "CB-MOI", good, "ns.xlsx", t + 2)
    _drop(inbox / "DU", new_unit, "dv.xlsx", t + 1)
    _drop(inbox / "CB-A", bad, "sai.xlsx", t + 3)
    _drop(inbox / "_meta", meta, "meta.xlsx", t + 4)
    _drop(inbox / "CB-MOI", good, "ns-lan-2.xlsx", t + 5)
    (inbox / "CB-A" / "~$sai.xlsx").write_bytes(b"lock")

    state = import_forms(return_state=True)
    assert state.is_completed()
    summary = state.result()
    assert len(summary.pop("intake_ids")) == 5  # the register's rows `run intake` prints
    assert summary == {
        "files": 5,
        "accepted": 3,
        "duplicate": 1,
        "rejected": 1,
        "rows": 3,
        "errors": 1,
    }
    assert sorted(p.name for p in (inbox / "CB-MOI" / "processed").iterdir()) == [
        "ns-lan-2.xlsx",
        "ns.xlsx",
    ]
    assert sorted(p.name for p in (inbox / "CB-A" / "rejected").iterdir()) == [
        "sai.xlsx",
        "sai_loi.xlsx",
    ]
    assert [p.name for p in (inbox / "CB-A").iterdir() if p.is_file()] == ["~$sai.xlsx"]
    with read_session() as s:
        moi = s.scalar(select(Organisation.id).where(Organisation.code == "CB-MOI"))
        owners = {c.full_name: c.org_id for c in s.scalars(select(Candidate))}
    assert owners[SECRET_NAME] == moi and "Nguyễn Văn An" in owners

    wanted = {"list_inbox", "import_workbook", "file_workbook", "publish_intake_summary"}
    runs = _task_runs(state.state_details.flow_run_id)
    for _ in range(50):  # task run states reach the API as events, a moment after the flow returns
        if {r.name.rsplit("-", 1)[0] for r in runs} >= wanted and all(
            r.state.is_final() for r in runs
        ):
            break
        time.sleep(0.1)
        runs = _task_runs(state.state_details.flow_run_id)
    assert len(runs) == 12
    # A rejected file is a completed run, never retried.
    assert all(r.state.is_completed() and r.run_count == 1 for r in runs)

    text = _artifacts_text()
    assert "intake-summary" in text and "intake-files" in text
    for secret in (SECRET_NAME, SECRET_BIRTH, "31/02/1971", "1971-08-17", "Nguyễn Văn An"):
        assert secret not in text


def test_run_intake_prints_the_register_rows_of_the_files_it_handled(
    engine: Engine, harness: None, home: Path, tmp_path: Path
) -> None:
    from tests.helpers.cli import run_cli

    seed_tree()
    good = nhan_su_book(tmp_path / "ns.xlsx", [person()])
    bad = nhan_su_book(tmp_path / "sai.xlsx", [person(**{"Giới tính": "?"})])
    inbox = home / "inbox"
    _drop(inbox / "CB-A", good, "tot-a.xlsx", 1_700_000_000.0)
    _drop(inbox / "CB-B", bad, "sai-b.xlsx", 1_700_000_001.0)

    code, out = run_cli("run", "intake", "--org", "CB-B")

    assert code == 0, out
    assert "sai-b.xlsx" in out and "bị từ chối" in out and "sai-b_loi.xlsx" in out
    assert "tot-a.xlsx" not in out and "{'files'" not in out
    assert (inbox / "CB-A" / "tot-a.xlsx").is_file()  # another unit's folder: left waiting
