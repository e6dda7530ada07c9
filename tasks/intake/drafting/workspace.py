"""What `/gop-y` shows: the draft's sections in order, in each the comment groups (the tiếp thu
sheet's groups: the team's `Nhóm`, else same section and normalised text) with their units
("Có 03 đơn vị …", as the synthesis report writes it) and their disposition."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.enums import CommentKind
from models.queries import OrgRef
from tasks.core.text import norm_key, vn_int
from tasks.intake.drafting.queries import CommentRef, SectionRef, draft_sections, scope_comments

_VERBS = {
    CommentKind.BO_SUNG: "đề nghị bổ sung:",
    CommentKind.SUA_DOI: "đề nghị sửa đổi:",
    CommentKind.LUOC_BO: "đề nghị lược bỏ:",
    CommentKind.KHAC: "có ý kiến:",
}
ORPHANS = 1 << 30  # sections the draft does not list (comments whose section went away) last


@dataclass(frozen=True)
class Group:
    """Comments answered together; `id` is its first comment's (the `/gop-y/nhom/{id}` path)."""

    id: int
    label: str
    custom: bool
    comments: tuple[CommentRef, ...]

    @property
    def units(self) -> list[str]:
        """The distinct units of the group, in the order they first commented."""
        return list(dict.fromkeys(c.unit for c in self.comments))

    @property
    def lead(self) -> str:
        """ "Có 03 đơn vị (A; B; C) đề nghị bổ sung:" or "A đề nghị bổ sung:"."""
        kinds = {c.kind for c in self.comments}
        verb = _VERBS.get(next(iter(kinds)), "có ý kiến:") if len(kinds) == 1 else "có ý kiến:"
        units = self.units
        if len(units) == 1:
            return f"{units[0]} {verb}"
        return f"Có {vn_int(len(units)).zfill(2)} đơn vị ({'; '.join(units)}) {verb}"

    @property
    def answers(self) -> list[tuple[str, str | None]]:
        """The distinct answers given in the group (label of the action, its text)."""
        seen = {(c.action.label, c.answer) for c in self.comments if c.action is not None}
        return sorted(seen, key=lambda a: (a[0], a[1] or ""))

    @property
    def unanswered(self) -> int:
        """How many of its comments have no disposition yet."""
        return sum(1 for c in self.comments if c.action is None)

    @property
    def answer(self) -> CommentRef | None:
        """The comment whose answer the whole group shares, when it does."""
        if self.unanswered or len(self.answers) != 1:
            return None
        return self.comments[0]


@dataclass(frozen=True)
class SectionGroups:
    """A section with the groups that sit in it."""

    id: int | None
    number: str
    title: str
    groups: tuple[Group, ...]

    @property
    def heading(self) -> str:
        """ "I.1. Kết quả"; "Ý kiến chung" for general comments."""
        if norm_key(self.number) == "chung":
            return "Ý kiến chung"
        return f"{self.number}. {self.title}" if self.title else self.number


def build_groups(comments: Sequence[CommentRef]) -> list[Group]:
    """The comments' groups, each with its comments oldest first, ordered by first comment."""
    members: dict[str, list[CommentRef]] = {}
    for c in comments:
        members.setdefault(c.key, []).append(c)
    groups = [
        Group(
            id=cs[0].id, label=cs[0].label, custom=cs[0].group_label is not None, comments=tuple(cs)
        )
        for cs in members.values()
    ]
    return sorted(groups, key=lambda g: g.id)


def arrange(
    sections: Sequence[SectionRef], comments: Sequence[CommentRef], *, unanswered_only: bool
) -> list[SectionGroups]:
    """The draft's sections in order, each with its groups; a group sits at its first section in
    the draft's order (as in the tiếp thu sheet); sections without groups are left out."""
    position = {s.id: s.position for s in sections}
    place: dict[str, tuple[int, str]] = {}
    for c in comments:
        known = c.section_id is not None and c.section_id in position
        where = (position[c.section_id], "") if known else (ORPHANS, c.section_number)  # type: ignore[index]
        place[c.key] = min(place.get(c.key, where), where)
    by_place: dict[tuple[int, str], list[Group]] = {}
    for g in build_groups(comments):
        if unanswered_only and not g.unanswered:
            continue
        by_place.setdefault(place[g.comments[0].key], []).append(g)
    out = [
        SectionGroups(s.id, s.number, s.title, tuple(by_place[(s.position, "")]))
        for s in sections
        if (s.position, "") in by_place
    ]
    orphans = sorted(k for k in by_place if k[0] == ORPHANS)
    out += [SectionGroups(None, number, "", tuple(by_place[(p, number)])) for p, number in orphans]
    return out


def workspace(
    session: Session, *, draft_id: int, scope: OrgRef, unanswered_only: bool = False
) -> list[SectionGroups]:
    """The scope's comment groups on the draft, section by section."""
    sections = draft_sections(session, draft_id=draft_id)
    comments = scope_comments(session, draft_id=draft_id, scope=scope)
    return arrange(sections, comments, unanswered_only=unanswered_only)
