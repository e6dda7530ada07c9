"""Reading a workbook as a unit sent it: a password-protected file is named as such, and a
signature block typed under the table is ignored with a warning, never an error."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import msoffcrypto.format.ooxml
import pytest
from sqlalchemy import Engine, select

from models import Candidate
from models.db import read_session
from models.enums import IntakeState
from tasks.intake.pipeline.parts import styled_cells
from tasks.intake.pipeline.signature import is_signature_phrase
from tasks.intake.receive import ImportOptions, import_file
from tests.helpers.workbooks import NHAN_SU, counts, nhan_su_book, person, seed_tree

pytestmark = pytest.mark.db

CB_A = ImportOptions(sender_code="CB-A")


def _encrypted(plain: Path, out: Path, password: str = "mat-khau-2025") -> Path:
    """`plain` encrypted as Excel does with a password (ECMA-376 agile encryption)."""
    with plain.open("rb") as src, out.open("wb") as dst:
        msoffcrypto.format.ooxml.OOXMLFile(src).encrypt(password, dst)
    return out


def test_a_password_protected_workbook_asks_to_remove_the_password(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    plain = nhan_su_book(tmp_path / "plain.xlsx", [person()])
    path = _encrypted(plain, tmp_path / "co-mat-khau.xlsx")
    assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    before = counts()
    outcome = import_file(path, CB_A)
    assert outcome.state is IntakeState.REJECTED
    assert outcome.message == (
        "Tệp 'co-mat-khau.xlsx' được đặt mật khẩu (nội dung bị mã hóa, không đọc được): "
        "hãy gỡ mật khẩu rồi gửi lại"
    )
    assert "Excel cũ" not in outcome.message
    assert counts() == before


def _row(**cells: Any) -> list[Any]:
    """A row by label with nothing else in it."""
    return [cells.get(label) for label in NHAN_SU]


def _signature_rows() -> list[list[Any] | None]:
    """The issue's layout: a place-and-date line and titles beside the table, the names under
    them, one spilling into the required 'Họ và tên' column."""
    return [
        None,
        _row(**{"Quê quán": "Người lập biểu", "Ghi chú": "Thủ trưởng đơn vị"}),
        _row(**{"Quê quán": "(Ký, ghi rõ họ tên)", "Ghi chú": "(Ký tên, đóng dấu)"}),
        None,
        None,
        _row(**{"Họ và tên": "Nguyễn Văn Lập", "Ghi chú": "TRẦN THỊ THỦ"}),
    ]


def test_a_signature_block_under_the_table_imports_clean_with_one_warning(
    engine: Engine, tmp_path: Path
) -> None:
    """The issue's case (32 errors before signature blocks were recognised): 11 + 11 + 10
    required cells missing in the three signature rows."""
    seed_tree()
    people = [person(), person(**{"Họ và tên": "Lê Thị Bé"})]
    path = nhan_su_book(tmp_path / "ky-ten.xlsx", [*people, *_signature_rows()])
    outcome = import_file(path, CB_A)
    assert outcome.state is IntakeState.ACCEPTED, [i.text() for i in outcome.issues]
    assert [i.text() for i in outcome.warnings] == [
        "Sheet 'Nhân sự', dòng 5: các dòng 5–9 là phần ký tên dưới bảng, bị bỏ qua"
    ]
    with read_session() as s:
        names = sorted(s.scalars(select(Candidate.full_name)))
    assert names == ["Lê Thị Bé", "Nguyễn Văn An"]


def test_a_place_and_date_line_and_titles_under_required_columns_are_a_signature_block(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    rows = [
        person(),
        _row(**{"Chức vụ hiện nay": "TP. Hồ Chí Minh, ngày 20 tháng 3 năm 2025"}),
        _row(**{"Họ và tên": "Người lập biểu", "Chức vụ hiện nay": "T/M Đảng ủy"}),
        _row(**{"Chức vụ hiện nay": "Bí thư"}),
        _row(**{"Họ và tên": "(Ký, ghi rõ họ tên)", "Chức vụ hiện nay": "(Ký tên, đóng dấu)"}),
        _row(**{"Họ và tên": "Nguyễn Văn Lập", "Chức vụ hiện nay": "Trần Văn Thư"}),
    ]
    outcome = import_file(nhan_su_book(tmp_path / "ky.xlsx", rows), CB_A)
    assert outcome.state is IntakeState.ACCEPTED, [i.text() for i in outcome.issues]
    assert [i.text() for i in outcome.warnings] == [
        "Sheet 'Nhân sự', dòng 3: các dòng 3–7 là phần ký tên dưới bảng, bị bỏ qua"
    ]


def test_a_real_data_row_after_the_table_still_errors(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    late = person(**{"Họ và tên": "Phạm Văn Muộn", "Dân tộc": None})
    path = nhan_su_book(tmp_path / "muon.xlsx", [person(), None, None, late])
    outcome = import_file(path, CB_A)
    assert outcome.state is IntakeState.REJECTED
    assert [i.text() for i in outcome.issues if i.is_error] == [
        "Sheet 'Nhân sự', dòng 5, cột 'Dân tộc': thiếu giá trị bắt buộc"
    ]


def test_a_data_row_below_a_signature_block_keeps_the_block_as_data(
    engine: Engine, tmp_path: Path
) -> None:
    """A block is only what ends the sheet: a candidate typed under it makes every row data."""
    seed_tree()
    rows = [
        person(),
        _row(**{"Họ và tên": "Người lập biểu"}),
        person(**{"Họ và tên": "Phạm Văn Muộn"}),
    ]
    outcome = import_file(nhan_su_book(tmp_path / "giua.xlsx", rows), CB_A)
    assert outcome.state is IntakeState.REJECTED
    errors = [i.text() for i in outcome.issues if i.is_error]
    assert len(errors) == 10
    assert all(e.startswith("Sheet 'Nhân sự', dòng 3,") for e in errors)


def test_a_name_alone_under_the_table_without_a_title_is_an_unfinished_row(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    rows = [person(), _row(**{"Họ và tên": "Phạm Văn Muộn"})]
    outcome = import_file(nhan_su_book(tmp_path / "thieu.xlsx", rows), CB_A)
    assert outcome.state is IntakeState.REJECTED
    assert len([i for i in outcome.issues if i.is_error]) == 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Người lập biểu", True),
        ("NGƯỜI LẬP BẢNG", True),
        ("(Ký, ghi rõ họ tên)", True),
        ("(ký tên, đóng dấu)", True),
        ("Thủ trưởng đơn vị", True),
        ("T/M BAN THƯỜNG VỤ", True),
        ("Hà Nội, ngày ... tháng ... năm 2025", True),
        ("Nguyễn Văn An", False),
        ("Thạc sĩ Quản lý giáo dục", False),
        ("Kinh", False),
    ],
)
def test_signature_phrases_are_recognised_and_data_is_not(text: str, expected: bool) -> None:
    assert is_signature_phrase(text) is expected


def _rewrite_sheet(source: Path, out: Path, edit: Any) -> Path:
    """`source` with its first sheet's XML passed through `edit` (bytes → bytes)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data)
            dst.writestr(info, data)
    return out


