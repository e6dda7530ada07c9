"""`nhan-su`: candidates for a unit's new committee. Re-importing replaces the unit's candidates;
the stated step rewrites the top of the step history (FORMS.md §2 and rule 11)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from models.enums import AuditAction, Gender, PoliticalTheory, Post, Reelection
from models.org import Congress
from models.personnel import Candidate, CandidateStep
from models.queries import OrgRef
from tasks.audit import AuditRow, record_audit
from tasks.intake.importers import (
    FormImporter,
    ImportContext,
    ImportOutcome,
    OrgRow,
    changed,
    check_lengths,
    duplicate_keys,
    register,
    resolve_units,
    table_of,
)
from tasks.intake.issues import Issue, warning
from tasks.intake.validate import ParsedForm, ParsedRow, ParsedSheet
from tasks.text import norm_key, person_sort_key

SHEET = "nhan-su"
# Candidate fields a row states (besides the key), in the model's terms.
_FIELDS = (
    "full_name",
    "gender",
    "ethnicity",
    "religion",
    "hometown",
    "joined_on",
    "official_date",
    "education",
    "academic_title",
    "political_theory",
    "current_position",
    "reelection",
    "proposed_post",
    "vote_pct",
    "note",
)
_LENGTHS = {
    "full_name": 120,
    "ethnicity": 60,
    "religion": 60,
    "hometown": 200,
    "education": 200,
    "academic_title": 120,
    "current_position": 300,
}
_ENUMS: dict[str, Any] = {
    "gender": Gender,
    "political_theory": PoliticalTheory,
    "reelection": Reelection,
    "proposed_post": Post,
}


@dataclass(frozen=True)
class _Stated:
    """One row as the candidate it states."""

    row: ParsedRow
    org: OrgRow
    name_key: str
    fields: dict[str, Any]
    step: int
    step_date: date | None
    vote_pct: Decimal | None


def _fields(row: ParsedRow) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _FIELDS:
        value = row.get(name)
        if name in _ENUMS and value is not None:
            value = _ENUMS[name].from_label(value)
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
) -> tuple[list[_Stated], list[Issue]]:
    units, issues = resolve_units(session, ctx, sheet)
    issues += check_lengths(sheet, _LENGTHS)
    congress = _congress_dates(session, org_ids={u.id for u in units.values()}, term=ctx.term)
    stated: list[_Stated] = []
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
            _Stated(
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


def _existing(
    session: Session, org_ids: set[int]
) -> tuple[dict[tuple[int, str, date], dict[str, Any]], dict[int, dict[int, tuple[date, Any]]]]:
    """The units' candidates by key (with id, version, active) and their step histories."""
    cols = [getattr(Candidate, f) for f in _FIELDS]
    rows = session.execute(
        select(
            Candidate.id,
            Candidate.org_id,
            Candidate.name_key,
            Candidate.birth_date,
            Candidate.active,
            Candidate.version,
            *cols,
        ).where(Candidate.org_id.in_(org_ids))
    ).mappings()
    found = {(r["org_id"], r["name_key"], r["birth_date"]): dict(r) for r in rows}
    steps: dict[int, dict[int, tuple[date, Any]]] = defaultdict(dict)
    ids = [c["id"] for c in found.values()]
    for i in range(0, len(ids), 5000):
        for s in session.execute(
            select(
                CandidateStep.candidate_id,
                CandidateStep.step,
                CandidateStep.passed_on,
                CandidateStep.vote_pct,
            ).where(CandidateStep.candidate_id.in_(ids[i : i + 5000]))
        ):
            steps[s.candidate_id][s.step] = (s.passed_on, s.vote_pct)
    return found, steps


def _audited(fields: dict[str, Any], step: int, step_date: date | None) -> dict[str, Any]:
    return {**fields, "step": step, "step_date": step_date}


def _current_step(history: dict[int, tuple[date, Any]]) -> tuple[int, date | None]:
    if not history:
        return 0, None
    top = max(history)
    return top, history[top][0]


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
    existing, steps = _existing(session, org_ids)
    audit: list[AuditRow] = []
    new_rows: list[_Stated] = []
    updates: list[dict[str, Any]] = []
    step_writes: list[tuple[int, _Stated]] = []
    seen: set[int] = set()
    for st in stated:
        key = (st.org.id, st.name_key, st.row.get("birth_date"))
        old = existing.get(key)
        if old is None:
            new_rows.append(st)
            continue
        cid = old["id"]
        seen.add(cid)
        old_step, old_date = _current_step(steps.get(cid, {}))
        before = _audited({f: old[f] for f in _FIELDS}, old_step, old_date)
        before["active"] = old["active"]
        after = _audited(st.fields, st.step, st.step_date)
        after["active"] = True
        diff_before, diff_after = changed(before, after)
        if {k for k in diff_after if k not in ("step", "step_date")}:
            updates.append({"b_id": cid, "b_version": old["version"], **st.fields})
        if diff_after:
            audit.append(
                AuditRow("candidate", cid, st.org.id, AuditAction.UPDATE, diff_before, diff_after)
            )
        step_writes.append((cid, st))
    # Candidates the units no longer propose: kept with their history, made inactive.
    dropped = [c for c in existing.values() if c["id"] not in seen and c["active"]]
    created_ids = _insert_new(session, new_rows)
    for cid, st in zip(created_ids, new_rows, strict=True):
        step_writes.append((cid, st))
        audit.append(
            AuditRow(
                "candidate",
                cid,
                st.org.id,
                AuditAction.CREATE,
                None,
                _audited(st.fields, st.step, st.step_date),
            )
        )
    _update_rows(session, updates)
    if dropped:
        session.execute(
            update(table_of(Candidate))
            .where(table_of(Candidate).c.id == bindparam("b_id"))
            .values(active=False, version=table_of(Candidate).c.version + 1),
            [{"b_id": c["id"]} for c in dropped],
        )
        for c in dropped:
            old_step, old_date = _current_step(steps.get(c["id"], {}))
            audit.append(
                AuditRow(
                    "candidate",
                    c["id"],
                    c["org_id"],
                    AuditAction.DELETE,
                    _audited({f: c[f] for f in _FIELDS}, old_step, old_date),
                    None,
                )
            )
    _write_steps(session, step_writes, steps)
    record_audit(session, actor=ctx.actor, source=ctx.source, events=audit)
    outcome.counts = {
        "created": len(new_rows),
        "updated": sum(1 for a in audit if a.action is AuditAction.UPDATE),
        "removed": len(dropped),
    }
    return outcome


