"""`daihoi forms`: lookup lists (gop-y's sections, tap-huan's sessions, units and roles), the
root's lop-tap-huan pre-filled, no overwrite without --force, facts pre-filled as of --as-of."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import Engine, update

from models.db import read_session, write_session
from models.enums import PartyRole, RemedyStatus
from models.org import Congress, Organisation
from models.queries import find_org, set_meta
from tasks.intake.exports.forms import HEADER_ROW, write_form
from tests.helpers.cli import run_cli
from tests.helpers.status import add_candidate, add_course, add_figures, add_inspection
from tests.helpers.workbooks import fill_form, seed_tree

pytestmark = pytest.mark.db


def _validations(ws: object) -> dict[str, str]:
    """Column letter → the dropdown's formula, for each data validation with a list."""
    out = {}
    for dv in ws.data_validations.dataValidation:  # type: ignore[attr-defined]
        if dv.type == "list":
            out[str(dv.sqref).split(":")[0].rstrip("0123456789")] = dv.formula1
    return out


def _column(ws: object, label: str) -> str:
    for cell in ws[HEADER_ROW]:  # type: ignore[index]
        if cell.value and str(cell.value).split("\n")[0].removesuffix(" (*)") == label:
            return str(cell.column_letter)
    raise KeyError(label)


def _rows(ws: object, first: int = 2) -> list[tuple[object, ...]]:
    return [r for r in ws.iter_rows(min_row=first, values_only=True) if any(r)]  # type: ignore[attr-defined]


def _import_draft(tmp: Path) -> None:
    d = docx.Document()
    for text, style in (
        ("I. Đánh giá", "Heading 1"),
        ("1. Kết quả", "Heading 2"),
        ("2. Hạn chế", "Heading 2"),
        ("II. Phương hướng", "Heading 1"),
    ):
        d.add_paragraph(text, style=style)
    d.save(str(tmp / "du-thao.docx"))
    code, out = run_cli("draft", "import", str(tmp / "du-thao.docx"))
    assert code == 0, out


