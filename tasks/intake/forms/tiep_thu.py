"""`tiep-thu`: the drafting team's dispositions, read back from `daihoi export tiep-thu` (upsert only).

A disposition given on one row of a group (`Nhóm`) applies to every row of that group; rows
of a group with no disposition leave their comments as they were.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from models.bulk import select_in, update_rows, upsert
from models.enums import AuditAction, CommentKind, DispositionAction
from models.feedback import Comment, Disposition, Submission
from models.org import Organisation
from models.queries import comment_select
from tasks.core.audit import AuditRow, record_audit
from tasks.intake.draft.store import current_draft, draft_for_unit
from tasks.intake.exports.tiep_thu import default_group, group_key
from tasks.intake.forms.common import (
    FormImporter,
    ImportContext,
    ImportOutcome,
    duplicate_keys,
)
from tasks.intake.forms.gop_y import disposition_snapshot
from tasks.intake.pipeline.issues import error
from tasks.intake.pipeline.validate import ParsedForm, ParsedRow, ParsedSheet

MAX_GROUP = 200
MAX_HANDLER = 120


@dataclass(frozen=True)
class Answer:
    """A disposition as the team gives it (one per group)."""

    action: DispositionAction
    text: str | None
    handler: str | None


def _comments(session: Session, ids: list[int]) -> dict[int, Any]:
    stmt = comment_select(
        Comment.id,
        Comment.section_number,
        Comment.kind,
        Comment.text_key,
        Comment.group_label,
        Submission.draft_id,
        Organisation.id.label("org_id"),
        Organisation.path,
        Disposition.id.label("disposition_id"),
        Disposition.action,
        Disposition.text.label("answer"),
        Disposition.handler,
    )
    return {r.id: r for r in select_in(session, stmt, column=Comment.id, values=ids)}


def _check_rows(
    sheet: ParsedSheet, comments: dict[int, Any], draft_id: int, sender_path: str, sender: str
) -> tuple[list[tuple[ParsedRow, Any]], list[Any]]:
    """Rows whose comment is known, on the draft, in the sender's subtree and needs an answer."""
    good: list[tuple[ParsedRow, Any]] = []
    issues = []
    for row in sheet.rows:
        if not row.ok("comment_id"):
            continue
        c = comments.get(row.get("comment_id"))
        if c is None or c.draft_id != draft_id:
            issues.append(
                sheet.issue(row, "comment_id", "không phải mã ý kiến của dự thảo hiện hành")
            )
        elif not c.path.startswith(sender_path):
            issues.append(
                sheet.issue(
                    row,
                    "comment_id",
                    f"là ý kiến của đơn vị không thuộc '{sender}': chỉ được xử lý ý kiến "
                    "của đơn vị mình và các đơn vị trực thuộc",
                )
            )
        elif c.kind == CommentKind.THONG_NHAT:
            issues.append(
                sheet.issue(
                    row, "comment_id", "là ý kiến 'Thống nhất', không cần tiếp thu, giải trình"
                )
            )
        else:
            good.append((row, c))
    return good, issues


def _group_of(row: ParsedRow, comment: Any) -> str:
    label = row.get("group") or default_group(comment.section_number, comment.text_key)
    return group_key(label)


def _stored(comment: Any) -> Answer | None:
    if comment.action is None:
        return None
    return Answer(DispositionAction(comment.action), comment.answer, comment.handler)


def _answers(
    sheet: ParsedSheet, rows: list[tuple[ParsedRow, Any]]
) -> tuple[dict[str, Answer], list[Any]]:
    """Group key → the disposition its rows give; incomplete rows and two different new
    answers in one group are errors.

    A row whose answer differs from its comment's stored one is a new answer, and applies to
    the whole group. Without a new answer, rows that agree give their answer to the group's
    blank rows; rows that disagree (groups merged by editing `Nhóm`) are left as they are, so
    an export imported back unchanged changes nothing."""
    issues = []
    new: dict[str, tuple[Answer, ParsedRow]] = {}
    shown: dict[str, set[Answer]] = defaultdict(set)
    for row, comment in rows:
        if not row.ok("action", "answer", "handler", "group"):
            continue
        action, text, handler = row.get("action"), row.get("answer"), row.get("handler")
        if action is None:
            if text is not None or handler is not None:
                issues.append(sheet.issue(row, "action", "thiếu hình thức xử lý", with_value=False))
            continue
        act = DispositionAction(DispositionAction.from_label(action))
        if text is None and act is not DispositionAction.TIEP_THU:
            issues.append(sheet.issue(row, "answer", f"bắt buộc khi hình thức xử lý là '{action}'"))
            continue
        if handler is not None and len(handler) > MAX_HANDLER:
            issues.append(sheet.issue(row, "handler", f"dài quá {MAX_HANDLER} ký tự"))
            continue
        answer = Answer(act, text, handler)
        key = _group_of(row, comment)
        shown[key].add(answer)
        if answer == _stored(comment):
            continue
        first = new.get(key)
        if first is None:
            new[key] = (answer, row)
        elif first[0] != answer:
            issues.append(
                sheet.issue(
                    row,
                    "action",
                    f"khác với dòng {first[1].number} cùng nhóm: một nhóm chỉ có một cách "
                    "xử lý (sửa cho giống nhau hoặc đổi 'Nhóm')",
                )
            )
    answers = {k: a for k, (a, _row) in new.items()}
    for key, seen in shown.items():
        if key not in answers and len(seen) == 1:
            answers[key] = next(iter(seen))
    return answers, issues


