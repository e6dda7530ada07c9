"""`daihoi delegates`: the direct children's registry figures, the JSON contract, the table,
the workbook, and R < 0 as a usage error (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from flows.cli import app
from models.db import write_session
from models.enums import OrgKind, OrgStatus
from tests.helpers.cli import run_cli
from tests.helpers.factories import add_org

pytestmark = pytest.mark.db


@pytest.fixture
def tree(engine: Engine) -> None:
    """DU with three active children (one with cells of its own), one dissolved child."""
    with write_session(engine) as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO, members=5, name="Đảng ủy Sở")
        big = add_org(s, "DB-B", OrgKind.DANG_BO_CO_SO, parent=root, members=60)
        big.members_probationary = 10  # official + probationary: 70
        add_org(s, "CB-CELL", OrgKind.CHI_BO_TRUC_THUOC, parent=big, members=40)
        add_org(s, "CB-A", parent=root, members=20, name="Chi bộ A")
        add_org(s, "CB-Z", parent=root, members=10)
        gone = add_org(s, "CB-GONE", parent=root, members=500)
        gone.status = OrgStatus.DISSOLVED


def test_json_lists_the_direct_children_in_tree_order_with_their_seats(tree: None) -> None:
    result = CliRunner().invoke(
        app, ["delegates", "--org", "DU", "--total", "30", "--ex-officio", "5", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == ["scope", "total", "ex_officio", "base", "remaining", "units"]
    assert (doc["scope"], doc["total"], doc["ex_officio"], doc["base"]) == ("DU", 30, 5, 1)
    assert doc["remaining"] == 30 - 5 - 3
    # R = 22 over 20 + 70 + 10 (M = 100): 4.4, 15.4, 2.2 → 4, 15, 2 and one more to a 0.4
    # (equal remainders: the unit with more members, DB-B).
    assert doc["units"] == [
        {"code": "CB-A", "name": "Chi bộ A", "members": 20, "base": 1, "share": 4, "delegates": 5},
        {
            "code": "CB-Z",
            "name": "Chi bộ CB-Z",
            "members": 10,
            "base": 1,
            "share": 2,
            "delegates": 3,
        },
        {
            "code": "DB-B",
            "name": "Chi bộ DB-B",
            "members": 70,
            "base": 1,
            "share": 16,
            "delegates": 17,
        },
    ]
    assert sum(u["delegates"] for u in doc["units"]) == 25


def test_too_few_seats_exits_2_naming_t_e_b_and_n(tree: None) -> None:
    code, out = run_cli("delegates", "--total", "8", "--ex-officio", "3", "--base", "2")
    assert code == 2
    assert "T = 8" in out and "E = 3" in out and "b × n = 2 × 3 = 6" in out, out


def test_no_seats_left_gives_the_base_quota_only(tree: None) -> None:
    result = CliRunner().invoke(
        app, ["delegates", "--total", "9", "--ex-officio", "3", "--base", "2", "--json"]
    )
    doc = json.loads(result.stdout)
    assert doc["remaining"] == 0
    assert [(u["base"], u["share"]) for u in doc["units"]] == [(2, 0)] * 3


def test_a_unit_without_children_is_refused_with_exit_1(tree: None) -> None:
    code, out = run_cli("delegates", "--org", "CB-A", "--total", "10")
    assert code == 1
    assert "không có đơn vị trực thuộc" in out


def test_text_table_and_workbook_show_each_unit_and_the_totals(
    tree: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    out = tmp_path / "phan-bo.xlsx"
    code, text = run_cli("delegates", "--total", "30", "--ex-officio", "5", "--out", str(out))
    assert code == 0, text
    assert "Phân bổ đại biểu — DU" in text and "Cộng" in text
    assert "Đại biểu đương nhiên: 5; tổng số đại biểu: 30." in text
    assert "phương pháp số dư lớn nhất" in text
    rows = [
        [c for c in row if c is not None]
        for row in openpyxl.load_workbook(out).active.iter_rows(min_row=5, values_only=True)
    ]
    assert rows == [
        [1, "CB-A", "Chi bộ A", 20, 1, 4, 5],
        [2, "CB-Z", "Chi bộ CB-Z", 10, 1, 2, 3],
        [3, "DB-B", "Chi bộ DB-B", 70, 1, 16, 17],
        ["Cộng", 100, 3, 22, 25],
        ["Đại biểu đương nhiên", 5],
        ["Tổng số đại biểu", 30],
    ]


def test_out_must_be_an_xlsx_file(tree: None, tmp_path: Path) -> None:
    code, out = run_cli("delegates", "--total", "30", "--out", str(tmp_path / "a.csv"))
    assert code == 2 and ".xlsx" in out


def test_a_workbook_that_cannot_be_written_says_why_in_vietnamese(
    tree: None, tmp_path: Path
) -> None:
    target = tmp_path / "phan-bo.xlsx"
    target.mkdir()  # a folder where the workbook should go
    code, out = run_cli("delegates", "--total", "30", "--out", str(target))
    assert code == 1
    assert out.strip().startswith(f"Không ghi được tệp '{target}': '{target}' là một thư mục")


def test_report_delegates_takes_the_figures_from_the_command_line(
    tree: None, tmp_path: Path
) -> None:
    code, out = run_cli(
        "report", "delegates", "--total", "30", "--ex-officio", "5", "--as-of", "2025-03-15",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert code == 0, out
    (path,) = (tmp_path / "out").iterdir()
    assert path.name == "delegates_DU_2025-03-15.docx"
    cells = [[c.text for c in r.cells] for r in docx.Document(str(path)).tables[1].rows]
    assert cells[-3:] == [
        ["", "Cộng", "100", "3", "22", "25"],
        ["", "Đại biểu đương nhiên", "", "", "", "5"],
        ["", "Tổng số đại biểu", "", "", "", "30"],
    ]


def test_report_delegates_without_total_and_other_kinds_with_it_exit_2(tree: None) -> None:
    code, out = run_cli("report", "delegates")
    assert code == 2 and "--total" in out
    code, out = run_cli("report", "progress", "--total", "30")
    assert code == 2 and "chỉ dùng cho báo cáo delegates" in out
