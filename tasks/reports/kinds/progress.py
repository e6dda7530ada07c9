"""The progress report: every stage, the laggards, the scope's own state and what changed since
the previous archived progress report. Its context is drawn from the status document alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

import pandas as pd
from sqlalchemy.orm import Session

from models.queries import OrgRef
from models.records import ReportArchive
from tasks.reports import archive, charts
from tasks.reports import party_format as pf
from tasks.reports.labels import (
    STAGE_LABELS,
    STAGES,
    STATE_LABELS,
    progress_reason,
    term_label,
    unit_labels,
)
from tasks.reports.planning import Kind, PlannedDocument, Request
from tasks.status.document import stage_summary
from tasks.status.forecast import WINDOW_DAYS, add_forecast
from tasks.status.trend import DayFrames, engine_of, remember_subtree, subtree_trends

NAMES_SHOWN = 15
DECISION_KEYS = ("short_units", "forecast_late")
_STAGE_COUNTS = ("applicable", "done", "on_track", "at_risk", "overdue", "not_started", "progress")


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
    # The stage counts only: decision support's additive figures (short_units, forecast_late)
    # are not what the next report compares.
    stages = {
        s: {k: v for k, v in entry.items() if k not in DECISION_KEYS}
        for s, entry in status["stages"].items()
    }
    return {"stages": stages, "done": done, "overdue": overdue}


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


FORECAST_STATES = {"late": "Không kịp", "stalled": "Không tiến triển"}


def _forecast_rows(status: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Units (a leaf: the scope itself) forecast `late` or `stalled`, by stage, in tree order."""
    units = status["units"] or [{"name": None, **status["self"]}]
    rows: list[dict[str, Any]] = []
    for unit in units:
        for stage in STAGES:
            entry = unit["stages"][stage]
            forecast = entry.get("forecast")
            if forecast and forecast["state"] in FORECAST_STATES:
                rows.append(
                    {
                        "stt": len(rows) + 1,
                        "name": unit["name"] or unit["code"],
                        "stage": STAGE_LABELS[stage],
                        "state": FORECAST_STATES[forecast["state"]],
                        "eta": forecast["eta"] or "",
                        "due": entry["due"] or "",
                    }
                )
    return rows


def has_units(status: Mapping[str, Any]) -> bool:
    """Whether a status has units other than its scope (a leaf's one row is itself)."""
    return any(u["code"] != status["self"]["code"] for u in status["units"])


def held_lines(status: Mapping[str, Any]) -> list[str]:
    """Units whose congress was held before they finished a stage, named apart (DESIGN.md
    "A congress already held"), in tree order."""
    lines: list[str] = []
    for unit in status["units"]:
        lapsed = [
            STAGE_LABELS[s].lower()
            for s in STAGES
            if "dai-hoi-da-to-chuc" in unit["stages"][s]["warnings"]
        ]
        if lapsed:
            lines.append(
                f"{unit['name']} đã tổ chức đại hội khi chưa hoàn thành: {'; '.join(lapsed)}."
            )
    return lines


def build_progress_context(
    *,
    doc: dict[str, Any],
    status: Mapping[str, Any],
    scope_name: str,
    previous: PreviousReport | None,
    has_chart: bool,
    has_trend: bool = False,
) -> dict[str, Any]:
    """The progress report: every stage, laggards, the scope's own state, changes since last."""
    stages = [
        {"label": STAGE_LABELS[s], **{k: status["stages"][s][k] for k in _STAGE_COUNTS}}
        for s in STAGES
    ]
    fb = status["stages"]["feedback"]
    label_of = unit_labels(status, scope_name)
    laggards: list[dict[str, Any]] = []
    for unit in status["units"]:
        for stage in STAGES:
            entry = unit["stages"][stage]
            if entry["state"] in ("overdue", "at_risk"):
                laggards.append(
                    {
                        "stt": len(laggards) + 1,
                        "name": label_of[unit["code"]],
                        "stage": STAGE_LABELS[stage],
                        "due": entry["due"] or "",
                        "state": STATE_LABELS[entry["state"]],
                        "progress": entry["progress"],
                        "why": progress_reason(stage, entry),
                    }
                )
    return {
        "doc": doc,
        "scope": {"name": scope_name, "units": len(status["units"])},
        "held": held_lines(status),
        "stages": stages,
        "has_chart": has_chart,
        "has_trend": has_trend,
        "forecast": _forecast_rows(status),
        "feedback": {k: fb[k] for k in ("applicable", "done", "late", "comments", "answered")},
        "own": _own_line(status),
        "laggards": laggards,
        "changes": _changes(status, previous),
    }


def previous_of(row: ReportArchive | None, issuer_code: str) -> PreviousReport | None:
    """What a progress report says of the archived one before it (None: nothing to compare)."""
    if row is None or row.summary is None:
        return None
    line = pf.number_line(row.number, row.doc_type, issuer_code) if row.number else None
    return PreviousReport(as_of=row.as_of, number_line=line, summary=row.summary)


