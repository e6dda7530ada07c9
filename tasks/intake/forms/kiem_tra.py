"""`kiem-tra`: inspections of units and the remedies they require (FORMS.md §3).

A re-import replaces, for each inspected unit the file names, the inspections this sender had
entered for it; remedies go with their inspection."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.bulk import delete_rows, upsert
from models.enums import AuditAction, InspectionForm, InspectionKind, InspectionTarget, RemedyStatus
from models.inspection import Inspection
from models.org import Organisation
from models.queries import OrgRef
from tasks.core.audit import AuditRow, record_audit
from tasks.intake.forms.common import (
    FormImporter,
    ImportContext,
    ImportOutcome,
    changed,
    check_lengths,
    duplicate_keys,
    resolve_units,
)
from tasks.intake.forms.kiem_tra_store import (
    I_FIELDS,
    INSPECTIONS,
    R_FIELDS,
    REMEDIES,
    Plan,
    existing_inspections,
    existing_remedies,
    prefill,
    write_remedies,
)
from tasks.intake.pipeline.issues import Issue
from tasks.intake.pipeline.validate import ParsedForm, ParsedSheet

_DONE = {"Đã hoàn thành", "Đã kiểm tra xác nhận"}
_VIOLATION = {"Có": True, "Không": False}


def _inspection_values(row: Any) -> dict[str, Any]:
    violation = row.get("has_violation")
    return {
        "kind": InspectionKind.from_label(row.get("kind")),
        "form": InspectionForm.from_label(row.get("form")),
        "target": InspectionTarget.from_label(row.get("target")),
        "started_on": row.get("started_on"),
        "concluded_on": row.get("concluded_on"),
        "has_violation": None if violation is None else _VIOLATION[violation],
        "conclusion": row.get("conclusion"),
    }


def _owner_ok(ctx: ImportContext, sender_id: int | None, paths: dict[int, str]) -> bool:
    """The sender may restate an inspection it, a unit below it, or nobody recorded."""
    assert ctx.sender is not None
    return sender_id is None or paths.get(sender_id, "").startswith(ctx.sender.path)


def _check(
    session: Session, ctx: ImportContext, first: ParsedSheet, second: ParsedSheet
) -> tuple[Plan, dict[tuple[int, str], dict[str, Any]], list[Issue]]:
    units, issues = resolve_units(session, ctx, first)
    r_units, r_issues = resolve_units(session, ctx, second)
    issues += r_issues + check_lengths(first, {"code": 64}) + check_lengths(second, {"code": 64})
    keys: dict[int, tuple[Any, ...]] = {}
    plan = Plan({}, defaultdict(dict), set())
    for row in first.rows:
        start, end = row.get("started_on"), row.get("concluded_on")
        if start is not None and end is not None and end < start:
            issues.append(first.issue(row, "concluded_on", "không được trước Ngày bắt đầu"))
        org = units.get(row.number)
        if org is None or row.get("code") is None:
            continue
        keys[row.number] = (org.id, row.get("code"))
        if not row.bad:
            plan.inspections[(org.id, row.get("code"))] = _inspection_values(row)
            plan.units.add(org.id)
    issues += duplicate_keys(first, keys, "(đơn vị, mã cuộc)", "code")
    all_units: dict[int, OrgRef] = {**units, **r_units}
    org_ids = {u.id for u in all_units.values()}
    existing = existing_inspections(session, org_ids)
    sender_ids = {e["sender_org_id"] for e in existing.values() if e["sender_org_id"]}
    paths: dict[int, str] = {
        r.id: r.path
        for r in session.execute(
            select(Organisation.id, Organisation.path).where(Organisation.id.in_(sender_ids))
        )
    }
    for row in first.rows:
        key = keys.get(row.number)
        old = existing.get(key) if key else None
        if old is not None and not _owner_ok(ctx, old["sender_org_id"], paths):
            issues.append(
                first.issue(
                    row, "code", "đã được một đơn vị khác nhập cho đơn vị này (trùng mã cuộc)"
                )
            )
    r_keys: dict[int, tuple[Any, ...]] = {}
    for row in second.rows:
        if (
            row.get("status") in _DONE
            and row.get("completed_on") is None
            and row.ok("completed_on")
        ):
            issues.append(
                second.issue(
                    row, "completed_on", "thiếu ngày hoàn thành (bắt buộc khi đã hoàn thành)"
                )
            )
        org = r_units.get(row.number)
        code = row.get("code")
        if org is None or code is None:
            continue
        key = (org.id, code)
        if key not in plan.inspections and key not in existing and key not in keys.values():
            issues.append(
                second.issue(
                    row, "code", "không có trong sheet 'Kiểm tra giám sát' hay trong dữ liệu đã có"
                )
            )
            continue
        if (
            key in existing
            and key not in plan.inspections
            and not _owner_ok(ctx, existing[key]["sender_org_id"], paths)
        ):
            issues.append(second.issue(row, "code", "thuộc cuộc kiểm tra do đơn vị khác nhập"))
            continue
        if row.get("seq") is None:
            continue
        r_keys[row.number] = (org.id, code, row.get("seq"))
        if not row.bad:
            plan.remedies[key][row.get("seq")] = {
                "requirement": row.get("requirement"),
                "due_on": row.get("due_on"),
                "status": RemedyStatus.from_label(row.get("status")),
                "completed_on": row.get("completed_on"),
            }
    issues += duplicate_keys(second, r_keys, "(đơn vị, mã cuộc, STT)", "seq")
    return plan, existing, issues


def run(session: Session, ctx: ImportContext, parsed: ParsedForm) -> ImportOutcome:
    """Check both sheets, then replace the sender's inspections of each unit named, with remedies."""
    first, second = parsed.sheet(INSPECTIONS), parsed.sheet(REMEDIES)
    plan, existing, issues = _check(session, ctx, first, second)
    outcome = ImportOutcome(issues=issues, rows=parsed.row_count)
    if parsed.has_errors or any(i.is_error for i in issues):
        return outcome
    sender = ctx.sender
    assert sender is not None
    units = plan.units or {sender.id}
    audit: list[AuditRow] = []
    # The sender's earlier inspections of these units that the file no longer states.
    gone = [
        e
        for k, e in existing.items()
        if k[0] in units and e["sender_org_id"] == sender.id and k not in plan.inspections
    ]
    ids: dict[tuple[int, str], int] = {k: e["id"] for k, e in existing.items()}
    remedies_before = existing_remedies(session, [e["id"] for e in existing.values()])
    for e in gone:
        for seq, rem in remedies_before.get(e["id"], {}).items():
            audit.append(
                AuditRow(
                    "remedy",
                    rem["id"],
                    e["org_id"],
                    AuditAction.DELETE,
                    {"code": e["code"], "seq": seq, **{f: rem[f] for f in R_FIELDS}},
                    None,
                )
            )
        audit.append(
            AuditRow(
                "inspection",
                e["id"],
                e["org_id"],
                AuditAction.DELETE,
                {"code": e["code"], **{f: e[f] for f in I_FIELDS}},
                None,
            )
        )
    delete_rows(session, model=Inspection, ids=[e["id"] for e in gone])
    done = upsert(
        session,
        model=Inspection,
        wanted={
            k: {"org_id": k[0], "code": k[1], "sender_org_id": sender.id, **v}
            for k, v in plan.inspections.items()
        },
        fields=(*I_FIELDS, "sender_org_id"),
        existing=existing,
        render_nulls=True,
        returning=True,
    )
    ids.update(done.ids)
    audit += [
        AuditRow(
            "inspection",
            done.ids[k],
            k[0],
            AuditAction.CREATE,
            None,
            {"code": k[1], **plan.inspections[k]},
        )
        for k in done.created
    ]
    for k in done.updated:
        old = existing[k]
        b, a = changed(
            {f: old[f] for f in (*I_FIELDS, "sender_org_id")},
            {**plan.inspections[k], "sender_org_id": sender.id},
        )
        audit.append(AuditRow("inspection", old["id"], k[0], AuditAction.UPDATE, b, a))
    touched = {k: ids[k] for k in set(plan.inspections) | set(plan.remedies)}
    audit += write_remedies(session, plan, touched, remedies_before)
    record_audit(session, actor=ctx.actor, source=ctx.source, events=audit)
    outcome.counts = {
        "inspections_created": len(done.created),
        "inspections_updated": len(done.updated),
        "inspections_removed": len(gone),
        "remedies_changed": sum(1 for a in audit if a.entity == "remedy"),
    }
    return outcome


IMPORTER = FormImporter(
    form="kiem-tra",
    run=run,
    replaces="các cuộc kiểm tra do đơn vị gửi nhập cho mỗi đơn vị có trong tệp",
    prefill=prefill,
)
