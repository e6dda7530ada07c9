"""Each form of intake A: a messy-but-valid workbook imports with exactly the expected rows."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, select

from models import (
    Candidate,
    CandidateStep,
    Congress,
    Inspection,
    Organisation,
    OrgLink,
    Remedy,
    YearFigures,
)
from models.db import read_session
from models.enums import (
    CongressForm,
    Gender,
    InspectionForm,
    InspectionKind,
    IntakeState,
    OrgKind,
    OrgStatus,
    PoliticalTheory,
    Post,
    Rating,
    Reelection,
    RemedyStatus,
)
from tasks.intake.receive import ImportOptions, import_file
from tests.helpers.workbooks import seed_tree

pytestmark = pytest.mark.db


def nfd(text: str) -> str:
    """Text typed decomposed (as some Mac and web tools produce it)."""
    return unicodedata.normalize("NFD", text)


def dressed_sheet(
    ws: Any, header: list[str], rows: list[list[Any] | None], *, top: int = 4
) -> None:
    """Titles and merged cells above the header at row `top`, then the rows (None = blank)."""
    ws["A1"] = "ĐẢNG BỘ SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    ws.merge_cells("A1:D1")
    ws["A2"] = "BIỂU MẪU"
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    for c, label in enumerate(header, start=1):
        ws.cell(top, c, label)
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row or [], start=1):
            if value is not None:
                ws.cell(r, c, value)


def test_messy_don_vi_creates_the_tree_in_an_empty_database(engine: Engine, tmp_path: Path) -> None:
    header = [
        "Tên tổ chức đảng (*)",
        "Mã đơn vị (*)\n(chữ, số)",
        "Mã đơn vị cấp trên",
        "Loại hình",
        "Số đảng viên chính thức",
        "Số đảng viên dự bị",
        "Ngày đại hội dự kiến",
        "Hình thức đại hội",
        "Số lượng cấp ủy dự kiến",
        "Số nội dung đại hội",
        "Trạng thái",
        "Ngày hiệu lực",
    ]
    rows = [
        [
            "Đảng ủy Sở Giáo dục ",
            "du-sgd",
            None,
            "đảng bộ cấp trên cơ sở",
            "12",
            None,
            "15/06/2025",
            "Đại biểu",
            15,
            None,
            None,
            None,
        ],
        None,
        [
            nfd("Chi bộ Trường THPT Lê Quý Đôn"),
            "CB-LQD",
            "DU-SGD",
            "Chi bộ cơ sở",
            25,
            3,
            datetime(2025, 4, 20),
            "toàn thể",
            5,
            4,
            "Hoạt động",
            None,
        ],
        [
            "Đảng bộ Trường ĐH Sư phạm",
            101,
            "du-sgd",
            "Đảng bộ cơ sở",
            120,
            0,
            "01-05-2025",
            None,
            "9",
            "3",
            None,
            None,
        ],
        [
            "Chi bộ Khoa Toán",
            "CB-TOAN",
            "101",
            "Chi bộ trực thuộc",
            8,
            None,
            None,
            None,
            0,
            "2",
            "Sáp nhập vào cb-lqd",
            "01.03.2025",
        ],
        None,
        ["Tổng cộng", None, None, None, 165, 3, None, None, None, None, None, None],
    ]
    book = openpyxl.Workbook()
    dressed_sheet(book.active, header, rows)
    book.active.title = "Đơn Vị"
    path = tmp_path / "don-vi.xlsx"
    book.save(path)

    outcome = import_file(path)
    assert outcome.state is IntakeState.ACCEPTED, [i.text() for i in outcome.issues]
    assert outcome.sender == "DU-SGD" and outcome.rows == 4
    with read_session() as s:
        orgs = {o.code: o for o in s.scalars(select(Organisation))}
        congresses = {c.org_id: c for c in s.scalars(select(Congress))}
        links = {(lk.org_id, lk.parent_id) for lk in s.scalars(select(OrgLink))}
    assert sorted(orgs) == ["101", "CB-LQD", "CB-TOAN", "DU-SGD"]
    root, lqd, dh, toan = orgs["DU-SGD"], orgs["CB-LQD"], orgs["101"], orgs["CB-TOAN"]
    assert root.parent_id is None and root.depth == 0 and root.path == f"{root.id}/"
    assert lqd.name == "Chi bộ Trường THPT Lê Quý Đôn" and lqd.kind is OrgKind.CHI_BO_CO_SO
    assert (lqd.members_official, lqd.members_probationary) == (25, 3)
    assert toan.path == f"{root.id}/{dh.id}/{toan.id}/" and toan.depth == 2
    assert toan.status is OrgStatus.MERGED and toan.merged_into_id == lqd.id
    assert toan.valid_to == date(2025, 3, 1)
    assert links == {(root.id, None), (lqd.id, root.id), (dh.id, root.id), (toan.id, dh.id)}
    assert congresses[root.id].planned_date == date(2025, 6, 15)
    assert congresses[root.id].form is CongressForm.DAI_BIEU
    assert (congresses[dh.id].contents, congresses[dh.id].committee_size) == (3, 9)
    assert congresses[dh.id].planned_date == date(2025, 5, 1)
    assert (congresses[toan.id].contents, congresses[toan.id].committee_size) == (2, 0)
    assert {c.term for c in congresses.values()} == {"2025-2030"}


def test_messy_nhan_su_imports_exactly_its_people(engine: Engine, tmp_path: Path) -> None:
    ids = seed_tree()
    header = [
        "Họ và tên",
        "Ngày sinh",
        "STT",
        "Giới tính",
        "Mã đơn vị",
        "Dân tộc",
        "Ngày vào Đảng",
        "Trình độ chuyên môn",
        "Lý luận chính trị",
        "Chức vụ hiện nay",
        "Tái cử",
        "Dự kiến chức danh (*)",
        "Bước quy trình",
        "Ngày qua bước",
        "Tỷ lệ phiếu (%)",
        "Học hàm, học vị",
        "Ghi chú",
    ]
    rows = [
        [
            nfd("Nguyễn Thị Thủy  "),
            "05/09/1978",
            1,
            "nữ",
            None,
            "Kinh",
            datetime(2003, 5, 19),
            "Thạc sĩ Quản lý giáo dục",
            "cao cấp",
            "Hiệu trưởng",
            "tái cử",
            "Bí thư",
            5,
            "12/03/2025",
            0.955,
            "ThS",
            None,
        ],
        None,
        [
            "Lê Văn Tâm",
            datetime(1985, 12, 1),
            2,
            "Nam",
            "cb-c1",
            "Khmer",
            "1/2/2010",
            "Cử nhân Toán",
            "Trung cấp",
            "Tổ trưởng",
            "Lần đầu",
            "Ủy viên Ban Thường vụ",
            "3",
            "15.02.2025",
            "87,5%",
            None,
            "dòng 1\ndòng 2",
        ],
        [
            "Trần Minh Quân",
            "20-11-1990",
            3,
            "Nam",
            None,
            "Hoa",
            "20/12/2020",
            "Tiến sĩ Vật lý",
            "Cử nhân",
            "Giáo viên",
            "Lần đầu",
            "Cấp ủy viên",
            0,
            None,
            None,
            "TS",
            None,
        ],
        [
            "Phạm Thị Hoa",
            "02/02/1992",
            4,
            "Nữ",
            None,
            None,
            "03/03/2015",
            "Cử nhân",
            "Sơ cấp",
            "Giáo viên",
            "Lần đầu",
            "Cấp ủy viên",
            1,
            "01/01/2025",
            60,
            None,
            None,
        ],
        [
            "Cộng",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        None,
        [
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "Người lập biểu",
        ],
    ]
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Nhân sự"
    dressed_sheet(ws, header, rows, top=5)
    ws.cell(6, 15).number_format = "0.0%"
    ws.row_dimensions[9].hidden = True  # hidden rows are imported
    # A merged range in the data area gives its value to every cell it covers.
    ws.merge_cells("F9:F10")
    path = tmp_path / "nhan-su.xlsx"
    book.save(path)

    outcome = import_file(path, ImportOptions(sender_code="DB-C"))
    assert outcome.state is IntakeState.ACCEPTED, [i.text() for i in outcome.issues]
    assert [i.text() for i in outcome.warnings] == [
        "Sheet 'Nhân sự', dòng 13: các dòng 13–13 nằm sau vùng dữ liệu (không có cột bắt buộc nào), bị bỏ qua"
    ]
    with read_session() as s:
        people = {c.full_name: c for c in s.scalars(select(Candidate))}
        steps = {(st.candidate_id, st.step): st for st in s.scalars(select(CandidateStep))}
    assert sorted(people) == ["Lê Văn Tâm", "Nguyễn Thị Thủy", "Phạm Thị Hoa", "Trần Minh Quân"]
    thuy = people["Nguyễn Thị Thủy"]
    assert unicodedata.is_normalized("NFC", thuy.full_name)
    assert (thuy.org_id, thuy.birth_date, thuy.gender) == (ids["DB-C"], date(1978, 9, 5), Gender.NU)
    assert (thuy.political_theory, thuy.reelection, thuy.proposed_post) == (
        PoliticalTheory.CAO_CAP,
        Reelection.TAI_CU,
        Post.BI_THU,
    )
    assert thuy.vote_pct == Decimal("95.5") and thuy.academic_title == "ThS"
    assert steps[(thuy.id, 5)].passed_on == date(2025, 3, 12)
    tam = people["Lê Văn Tâm"]
    assert (tam.org_id, tam.ethnicity, tam.joined_on) == (ids["CB-C1"], "Khmer", date(2010, 2, 1))
    assert tam.vote_pct == Decimal("87.5") and tam.note == "dòng 1\ndòng 2"
    assert steps[(tam.id, 3)].passed_on == date(2025, 2, 15)
    quan = people["Trần Minh Quân"]
    assert quan.birth_date == date(1990, 11, 20) and quan.joined_on == date(2020, 12, 20)
    assert not [k for k in steps if k[0] == quan.id]
    hoa = people["Phạm Thị Hoa"]
    assert (hoa.ethnicity, quan.ethnicity) == ("Hoa", "Hoa")
    assert hoa.vote_pct == Decimal(60) and steps[(hoa.id, 1)].passed_on == date(2025, 1, 1)


def test_messy_kiem_tra_with_a_merged_inspection_code_over_its_remedies(
    engine: Engine, tmp_path: Path
) -> None:
    ids = seed_tree()
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Kiểm tra, giám sát"
    dressed_sheet(
        first,
        [
            "Loại",
            "Mã cuộc",
            "Mã đơn vị",
            "Hình thức",
            "Đối tượng",
            "Ngày bắt đầu",
            "Ngày kết luận",
            "Có vi phạm",
            "Nội dung kết luận",
        ],
        [
            [
                "Kiểm tra",
                "kt-01",
                "CB-C1",
                "Chuyên đề",
                "Tổ chức đảng",
                "05/01/2025",
                datetime(2025, 2, 10),
                "có",
                "Cần chấn chỉnh <sổ sách> & hồ sơ",
            ],
            None,
            [
                "giám sát",
                "GS-02",
                None,
                "Thường xuyên",
                "đảng viên",
                "01/03/2025",
                None,
                None,
                None,
            ],
        ],
    )
    second = book.create_sheet(" KHẮC  PHỤC")
    dressed_sheet(
        second,
        [
            "Mã cuộc",
            "Mã đơn vị",
            "STT",
            "Yêu cầu khắc phục",
            "Hạn hoàn thành",
            "Trạng thái",
            "Ngày hoàn thành",
        ],
        [
            [
                "KT-01",
                "CB-C1",
                1,
                "Bổ sung sổ sách",
                "30/03/2025",
                "Đã kiểm tra xác nhận",
                "20/03/2025",
            ],
            [None, "CB-C1", "2", "Hoàn thiện hồ sơ", "30/04/2025", "Đang thực hiện", None],
        ],
    )
    second.merge_cells("A5:A6")
    path = tmp_path / "kiem-tra.xlsx"
    book.save(path)

    outcome = import_file(path, ImportOptions(sender_code="DB-C"))
    assert outcome.state is IntakeState.ACCEPTED, [i.text() for i in outcome.issues]
    with read_session() as s:
        found = {(i.org_id, i.code): i for i in s.scalars(select(Inspection))}
        remedies = sorted(
            (r.inspection_id, r.seq, r.status, r.completed_on) for r in s.scalars(select(Remedy))
        )
    kt, gs = found[(ids["CB-C1"], "KT-01")], found[(ids["DB-C"], "GS-02")]
    assert len(found) == 2 and kt.sender_org_id == gs.sender_org_id == ids["DB-C"]
    assert (kt.kind, kt.form, kt.has_violation) == (
        InspectionKind.KIEM_TRA,
        InspectionForm.CHUYEN_DE,
        True,
    )
    assert kt.conclusion == "Cần chấn chỉnh <sổ sách> & hồ sơ" and kt.concluded_on == date(
        2025, 2, 10
    )
    assert (gs.kind, gs.concluded_on, gs.has_violation) == (InspectionKind.GIAM_SAT, None, None)
    assert remedies == [
        (kt.id, 1, RemedyStatus.XAC_NHAN, date(2025, 3, 20)),
        (kt.id, 2, RemedyStatus.DANG, None),
    ]


def test_messy_danh_gia_reads_percentages_every_way(engine: Engine, tmp_path: Path) -> None:
    ids = seed_tree()
    header = [
        "Năm",
        "Mã đơn vị",
        "Tổng số đảng viên",
        "Số đảng viên đăng ký chương trình hành động",
        "Đã kiểm điểm chương trình hành động cuối năm",
        "Xếp loại tổ chức",
        "Số đảng viên hoàn thành xuất sắc nhiệm vụ",
        "Số đảng viên hoàn thành tốt nhiệm vụ",
        "Số đảng viên hoàn thành nhiệm vụ",
        "Số đảng viên không hoàn thành nhiệm vụ",
        "Thực hiện Quy định 1793",
        "Tỷ lệ số hóa văn bản (%)",
    ]
    rows = [
        ["2024", "cb-a", 20, 20, "có", "Hoàn thành tốt nhiệm vụ", 3, 12, 5, 0, "Không", "95%"],
        [
            2024,
            "DB-C",
            "120",
            118,
            "Có",
            "hoàn thành xuất sắc nhiệm vụ",
            20,
            80,
            18,
            2,
            "Có",
            0.955,
        ],
        None,
        [2023, "DB-C", 115, 110, "Không", "Hoàn thành nhiệm vụ", 10, 70, 30, 5, "Có", "80,25"],
        ["Tổng", None, 255, 248, None, None, None, None, None, None, None, None],
    ]
    book = openpyxl.Workbook()
    book.active.title = "Chỉ tiêu"
    dressed_sheet(book.active, header, rows)
    book.active.cell(6, 12).number_format = "0.0%"
    path = tmp_path / "danh-gia.xlsx"
    book.save(path)

    outcome = import_file(path, ImportOptions(sender_code="DU"))
    assert outcome.state is IntakeState.ACCEPTED, [i.text() for i in outcome.issues]
    with read_session() as s:
        got = {(y.org_id, y.year): y for y in s.scalars(select(YearFigures))}
    assert sorted(got) == sorted([(ids["CB-A"], 2024), (ids["DB-C"], 2024), (ids["DB-C"], 2023)])
    a, c24, c23 = got[(ids["CB-A"], 2024)], got[(ids["DB-C"], 2024)], got[(ids["DB-C"], 2023)]
    assert (a.digitised_pct, c24.digitised_pct, c23.digitised_pct) == (
        Decimal(95),
        Decimal("95.5"),
        Decimal("80.25"),
    )
    assert (a.reviewed, a.applies_1793, a.org_rating) == (True, False, Rating.TOT)
    assert (c24.members_total, c24.registered, c24.org_rating) == (120, 118, Rating.XUAT_SAC)
    assert (c23.n_xuat_sac, c23.n_tot, c23.n_hoan_thanh, c23.n_khong) == (10, 70, 30, 5)
