"""`nhan-su`: candidates for a unit's new committee. Re-importing replaces the unit's candidates;
the stated step rewrites the top of the step history (FORMS.md §2 and rule 11)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.bulk import update_rows, upsert
from models.enums import AuditAction
from models.org import Congress
from models.personnel import Candidate
from tasks.core.audit import AuditRow, record_audit
from tasks.core.text import norm_key
from tasks.intake.forms.common import (
    FormImporter,
    ImportContext,
    ImportOutcome,
    changed,
    check_lengths,
    duplicate_keys,
    resolve_units,
)
from tasks.intake.forms.nhan_su_store import (
    ENUMS,
    FIELDS,
    SHEET,
    Stated,
    current_step,
    existing_candidates,
    prefill,
    write_steps,
)
from tasks.intake.pipeline.issues import Issue, warning
from tasks.intake.pipeline.validate import ParsedForm, ParsedRow, ParsedSheet

# Candidate fields a row states (besides the key), in the model's terms.
_LENGTHS = {
    "full_name": 120,
    "ethnicity": 60,
    "religion": 60,
    "hometown": 200,
    "education": 200,
    "academic_title": 120,
    "current_position": 300,
}


def _fields(row: ParsedRow) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in FIELDS:
        value = row.get(name)
        if name in ENUMS and value is not None:
            value = ENUMS[name].from_label(value)
        out[name] = value
    return out


def _congress_dates(session: Session, *, org_ids: set[int], term: str) -> dict[int, date]:
    rows = session.execute(
        select(Congress.org_id, Congress.planned_date).where(
            Congress.org_id.in_(org_ids), Congress.term == term
        )
    )
    return {r.org_id: r.planned_date for r in rows if r.planned_date is not None}


def _check(
    session: Session, ctx: ImportContext, sheet: ParsedSheet
) -> tuple[list[Stated], list[Issue]]:
    units, issues = resolve_units(session, ctx, sheet)
    issues += check_lengths(sheet, _LENGTHS)
    congress = _congress_dates(session, org_ids={u.id for u in units.values()}, term=ctx.term)
    stated: list[Stated] = []
    keys: dict[int, tuple[Any, ...]] = {}
    for row in sheet.rows:
        org = units.get(row.number)
        step = row.get("step")
        step_date = row.get("step_date")
        if step is not None and step >= 1 and step_date is None and row.ok("step_date"):
            issues.append(
                sheet.issue(
                    row, "step_date", "thiếu ngày qua bước (bắt buộc khi Bước quy trình ≥ 1)"
                )
            )
        if step == 0 and step_date is not None:
            issues.append(
                warning(
                    "Bước quy trình là 0 nên Ngày qua bước bị bỏ qua",
                    sheet=sheet.title,
                    row=row.number,
                    column=sheet.spec.column("step_date").label,
                )
            )
        joined, official = row.get("joined_on"), row.get("official_date")
        if joined is not None and official is not None and official < joined:
            issues.append(sheet.issue(row, "official_date", "không được trước Ngày vào Đảng"))
        birth = row.get("birth_date")
        held = congress.get(org.id) if org is not None else None
        if birth is not None and held is not None and birth >= held:
            issues.append(
                sheet.issue(
                    row,
                    "birth_date",
                    f"phải trước ngày đại hội ({held.day:02d}/{held.month:02d}/{held.year})",
                )
            )
        name = row.get("full_name")
        if org is None or name is None or birth is None or row.bad:
            continue
        key = norm_key(name)
        keys[row.number] = (org.id, key, birth)
        stated.append(
            Stated(
                row=row,
                org=org,
                name_key=key,
                fields=_fields(row),
                step=step or 0,
                step_date=step_date if step else None,
                vote_pct=row.get("vote_pct"),
            )
        )
    issues += duplicate_keys(sheet, keys, "(đơn vị, họ và tên, ngày sinh)", "full_name")
    return stated, issues


def _audited(fields: dict[str, Any], step: int, step_date: date | None) -> dict[str, Any]:
    return {**fields, "step": step, "step_date": step_date}


def run(session: Session, ctx: ImportContext, parsed: ParsedForm) -> ImportOutcome:
    """Check every row, then replace the candidates of each unit the file names."""
    sheet = parsed.sheet(SHEET)
    stated, issues = _check(session, ctx, sheet)
    outcome = ImportOutcome(issues=issues, rows=len(sheet.rows))
    if parsed.has_errors or any(i.is_error for i in issues):
        return outcome
    assert ctx.sender is not None
    # Rule 11: each unit the file names is replaced; a file without rows empties the sender.
    org_ids = {s.org.id for s in stated} or {ctx.sender.id}
    existing, steps = existing_candidates(session, org_ids)
    audit: list[AuditRow] = []
    wanted: dict[tuple[int, str, date], dict[str, Any]] = {}
    step_writes: list[tuple[int, Stated]] = []
    seen: set[int] = set()
    for st in stated:
        key = (st.org.id, st.name_key, st.row.get("birth_date"))
        wanted[key] = {
            "org_id": st.org.id,
            "name_key": st.name_key,
            "birth_date": st.row.get("birth_date"),
            "active": True,
            "version": 1,
            **st.fields,
        }
        old = existing.get(key)
        if old is None:
            continue
        cid = old["id"]
        seen.add(cid)
        old_step, old_date = current_step(steps.get(cid, {}))
        before = _audited({f: old[f] for f in FIELDS}, old_step, old_date)
        before["active"] = old["active"]
        after = _audited(st.fields, st.step, st.step_date)
        after["active"] = True
        diff_before, diff_after = changed(before, after)
        if diff_after:
            audit.append(
                AuditRow("candidate", cid, st.org.id, AuditAction.UPDATE, diff_before, diff_after)
            )
        step_writes.append((cid, st))
    # Candidates the units no longer propose: kept with their history, made inactive.
    dropped = [c for c in existing.values() if c["id"] not in seen and c["active"]]
    # A stated candidate is rewritten when a field (or its being active) changed; the
    # version must still be the one read.
    done = upsert(
        session,
        model=Candidate,
        wanted=wanted,
        fields=(*FIELDS, "active"),
        existing=existing,
        render_nulls=True,
        returning=True,
        bump_version=True,
        match_version=True,
    )
    by_key = {(st.org.id, st.name_key, st.row.get("birth_date")): st for st in stated}
    for key in done.created:
        st = by_key[key]
        step_writes.append((done.ids[key], st))
        audit.append(
            AuditRow(
                "candidate",
                done.ids[key],
                st.org.id,
                AuditAction.CREATE,
                None,
                _audited(st.fields, st.step, st.step_date),
            )
        )
    update_rows(
        session,
        model=Candidate,
        rows=[{"id": c["id"]} for c in dropped],
        fields=(),
        bump_version=True,
        also_set={"active": False},
    )
    for c in dropped:
        old_step, old_date = current_step(steps.get(c["id"], {}))
        audit.append(
            AuditRow(
                "candidate",
                c["id"],
                c["org_id"],
                AuditAction.DELETE,
                _audited({f: c[f] for f in FIELDS}, old_step, old_date),
                None,
            )
        )
    write_steps(session, step_writes, steps)
    record_audit(session, actor=ctx.actor, source=ctx.source, events=audit)
    outcome.counts = {
        "created": len(done.created),
        "updated": sum(1 for a in audit if a.action is AuditAction.UPDATE),
        "removed": len(dropped),
    }
    return outcome


IMPORTER = FormImporter(
    form="nhan-su",
    run=run,
    replaces="các ứng viên của mỗi đơn vị có trong tệp",
    prefill=prefill,
)
