"""Set-based status queries: one statement per stage for every unit of a scope, as of a date.

Each builder returns a SELECT; the caller runs it once and gets one row per unit (or per
inspection / per passed candidate where the done-since date needs it). As-of predicates are
inside the SQL, exactly those of DESIGN.md "What as_of filters".
"""

from __future__ import annotations

from datetime import date
from typing import Any, Unpack

from sqlalchemy import (
    CompoundSelect,
    Date,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from models.enums import (
    CommentKind,
    Gender,
    OrgStatus,
    PartyRole,
    Presence,
    Reelection,
    RemedyStatus,
)
from models.feedback import Comment, Disposition, Draft, Submission
from models.inspection import Inspection, Remedy
from models.org import Congress, Organisation
from models.personnel import Candidate, CandidateStep
from models.plan import MilestoneOverride
from models.queries import comment_select
from models.targets import YearFigures
from models.training import Attendance, SessionRole, TrainingSession
from models.tree import at_or_under

AnySelect = Select[Unpack[tuple[Any, ...]]]  # noqa: UP044
POSTGRADUATE_PREFIXES = ("Thạc sĩ", "Tiến sĩ", "ThS", "TS", "PGS", "GS")


def _flag(cond: Any) -> Any:
    return case((cond, 1), else_=0)


def units_query(*, scope_path: str, term: str) -> AnySelect:
    """The active organisations at or under the scope, with their congress facts for the term."""
    return (
        select(
            Organisation.id,
            Organisation.code,
            Organisation.name,
            Organisation.kind,
            Organisation.parent_id,
            Organisation.depth,
            Organisation.path,
            Organisation.members_official,
            Organisation.members_probationary,
            Congress.planned_date,
            Congress.held_date,
            Congress.committee_size,
            Congress.contents,
        )
        .outerjoin(Congress, and_(Congress.org_id == Organisation.id, Congress.term == term))
        .where(at_or_under(scope_path), Organisation.status == OrgStatus.ACTIVE)
        .order_by(Organisation.path)
    )


class step_key(FunctionElement[str]):
    """A step's date and number as one text that sorts as (date, step): 'YYYY-MM-DD' then the
    step's one digit. Its MAX over a candidate's steps is the latest step by date, the higher
    step first on a tie: a GROUP BY, a third of the cost of ranking rows with a window."""

    type = String()
    inherit_cache = True


@compiles(step_key)  # SQLite, and the default dialect of str(statement)
def _step_key_sqlite(element: step_key, compiler: Any, **kw: Any) -> str:
    on, step = list(element.clauses)
    # SQLite stores a DATE as its ISO text 'YYYY-MM-DD'.
    return f"({compiler.process(on, **kw)} || {compiler.process(step, **kw)})"


@compiles(step_key, "postgresql")
def _step_key_postgresql(element: step_key, compiler: Any, **kw: Any) -> str:
    on, step = list(element.clauses)
    # to_char, not ::text: a DATE's text form follows the session's DateStyle.
    return (
        f"(to_char({compiler.process(on, **kw)}, 'YYYY-MM-DD') "
        f"|| CAST({compiler.process(step, **kw)} AS TEXT))"
    )


def _step_of(key: Any) -> Any:
    """The step number of a step_key (0 for a candidate with no step by as_of)."""
    return func.coalesce(cast(func.substr(key, 11, 1), Integer), 0)


def _current_steps(*, scope_path: str, as_of: date) -> Any:
    """Each active candidate in scope with its unit and its latest step dated on or before
    as_of, as a step_key `k` (NULL for none): one pass from the scope's organisations through
    candidate (org_id, active) to candidate_step (candidate_id, passed_on, step), both covering
    indexes (migration 0013); a CTE."""
    latest = (
        select(func.max(step_key(CandidateStep.passed_on, CandidateStep.step)))
        .where(CandidateStep.candidate_id == Candidate.id, CandidateStep.passed_on <= as_of)
        .correlate(Candidate)
        .scalar_subquery()
    )
    return (
        select(
            Candidate.id.label("candidate_id"),
            Candidate.org_id.label("org_id"),
            latest.label("k"),
        )
        .select_from(Organisation)
        .join(Candidate, Candidate.org_id == Organisation.id)
        .where(at_or_under(scope_path), Candidate.active.is_(True))
        .cte("current_step")
    )


def personnel_query(*, scope_path: str, as_of: date) -> AnySelect:
    """Per unit: active candidates, Σ step as of the date, and how many are at step 5."""
    cur = _current_steps(scope_path=scope_path, as_of=as_of)
    step = _step_of(cur.c.k)
    return select(
        cur.c.org_id.label("id"),
        func.count().label("candidates"),
        func.sum(step).label("step_sum"),
        func.sum(_flag(step == 5)).label("passed"),
    ).group_by(cur.c.org_id)


def candidates_query(*, scope_path: str, as_of: date) -> CompoundSelect[Any]:
    """The personnel rule's inputs in one statement, each active candidate's latest step
    computed once (a CTE used twice). Rows with `step` NULL: per unit, its active candidates
    counted and their steps as of the date summed. Rows with a `step`: one per active
    candidate — its step as of the date (0 when none), the date of that step (ISO text on both
    databases; for step 5 the day it passed), its birth date and category flags. Step-5 rows
    are the passed candidates, the others the pipeline (decision support's feasibility)."""
    cur = _current_steps(scope_path=scope_path, as_of=as_of)
    step = _step_of(cur.c.k)
    postgrad = or_(
        *[
            func.substr(col, 1, len(prefix)) == prefix
            for col in (Candidate.education, func.coalesce(Candidate.academic_title, ""))
            for prefix in POSTGRADUATE_PREFIXES
        ]
    )
    per_unit = select(
        cur.c.org_id.label("id"),
        func.count().label("candidates"),
        func.sum(step).label("step_sum"),
        null().label("passed_on"),
        cast(null(), Integer).label("step"),
        cast(null(), Date).label("birth_date"),
        *(cast(null(), Integer).label(f) for f in PASSED_FLAGS),
    ).group_by(cur.c.org_id)
    passed = (
        select(
            cur.c.org_id,
            literal(0),
            literal(0),
            func.substr(cur.c.k, 1, 10),
            step,
            Candidate.birth_date,
            _flag(Candidate.gender == Gender.NU),
            _flag(Candidate.reelection == Reelection.LAN_DAU),
            _flag(func.lower(func.trim(Candidate.ethnicity)) != "kinh"),
            _flag(postgrad),
        )
        .select_from(cur)
        .join(Candidate, Candidate.id == cur.c.candidate_id)
    )
    return union_all(per_unit, passed)


PASSED_FLAGS = ("nu", "lan_dau", "dan_toc_thieu_so", "tren_dai_hoc")


def inspections_query(*, scope_path: str, as_of: date) -> AnySelect:
    """One row per inspection started by as_of: concluded by then, its remedies, verified when."""
    verified = and_(Remedy.status == RemedyStatus.XAC_NHAN, Remedy.completed_on <= as_of)
    rem = (
        select(
            Remedy.inspection_id,
            func.count().label("remedies"),
            func.sum(_flag(verified)).label("verified"),
            func.max(case((verified, Remedy.completed_on), else_=None)).label("last_verified"),
        )
        .group_by(Remedy.inspection_id)
        .subquery()
    )
    return (
        select(
            Inspection.org_id.label("id"),
            Inspection.started_on,
            case((Inspection.concluded_on <= as_of, Inspection.concluded_on), else_=None).label(
                "concluded_on"
            ),
            func.coalesce(rem.c.remedies, 0).label("remedies"),
            func.coalesce(rem.c.verified, 0).label("verified"),
            rem.c.last_verified,
        )
        .join(Organisation, Organisation.id == Inspection.org_id)
        .outerjoin(rem, rem.c.inspection_id == Inspection.id)
        .where(at_or_under(scope_path), Inspection.started_on <= as_of)
    )


def current_draft_query(*, scope_path: str) -> AnySelect:
    """The current draft whose scope is the nearest organisation at or above the given path."""
    prefixes = [scope_path[: i + 1] for i, ch in enumerate(scope_path) if ch == "/"]
    return (
        select(Draft.id, Draft.deadline, Draft.title, Draft.scope_org_id, Organisation.path)
        .join(Organisation, Organisation.id == Draft.scope_org_id)
        .where(Draft.is_current.is_(True), Organisation.path.in_(prefixes))
        .order_by(Organisation.depth.desc(), Draft.version.desc())
        .limit(1)
    )


def feedback_query(*, scope_path: str, as_of: date, draft_id: int) -> AnySelect:
    """Per unit: its submission dated by as_of, and its comments needing a disposition."""
    needs = Comment.kind != CommentKind.THONG_NHAT
    return (
        comment_select(
            Submission.org_id.label("id"),
            Submission.submitted_on,
            func.count(case((needs, Comment.id), else_=None)).label("comments"),
            func.count(
                case((and_(needs, Disposition.id.is_not(None)), Comment.id), else_=None)
            ).label("answered"),
            every_submission=True,
        )
        .where(
            at_or_under(scope_path),
            Submission.draft_id == draft_id,
            Submission.submitted_on <= as_of,
        )
        .group_by(Submission.org_id, Submission.submitted_on)
    )


TRAINING_ROLES = (PartyRole.BI_THU, PartyRole.PHO_BI_THU, PartyRole.CAP_UY_VIEN)


def course_roles_query(*, as_of: date) -> AnySelect:
    """Each course's required roles: the union over its sessions' `Bắt buộc đối với`, over the
    sessions dated by as_of (session dates are among the facts as_of filters)."""
    return (
        select(
            TrainingSession.course_id,
            SessionRole.role,
            func.min(TrainingSession.held_on).label("required_from"),
        )
        .join(SessionRole, SessionRole.session_id == TrainingSession.id)
        .where(SessionRole.role.in_(TRAINING_ROLES), TrainingSession.held_on <= as_of)
        .group_by(TrainingSession.course_id, SessionRole.role)
    )


def attendance_query(*, scope_path: str, as_of: date) -> AnySelect:
    """Per (unit, course, role): the first session dated by as_of where that role was present."""
    return (
        select(
            Attendance.org_id.label("id"),
            TrainingSession.course_id,
            Attendance.role,
            func.min(TrainingSession.held_on).label("first_on"),
        )
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Organisation, Organisation.id == Attendance.org_id)
        .where(
            at_or_under(scope_path),
            Attendance.presence.in_((Presence.CO_MAT, Presence.DI_TRE)),
            Attendance.role.in_(TRAINING_ROLES),
            TrainingSession.held_on <= as_of,
        )
        .group_by(Attendance.org_id, TrainingSession.course_id, Attendance.role)
    )


