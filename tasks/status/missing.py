"""What exactly a unit still lacks, stage by stage, in words an organiser reads (a unit's page,
WEB.md): read off the unit's entries of the status document, never computed a second way.

When a personnel entry carries `feasibility` (DESIGN.md "Decision support"), its shortfalls
are said too ("cần bổ sung 01 nhân sự nữ"); without it, what the document says now.
"""

from __future__ import annotations

import unicodedata
from typing import Any

CATEGORY_WORDS = {
    "nu": "nữ",
    "duoi-40": "dưới 40 tuổi",
    "lan-dau": "tham gia cấp ủy lần đầu",
    "dan-toc-thieu-so": "là người dân tộc thiểu số",
    "tren-dai-hoc": "có trình độ trên đại học",
}

WARNING_WORDS = {
    "thieu-so-luong-cap-uy": "chưa báo cáo số lượng cấp ủy dự kiến",
    "no-due-date": "chưa xác định được thời hạn",
    "late": "nộp sau hạn góp ý",
    "dai-hoi-da-to-chuc": "đã tổ chức đại hội khi chưa hoàn thành",
    "qua-ngay-du-kien": "đã qua ngày đại hội dự kiến mà chưa có ngày tổ chức",
}


def fold(text: str) -> str:
    """Lower-case without diacritics (đ → d): what a search box compares."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def count(n: int) -> str:
    """A count as Party documents write small ones: two digits (01, 09), then 10, 1.234."""
    return f"{n:02d}" if 0 <= n < 10 else f"{n:,}".replace(",", ".")


def warning_words(code: str) -> str:
    """A warning code in words (the code itself when it has none yet)."""
    return WARNING_WORDS.get(code, code)


def _personnel(entry: dict[str, Any]) -> list[str]:
    required, passed = int(entry.get("required", 0)), int(entry.get("passed", 0))
    listed = int(entry.get("candidates", 0))
    if "thieu-so-luong-cap-uy" in entry.get("warnings", []):
        return ["Chưa báo cáo số lượng cấp ủy dự kiến (biểu mẫu đơn vị)."]
    out = []
    feas = entry.get("feasibility")
    if passed < required:
        out.append(
            f"Cần thêm {count(required - passed)} nhân sự qua bước 5 "
            f"(đã có {count(passed)}/{count(required)}; {count(listed)} người trong danh sách)."
        )
    if feas:
        short_total = int(feas.get("short_total", 0))
        if short_total > 0:
            out.append(
                f"Danh sách hiện có không đủ: cần giới thiệu thêm {count(short_total)} nhân sự."
            )
        for target in feas.get("targets", []):
            if target.get("state") == "short" and int(target.get("short", 0)) > 0:
                words = CATEGORY_WORDS.get(target["category"], target["category"])
                out.append(f"Cần bổ sung {count(int(target['short']))} nhân sự {words}.")
            elif target.get("state") == "reachable":
                words = CATEGORY_WORDS.get(target["category"], target["category"])
                out.append(
                    f"Cơ cấu nhân sự {words}: đủ nếu nhân sự đang trong quy trình qua bước 5."
                )
    elif passed >= required > 0:
        out.append("Đủ số lượng nhưng cơ cấu (nữ, dưới 40 tuổi, …) chưa đạt chỉ tiêu kế hoạch.")
    return out


def _inspections(entry: dict[str, Any]) -> list[str]:
    total, concluded = int(entry.get("inspections", 0)), int(entry.get("concluded", 0))
    remedies, verified = int(entry.get("remedies", 0)), int(entry.get("verified", 0))
    if total == 0:
        return ["Chưa có cuộc kiểm tra, giám sát nào."]
    out = []
    if concluded < total:
        out.append(f"Còn {count(total - concluded)}/{count(total)} cuộc chưa có kết luận.")
    if verified < remedies:
        out.append(
            f"Còn {count(remedies - verified)}/{count(remedies)} yêu cầu khắc phục "
            "chưa được kiểm tra xác nhận."
        )
    return out


def _feedback(entry: dict[str, Any]) -> list[str]:
    return ["Chưa gửi văn bản góp ý dự thảo Báo cáo chính trị."]


def _training(entry: dict[str, Any]) -> list[str]:
    pairs, satisfied = int(entry.get("pairs", 0)), int(entry.get("satisfied", 0))
    if pairs <= satisfied:
        return []
    return [
        f"Còn {count(pairs - satisfied)}/{count(pairs)} lượt (lớp bắt buộc × chức danh) "
        "chưa có người dự."
    ]


_RULES = {
    "personnel": _personnel,
    "inspections": _inspections,
    "feedback": _feedback,
    "training": _training,
}


def still_missing(stage: str, entry: dict[str, Any]) -> list[str]:
    """What a unit still lacks in a stage (empty when done or not applicable)."""
    if entry["state"] in ("done", "not_applicable"):
        return []
    return _RULES[stage](entry)


def notes(stage: str, entry: dict[str, Any]) -> list[str]:
    """Facts beside the state worth saying: warnings, a late submission, open comments."""
    said = {"late", "thieu-so-luong-cap-uy"}  # said by still_missing or just below
    out = [warning_words(w) for w in entry.get("warnings", []) if w not in said]
    if stage == "feedback":
        if entry.get("late"):
            out.append(warning_words("late"))
        comments, answered = int(entry.get("comments", 0)), int(entry.get("answered", 0))
        if comments:
            out.append(f"{count(answered)}/{count(comments)} ý kiến đã được tiếp thu, giải trình.")
    return out
