"""What flows publish: stage digests, the children table, the overdue summary, snapshots.

Everything here carries organisation codes and aggregates only — never a person's data.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.queries import find_org
from models.records import StatusSnapshot
from tasks.core.plans import STAGES
from tasks.core.text import vn_percent
from tasks.status.document import StatusResult

MAX_OVERDUE_ROWS = 200
STAGE_LABELS = {
    "personnel": "Nhân sự",
    "inspections": "Kiểm tra, giám sát",
    "feedback": "Góp ý dự thảo",
    "training": "Tập huấn",
}


def artifact_key(code: str, suffix: str = "") -> str:
    """`status-<code lower-cased, '.' → '-'>` (accents dropped: Prefect keys are ASCII)."""
    ascii_code = unicodedata.normalize("NFKD", code.replace("Đ", "D").replace("đ", "d"))
    ascii_code = ascii_code.encode("ascii", "ignore").decode().lower().replace(".", "-")
    cleaned = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in ascii_code)
    return f"status-{cleaned}{'-' + suffix if suffix else ''}"


def canonical_sha256(doc: dict[str, Any]) -> str:
    """SHA-256 of a document's canonical JSON."""
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stage_digest(doc: dict[str, Any], stage: str) -> dict[str, Any]:
    """A stage's summary for the scope and the codes of its overdue and at-risk units."""
    overdue = [u["code"] for u in doc["units"] if u["stages"][stage]["state"] == "overdue"]
    at_risk = [u["code"] for u in doc["units"] if u["stages"][stage]["state"] == "at_risk"]
    done = [u["code"] for u in doc["units"] if u["stages"][stage]["state"] == "done"]
    return {
        "stage": stage,
        "org": doc["org"],
        "as_of": doc["as_of"],
        "summary": doc["stages"][stage],
        "overdue": overdue,
        "at_risk": at_risk,
        "done": done,
    }


def children_table(result: StatusResult) -> list[dict[str, Any]]:
    """One row per direct child of the scope: its own plus subtree figures per stage."""
    units = result.units
    scope_id = int(units.sort_values("depth")["id"].iloc[0])
    rows: list[dict[str, Any]] = []
    positions = sorted(
        (int(p) for p in np.flatnonzero((units["parent_id"] == scope_id).to_numpy())),
        key=lambda p: str(units["code"].iloc[p]),
    )
    for pos in positions:
        child_id = int(units["id"].iloc[pos])
        row: dict[str, Any] = {"code": str(units["code"].iloc[pos])}
        for stage in STAGES:
            own = result.per_stage[stage].iloc[pos]
            sub = result.subtree[stage].loc[[child_id]].iloc[0]
            applicable = int(own["applicable"]) + int(sub["applicable"])
            done = int(own["done"]) + int(sub["done"])
            progress_sum = float(own["progress_sum"]) + float(sub["progress_sum"])
            row[f"{stage}_done"] = f"{done}/{applicable}"
            row[f"{stage}_overdue"] = int(own["overdue"]) + int(sub["overdue"])
            row[f"{stage}_progress"] = (
                None if applicable == 0 else round(progress_sum / applicable, 4)
            )
        rows.append(row)
    return rows


def overdue_rows(doc: dict[str, Any], limit: int = MAX_OVERDUE_ROWS) -> list[dict[str, Any]]:
    """At most `limit` overdue units: code, which stages are overdue and since when."""
    rows: list[dict[str, Any]] = []
    for unit in doc["units"]:
        late = [s for s in STAGES if unit["stages"][s]["state"] == "overdue"]
        if late:
            dues = [unit["stages"][s]["due"] for s in late]
            rows.append(
                {"code": unit["code"], "stages": ", ".join(late), "earliest_due": min(dues)}
            )
    rows.sort(key=lambda r: (r["earliest_due"], r["code"]))
    return rows[:limit]


def overdue_markdown(doc: dict[str, Any]) -> str:
    """A markdown summary of the scope's stages and its overdue units (codes only)."""
    lines = [
        f"# Tiến độ chuẩn bị đại hội — {doc['org']} — {doc['as_of']} (kế hoạch {doc['plan']})",
        "",
        "| Nội dung | Áp dụng | Xong | Quá hạn | Sắp hạn | Tiến độ |",
        "|---|---|---|---|---|---|",
    ]
    for stage in STAGES:
        s = doc["stages"][stage]
        pct = vn_percent(s["progress"])
        lines.append(
            f"| {STAGE_LABELS[stage]} | {s['applicable']}/{s['units']} | {s['done']} | "
            f"{s['overdue']} | {s['at_risk']} | {pct} |"
        )
    rows = overdue_rows(doc)
    lines += ["", f"## Đơn vị quá hạn ({len(rows)})", ""]
    lines += [f"- `{r['code']}`: {r['stages']} (hạn sớm nhất {r['earliest_due']})" for r in rows]
    return "\n".join(lines)


def overall_progress(doc: dict[str, Any]) -> float:
    """Mean of the four stages' progress, in percent (for Prefect's progress artifact)."""
    values = [
        doc["stages"][s]["progress"] for s in STAGES if doc["stages"][s]["progress"] is not None
    ]
    return round(100 * sum(values) / len(values), 2) if values else 0.0


def write_snapshot(session: Session, *, doc: dict[str, Any]) -> tuple[bool, str]:
    """Store the day's snapshot of a scope once; a second write the same day changes nothing.

    Returns (created, sha256 of the stored snapshot).
    """
    scope = find_org(session, code=doc["org"])
    day = date.fromisoformat(doc["as_of"])
    existing = session.execute(
        select(StatusSnapshot.sha256).where(
            StatusSnapshot.scope_org_id == scope.id, StatusSnapshot.day == day
        )
    ).scalar_one_or_none()
    if existing is not None:
        return False, existing
    sha = canonical_sha256(doc)
    try:
        with session.begin_nested():
            session.add(
                StatusSnapshot(
                    scope_org_id=scope.id, day=day, plan=doc["plan"], sha256=sha, payload=doc
                )
            )
    except IntegrityError:
        # Another writer stored the day's snapshot first: theirs stands.
        stored = session.execute(
            select(StatusSnapshot.sha256).where(
                StatusSnapshot.scope_org_id == scope.id, StatusSnapshot.day == day
            )
        ).scalar_one()
        return False, stored
    return True, sha
