"""The demo's draft Political Report: sections, units' submissions, comments and dispositions."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from models import Comment, Disposition, Draft, DraftSection, Submission
from models.enums import CommentKind, DispositionAction, OrgKind
from tasks.demo.texts import ANSWERS, REGIONAL, REWORDINGS, SECTIONS, TEMPLATES
from tasks.demo.units import Unit, cached_key
from tasks.demo.writer import BulkWriter

DEADLINE_OFFSET = -5  # the draft's deadline fell five days before the default as-of
_KINDS = (
    CommentKind.BO_SUNG,
    CommentKind.SUA_DOI,
    CommentKind.LUOC_BO,
    CommentKind.THONG_NHAT,
    CommentKind.KHAC,
)
_KIND_CUM = tuple(accumulate((34, 24, 8, 21, 13)))
_ACTIONS = (
    (DispositionAction.TIEP_THU, 45),
    (DispositionAction.TIEP_THU_MOT_PHAN, 20),
    (DispositionAction.GIAI_TRINH, 25),
    (DispositionAction.KHONG_TIEP_THU, 10),
)
# Chance that a unit of each profile sends its comments at all.
_SUBMITS = {"good": 0.95, "normal": 0.85, "behind": 0.55, "stalled": 0.1}


@dataclass(frozen=True)
class DraftSpec:
    """The draft's title and whose it is."""

    title: str
    regional: bool


@dataclass(slots=True)
class _Section:
    id: int
    number: str
    topics: tuple[str, ...]
    common: tuple[tuple[CommentKind, str], ...]
    weight: float


class FeedbackMaker:
    """Writes the root's current draft and the units' comments on it."""

    def __init__(
        self, writer: BulkWriter, rng: random.Random, as_of: date, comments_per_submission: float
    ) -> None:
        self.writer = writer
        self.rng = rng
        self.as_of = as_of
        self.mean = comments_per_submission
        self.sections: list[_Section] = []
        self._cum: list[float] = []
        # (section number, text key) → disposition decided for the whole group, or None.
        self._answers: dict[tuple[str, str], tuple[DispositionAction, str | None] | None] = {}

    def run(self, root: Unit, spec: DraftSpec, units: Iterable[Unit]) -> None:
        """The draft, its sections, then one submission per unit that sent one."""
        draft_id = self.writer.add(
            Draft,
            {
                "scope_org_id": root.id,
                "title": spec.title,
                "version": 1,
                "is_current": True,
                "deadline": self.as_of + timedelta(days=DEADLINE_OFFSET),
                "file_sha256": None,
            },
        )
        for position, (number, title, level, topics, common) in enumerate(SECTIONS):
            if spec.regional and number in REGIONAL:
                title, topics = REGIONAL[number]
            section_id = self.writer.add(
                DraftSection,
                {
                    "draft_id": draft_id,
                    "number": number,
                    "title": title,
                    "title_key": cached_key(title),
                    "level": level,
                    "position": position,
                },
            )
            weight = (0.8, 0.5, 1.0, 1.3)[level]
            self.sections.append(_Section(section_id, number, topics, common, weight))
        self._cum = list(accumulate(s.weight for s in self.sections))
        for unit in units:
            if unit.active and unit is not root:
                self._unit(draft_id, unit)

    def _submitted_on(self, unit: Unit) -> int | None:
        """When the unit's letter came (offset), or None when it has sent nothing."""
        rng = self.rng
        profile = unit.profile or "normal"
        if rng.random() >= _SUBMITS[profile]:
            return None
        r = rng.random()
        if profile == "good" or (profile == "normal" and r < 0.7):
            return DEADLINE_OFFSET - rng.randint(0, 20)
        if r < 0.85:
            return rng.randint(DEADLINE_OFFSET + 1, 0)  # late, before as_of
        return rng.randint(1, 25)  # late, after as_of: a later replay sees it

    def _unit(self, draft_id: int, unit: Unit) -> None:
        rng = self.rng
        offset = self._submitted_on(unit)
        if offset is None:
            return
        offset = min(offset, unit.congress_offset)  # a unit's letter comes by its congress
        from_receipt = rng.random() < 0.04
        issuer = "CB" if unit.kind in (OrgKind.CHI_BO_CO_SO, OrgKind.CHI_BO_TRUC_THUOC) else "ĐU"
        letter = (
            None
            if from_receipt
            else f"{rng.randint(5, 95)}-{rng.choice(('CV', 'CV', 'BC'))}/{issuer}"
        )
        no_comments = rng.random() < 0.05
        submission_id = self.writer.add(
            Submission,
            {
                "draft_id": draft_id,
                "org_id": unit.id,
                "letter_number": letter,
                "submitted_on": self.as_of + timedelta(days=offset),
                "date_from_receipt": from_receipt,
                "no_comments": no_comments,
            },
        )
        if not no_comments:
            self._comments(submission_id)

    def _comments(self, submission_id: int) -> None:
        rng = self.rng
        seen: set[tuple[str, str]] = set()
        picks: list[tuple[_Section, CommentKind, str]] = []
        # Points many units raise in the same words: each unit takes up some of them.
        for section in self.sections:
            for kind, text in section.common:
                if rng.random() < 0.22:
                    picks.append((section, kind, text))
        count = max(1, round(rng.triangular(0.3, 1.7, 1.0) * self.mean)) - len(picks)
        for _ in range(max(0, count)):
            section = rng.choices(self.sections, cum_weights=self._cum)[0]
            kind = rng.choices(_KINDS, cum_weights=_KIND_CUM)[0]
            picks.append((section, kind, self._text(section, kind)))
        for section, kind, text in picks:
            key = cached_key(text)
            if (section.number, key) in seen:
                continue
            seen.add((section.number, key))
            comment_id = self.writer.add(
                Comment,
                {
                    "submission_id": submission_id,
                    "section_id": section.id,
                    "section_number": section.number,
                    "kind": kind,
                    "text": text,
                    "text_key": key,
                    "group_label": None,
                },
            )
            if kind is not CommentKind.THONG_NHAT:
                self._dispose(
                    comment_id, section, key, large=any(t == text for _, t in section.common)
                )

    def _text(self, section: _Section, kind: CommentKind) -> str:
        rng = self.rng
        other = rng.choice(self.sections).number
        old, new = rng.choice(REWORDINGS)
        return rng.choice(TEMPLATES[kind]).format(
            topic=rng.choice(section.topics), number=section.number, other=other, old=old, new=new
        )

    def _dispose(self, comment_id: int, section: _Section, key: str, *, large: bool) -> None:
        """One answer per group (same section, same words), given for about half the groups."""
        rng = self.rng
        group = (section.number, key)
        if group not in self._answers:
            answered = rng.random() < (0.8 if large else 0.45)
            if answered:
                action = rng.choices([a for a, _ in _ACTIONS], weights=[w for _, w in _ACTIONS])[0]
                text: str | None = rng.choice(ANSWERS[action.value]).format(
                    other=rng.choice(self.sections).number
                )
                if action is DispositionAction.TIEP_THU and rng.random() < 0.5:
                    text = None
                self._answers[group] = (action, text)
            else:
                self._answers[group] = None
        answer = self._answers[group]
        if answer is not None:
            self.writer.add(
                Disposition,
                {
                    "comment_id": comment_id,
                    "action": answer[0],
                    "text": answer[1],
                    "handler": "Tổ Biên tập văn kiện",
                    "version": 1,
                },
            )
