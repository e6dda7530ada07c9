"""The team's answer to a suggestion: accept (its groups share one label from then on, so the
tiếp thu sheet, the workspace and the synthesis report treat them as one point) or dismiss
(remembered). Both audited, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.bulk import update_rows
from models.drafting import add_dismissal
from models.enums import AuditAction
from models.feedback import Comment
from models.queries import OrgRef
from tasks.core.audit import AuditRow, record_audit
from tasks.core.errors import UserError
from tasks.core.text import nfc
from tasks.intake.drafting.queries import CommentRef, group_members, scope_comments
from tasks.intake.drafting.suggest import Suggestion, SuggestionMemo, suggestions
from tasks.intake.exports.tiep_thu import group_key
from tasks.intake.forms.tiep_thu import MAX_GROUP

GONE = "Gợi ý này không còn (ý kiến của mục đã thay đổi); hãy tải lại trang."


def _suggestion(
    session: Session,
    *,
    draft_id: int,
    scope: OrgRef,
    section_id: int,
    sig: str,
    memo: SuggestionMemo,
) -> Suggestion:
    found = suggestions(
        session, draft_id=draft_id, scope=scope, section_ids=[section_id], memo=memo
    ).get(section_id, [])
    for s in found:
        if s.signature == sig:
            return s
    raise UserError(GONE)


def fit_label(text: str) -> str:
    """A label of at most MAX_GROUP characters, cut at a word with "…" when longer."""
    text = " ".join(nfc(text).split())
    if len(text) <= MAX_GROUP:
        return text
    cut = text[: MAX_GROUP - 1].rsplit(" ", 1)[0] or text[: MAX_GROUP - 1]
    return cut + "…"


def _free_label(
    session: Session, *, draft_id: int, scope: OrgRef, label: str, members: set[int], number: str
) -> str:
    """`label`, or "<section> – label" when another group of the draft already has it."""
    labelled = scope_comments(
        session, draft_id=draft_id, scope=scope, where=(Comment.group_label.is_not(None),)
    )
    for candidate in (label, fit_label(f"{number} – {label}")):
        key = group_key(candidate)
        if not any(c.key == key and c.id not in members for c in labelled):
            return candidate
    raise UserError(f"Tên nhóm '{label}' đã dùng cho nhóm khác; hãy đặt tên khác.")


def accept(
    session: Session,
    *,
    draft_id: int,
    scope: OrgRef,
    section_id: int,
    sig: str,
    label: str | None,
    memo: SuggestionMemo,
    actor: str,
    source: str,
) -> int:
    """Give every comment of the suggestion's groups one label; the number of comments relabelled."""
    s = _suggestion(
        session, draft_id=draft_id, scope=scope, section_id=section_id, sig=sig, memo=memo
    )
    members: dict[int, CommentRef] = {}
    for g in s.groups:
        for c in group_members(session, draft_id=draft_id, scope=scope, of=g.comments[0]):
            members[c.id] = c
    wanted = fit_label(label or "") or fit_label(s.proposed_label)
    number = s.groups[0].comments[0].section_number
    wanted = _free_label(
        session, draft_id=draft_id, scope=scope, label=wanted, members=set(members), number=number
    )
    changed = [c for c in members.values() if c.group_label != wanted]
    update_rows(
        session,
        model=Comment,
        rows=[{"id": c.id, "group_label": wanted} for c in changed],
        fields=("group_label",),
    )
    record_audit(
        session,
        actor=actor,
        source=source,
        events=[
            AuditRow(
                "comment",
                c.id,
                c.org_id,
                AuditAction.UPDATE,
                before={"group_label": c.group_label},
                after={"group_label": wanted},
            )
            for c in changed
        ],
    )
    return len(changed)


def dismiss(
    session: Session,
    *,
    draft_id: int,
    scope: OrgRef,
    section_id: int,
    sig: str,
    memo: SuggestionMemo,
    actor: str,
    source: str,
) -> bool:
    """Remember that the team dismissed the suggestion; False when it was dismissed already."""
    s = _suggestion(
        session, draft_id=draft_id, scope=scope, section_id=section_id, sig=sig, memo=memo
    )
    row_id = add_dismissal(session, section_id=section_id, signature=sig, actor=actor)
    if row_id is None:
        return False
    after = {"section_id": section_id, "signature": sig, "groups": len(s.groups)}
    record_audit(
        session,
        actor=actor,
        source=source,
        events=[
            AuditRow("suggestion_dismissal", row_id, scope.id, AuditAction.CREATE, after=after)
        ],
    )
    return True
