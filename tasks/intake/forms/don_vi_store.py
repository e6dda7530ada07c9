"""Writing the registry for the don-vi importer (set-based) and its pre-fill."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from models.enums import OrgStatus
from models.org import Congress, Organisation, OrgLink
from models.queries import OrgRef
from models.settings import get_settings
from models.tree import at_or_under
from tasks.intake.forms.common import ImportContext, table_of
from tasks.intake.pipeline.cells import STATUS_ACTIVE, STATUS_DISSOLVED, STATUS_MERGED

SHEET = "don-vi"
DEFAULT_VALID_FROM = date(2020, 1, 1)
ORG_FIELDS = (
    "name",
    "kind",
    "members_official",
    "members_probationary",
    "status",
    "merged_into_id",
    "valid_to",
)
CONGRESS_FIELDS = ("planned_date", "form", "committee_size", "contents", "held_date")


def current_orgs(session: Session, org_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The stored registry fields of these organisations, by id (chunked queries)."""
    cols = [getattr(Organisation, f) for f in ORG_FIELDS]
    found: dict[int, dict[str, Any]] = {}
    for i in range(0, len(org_ids), 5000):
        stmt = select(Organisation.id, Organisation.parent_id, *cols).where(
            Organisation.id.in_(org_ids[i : i + 5000])
        )
        for r in session.execute(stmt).mappings():
            found[r["id"]] = dict(r)
    return found


def move_orgs(session: Session, ctx: ImportContext, moves: list[dict[str, Any]]) -> None:
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
                "valid_from": DEFAULT_VALID_FROM if m["new"] else ctx.received_on,
                "reason": "Nhập biểu mẫu don-vi",
            }
            for m in moves
        ],
    )


def upsert_congresses(session: Session, term: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """Insert or update each unit's congress row for the term (one executemany each)."""
    ids = [oid for oid, _c in rows]
    have: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 5000):
        stmt = select(
            Congress.id, Congress.org_id, *[getattr(Congress, f) for f in CONGRESS_FIELDS]
        )
        stmt = stmt.where(Congress.term == term, Congress.org_id.in_(ids[i : i + 5000]))
        for r in session.execute(stmt).mappings():
            have[r["org_id"]] = dict(r)
    inserts = [{"org_id": oid, "term": term, **c} for oid, c in rows if oid not in have]
    updates = [
        {"b_id": have[oid]["id"], **c}
        for oid, c in rows
        if oid in have and any(have[oid][k] != c[k] for k in CONGRESS_FIELDS)
    ]
    if inserts:
        session.execute(insert(Congress).execution_options(render_nulls=True), inserts)
    if updates:
        table = table_of(Congress)
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({k: bindparam(k) for k in CONGRESS_FIELDS}),
            updates,
        )


def prefill(session: Session, org: OrgRef, as_of: date) -> dict[str, list[dict[str, Any]]]:
    """The sender's registry rows in tree order: the whole tree for the root, else its subtree
    below it (a unit does not restate itself: its superior does). The registry is taken as
    last stated, whatever `as_of`."""
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
