"""`lop-tap-huan` (courses and sessions, FORMS.md §5) and `tap-huan` (attendance, §6)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from models.db import read_session, write_session
from models.enums import AuditAction, IntakeState, PartyRole, Presence
from models.org import Organisation
from models.records import AuditEvent
from models.training import Attendance, Course, SessionRole, TrainingSession
from tasks.core.text import norm_key
from tasks.intake.forms.lop_tap_huan import default_course_code
from tests.helpers.factories import add_org
from tests.helpers.feedback import add_tree
from tests.helpers.intake import messages, nfd, run_import, write_book

pytestmark = pytest.mark.db


def sessions(engine: Engine) -> list[tuple[str, str, date, str | None, list[str]]]:
    with read_session(engine) as s:
        rows = s.execute(
            select(
                TrainingSession.id,
                TrainingSession.code,
                Course.code.label("course"),
                TrainingSession.held_on,
                TrainingSession.place,
            )
            .join(Course, Course.id == TrainingSession.course_id)
            .order_by(TrainingSession.code)
        ).all()
        roles: dict[int, list[str]] = {}
        for sid, role in s.execute(select(SessionRole.session_id, SessionRole.role)):
            roles.setdefault(sid, []).append(PartyRole(role).label)
    return [(r.code, r.course, r.held_on, r.place, sorted(roles.get(r.id, []))) for r in rows]


LOP_HEADER = ["Ngày", "Bắt buộc đối với", "Chuyên đề", "Mã lớp", "Địa điểm", "Mã chuyên đề"]


def add_sessions(engine: Engine, tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "lop.xlsx",
        "Lớp",
        [
            LOP_HEADER,
            [
                "10/03/2025",
                "Bí thư; Phó Bí thư",
                "Quán triệt Chỉ thị 45",
                "L1",
                "Hội trường A",
                None,
            ],
            ["12/03/2025", "Cấp ủy viên", "Quán triệt Chỉ thị 45", "L2", None, None],
            ["15/03/2025", None, "Nghiệp vụ văn phòng", "L3", None, "NV"],
        ],
    )
    outcome = run_import(path, "DU")
    assert outcome.accepted, messages(outcome)


# --- lop-tap-huan ------------------------------------------------------------------------------


def test_a_messy_but_valid_lop_tap_huan_workbook_imports_exactly_its_sessions(
    engine: Engine, tmp_path: Path
) -> None:
    add_tree(engine)
    rows: list[list[Any]] = [
        ["ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO", None, None, None, None, None],  # merged title
        ["DANH SÁCH LỚP TẬP HUẤN", None, None, None, None, None],
        [None] * 6,
        [
            "Mã lớp (*)",
            "Chuyên đề (*)",
            "Ngày (*)",
            "Bắt buộc đối với\n(cách nhau bởi ;)",
            "Địa điểm",
            "Mã chuyên đề",
        ],
        [
            "l-01 ",
            nfd("Quán triệt Chỉ thị 45  "),
            "10/3/2025",
            "bí thư ;phó bí thư",
            " Hội trường A ",
            None,
        ],
        [None] * 6,
        ["L-02", "quán triệt chỉ thị 45", datetime(2025, 3, 12), "Cấp uỷ viên", None, None],
        ["L-03", "Nghiệp vụ văn phòng", "15.03.2025", None, None, "nv.1"],
        ["L-04", "Nghiệp vụ văn phòng", "16-03-2025", "Bí thư", None, "NV.1"],  # B8:B9 merged
    ]
    path = write_book(
        tmp_path / "lop.xlsx",
        "Lớp",
        rows,
        merges=["A1:F1", "A2:F2", "B8:B9"],
        formats={"C7": "dd/mm/yyyy"},
    )
    outcome = run_import(path, "DU")
    assert outcome.accepted, messages(outcome)
    course = default_course_code("Quán triệt Chỉ thị 45")
    assert course == norm_key("quán triệt chỉ thị 45")  # the normalised Chuyên đề text
    assert sessions(engine) == [
        ("L-01", course, date(2025, 3, 10), "Hội trường A", ["Bí thư", "Phó Bí thư"]),
        ("L-02", course, date(2025, 3, 12), None, ["Cấp ủy viên"]),
        ("L-03", "NV.1", date(2025, 3, 15), None, []),
        ("L-04", "NV.1", date(2025, 3, 16), None, ["Bí thư"]),
    ]
    with read_session(engine) as s:
        assert s.scalars(select(Course.title).order_by(Course.code)).all() == [
            "Nghiệp vụ văn phòng",
            "Quán triệt Chỉ thị 45",
        ]


def test_lop_tap_huan_upserts_by_code_and_never_removes_a_session(
    engine: Engine, tmp_path: Path
) -> None:
    add_tree(engine)
    add_sessions(engine, tmp_path)
    path = write_book(
        tmp_path / "lop2.xlsx",
        "Lớp",
        [
            LOP_HEADER,
            ["11/03/2025", "Cấp ủy viên", "Quán triệt Chỉ thị 45", "L1", "Hội trường B", None],
        ],
    )
    assert run_import(path, "DU").accepted
    result = sessions(engine)
    assert [r[0] for r in result] == ["L1", "L2", "L3"]  # L2, L3 kept though absent
    assert result[0][2:] == (date(2025, 3, 11), "Hội trường B", ["Cấp ủy viên"])


def test_lop_tap_huan_refuses_a_duplicate_code_and_a_course_code_with_two_titles(
    engine: Engine, tmp_path: Path
) -> None:
    add_tree(engine)
    path = write_book(
        tmp_path / "lop.xlsx",
        "Lớp",
        [
            LOP_HEADER,
            ["10/03/2025", None, "Chuyên đề A", "L1", None, "CD"],
            ["11/03/2025", None, "Chuyên đề B", "L2", None, "CD"],
            ["12/03/2025", None, "Chuyên đề A", "l1", None, "CD"],
        ],
    )
    outcome = run_import(path, "DU")
    assert outcome.state is IntakeState.REJECTED
    text = messages(outcome)
    assert "dòng 4, cột 'Mã lớp': 'l1' trùng mã lớp với dòng 2" in text
    assert "dòng 3, cột 'Chuyên đề'" in text and "dòng 2 cùng mã chuyên đề 'CD'" in text
    assert sessions(engine) == []


def test_only_the_office_keeps_the_sessions(engine: Engine, tmp_path: Path) -> None:
    add_tree(engine)
    path = write_book(
        tmp_path / "lop.xlsx",
        "Lớp",
        [LOP_HEADER, ["10/03/2025", None, "Chuyên đề", "L9", None, None]],
    )
    outcome = run_import(path, "CB-A")
    assert outcome.state is IntakeState.REJECTED
    assert "đơn vị gốc" in messages(outcome)


# --- tap-huan ------------------------------------------------------------------------------------

THAM_DU = ["Mã lớp", "Mã đơn vị", "Họ và tên", "Chức vụ Đảng", "Tình trạng", "Ngày sinh"]


def attendance(engine: Engine) -> list[tuple[str, str, str, date | None, str, str]]:
    with read_session(engine) as s:
        rows = s.execute(
            select(
                TrainingSession.code,
                Organisation.code.label("org"),
                Attendance.full_name,
                Attendance.birth_date,
                Attendance.role,
                Attendance.presence,
            )
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .join(Organisation, Organisation.id == Attendance.org_id)
            .order_by(Attendance.id)
        ).all()
    return [
        (
            r.code,
            r.org,
            r.full_name,
            r.birth_date,
            PartyRole(r.role).label,
            Presence(r.presence).label,
        )
        for r in rows
    ]


def test_a_messy_but_valid_tap_huan_workbook_imports_exactly_its_attendees(
    engine: Engine, tmp_path: Path
) -> None:
    add_tree(engine)
    add_sessions(engine, tmp_path)
    rows: list[list[Any]] = [
        ["ĐẢNG BỘ DB-C", None, None, None, None, None, None],
        ["DANH SÁCH THAM DỰ", None, None, None, None, None, None],
        ["STT", "Họ và tên (*)", "Ngày sinh", "Tình trạng", "Chức vụ Đảng", "Mã đơn vị", "Mã lớp"],
        [1, nfd("Nguyễn Văn Ánh  "), "05/06/1980", "có mặt", "Bí thư", "db-c", "l1"],
        [
            2,
            "Nguyễn Văn Ánh",
            datetime(1990, 1, 2),
            "Đi trễ",
            "Đảng viên",
            "DB-C",
            "L1",
        ],  # namesake
        [None] * 7,
        [3, "Trần Thị Bình", None, "Vắng có phép", "Phó Bí thư", "CB-C1", "L1"],  # D7:D8 merged
        [4, "Lê Văn Cường", None, None, "Cấp ủy viên", "CB-C1", "L2"],
        ["Tổng", None, None, None, None, None, None],  # a total row
    ]
    path = write_book(
        tmp_path / "tham-du.xlsx",
        "Tham dự",
        rows,
        merges=["A1:G1", "A2:G2", "D7:D8"],
        formats={"C5": "dd/mm/yyyy"},
    )
    outcome = run_import(path, "DB-C")
    assert outcome.accepted, messages(outcome)
    assert attendance(engine) == [
        ("L1", "DB-C", "Nguyễn Văn Ánh", date(1980, 6, 5), "Bí thư", "Có mặt"),
        ("L1", "DB-C", "Nguyễn Văn Ánh", date(1990, 1, 2), "Đảng viên", "Đi trễ"),
        ("L1", "CB-C1", "Trần Thị Bình", None, "Phó Bí thư", "Vắng có phép"),
        ("L2", "CB-C1", "Lê Văn Cường", None, "Cấp ủy viên", "Vắng có phép"),
    ]
    with read_session(engine) as s:
        audit = s.execute(select(AuditEvent.entity, AuditEvent.action, AuditEvent.source)).all()
    assert len(audit) == 4
    assert {(a.entity, a.action, a.source) for a in audit} == {
        ("attendance", AuditAction.CREATE, outcome.sha256)
    }


def test_tap_huan_replaces_per_unit_and_session_with_audit_rows(
    engine: Engine, tmp_path: Path
) -> None:
    add_tree(engine)
    add_sessions(engine, tmp_path)
    first = write_book(
        tmp_path / "1.xlsx",
        "Tham dự",
        [
            THAM_DU,
            ["L1", "CB-A", "Phạm Văn An", "Bí thư", "Có mặt", None],
            ["L1", "CB-A", "Đỗ Thị Hoa", "Cấp ủy viên", "Có mặt", None],
            ["L2", "CB-A", "Phạm Văn An", "Bí thư", "Có mặt", None],
        ],
    )
    assert run_import(first, "CB-A").accepted
    second = write_book(
        tmp_path / "2.xlsx",
        "Tham dự",
        [
            THAM_DU,
            ["L1", "CB-A", "Phạm Văn An", "Bí thư", "Đi trễ", None],  # updated
            ["L1", "CB-A", "Vũ Văn Minh", "Đảng viên", "Có mặt", None],  # new; Hoa removed
        ],
    )
    outcome = run_import(second, "CB-A")
    assert outcome.accepted, messages(outcome)
    assert attendance(engine) == [
        ("L1", "CB-A", "Phạm Văn An", None, "Bí thư", "Đi trễ"),
        ("L2", "CB-A", "Phạm Văn An", None, "Bí thư", "Có mặt"),  # another session: kept
        ("L1", "CB-A", "Vũ Văn Minh", None, "Đảng viên", "Có mặt"),
    ]
    assert outcome.counts == {"created": 1, "updated": 1, "deleted": 1}
    with read_session(engine) as s:
        events = s.execute(
            select(AuditEvent.action, AuditEvent.before, AuditEvent.after)
            .where(AuditEvent.source == outcome.sha256)
            .order_by(AuditEvent.id)
        ).all()
    by_action = {e.action: e for e in events}
    assert set(by_action) == {AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE}
    assert by_action[AuditAction.UPDATE].before["presence"] == "co-mat"
    assert by_action[AuditAction.UPDATE].after["presence"] == "di-tre"
    assert by_action[AuditAction.DELETE].before["full_name"] == "Đỗ Thị Hoa"


def test_the_sender_cannot_write_another_units_attendance(engine: Engine, tmp_path: Path) -> None:
    add_tree(engine)
    add_sessions(engine, tmp_path)
    path = write_book(
        tmp_path / "x.xlsx",
        "Tham dự",
        [
            THAM_DU,
            ["L1", "CB-C1", "Người trong phạm vi", "Bí thư", "Có mặt", None],
            ["L1", "CB-A", "Người đơn vị khác", "Bí thư", "Có mặt", None],
            ["L1", "DU", "Cấp trên", "Bí thư", "Có mặt", None],
        ],
    )
    outcome = run_import(path, "DB-C")
    assert outcome.state is IntakeState.REJECTED
    text = messages(outcome)
    assert "dòng 3, cột 'Mã đơn vị': 'CB-A' không thuộc đơn vị gửi 'DB-C'" in text
    assert "dòng 4, cột 'Mã đơn vị': 'DU' không thuộc đơn vị gửi 'DB-C'" in text
    assert attendance(engine) == []


def test_tap_huan_refuses_unknown_sessions_and_duplicate_people(
    engine: Engine, tmp_path: Path
) -> None:
    add_tree(engine)
    add_sessions(engine, tmp_path)
    path = write_book(
        tmp_path / "x.xlsx",
        "Tham dự",
        [
            THAM_DU,
            ["L9", "CB-A", "Phạm Văn An", "Bí thư", "Có mặt", None],
            ["L1", "CB-A", "Phạm Văn An", "Bí thư", "Có mặt", "01/01/1980"],
            ["L1", "CB-A", "PHẠM VĂN AN ", "Bí thư", "Vắng có phép", "01/01/1980"],
        ],
    )
    outcome = run_import(path, "CB-A")
    assert outcome.state is IntakeState.REJECTED
    text = messages(outcome)
    assert "dòng 2, cột 'Mã lớp': 'L9' không phải mã lớp đã có" in text
    assert "dòng 4, cột 'Họ và tên'" in text and "trùng người tham dự" in text and "dòng 3" in text


def test_an_empty_tap_huan_sheet_clears_the_senders_own_attendance(
    engine: Engine, tmp_path: Path
) -> None:
    ids = add_tree(engine)
    add_sessions(engine, tmp_path)
    with write_session(engine) as s:
        add_org(s, "CB-A2", parent=s.get(Organisation, ids["CB-A"]))
    first = write_book(
        tmp_path / "1.xlsx",
        "Tham dự",
        [
            THAM_DU,
            ["L1", "CB-A", "Phạm Văn An", "Bí thư", "Có mặt", None],
            ["L1", "CB-A2", "Hồ Văn Nam", "Bí thư", "Có mặt", None],
        ],
    )
    assert run_import(first, "CB-A").accepted
    assert run_import(write_book(tmp_path / "2.xlsx", "Tham dự", [THAM_DU]), "CB-A").accepted
    assert [r[2] for r in attendance(engine)] == ["Hồ Văn Nam"]
