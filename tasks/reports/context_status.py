"""Context builders for the reports drawn from the status document alone: progress, targets
and the reminder letters. Pure functions of dicts; every key is a variable the template uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tasks.reports.labels import (
    STAGE_LABELS,
    STAGES,
    STATE_LABELS,
    TARGET_TEXTS,
    warning_text,
)

BAR_CELLS = 10
BAR_DONE = "2E7D32"
BAR_LATE = "C62828"
BAR_EMPTY = "FFFFFF"
NAMES_SHOWN = 15


@dataclass(frozen=True)
class PreviousReport:
    """The latest archived progress report of the scope before this one."""

    as_of: date
    number_line: str | None
    summary: Mapping[str, Any]


def progress_summary(status: Mapping[str, Any]) -> dict[str, Any]:
    """What a progress report archives so the next one can say what changed: codes and counts."""
    done: dict[str, list[str]] = {s: [] for s in STAGES}
    overdue: dict[str, list[str]] = {s: [] for s in STAGES}
    for unit in status["units"]:
        for stage in STAGES:
            state = unit["stages"][stage]["state"]
            if state == "done":
                done[stage].append(unit["code"])
            elif state == "overdue":
                overdue[stage].append(unit["code"])
    return {"stages": status["stages"], "done": done, "overdue": overdue}


def _names(codes: list[str], name_of: Mapping[str, str]) -> str:
    shown = [name_of.get(c, c) for c in codes[:NAMES_SHOWN]]
    rest = len(codes) - len(shown)
    return "; ".join(shown) + (f" và {rest} đơn vị khác" if rest > 0 else "")


def _changes(status: Mapping[str, Any], previous: PreviousReport | None) -> dict[str, Any]:
    if previous is None:
        return {"previous": False, "previous_date": "", "previous_ref": "", "lines": []}
    now = progress_summary(status)
    before = previous.summary
    name_of = {u["code"]: u["name"] for u in status["units"]}
    lines: list[str] = []
    for stage in STAGES:
        cur = now["stages"][stage]
        old = before.get("stages", {}).get(stage, {})
        delta = cur["done"] - int(old.get("done", 0))
        line = (
            f"{STAGE_LABELS[stage]}: hoàn thành {old.get('done', 0)} → {cur['done']} đơn vị "
            f"({delta:+d}); quá hạn {old.get('overdue', 0)} → {cur['overdue']} đơn vị."
        )
        lines.append(line)
        was_done = set(before.get("done", {}).get(stage, []))
        was_late = set(before.get("overdue", {}).get(stage, []))
        new_done = [c for c in now["done"][stage] if c not in was_done]
        new_late = [c for c in now["overdue"][stage] if c not in was_late]
        if new_done:
            lines.append(
                f"Mới hoàn thành nội dung {STAGE_LABELS[stage].lower()}: "
                f"{_names(new_done, name_of)}."
            )
        if new_late:
            lines.append(
                f"Mới quá hạn nội dung {STAGE_LABELS[stage].lower()}: {_names(new_late, name_of)}."
            )
    ref = f" (số {previous.number_line.removeprefix('Số ')})" if previous.number_line else ""
    return {
        "previous": True,
        "previous_date": previous.as_of.isoformat(),
        "previous_ref": ref,
        "lines": lines,
    }


def _own_line(status: Mapping[str, Any]) -> str:
    own = status["self"]["stages"]
    parts = [
        f"{STAGE_LABELS[s].lower()} — {STATE_LABELS.get(own[s]['state'], own[s]['state']).lower()}"
        for s in STAGES
        if s in own
    ]
    return "; ".join(parts)


def build_progress_context(
    *,
    doc: dict[str, Any],
    status: Mapping[str, Any],
    scope_name: str,
    previous: PreviousReport | None,
    has_chart: bool,
) -> dict[str, Any]:
    """The progress report: every stage, laggards, the scope's own state, changes since last."""
    stages = [
        {
            "label": STAGE_LABELS[s],
            **{
                k: status["stages"][s][k]
                for k in (
                    "applicable",
                    "done",
                    "on_track",
                    "at_risk",
                    "overdue",
                    "not_started",
                    "progress",
                )
            },
        }
        for s in STAGES
    ]
    fb = status["stages"]["feedback"]
    laggards: list[dict[str, Any]] = []
    for unit in status["units"]:
        for stage in STAGES:
            entry = unit["stages"][stage]
            if entry["state"] in ("overdue", "at_risk"):
                laggards.append(
                    {
                        "stt": len(laggards) + 1,
                        "name": unit["name"],
                        "stage": STAGE_LABELS[stage],
                        "due": entry["due"] or "",
                        "state": STATE_LABELS[entry["state"]],
                        "progress": entry["progress"],
                    }
                )
    return {
        "doc": doc,
        "scope": {"name": scope_name, "units": len(status["units"])},
        "stages": stages,
        "has_chart": has_chart,
        "feedback": {k: fb[k] for k in ("applicable", "done", "late", "comments", "answered")},
        "own": _own_line(status),
        "laggards": laggards,
        "changes": _changes(status, previous),
    }


def _threshold(op: str, threshold: float) -> str:
    pct = f"{threshold * 100:g}%".replace(".", ",")
    return f"{'≥' if op == '>=' else '>'} {pct}"


def build_targets_context(
    *, doc: dict[str, Any], status: Mapping[str, Any], scope_name: str, has_chart: bool
) -> dict[str, Any]:
    """The targets report: the letter's six targets for the year, in the letter's order."""
    by_code = {t["code"]: t for t in status["targets"]}
    rows: list[dict[str, Any]] = []
    for code, text in TARGET_TEXTS.items():
        t = by_code.get(code)
        if t is None:
            continue
        result = f"{t['numerator']:,}/{t['denominator']:,}".replace(",", ".")
        reporting = t.get("reporting")
        population = t.get("population")
        rows.append(
            {
                "stt": len(rows) + 1,
                "text": text,
                "result": result,
                "actual": t["actual"],
                "threshold": _threshold(t["op"], t["threshold"]),
                "met": "Đạt" if t["met"] else "Chưa đạt",
                "reporting": "" if reporting is None else f"{reporting}/{population}",
            }
        )
    met = sum(1 for t in status["targets"] if t["met"] and t["code"] != "tong-hop")
    total = sum(1 for t in status["targets"] if t["code"] != "tong-hop")
    return {
        "doc": doc,
        "scope": {"name": scope_name},
        "year": status["year"] if status["year"] is not None else "",
        "targets": rows,
        "summary": {"met": met, "total": total},
        "has_chart": has_chart,
    }


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
    parts += [warning_text(w) for w in entry.get("warnings", [])]
    return "; ".join(parts)


def overdue_units(status: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Units with at least one stage overdue, in tree order."""
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
                "bar": _bar(entry["progress"], late=True),
                "detail": _detail(stage, entry),
            }
        )
    return {
        "doc": doc,
        "unit": {"name": unit["name"], "congress_date": unit.get("congress_date") or ""},
        "items": items,
    }
