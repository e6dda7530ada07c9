"""What a file does to each unit's rows of its form: added, changed, removed (DESIGN.md
"Imports that replace data").

The pipeline takes a snapshot of the sender's subtree's rows of the form before and after the
form's importer runs, in the file's one transaction, and compares them: one set-based query per
snapshot. A form's rows are those its re-import replaces (FORMS.md rule 11): a unit's active
candidates (nhan-su), the inspections the sender entered (kiem-tra), comments on the current
draft (gop-y), attendance (tap-huan), year figures (danh-gia). The upsert-only forms (don-vi,
lop-tap-huan, tiep-thu) never remove rows and have no snapshot: their importer's counts say
what they did."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.feedback import Comment, Draft, Submission
from models.inspection import Inspection
from models.org import Organisation
from models.personnel import Candidate, CandidateStep
from models.queries import OrgRef
from models.targets import YearFigures
from models.training import Attendance
from models.tree import at_or_under
from tasks.intake.forms.nhan_su_store import FIELDS as CANDIDATE_FIELDS

# A snapshot: organisation code → row key → the row's values.
Snapshot = dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]

# Removing more than this share of a unit's rows of a form (and at least MIN_REMOVED) needs
# confirmation (`--yes`).
MAX_SHARE_REMOVED = 0.5
MIN_REMOVED = 5


@dataclass(frozen=True)
class UnitChange:
    """What a file does to one unit's rows of its form."""

    org_code: str
    existing: int
    added: int
    changed: int
    removed: int

    @property
    def needs_confirmation(self) -> bool:
        """It removes more than half of the unit's rows (and at least five)."""
        return self.removed >= MIN_REMOVED and self.removed > self.existing * MAX_SHARE_REMOVED

    def text(self) -> str:
        """One Vietnamese line with the figures."""
        return (
            f"{self.org_code}: thêm {self.added}, sửa {self.changed}, xoá {self.removed} "
            f"(đang có {self.existing})"
        )


def _candidates(scope: OrgRef) -> tuple[Any, int]:
    top = (
        select(
            CandidateStep.candidate_id,
            func.max(CandidateStep.step).label("step"),
            func.max(CandidateStep.passed_on).label("last_on"),
        )
        .group_by(CandidateStep.candidate_id)
        .subquery()
    )
    return (
        select(
            Organisation.code,
            Candidate.name_key,
            Candidate.birth_date,
            *(getattr(Candidate, f) for f in CANDIDATE_FIELDS),
            top.c.step,
            top.c.last_on,
        )
        .join(Organisation, Organisation.id == Candidate.org_id)
        .outerjoin(top, top.c.candidate_id == Candidate.id)
        .where(Candidate.active.is_(True), at_or_under(scope.path))
    ), 2


def _inspections(scope: OrgRef) -> tuple[Any, int]:
    return (
        select(
            Organisation.code,
            Inspection.code,
            Inspection.kind,
            Inspection.form,
            Inspection.target,
            Inspection.started_on,
            Inspection.concluded_on,
            Inspection.has_violation,
            Inspection.conclusion,
        )
        .join(Organisation, Organisation.id == Inspection.org_id)
        .where(Inspection.sender_org_id == scope.id)
    ), 1


def _comments(scope: OrgRef) -> tuple[Any, int]:
    return (
        select(
            Organisation.code,
            Comment.section_number,
            Comment.kind,
            Comment.text_key,
            Comment.text,
        )
        .join(Submission, Submission.id == Comment.submission_id)
        .join(Draft, Draft.id == Submission.draft_id)
        .join(Organisation, Organisation.id == Submission.org_id)
        .where(Draft.is_current.is_(True), at_or_under(scope.path))
    ), 3


def _attendance(scope: OrgRef) -> tuple[Any, int]:
    return (
        select(
            Organisation.code,
            Attendance.session_id,
            Attendance.person_key,
            Attendance.full_name,
            Attendance.birth_date,
            Attendance.role,
            Attendance.presence,
        )
        .join(Organisation, Organisation.id == Attendance.org_id)
        .where(at_or_under(scope.path))
    ), 2


def _year_figures(scope: OrgRef) -> tuple[Any, int]:
    values = [
        c
        for c in YearFigures.__table__.columns
        if c.name not in ("id", "created_at", "updated_at", "org_id", "year")
    ]
    return (
        select(Organisation.code, YearFigures.year, *values)
        .join(Organisation, Organisation.id == YearFigures.org_id)
        .where(at_or_under(scope.path))
    ), 1


# Form → (scope → (query of (org code, *key, *values), key length)).
SNAPSHOTS: dict[str, Callable[[OrgRef], tuple[Any, int]]] = {
    "nhan-su": _candidates,
    "kiem-tra": _inspections,
    "gop-y": _comments,
    "tap-huan": _attendance,
    "danh-gia": _year_figures,
}


def has_snapshot(form: str) -> bool:
    """True for the forms whose re-import replaces (and can remove) rows."""
    return form in SNAPSHOTS


def snapshot(session: Session, *, form: str, scope: OrgRef) -> Snapshot:
    """The scope's rows of a form, by unit code and row key (empty for upsert-only forms)."""
    build = SNAPSHOTS.get(form)
    if build is None:
        return {}
    stmt, key_len = build(scope)
    out: Snapshot = {}
    for row in session.execute(stmt):
        key = tuple(row[1 : 1 + key_len])
        out.setdefault(row[0], {})[key] = tuple(row[1 + key_len :])
    return out


def compare(before: Snapshot, after: Snapshot) -> list[UnitChange]:
    """Per unit (by code) whose rows differ: existing, added, changed, removed."""
    changes: list[UnitChange] = []
    for code in sorted(set(before) | set(after)):
        old, new = before.get(code, {}), after.get(code, {})
        added = sum(1 for k in new if k not in old)
        removed = sum(1 for k in old if k not in new)
        changed = sum(1 for k in new if k in old and old[k] != new[k])
        if added or removed or changed:
            changes.append(UnitChange(code, len(old), added, changed, removed))
    return changes


def confirmation_message(changes: list[UnitChange]) -> str:
    """Why a file stops before writing, with the figures."""
    heavy = [c for c in changes if c.needs_confirmation]
    figures = "; ".join(c.text() for c in heavy)
    return (
        f"Tệp sẽ xoá quá một nửa số dòng hiện có của đơn vị ({figures}); chưa ghi gì. "
        "Kiểm tra lại đúng đơn vị và đúng tệp, rồi nhập lại với --yes để xác nhận"
    )
