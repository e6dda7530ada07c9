"""`don-vi`: the registry of units. Upsert only: creates the tree into an empty database,
later updates, re-parents and closes units within the sender's subtree (FORMS.md §1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.bulk import insert_rows, update_rows
from models.enums import CongressForm, OrgKind, OrgStatus
from models.org import Organisation
from models.queries import OrgRef, orgs_by_code
from models.tree import TreeError, rebuild_paths
from tasks.intake.forms.common import (
    FormImporter,
    ImportContext,
    ImportOutcome,
    check_lengths,
    duplicate_keys,
    within,
)
from tasks.intake.forms.don_vi_store import (
    DEFAULT_VALID_FROM,
    ORG_FIELDS,
    SHEET,
    current_orgs,
    move_orgs,
    prefill,
    upsert_congresses,
)
from tasks.intake.pipeline.cells import STATUS_ACTIVE, STATUS_DISSOLVED
from tasks.intake.pipeline.issues import Issue
from tasks.intake.pipeline.validate import ParsedForm, ParsedRow, ParsedSheet


@dataclass
class _Unit:
    """One row as the organisation it states."""

    row: ParsedRow
    code: str
    parent_code: str | None
    org: dict[str, Any]
    congress: dict[str, Any]
    merged_into: str | None


def _unit(row: ParsedRow) -> _Unit:
    status, merged_into = row.get("status") or (STATUS_ACTIVE, None)
    state = {
        STATUS_ACTIVE: OrgStatus.ACTIVE,
        STATUS_DISSOLVED: OrgStatus.DISSOLVED,
    }.get(status, OrgStatus.MERGED)
    contents = row.get("contents")
    form = row.get("congress_form")
    return _Unit(
        row=row,
        code=row.get("code"),
        parent_code=row.get("parent_code"),
        org={
            "name": row.get("name"),
            "kind": OrgKind.from_label(row.get("kind")),
            "members_official": row.get("members_official"),
            "members_probationary": row.get("members_probationary") or 0,
            "status": state,
            "valid_to": None if state is OrgStatus.ACTIVE else row.get("effective_date"),
        },
        congress={
            "planned_date": row.get("planned_date"),
            "form": None if form is None else CongressForm.from_label(form),
            "committee_size": row.get("committee_size"),
            "contents": 4 if contents is None else int(contents),
            "held_date": row.get("held_date"),
        },
        merged_into=merged_into,
    )


def _check(
    session: Session, ctx: ImportContext, sheet: ParsedSheet
) -> tuple[list[_Unit], dict[str, OrgRef], list[Issue]]:
    issues = check_lengths(sheet, {"name": 300, "code": 64})
    rows = [r for r in sheet.rows if not r.bad]
    units = [_unit(r) for r in rows]
    codes = {u.code for u in units} | {u.parent_code for u in units if u.parent_code}
    codes |= {u.merged_into for u in units if u.merged_into}
    existing = orgs_by_code(session, codes=codes)
    registry_empty = session.scalar(select(Organisation.id).limit(1)) is None
    sender = ctx.sender
    sender_is_root = sender is not None and sender.parent_id is None
    issues += duplicate_keys(
        sheet,
        {r.number: (r.get("code"),) for r in sheet.rows if r.get("code")},
        "mã đơn vị",
        "code",
    )
    above: dict[str, _Unit] = {}
    # Which codes the sender may write: it may add units under what it may write.
    writable: set[str] = set()
    roots = 0
    for u in units:
        row = u.row
        if u.org["status"] is not OrgStatus.ACTIVE and row.get("effective_date") is None:
            issues.append(
                sheet.issue(
                    row,
                    "effective_date",
                    "thiếu ngày hiệu lực (bắt buộc khi đơn vị không còn hoạt động)",
                )
            )
        if u.merged_into is not None:
            if u.merged_into == u.code:
                issues.append(
                    sheet.issue(row, "status", "một đơn vị không thể sáp nhập vào chính nó")
                )
            elif u.merged_into not in existing and u.merged_into not in above:
                issues.append(
                    sheet.issue(row, "status", f"đơn vị '{u.merged_into}' chưa có trong danh sách")
                )
        old = existing.get(u.code)
        if u.parent_code is None:
            if registry_empty:
                roots += 1
                if roots > 1:
                    issues.append(
                        sheet.issue(
                            row,
                            "parent_code",
                            "thiếu mã đơn vị cấp trên (chỉ đơn vị gốc, một dòng duy nhất, được để trống)",
                        )
                    )
            elif old is None or old.parent_id is not None:
                issues.append(
                    sheet.issue(
                        row,
                        "parent_code",
                        "thiếu mã đơn vị cấp trên (chỉ đơn vị gốc được để trống)",
                    )
                )
        elif u.parent_code == u.code:
            issues.append(
                sheet.issue(row, "parent_code", "một đơn vị không thể là cấp trên của chính nó")
            )
        elif u.parent_code not in existing and u.parent_code not in above:
            issues.append(
                sheet.issue(
                    row,
                    "parent_code",
                    "không phải đơn vị đã có hoặc ở một dòng phía trên (đơn vị cấp trên phải có trước)",
                )
            )
        if sender is not None and not sender_is_root:
            may = _may_write(sender, u, old, existing, writable)
            if may:
                writable.add(u.code)
            else:
                issues.append(
                    sheet.issue(
                        row,
                        "code",
                        f"không thuộc đơn vị gửi '{sender.code}': chỉ đơn vị gốc hoặc cấp trên mới được "
                        "cập nhật đơn vị này",
                    )
                )
        above[u.code] = u
    if registry_empty and units and roots == 0:
        issues.append(
            sheet.issue(
                units[0].row,
                "parent_code",
                "danh sách mới phải có đúng một đơn vị gốc (để trống mã cấp trên)",
            )
        )
    return units, existing, issues


def _may_write(
    sender: OrgRef, u: _Unit, old: OrgRef | None, existing: dict[str, OrgRef], writable: set[str]
) -> bool:
    """A non-root sender writes only strictly below itself, and re-parents only within."""
    if old is not None and not within(sender, old, strictly=True):
        return False
    parent = u.parent_code
    if parent is None:
        return False
    if parent in writable or parent == sender.code.upper():
        return True
    parent_row = existing.get(parent)
    return parent_row is not None and within(sender, parent_row)


def run(session: Session, ctx: ImportContext, parsed: ParsedForm) -> ImportOutcome:
    """Check every row, then insert new units, update the others, and rebuild the tree paths."""
    sheet = parsed.sheet(SHEET)
    units, existing, issues = _check(session, ctx, sheet)
    outcome = ImportOutcome(issues=issues, rows=len(sheet.rows))
    if parsed.has_errors or any(i.is_error for i in issues):
        return outcome
    ids = {code: org.id for code, org in existing.items()}
    new = [u for u in units if u.code not in ids]
    created = insert_rows(
        session,
        model=Organisation,
        rows=[
            {"code": u.code, "path": "", "depth": 0, "valid_from": DEFAULT_VALID_FROM, **u.org}
            for u in new
        ],
        render_nulls=True,
        returning=True,
    )
    ids.update((u.code, oid) for u, oid in zip(new, created, strict=True))
    old_state = current_orgs(session, [ids[u.code] for u in units if u.code in existing])
    org_updates: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    for u in units:
        oid = ids[u.code]
        values = {**u.org, "merged_into_id": ids.get(u.merged_into) if u.merged_into else None}
        parent_id = ids[u.parent_code] if u.parent_code else None
        before = old_state.get(oid)
        if before is None or any(before[k] != values[k] for k in ORG_FIELDS):
            org_updates.append({"id": oid, **values})
        if before is None or before["parent_id"] != parent_id:
            moves.append({"org_id": oid, "parent_id": parent_id, "new": before is None})
    update_rows(session, model=Organisation, rows=org_updates, fields=ORG_FIELDS)
    move_orgs(session, ctx, moves)
    try:
        rebuild_paths(session)
    except TreeError:
        outcome.issues.append(
            sheet.issue(
                None, "parent_code", "các mã đơn vị cấp trên tạo thành vòng lặp trong cây đơn vị"
            )
        )
        return outcome
    upsert_congresses(session, ctx.term, [(ids[u.code], u.congress) for u in units])
    outcome.counts = {
        "created": len(new),
        "updated": sum(1 for u in org_updates if u["id"] in old_state),
        "moved": sum(1 for m in moves if not m["new"]),
    }
    return outcome


IMPORTER = FormImporter(
    form="don-vi",
    run=run,
    needs_sender=False,
    replaces="không thay thế: cập nhật hoặc thêm từng đơn vị",
    prefill=prefill,
)
