"""What an import does to the database: replacement per FORMS.md rule 11, step history, audit
rows, intake records, stale pre-filled workbooks, senders and the don-vi tree."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from models import (
    AuditEvent,
    Candidate,
    CandidateStep,
    Inspection,
    IntakeRecord,
    Organisation,
    OrgLink,
    Remedy,
)
from models.db import read_session, write_session
from models.enums import AuditAction, IntakeState, OrgStatus
from models.queries import find_org
from tasks.intake.exports.forms import write_form
from tasks.intake.receive import ImportOptions, import_file
from tasks.intake.stale import STALE_MESSAGE
from tests.helpers.workbooks import (
    counts,
    fill_form,
    nhan_su_book,
    person,
    seed_tree,
    write_book,
)

pytestmark = pytest.mark.db

CB_A = ImportOptions(sender_code="CB-A")
KT = ["Mã cuộc", "Mã đơn vị", "Loại", "Hình thức", "Đối tượng", "Ngày bắt đầu", "Ngày kết luận"]
KP = [
    "Mã cuộc",
    "Mã đơn vị",
    "STT",
    "Yêu cầu khắc phục",
    "Hạn hoàn thành",
    "Trạng thái",
    "Ngày hoàn thành",
]
DV = [
    "Mã đơn vị",
    "Tên tổ chức đảng",
    "Loại hình",
    "Mã đơn vị cấp trên",
    "Số đảng viên chính thức",
    "Trạng thái",
    "Ngày hiệu lực",
]


def _ok(path: Path, opts: ImportOptions = CB_A) -> dict[str, int]:
    outcome = import_file(path, opts)
    assert outcome.state is IntakeState.ACCEPTED, [i.text() for i in outcome.issues]
    return outcome.counts


def _steps(name: str) -> dict[int, date]:
    with read_session() as s:
        rows = s.execute(
            select(CandidateStep.step, CandidateStep.passed_on)
            .join(Candidate, Candidate.id == CandidateStep.candidate_id)
            .where(Candidate.full_name == name)
        )
        return {r.step: r.passed_on for r in rows}


def test_reimporting_nhan_su_replaces_the_units_candidates(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    _ok(nhan_su_book(tmp_path / "1.xlsx", [person(), person(**{"Họ và tên": "Lê Thị Bé"})]))
    changes = _ok(
        nhan_su_book(tmp_path / "2.xlsx", [person(**{"Chức vụ hiện nay": "Phó Hiệu trưởng"})])
    )
    assert changes == {"created": 0, "updated": 1, "removed": 1}
    with read_session() as s:
        got = {c.full_name: (c.active, c.current_position) for c in s.scalars(select(Candidate))}
    assert got == {"Nguyễn Văn An": (True, "Phó Hiệu trưởng"), "Lê Thị Bé": (False, "Hiệu trưởng")}


def test_an_empty_nhan_su_file_withdraws_the_senders_candidates(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    _ok(nhan_su_book(tmp_path / "1.xlsx", [person()]))
    assert _ok(nhan_su_book(tmp_path / "2.xlsx", [])) == {"created": 0, "updated": 0, "removed": 1}


def test_stated_step_rewrites_the_top_of_the_history(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    for n, (step, day) in enumerate([(1, "05/01/2025"), (4, "20/02/2025")]):
        _ok(
            nhan_su_book(
                tmp_path / f"{n}.xlsx", [person(**{"Bước quy trình": step, "Ngày qua bước": day})]
            )
        )
    assert _steps("Nguyễn Văn An") == {1: date(2025, 1, 5), 4: date(2025, 2, 20)}
    _ok(
        nhan_su_book(
            tmp_path / "x.xlsx", [person(**{"Bước quy trình": 1, "Ngày qua bước": "07/01/2025"})]
        )
    )
    assert _steps("Nguyễn Văn An") == {1: date(2025, 1, 7)}
    _ok(nhan_su_book(tmp_path / "y.xlsx", [person(**{"Bước quy trình": 0, "Ngày qua bước": None})]))
    assert _steps("Nguyễn Văn An") == {}


def test_candidate_changes_leave_audit_rows_naming_actor_and_file(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.settings import get_settings

    monkeypatch.setenv("DAIHOI_ACTOR", "vp.thu")
    get_settings.cache_clear()
    seed_tree()
    first = import_file(
        nhan_su_book(tmp_path / "1.xlsx", [person(), person(**{"Họ và tên": "Lê Thị Bé"})]), CB_A
    )
    second = import_file(
        nhan_su_book(
            tmp_path / "2.xlsx", [person(**{"Bước quy trình": 3, "Ngày qua bước": "01/03/2025"})]
        ),
        CB_A,
    )
    with read_session() as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.entity, e.action, e.source) for e in events] == [
        ("candidate", AuditAction.CREATE, first.sha256),
        ("candidate", AuditAction.CREATE, first.sha256),
        ("candidate", AuditAction.UPDATE, second.sha256),
        ("candidate", AuditAction.DELETE, second.sha256),
    ]
    assert {e.actor for e in events} == {"vp.thu"}
    update = events[2]
    assert update.before == {"step": 2, "step_date": "2025-01-10"}
    assert update.after == {"step": 3, "step_date": "2025-03-01"}
    assert events[3].before is not None and events[3].before["full_name"] == "Lê Thị Bé"


def test_rejected_file_writes_no_audit_rows_and_records_its_errors(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    outcome = import_file(
        nhan_su_book(tmp_path / "x.xlsx", [person(), person(**{"Giới tính": "?"})]), CB_A
    )
    with read_session() as s:
        record = s.scalars(select(IntakeRecord)).one()
        assert s.scalar(select(AuditEvent.id)) is None
    assert outcome.state is IntakeState.REJECTED
    assert (record.state, record.errors, record.rows) == (IntakeState.REJECTED, 1, 0)
    assert record.error_path == str(tmp_path / "x_loi.xlsx") and (tmp_path / "x_loi.xlsx").is_file()


def test_stale_prefilled_workbook_is_refused_unless_forced(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    with read_session() as s:
        form = write_form(
            s, form="nhan-su", org=find_org(s, code="CB-A"), out=tmp_path / "form.xlsx"
        )
    fill_form(form.path, "Nhân sự", [person()])
    _ok(nhan_su_book(tmp_path / "newer.xlsx", [person(**{"Họ và tên": "Lê Thị Bé"})]))
    before = counts()
    stale = import_file(form.path, CB_A)
    assert stale.state is IntakeState.REJECTED
    [why] = stale.errors  # the cells are valid: the staleness is the one error
    assert why.text().startswith(STALE_MESSAGE) and "--force" in why.text()
    assert counts() == before
    assert import_file(form.path, ImportOptions("CB-A", force=True)).state is IntakeState.ACCEPTED


def test_meta_naming_another_unit_than_the_sender_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    path = nhan_su_book(
        tmp_path / "x.xlsx", [person()], meta={"form": "nhan-su", "version": 1, "org_code": "CB-B"}
    )
    outcome = import_file(path, CB_A)
    assert outcome.state is IntakeState.REJECTED
    assert outcome.message == "Biểu mẫu được tải cho đơn vị 'CB-B' nhưng được gửi từ đơn vị 'CB-A'"


def test_sender_comes_from_meta_when_the_transport_names_none(
    engine: Engine, tmp_path: Path
) -> None:
    ids = seed_tree()
    path = nhan_su_book(
        tmp_path / "x.xlsx", [person()], meta={"form": "nhan-su", "version": 1, "org_code": "cb-b"}
    )
    assert import_file(path).sender == "CB-B"
    with read_session() as s:
        assert s.scalar(select(Candidate.org_id)) == ids["CB-B"]


def test_resending_a_superseded_file_imports_it_again(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    one = nhan_su_book(tmp_path / "1.xlsx", [person()])
    two = nhan_su_book(tmp_path / "2.xlsx", [person(**{"Họ và tên": "Lê Thị Bé"})])
    _ok(one)
    _ok(two)
    assert import_file(one, CB_A).state is IntakeState.ACCEPTED
    with read_session() as s:
        states = [r.state for r in s.scalars(select(IntakeRecord).order_by(IntakeRecord.id))]
        active = list(s.scalars(select(Candidate.full_name).where(Candidate.active)))
    assert states == [IntakeState.SUPERSEDED, IntakeState.SUPERSEDED, IntakeState.ACCEPTED]
    assert active == ["Nguyễn Văn An"]


def test_kiem_tra_reimport_replaces_the_senders_inspections_of_each_unit(
    engine: Engine, tmp_path: Path
) -> None:
    ids = seed_tree()
    first = {
        "Kiểm tra giám sát": (
            KT,
            [
                ["KT-1", "CB-C1", "Kiểm tra", "Chuyên đề", "Tổ chức đảng", "05/01/2025", None],
                ["KT-2", "CB-C1", "Giám sát", "Thường xuyên", "Đảng viên", "06/01/2025", None],
                ["KT-3", None, "Kiểm tra", "Chuyên đề", "Tổ chức đảng", "07/01/2025", None],
            ],
        ),
        "Khắc phục": (
            KP,
            [
                ["KT-1", "CB-C1", 1, "Sửa sổ", "01/03/2025", "Đang thực hiện", None],
                ["KT-1", "CB-C1", 2, "Bổ sung", "01/03/2025", "Chưa thực hiện", None],
                ["KT-2", "CB-C1", 1, "Nhắc nhở", "01/03/2025", "Chưa thực hiện", None],
            ],
        ),
    }
    _ok(write_book(tmp_path / "1.xlsx", first), ImportOptions("DB-C"))
    second = {
        "Kiểm tra giám sát": (
            KT,
            [
                [
                    "KT-1",
                    "CB-C1",
                    "Kiểm tra",
                    "Chuyên đề",
                    "Tổ chức đảng",
                    "05/01/2025",
                    "10/02/2025",
                ]
            ],
        ),
        "Khắc phục": (
            KP,
            [["KT-1", "CB-C1", 1, "Sửa sổ", "01/03/2025", "Đã hoàn thành", "20/02/2025"]],
        ),
    }
    changes = _ok(write_book(tmp_path / "2.xlsx", second), ImportOptions("DB-C", force=True))
    assert changes == {
        "inspections_created": 0,
        "inspections_updated": 1,
        "inspections_removed": 1,
        "remedies_changed": 3,
    }
    with read_session() as s:
        inspections = {(i.org_id, i.code, i.concluded_on) for i in s.scalars(select(Inspection))}
        remedies = sorted((r.seq, r.status.value) for r in s.scalars(select(Remedy)))
        audited = sorted(
            (e.entity, e.action.value)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.id > 6))
        )
    assert inspections == {(ids["CB-C1"], "KT-1", date(2025, 2, 10)), (ids["DB-C"], "KT-3", None)}
    assert remedies == [(1, "da-hoan-thanh")]
    assert audited == [
        ("inspection", "delete"),
        ("inspection", "update"),
        ("remedy", "delete"),
        ("remedy", "delete"),
        ("remedy", "update"),
    ]


def test_remedy_for_an_unknown_inspection_is_rejected(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    book = {
        "Kiểm tra giám sát": (KT, []),
        "Khắc phục": (KP, [["KT-9", None, 1, "Sửa sổ", "01/03/2025", "Đã hoàn thành", None]]),
    }
    outcome = import_file(write_book(tmp_path / "x.xlsx", book), CB_A)
    assert [i.text() for i in outcome.errors] == [
        "Sheet 'Khắc phục', dòng 2, cột 'Mã cuộc': 'KT-9' không có trong sheet 'Kiểm tra giám sát' hay trong dữ liệu đã có",
        "Sheet 'Khắc phục', dòng 2, cột 'Ngày hoàn thành': thiếu ngày hoàn thành (bắt buộc khi đã hoàn thành)",
    ]


def test_don_vi_from_a_unit_writes_only_below_it(engine: Engine, tmp_path: Path) -> None:
    ids = seed_tree()
    rows = [
        ["CB-C2", "Chi bộ C2", "Chi bộ trực thuộc", "DB-C", 9, None, None],
        ["CB-C1", "Chi bộ C1 (đổi tên)", "Chi bộ trực thuộc", "DB-C", 10, None, None],
        ["CB-A", "Chi bộ A", "Chi bộ cơ sở", "DU", 20, None, None],
        ["DB-C", "Đảng bộ C", "Đảng bộ cơ sở", "DU", 50, None, None],
    ]
    outcome = import_file(
        write_book(tmp_path / "x.xlsx", {"Đơn vị": (DV, rows)}), ImportOptions("DB-C")
    )
    assert [(i.row, i.column) for i in outcome.errors] == [(4, "Mã đơn vị"), (5, "Mã đơn vị")]
    _ok(write_book(tmp_path / "y.xlsx", {"Đơn vị": (DV, rows[:2])}), ImportOptions("DB-C"))
    with read_session() as s:
        c2 = find_org(s, code="CB-C2")
        assert c2.path == f"{ids['DU']}/{ids['DB-C']}/{c2.id}/"
        assert (
            s.scalar(select(Organisation.name).where(Organisation.id == ids["CB-C1"]))
            == "Chi bộ C1 (đổi tên)"
        )


def test_don_vi_moves_and_closes_units_keeping_the_link_history(
    engine: Engine, tmp_path: Path
) -> None:
    ids = seed_tree()
    rows = [
        ["CB-C1", "Chi bộ C1", "Chi bộ cơ sở", "DU", 10, None, None],
        ["CB-B", "Chi bộ B", "Chi bộ cơ sở", "DU", 20, "Sáp nhập vào CB-A", "01/07/2025"],
    ]
    _ok(
        write_book(tmp_path / "x.xlsx", {"Đơn vị": (DV, rows)}),
        ImportOptions("DU", received_on=date(2025, 6, 1)),
    )
    with read_session() as s:
        c1 = s.get(Organisation, ids["CB-C1"])
        b = s.get(Organisation, ids["CB-B"])
        links = {
            (lk.parent_id, lk.valid_from, lk.valid_to)
            for lk in s.scalars(select(OrgLink).where(OrgLink.org_id == ids["CB-C1"]))
        }
    assert c1 is not None and b is not None
    assert (c1.parent_id, c1.depth, c1.path) == (ids["DU"], 1, f"{ids['DU']}/{ids['CB-C1']}/")
    assert links == {
        (ids["DB-C"], date(2020, 1, 1), date(2025, 6, 1)),
        (ids["DU"], date(2025, 6, 1), None),
    }
    assert (b.status, b.merged_into_id, b.valid_to) == (
        OrgStatus.MERGED,
        ids["CB-A"],
        date(2025, 7, 1),
    )


def test_don_vi_parent_must_exist_or_come_above(engine: Engine, tmp_path: Path) -> None:
    rows = [
        ["ROOT", "Đảng ủy", "Đảng bộ cấp trên cơ sở", None, 10, None, None],
        ["CB-X", "Chi bộ X", "Chi bộ cơ sở", "DB-Y", 5, None, None],
        ["DB-Y", "Đảng bộ Y", "Đảng bộ cơ sở", "ROOT", 5, None, None],
        ["CB-Z", "Chi bộ Z", "Chi bộ cơ sở", None, 5, "Giải thể", None],
    ]
    outcome = import_file(write_book(tmp_path / "x.xlsx", {"Đơn vị": (DV, rows)}))
    assert [i.text() for i in outcome.errors] == [
        "Sheet 'Đơn vị', dòng 3, cột 'Mã đơn vị cấp trên': 'DB-Y' không phải đơn vị đã có hoặc ở một dòng phía trên (đơn vị cấp trên phải có trước)",
        "Sheet 'Đơn vị', dòng 5, cột 'Mã đơn vị cấp trên': thiếu mã đơn vị cấp trên (chỉ đơn vị gốc, một dòng duy nhất, được để trống)",
        "Sheet 'Đơn vị', dòng 5, cột 'Ngày hiệu lực': thiếu ngày hiệu lực (bắt buộc khi đơn vị không còn hoạt động)",
    ]
    assert counts()["organisation"] == 0


def test_danh_gia_reimport_replaces_only_the_stated_years(engine: Engine, tmp_path: Path) -> None:
    ids = seed_tree()
    header = [
        "Mã đơn vị",
        "Năm",
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

    def row(year: int, total: int) -> list[object]:
        return ["CB-A", year, total, total, "Có", "Hoàn thành nhiệm vụ", 0, 0, total, 0, "Có", 50]

    _ok(write_book(tmp_path / "1.xlsx", {"Chỉ tiêu": (header, [row(2023, 10), row(2024, 12)])}))
    assert _ok(
        write_book(tmp_path / "2.xlsx", {"Chỉ tiêu": (header, [row(2024, 14)])}),
        ImportOptions("CB-A", force=True),
    ) == {"created": 0, "updated": 1}
    bad = row(2025, 5)
    bad[3], bad[8] = 6, 9
    outcome = import_file(write_book(tmp_path / "3.xlsx", {"Chỉ tiêu": (header, [bad])}), CB_A)
    assert [i.text() for i in outcome.errors] == [
        "Sheet 'Chỉ tiêu', dòng 2, cột 'Số đảng viên đăng ký chương trình hành động': '6' lớn hơn Tổng số đảng viên",
        "Sheet 'Chỉ tiêu', dòng 2, cột 'Số đảng viên không hoàn thành nhiệm vụ': tổng bốn mức xếp loại đảng viên (9) lớn hơn Tổng số đảng viên (5)",
    ]
    from models import YearFigures

    with read_session() as s:
        assert sorted(
            (y.year, y.members_total)
            for y in s.scalars(select(YearFigures).where(YearFigures.org_id == ids["CB-A"]))
        ) == [(2023, 10), (2024, 14)]


def test_two_files_in_order_each_see_the_state_the_previous_left(
    engine: Engine, tmp_path: Path
) -> None:
    dv = write_book(
        tmp_path / "dv.xlsx",
        {
            "Đơn vị": (
                DV,
                [
                    ["DU", "Đảng ủy", "Đảng bộ cấp trên cơ sở", None, 10, None, None],
                    ["CB-A", "Chi bộ A", "Chi bộ cơ sở", "DU", 5, None, None],
                ],
            )
        },
    )
    ns = nhan_su_book(tmp_path / "ns.xlsx", [person()])
    assert import_file(ns, CB_A).state is IntakeState.REJECTED
    assert import_file(dv).state is IntakeState.ACCEPTED
    assert import_file(ns, CB_A).state is IntakeState.ACCEPTED
    with write_session() as s:
        assert s.scalar(select(Candidate.full_name)) == "Nguyễn Văn An"
