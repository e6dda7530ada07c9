"""Reading and writing inspections and remedies for the kiem-tra importer, and its pre-fill."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from models.enums import AuditAction, RemedyStatus
from models.inspection import Inspection, Remedy
from models.org import Organisation
from models.queries import OrgRef
from tasks.core.audit import AuditRow
from tasks.intake.forms.common import changed, table_of

INSPECTIONS, REMEDIES = "kiem-tra", "khac-phuc"
I_FIELDS = ("kind", "form", "target", "started_on", "concluded_on", "has_violation", "conclusion")
R_FIELDS = ("requirement", "due_on", "status", "completed_on")


@dataclass
class Plan:
    """What the file states, keyed by (unit id, Mã cuộc) and (unit id, Mã cuộc, STT)."""

    inspections: dict[tuple[int, str], dict[str, Any]]
    remedies: dict[tuple[int, str], dict[int, dict[str, Any]]]
    units: set[int]


def existing_inspections(
    session: Session, org_ids: set[int]
) -> dict[tuple[int, str], dict[str, Any]]:
    """The units' inspections by (unit id, Mã cuộc), with their sender."""
    cols = [getattr(Inspection, f) for f in I_FIELDS]
    stmt = select(
        Inspection.id, Inspection.org_id, Inspection.code, Inspection.sender_org_id, *cols
    )
    stmt = stmt.where(Inspection.org_id.in_(org_ids))
    return {(r["org_id"], r["code"]): dict(r) for r in session.execute(stmt).mappings()}


def existing_remedies(
    session: Session, inspection_ids: list[int]
) -> dict[int, dict[int, dict[str, Any]]]:
    """Remedies by inspection id, then STT (chunked queries)."""
    found: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    cols = [getattr(Remedy, f) for f in R_FIELDS]
    for i in range(0, len(inspection_ids), 5000):
        stmt = select(Remedy.id, Remedy.inspection_id, Remedy.seq, Remedy.version, *cols)
        stmt = stmt.where(Remedy.inspection_id.in_(inspection_ids[i : i + 5000]))
        for r in session.execute(stmt).mappings():
            found[r["inspection_id"]][r["seq"]] = dict(r)
    return found


def write_remedies(
    session: Session,
    plan: Plan,
    touched: dict[tuple[int, str], int],
    before: dict[int, dict[int, dict[str, Any]]],
) -> list[AuditRow]:
    """Each touched inspection ends with exactly the file's remedies."""
    audit: list[AuditRow] = []
    inserts, updates, deletes = [], [], []
    for key, iid in touched.items():
        stated = plan.remedies.get(key, {})
        old = before.get(iid, {})
        for seq, rem in old.items():
            if seq not in stated:
                deletes.append(rem["id"])
                audit.append(
                    AuditRow(
                        "remedy",
                        rem["id"],
                        key[0],
                        AuditAction.DELETE,
                        {"code": key[1], "seq": seq, **{f: rem[f] for f in R_FIELDS}},
                        None,
                    )
                )
        for seq, values in stated.items():
            if seq not in old:
                inserts.append({"inspection_id": iid, "seq": seq, **values})
                continue
            b, a = changed({f: old[seq][f] for f in R_FIELDS}, values)
            if a:
                updates.append({"b_id": old[seq]["id"], **values})
                audit.append(
                    AuditRow(
                        "remedy",
                        old[seq]["id"],
                        key[0],
                        AuditAction.UPDATE,
                        {"code": key[1], "seq": seq, **b},
                        a,
                    )
                )
    if deletes:
        session.execute(delete(Remedy).where(Remedy.id.in_(deletes)))
    if updates:
        table = table_of(Remedy)
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({f: bindparam(f) for f in R_FIELDS} | {"version": table.c.version + 1}),
            updates,
        )
    if inserts:
        result = session.execute(
            insert(Remedy)
            .execution_options(render_nulls=True)
            .returning(Remedy.id, sort_by_parameter_order=True),
            inserts,
        )
        keys = {iid: key for key, iid in touched.items()}
        for values, r in zip(inserts, result, strict=True):
            key = keys[values["inspection_id"]]
            after = {"code": key[1], **{k: v for k, v in values.items() if k != "inspection_id"}}
            audit.append(AuditRow("remedy", r[0], key[0], AuditAction.CREATE, None, after))
    return audit


def prefill(session: Session, org: OrgRef, as_of: date) -> dict[str, list[dict[str, Any]]]:
    """The inspections this unit entered (or of it, entered by nobody) started by as_of, with
    their remedies; a conclusion or a completion dated after as_of is not stated yet."""
    unit = table_of(Organisation)
    stmt = (
        select(Inspection, unit.c.code.label("unit_code"))
        .join(unit, unit.c.id == Inspection.org_id)
        .where(
            (Inspection.sender_org_id == org.id)
            | ((Inspection.sender_org_id.is_(None)) & (Inspection.org_id == org.id)),
            Inspection.started_on <= as_of,
        )
        .order_by(unit.c.code, Inspection.code)
    )
    rows = session.execute(stmt).all()
    remedies = existing_remedies(session, [r[0].id for r in rows])
    first, second = [], []
    for r in rows:
        i: Inspection = r[0]
        code = None if i.org_id == org.id else r.unit_code
        concluded = i.concluded_on is not None and i.concluded_on <= as_of
        first.append(
            {
                "code": i.code,
                "org_code": code,
                "kind": i.kind.label,
                "form": i.form.label,
                "target": i.target.label,
                "started_on": i.started_on,
                "concluded_on": i.concluded_on if concluded else None,
                "has_violation": None
                if i.has_violation is None or not concluded
                else ("Có" if i.has_violation else "Không"),
                "conclusion": i.conclusion if concluded else None,
            }
        )
        for seq, rem in sorted(remedies.get(i.id, {}).items()):
            done = rem["completed_on"] is not None and rem["completed_on"] <= as_of
            status = rem["status"]
            if not done and status in (RemedyStatus.HOAN_THANH, RemedyStatus.XAC_NHAN):
                status = RemedyStatus.DANG  # completed after as_of: still under way then
            second.append(
                {
                    "code": i.code,
                    "org_code": code,
                    "seq": seq,
                    "requirement": rem["requirement"],
                    "due_on": rem["due_on"],
                    "status": status.label,
                    "completed_on": rem["completed_on"] if done else None,
                }
            )
    return {INSPECTIONS: first, REMEDIES: second}
