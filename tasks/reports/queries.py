"""Set-based queries for the lists reports print and the status document does not carry.

Each function runs one statement (or two) for a whole scope: the organisation at `scope_path`
and everything under it, with the as-of predicates of DESIGN.md "What as_of filters"; or for a
list of units, one statement per IN_CHUNK of them. Keyword-only, session first, never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from models.bulk import chunked
from models.enums import (
    CommentKind,
    DispositionAction,
    Gender,
    InspectionForm,
    InspectionKind,
    OrgStatus,
    PartyRole,
    PoliticalTheory,
    Post,
    Presence,
    Reelection,
    RemedyStatus,
)
from models.feedback import Comment, Disposition, Draft, DraftSection, Submission
from models.inspection import Inspection, Remedy
from models.org import Organisation
from models.personnel import Candidate, CandidateStep
from models.queries import OrgRef, org_ref
from models.stages import AnySelect
from models.training import Attendance, Course, SessionRole, TrainingSession
from models.tree import at_or_under


@dataclass(frozen=True)
class CandidateRow:
    """A candidate of a unit with the step reached as of the date (personal data: body only)."""

    full_name: str
    birth_date: date
    gender: Gender
    ethnicity: str
    religion: str | None
    hometown: str | None
    joined_on: date
    official_date: date | None
    education: str
    academic_title: str | None
    political_theory: PoliticalTheory
    current_position: str
    reelection: Reelection
    proposed_post: Post
    note: str | None
    step: int
    step_vote_pct: Decimal | None


def _candidates_query(org_ids: Sequence[int], as_of: date) -> AnySelect:
    """The units' active candidates (unit id first), each with its latest step by as_of."""
    ranked = (
        select(
            CandidateStep.candidate_id,
            CandidateStep.step,
            CandidateStep.vote_pct,
            func.row_number()
            .over(
                partition_by=CandidateStep.candidate_id,
                order_by=(CandidateStep.passed_on.desc(), CandidateStep.step.desc()),
            )
            .label("rn"),
        )
        .join(Candidate, Candidate.id == CandidateStep.candidate_id)
        .where(Candidate.org_id.in_(org_ids), CandidateStep.passed_on <= as_of)
        .subquery()
    )
    return (
        select(
            Candidate.org_id,
            Candidate.full_name,
            Candidate.birth_date,
            Candidate.gender,
            Candidate.ethnicity,
            Candidate.religion,
            Candidate.hometown,
            Candidate.joined_on,
            Candidate.official_date,
            Candidate.education,
            Candidate.academic_title,
            Candidate.political_theory,
            Candidate.current_position,
            Candidate.reelection,
            Candidate.proposed_post,
            Candidate.note,
            func.coalesce(ranked.c.step, 0),
            ranked.c.vote_pct,
        )
        .outerjoin(ranked, and_(ranked.c.candidate_id == Candidate.id, ranked.c.rn == 1))
        .where(Candidate.org_id.in_(org_ids), Candidate.active.is_(True))
        # A fixed order: people the list sorts as equal keep it, one unit or many.
        .order_by(Candidate.org_id, Candidate.id)
    )


def candidates_of_units(
    session: Session, *, org_ids: Sequence[int], as_of: date
) -> dict[int, list[CandidateRow]]:
    """Each unit's active candidates (by id) and each one's latest step dated on or before
    as_of; every unit asked for is a key. One statement per IN_CHUNK units."""
    out: dict[int, list[CandidateRow]] = {org_id: [] for org_id in org_ids}
    for part in chunked(sorted(out)):
        for org_id, *fields in session.execute(_candidates_query(part, as_of)):
            out[org_id].append(CandidateRow(*fields))
    return out


def candidates_of(session: Session, *, org_id: int, as_of: date) -> list[CandidateRow]:
    """A unit's active candidates and each one's latest step dated on or before as_of."""
    return candidates_of_units(session, org_ids=[org_id], as_of=as_of)[org_id]


@dataclass(frozen=True)
class CurrentDraft:
    """A current draft and where its scope sits in the tree."""

    id: int
    path: str
    depth: int
    version: int


def current_drafts(session: Session) -> list[CurrentDraft]:
    """Every current draft with its scope's path: one statement, from which each unit's own
    draft (models.stages.current_draft_query) is found without a query per unit."""
    stmt = (
        select(Draft.id, Organisation.path, Organisation.depth, Draft.version)
        .join(Organisation, Organisation.id == Draft.scope_org_id)
        .where(Draft.is_current.is_(True))
        .order_by(Draft.id)
    )
    return [CurrentDraft(int(i), str(p), int(d), int(v)) for i, p, d, v in session.execute(stmt)]


def draft_of(path: str, drafts: Sequence[CurrentDraft]) -> int | None:
    """The id of the current draft current_draft_query(scope_path=path) picks: the nearest
    scope at or above the path, the highest version there."""
    above = [d for d in drafts if path.startswith(d.path)]
    if not above:
        return None
    return max(above, key=lambda d: (d.depth, d.version)).id


def active_org(session: Session, *, org_id: int) -> OrgRef | None:
    """The organisation with this id when it is active."""
    row = session.get(Organisation, org_id)
    return org_ref(row) if row is not None and row.status == OrgStatus.ACTIVE else None


@dataclass(frozen=True)
class InspectionRow:
    """An inspection started by as_of, concluded only if by as_of, with its remedy counts."""

    org_id: int
    code: str
    kind: InspectionKind
    form: InspectionForm
    started_on: date
    concluded_on: date | None
    has_violation: bool | None
    remedies: int
    verified: int
    completed: int


