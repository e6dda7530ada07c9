"""`danh-gia`: a unit's yearly figures for the six targets; a row replaces (unit, Năm)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, insert, select, tuple_, update
from sqlalchemy.orm import Session

from models.enums import Rating
from models.org import Organisation
from models.queries import OrgRef
from models.targets import YearFigures
from models.tree import at_or_under
from tasks.intake.forms.common import (
    FormImporter,
    ImportContext,
    ImportOutcome,
    duplicate_keys,
    resolve_units,
    table_of,
)
from tasks.intake.pipeline.validate import ParsedForm

SHEET = "danh-gia"
_FIELDS = (
    "members_total",
    "registered",
    "reviewed",
    "org_rating",
    "n_xuat_sac",
    "n_tot",
    "n_hoan_thanh",
    "n_khong",
    "applies_1793",
    "digitised_pct",
)
_YES = "Có"


def _values(row: Any) -> dict[str, Any]:
    return {
        "members_total": row.get("members_total"),
        "registered": row.get("registered"),
        "reviewed": row.get("reviewed") == _YES,
        "org_rating": Rating.from_label(row.get("org_rating")),
        "n_xuat_sac": row.get("n_xuat_sac"),
        "n_tot": row.get("n_tot"),
        "n_hoan_thanh": row.get("n_hoan_thanh"),
        "n_khong": row.get("n_khong"),
        "applies_1793": row.get("applies_1793") == _YES,
        "digitised_pct": row.get("digitised_pct"),
    }


def run(session: Session, ctx: ImportContext, parsed: ParsedForm) -> ImportOutcome:
    """Check every row, then insert or replace each (unit, year)."""
    sheet = parsed.sheet(SHEET)
    units, issues = resolve_units(session, ctx, sheet, default_to_sender=False)
    keys: dict[int, tuple[Any, ...]] = {}
    for row in sheet.rows:
        total = row.get("members_total")
        if total is not None and row.ok("registered") and (row.get("registered") or 0) > total:
            issues.append(sheet.issue(row, "registered", "lớn hơn Tổng số đảng viên"))
        counts = [row.get(f) for f in ("n_xuat_sac", "n_tot", "n_hoan_thanh", "n_khong")]
        if total is not None and all(c is not None for c in counts) and sum(counts) > total:
            issues.append(
                sheet.issue(
                    row,
                    "n_khong",
                    f"tổng bốn mức xếp loại đảng viên ({sum(counts)}) lớn hơn Tổng số đảng viên ({total})",
                    with_value=False,
                )
            )
        org = units.get(row.number)
        if org is not None and row.get("year") is not None:
            keys[row.number] = (org.id, row.get("year"))
    issues += duplicate_keys(sheet, keys, "(đơn vị, năm)", "year")
    outcome = ImportOutcome(issues=issues, rows=len(sheet.rows))
    if parsed.has_errors or any(i.is_error for i in issues):
        return outcome
    stated = {keys[r.number]: _values(r) for r in sheet.rows}
    have: dict[tuple[int, int], dict[str, Any]] = {}
    pairs = list(stated)
    for i in range(0, len(pairs), 2000):
        stmt = select(
            YearFigures.id,
            YearFigures.org_id,
            YearFigures.year,
            *[getattr(YearFigures, f) for f in _FIELDS],
        )
        stmt = stmt.where(tuple_(YearFigures.org_id, YearFigures.year).in_(pairs[i : i + 2000]))
        for r in session.execute(stmt).mappings():
            have[(r["org_id"], r["year"])] = dict(r)
    inserts = [{"org_id": k[0], "year": k[1], **v} for k, v in stated.items() if k not in have]
    updates = [
        {"b_id": have[k]["id"], **v}
        for k, v in stated.items()
        if k in have and any(have[k][f] != v[f] for f in _FIELDS)
    ]
    if inserts:
        session.execute(insert(YearFigures).execution_options(render_nulls=True), inserts)
    if updates:
        table = table_of(YearFigures)
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({f: bindparam(f) for f in _FIELDS}),
            updates,
        )
    outcome.counts = {"created": len(inserts), "updated": len(updates)}
    return outcome


def prefill(session: Session, org: OrgRef, as_of: date) -> dict[str, list[dict[str, Any]]]:
    """The subtree's figures (the unit's and its units') of the years up to as_of's, in tree
    order then year."""
    stmt = (
        select(YearFigures, Organisation.code, Organisation.path)
        .join(Organisation, Organisation.id == YearFigures.org_id)
        .where(at_or_under(org.path), YearFigures.year <= as_of.year)
    )
    rows = session.execute(stmt).all()
    codes: dict[int, str] = {
        r.id: r.code
        for r in session.execute(
            select(Organisation.id, Organisation.code).where(at_or_under(org.path))
        )
    }

    def order(r: Any) -> tuple[Any, ...]:
        ids = [int(p) for p in r.path.strip("/").split("/") if p]
        return (tuple(codes.get(i, "") for i in ids), r[0].year)

    out = []
    for r in sorted(rows, key=order):
        y: YearFigures = r[0]
        out.append(
            {
                "org_code": r.code,
                "year": y.year,
                "members_total": y.members_total,
                "registered": y.registered,
                "reviewed": "Có" if y.reviewed else "Không",
                "org_rating": y.org_rating.label,
                "n_xuat_sac": y.n_xuat_sac,
                "n_tot": y.n_tot,
                "n_hoan_thanh": y.n_hoan_thanh,
                "n_khong": y.n_khong,
                "applies_1793": "Có" if y.applies_1793 else "Không",
                "digitised_pct": y.digitised_pct,
            }
        )
    return {SHEET: out}


IMPORTER = FormImporter(
    form="danh-gia", run=run, replaces="số liệu (đơn vị, năm) có trong tệp", prefill=prefill
)
