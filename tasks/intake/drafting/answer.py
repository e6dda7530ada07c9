"""A group's disposition in one action: the same answer on every comment of the group, through
the one disposition store the tiếp thu importer writes (audited, in one transaction)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.enums import DispositionAction
from models.feedback import Comment
from models.queries import OrgRef
from tasks.core.errors import UserError
from tasks.core.text import nfc
from tasks.intake.drafting.queries import CommentRef, group_members, scope_comments
from tasks.intake.forms.tiep_thu import MAX_HANDLER, Answer, store_answers

MAX_ANSWER = 20_000


@dataclass(frozen=True)
class Answered:
    """What answering a group did."""

    comments: int
    created: int
    updated: int


def parse_answer(action: str, text: str | None, handler: str | None) -> Answer:
    """The team's answer from a form: the action by its code or its label, the text required
    unless the action is Tiếp thu (Vietnamese UserError otherwise)."""
    try:
        act = DispositionAction(action)
    except ValueError:
        try:
            act = DispositionAction(DispositionAction.from_label(action))
        except (KeyError, ValueError):
            choices = ", ".join(f"'{a.label}'" for a in DispositionAction)
            raise UserError(f"Hình thức xử lý phải là một trong: {choices}.") from None
    body = nfc(text or "") or None
    if body is None and act is not DispositionAction.TIEP_THU:
        raise UserError(f"Cần nội dung tiếp thu, giải trình khi hình thức xử lý là '{act.label}'.")
    if body is not None and len(body) > MAX_ANSWER:
        raise UserError(f"Nội dung tiếp thu, giải trình dài quá {MAX_ANSWER} ký tự.")
    who = nfc(handler or "")[:MAX_HANDLER] or None
    return Answer(act, body, who)


def find_comment(
    session: Session, *, draft_id: int, scope: OrgRef, comment_id: int
) -> CommentRef | None:
    """A comment of the scope on the draft needing an answer, else None (the caller's 404)."""
    found = scope_comments(
        session, draft_id=draft_id, scope=scope, where=(Comment.id == comment_id,)
    )
    return found[0] if found else None


def answer_group(
    session: Session,
    *,
    draft_id: int,
    scope: OrgRef,
    comment_id: int,
    answer: Answer,
    actor: str,
    source: str,
) -> Answered | None:
    """Give `answer` to every comment of the scope in `comment_id`'s group; None when the
    comment is not one of the scope's comments needing an answer."""
    first = find_comment(session, draft_id=draft_id, scope=scope, comment_id=comment_id)
    if first is None:
        return None
    members = group_members(session, draft_id=draft_id, scope=scope, of=first)
    counts = store_answers(
        session, actor=actor, source=source, answered=[(c, answer) for c in members]
    )
    return Answered(len(members), counts["created"], counts["updated"])