def _edited_group(row: ParsedRow, comment: Any, *, exported: bool) -> bool:
    """The row's `Nhóm` is the team's edit, not what the export showed: it differs from the
    hidden `Nhóm khi xuất` (a sheet without that column: from the comment's default group,
    the only thing an export wrote for a comment the team had not labelled yet)."""
    label = row.get("group")
    if exported:
        shown = row.get("exported_group")
    elif comment.group_label is not None and label is not None:
        shown = default_group(comment.section_number, comment.text_key)
    else:
        return True
    return group_key(label or "") != group_key(shown or "")


def _write_groups(session: Session, rows: list[tuple[ParsedRow, Any]], *, exported: bool) -> int:
    """Store the team's group labels where a row edits its `Nhóm` (a label the team accepted
    after the sheet was exported stays); a label equal to the default group is not stored."""
    changes = []
    for row, c in rows:
        if not _edited_group(row, c, exported=exported):
            continue
        label = row.get("group")
        if label is not None and group_key(label) == group_key(
            default_group(c.section_number, c.text_key)
        ):
            label = None
        if label != c.group_label:
            changes.append({"id": c.id, "group_label": label})
    update_rows(session, model=Comment, rows=changes, fields=("group_label",))
    return len(changes)


def _write_answers(
    session: Session,
    ctx: ImportContext,
    rows: list[tuple[ParsedRow, Any]],
    answers: dict[str, Answer],
) -> dict[str, int]:
    """Insert or update each answered comment's disposition; audit rows in the same transaction."""
    answered = [(c, a) for row, c in rows if (a := answers.get(_group_of(row, c))) is not None]
    return store_answers(session, actor=ctx.actor, source=ctx.source, answered=answered)


def store_answers(
    session: Session, *, actor: str, source: str | None, answered: list[tuple[Any, Answer]]
) -> dict[str, int]:
    """The one disposition store: upsert each (comment, answer) and audit every change, in the
    caller's transaction. A comment row carries id, org_id, disposition_id, action, answer and
    handler (what `_comments` selects); the web's group answer writes through here too."""
    done = upsert(
        session,
        model=Disposition,
        wanted={
            c.id: {"comment_id": c.id, "action": a.action, "text": a.text, "handler": a.handler}
            for c, a in answered
        },
        fields=("action", "text", "handler"),
        existing={
            c.id: {
                "id": c.disposition_id,
                "action": DispositionAction(c.action),
                "text": c.answer,
                "handler": c.handler,
            }
            for c, _a in answered
            if c.disposition_id is not None
        },
        returning=True,
        # Core executemany: the ORM's version counter is bumped by hand.
        bump_version=True,
    )
    created, updated = set(done.created), set(done.updated)
    events = [
        AuditRow(
            "disposition",
            done.ids[c.id],
            c.org_id,
            AuditAction.CREATE,
            after=disposition_snapshot(c.id, a.action, a.text, a.handler),
        )
        for c, a in answered
        if c.id in created
    ] + [
        AuditRow(
            "disposition",
            c.disposition_id,
            c.org_id,
            AuditAction.UPDATE,
            before=disposition_snapshot(c.id, DispositionAction(c.action), c.answer, c.handler),
            after=disposition_snapshot(c.id, a.action, a.text, a.handler),
        )
        for c, a in answered
        if c.id in updated
    ]
    record_audit(session, actor=actor, source=source, events=events)
    return {"created": len(done.created), "updated": len(done.updated)}


def run(session: Session, ctx: ImportContext, parsed: ParsedForm) -> ImportOutcome:
    """Check the dispositions against the comments in the sender's subtree, then upsert them."""
    outcome = ImportOutcome()
    sender = ctx.sender
    sheet = parsed.sheet("tiep-thu")
    if sender is None:
        outcome.issues.append(error("biểu mẫu tiep-thu cần đơn vị gửi (--org)"))
        return outcome
    if sheet.header is not None and sheet.header.row and "action" not in sheet.header.columns:
        outcome.issues.append(
            error("thiếu cột bắt buộc: 'Hình thức xử lý'", sheet=sheet.title, row=sheet.header.row)
        )
        return outcome
    draft = current_draft(session, scope_id=sender.id) or draft_for_unit(session, org=sender)
    if draft is None:
        outcome.issues.append(error("chưa có dự thảo Báo cáo chính trị"))
        return outcome
    keyed = {r.number: (r.get("comment_id"),) for r in sheet.rows if r.ok("comment_id")}
    outcome.issues.extend(duplicate_keys(sheet, keyed, "mã ý kiến", "comment_id"))
    for row in sheet.rows:
        if row.ok("group") and row.get("group") and len(row.get("group")) > MAX_GROUP:
            outcome.issues.append(sheet.issue(row, "group", f"dài quá {MAX_GROUP} ký tự"))
    comments = _comments(session, sorted({k[0] for k in keyed.values()}))
    rows, issues = _check_rows(sheet, comments, draft.id, sender.path, sender.code)
    outcome.issues.extend(issues)
    answers, issues = _answers(sheet, rows)
    outcome.issues.extend(issues)
    if outcome.errors:
        return outcome
    counts = _write_answers(session, ctx, rows, answers)
    exported = sheet.header is not None and "exported_group" in sheet.header.columns
    counts["groups"] = _write_groups(session, rows, exported=exported)
    unanswered = sum(1 for row, c in rows if _group_of(row, c) not in answers)
    counts["unanswered"] = unanswered
    outcome.rows = len(rows)
    outcome.counts = counts
    return outcome


IMPORTER = FormImporter(form="tiep-thu", run=run, replaces="không: chỉ thêm hoặc cập nhật")