def overrides_query(*, scope_path: str, as_of: date) -> AnySelect:
    """Manual overrides in force on as_of (from their date, until the day they are revoked),
    newest last."""
    return (
        select(
            MilestoneOverride.org_id.label("id"),
            MilestoneOverride.stage,
            MilestoneOverride.state,
            MilestoneOverride.effective_from,
            MilestoneOverride.id.label("override_id"),
        )
        .join(Organisation, Organisation.id == MilestoneOverride.org_id)
        .where(
            at_or_under(scope_path),
            MilestoneOverride.effective_from <= as_of,
            or_(MilestoneOverride.revoked_on.is_(None), MilestoneOverride.revoked_on > as_of),
        )
        .order_by(MilestoneOverride.effective_from, MilestoneOverride.id)
    )


def latest_year_query(*, scope_path: str, as_of: date) -> AnySelect:
    """The latest year ≤ as_of's year with a danh-gia row in scope."""
    return (
        select(func.max(YearFigures.year))
        .join(Organisation, Organisation.id == YearFigures.org_id)
        .where(at_or_under(scope_path), YearFigures.year <= as_of.year)
    )


def year_figures_query(*, scope_path: str, year: int) -> AnySelect:
    """The year's figures of every organisation at or under the scope."""
    return (
        select(
            YearFigures.org_id.label("id"),
            YearFigures.members_total,
            YearFigures.registered,
            YearFigures.reviewed,
            YearFigures.org_rating,
            (YearFigures.n_xuat_sac + YearFigures.n_tot).label("members_good"),
            YearFigures.applies_1793,
            YearFigures.digitised_pct,
            literal(year).label("year"),
        )
        .join(Organisation, Organisation.id == YearFigures.org_id)
        .where(at_or_under(scope_path), YearFigures.year == year)
    )
