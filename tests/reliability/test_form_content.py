"""RELIABILITY.md B: the content of a form. Every problem is located by sheet, Excel row,
column and value; one bad cell rejects the whole file and nothing is written."""

from __future__ import annotations

import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
from sqlalchemy import Engine, select

from models import Candidate, Inspection
from models.db import read_session, write_session
from models.enums import InspectionForm, InspectionKind, InspectionTarget, IntakeState
from tasks.intake.pipeline.error_workbook import ERRORS_SHEET
from tasks.intake.receive import ImportOptions, import_file
from tests.helpers.workbooks import NHAN_SU, counts, nhan_su_book, person, seed_tree, write_book

CB_A = ImportOptions(sender_code="CB-A")


def _texts(path: Path, opts: ImportOptions = CB_A) -> list[str]:
    before = counts()
    outcome = import_file(path, opts)
    assert outcome.state is IntakeState.REJECTED
    assert counts() == before
    return [i.text() for i in outcome.errors]


def _names() -> list[str]:
    with read_session() as s:
        return list(s.scalars(select(Candidate.full_name).order_by(Candidate.id)))


# B1
def test_header_below_titles_and_merged_cells_is_found_and_rows_counted_from_it(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Nhân sự"
    ws["A1"] = "ĐẢNG BỘ SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    ws.merge_cells("A1:H1")
    ws["A2"] = "DANH SÁCH TRÍCH NGANG NHÂN SỰ DỰ KIẾN"
    ws.merge_cells("A2:T2")
    ws["A3"] = "Số văn bản:"
    ws["B3"] = "12-CV/CB"
    for c, label in enumerate(NHAN_SU, start=1):
        ws.cell(5, c, label)
    good, bad = person(), person(**{"Họ và tên": "Trần Văn Bình", "Ngày sinh": "32/01/1980"})
    for r, row in ((6, good), (7, bad)):
        for c, label in enumerate(NHAN_SU, start=1):
            ws.cell(r, c, row.get(label))
    path = tmp_path / "tieu-de.xlsx"
    book.save(path)
    assert _texts(path) == [
        "Sheet 'Nhân sự', dòng 7, cột 'Ngày sinh': '32/01/1980' không phải ngày hợp lệ (dd/mm/yyyy)"
    ]
    ws.cell(7, 4, "01/01/1980")
    book.save(path)
    assert import_file(path, CB_A).state is IntakeState.ACCEPTED
    assert _names() == ["Nguyễn Văn An", "Trần Văn Bình"]


# B2
def test_duplicated_header_is_rejected_naming_both_columns(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    header = [*NHAN_SU, "Ngày sinh"]
    row = [person().get(label) for label in NHAN_SU] + ["01/01/1990"]
    path = write_book(tmp_path / "trung-cot.xlsx", {"Nhân sự": (header, [row])})
    assert _texts(path) == [
        "Sheet 'Nhân sự', dòng 1, cột 'Ngày sinh': tiêu đề 'Ngày sinh' xuất hiện hai lần: cột D và cột U"
    ]


# B3
def test_missing_required_columns_are_listed(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    header = [h for h in NHAN_SU if h not in ("Dân tộc", "Tái cử")]
    path = nhan_su_book(tmp_path / "thieu.xlsx", [])
    path = write_book(tmp_path / "thieu.xlsx", {"Nhân sự": (header, [person()])})
    assert _texts(path) == ["Sheet 'Nhân sự', dòng 1: thiếu cột bắt buộc: 'Dân tộc', 'Tái cử'"]


def test_extra_column_is_a_warning_and_ignored(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    header = [*NHAN_SU, "Ghi chú thêm"]
    path = write_book(
        tmp_path / "thua.xlsx", {"Nhân sự": (header, [person(**{"Ghi chú thêm": "x"})])}
    )
    outcome = import_file(path, CB_A)
    assert outcome.state is IntakeState.ACCEPTED
    assert [i.text() for i in outcome.warnings] == [
        "Sheet 'Nhân sự', dòng 1, cột 'Ghi chú thêm': cột không có trong biểu mẫu, bị bỏ qua"
    ]
    with read_session() as s:
        assert s.scalar(select(Candidate.note)) is None


# B4
def test_month_first_date_is_rejected_with_its_location(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    path = nhan_su_book(tmp_path / "thang.xlsx", [person(**{"Ngày sinh": "01/13/1970"})])
    assert _texts(path) == [
        "Sheet 'Nhân sự', dòng 2, cột 'Ngày sinh': '01/13/1970' không phải ngày hợp lệ (dd/mm/yyyy)"
    ]


# B5
def test_excel_date_cell_and_text_date_read_as_the_same_date(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    rows = [
        person(
            **{
                "Họ và tên": "Lê Thị Một",
                "Ngày vào Đảng": datetime(2020, 12, 20),
                "Ngày chính thức": None,
            }
        ),
        person(
            **{"Họ và tên": "Lê Thị Hai", "Ngày vào Đảng": "20/12/2020", "Ngày chính thức": None}
        ),
    ]
    assert (
        import_file(nhan_su_book(tmp_path / "ngay.xlsx", rows), CB_A).state is IntakeState.ACCEPTED
    )
    with read_session() as s:
        assert set(s.scalars(select(Candidate.joined_on))) == {date(2020, 12, 20)}


# B6
def test_impossible_date_and_birth_after_the_congress_are_located(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree(congress=date(2025, 4, 20))
    rows = [
        person(**{"Ngày sinh": "31/02/1970"}),
        person(**{"Họ và tên": "Võ Văn Trẻ", "Ngày sinh": "21/04/2025"}),
    ]
    assert _texts(nhan_su_book(tmp_path / "sai.xlsx", rows)) == [
        "Sheet 'Nhân sự', dòng 2, cột 'Ngày sinh': '31/02/1970' không phải ngày hợp lệ (dd/mm/yyyy)",
        "Sheet 'Nhân sự', dòng 3, cột 'Ngày sinh': '21/04/2025' phải trước ngày đại hội (20/04/2025)",
    ]


# B7
def test_decomposed_name_is_stored_nfc_and_recognised_as_the_same_person(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Huyền")
    assert nfd != "Nguyễn Thị Huyền"
    import_file(nhan_su_book(tmp_path / "nfd.xlsx", [person(**{"Họ và tên": nfd})]), CB_A)
    assert _names() == ["Nguyễn Thị Huyền"]
    again = person(**{"Họ và tên": "Nguyễn Thị Huyền", "Bước quy trình": 3})
    outcome = import_file(
        nhan_su_book(tmp_path / "nfc.xlsx", [again]), ImportOptions("CB-A", force=True)
    )
    assert outcome.counts["created"] == 0 and outcome.counts["updated"] == 1
    assert _names() == ["Nguyễn Thị Huyền"]


# B8
def test_every_duplicate_key_in_the_file_is_listed(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    rows = [
        person(),
        person(**{"Họ và tên": "Nguyễn  văn AN"}),
        person(**{"Họ và tên": "Nguyễn Văn An "}),
    ]
    assert _texts(nhan_su_book(tmp_path / "trung.xlsx", rows)) == [
        "Sheet 'Nhân sự', dòng 3, cột 'Họ và tên': 'Nguyễn  văn AN' trùng (đơn vị, họ và tên, ngày sinh) với dòng 2",
        "Sheet 'Nhân sự', dòng 4, cột 'Họ và tên': 'Nguyễn Văn An ' trùng (đơn vị, họ và tên, ngày sinh) với dòng 2",
    ]


def test_key_already_held_by_another_sender_is_rejected(engine: Engine, tmp_path: Path) -> None:
    ids = seed_tree()
    with write_session() as s:
        s.add(
            Inspection(
                org_id=ids["CB-C1"],
                sender_org_id=ids["DU"],
                code="KT-01",
                kind=InspectionKind.KIEM_TRA,
                form=InspectionForm.CHUYEN_DE,
                target=InspectionTarget.TO_CHUC,
                started_on=date(2025, 1, 5),
            )
        )
    header = ["Mã cuộc", "Mã đơn vị", "Loại", "Hình thức", "Đối tượng", "Ngày bắt đầu"]
    row = ["KT-01", "CB-C1", "Giám sát", "Thường xuyên", "Đảng viên", "06/01/2025"]
    path = write_book(tmp_path / "kt.xlsx", {"Kiểm tra giám sát": (header, [row])})
    assert _texts(path, ImportOptions(sender_code="DB-C")) == [
        "Sheet 'Kiểm tra giám sát', dòng 2, cột 'Mã cuộc': 'KT-01' đã được một đơn vị khác nhập cho đơn vị này (trùng mã cuộc)"
    ]


# B9
def test_blank_rows_are_skipped_and_row_numbers_match_excel(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    rows = [
        person(),
        None,
        None,
        person(**{"Họ và tên": "Đỗ Văn Sáu", "Giới tính": "Khác"}),
        None,
        None,
    ]
    assert _texts(nhan_su_book(tmp_path / "trong.xlsx", rows)) == [
        "Sheet 'Nhân sự', dòng 5, cột 'Giới tính': 'Khác' không thuộc các giá trị cho phép: Nam, Nữ"
    ]
    rows[3] = person(**{"Họ và tên": "Đỗ Văn Sáu"})
    assert import_file(nhan_su_book(tmp_path / "trong2.xlsx", rows), CB_A).rows == 2


# B10
def test_three_hundred_bad_rows_are_all_reported_and_returned_as_a_workbook(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    rows = [
        person(**{"Họ và tên": f"Người Số {i}", "Ngày sinh": f"{i % 28 + 1}/13/1980"})
        for i in range(300)
    ]
    path = nhan_su_book(tmp_path / "ba-tram.xlsx", rows)
    before = counts()
    outcome = import_file(path, CB_A)
    assert outcome.state is IntakeState.REJECTED and counts() == before
    assert len(outcome.errors) == 300
    assert {(i.sheet, i.column) for i in outcome.errors} == {("Nhân sự", "Ngày sinh")}
    assert sorted(i.row for i in outcome.errors if i.row) == list(range(2, 302))
    assert all(i.value and "dd/mm/yyyy" in i.message for i in outcome.errors)
    assert outcome.error_workbook is not None
    book = openpyxl.load_workbook(outcome.error_workbook)
    errors = book[ERRORS_SHEET]
    assert errors.max_row == 301
    marked = [c for row in book["Nhân sự"].iter_rows() for c in row if c.comment is not None]
    assert len(marked) == 300 and {c.column_letter for c in marked} == {"D"}


# B11
def test_rows_for_a_unit_outside_the_senders_subtree_are_rejected(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    rows = [person(), person(**{"Mã đơn vị": "CB-B", "Họ và tên": "Phan Văn Bảy"})]
    assert _texts(nhan_su_book(tmp_path / "khac.xlsx", rows)) == [
        "Sheet 'Nhân sự', dòng 3, cột 'Mã đơn vị': 'CB-B' không thuộc đơn vị gửi 'CB-A': một đơn vị "
        "chỉ được gửi số liệu của mình và các đơn vị trực thuộc"
    ]


def test_a_parent_may_send_rows_for_its_subtree(engine: Engine, tmp_path: Path) -> None:
    ids = seed_tree()
    rows = [person(**{"Mã đơn vị": "cb-c1"}), person(**{"Họ và tên": "Phan Văn Bảy"})]
    outcome = import_file(
        nhan_su_book(tmp_path / "con.xlsx", rows), ImportOptions(sender_code="DB-C")
    )
    assert outcome.state is IntakeState.ACCEPTED
    with read_session() as s:
        assert sorted(s.scalars(select(Candidate.org_id))) == sorted([ids["CB-C1"], ids["DB-C"]])


# B12
def test_control_characters_in_text_are_rejected_naming_record_and_field(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    rows = [
        person(**{"Chức vụ hiện nay": "HiệuVTABtrưởng"}),
        person(
            **{"Họ và tên": "Mai Văn Tám", "Quê quán": "NULBến Tre", "Ghi chú": "dòng 1\ndòng 2\tX"}
        ),
    ]
    source = nhan_su_book(tmp_path / "src.xlsx", rows)
    # Excel stores control characters as _xHHHH_ escapes (openpyxl refuses to write them).
    path = tmp_path / "dieu-khien.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename).replace(b"VTAB", b"_x000B_").replace(b"NUL", b"_x0000_")
            dst.writestr(info, data)
    assert _texts(path) == [
        "Sheet 'Nhân sự', dòng 2, cột 'Chức vụ hiện nay': 'Hiệu\x0btrưởng' chứa ký tự điều khiển không hợp lệ (U+000B)",
        "Sheet 'Nhân sự', dòng 3, cột 'Quê quán': '\x00Bến Tre' chứa ký tự điều khiển không hợp lệ (U+0000)",
    ]


def test_line_breaks_and_tabs_in_text_are_kept(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    path = nhan_su_book(tmp_path / "xuong-dong.xlsx", [person(**{"Ghi chú": "dòng 1\ndòng 2\tX"})])
    assert import_file(path, CB_A).state is IntakeState.ACCEPTED
    with read_session() as s:
        assert s.scalar(select(Candidate.note)) == "dòng 1\ndòng 2\tX"
