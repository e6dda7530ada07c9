"""Numbers in the command line the Vietnamese way; `status` and `backup` options checked; the
status table fits an 80-column terminal without losing its last column."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import Engine

from flows.cli import run as run_cli
from flows.cli import status as status_cli
from flows.cli.status import render_summary, render_table
from models.db import write_session
from models.enums import OrgKind
from tasks.core.text import vn_decimal, vn_int, vn_percent
from tests.helpers.cli import run_cli as daihoi
from tests.helpers.factories import add_org
from tests.helpers.status import add_figures


def _text(renderable: Any, width: int = 200) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_numbers_read_the_vietnamese_way() -> None:
    assert (vn_int(10600), vn_decimal(24.25), vn_decimal(1234.5)) == ("10.600", "24,2", "1.234,5")
    assert (vn_percent(0.681), vn_percent(1.0, 0), vn_percent(None)) == ("68,1%", "100%", "—")


def _stage(state: str, progress: float | None, due: str | None = None) -> dict[str, Any]:
    return {"state": state, "progress": progress, "due": due, "done_on": None, "warnings": []}


def _doc() -> dict[str, Any]:
    summary = {
        "units": 10600,
        "applicable": 10512,
        "done": 7158,
        "overdue": 3,
        "at_risk": 1,
        "on_track": 2,
        "not_started": 3348,
        "progress": 0.6809,
    }
    stages = ("personnel", "inspections", "feedback", "training")
    unit = {
        "code": "DB-CD-KTKT-BP-PB-TT-TSDN",
        "name": "Chi bộ Trung tâm Tư vấn và Dịch vụ",
        "kind": "Chi bộ trực thuộc",
        "parent": "DU",
        "depth": 1,
        "congress_date": "2025-04-02",
        "stages": {s: _stage("overdue", 0.4, "2025-01-21") for s in stages},
    }
    return {
        "schema": 1,
        "as_of": "2025-03-15",
        "org": "DU",
        "plan": "ct45-2025",
        "year": 2024,
        "stages": dict.fromkeys(stages, summary),
        "units": [unit],
        "targets": [],
    }


def test_the_status_summary_prints_decimals_with_a_comma() -> None:
    text = _text(render_summary(_doc()))
    assert "68,1%" in text and "68.1%" not in text
    assert "10.512" in text and "10.600 đơn vị" in text and "7.158" in text


def test_the_status_summary_never_cuts_a_national_figure_at_80_characters() -> None:
    doc = _doc()
    for stage in doc["stages"].values():
        stage.update(units=63_210, applicable=61_442, done=23_122, on_track=21_788)
    text = _text(render_summary(doc), width=80)
    assert "…" not in text and all(len(line) <= 80 for line in text.splitlines())
    assert "61.442" in text and "23.122" in text and "63.210 đơn vị" in text


def test_the_status_table_keeps_its_last_column_at_80_characters() -> None:
    text = _text(render_table(_doc(), sort="lag", limit=None, width=80), width=80)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    header = next(line for line in lines if "Đại hội" in line)
    assert header.rstrip().endswith("Trễ ┃")
    row = next(line for line in lines if "02/04/25" in line)
    assert row.rstrip().endswith(" 53 │")  # 15/03 is 53 days after the 21/01 due date


def test_a_flow_run_reports_its_seconds_with_a_comma(monkeypatch: pytest.MonkeyPatch) -> None:
    console = Console(width=200, record=True, color_system=None)
    monkeypatch.setattr(run_cli, "console", console)
    run_cli.print_result("rollup", None, 24.21)
    assert console.export_text().strip() == "Xong luồng rollup_status trong 24,2 giây."


def _tree(engine: Engine) -> None:
    with write_session() as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO, committee_size=None)
        a = add_org(s, "CB-A", parent=root, congress=date(2025, 4, 1))
        add_figures(s, a, 2024, members=20, registered=20)


def test_a_large_scope_shows_its_direct_children_and_how_to_see_the_rest(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(status_cli, "TEXT_UNITS", 5)
    monkeypatch.setattr(status_cli, "TEXT_LINES", 2)
    with write_session() as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO, committee_size=None)
        for d in ("DB-A", "DB-B"):
            parent = add_org(
                s,
                d,
                OrgKind.DANG_BO_CO_SO,
                parent=root,
                congress=date(2025, 4, 1),
                committee_size=9,
            )
            for i in range(3):  # no candidates: every one is short of people
                add_org(s, f"{d}-{i}", OrgKind.CHI_BO_TRUC_THUOC, parent=parent)
    code, out = daihoi("status", "--as-of", "2025-03-15")
    assert code == 0
    assert "DB-A " in out and "DB-B " in out and "DB-A-0" not in out.split("Nhân sự còn")[0]
    assert "Đang hiện 2 đơn vị trực thuộc trực tiếp trong tổng số 8 đơn vị." in out
    # Cut to 2 lines: the units short of the most people (DB-A and DB-B: committees of 9).
    shortfalls = out.split("Nhân sự còn thiếu (2 đơn vị thiếu nhiều nhất):")[1].strip()
    lines = shortfalls.splitlines()
    assert len(lines) == 3 and lines[-1].strip().startswith("… và 6 dòng nữa")
    assert lines[0].startswith("DB-A ") and lines[1].strip().startswith("DB-B ")
    code, out = daihoi("status", "--as-of", "2025-03-15", "--sort", "lag")
    assert "Đang hiện 5 đơn vị trễ nhất trong tổng số 8 đơn vị." in out
    for args in (("--all",), ("--limit", "8")):
        code, out = daihoi("status", "--as-of", "2025-03-15", *args)
        assert code == 0 and "Đang hiện" not in out and "… và" not in out
        assert all(f"DB-{d}-{i}" in out for d in "AB" for i in range(3))


def test_status_limit_below_one_is_a_usage_error(engine: Engine) -> None:
    _tree(engine)
    assert daihoi("status", "--limit", "-1", "--as-of", "2025-03-15") == (
        2,
        "--limit: cần một số nguyên dương (đã cho -1).",
    )


def test_status_for_a_year_without_figures_says_so(engine: Engine) -> None:
    _tree(engine)
    code, out = daihoi("status", "--year", "2019", "--as-of", "2025-03-15")
    assert code == 0
    note = "Chưa có số liệu chỉ tiêu năm 2019 của DU: chưa đơn vị nào gửi biểu mẫu danh-gia"
    assert note in out
    code, out = daihoi("status", "--year", "2024", "--as-of", "2025-03-15")
    assert code == 0 and "Chưa có số liệu chỉ tiêu" not in out


def test_backup_to_a_folder_or_into_a_missing_folder_says_so(
    engine: Engine, tmp_path: Path
) -> None:
    _tree(engine)
    code, out = daihoi("backup", "--out", str(tmp_path))
    assert code == 1
    assert out.startswith(f"'{tmp_path}' là một thư mục: --out cần tên một tệp mới")
    missing = tmp_path / "khong-co" / "sao-luu.sqlite"
    code, out = daihoi("backup", "--out", str(missing))
    assert (code, out) == (
        1,
        f"Thư mục '{missing.parent}' không tồn tại: hãy tạo thư mục trước, hoặc chọn nơi khác.",
    )
    assert not missing.parent.exists()
    good = tmp_path / "sao-luu.sqlite"
    code, out = daihoi("backup", "--out", str(good))
    assert code == 0 and ", kiểm tra toàn vẹn: ok." in out
    assert re.search(r"\(\d+,\d MB\)", out), out
    with sqlite3.connect(good) as conn:
        assert conn.execute("SELECT count(*) FROM organisation").fetchone()[0] == 2