def inspections_of(session: Session, *, scope_path: str, as_of: date) -> list[InspectionRow]:
    """Every inspection in the subtree started by as_of, with remedies verified/completed by then."""
    done_by = Remedy.completed_on <= as_of
    verified = and_(Remedy.status == RemedyStatus.XAC_NHAN, done_by)
    completed = and_(Remedy.status == RemedyStatus.HOAN_THANH, done_by)
    rem = (
        select(
            Remedy.inspection_id,
            func.count().label("remedies"),
            func.sum(case((verified, 1), else_=0)).label("verified"),
            func.sum(case((completed, 1), else_=0)).label("completed"),
        )
        .group_by(Remedy.inspection_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Inspection.org_id,
            Inspection.code,
            Inspection.kind,
            Inspection.form,
            Inspection.started_on,
            case((Inspection.concluded_on <= as_of, Inspection.concluded_on), else_=None),
            case((Inspection.concluded_on <= as_of, Inspection.has_violation), else_=None),
            func.coalesce(rem.c.remedies, 0),
            func.coalesce(rem.c.verified, 0),
            func.coalesce(rem.c.completed, 0),
        )
        .join(Organisation, Organisation.id == Inspection.org_id)
        .outerjoin(rem, rem.c.inspection_id == Inspection.id)
        .where(at_or_under(scope_path), Inspection.started_on <= as_of)
        .order_by(Organisation.path, Inspection.started_on, Inspection.code)
    ).all()
    return [InspectionRow(*row) for row in rows]


@dataclass(frozen=True)
class RemedyRow:
    """A remedy not verified as of the date, and what it looked like then."""

    org_id: int
    inspection_code: str
    seq: int
    requirement: str
    due_on: date
    status: RemedyStatus


def pending_remedies(session: Session, *, scope_path: str, as_of: date) -> list[RemedyRow]:
    """Remedies of inspections started by as_of that were not verified by then."""
    done_by = Remedy.completed_on <= as_of
    verified = and_(Remedy.status == RemedyStatus.XAC_NHAN, done_by)
    # A completion dated after as_of had not happened yet on that day.
    status_then = case(
        (
            and_(Remedy.status.in_((RemedyStatus.HOAN_THANH, RemedyStatus.XAC_NHAN)), ~done_by),
            RemedyStatus.DANG.value,
        ),
        else_=Remedy.status,
    )
    rows = session.execute(
        select(
            Inspection.org_id,
            Inspection.code,
            Remedy.seq,
            Remedy.requirement,
            Remedy.due_on,
            status_then,
        )
        .join(Inspection, Inspection.id == Remedy.inspection_id)
        .join(Organisation, Organisation.id == Inspection.org_id)
        .where(at_or_under(scope_path), Inspection.started_on <= as_of, ~verified)
        .order_by(Organisation.path, Inspection.code, Remedy.seq)
    ).all()
    return [RemedyRow(r[0], r[1], r[2], r[3], r[4], RemedyStatus(r[5])) for r in rows]


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
        select(
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
        .join(Submission, Submission.id == Comment.submission_id)
        .join(Organisation, Organisation.id == Submission.org_id)
        .outerjoin(Disposition, Disposition.comment_id == Comment.id)
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


@dataclass(frozen=True)
class SessionRow:
    """A training session held by as_of, with its course and required roles."""

    course_id: int
    course_title: str
    held_on: date
    place: str | None
    roles: tuple[PartyRole, ...]


def sessions_by(session: Session, *, as_of: date) -> list[SessionRow]:
    """Sessions held by as_of, by course then date, each with its required roles."""
    rows = session.execute(
        select(
            TrainingSession.id,
            Course.id,
            Course.title,
            TrainingSession.held_on,
            TrainingSession.place,
        )
        .join(Course, Course.id == TrainingSession.course_id)
        .where(TrainingSession.held_on <= as_of)
        .order_by(Course.code, TrainingSession.held_on, TrainingSession.code)
    ).all()
    roles: dict[int, list[PartyRole]] = {}
    for session_id, role in session.execute(
        select(SessionRole.session_id, SessionRole.role)
        .join(TrainingSession, TrainingSession.id == SessionRole.session_id)
        .where(TrainingSession.held_on <= as_of)
    ):
        roles.setdefault(session_id, []).append(role)
    return [
        SessionRow(
            r[1], r[2], r[3], r[4], tuple(sorted(roles.get(r[0], []), key=list(PartyRole).index))
        )
        for r in rows
    ]


def attendance_counts(
    session: Session, *, scope_path: str, as_of: date
) -> dict[int, dict[Presence, int]]:
    """Per course: how many attendees of the subtree were present, late or absent (by as_of)."""
    out: dict[int, dict[Presence, int]] = {}
    for course_id, presence, count in session.execute(
        select(TrainingSession.course_id, Attendance.presence, func.count())
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Organisation, Organisation.id == Attendance.org_id)
        .where(at_or_under(scope_path), TrainingSession.held_on <= as_of)
        .group_by(TrainingSession.course_id, Attendance.presence)
    ):
        out.setdefault(course_id, {})[presence] = count
    return out


def satisfied_pairs(
    session: Session, *, scope_path: str, as_of: date
) -> set[tuple[int, int, PartyRole]]:
    """(unit, course, role) present or late at a session of the course by as_of."""
    rows = session.execute(
        select(Attendance.org_id, TrainingSession.course_id, Attendance.role)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Organisation, Organisation.id == Attendance.org_id)
        .where(
            at_or_under(scope_path),
            TrainingSession.held_on <= as_of,
            Attendance.presence.in_((Presence.CO_MAT, Presence.DI_TRE)),
        )
        .distinct()
    ).all()
    return {(r[0], r[1], r[2]) for r in rows}


def course_titles(session: Session) -> dict[int, str]:
    """Every course's title by id."""
    return {int(r[0]): str(r[1]) for r in session.execute(select(Course.id, Course.title))}
