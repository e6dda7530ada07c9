"""`daihoi forms`, `daihoi import`, `daihoi export status` as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, update
from typer.testing import CliRunner

from flows.cli import app
from models import Organisation
from models.db import write_session
from tasks.core.errors import UsageError
from tests.helpers.workbooks import fill_form, nhan_su_book, person, seed_tree

runner = CliRunner()


def test_forms_writes_the_default_file_name_in_the_current_folder(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_tree()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["forms", "nhan-su", "--org", "cb-a"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "nhan-su_CB-A.xlsx").is_file()
    assert "Đã tạo biểu mẫu nhan-su (phiên bản 1) cho đơn vị CB-A" in result.output


def test_forms_of_an_unknown_form_is_a_usage_error(engine: Engine) -> None:
    result = runner.invoke(app, ["forms", "bau-cu", "--org", "CB-A"])
    assert isinstance(result.exception, UsageError)
    assert "các biểu mẫu: danh-gia, don-vi" in result.exception.message


def test_import_reports_every_bad_cell_writes_the_error_workbook_and_exits_1(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The error workbook's path on one line (an xdist worker's tmp_path is longer).
    monkeypatch.setenv("COLUMNS", "200")
    seed_tree()
    good = nhan_su_book(tmp_path / "tot.xlsx", [person()])
    bad = nhan_su_book(
        tmp_path / "sai.xlsx", [person(**{"Ngày sinh": "31/02/1970", "Giới tính": "X"})]
    )
    result = runner.invoke(app, ["import", str(good), str(bad), "--org", "CB-A"])
    assert result.exit_code == 1
    out = result.output
    assert (
        "Sheet 'Nhân sự', dòng 2, cột 'Ngày sinh': '31/02/1970' không phải ngày hợp lệ (dd/mm/yyyy)"
        in out
    )
    assert (
        "Sheet 'Nhân sự', dòng 2, cột 'Giới tính': 'X' không thuộc các giá trị cho phép: Nam, Nữ"
        in out
    )
    assert "sai_loi.xlsx" in out and (tmp_path / "sai_loi.xlsx").is_file()
    assert "Kết quả nhập" in out and "đã nhận" in out and "bị từ chối (2 lỗi)" in out


def test_import_of_accepted_and_duplicate_files_exits_0(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    path = nhan_su_book(tmp_path / "ns.xlsx", [person()])
    assert runner.invoke(app, ["import", str(path), "--org", "CB-A"]).exit_code == 0
    again = runner.invoke(app, ["import", str(path), "--org", "CB-A"])
    assert again.exit_code == 0 and "đã được nhập trước đây" in again.output


def test_import_date_option_is_checked(engine: Engine, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "x.xlsx"), "--ngay", "15/13/2025"])
    assert isinstance(result.exception, UsageError) and "--ngay" in result.exception.message


def test_export_status_writes_units_by_stages_with_formula_injection_neutralised(
    engine: Engine, tmp_path: Path
) -> None:
    ids = seed_tree()
    with write_session() as s:
        s.execute(
            update(Organisation)
            .where(Organisation.id == ids["CB-B"])
            .values(name='=HYPERLINK("http://x")')
        )
    out = tmp_path / "tien-do.xlsx"
    result = runner.invoke(
        app, ["export", "status", "--org", "DU", "--as-of", "2025-03-15", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Tổng hợp", "Đơn vị"]
    ws = book["Đơn vị"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=4)}
    assert sorted(rows) == ["CB-A", "CB-B", "CB-C1", "DB-C"]
    injected = rows["CB-B"][1]
    assert injected.value == '=HYPERLINK("http://x")' and injected.data_type == "s"
    assert rows["CB-A"][4].value.date() == date(2025, 4, 20)
    assert rows["CB-A"][4].number_format == "DD/MM/YYYY"
    assert ws.cell(3, 6).value == "Nhân sự: trạng thái"
    # Written row by row (write-only), with the formatting of the sheet kept.
    assert ws.freeze_panes == "C4" and ws.auto_filter.ref == "A3:Q7"
    assert ws.cell(3, 6).font.b and ws.row_dimensions[3].height == 32
    assert ws.column_dimensions["B"].width == 44
    colours = {
        "Hoàn thành": "FFC6EFCE",
        "Quá hạn": "FFFFC7CE",
        "Sắp đến hạn": "FFFFEB9C",
        "Đúng tiến độ": "FFDDEBF7",
        "Chưa bắt đầu": "FFF2F2F2",
    }
    states = [row[c] for row in rows.values() for c in (5, 8, 11, 14)]
    assert any(cell.value in colours for cell in states)
    for cell in states:
        if cell.value in colours:
            assert cell.fill.fgColor.rgb == colours[cell.value], cell.value
    assert rows["CB-A"][6].number_format == "0%"
    assert book["Tổng hợp"].cell(5, 9).number_format == "0.0%"


def test_export_for_a_unit_holds_only_its_subtree(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    out = tmp_path / "c.xlsx"
    assert (
        runner.invoke(
            app, ["export", "status", "--org", "DB-C", "--as-of", "2025-03-15", "--out", str(out)]
        ).exit_code
        == 0
    )
    codes = [
        r[0] for r in openpyxl.load_workbook(out)["Đơn vị"].iter_rows(min_row=4, values_only=True)
    ]
    assert codes == ["CB-C1"]


def test_a_new_user_gets_a_form_fills_it_and_imports_it(tmp_path: Path) -> None:
    """The issue's done-when: forms → fill → import, and a broken file told exactly what to fix."""
    env = {
        **os.environ,
        "DAIHOI_HOME": str(tmp_path / "home"),
        "PYTHONIOENCODING": "utf-8",
        "COLUMNS": "200",
    }
    env.pop("DAIHOI_DATABASE_URL", None)

    def daihoi(*args: str) -> subprocess.CompletedProcess[str]:
        code = "from flows.cli import main; main()"
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    # Setting up the registry is not the point here: do it in-process (a subprocess costs ~2 s).
    from models.db import build_engine
    from models.migrate import upgrade
    from tasks.intake.receive import import_file
    from tests.helpers.workbooks import write_book

    url = f"sqlite:///{tmp_path / 'home' / 'daihoi.sqlite'}"
    engine = build_engine(url)
    upgrade(engine)
    header = [
        "Mã đơn vị",
        "Tên tổ chức đảng",
        "Loại hình",
        "Mã đơn vị cấp trên",
        "Số đảng viên chính thức",
    ]
    rows = [
        ["DU", "Đảng ủy", "Đảng bộ cấp trên cơ sở", None, 10],
        ["CB-A", "Chi bộ A", "Chi bộ cơ sở", "DU", 20],
    ]
    registry = write_book(tmp_path / "don-vi.xlsx", {"Đơn vị": (header, rows)})
    assert import_file(registry, engine=engine).state.value == "accepted"
    engine.dispose()
    made = daihoi("forms", "nhan-su", "--org", "CB-A")
    assert made.returncode == 0, made.stderr
    form = tmp_path / "nhan-su_CB-A.xlsx"
    fill_form(form, "Nhân sự", [person(**{"Ngày sinh": "30/02/1975"})])
    broken = daihoi("import", str(form), "--org", "CB-A")
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert (
        "Sheet 'Nhân sự', dòng 5, cột 'Ngày sinh': '30/02/1975' không phải ngày hợp lệ (dd/mm/yyyy)"
        in broken.stderr
    )
    fill_form(form, "Nhân sự", [person()])
    fixed = daihoi("import", str(form), "--org", "CB-A")
    assert fixed.returncode == 0, fixed.stderr
    assert "đã nhận" in fixed.stdout
