"""`gop-y`: a unit's comments on the draft Political Report (FORMS.md §4), replacing per (unit, draft).

The `tiep-thu` importer (the drafting team's dispositions) is tiep_thu.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.bulk import delete_rows, insert_rows, update_rows
from models.enums import AuditAction, CommentKind, DispositionAction
from models.feedback import Comment, Disposition, Submission
from models.queries import OrgRef, comment_select
from tasks.core.audit import AuditRow, record_audit
from tasks.core.text import nfc, norm_key
from tasks.intake.draft.parse import section_key
from tasks.intake.draft.store import draft_for_unit, ordered_section_numbers, section_numbers
from tasks.intake.forms.common import FormImporter, ImportContext, ImportOutcome
from tasks.intake.pipeline.cells import Cell, parse_date
from tasks.intake.pipeline.issues import Issue, error, warning
from tasks.intake.pipeline.spec import ColumnSpec
from tasks.intake.pipeline.validate import ParsedForm, ParsedSheet

LETTER_NUMBER_LABEL = "Số văn bản"
LETTER_DATE_LABEL = "Ngày"
MAX_LETTER_NUMBER = 64
_DATE_COLUMN = ColumnSpec(label=LETTER_DATE_LABEL, field="ngay", type="date")


@dataclass(frozen=True)
class Letter:
    """A submission's letter number and date, and where they came from."""

    number: str | None
    day: date | None


def letter_from_cells(rows: list[list[Cell]]) -> tuple[Letter, list[Issue]]:
    """`Số văn bản:` / `Ngày:` cells above the header: the next non-empty cell to the right."""
    found: dict[str, Cell] = {}
    for row in rows:
        for i, cell in enumerate(row):
            if not isinstance(cell.value, str):
                continue
            key = norm_key(cell.value)
            for label in (LETTER_NUMBER_LABEL, LETTER_DATE_LABEL):
                if key == norm_key(label) and label not in found:
                    value = next((c for c in row[i + 1 :] if not _blank(c.value)), None)
                    if value is not None:
                        found[label] = value
    issues: list[Issue] = []
    number = None
    if LETTER_NUMBER_LABEL in found:
        number = nfc(_text(found[LETTER_NUMBER_LABEL].value))
    day = None
    if LETTER_DATE_LABEL in found:
        day, problem = parse_date(_DATE_COLUMN, found[LETTER_DATE_LABEL])
        if problem is not None:
            issues.append(
                error(f"(ngày văn bản) {problem}", value=_text(found[LETTER_DATE_LABEL].value))
            )
    return Letter(number or None, day), issues


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return str(value)


def resolve_letter(ctx: ImportContext, sheet: ParsedSheet) -> tuple[Letter, list[Issue]]:
    """Letter number and date: the command line, then `_meta`, then cells above the header;
    the command line and `_meta` stating different values is an error."""
    issues: list[Issue] = []
    meta = ctx.meta or {}
    meta_number = nfc(meta.get("so_van_ban") or "") or None
    meta_day = None
    if meta.get("ngay"):
        meta_day, problem = parse_date(_DATE_COLUMN, Cell(meta["ngay"]))
        if problem is not None:
            issues.append(error(f"_meta 'ngay': {problem}", value=meta["ngay"]))
    cells, cell_issues = letter_from_cells(sheet.preamble)
    issues.extend(cell_issues)
    # Options apply to every file; one that contradicts the file's own _meta rejects it (DESIGN.md).
    if ctx.letter_number and meta_number and nfc(ctx.letter_number) != meta_number:
        issues.append(
            error(
                f"--so-van-ban '{ctx.letter_number}' khác số văn bản ghi trong _meta "
                f"('{meta_number}')",
                value=meta_number,
            )
        )
    if ctx.letter_date and meta_day and ctx.letter_date != meta_day:
        issues.append(
            error(
                f"--ngay {ctx.letter_date:%d/%m/%Y} khác ngày văn bản ghi trong _meta "
                f"({meta_day:%d/%m/%Y})",
                value=meta["ngay"],
            )
        )
    number = ctx.letter_number or meta_number or cells.number
    day = ctx.letter_date or meta_day or cells.day
    if number is not None and len(number) > MAX_LETTER_NUMBER:
        issues.append(error(f"số văn bản dài quá {MAX_LETTER_NUMBER} ký tự", value=number))
    return Letter(number, day), issues


