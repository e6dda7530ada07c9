"""`lop-tap-huan`: courses and sessions, upsert by Mã lớp (FORMS.md §5)."""

from __future__ import annotations

import hashlib
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, tuple_
from sqlalchemy.orm import Session

from models.bulk import upsert
from models.enums import PartyRole
from models.training import Course, SessionRole, TrainingSession
from tasks.core.text import norm_key
from tasks.intake.forms.common import (
    FormImporter,
    ImportContext,
    ImportOutcome,
    duplicate_keys,
)
from tasks.intake.pipeline.issues import error
from tasks.intake.pipeline.validate import ParsedForm, ParsedRow, ParsedSheet

MAX_COURSE_CODE = 120
MAX_SESSION_CODE = 64


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
    """Insert new courses, rename changed ones; every course's id by code."""
    done = upsert(
        session,
        model=Course,
        wanted={c: {"code": c, "title": t} for c, t in titles.items()},
        fields=("title",),
        key=("code",),
        returning=True,
    )
    return done.ids


def run(session: Session, ctx: ImportContext, parsed: ParsedForm) -> ImportOutcome:
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
    fields = ("course_id", "held_on", "place")
    done = upsert(
        session,
        model=TrainingSession,
        wanted={c: {k: w[k] for k in ("code", *fields)} for c, w in wanted.items()},
        fields=fields,
        key=("code",),
        returning=True,
    )
    ids = done.ids
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
        "sessions_created": len(done.created),
        "sessions_updated": len(done.updated),
        "courses": len(titles),
    }
    return outcome


IMPORTER = FormImporter(
    form="lop-tap-huan",
    run=run,
    replaces="không: chỉ thêm hoặc cập nhật theo Mã lớp",
)
