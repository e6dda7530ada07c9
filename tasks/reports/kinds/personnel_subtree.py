"""The personnel kind's subtree variant (`--subtree`): one row of counts per judged unit of the
scope, no names. Its rows come from the status's personnel judgement, not from a query."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tasks.reports.labels import STATE_LABELS, term_label
from tasks.reports.planning import PlannedDocument, Request, opt_int, records
from tasks.status.feasibility import shortfall_words

ARCHIVE_KIND = "personnel-subtree"
TEMPLATE = "personnel_subtree"
_COUNTS = ("passed", "nu", "duoi_40", "dan_toc", "lan_dau", "tren_dh")


def build_personnel_subtree_context(
    *, doc: dict[str, Any], scope_name: str, rows: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """A subtree's personnel summary: one row per unit (tree order), counts only, no names."""
    out = []
    for i, r in enumerate(rows, start=1):
        size = r["committee_size"]
        out.append(
            {
                "stt": i,
                "name": r["name"],
                "size": "" if size is None else str(size),
                "required": "" if size is None else str(r["required"]),
                "passed": r["passed"],
                "nu": r["nu"],
                "duoi_40": r["duoi_40"],
                "dan_toc": r["dan_toc"],
                "lan_dau": r["lan_dau"],
                "tren_dh": r["tren_dh"],
                "state": STATE_LABELS.get(r["state"], r["state"]),
            }
        )
    short = [{"name": r["name"], "words": r["shortfall"]} for r in rows if r.get("shortfall")]
    totals = {k: sum(int(r[k]) for r in rows) for k in _COUNTS}
    passed = totals["passed"]
    totals["nu_share"] = totals["nu"] / passed if passed else None  # type: ignore[assignment]
    totals["duoi_40_share"] = totals["duoi_40"] / passed if passed else None  # type: ignore[assignment]
    return {
        "doc": doc,
        "scope": {"name": scope_name, "units": len(rows)},
        "rows": out,
        "totals": totals,
        "short": short,
    }


def _rows(req: Request) -> list[dict[str, Any]]:
    """Each judged unit's committee size and personnel counts, in tree order."""
    judged = records(req.result.per_stage["personnel"])
    rows = []
    for org_id in req.judged_units():
        j = judged[org_id]
        rows.append(
            {
                "name": req.names[org_id],
                "committee_size": opt_int(req.units[org_id]["committee_size"]),
                "required": int(j["required"]),
                "passed": int(j["passed"]),
                "nu": int(j["nu"]),
                "duoi_40": int(j["duoi_40"]),
                "dan_toc": int(j["dan_toc_thieu_so"]),
                "lan_dau": int(j["lan_dau"]),
                "tren_dh": int(j["tren_dai_hoc"]),
                "state": str(j["state"]),
                "shortfall": shortfall(req.unit_stages(org_id)["personnel"]),
            }
        )
    return rows


def shortfall(entry: Mapping[str, Any]) -> str | None:
    """What a unit's slate still lacks, in words (None when done or nothing is short)."""
    if entry["state"] == "done":
        return None
    return shortfall_words(entry.get("feasibility"))


def plan(req: Request) -> list[PlannedDocument]:
    """The subtree's personnel summary."""
    subject = (
        f"Tổng hợp nhân sự dự kiến cấp ủy khóa mới nhiệm kỳ {term_label(req.settings.term)}"
        f"{req.suffix()}"
    )
    ctx = build_personnel_subtree_context(
        doc=req.doc(req.report_head(subject)), scope_name=req.scope.name, rows=_rows(req)
    )
    return [req.report(ARCHIVE_KIND, subject, ctx, template=TEMPLATE)]
