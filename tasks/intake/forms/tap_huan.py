"""`tap-huan`: who attended which session (FORMS.md §6), replacing per (unit, Mã lớp), audited."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from models.bulk import mappings_in, select_in, upsert
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


def person_key(
    full_name: str, birth_date: date | None, *, key_of: Callable[[str], str] = norm_key
) -> str:
    """How attendees compare (the import and the demo alike): the normalised name, and the
    birth date when given. `key_of`: norm_key, or a cached copy of it for bulk use."""
    key = key_of(full_name)
    return f"{key}|{birth_date.isoformat()}" if birth_date else key


_AUDITED = ("session_id", "org_id", "full_name", "birth_date", "role", "presence")
# What a re-import may change of an attendee (the rest is the key).
_UPDATED = ("full_name", "birth_date", "role", "presence")


def _attendance_snapshot(r: Mapping[str, Any]) -> dict[str, Any]:
    return {k: r[k] for k in _AUDITED}


def _sessions(session: Session, sheet: ParsedSheet) -> tuple[dict[str, int], list[Any]]:
    codes = sorted({r.get("session_code") for r in sheet.rows if r.get("session_code")})
    stmt = select(TrainingSession.code, TrainingSession.id)
    found = {
        str(code): int(sid)
        for code, sid in select_in(session, stmt, column=TrainingSession.code, values=codes)
    }
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
    rows: list[dict[str, Any]] = []
    if empty:
        rows = [
            dict(r) for r in session.execute(stmt.where(Attendance.org_id == sender_id)).mappings()
        ]
    rows += mappings_in(
        session, stmt, column=tuple_(Attendance.org_id, Attendance.session_id), values=pairs
    )
    existing = {(r["session_id"], r["org_id"], r["person_key"]): r for r in rows}
    done = upsert(
        session,
        model=Attendance,
        wanted=wanted,
        fields=_UPDATED,
        existing=existing,
        delete_gone=True,
        returning=True,
    )
    events = (
        [
            AuditRow(
                "attendance",
                existing[k]["id"],
                existing[k]["org_id"],
                AuditAction.DELETE,
                before=_attendance_snapshot(existing[k]),
            )
            for k in done.deleted
        ]
        + [
            AuditRow(
                "attendance",
                existing[k]["id"],
                existing[k]["org_id"],
                AuditAction.UPDATE,
                before=_attendance_snapshot(existing[k]),
                after=_attendance_snapshot(wanted[k]),
            )
            for k in done.updated
        ]
        + [
            AuditRow(
                "attendance",
                done.ids[k],
                wanted[k]["org_id"],
                AuditAction.CREATE,
                after=_attendance_snapshot(wanted[k]),
            )
            for k in done.created
        ]
    )
    record_audit(session, actor=ctx.actor, source=ctx.source, events=events)
    return {
        "created": len(done.created),
        "updated": len(done.updated),
        "deleted": len(done.deleted),
    }


IMPORTER = FormImporter(form="tap-huan", run=run, replaces="(đơn vị, Mã lớp)")
