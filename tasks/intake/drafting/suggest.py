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

from models.queries import OrgRef
from tasks.intake.drafting.near import components
from tasks.intake.drafting.queries import (
    CommentRef,
    TextRef,
    comments_by_id,
    section_fingerprints,
    section_texts,
)
from tasks.intake.drafting.workspace import Group


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


@dataclass(frozen=True)
class Found:
    """A suggestion as the memo keeps it: its signature and its groups' comment ids."""

    signature: str
    groups: tuple[tuple[int, ...], ...]


class SuggestionMemo:
    """(scope path, section id) → (fingerprint, the section's suggestions); bounded, least
    recently used dropped first; safe across the web's worker threads."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, int], tuple[tuple[object, ...], list[Found]]]
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # passes of the rule (tests and the benchmark read it)

    def get(self, key: tuple[str, int], fingerprint: tuple[object, ...]) -> list[Found] | None:
        """The suggestions cached under this fingerprint, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != fingerprint:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(
        self, key: tuple[str, int], fingerprint: tuple[object, ...], value: list[Found]
    ) -> None:
        """Remember a section's suggestions."""
        with self._lock:
            self.computed += 1
            self._entries[key] = (fingerprint, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def compute(texts: Sequence[TextRef]) -> list[Found]:
    """One section's suggestions: the rule's components joined over the groups they touch
    (union-find over group keys); only sets of two or more groups."""
    members: dict[str, list[int]] = {}
    for t in texts:
        members.setdefault(t.key, []).append(t.id)
    parent = {k: k for k in members}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for comp in components([t.text for t in texts]):
        keys = [texts[i].key for i in comp]
        for other in keys[1:]:
            a, b = find(keys[0]), find(other)
            if a != b:
                parent[b] = a
    joined: dict[str, list[str]] = {}
    for k in members:
        joined.setdefault(find(k), []).append(k)
    found = [
        Found(signature(keys), tuple(sorted((tuple(members[k]) for k in keys), key=lambda g: g[0])))
        for keys in joined.values()
        if len(keys) > 1
    ]
    return sorted(found, key=lambda f: f.groups[0][0])


def _compute_missing(
    session: Session,
    *,
    draft_id: int,
    scope: OrgRef,
    prints: dict[int, tuple[object, ...]],
    memo: SuggestionMemo,
) -> dict[int, list[Found]]:
    """Each section's suggestions, from the memo where its fingerprint still holds, else
    computed (the texts of all such sections read in one query) and remembered."""
    out: dict[int, list[Found]] = {}
    missing = []
    for section_id, fingerprint in prints.items():
        hit = memo.get((scope.path, section_id), fingerprint)
        if hit is None:
            missing.append(section_id)
        else:
            out[section_id] = hit
    if missing:
        texts = section_texts(session, draft_id=draft_id, scope=scope, section_ids=missing)
        for section_id in missing:
            out[section_id] = compute(texts.get(section_id, []))
            memo.put((scope.path, section_id), prints[section_id], out[section_id])
    return out


def suggestions(
    session: Session,
    *,
    draft_id: int,
    scope: OrgRef,
    section_ids: Sequence[int],
    memo: SuggestionMemo,
    dismissed: dict[int, set[str]] | None = None,
) -> dict[int, list[Suggestion]]:
    """section id → its open suggestions (dismissed ones left out), for the sections asked,
    with their groups as the workspace shows them."""
    if not section_ids:
        return {}
    prints = section_fingerprints(session, draft_id=draft_id, scope=scope, section_ids=section_ids)
    prints = {k: v for k, v in prints.items() if int(str(v[0])) > 1}
    found = _compute_missing(session, draft_id=draft_id, scope=scope, prints=prints, memo=memo)
    gone = dismissed or {}
    open_ = {
        sid: [f for f in fs if f.signature not in gone.get(sid, set())] for sid, fs in found.items()
    }
    ids = [i for fs in open_.values() for f in fs for g in f.groups for i in g]
    refs = comments_by_id(session, ids=ids) if ids else {}
    out: dict[int, list[Suggestion]] = {}
    for sid in section_ids:
        made = [
            Suggestion(sid, f.signature, tuple(_group(g, refs) for g in f.groups))
            for f in open_.get(sid, [])
            if all(i in refs for g in f.groups for i in g)
        ]
        if made:
            out[sid] = made
    return out


def _group(ids: tuple[int, ...], refs: dict[int, CommentRef]) -> Group:
    cs = tuple(refs[i] for i in ids)
    return Group(id=cs[0].id, label=cs[0].label, custom=cs[0].group_label is not None, comments=cs)
