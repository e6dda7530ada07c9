"""The feedback synthesis: comments on the scope's current draft grouped in the draft's section
order, each group's units and dispositions, agreements counted, units yet to submit listed."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import stages as stage_queries
from models.bulk import chunked
from models.enums import CommentKind, DispositionAction
from models.feedback import Comment, Disposition, DraftSection, Submission
from models.org import Organisation
from models.queries import comment_select
from models.tree import at_or_under
from tasks.core.text import norm_key
from tasks.reports.planning import Kind, PlannedDocument, Request


@dataclass(frozen=True)
class SectionRow:
    """A section of the draft, in the draft's order."""

    id: int
    number: str
    title: str


@dataclass(frozen=True)
class CommentRow:
    """A comment of a unit (submitted by as_of) with its disposition, if any."""

    org_id: int
    section_id: int | None
    section_number: str
    kind: CommentKind
    text: str
    text_key: str
    group_label: str | None
    action: DispositionAction | None
    answer: str | None


@dataclass(frozen=True)
class SubmissionRow:
    """A unit's submission dated by as_of."""

    org_id: int
    submitted_on: date
    no_comments: bool


def draft_sections(session: Session, *, draft_id: int) -> list[SectionRow]:
    """The draft's sections in their order."""
    rows = session.execute(
        select(DraftSection.id, DraftSection.number, DraftSection.title)
        .where(DraftSection.draft_id == draft_id)
        .order_by(DraftSection.position)
    ).all()
    return [SectionRow(*row) for row in rows]


def comments_of(
    session: Session, *, draft_id: int, scope_path: str, as_of: date
) -> list[CommentRow]:
    """Comments on a draft from the subtree's submissions dated by as_of, with dispositions."""
    rows = session.execute(
        comment_select(
            Submission.org_id,
            Comment.section_id,
            Comment.section_number,
            Comment.kind,
            Comment.text,
            Comment.text_key,
            Comment.group_label,
            Disposition.action,
            Disposition.text,
        )
        .where(
            Submission.draft_id == draft_id,
            Submission.submitted_on <= as_of,
            at_or_under(scope_path),
        )
        .order_by(Organisation.path, Comment.id)
    ).all()
    return [CommentRow(*row) for row in rows]


def submissions_of(
    session: Session, *, draft_id: int, scope_path: str, as_of: date
) -> list[SubmissionRow]:
    """The subtree's submissions on a draft dated by as_of."""
    rows = session.execute(
        select(Submission.org_id, Submission.submitted_on, Submission.no_comments)
        .join(Organisation, Organisation.id == Submission.org_id)
        .where(
            Submission.draft_id == draft_id,
            Submission.submitted_on <= as_of,
            at_or_under(scope_path),
        )
    ).all()
    return [SubmissionRow(*row) for row in rows]


_VERBS = {
    CommentKind.BO_SUNG: "đề nghị bổ sung:",
    CommentKind.SUA_DOI: "đề nghị sửa đổi:",
    CommentKind.LUOC_BO: "đề nghị lược bỏ:",
    CommentKind.KHAC: "có ý kiến:",
}


def _group_lead(units: list[str], kind: CommentKind) -> str:
    verb = _VERBS.get(kind, "có ý kiến:")
    if len(units) == 1:
        return f"{units[0]} {verb}"
    return f"Có {len(units):02d} đơn vị ({'; '.join(units)}) {verb}"


def _section_heading(number: str, title: str) -> str:
    if norm_key(number) == "chung":
        return "Ý kiến chung"
    return f"{number}. {title}" if title else number


