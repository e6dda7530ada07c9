"""Near-duplicate suggestions per section: the rule's components (tasks.intake.drafting.near)
joined over the existing groups; a suggestion joins two or more groups. Nothing is merged until
the team accepts one (its groups then share one `group_label`); a dismissed one is remembered
(models.drafting.SuggestionDismissal) and not shown again.

The rule's pass is the costly part: it is computed per section and kept in a `SuggestionMemo`
until a comment of that section changes (the section's fingerprint moves)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.feedback import Comment
from models.queries import OrgRef
from tasks.intake.drafting.near import components
from tasks.intake.drafting.queries import CommentRef, scope_comments, section_fingerprints
from tasks.intake.drafting.workspace import Group, build_groups


@dataclass(frozen=True)
class Suggestion:
    """Groups of one section the rule finds near-duplicate; `signature` names the set."""

    section_id: int
    signature: str
    groups: tuple[Group, ...]

    @property
    def comments(self) -> int:
        """How many comments accepting it would put in one group."""
        return sum(len(g.comments) for g in self.groups)

    @property
    def proposed_label(self) -> str:
        """The label accepting it gives by default: a team label one of its groups already has
        (so the others join it), else the first comment's text."""
        for g in self.groups:
            if g.custom:
                return g.label
        return self.groups[0].comments[0].text


def signature(keys: Sequence[str]) -> str:
    """The name of a set of groups (SHA-256 of the sorted group keys)."""
    return hashlib.sha256("\n".join(sorted(set(keys))).encode("utf-8")).hexdigest()


class SuggestionMemo:
    """(scope path, section id) → (fingerprint, the rule's components as comment ids); bounded,
    least recently used dropped first; safe across the web's worker threads."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, int], tuple[tuple[object, ...], list[list[int]]]]
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # passes of the rule (tests and the benchmark read it)

    def get(self, key: tuple[str, int], fingerprint: tuple[object, ...]) -> list[list[int]] | None:
        """The components cached under this fingerprint, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != fingerprint:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(
        self, key: tuple[str, int], fingerprint: tuple[object, ...], value: list[list[int]]
    ) -> None:
        """Remember a section's components."""
        with self._lock:
            self.computed += 1
            self._entries[key] = (fingerprint, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def _rule_components(comments: Sequence[CommentRef]) -> list[list[int]]:
    return [[comments[i].id for i in comp] for comp in components([c.text for c in comments])]


def _join(
    section_id: int, comments: Sequence[CommentRef], comps: list[list[int]]
) -> list[Suggestion]:
    """The rule's components over comment ids, joined over the groups they touch."""
    groups = build_groups(comments)
    group_of = {c.id: g for g in groups for c in g.comments}
    parent = {g.id: g.id for g in groups}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for comp in comps:
        ids = [group_of[c].id for c in comp if c in group_of]
        for other in ids[1:]:
            a, b = find(ids[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    joined: dict[int, list[Group]] = {}
    for g in groups:
        joined.setdefault(find(g.id), []).append(g)
    return [
        Suggestion(section_id, signature([g.comments[0].key for g in gs]), tuple(gs))
        for _root, gs in sorted(joined.items())
        if len(gs) > 1
    ]


def suggestions(
    session: Session,
    *,
    draft_id: int,
    scope: OrgRef,
    section_ids: Sequence[int],
    memo: SuggestionMemo,
    dismissed: dict[int, set[str]] | None = None,
) -> dict[int, list[Suggestion]]:
    """section id → its open suggestions (dismissed ones left out), for the sections asked."""
    if not section_ids:
        return {}
    prints = section_fingerprints(session, draft_id=draft_id, scope=scope, section_ids=section_ids)
    out: dict[int, list[Suggestion]] = {}
    for section_id in section_ids:
        fingerprint = prints.get(section_id)
        if fingerprint is None or int(fingerprint[0]) < 2:  # type: ignore[call-overload]
            continue
        comments = scope_comments(
            session, draft_id=draft_id, scope=scope, where=(Comment.section_id == section_id,)
        )
        key = (scope.path, section_id)
        comps = memo.get(key, fingerprint)
        if comps is None:
            comps = _rule_components(comments)
            memo.put(key, fingerprint, comps)
        gone = (dismissed or {}).get(section_id, set())
        found = [s for s in _join(section_id, comments, comps) if s.signature not in gone]
        if found:
            out[section_id] = found
    return out