@dataclass(frozen=True)
class _NewComment:
    section_id: int
    section_number: str
    kind: CommentKind
    text: str
    text_key: str

    @property
    def key(self) -> tuple[str, str, str]:
        return section_key(self.section_number), self.kind.value, self.text_key


def _rows(
    sheet: ParsedSheet, sections: dict[str, tuple[int, str]], listing: str
) -> tuple[list[_NewComment], list[Issue]]:
    comments: list[_NewComment] = []
    issues: list[Issue] = []
    for row in sheet.rows:
        if not row.ok("section", "kind", "text"):
            continue
        found = sections.get(section_key(row.get("section")))
        if found is None:
            issues.append(
                sheet.issue(row, "section", f"không phải mục của dự thảo; các mục: {listing}")
            )
            continue
        kind = CommentKind.from_label(row.get("kind"))
        text = row.get("text")
        comments.append(_NewComment(found[0], found[1], CommentKind(kind), text, norm_key(text)))
    return comments, issues


def _submission(
    session: Session,
    *,
    draft_id: int,
    org_id: int,
    letter: Letter,
    received_on: date,
    no_comments: bool,
) -> tuple[int, Issue | None]:
    """Insert or update the unit's submission; the receipt date is stored once, with a warning."""
    row = session.execute(
        select(Submission.id, Submission.submitted_on, Submission.letter_number).where(
            Submission.draft_id == draft_id, Submission.org_id == org_id
        )
    ).one_or_none()
    notice = None
    values: dict[str, Any] = {"no_comments": no_comments}
    if letter.number is not None:
        values["letter_number"] = letter.number
    if letter.day is not None:
        values |= {"submitted_on": letter.day, "date_from_receipt": False}
    elif row is None:
        values |= {"submitted_on": received_on, "date_from_receipt": True}
        notice = warning(
            "không có số và ngày văn bản (--so-van-ban/--ngay, _meta hoặc ô 'Số văn bản:', "
            f"'Ngày:'): lấy ngày nhận tệp {received_on:%d/%m/%Y} làm ngày góp ý"
        )
    else:
        notice = warning(
            f"không có ngày văn bản: giữ ngày góp ý đã ghi {row.submitted_on:%d/%m/%Y}"
        )
    if row is None:
        sub = Submission(draft_id=draft_id, org_id=org_id, **values)
        session.add(sub)
        session.flush()
        return sub.id, notice
    session.execute(update(Submission).where(Submission.id == row.id).values(**values))
    return row.id, notice


def disposition_snapshot(
    comment_id: int, action: DispositionAction, text: str | None, handler: str | None
) -> dict[str, Any]:
    """The audited fields of a disposition (the comment id is what the team reads as Mã ý kiến)."""
    return {"comment_id": comment_id, "action": action, "text": text, "handler": handler}