def _insert_new(session: Session, rows: list[_Stated]) -> list[int]:
    if not rows:
        return []
    values = [
        {
            "org_id": st.org.id,
            "name_key": st.name_key,
            "birth_date": st.row.get("birth_date"),
            "active": True,
            "version": 1,
            **st.fields,
        }
        for st in rows
    ]
    # insertmanyvalues keeps RETURNING in parameter order (sort_by_parameter_order).
    result = session.execute(
        insert(Candidate)
        .execution_options(render_nulls=True)
        .returning(Candidate.id, sort_by_parameter_order=True),
        values,
    )
    return [r[0] for r in result]


def _update_rows(session: Session, updates: list[dict[str, Any]]) -> None:
    if not updates:
        return
    table = table_of(Candidate)
    # Core executemany: the ORM's bulk update would not bump the version counter.
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(
            {f: bindparam(f) for f in _FIELDS} | {"active": True, "version": table.c.version + 1}
        ),
        updates,
    )


def _write_steps(
    session: Session,
    writes: list[tuple[int, _Stated]],
    history: dict[int, dict[int, tuple[date, Any]]],
) -> None:
    """Remove steps above the stated one; insert or replace the stated step's date and vote."""
    removals: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    replaces: list[dict[str, Any]] = []
    for cid, st in writes:
        old = history.get(cid, {})
        if any(s > st.step for s in old):
            removals.append({"b_cid": cid, "b_step": st.step})
        if st.step < 1 or st.step_date is None:
            continue
        row = {"b_cid": cid, "b_step": st.step, "passed_on": st.step_date, "vote_pct": st.vote_pct}
        if st.step not in old:
            inserts.append(row)
        elif old[st.step] != (st.step_date, st.vote_pct):
            replaces.append(row)
    table = table_of(CandidateStep)
    if removals:
        session.execute(
            delete(table).where(
                table.c.candidate_id == bindparam("b_cid"), table.c.step > bindparam("b_step")
            ),
            removals,
        )
    if replaces:
        session.execute(
            update(table)
            .where(table.c.candidate_id == bindparam("b_cid"), table.c.step == bindparam("b_step"))
            .values(passed_on=bindparam("passed_on"), vote_pct=bindparam("vote_pct")),
            replaces,
        )
    if inserts:
        session.execute(
            insert(CandidateStep).execution_options(render_nulls=True),
            [
                {
                    "candidate_id": r["b_cid"],
                    "step": r["b_step"],
                    "passed_on": r["passed_on"],
                    "vote_pct": r["vote_pct"],
                }
                for r in inserts
            ],
        )


def prefill(session: Session, org: OrgRef) -> dict[str, list[dict[str, Any]]]:
    """The unit's active candidates, as the form states them (current step from the history)."""
    cols = [getattr(Candidate, f) for f in _FIELDS]
    rows = (
        session.execute(
            select(Candidate.id, Candidate.birth_date, *cols).where(
                Candidate.org_id == org.id, Candidate.active.is_(True)
            )
        )
        .mappings()
        .all()
    )
    history: dict[int, dict[int, tuple[date, Any]]] = defaultdict(dict)
    for s in session.execute(
        select(
            CandidateStep.candidate_id,
            CandidateStep.step,
            CandidateStep.passed_on,
            CandidateStep.vote_pct,
        )
        .join(Candidate, Candidate.id == CandidateStep.candidate_id)
        .where(Candidate.org_id == org.id, Candidate.active.is_(True))
    ):
        history[s.candidate_id][s.step] = (s.passed_on, s.vote_pct)
    out: list[dict[str, Any]] = []
    for r in sorted(
        rows, key=lambda r: (list(Post).index(r["proposed_post"]), person_sort_key(r["full_name"]))
    ):
        step, step_date = _current_step(history.get(r["id"], {}))
        values: dict[str, Any] = {f: r[f] for f in _FIELDS}
        for name in _ENUMS:
            values[name] = values[name].label
        values.update(
            org_code=None,
            birth_date=r["birth_date"],
            step=step,
            step_date=step_date,
        )
        out.append(values)
    return {SHEET: out}


IMPORTER = register(
    FormImporter(
        form="nhan-su",
        run=run,
        replaces="các ứng viên của mỗi đơn vị có trong tệp",
        prefill=prefill,
    )
)
