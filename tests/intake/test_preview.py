"""Preview and confirmation (DESIGN.md "Imports that replace data", RELIABILITY.md G3): what a
file adds, changes and removes per unit; `--dry-run` writes nothing; a file removing more than
half of a unit's rows (and at least five) stops with the figures unless `--yes`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from models import IntakeRecord
from models.db import read_session
from models.enums import IntakeState
from tasks.intake.preview import UnitChange
from tasks.intake.receive import ImportOptions, import_file, preview_file
from tests.helpers.cli import run_cli
from tests.helpers.workbooks import counts, nhan_su_book, person, seed_tree

pytestmark = pytest.mark.db

NAMES = [f"Người Số {chr(65 + i)}" for i in range(12)]


def _list(tmp_path: Path, name: str, names: list[str]) -> Path:
    return nhan_su_book(tmp_path / name, [person(**{"Họ và tên": n}) for n in names])


def _records() -> int:
    with read_session() as s:
        return s.scalar(select(func.count()).select_from(IntakeRecord)) or 0


def _seed_list(tmp_path: Path, n: int) -> None:
    seed_tree()
    first = import_file(_list(tmp_path, "first.xlsx", NAMES[:n]), ImportOptions("CB-A"))
    assert first.state is IntakeState.ACCEPTED


def test_dry_run_counts_rows_added_changed_removed_per_unit_and_writes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    _seed_list(tmp_path, 6)
    rows = [person(**{"Họ và tên": n}) for n in NAMES[:2]]
    rows.append(person(**{"Họ và tên": NAMES[2], "Chức vụ hiện nay": "Phó Hiệu trưởng"}))
    rows.append(person(**{"Họ và tên": "Người Mới"}))
    path = nhan_su_book(tmp_path / "next.xlsx", rows)
    before, records = counts(), _records()

    outcome = preview_file(path, ImportOptions("CB-A"))
    code, out = run_cli("import", str(path), "--org", "CB-A", "--dry-run")

    assert outcome.dry_run and outcome.state is IntakeState.ACCEPTED
    assert outcome.changes == [UnitChange("CB-A", existing=6, added=1, changed=1, removed=3)]
    assert not outcome.needs_confirmation
    assert code == 0
    assert "Xem trước (không ghi gì)" in out and "sẽ được nhận" in out
    assert "CB-A" in out
    assert counts() == before  # audit rows included
    assert _records() == records
    assert not (tmp_path / "next_loi.xlsx").exists()


def test_dry_run_of_a_bad_file_lists_its_errors_and_writes_no_record_or_error_workbook(
    engine: Engine, tmp_path: Path
) -> None:
    _seed_list(tmp_path, 2)
    path = nhan_su_book(tmp_path / "bad.xlsx", [person(**{"Ngày sinh": "31/02/1970"})])
    before, records = counts(), _records()

    code, out = run_cli("import", str(path), "--org", "CB-A", "--dry-run")

    assert code == 1
    assert "31/02/1970" in out and "sẽ bị từ chối" in out
    assert counts() == before and _records() == records
    assert not (tmp_path / "bad_loi.xlsx").exists()


def test_removing_exactly_half_of_a_units_rows_goes_on_without_confirmation(
    engine: Engine, tmp_path: Path
) -> None:
    _seed_list(tmp_path, 10)
    outcome = import_file(_list(tmp_path, "half.xlsx", NAMES[:5]), ImportOptions("CB-A"))
    assert outcome.state is IntakeState.ACCEPTED
    assert outcome.changes == [UnitChange("CB-A", existing=10, added=0, changed=0, removed=5)]


def test_removing_more_than_half_stops_with_the_figures_and_writes_nothing_unless_yes(
    engine: Engine, tmp_path: Path
) -> None:
    _seed_list(tmp_path, 10)
    path = _list(tmp_path, "few.xlsx", NAMES[:4])
    before = counts()

    code, out = run_cli("import", str(path), "--org", "CB-A")

    assert code == 1
    assert "xoá 6 (đang có 10)" in out and "--yes" in out
    assert counts() == before
    with read_session() as s:
        rec = s.scalars(select(IntakeRecord).order_by(IntakeRecord.id.desc())).first()
        assert rec is not None and rec.state is IntakeState.REJECTED
        assert rec.message is not None and "--yes" in rec.message

    code, out = run_cli("import", str(path), "--org", "CB-A", "--yes")
    assert code == 0, out
    assert counts() != before


def test_a_dry_run_says_when_the_file_would_stop_for_confirmation(
    engine: Engine, tmp_path: Path
) -> None:
    _seed_list(tmp_path, 8)
    path = _list(tmp_path, "three.xlsx", NAMES[:3])

    outcome = preview_file(path, ImportOptions("CB-A"))
    code, out = run_cli("import", str(path), "--org", "CB-A", "--dry-run")

    assert outcome.needs_confirmation and outcome.changes[0].removed == 5
    assert code == 1 and "cần --yes" in out


def test_removing_fewer_than_five_rows_never_asks_for_confirmation(
    engine: Engine, tmp_path: Path
) -> None:
    _seed_list(tmp_path, 4)
    outcome = import_file(_list(tmp_path, "one.xlsx", ["Người Khác"]), ImportOptions("CB-A"))
    assert outcome.state is IntakeState.ACCEPTED
    assert outcome.changes == [UnitChange("CB-A", existing=4, added=1, changed=0, removed=4)]