def _replace_comments(
    session: Session,
    ctx: ImportContext,
    *,
    submission_id: int,
    org_id: int,
    comments: list[_NewComment],
) -> tuple[dict[str, int], list[Issue]]:
    """Keep comments whose (Mục, Loại, normalised text) are unchanged; replace the others."""
    existing = session.execute(
        comment_select(
            Comment.id,
            Comment.section_number,
            Comment.kind,
            Comment.text,
            Comment.text_key,
            Disposition.id.label("disposition_id"),
            Disposition.action,
            Disposition.text.label("answer"),
            Disposition.handler,
        )
        .where(Comment.submission_id == submission_id)
        .order_by(Comment.id)
    ).all()
    pool: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for r in existing:
        pool[(section_key(r.section_number), CommentKind(r.kind).value, r.text_key)].append(r)
    kept: list[dict[str, Any]] = []
    new: list[_NewComment] = []
    for c in comments:
        matches = pool.get(c.key)
        if matches:
            old = matches.pop(0)
            # Same point, perhaps retyped: keep the id (and its answer), store the new wording.
            kept.append(
                {
                    "id": old.id,
                    "section_id": c.section_id,
                    "section_number": c.section_number,
                    "text": c.text,
                }
            )
        else:
            new.append(c)
    gone = [r for rows in pool.values() for r in rows]
    delete_rows(session, model=Comment, ids=[r.id for r in gone])
    update_rows(session, model=Comment, rows=kept, fields=("section_id", "section_number", "text"))
    insert_rows(
        session,
        model=Comment,
        rows=[
            {
                "submission_id": submission_id,
                "section_id": c.section_id,
                "section_number": c.section_number,
                "kind": c.kind,
                "text": c.text,
                "text_key": c.text_key,
            }
            for c in new
        ],
    )
    answered = [r for r in gone if r.action is not None]
    record_audit(
        session,
        actor=ctx.actor,
        source=ctx.source,
        events=[
            AuditRow(
                "disposition",
                r.disposition_id,
                org_id,
                AuditAction.DELETE,
                before=disposition_snapshot(r.id, r.action, r.answer, r.handler),
            )
            for r in answered
        ],
    )
    issues = []
    if answered:
        listed = ", ".join(f"{r.id} (mục {r.section_number})" for r in answered)
        issues.append(
            warning(
                f"{len(answered)} ý kiến đã có tiếp thu, giải trình bị thay thế bằng nội dung "
                f"mới: {listed}"
            )
        )
    counts = {"comments": len(comments), "kept": len(kept), "added": len(new), "removed": len(gone)}
    return counts, issues


def run(session: Session, ctx: ImportContext, parsed: ParsedForm) -> ImportOutcome:
    """Check a `gop-y` workbook against the current draft and store the unit's submission."""
    sender: OrgRef | None = ctx.sender
    sheet = parsed.sheet("gop-y")
    outcome = ImportOutcome()
    if sender is None:
        outcome.issues.append(error("biểu mẫu gop-y cần đơn vị gửi (--org)"))
        return outcome
    draft = draft_for_unit(session, org=sender)
    if draft is None:
        outcome.issues.append(
            error(
                "chưa có dự thảo Báo cáo chính trị để góp ý: hãy nhập dự thảo "
                "('daihoi draft import') trước"
            )
        )
        return outcome
    letter, issues = resolve_letter(ctx, sheet)
    outcome.issues.extend(issues)
    sections = section_numbers(session, draft_id=draft.id)
    listing = ", ".join(ordered_section_numbers(session, draft_id=draft.id))
    comments, issues = _rows(sheet, sections, listing)
    outcome.issues.extend(issues)
    if outcome.errors:
        return outcome
    submission_id, notice = _submission(
        session,
        draft_id=draft.id,
        org_id=sender.id,
        letter=letter,
        received_on=ctx.received_on,
        no_comments=not comments,
    )
    if notice is not None:
        outcome.issues.append(notice)
    counts, issues = _replace_comments(
        session, ctx, submission_id=submission_id, org_id=sender.id, comments=comments
    )
    outcome.issues.extend(issues)
    outcome.rows = len(comments)
    outcome.counts = counts
    outcome.letter_number = letter.number
    outcome.letter_date = letter.day
    return outcome


IMPORTER = FormImporter(
    form="gop-y",
    run=run,
    replaces="(đơn vị, dự thảo): ý kiến không đổi giữ nguyên tiếp thu, giải trình",
)
