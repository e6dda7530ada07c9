"""`lop-tap-huan` (courses and sessions, upsert by Mã lớp; FORMS.md §5) and `tap-huan`
(attendance, replacing per (unit, Mã lớp); §6)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, tuple_, update
from sqlalchemy.orm import Session

from models.enums import AuditAction, PartyRole, Presence
from models.training import Attendance, Course, SessionRole, TrainingSession
from tasks.audit import AuditRow, record_audit
from tasks.intake.importers import (
    FormImporter,
    ImportContext,
    ImportOutcome,
    duplicate_keys,
    register,
    resolve_units,
)
from tasks.intake.issues import error
from tasks.intake.validate import ParsedForm, ParsedRow, ParsedSheet
from tasks.text import norm_key

MAX_COURSE_CODE = 120
MAX_SESSION_CODE = 64
MAX_NAME = 120
_CHUNK = 5000


def default_course_code(title: str) -> str:
    """A course's code when the form gives none: its normalised title (hashed past 120 chars)."""
    key = norm_key(title)
    if len(key) <= MAX_COURSE_CODE:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return f"{key[: MAX_COURSE_CODE - 17]}~{digest}"


# --- lop-tap-huan ----------------------------------------------------------------------------


def _course_rows(sheet: ParsedSheet) -> tuple[dict[str, str], list[Any]]:
    """Course code → title from the file; one code with two different titles is an error."""
    titles: dict[str, tuple[str, ParsedRow]] = {}
    issues = []
    for row in sheet.rows:
        if not row.ok("course", "course_code") or row.get("course") is None:
            continue
        code = row.get("course_code") or default_course_code(row.get("course"))
        if len(code) > MAX_COURSE_CODE:
            issues.append(sheet.issue(row, "course_code", f"dài quá {MAX_COURSE_CODE} ký tự"))
            continue
        first = titles.get(code)
        if first is None:
            titles[code] = (row.get("course"), row)
        elif norm_key(first[0]) != norm_key(row.get("course")):
            issues.append(
                sheet.issue(
                    row,
                    "course",
                    f"khác tên chuyên đề ở dòng {first[1].number} cùng mã chuyên đề '{code}'",
                )
            )
    return {code: title for code, (title, _row) in titles.items()}, issues


def _upsert_courses(session: Session, titles: dict[str, str]) -> dict[str, int]:
    existing = {
        r.code: (r.id, r.title)
        for r in session.execute(
            select(Course.id, Course.code, Course.title).where(Course.code.in_(list(titles)))
        )
    }
    new = [{"code": c, "title": t} for c, t in titles.items() if c not in existing]
    renamed = [
        {"id": existing[c][0], "title": t}
        for c, t in titles.items()
        if c in existing and existing[c][1] != t
    ]
    if new:
        session.execute(insert(Course), new)
    if renamed:
        session.execute(update(Course), renamed)
    return dict(
        session.execute(select(Course.code, Course.id).where(Course.code.in_(list(titles)))).all()
    )


def run_lop_tap_huan(session: Session, ctx: ImportContext, parsed: ParsedForm) -> ImportOutcome:
    """Insert or update courses and sessions by Mã lớp; sessions are never removed here."""
    outcome = ImportOutcome()
    sheet = parsed.sheet("lop-tap-huan")
    sender = ctx.sender
    if sender is None or sender.parent_id is not None:
        # Sessions and courses are shared by every unit: only the office (the root) keeps them.
        outcome.issues.append(
            error("chỉ Văn phòng Đảng ủy (đơn vị gốc) được gửi biểu mẫu lop-tap-huan")
        )
        return outcome
    keys = {r.number: (r.get("code"),) for r in sheet.rows if r.ok("code") and r.get("code")}
    outcome.issues.extend(duplicate_keys(sheet, keys, "mã lớp", "code"))
    for row in sheet.rows:
        if row.ok("code") and row.get("code") and len(row.get("code")) > MAX_SESSION_CODE:
            outcome.issues.append(sheet.issue(row, "code", f"dài quá {MAX_SESSION_CODE} ký tự"))
    titles, issues = _course_rows(sheet)
    outcome.issues.extend(issues)
    if outcome.errors:
        return outcome
    course_ids = _upsert_courses(session, titles)
    wanted = {
        row.get("code"): {
            "code": row.get("code"),
            "course_id": course_ids[
                row.get("course_code") or default_course_code(row.get("course"))
            ],
            "held_on": row.get("day"),
            "place": row.get("place"),
            "roles": {PartyRole(PartyRole.from_label(r)) for r in row.get("required_roles") or ()},
        }
        for row in sheet.rows
    }
    existing = {
        r.code: r
        for r in session.execute(
            select(
                TrainingSession.id,
                TrainingSession.code,
                TrainingSession.course_id,
                TrainingSession.held_on,
                TrainingSession.place,
            ).where(TrainingSession.code.in_(list(wanted)))
        )
    }
    fields = ("course_id", "held_on", "place")
    new = [{k: w[k] for k in ("code", *fields)} for c, w in wanted.items() if c not in existing]
    changed = [
        {"id": existing[c].id, **{k: w[k] for k in fields}}
        for c, w in wanted.items()
        if c in existing and any(getattr(existing[c], k) != w[k] for k in fields)
    ]
    if new:
        session.execute(insert(TrainingSession), new)
    if changed:
        session.execute(update(TrainingSession), changed)
    ids = dict(
        session.execute(
            select(TrainingSession.code, TrainingSession.id).where(
                TrainingSession.code.in_(list(wanted))
            )
        ).all()
    )
    have: dict[int, set[PartyRole]] = {}
    for sid, role in session.execute(
        select(SessionRole.session_id, SessionRole.role).where(
            SessionRole.session_id.in_(list(ids.values()))
        )
    ):
        have.setdefault(sid, set()).add(PartyRole(role))
    drop = [
        (ids[c], r.value) for c, w in wanted.items() for r in have.get(ids[c], set()) - w["roles"]
    ]
    add = [
        {"session_id": ids[c], "role": r}
        for c, w in wanted.items()
        for r in sorted(w["roles"] - have.get(ids[c], set()))
    ]
    if drop:
        table = cast(Table, SessionRole.__table__)
        session.execute(delete(table).where(tuple_(table.c.session_id, table.c.role).in_(drop)))
    if add:
        session.execute(insert(SessionRole), add)
    outcome.rows = len(sheet.rows)
    outcome.counts = {
        "sessions_created": len(new),
        "sessions_updated": len(changed),
        "courses": len(titles),
    }
    return outcome


# --- tap-huan ---------------------------------------------------------------------------------


def person_key(full_name: str, birth_date: date | None) -> str:
    """How attendees compare: the normalised name, and the birth date when given."""
    key = norm_key(full_name)
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


def run_tap_huan(session: Session, ctx: ImportContext, parsed: ParsedForm) -> ImportOutcome:
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


register(
    FormImporter(
        form="lop-tap-huan",
        run=run_lop_tap_huan,
        replaces="không: chỉ thêm hoặc cập nhật theo Mã lớp",
    )
)
register(FormImporter(form="tap-huan", run=run_tap_huan, replaces="(đơn vị, Mã lớp)"))
