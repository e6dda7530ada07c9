"""The receipt register (`daihoi intake list`): after accepted, duplicate and rejected files,
each with its sender, form, rows, errors, error workbook and why; filters by unit, form, day."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from models.db import read_session
from models.enums import IntakeState
from models.queries import find_org
from tasks.intake.receive import ImportOptions, import_file
from tasks.intake.register import intake_register
from tests.helpers.cli import run_cli
from tests.helpers.workbooks import nhan_su_book, person, seed_tree

pytestmark = pytest.mark.db


def _three_files(tmp_path: Path) -> None:
    seed_tree()
    good = nhan_su_book(tmp_path / "tot.xlsx", [person(), person(**{"Họ và tên": "Lê Thị Bé"})])
    assert import_file(good, ImportOptions("CB-A")).state is IntakeState.ACCEPTED
    assert import_file(good, ImportOptions("CB-A")).state is IntakeState.DUPLICATE
    bad = nhan_su_book(tmp_path / "sai.xlsx", [person(**{"Giới tính": "?"})])
    assert import_file(bad, ImportOptions("CB-B")).state is IntakeState.REJECTED


def test_the_register_lists_accepted_duplicate_and_rejected_files_with_what_became_of_them(
    engine: Engine, tmp_path: Path
) -> None:
    _three_files(tmp_path)

    code, out = run_cli("intake", "list", "--json")

    assert code == 0
    entries = json.loads(out)
    shown = [
        (e["sender"], e["form"], e["file_name"], e["state"], e["rows"], e["errors"])
        for e in entries
    ]
    assert shown == [
        ("CB-A", "nhan-su", "tot.xlsx", "accepted", 2, 0),
        ("CB-A", "nhan-su", "tot.xlsx", "duplicate", 0, 0),
        ("CB-B", "nhan-su", "sai.xlsx", "rejected", 0, 1),
    ]
    assert [e["id"] for e in entries] == sorted(e["id"] for e in entries)
    assert entries[0]["message"] == "CB-A: thêm 2, sửa 0, xoá 0 (đang có 0)"
    assert entries[1]["message"] == f"trùng lần nhận số {entries[0]['id']}"
    assert entries[2]["error_workbook"] == str(tmp_path / "sai_loi.xlsx")
    assert "1 lỗi" in entries[2]["message"]
    assert {"received_at", "letter_number", "letter_date"} <= set(entries[0])


def test_the_register_table_shows_each_state_in_vietnamese(engine: Engine, tmp_path: Path) -> None:
    _three_files(tmp_path)

    code, out = run_cli("intake", "list")

    assert code == 0
    for word in ("Sổ nhận tệp", "đã nhận", "trùng", "bị từ chối", "sai_loi.xlsx", "CB-B"):
        assert word in out


def test_the_register_filters_by_unit_form_and_day(engine: Engine, tmp_path: Path) -> None:
    _three_files(tmp_path)

    by_org = json.loads(run_cli("intake", "list", "--org", "CB-B", "--json")[1])
    by_form = json.loads(run_cli("intake", "list", "--form", "kiem-tra", "--json")[1])
    later = json.loads(run_cli("intake", "list", "--since", "01/01/2099", "--json")[1])
    with read_session() as s:
        under_root = intake_register(s, org=find_org(s, code="DU"), since=date(2000, 1, 1))

    assert [e["file_name"] for e in by_org] == ["sai.xlsx"]
    assert by_form == [] and later == []
    assert len(under_root) == 3  # a unit's register holds its subtree's files


def test_an_unknown_org_or_form_in_the_register_is_a_usage_error(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    assert run_cli("intake", "list", "--org", "KHONG-CO")[0] == 2
    assert run_cli("intake", "list", "--form", "khong-co")[0] == 2
