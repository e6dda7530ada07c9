"""What a unit still lacks, read off its status entries (tasks/status/missing.py)."""

from __future__ import annotations

from typing import Any

from tasks.status.missing import count, fold, notes, still_missing


def entry(state: str, **extra: Any) -> dict[str, Any]:
    return {
        "state": state,
        "progress": 0.5,
        "due": "2025-03-01",
        "done_on": None,
        "warnings": [],
        **extra,
    }


def test_nothing_is_missing_when_done_or_not_applicable() -> None:
    assert still_missing("personnel", entry("done", required=4, passed=4)) == []
    assert still_missing("training", entry("not_applicable", pairs=0, satisfied=0)) == []


def test_personnel_says_how_many_more_candidates_must_pass_step_five() -> None:
    lines = still_missing("personnel", entry("overdue", required=12, passed=7, candidates=10))
    assert lines == ["Cần thêm 05 nhân sự qua bước 5 (đã có 07/12; 10 người trong danh sách)."]
    structure = still_missing("personnel", entry("at_risk", required=4, passed=5, candidates=5))
    assert structure and "cơ cấu" in structure[0]
    size = still_missing("personnel", entry("overdue", warnings=["thieu-so-luong-cap-uy"]))
    assert size == ["Chưa báo cáo số lượng cấp ủy dự kiến (biểu mẫu đơn vị)."]


def test_personnel_feasibility_names_each_shortfall_when_the_document_carries_it() -> None:
    feas = {
        "required": 12,
        "passed": 7,
        "pipeline": 3,
        "short_total": 2,
        "targets": [
            {"category": "nu", "need": 2, "have": 1, "pipeline": 0, "state": "short", "short": 1},
            {
                "category": "duoi-40",
                "need": 2,
                "have": 1,
                "pipeline": 1,
                "state": "reachable",
                "short": 0,
            },
            {
                "category": "lan-dau",
                "need": 1,
                "have": 3,
                "pipeline": 0,
                "state": "met",
                "short": 0,
            },
        ],
    }
    lines = still_missing(
        "personnel", entry("overdue", required=12, passed=7, candidates=10, feasibility=feas)
    )
    assert "Cần bổ sung 01 nhân sự nữ." in lines
    assert "Danh sách hiện có không đủ: cần giới thiệu thêm 02 nhân sự." in lines
    assert any("dưới 40 tuổi" in line and "đủ nếu" in line for line in lines)
    assert not any("lần đầu" in line for line in lines)


def test_inspections_training_and_feedback_name_what_is_open() -> None:
    assert still_missing("inspections", entry("not_started", inspections=0)) == [
        "Chưa có cuộc kiểm tra, giám sát nào."
    ]
    lines = still_missing(
        "inspections", entry("overdue", inspections=3, concluded=2, remedies=5, verified=1)
    )
    assert lines == [
        "Còn 01/03 cuộc chưa có kết luận.",
        "Còn 04/05 yêu cầu khắc phục chưa được kiểm tra xác nhận.",
    ]
    assert still_missing("training", entry("on_track", pairs=6, satisfied=4)) == [
        "Còn 02/06 lượt (lớp bắt buộc × chức danh) chưa có người dự."
    ]
    assert still_missing("feedback", entry("overdue", comments=0, answered=0)) == [
        "Chưa gửi văn bản góp ý dự thảo Báo cáo chính trị."
    ]


def test_notes_say_a_late_submission_and_the_answered_comments_once() -> None:
    said = notes("feedback", entry("done", late=True, comments=12, answered=9, warnings=["late"]))
    assert said == ["nộp sau hạn góp ý", "09/12 ý kiến đã được tiếp thu, giải trình."]
    assert notes("personnel", entry("overdue", warnings=["no-due-date"])) == [
        "chưa xác định được thời hạn"
    ]


def test_counts_and_folding() -> None:
    assert [count(n) for n in (0, 7, 10, 1234)] == ["00", "07", "10", "1.234"]
    assert fold("Chi bộ Lê Quý Đôn – ĐẢNG") == "chi bo le quy don – dang"
