"""What every importer shares: its context, its outcome, unit lookup.

An importer is `run(session, ctx, parsed) -> ImportOutcome`. It runs inside the file's one
write transaction (all or nothing): it checks the parsed rows against the database, reports
every problem it finds as located `Issue`s, and writes only when there is none (the pipeline
also rolls the transaction back whenever an error is returned). Importers never commit.

Each form module (`tasks/intake/forms/<form code>.py`) defines `run` and its `IMPORTER`;
`tasks.intake.forms.registry` lists them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from models.queries import OrgRef, orgs_by_code
from tasks.intake.pipeline.issues import Issue
from tasks.intake.pipeline.validate import ParsedForm, ParsedRow, ParsedSheet


@dataclass(frozen=True)
class ImportContext:
    """What an importer knows besides the rows: who sent the file and how it arrived."""

    sender: OrgRef | None
    sha256: str
    file_name: str
    actor: str
    term: str
    received_on: date
    intake_id: int
    meta: dict[str, str] | None = None
    letter_number: str | None = None  # --so-van-ban (gop-y)
    letter_date: date | None = None  # --ngay (gop-y)
    force: bool = False

    @property
    def source(self) -> str:
        """What audit events name as their source: the file's hash."""
        return self.sha256


@dataclass
class ImportOutcome:
    """What an importer did (or why it refused): issues, rows written, change counts."""

    issues: list[Issue] = field(default_factory=list)
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    letter_number: str | None = None
    letter_date: date | None = None
    # Set by the pipeline: rows added / changed / removed per unit (tasks.intake.preview).
    changes: list[Any] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        """The issues that reject the file."""
        return [i for i in self.issues if i.is_error]


Runner = Callable[[Session, ImportContext, ParsedForm], ImportOutcome]
# A unit's rows for `daihoi forms`, per sheet id, as the importer reads them back: the facts
# dated by the day given (DESIGN.md "What as_of filters"), the rest as last stated.
Prefill = Callable[[Session, OrgRef, date], dict[str, list[dict[str, Any]]]]


@dataclass(frozen=True)
class FormImporter:
    """A form's importer. `needs_sender=False` lets a file in without a sender (don-vi into an
    empty registry); `replaces` says what a re-import replaces (FORMS.md rule 11), for help;
    `prefill` gives a unit's current rows so `daihoi forms` writes a workbook to correct."""

    form: str
    run: Runner
    needs_sender: bool = True
    replaces: str = ""
    prefill: Prefill | None = None


def within(sender: OrgRef, org: OrgRef, *, strictly: bool = False) -> bool:
    """`org` is the sender or lies in its subtree (strictly below it when asked)."""
    if strictly and org.id == sender.id:
        return False
    return org.path.startswith(sender.path)


def resolve_units(
    session: Session,
    ctx: ImportContext,
    sheet: ParsedSheet,
    *,
    field_name: str = "org_code",
    default_to_sender: bool = True,
) -> tuple[dict[int, OrgRef], list[Issue]]:
    """Each row's unit (its `Mã đơn vị`, empty = the sender), checked to be known and within the
    sender's subtree (RELIABILITY.md B11). Returns Excel row number → unit, and the problems."""
    issues: list[Issue] = []
    units: dict[int, OrgRef] = {}
    codes = {r.get(field_name) for r in sheet.rows if r.get(field_name)}
    found = orgs_by_code(session, codes=codes)
    sender = ctx.sender
    for row in sheet.rows:
        if not row.ok(field_name):
            continue
        code = row.get(field_name)
        if code is None:
            if default_to_sender and sender is not None:
                units[row.number] = sender
            continue
        org = found.get(code.upper())
        if org is None:
            issues.append(sheet.issue(row, field_name, "không phải mã đơn vị đã có"))
        elif sender is not None and not within(sender, org):
            issues.append(
                sheet.issue(
                    row,
                    field_name,
                    f"không thuộc đơn vị gửi '{sender.code}': một đơn vị chỉ được gửi số liệu "
                    "của mình và các đơn vị trực thuộc",
                )
            )
        else:
            units[row.number] = org
    return units, issues


def duplicate_keys(
    sheet: ParsedSheet, keys: dict[int, tuple[Any, ...]], what: str, field_name: str
) -> list[Issue]:
    """Every row whose key repeats an earlier row's (RELIABILITY.md B8), naming the first row."""
    first: dict[tuple[Any, ...], int] = {}
    issues: list[Issue] = []
    by_number: dict[int, ParsedRow] = {r.number: r for r in sheet.rows}
    for number, key in keys.items():
        if key in first:
            issues.append(
                sheet.issue(by_number[number], field_name, f"trùng {what} với dòng {first[key]}")
            )
        else:
            first[key] = number
    return issues


def check_lengths(sheet: ParsedSheet, limits: dict[str, int]) -> list[Issue]:
    """Text longer than its database column (PostgreSQL would refuse it mid-write)."""
    issues: list[Issue] = []
    for row in sheet.rows:
        for name, limit in limits.items():
            value = row.get(name)
            if isinstance(value, str) and len(value) > limit:
                issues.append(sheet.issue(row, name, f"dài quá {limit} ký tự"))
    return issues


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields that differ, as (before, after) dicts."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def table_of(model: type[Any]) -> Table:
    """A mapped class's Table, for Core executemany updates (the ORM's bulk update by primary key
    would not honour version counters or WHERE clauses)."""
    return cast(Table, model.__table__)
