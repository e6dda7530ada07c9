"""`tap-huan`: who attended which session (FORMS.md §6), replacing per (unit, Mã lớp), audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.orm import Session

from models.enums import AuditAction, PartyRole, Presence
from models.training import Attendance, TrainingSession
from tasks.core.audit import AuditRow, record_audit
from tasks.core.text import norm_key
from tasks.intake.forms.common import (
    FormImporter,
    ImportContext,
    ImportOutcome,
    duplicate_keys,
    resolve_units,
)
from tasks.intake.pipeline.issues import error
from tasks.intake.pipeline.validate import ParsedForm, ParsedSheet

MAX_NAME = 120
_CHUNK = 5000


def person_key(
    full_name: str, birth_date: date | None, *, key_of: Callable[[str], str] = norm_key
) -> str:
    """How attendees compare (the import and the demo alike): the normalised name, and the
    birth date when given. `key_of`: norm_key, or a cached copy of it for bulk use."""
    key = key_of(full_name)
    return f"{key}|{birth_date.isoformat()}" if birth_date else key


def _attendance_snapshot(r: Any) -> dict[str, Any]:
    get = r.get if isinstance(r, dict) else lambda k: getattr(r, k)
    return {
        k: get(k) for k in ("session_id", "org_id", "full_name", "birth_date", "role", "presence")
    }


def _sessions(session: Session, sheet: ParsedSheet) -> tuple[dict[str, int], list[Any]]:
    codes = sorted({r.get("session_code") for r in sheet.rows if r.get("session_code")})
    found: dict[str, int] = {}
    for i in range(0, len(codes), _CHUNK):
        found.update(
            session.execute(
                select(TrainingSession.code, TrainingSession.id).where(
                    TrainingSession.code.in_(codes[i : i + _CHUNK])
                )
            ).all()
        )
    issues = [
        sheet.issue(
            row,
            "session_code",
            "không phải mã lớp đã có (hãy nhập lớp bằng biểu mẫu lop-tap-huan trước)",
        )
        for row in sheet.rows
        if row.ok("session_code") and row.get("session_code") not in found
    ]
    return found, issues


def run(session: Session, ctx: ImportContext, parsed: ParsedForm) -> ImportOutcome:
    """Check attendance rows (known session, unit within the sender) and replace per (unit, Mã lớp)."""
    outcome = ImportOutcome()
    sheet = parsed.sheet("tap-huan")
    sender = ctx.sender
    if sender is None:
        outcome.issues.append(error("biểu mẫu tap-huan cần đơn vị gửi (--org)"))
        return outcome
    units, issues = resolve_units(session, ctx, sheet, default_to_sender=False)
    outcome.issues.extend(issues)
    sessions, issues = _sessions(session, sheet)
    outcome.issues.extend(issues)
    wanted: dict[tuple[int, int, str], dict[str, Any]] = {}
    keys: dict[int, tuple[Any, ...]] = {}
    for row in sheet.rows:
        name = row.get("full_name")
        if name is not None and row.ok("full_name") and len(name) > MAX_NAME:
            outcome.issues.append(sheet.issue(row, "full_name", f"dài quá {MAX_NAME} ký tự"))
            continue
        unit = units.get(row.number)
        sid = sessions.get(row.get("session_code"))
        fine = row.ok("full_name", "role", "presence", "birth_date")
        if unit is None or sid is None or not fine or name is None:
            continue
        pkey = person_key(name, row.get("birth_date"))
        keys[row.number] = (sid, unit.id, pkey)
        wanted[(sid, unit.id, pkey)] = {
            "session_id": sid,
            "org_id": unit.id,
            "full_name": name,
            "person_key": pkey,
            "birth_date": row.get("birth_date"),
            "role": PartyRole(PartyRole.from_label(row.get("role"))),
            "presence": Presence(Presence.from_label(row.get("presence"))),
        }
    outcome.issues.extend(
        duplicate_keys(
            sheet, keys, "người tham dự (Mã lớp, đơn vị, họ tên, ngày sinh)", "full_name"
        )
    )
    if outcome.errors:
        return outcome
    counts = _replace_attendance(
        session, ctx, sender_id=sender.id, wanted=wanted, empty=not sheet.rows
    )
    outcome.rows = len(wanted)
    outcome.counts = counts
    return outcome


def _replace_attendance(
    session: Session,
    ctx: ImportContext,
    *,
    sender_id: int,
    wanted: dict[tuple[int, int, str], dict[str, Any]],
    empty: bool,
) -> dict[str, int]:
    """Per (unit, session) in the file (the sender's own rows when the file has none): insert,
    update and delete attendance, with audit rows."""
    pairs = sorted({(org, sid) for sid, org, _ in wanted})
    stmt = select(
        Attendance.id,
        Attendance.session_id,
        Attendance.org_id,
        Attendance.person_key,
        Attendance.full_name,
        Attendance.birth_date,
        Attendance.role,
        Attendance.presence,
    )
    rows: list[Any] = []
    if empty:
        rows = list(session.execute(stmt.where(Attendance.org_id == sender_id)))
    for i in range(0, len(pairs), _CHUNK):
        chunk = pairs[i : i + _CHUNK]
        rows += session.execute(
            stmt.where(tuple_(Attendance.org_id, Attendance.session_id).in_(chunk))
        ).all()
    existing = {(r.session_id, r.org_id, r.person_key): r for r in rows}
    gone = [r for k, r in existing.items() if k not in wanted]
    new = [w for k, w in wanted.items() if k not in existing]
    changed = []
    for k, w in wanted.items():
        old = existing.get(k)
        if old is not None and _attendance_snapshot(old) != _attendance_snapshot(w):
            changed.append((old, w))
    if gone:
        session.execute(
            delete(Attendance).where(Attendance.id.in_([r.id for r in gone])),
            execution_options={"synchronize_session": False},
        )
    if changed:
        session.execute(
            update(Attendance),
            [
                {"id": old.id, **{k: w[k] for k in ("full_name", "birth_date", "role", "presence")}}
                for old, w in changed
            ],
        )
    new_ids: dict[tuple[int, int, str], int] = {}
    if new:
        session.execute(insert(Attendance), new)
        created_pairs = sorted({(w["org_id"], w["session_id"]) for w in new})
        for i in range(0, len(created_pairs), _CHUNK):
            for r in session.execute(
                select(
                    Attendance.id, Attendance.session_id, Attendance.org_id, Attendance.person_key
                ).where(
                    tuple_(Attendance.org_id, Attendance.session_id).in_(
                        created_pairs[i : i + _CHUNK]
                    )
                )
            ):
                new_ids[(r.session_id, r.org_id, r.person_key)] = r.id
    events = (
        [
            AuditRow(
                "attendance", r.id, r.org_id, AuditAction.DELETE, before=_attendance_snapshot(r)
            )
            for r in gone
        ]
        + [
            AuditRow(
                "attendance",
                old.id,
                old.org_id,
                AuditAction.UPDATE,
                before=_attendance_snapshot(old),
                after=_attendance_snapshot(w),
            )
            for old, w in changed
        ]
        + [
            AuditRow(
                "attendance",
                new_ids[(w["session_id"], w["org_id"], w["person_key"])],
                w["org_id"],
                AuditAction.CREATE,
                after=_attendance_snapshot(w),
            )
            for w in new
        ]
    )
    record_audit(session, actor=ctx.actor, source=ctx.source, events=events)
    return {"created": len(new), "updated": len(changed), "deleted": len(gone)}


IMPORTER = FormImporter(form="tap-huan", run=run, replaces="(đơn vị, Mã lớp)")