def test_gop_y_lists_the_drafts_sections_and_a_comment_on_one_goes_back_in(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    _import_draft(tmp_path)
    path = tmp_path / "gop-y.xlsx"
    code, out = run_cli("forms", "gop-y", "--org", "CB-A", "--out", str(path))
    assert code == 0, out
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Góp ý", "Các mục dự thảo", "_meta"]
    ref = book["Các mục dự thảo"]
    assert _rows(ref) == [
        ("Mục", "Tiêu đề"),
        ("Chung", "Góp ý chung cho toàn văn dự thảo"),
        ("I", "Đánh giá"),
        ("I.1", "Kết quả"),
        ("I.2", "Hạn chế"),
        ("II", "Phương hướng"),
    ]
    ws = book["Góp ý"]
    assert _validations(ws)[_column(ws, "Mục")] == "'Các mục dự thảo'!$A$3:$A$7"
    fill_form(path, "Góp ý", [{"Mục": "I.2", "Loại ý kiến": "Bổ sung", "Nội dung góp ý": "Thêm"}])
    code, out = run_cli("import", str(path), "--org", "CB-A", "--ngay", "10/03/2025")
    assert code == 0, out


def test_gop_y_without_a_draft_says_its_list_is_missing(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    code, out = run_cli("forms", "gop-y", "--org", "CB-A", "--out", str(tmp_path / "g.xlsx"))
    assert code == 0
    assert "Lưu ý: Chưa có dự thảo Báo cáo chính trị: cột Mục chưa có danh sách" in out


def test_tap_huan_lists_the_session_codes_and_the_units_committee_roles(
    engine: Engine, tmp_path: Path
) -> None:
    ids = seed_tree()
    with write_session() as s:
        # CB-A has a one-person committee (a Bí thư only); DB-C's unit CB-C1 has three.
        s.execute(update(Congress).where(Congress.org_id == ids["CB-A"]).values(committee_size=1))
        held, planned = add_course(
            s,
            [
                (date(2025, 3, 1), [PartyRole.BI_THU, PartyRole.CAP_UY_VIEN]),
                (date(2025, 4, 1), [PartyRole.BI_THU]),
            ],
        )
        held_code, planned_code = held.code, planned.code
    path = tmp_path / "tap-huan.xlsx"
    code, out = run_cli(
        "forms", "tap-huan", "--org", "CB-A", "--out", str(path), "--as-of", "15/03/2025"
    )
    assert code == 0, out
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Tham dự", "Danh mục lớp", "Danh mục đơn vị", "_meta"]
    lop = _rows(book["Danh mục lớp"])
    assert lop[0] == ("Mã lớp", "Chuyên đề", "Ngày", "Địa điểm", "Bắt buộc đối với")
    assert lop[1:] == [(held_code, "Chuyên đề", datetime(2025, 3, 1), None, "Bí thư; Cấp ủy viên")]
    assert planned_code not in str(lop)  # held after --as-of
    assert _rows(book["Danh mục đơn vị"])[1:] == [("CB-A", "Chi bộ CB-A", "Bí thư")]
    ws = book["Tham dự"]
    lists = _validations(ws)
    assert lists[_column(ws, "Mã lớp")] == "'Danh mục lớp'!$A$3:$A$3"
    assert lists[_column(ws, "Mã đơn vị")] == "'Danh mục đơn vị'!$A$3:$A$3"
    assert lists[_column(ws, "Chức vụ Đảng")] == '"Bí thư,Đảng viên"'
    # A unit with units under it lists them too, with the roles each has.
    run_cli("forms", "tap-huan", "--org", "DB-C", "--out", str(tmp_path / "c.xlsx"))
    units = _rows(openpyxl.load_workbook(tmp_path / "c.xlsx")["Danh mục đơn vị"])[1:]
    assert [(u[0], u[2]) for u in units] == [
        ("DB-C", "Bí thư; Phó Bí thư; Cấp ủy viên"),
        ("CB-C1", "Bí thư; Phó Bí thư; Cấp ủy viên"),
    ]


def test_the_roots_lop_tap_huan_is_prefilled_and_goes_back_unchanged(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    with write_session() as s:
        sessions = add_course(s, [(date(2025, 2, 1), [PartyRole.BI_THU]), (date(2025, 3, 1), [])])
        codes = [x.code for x in sessions]
    path = tmp_path / "lop.xlsx"
    code, out = run_cli("forms", "lop-tap-huan", "--org", "DU", "--out", str(path))
    assert code == 0 and "điền sẵn 2 dòng" in out, out
    ws = openpyxl.load_workbook(path)["Lớp"]
    rows = [r for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if any(r)]
    assert [(r[0], r[2], r[3], r[5]) for r in rows] == [
        (codes[0], "Chuyên đề", datetime(2025, 2, 1), "Bí thư"),
        (codes[1], "Chuyên đề", datetime(2025, 3, 1), None),
    ]
    code, out = run_cli("import", str(path), "--org", "DU")
    assert code == 0, out
    code, out = run_cli("forms", "lop-tap-huan", "--org", "CB-A", "--out", str(tmp_path / "a.xlsx"))
    assert code == 0 and "điền sẵn" not in out  # the office keeps the courses, not a unit


def test_forms_refuses_to_overwrite_a_file_unless_forced(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    path = tmp_path / "nhan-su.xlsx"
    path.write_bytes(b"the unit's own file")
    code, out = run_cli("forms", "nhan-su", "--org", "CB-A", "--out", str(path))
    assert (code, out) == (
        1,
        f"Tệp '{path}' đã có: thêm --force để ghi đè, hoặc chọn tên khác bằng --out.",
    )
    assert path.read_bytes() == b"the unit's own file"
    code, out = run_cli("forms", "nhan-su", "--org", "CB-A", "--out", str(path), "--force")
    assert code == 0, out
    assert openpyxl.load_workbook(path).sheetnames[0] == "Nhân sự"


def _facts(ids: dict[str, int]) -> None:
    with write_session() as s:
        a = s.get(Organisation, ids["CB-A"])
        assert a is not None
        add_candidate(s, a, {1: date(2025, 1, 10), 2: date(2025, 2, 10), 3: date(2025, 3, 20)})
        add_inspection(
            s, a, date(2025, 1, 5), date(2025, 3, 20), [(RemedyStatus.XAC_NHAN, date(2025, 3, 25))]
        )
        add_inspection(s, a, date(2025, 3, 18))
        add_figures(s, a, 2024, members=20, registered=20)
        add_figures(s, a, 2026, members=21, registered=21)  # a year after as_of's


def _sheet_rows(path: Path, sheet: str) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path)[sheet]
    labels = [str(c.value).split("\n")[0].removesuffix(" (*)") for c in ws[HEADER_ROW]]
    return [
        dict(zip(labels, r, strict=False))
        for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
        if any(r)
    ]


def test_forms_prefill_the_facts_dated_by_as_of(engine: Engine, tmp_path: Path) -> None:
    _facts(seed_tree())
    for form in ("nhan-su", "kiem-tra", "danh-gia"):
        out = tmp_path / f"{form}.xlsx"
        code, text = run_cli(
            "forms", form, "--org", "CB-A", "--out", str(out), "--as-of", "15/03/2025"
        )
        assert code == 0, text
    (candidate,) = _sheet_rows(tmp_path / "nhan-su.xlsx", "Nhân sự")
    assert candidate["Bước quy trình"] == 2
    assert candidate["Ngày qua bước"] == datetime(2025, 2, 10)
    inspections = _sheet_rows(tmp_path / "kiem-tra.xlsx", "Kiểm tra giám sát")
    assert len(inspections) == 1  # the one started on 18/03 is not there yet
    assert inspections[0]["Ngày kết luận"] is None and inspections[0]["Nội dung kết luận"] is None
    (remedy,) = _sheet_rows(tmp_path / "kiem-tra.xlsx", "Khắc phục")
    assert (remedy["Trạng thái"], remedy["Ngày hoàn thành"]) == ("Đang thực hiện", None)
    assert [r["Năm"] for r in _sheet_rows(tmp_path / "danh-gia.xlsx", "Chỉ tiêu")] == [2024]


def test_forms_default_to_the_demos_date(engine: Engine, tmp_path: Path) -> None:
    ids = seed_tree()
    _facts(ids)
    with write_session() as s:
        set_meta(s, "demo_as_of", "2025-03-15")
    with read_session() as s:
        written = write_form(
            s, form="nhan-su", org=find_org(s, code="CB-A"), out=tmp_path / "n.xlsx"
        )
    assert written.as_of == date(2025, 3, 15)
    assert _sheet_rows(written.path, "Nhân sự")[0]["Bước quy trình"] == 2