def _previous(
    session: Session, scope: OrgRef, as_of: date, issuer_code: str
) -> PreviousReport | None:
    row = archive.latest_archived(session, kind="progress", scope_id=scope.id, before=as_of)
    return previous_of(row, issuer_code)


def progress_of(
    req: Request,
    org: OrgRef,
    status: Mapping[str, Any],
    previous: PreviousReport | None,
    trend: Sequence[Mapping[str, Any]] = (),
) -> PlannedDocument:
    """The progress report of `org` from its status document with the forecast and its trend
    (the whole one, or the part unit_statuses cuts from a wider scope's, and the trend
    trend_and_forecast cuts from it: both give the same document)."""
    subject = (
        f"Tiến độ chuẩn bị đại hội đảng bộ, chi bộ nhiệm kỳ {term_label(req.settings.term)}"
        f"{req.suffix(org)}"
    )
    # A leaf's report is about itself (its one row): a per-unit document, drawn without a chart.
    has_chart = has_units(status)
    ctx = build_progress_context(
        doc=req.doc(req.report_head(subject)),
        status=status,
        scope_name=org.name,
        previous=previous,
        has_chart=has_chart,
        has_trend=has_chart and bool(trend),
    )
    images = {"stages": charts.stages_chart(status["stages"])} if has_chart else {}
    if has_chart and trend:  # like the stages chart: a unit without descendants has none
        images["trend"] = charts.trend_chart(trend)
    return req.report(
        "progress", subject, ctx, about=org, images=images, summary=progress_summary(status)
    )


def plan(req: Request) -> list[PlannedDocument]:
    """The scope's progress report, compared with its previous archived one."""
    previous = _previous(req.s, req.scope, req.as_of, req.settings.issuer.code)
    points = trend_and_forecast(req, [req.scope] if has_units(req.status) else [])
    return [progress_of(req, req.scope, req.status, previous, points.get(req.scope.id, []))]


def trend_and_forecast(req: Request, charted: Sequence[OrgRef]) -> dict[int, list[Any]]:
    """The trend of each charted org (a unit with units, at or under the request's scope, by
    id) and the forecast added to the request's status, from one judgement of the scope per
    day: the trend's points the cache does not hold are cut from it (tasks.status.trend
    DayFrames) and the forecast reads its D − 28, a trend day; the status's own day is its
    frames. The fresh points are filed (in a transaction of their own)."""
    frames = DayFrames.of_status(req.s, req.result, plan=req.plan_name)
    points: dict[int, list[Any]] = {}
    if charted:
        trends = subtree_trends(
            req.s,
            scope=req.scope,
            orgs=charted,
            as_of=req.as_of,
            plan=req.plan_name,
            frames=frames,
        )
        remember_subtree(engine_of(req.s), trends)
        points = trends.points
    _, then = frames.get(req.as_of - timedelta(days=WINDOW_DAYS))
    add_forecast(req.s, req.result, plan=req.plan_name, then=then)
    return points


def unit_statuses(req: Request, orgs: Sequence[OrgRef]) -> dict[int, dict[str, Any]]:
    """For each org at or under the request's scope, the parts of status(scope=org) that a
    progress report reads ("stages", "self", "units"), cut from the scope's status instead of
    computed again: a unit's own entries do not depend on the scope; its descendants, in tree
    order, are the block right after it in this document's units (tree order is by the codes
    along the path, so they share its prefix and nothing else does); its stage summaries are
    its subtree sums. Entries are shared, not copied ("depth" stays relative to the scope:
    the report does not read it)."""
    units: list[dict[str, Any]] = req.status["units"]
    position = {u["code"]: i for i, u in enumerate(units)}
    path_of = dict(zip(req.result.units["code"], req.result.units["path"], strict=True))
    ids = [o.id for o in orgs]
    # Plain rows, not a Series per unit and stage: stage_summary only reads row[column].
    sums = {
        s: cast(dict[int, "pd.Series[Any]"], req.result.subtree[s].loc[ids].to_dict("index"))
        for s in STAGES
    }
    out: dict[int, dict[str, Any]] = {}
    for org in orgs:
        if org.id == req.scope.id:
            own, block = req.status["self"], units
        else:
            start = position[org.code] + 1
            end = start
            while end < len(units) and path_of[units[end]["code"]].startswith(org.path):
                end += 1
            own = {"code": org.code, "stages": units[start - 1]["stages"]}
            block = units[start:end]
        if org.id == req.scope.id:
            stages = req.status["stages"]
        elif not block:  # a leaf: its own figures are its one row (DESIGN.md, status rules)
            block, stages = [units[start - 1]], {}
        else:
            stages = {s: stage_summary(sums[s][org.id], len(block), s) for s in STAGES}
        out[org.id] = {"org": org.code, "stages": stages, "self": own, "units": block}
    leaves = [i for i, view in out.items() if not view["stages"]]
    for s in STAGES:
        own_rows = cast(
            dict[int, "pd.Series[Any]"],
            req.result.per_stage[s].set_index("id").loc[leaves].to_dict("index"),
        )
        for i in leaves:
            out[i]["stages"][s] = stage_summary(own_rows[i], 1, s)
    return out


KIND = Kind("progress", plan)
