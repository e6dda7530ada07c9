"""What an organiser reads for the codes of the status document (Vietnamese)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from tasks.core.text import norm_key

STAGES = ("personnel", "inspections", "feedback", "training")

STAGE_LABELS = {
    "personnel": "Nhân sự cấp ủy khóa mới",
    "inspections": "Kiểm tra, giám sát phục vụ đại hội",
    "feedback": "Góp ý dự thảo Báo cáo chính trị",
    "training": "Tập huấn nghiệp vụ đại hội",
}

STATE_LABELS = {
    "done": "Hoàn thành",
    "overdue": "Quá hạn",
    "at_risk": "Nguy cơ chậm",
    "on_track": "Đúng tiến độ",
    "not_started": "Chưa triển khai",
    "not_applicable": "Không áp dụng",
}

WARNING_LABELS = {
    "thieu-so-luong-cap-uy": "chưa báo cáo số lượng cấp ủy dự kiến",
    "no-due-date": "chưa xác định được thời hạn",
    "dai-hoi-da-to-chuc": "đã tổ chức đại hội khi chưa hoàn thành nội dung này",
    "qua-ngay-du-kien": "đã quá ngày đại hội dự kiến nhưng chưa báo cáo kết quả đại hội",
}

# The letter's six targets (974-CV/ĐU, "II. CHỈ TIÊU CỤ THỂ"), in the letter's order.
TARGET_TEXTS = {
    "tong-hop": "(1) Hoàn thành trên 90% các chỉ tiêu về công tác xây dựng Đảng",
    "dang-ky-ctrhd": "(2) 100% cán bộ, đảng viên đăng ký chương trình hành động cá nhân",
    "kiem-diem-ctrhd": "(3) 100% chi bộ kiểm điểm, đánh giá cuối năm việc thực hiện chương "
    "trình hành động cá nhân",
    "xep-loai-to-chuc": "(4) Trên 90% tổ chức cơ sở đảng được xếp loại hoàn thành tốt nhiệm vụ "
    "trở lên",
    "xep-loai-dang-vien": "(4) Trên 90% đảng viên được xếp loại hoàn thành tốt nhiệm vụ trở lên",
    "qd-1793": "(5) 100% đảng ủy cơ sở thực hiện nghiêm Quy định số 1793-QĐ/TU",
    "so-hoa": "(6) 100% tổ chức cơ sở đảng số hóa văn bản đi, đến",
}

STRUCTURE_LABELS = {
    "nu": "Nữ",
    "duoi-40": "Dưới 40 tuổi",
    "lan-dau": "Tham gia cấp ủy lần đầu",
    "dan-toc-thieu-so": "Người dân tộc thiểu số",
    "tren-dai-hoc": "Trình độ trên đại học",
}


def term_label(term: str) -> str:
    """'2025-2030' as documents write it: '2025 – 2030'."""
    return term.replace("-", " – ") if "-" in term else term


def warning_text(code: str) -> str:
    """A warning code in words (the code itself when it has no words yet)."""
    return WARNING_LABELS.get(code, code)


def unit_labels(status: Mapping[str, Any], scope_name: str) -> dict[str, str]:
    """How documents name each unit of a status document, by code: its name, followed by its
    parent's when another unit of the document bears the same name."""
    units = status["units"]
    name_of = {u["code"]: u["name"] for u in units}
    name_of.setdefault(status["self"]["code"], scope_name)
    seen = Counter(norm_key(u["name"]) for u in units)
    out: dict[str, str] = {}
    for u in units:
        parent = name_of.get(u["parent"]) if u["parent"] else None
        shared = seen[norm_key(u["name"])] > 1 and parent
        out[u["code"]] = f"{u['name']} ({parent})" if shared else u["name"]
    return out


def progress_reason(stage: str, entry: Mapping[str, Any]) -> str:
    """Why a stage at 100% is not done, for the cell beside its percentage ('' otherwise)."""
    if entry["state"] in ("done", "not_applicable") or (entry["progress"] or 0) < 1:
        return ""
    if stage == "personnel":
        passed, required = entry.get("passed", 0), entry.get("required", 0)
        if passed < required:
            return f" (mới {passed}/{required} đồng chí qua bước 5)"
        return " (chưa đạt cơ cấu)"
    return " (chưa đủ điều kiện hoàn thành)"
