"""The targets report: the letter's six targets of the year, in the letter's order, from the
status document alone, with a chart when there are any."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tasks.core.text import vn_int
from tasks.reports import charts
from tasks.reports.labels import TARGET_TEXTS
from tasks.reports.planning import Kind, PlannedDocument, Request


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
        # Spaces around the slash: a narrow cell wraps between the numbers, never inside one.
        result = f"{vn_int(t['numerator'])} / {vn_int(t['denominator'])}"
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


def plan(req: Request) -> list[PlannedDocument]:
    """The scope's targets report for the status's year."""
    year = req.status["year"]
    subject = (
        f"Kết quả thực hiện các chỉ tiêu Chủ đề năm {year if year else ''}".strip() + req.suffix()
    )
    has_chart = bool(req.status["targets"])
    ctx = build_targets_context(
        doc=req.doc(req.report_head(subject)),
        status=req.status,
        scope_name=req.scope.name,
        has_chart=has_chart,
    )
    images = {"targets": charts.targets_chart(req.status["targets"])} if has_chart else {}
    return [req.report("targets", subject, ctx, images=images)]


KIND = Kind("targets", plan)