def test_an_excel_error_cell_is_refused_quoting_its_text(engine: Engine, tmp_path: Path) -> None:
    """calamine reads an error cell as empty; the importer still sees `#DIV/0!` in it."""
    seed_tree()
    source = nhan_su_book(tmp_path / "src.xlsx", [person(**{"Bước quy trình": "=1/0"})])
    path = _rewrite_sheet(
        source,
        tmp_path / "loi-o.xlsx",
        lambda d: d.replace(b'"><f>1/0</f><v></v>', b'" t="e"><f>1/0</f><v>#DIV/0!</v>'),
    )
    outcome = import_file(path, CB_A)
    assert outcome.state is IntakeState.REJECTED
    assert [i.text() for i in outcome.errors] == [
        "Sheet 'Nhân sự', dòng 2, cột 'Bước quy trình': '#DIV/0!' không phải số nguyên"
    ]


def test_a_percent_format_is_read_even_from_cells_without_a_reference() -> None:
    """OOXML makes a cell's `r` optional: such cells are placed by counting."""
    xml = (
        b'<sheetData><row r="2"><c r="B2" s="3"><v>1</v></c><c s="7"><v>0.5</v></c></row>'
        b'<row><c s="7"><v>0.2</v></c><c r="E3" s="7"/></row></sheetData>'
    )
    assert styled_cells(xml, frozenset({7})) == {(2, 3), (3, 1), (3, 5)}
    with_refs = xml.replace(b'<c s="7"><v>0.5', b'<c r="C2" s="7"><v>0.5').replace(
        b'<row><c s="7">', b'<row r="3"><c r="A3" s="7">'
    )
    assert styled_cells(with_refs, frozenset({7})) == {(2, 3), (3, 1), (3, 5)}
    assert styled_cells(with_refs, frozenset({3})) == {(2, 2)}
