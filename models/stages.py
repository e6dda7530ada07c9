"""Set-based status queries: one statement per stage for every unit of a scope, as of a date.

Each builder returns a SELECT; the caller runs it once and gets one row per unit (or per
inspection / per passed candidate where the done-since date needs it). As-of predicates are
inside the SQL, exactly those of DESIGN.md "What as_of filters".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Unpack

from sqlalchemy import (
    CompoundSelect,
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
    OrgKind,
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


def _current_steps(
    *, scope_path: str, as_of: date, categories: tuple[Any, ...] = (), term: str | None = None
) -> Any:
    """Each active candidate in scope with its unit and its latest step dated on or before
    as_of, as a step_key `k` (NULL for none): one pass from the scope's organisations through
    candidate (org_id, active) to candidate_step (candidate_id, passed_on, step), both covering
    indexes (migration 0013); a CTE. `categories`: further columns of the candidate (labelled);
    with a `term`, the unit's congress of that term is joined for them to read."""
    latest = (
        select(func.max(step_key(CandidateStep.passed_on, CandidateStep.step)))
        .where(CandidateStep.candidate_id == Candidate.id, CandidateStep.passed_on <= as_of)
        .correlate(Candidate)
        .scalar_subquery()
    )
    stmt = (
        select(
            Candidate.id.label("candidate_id"),
            Candidate.org_id.label("org_id"),
            latest.label("k"),
            *categories,
        )
        .select_from(Organisation)
        .join(Candidate, Candidate.org_id == Organisation.id)
    )
    if term is not None:
        stmt = stmt.outerjoin(
            Congress, and_(Congress.org_id == Organisation.id, Congress.term == term)
        )
    return stmt.where(at_or_under(scope_path), Candidate.active.is_(True)).cte("current_step")


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


class date_number(FunctionElement[int]):
    """A date as the integer YYYYMMDD (NULL for NULL): completed years between two dates are
    their numbers' difference floor-divided by 10000."""

    type = Integer()
    inherit_cache = True


@compiles(date_number)  # SQLite (a DATE is its ISO text), and str(statement)
def _date_number_sqlite(element: date_number, compiler: Any, **kw: Any) -> str:
    (on,) = list(element.clauses)
    return f"CAST(REPLACE({compiler.process(on, **kw)}, '-', '') AS INTEGER)"


@compiles(date_number, "postgresql")
def _date_number_postgresql(element: date_number, compiler: Any, **kw: Any) -> str:
    (on,) = list(element.clauses)
    return f"CAST(to_char({compiler.process(on, **kw)}, 'YYYYMMDD') AS INTEGER)"


def _number(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


@dataclass(frozen=True)
class AgeReference:
    """The date a unit's ages are taken on, by its kind: the plan's age reference date of its
    level, else its congress date of the term (planned, else the plan's default for its level;
    none: nobody counts as under 40)."""

    term: str
    reference: dict[OrgKind, date | None]
    default_congress: dict[OrgKind, date | None]


def _under_40(age: AgeReference) -> Any:
    """1 when the candidate is under 40 in completed years on the unit's age reference date."""
    defaults = [(Organisation.kind == k, _number(d)) for k, d in age.default_congress.items() if d]
    congress = date_number(Congress.planned_date)
    fallback = func.coalesce(congress, case(*defaults, else_=None)) if defaults else congress
    refs = [(Organisation.kind == k, _number(d)) for k, d in age.reference.items() if d]
    ref = case(*refs, else_=fallback) if refs else fallback
    return _flag(date_number(Candidate.birth_date) > ref - 400000)


CATEGORY_FLAGS = ("nu", "duoi_40", "lan_dau", "dan_toc_thieu_so", "tren_dai_hoc")


def candidates_query(*, scope_path: str, as_of: date, age: AgeReference) -> CompoundSelect[Any]:
    """The personnel rule's inputs in one statement, each active candidate's latest step and
    structure categories computed once (a CTE used twice), aggregated in the database. Rows
    with `passed_on` NULL: one per unit — its active candidates counted, their steps as of the
    date summed, and its pipeline (candidates at steps 0–4) counted per category (`pipe_…`).
    Rows with a `passed_on`: one per unit and day a candidate passed step 5 (ISO text on both
    databases) — how many passed that day (`n`) and how many of them in each category."""
    postgrad = or_(
        *[
            func.substr(col, 1, len(prefix)) == prefix
            for col in (Candidate.education, func.coalesce(Candidate.academic_title, ""))
            for prefix in POSTGRADUATE_PREFIXES
        ]
    )
    flags = {
        "nu": _flag(Candidate.gender == Gender.NU),
        "duoi_40": _under_40(age),
        "lan_dau": _flag(Candidate.reelection == Reelection.LAN_DAU),
        "dan_toc_thieu_so": _flag(func.lower(func.trim(Candidate.ethnicity)) != "kinh"),
        "tren_dai_hoc": _flag(postgrad),
    }
    cur = _current_steps(
        scope_path=scope_path,
        as_of=as_of,
        categories=tuple(flag.label(name) for name, flag in flags.items()),
        term=age.term,
    )
    step = _step_of(cur.c.k)
    pipeline = step < 5
    per_unit = select(
        cur.c.org_id.label("id"),
        func.count().label("candidates"),
        func.sum(step).label("step_sum"),
        *(func.sum(case((pipeline, cur.c[f]), else_=0)).label(f"pipe_{f}") for f in flags),
        null().label("passed_on"),
        cast(null(), Integer).label("n"),
        *(cast(null(), Integer).label(f) for f in flags),
    ).group_by(cur.c.org_id)
    day = func.substr(cur.c.k, 1, 10)
    passed = (
        select(
            cur.c.org_id,
            literal(0),
            literal(0),
            *(literal(0) for _ in flags),
            day,
            func.count(),
            *(func.sum(cur.c[f]) for f in flags),
        )
        .where(step == 5)
        .group_by(cur.c.org_id, day)
    )
    return union_all(per_unit, passed)


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


def training_query(*, scope_path: str, as_of: date) -> AnySelect:
    """Per (unit, role): how many of the courses requiring the role by as_of the role attended
    (`satisfied`), and the latest first attendance after its course began requiring the role
    (`last_first`, NULL when none was late): the attendance grouped in the database twice."""
    first = attendance_query(scope_path=scope_path, as_of=as_of).subquery()
    roles = course_roles_query(as_of=as_of).subquery()
    late = case((first.c.first_on > roles.c.required_from, first.c.first_on), else_=None)
    return (
        select(
            first.c.id,
            first.c.role,
            func.count().label("satisfied"),
            func.max(late).label("last_first"),
        )
        .join(roles, and_(roles.c.course_id == first.c.course_id, roles.c.role == first.c.role))
        .group_by(first.c.id, first.c.role)
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