def _groups(comments: Sequence[CommentRow], names: Mapping[int, str]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for c in comments:
        key = (c.kind.value, norm_key(c.group_label) if c.group_label else c.text_key)
        g = groups.get(key)
        if g is None:
            g = groups[key] = {
                "kind": c.kind,
                "units": [],
                "text": c.group_label or c.text,
                "answers": [],
                "unanswered": False,
            }
        name = names.get(c.org_id, "")
        if name not in g["units"]:
            g["units"].append(name)
        if c.action is None:
            g["unanswered"] = True
        else:
            answer = (c.action.label, c.answer or "tiếp thu ý kiến")
            if answer not in g["answers"]:
                g["answers"].append(answer)
    out = []
    for g in groups.values():
        dispositions = [{"action": a, "text": t} for a, t in g["answers"]]
        if g["unanswered"]:
            dispositions.append({"action": "Chưa tiếp thu, giải trình", "text": "đang xem xét"})
        out.append(
            {
                "lead": _group_lead(g["units"], g["kind"]),
                "text": g["text"],
                "dispositions": dispositions,
            }
        )
    return out


def _sections(
    sections: Sequence[SectionRow], comments: Sequence[CommentRow], names: Mapping[int, str]
) -> list[dict[str, Any]]:
    """The sections that have comments, in the draft's order, then any section the draft does
    not list (by the number the units wrote)."""
    by_section: dict[str, list[CommentRow]] = {}
    for c in comments:
        by_section.setdefault(str(c.section_id) if c.section_id else c.section_number, []).append(c)
    ordered = [(str(s.id), _section_heading(s.number, s.title)) for s in sections]
    known = {key for key, _ in ordered}
    ordered += [(key, _section_heading(key, "")) for key in by_section if key not in known]
    out = []
    for key, heading in ordered:
        rows = by_section.get(key, [])
        if not rows:
            continue
        agreed = {c.org_id for c in rows if c.kind == CommentKind.THONG_NHAT}
        asked = [c for c in rows if c.kind != CommentKind.THONG_NHAT]
        out.append({"heading": heading, "agreements": len(agreed), "groups": _groups(asked, names)})
    return out


def last_names(session: Session, org_ids: Sequence[int]) -> dict[int, str]:
    """The names organisations had last (those no longer active included), by id."""
    found: dict[int, str] = {}
    for part in chunked(sorted(set(org_ids))):
        stmt = select(Organisation.id, Organisation.name).where(Organisation.id.in_(part))
        found.update({int(i): str(n) for i, n in session.execute(stmt)})
    return found


def _retired(
    comments: Sequence[CommentRow], names: Mapping[int, str], active: Collection[int]
) -> list[dict[str, Any]]:
    """Units no longer active whose comments the synthesis still holds: name and count, in the
    order their comments come."""
    counts: dict[int, int] = {}
    for c in comments:
        if c.org_id not in active:
            counts[c.org_id] = counts.get(c.org_id, 0) + 1
    return [{"name": names.get(i, ""), "comments": n} for i, n in counts.items()]


def build_feedback_context(
    *,
    doc: dict[str, Any],
    scope_name: str,
    draft: Mapping[str, Any] | None,
    sections: Sequence[SectionRow],
    comments: Sequence[CommentRow],
    submissions: Sequence[SubmissionRow],
    names: Mapping[int, str],
    units: Sequence[int],
    figures: Mapping[str, Any],
    active: Collection[int],
) -> dict[str, Any]:
    """The synthesis: comments grouped in the draft's section order, each group's units and
    dispositions, agreements counted, units yet to submit listed. Its figures are status's
    feedback summary (`figures`) over the scope's units; comments of units no longer active
    (not in `active`) keep their last names and are counted on their own line."""
    counted = set(units)
    own = [c for c in comments if c.org_id in counted]
    needing = int(figures["comments"])
    answered = int(figures["answered"])
    summary = {
        "units": int(figures["applicable"]),
        "submitted": int(figures["done"]),
        "late": int(figures["late"]),
        "no_comments": sum(1 for s in submissions if s.no_comments and s.org_id in counted),
        "comments": len(own),
        "agreements": sum(1 for c in own if c.kind == CommentKind.THONG_NHAT),
        "needing": needing,
        "answered": answered,
        "answered_share": answered / needing if needing else None,
    }
    retired = _retired(comments, names, active)
    summary["retired_comments"] = sum(r["comments"] for r in retired)
    submitted = {s.org_id for s in submissions}
    deadline = draft["deadline"] if draft else None
    return {
        "doc": doc,
        "scope": {"name": scope_name},
        "draft": None
        if draft is None
        else {
            "title": draft["title"],
            "deadline": deadline.isoformat() if deadline else "",
        },
        "summary": summary,
        "retired": [f"{r['name']} ({r['comments']} ý kiến)" for r in retired],
        "sections": _sections(sections, comments, names),
        "not_submitted": [names[u] for u in units if u not in submitted],
    }


def plan(req: Request) -> list[PlannedDocument]:
    """The synthesis of the comments on the draft the scope's status judges feedback against."""
    path = req.scope.path
    draft_row = req.s.execute(stage_queries.current_draft_query(scope_path=path)).first()
    subject = f"Tổng hợp, tiếp thu, giải trình ý kiến góp ý dự thảo Báo cáo chính trị{req.suffix()}"
    draft = None
    sections: list[SectionRow] = []
    comments: list[CommentRow] = []
    submissions: list[SubmissionRow] = []
    names: Mapping[int, str] = req.names
    if draft_row is not None:
        draft = {"title": draft_row.title, "deadline": draft_row.deadline}
        sections = draft_sections(req.s, draft_id=draft_row.id)
        comments = comments_of(req.s, draft_id=draft_row.id, scope_path=path, as_of=req.as_of)
        submissions = submissions_of(req.s, draft_id=draft_row.id, scope_path=path, as_of=req.as_of)
        gone = {c.org_id for c in comments} - set(req.names)
        names = {**last_names(req.s, sorted(gone)), **req.names} if gone else req.names
    ctx = build_feedback_context(
        doc=req.doc(req.report_head(subject)),
        scope_name=req.scope.name,
        draft=draft,
        sections=sections,
        comments=comments,
        submissions=submissions,
        names=names,
        units=req.judged_units(),
        figures=req.status["stages"]["feedback"],
        active=req.names,
    )
    return [req.report("feedback", subject, ctx)]


KIND = Kind("feedback", plan)
