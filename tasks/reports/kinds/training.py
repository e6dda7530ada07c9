"""The training report: the sessions held per course with their attendance, and the (course,
role) pairs each unit has not yet covered. Four queries, one pure context."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import stages as stage_queries
from models.enums import PartyRole, Presence
from models.org import Congress, Organisation
from models.settings import get_settings
from models.training import Attendance, Course, SessionRole, TrainingSession
from models.tree import at_or_under
from tasks.reports.planning import Kind, PlannedDocument, Request, opt_int

# The roles a unit has by committee size (DESIGN.md, Training).
ROLE_MIN_SIZE = {PartyRole.BI_THU: 1, PartyRole.PHO_BI_THU: 2, PartyRole.CAP_UY_VIEN: 3}


@dataclass(frozen=True)
class SessionRow:
    """A training session held by as_of, with its course and required roles."""

    course_id: int
    course_title: str
    held_on: date
    place: str | None
    roles: tuple[PartyRole, ...]


def sessions_by(session: Session, *, as_of: date) -> list[SessionRow]:
    """Sessions held by as_of, by course then date, each with its required roles."""
    rows = session.execute(
        select(
            TrainingSession.id,
            Course.id,
            Course.title,
            TrainingSession.held_on,
            TrainingSession.place,
        )
        .join(Course, Course.id == TrainingSession.course_id)
        .where(TrainingSession.held_on <= as_of)
        .order_by(Course.code, TrainingSession.held_on, TrainingSession.code)
    ).all()
    roles: dict[int, list[PartyRole]] = {}
    for session_id, role in session.execute(
        select(SessionRole.session_id, SessionRole.role)
        .join(TrainingSession, TrainingSession.id == SessionRole.session_id)
        .where(TrainingSession.held_on <= as_of)
    ):
        roles.setdefault(session_id, []).append(role)
    return [
        SessionRow(
            r[1], r[2], r[3], r[4], tuple(sorted(roles.get(r[0], []), key=list(PartyRole).index))
        )
        for r in rows
    ]


def attendance_counts(
    session: Session, *, scope_path: str, as_of: date
) -> dict[int, dict[Presence, int]]:
    """Per course: how many attendees of the subtree were present, late or absent (by as_of)."""
    out: dict[int, dict[Presence, int]] = {}
    for course_id, presence, count in session.execute(
        select(TrainingSession.course_id, Attendance.presence, func.count())
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Organisation, Organisation.id == Attendance.org_id)
        .where(at_or_under(scope_path), TrainingSession.held_on <= as_of)
        .group_by(TrainingSession.course_id, Attendance.presence)
    ):
        out.setdefault(course_id, {})[presence] = count
    return out


def satisfied_pairs(
    session: Session, *, scope_path: str, as_of: date
) -> set[tuple[int, int, PartyRole]]:
    """(unit, course, role) present or late at a session of the course by as_of, or by the
    unit's congress when that was held before (models.stages.cutoff, as status judges it)."""
    rows = session.execute(
        select(Attendance.org_id, TrainingSession.course_id, Attendance.role)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Organisation, Organisation.id == Attendance.org_id)
        .outerjoin(Congress, stage_queries.congress_of(Attendance.org_id, get_settings().term))
        .where(
            at_or_under(scope_path),
            TrainingSession.held_on <= stage_queries.cutoff(as_of),
            Attendance.presence.in_((Presence.CO_MAT, Presence.DI_TRE)),
        )
        .distinct()
    ).all()
    return {(r[0], r[1], r[2]) for r in rows}


def course_titles(session: Session) -> dict[int, str]:
    """Every course's title by id."""
    return {int(r[0]): str(r[1]) for r in session.execute(select(Course.id, Course.title))}


def _course_rows(
    sessions: Sequence[SessionRow], attendance: Mapping[int, Mapping[Presence, int]]
) -> list[dict[str, Any]]:
    """One row per course held: its sessions, required roles and attendance counts."""
    courses: dict[int, dict[str, Any]] = {}
    for s in sessions:
        c = courses.setdefault(s.course_id, {"title": s.course_title, "sessions": [], "roles": []})
        where = f" ({s.place})" if s.place else ""
        c["sessions"].append(f"{s.held_on.strftime('%d/%m/%Y')}{where}")
        c["roles"] += [r for r in s.roles if r not in c["roles"]]
    rows = []
    for i, (course_id, c) in enumerate(courses.items(), start=1):
        counts = attendance.get(course_id, {})
        rows.append(
            {
                "stt": i,
                "title": c["title"],
                "sessions": "; ".join(c["sessions"]),
                "roles": ", ".join(r.label for r in sorted(c["roles"], key=list(PartyRole).index)),
                "present": counts.get(Presence.CO_MAT, 0),
                "late": counts.get(Presence.DI_TRE, 0),
                "excused": counts.get(Presence.VANG_CO_PHEP, 0),
                "absent": counts.get(Presence.VANG_KHONG_PHEP, 0),
            }
        )
    return rows


def build_training_context(
    *,
    doc: dict[str, Any],
    scope_name: str,
    stage: Mapping[str, Any],
    sessions: Sequence[SessionRow],
    attendance: Mapping[int, Mapping[Presence, int]],
    units: Sequence[tuple[int, str, int | None]],
    course_roles: Sequence[tuple[int, PartyRole]],
    satisfied: set[tuple[int, int, PartyRole]],
    titles: Mapping[int, str],
) -> dict[str, Any]:
    """Training: sessions held per course with attendance, and the (course, role) pairs each
    unit has not yet covered. `units` are (id, name, committee size) in tree order."""
    required = sorted(
        set(course_roles), key=lambda p: (titles.get(p[0], ""), list(PartyRole).index(p[1]))
    )
    missing: list[dict[str, Any]] = []
    for org_id, name, size in units:
        lacking = [
            f"{role.label} — {titles.get(course_id, '')}"
            for course_id, role in required
            if (size or 0) >= ROLE_MIN_SIZE.get(role, 99)
            and (org_id, course_id, role) not in satisfied
        ]
        if lacking:
            missing.append({"stt": len(missing) + 1, "name": name, "lacking": "; ".join(lacking)})
    return {
        "doc": doc,
        "scope": {"name": scope_name, "units": len(units)},
        "summary": {k: stage[k] for k in ("applicable", "done", "overdue", "progress")},
        "courses": _course_rows(sessions, attendance),
        "missing": missing,
    }


def plan(req: Request) -> list[PlannedDocument]:
    """The scope's training report."""
    path = req.scope.path
    units = [
        (org_id, req.names[org_id], opt_int(req.units[org_id]["committee_size"]))
        for org_id in req.judged_units()
    ]
    query = stage_queries.course_roles_query(as_of=req.as_of)
    roles = [(int(c), r) for c, r, _required_from in req.s.execute(query)]
    subject = f"Kết quả tập huấn nghiệp vụ công tác đại hội{req.suffix()}"
    ctx = build_training_context(
        doc=req.doc(req.report_head(subject)),
        scope_name=req.scope.name,
        stage=req.status["stages"]["training"],
        sessions=sessions_by(req.s, as_of=req.as_of),
        attendance=attendance_counts(req.s, scope_path=path, as_of=req.as_of),
        units=units,
        course_roles=roles,
        satisfied=satisfied_pairs(req.s, scope_path=path, as_of=req.as_of),
        titles=course_titles(req.s),
    )
    return [req.report("training", subject, ctx)]


KIND = Kind("training", plan)
