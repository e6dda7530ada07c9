"""The reminder letters (công văn đôn đốc): one to each unit with a stage overdue, listing each
overdue stage with its due date, lag and progress bar. From the status document alone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from tasks.reports import party_format as pf
from tasks.reports.labels import (
    STAGE_LABELS,
    STAGES,
    progress_reason,
    unit_labels,
    warning_text,
)
from tasks.reports.planning import Kind, PlannedDocument, Request
from tasks.status.feasibility import shortfall_words

BAR_CELLS = 10
BAR_DONE = "2E7D32"
BAR_LATE = "C62828"
BAR_EMPTY = "FFFFFF"
SUBJECT = "V/v đôn đốc hoàn thành các nội dung chuẩn bị đại hội"


def _bar(progress: float | None, late: bool) -> list[str]:
    filled = round((progress or 0.0) * BAR_CELLS)
    colour = BAR_LATE if late else BAR_DONE
    return [colour] * filled + [BAR_EMPTY] * (BAR_CELLS - filled)


def _detail(stage: str, entry: Mapping[str, Any]) -> str:
    parts: list[str] = []
    if stage == "personnel":
        parts.append(
            f"đã có {entry.get('passed', 0)}/{entry.get('required', 0)} đồng chí hoàn "
            "thành bước 5 của quy trình giới thiệu nhân sự"
        )
    elif stage == "inspections":
        if entry.get("inspections", 0) == 0:
            parts.append("chưa được kiểm tra, giám sát")
        else:
            parts.append(
                f"{entry.get('concluded', 0)}/{entry.get('inspections', 0)} cuộc kiểm "
                f"tra, giám sát đã có kết luận; {entry.get('verified', 0)}/"
                f"{entry.get('remedies', 0)} nội dung khắc phục đã được kiểm tra xác nhận"
            )
    elif stage == "feedback":
        parts.append("chưa gửi ý kiến góp ý dự thảo Báo cáo chính trị")
    elif stage == "training":
        parts.append(
            f"mới cử {entry.get('satisfied', 0)}/{entry.get('pairs', 0)} lượt thành phần "
            "bắt buộc tham dự tập huấn"
        )
    # A past planned date is said once, in the letter's congress line, not under every stage.
    parts += [warning_text(w) for w in entry.get("warnings", []) if w != "qua-ngay-du-kien"]
    return "; ".join(parts)


def congress_line(congress_date: str | None, as_of: date) -> str:
    """The letter's sentence on the unit's congress: a planned date still to come is "dự kiến
    tổ chức"; one already past is spoken of in the past (DESIGN.md "A congress already held")."""
    if not congress_date:
        return "Đơn vị chưa báo cáo ngày dự kiến tổ chức đại hội."
    day = date.fromisoformat(congress_date)
    if day >= as_of:
        return f"Đại hội của đơn vị dự kiến tổ chức ngày {day:%d/%m/%Y}."
    return (
        f"Theo kế hoạch, đại hội của đơn vị được tổ chức ngày {day:%d/%m/%Y}; đến nay đã quá "
        "ngày này nhưng đơn vị chưa báo cáo kết quả tổ chức đại hội."
    )


def overdue_units(status: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Units with at least one stage overdue, in tree order (a unit whose congress was held has
    none: its unfinished stages are no longer applicable)."""
    return [u for u in status["units"] if any(u["stages"][s]["state"] == "overdue" for s in STAGES)]


def build_reminder_context(
    *, doc: dict[str, Any], unit: Mapping[str, Any], as_of: date
) -> dict[str, Any]:
    """A reminder letter to one unit: each overdue stage, its due date, lag and progress."""
    items: list[dict[str, Any]] = []
    for stage in STAGES:
        entry = unit["stages"][stage]
        if entry["state"] != "overdue":
            continue
        due = date.fromisoformat(entry["due"]) if entry["due"] else None
        items.append(
            {
                "stt": len(items) + 1,
                "label": STAGE_LABELS[stage],
                "due": entry["due"] or "",
                "days_late": (as_of - due).days if due else 0,
                "progress": entry["progress"],
                "why": progress_reason(stage, entry),
                "bar": _bar(entry["progress"], late=True),
                "detail": _detail(stage, entry),
            }
        )
    personnel = unit["stages"]["personnel"]
    short = None if personnel["state"] == "done" else shortfall_words(personnel.get("feasibility"))
    return {
        "doc": doc,
        "unit": {
            "name": unit["name"],
            "congress_date": unit.get("congress_date") or "",
            "shortfall": short or "",
            "congress_line": congress_line(unit.get("congress_date"), as_of),
        },
        "items": items,
    }


def plan(req: Request) -> list[PlannedDocument]:
    """A letter to each unit with a stage overdue, in tree order."""
    ids = req.ids()
    label_of = unit_labels(req.status, req.scope.name)
    docs = []
    for unit in overdue_units(req.status):
        name = label_of[unit["code"]]
        head = pf.DocumentHead(pf.LETTER, "", SUBJECT, ["Như trên"], addressee=name)
        ctx = build_reminder_context(doc=req.doc(head), unit=unit, as_of=req.as_of)
        docs.append(
            PlannedDocument(
                kind="reminders",
                template="reminders",
                subject_id=ids[unit["code"]],
                subject_code=unit["code"],
                doc_type=pf.LETTER,
                context=ctx,
                title=SUBJECT,
            )
        )
    return docs


KIND = Kind("reminders", plan)
