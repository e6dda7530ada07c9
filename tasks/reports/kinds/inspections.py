"""The inspections report: the subtree's inspections and supervisions, their conclusions, the
remedies not yet verified and the units not inspected. Two queries, one pure context."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from models.enums import InspectionForm, InspectionKind, RemedyStatus
from models.inspection import Inspection, Remedy
from models.org import Organisation
from models.tree import at_or_under
from tasks.reports.labels import term_label
from tasks.reports.planning import Kind, PlannedDocument, Request


@dataclass(frozen=True)
class InspectionRow:
    """An inspection started by as_of, concluded only if by as_of, with its remedy counts."""

    org_id: int
    code: str
    kind: InspectionKind
    form: InspectionForm
    started_on: date
    concluded_on: date | None
    has_violation: bool | None
    remedies: int
    verified: int
    completed: int


def inspections_of(session: Session, *, scope_path: str, as_of: date) -> list[InspectionRow]:
    """Every inspection in the subtree started by as_of, with remedies verified/completed by then."""
    done_by = Remedy.completed_on <= as_of
    verified = and_(Remedy.status == RemedyStatus.XAC_NHAN, done_by)
    completed = and_(Remedy.status == RemedyStatus.HOAN_THANH, done_by)
    rem = (
        select(
            Remedy.inspection_id,
            func.count().label("remedies"),
            func.sum(case((verified, 1), else_=0)).label("verified"),
            func.sum(case((completed, 1), else_=0)).label("completed"),
        )
        .group_by(Remedy.inspection_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Inspection.org_id,
            Inspection.code,
            Inspection.kind,
            Inspection.form,
            Inspection.started_on,
            case((Inspection.concluded_on <= as_of, Inspection.concluded_on), else_=None),
            case((Inspection.concluded_on <= as_of, Inspection.has_violation), else_=None),
            func.coalesce(rem.c.remedies, 0),
            func.coalesce(rem.c.verified, 0),
            func.coalesce(rem.c.completed, 0),
        )
        .join(Organisation, Organisation.id == Inspection.org_id)
        .outerjoin(rem, rem.c.inspection_id == Inspection.id)
        .where(at_or_under(scope_path), Inspection.started_on <= as_of)
        .order_by(Organisation.path, Inspection.started_on, Inspection.code)
    ).all()
    return [InspectionRow(*row) for row in rows]


@dataclass(frozen=True)
class RemedyRow:
    """A remedy not verified as of the date, and what it looked like then."""

    org_id: int
    inspection_code: str
    seq: int
    requirement: str
    due_on: date
    status: RemedyStatus


def pending_remedies(session: Session, *, scope_path: str, as_of: date) -> list[RemedyRow]:
    """Remedies of inspections started by as_of that were not verified by then."""
    done_by = Remedy.completed_on <= as_of
    verified = and_(Remedy.status == RemedyStatus.XAC_NHAN, done_by)
    # A completion dated after as_of had not happened yet on that day.
    status_then = case(
        (
            and_(Remedy.status.in_((RemedyStatus.HOAN_THANH, RemedyStatus.XAC_NHAN)), ~done_by),
            RemedyStatus.DANG.value,
        ),
        else_=Remedy.status,
    )
    rows = session.execute(
        select(
            Inspection.org_id,
            Inspection.code,
            Remedy.seq,
            Remedy.requirement,
            Remedy.due_on,
            status_then,
        )
        .join(Inspection, Inspection.id == Remedy.inspection_id)
        .join(Organisation, Organisation.id == Inspection.org_id)
        .where(at_or_under(scope_path), Inspection.started_on <= as_of, ~verified)
        .order_by(Organisation.path, Inspection.code, Remedy.seq)
    ).all()
    return [RemedyRow(r[0], r[1], r[2], r[3], r[4], RemedyStatus(r[5])) for r in rows]


def build_inspections_context(
    *,
    doc: dict[str, Any],
    scope_name: str,
    stage: Mapping[str, Any],
    names: Mapping[int, str],
    units: Sequence[int],
    inspections: Sequence[InspectionRow],
    pending: Sequence[RemedyRow],
) -> dict[str, Any]:
    """Inspections and supervisions of the subtree, their conclusions and open remedies.

    `names` maps organisation ids to names; `units` are the ids judged, in tree order."""
    rows = [
        {
            "stt": i,
            "unit": names.get(r.org_id, ""),
            "code": r.code,
            "kind": f"{r.kind.label} {r.form.label.lower()}",
            "started": r.started_on.isoformat(),
            "concluded": r.concluded_on.isoformat() if r.concluded_on else "",
            "violation": "" if r.has_violation is None else ("Có" if r.has_violation else "Không"),
            "remedies": f"{r.verified}/{r.remedies}" if r.remedies else "—",
        }
        for i, r in enumerate(inspections, start=1)
    ]
    inspected = {r.org_id for r in inspections}
    summary = {
        "units": len(units),
        "inspected": len(inspected & set(units)),
        "inspections": len(inspections),
        "kiem_tra": sum(1 for r in inspections if r.kind.value == "kiem-tra"),
        "giam_sat": sum(1 for r in inspections if r.kind.value == "giam-sat"),
        "concluded": sum(1 for r in inspections if r.concluded_on is not None),
        "violations": sum(1 for r in inspections if r.has_violation),
        "remedies": sum(r.remedies for r in inspections),
        "verified": sum(r.verified for r in inspections),
        "completed": sum(r.completed for r in inspections),
        "done": stage["done"],
        "overdue": stage["overdue"],
        "progress": stage["progress"],
    }
    summary["pending"] = summary["remedies"] - summary["verified"] - summary["completed"]
    return {
        "doc": doc,
        "scope": {"name": scope_name, "units": len(units)},
        "summary": summary,
        "rows": rows,
        "pending": [
            {
                "stt": i,
                "unit": names.get(r.org_id, ""),
                "code": r.inspection_code,
                "requirement": r.requirement,
                "due": r.due_on.isoformat(),
                "status": r.status.label,
            }
            for i, r in enumerate(pending, start=1)
        ],
        "not_inspected": [names[u] for u in units if u not in inspected],
    }


def plan(req: Request) -> list[PlannedDocument]:
    """The scope's inspections report."""
    path = req.scope.path
    subject = (
        f"Kết quả kiểm tra, giám sát phục vụ đại hội nhiệm kỳ {term_label(req.settings.term)}"
        f"{req.suffix()}"
    )
    ctx = build_inspections_context(
        doc=req.doc(req.report_head(subject)),
        scope_name=req.scope.name,
        stage=req.status["stages"]["inspections"],
        names=req.names,
        units=req.judged_units(),
        inspections=inspections_of(req.s, scope_path=path, as_of=req.as_of),
        pending=pending_remedies(req.s, scope_path=path, as_of=req.as_of),
    )
    return [req.report("inspections", subject, ctx)]


KIND = Kind("inspections", plan)
