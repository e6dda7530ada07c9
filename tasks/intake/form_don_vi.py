"""`don-vi`: the registry of units. Upsert only: creates the tree into an empty database,
later updates, re-parents and closes units within the sender's subtree (FORMS.md §1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from models.enums import CongressForm, OrgKind, OrgStatus
from models.org import Congress, Organisation, OrgLink
from models.queries import OrgRef
from models.settings import get_settings
from models.tree import TreeError, at_or_under, rebuild_paths
from tasks.intake.cells import STATUS_ACTIVE, STATUS_DISSOLVED, STATUS_MERGED
from tasks.intake.importers import (
    FormImporter,
    ImportContext,
    ImportOutcome,
    OrgRow,
    check_lengths,
    duplicate_keys,
    orgs_by_code,
    register,
    table_of,
    within,
)
from tasks.intake.issues import Issue
from tasks.intake.validate import ParsedForm, ParsedRow, ParsedSheet

SHEET = "don-vi"
_DEFAULT_VALID_FROM = date(2020, 1, 1)
_ORG_FIELDS = (
    "name",
    "kind",
    "members_official",
    "members_probationary",
    "status",
    "merged_into_id",
    "valid_to",
)
_CONGRESS_FIELDS = ("planned_date", "form", "committee_size", "contents", "held_date")


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
) -> tuple[list[_Unit], dict[str, OrgRow], list[Issue]]:
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
    sender: OrgRef, u: _Unit, old: OrgRow | None, existing: dict[str, OrgRow], writable: set[str]
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
    if new:
        result = session.execute(
            insert(Organisation)
            .execution_options(render_nulls=True)
            .returning(Organisation.id, sort_by_parameter_order=True),
            [
                {"code": u.code, "path": "", "depth": 0, "valid_from": _DEFAULT_VALID_FROM, **u.org}
                for u in new
            ],
        )
        for u, r in zip(new, result, strict=True):
            ids[u.code] = r[0]
    old_state = _current(session, [ids[u.code] for u in units if u.code in existing])
    org_updates: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    for u in units:
        oid = ids[u.code]
        values = {**u.org, "merged_into_id": ids.get(u.merged_into) if u.merged_into else None}
        parent_id = ids[u.parent_code] if u.parent_code else None
        before = old_state.get(oid)
        if before is None or any(before[k] != values[k] for k in _ORG_FIELDS):
            org_updates.append({"b_id": oid, **values})
        if before is None or before["parent_id"] != parent_id:
            moves.append({"org_id": oid, "parent_id": parent_id, "new": before is None})
    table = table_of(Organisation)
    if org_updates:
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({k: bindparam(k) for k in _ORG_FIELDS}),
            org_updates,
        )
    _move(session, ctx, moves)
    try:
        rebuild_paths(session)
    except TreeError:
        outcome.issues.append(
            sheet.issue(
                None, "parent_code", "các mã đơn vị cấp trên tạo thành vòng lặp trong cây đơn vị"
            )
        )
        return outcome
    _upsert_congresses(session, ctx.term, [(ids[u.code], u.congress) for u in units])
    outcome.counts = {
        "created": len(new),
        "updated": sum(1 for u in org_updates if u["b_id"] in old_state),
        "moved": sum(1 for m in moves if not m["new"]),
    }
    return outcome


def _current(session: Session, org_ids: list[int]) -> dict[int, dict[str, Any]]:
    cols = [getattr(Organisation, f) for f in _ORG_FIELDS]
    found: dict[int, dict[str, Any]] = {}
    for i in range(0, len(org_ids), 5000):
        stmt = select(Organisation.id, Organisation.parent_id, *cols).where(
            Organisation.id.in_(org_ids[i : i + 5000])
        )
        for r in session.execute(stmt).mappings():
            found[r["id"]] = dict(r)
    return found


def _move(session: Session, ctx: ImportContext, moves: list[dict[str, Any]]) -> None:
    """Set parents and keep the link history: close the open link, open a new one."""
    if not moves:
        return
    table = table_of(Organisation)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(parent_id=bindparam("parent_id")),
        [{"b_id": m["org_id"], "parent_id": m["parent_id"]} for m in moves],
    )
    links = table_of(OrgLink)
    moved = [m for m in moves if not m["new"]]
    if moved:
        session.execute(
            update(links)
            .where(links.c.org_id == bindparam("b_id"), links.c.valid_to.is_(None))
            .values(valid_to=ctx.received_on),
            [{"b_id": m["org_id"]} for m in moved],
        )
    session.execute(
        insert(OrgLink).execution_options(render_nulls=True),
        [
            {
                "org_id": m["org_id"],
                "parent_id": m["parent_id"],
                "valid_from": _DEFAULT_VALID_FROM if m["new"] else ctx.received_on,
                "reason": "Nhập biểu mẫu don-vi",
            }
            for m in moves
        ],
    )


def _upsert_congresses(session: Session, term: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
    ids = [oid for oid, _c in rows]
    have: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 5000):
        stmt = select(
            Congress.id, Congress.org_id, *[getattr(Congress, f) for f in _CONGRESS_FIELDS]
        )
        stmt = stmt.where(Congress.term == term, Congress.org_id.in_(ids[i : i + 5000]))
        for r in session.execute(stmt).mappings():
            have[r["org_id"]] = dict(r)
    inserts = [{"org_id": oid, "term": term, **c} for oid, c in rows if oid not in have]
    updates = [
        {"b_id": have[oid]["id"], **c}
        for oid, c in rows
        if oid in have and any(have[oid][k] != c[k] for k in _CONGRESS_FIELDS)
    ]
    if inserts:
        session.execute(insert(Congress).execution_options(render_nulls=True), inserts)
    if updates:
        table = table_of(Congress)
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({k: bindparam(k) for k in _CONGRESS_FIELDS}),
            updates,
        )


def prefill(session: Session, org: OrgRef) -> dict[str, list[dict[str, Any]]]:
    """The sender's registry rows in tree order: the whole tree for the root, else its subtree
    below it (a unit does not restate itself: its superior does)."""
    term = get_settings().term
    parent = table_of(Organisation).alias("parent")
    merged = table_of(Organisation).alias("merged")
    stmt = (
        select(
            Organisation,
            parent.c.code.label("parent_code"),
            merged.c.code.label("merged_code"),
            Congress,
        )
        .outerjoin(parent, parent.c.id == Organisation.parent_id)
        .outerjoin(merged, merged.c.id == Organisation.merged_into_id)
        .outerjoin(Congress, (Congress.org_id == Organisation.id) & (Congress.term == term))
        .where(at_or_under(org.path))
    )
    if org.parent_id is not None:
        stmt = stmt.where(Organisation.id != org.id)
    rows = session.execute(stmt).all()
    by_id = {r[0].id: r for r in rows}

    def order(r: Any) -> tuple[str, ...]:
        ids = [int(p) for p in r[0].path.strip("/").split("/") if p]
        return tuple(by_id[i][0].code if i in by_id else "" for i in ids)

    out: list[dict[str, Any]] = []
    for r in sorted(rows, key=order):
        o: Organisation = r[0]
        c: Congress | None = r[3]
        status: tuple[str, str | None]
        if o.status is OrgStatus.ACTIVE:
            status = (STATUS_ACTIVE, None)
        elif o.status is OrgStatus.DISSOLVED:
            status = (STATUS_DISSOLVED, None)
        else:
            status = (STATUS_MERGED, r.merged_code)
        out.append(
            {
                "code": o.code,
                "name": o.name,
                "kind": o.kind.label,
                "parent_code": r.parent_code,
                "members_official": o.members_official,
                "members_probationary": o.members_probationary,
                "planned_date": c.planned_date if c else None,
                "congress_form": c.form.label if c and c.form else None,
                "committee_size": c.committee_size if c else None,
                "contents": str(c.contents) if c else None,
                "held_date": c.held_date if c else None,
                "status": status,
                "effective_date": o.valid_to if o.status is not OrgStatus.ACTIVE else None,
            }
        )
    return {SHEET: out}


IMPORTER = register(
    FormImporter(
        form="don-vi",
        run=run,
        needs_sender=False,
        replaces="không thay thế: cập nhật hoặc thêm từng đơn vị",
        prefill=prefill,
    )
)
