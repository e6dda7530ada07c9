"""Set-based status queries: one statement per stage for every unit of a scope, as of a date.

Each builder returns a SELECT; the caller runs it once and gets one row per unit (or per
inspection / per passed candidate where the done-since date needs it). As-of predicates are
inside the SQL, exactly those of DESIGN.md "What as_of filters", each against the unit's own
`cutoff` (DESIGN.md "A congress already held": a unit whose congress was held by as_of is
judged as of its held date), read from its congress row of the term joined in the same pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Unpack

from sqlalchemy import (
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
    outerjoin,
    select,
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


def congress_of(org_id: Any, term: str) -> Any:
    """The join condition of a unit's congress row of the term (for `cutoff`)."""
    return and_(Congress.org_id == org_id, Congress.term == term)


def cutoff(as_of: date) -> Any:
    """A unit's last day of dated facts: its held date when that is before as_of, else as_of
    (DESIGN.md "A congress already held": such a unit is judged as of its congress). The
    statement outer-joins the unit's Congress row (`congress_of`); no row, no held date:
    as_of."""
    held = Congress.held_date
    return case((held < as_of, held), else_=literal(as_of, Date))


def _units(term: str) -> Any:
    """The organisations, each with its congress row of the term outer-joined (for `cutoff`):
    the FROM a stage query starts at, so a unit's congress is read once per unit rather than
    once per fact row."""
    return outerjoin(Organisation, Congress, congress_of(Organisation.id, term))


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
        .select_from(_units(term))
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


def _latest_step(as_of: date) -> Any:
    """A candidate's latest step dated on or before its unit's cutoff as a step_key (NULL for
    none): the last entry of its range in candidate_step (candidate_id, passed_on, step) read
    backwards, one index row per candidate (a MAX over all its steps reads them all, and makes
    a key of each: twice the cost). The latest date first, the higher step on a tie."""
    return (
        select(step_key(CandidateStep.passed_on, CandidateStep.step))
        .where(
            CandidateStep.candidate_id == Candidate.id,
            CandidateStep.passed_on <= cutoff(as_of),
        )
        .order_by(CandidateStep.passed_on.desc(), CandidateStep.step.desc())
        .limit(1)
        .correlate(Candidate, Congress)
        .scalar_subquery()
    )


def _current_steps(
    *, scope_path: str, as_of: date, term: str, categories: tuple[Any, ...] = ()
) -> Any:
    """Each active candidate in scope with its unit and its latest step dated on or before
    its unit's cutoff, as a step_key `k` (NULL for none): one pass from the scope's
    organisations (and their congress rows of the term) through candidate (org_id, active) to
    candidate_step (candidate_id, passed_on, step), both covering indexes (migration 0013);
    a MATERIALIZED CTE, so neither database merges it into the query reading it (which would
    look the step up once per reference to `k`). `categories`: further columns of the
    candidate (labelled; they may read the unit's congress row)."""
    return (
        select(
            Candidate.id.label("candidate_id"),
            Candidate.org_id.label("org_id"),
            _latest_step(as_of).label("k"),
            *categories,
        )
        .select_from(_units(term).join(Candidate, Candidate.org_id == Organisation.id))
        .where(at_or_under(scope_path), Candidate.active.is_(True))
        .cte("current_step")
        .prefix_with("MATERIALIZED")
    )


def personnel_query(*, scope_path: str, as_of: date, term: str) -> AnySelect:
    """Per unit: active candidates, Σ step as of its cutoff, and how many are at step 5."""
    cur = _current_steps(scope_path=scope_path, as_of=as_of, term=term)
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


class per_dialect(FunctionElement[Any]):
    """Two forms of one value: the first on SQLite (and str(statement)), the second elsewhere;
    for a form that is cheaper on SQLite's text dates and strings but not portable."""

    inherit_cache = True


@compiles(per_dialect)
def _per_dialect_sqlite(element: per_dialect, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(next(iter(element.clauses)), **kw))


@compiles(per_dialect, "postgresql")
def _per_dialect_other(element: per_dialect, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(list(element.clauses)[1], **kw))


def _years_before(day: date, years: int) -> str:
    """The ISO text of a date's number less `years` × 10000 ('2024-02-29' less 40 years:
    '1984-02-29'; the text of a number, not always a real date)."""
    return f"{day.year - years:04d}{day.isoformat()[4:]}"


def _under_40(age: AgeReference) -> Any:
    """1 when the candidate is under 40 in completed years on the unit's age reference date:
    born after that date less 40 years (completed years between two dates are their numbers
    YYYYMMDD's difference floor-divided by 10000). On SQLite, where a DATE is its ISO text,
    the ISO texts compare as those numbers do; elsewhere, the numbers."""
    defaults = [(Organisation.kind == k, d) for k, d in age.default_congress.items() if d]
    refs = [(Organisation.kind == k, d) for k, d in age.reference.items() if d]

    def reference(planned: Any, value: Any) -> Any:
        fallback = planned
        if defaults:
            fallback = func.coalesce(planned, case(*[(c, value(d)) for c, d in defaults]))
        return case(*[(c, value(d)) for c, d in refs], else_=fallback) if refs else fallback

    planned = Congress.planned_date
    year = func.printf("%04d", cast(func.substr(planned, 1, 4), Integer) - 40)
    shifted = year.op("||")(func.substr(planned, 5))
    as_text = Candidate.birth_date > reference(shifted, lambda d: _years_before(d, 40))
    as_number = date_number(Candidate.birth_date) > (
        reference(date_number(planned), _number) - 400000
    )
    return _flag(per_dialect(as_text, as_number))


class starts_with(FunctionElement[bool]):
    """A text column starts with a prefix (exactly, case and accents included): GLOB on SQLite
    (one pass over the prefix, against substr's count of characters), substr elsewhere."""

    inherit_cache = True


@compiles(starts_with)
def _starts_with_sqlite(element: starts_with, compiler: Any, **kw: Any) -> str:
    col, pattern, _, _ = list(element.clauses)
    return f"({compiler.process(col, **kw)} GLOB {compiler.process(pattern, **kw)})"


@compiles(starts_with, "postgresql")
def _starts_with_postgresql(element: starts_with, compiler: Any, **kw: Any) -> str:
    col, _, prefix, length = list(element.clauses)
    return (
        f"(substr({compiler.process(col, **kw)}, 1, {compiler.process(length, **kw)}) "
        f"= {compiler.process(prefix, **kw)})"
    )


def _starts(col: Any, prefix: str) -> Any:
    if any(ch in prefix for ch in "*?[]"):
        raise ValueError(f"a GLOB metacharacter in the prefix {prefix!r}")
    return starts_with(col, literal(prefix + "*"), literal(prefix), literal(len(prefix)))


CATEGORY_FLAGS = ("nu", "duoi_40", "lan_dau", "dan_toc_thieu_so", "tren_dai_hoc")


def candidates_query(*, scope_path: str, as_of: date, age: AgeReference) -> AnySelect:
    """The personnel rule's inputs in one statement and one GROUP BY: each active candidate's
    latest step and structure categories computed once, as of its unit's cutoff, grouped by
    unit and `passed_on` — the day its latest step is step 5 (ISO text on both databases),
    NULL for a candidate at steps 0–4. Per group: its candidates (`n`), their steps summed
    (`step_sum`) and counted per category. A unit's NULL row is its pipeline; its other rows
    are the days candidates passed step 5, how many and in which categories."""
    postgrad = or_(
        *[
            _starts(col, prefix)
            for col in (Candidate.education, Candidate.academic_title)
            for prefix in POSTGRADUATE_PREFIXES
        ]
    )
    flags = {
        "nu": _flag(Candidate.gender == Gender.NU),
        "duoi_40": _under_40(age),
        "lan_dau": _flag(Candidate.reelection == Reelection.LAN_DAU),
        # Most candidates are 'Kinh' as written: those skip the trim and lower.
        "dan_toc_thieu_so": case(
            (Candidate.ethnicity == "Kinh", 0),
            (func.lower(func.trim(Candidate.ethnicity)) != "kinh", 1),
            else_=0,
        ),
        "tren_dai_hoc": _flag(postgrad),
    }
    cur = _current_steps(
        scope_path=scope_path,
        as_of=as_of,
        categories=tuple(flag.label(name) for name, flag in flags.items()),
        term=age.term,
    )
    step = _step_of(cur.c.k)
    day = case((step == 5, func.substr(cur.c.k, 1, 10)), else_=null())
    return select(
        cur.c.org_id.label("id"),
        day.label("passed_on"),
        func.count().label("n"),
        func.sum(step).label("step_sum"),
        *(func.sum(cur.c[f]).label(f) for f in flags),
    ).group_by(cur.c.org_id, day)


def inspections_query(*, scope_path: str, as_of: date, term: str) -> AnySelect:
    """One row per inspection started by its unit's cutoff: concluded by then, its remedies,
    how many were verified by then and when the last of those was."""
    cut = cutoff(as_of)

    def remedies(*where: Any, of: Any = None) -> Any:
        return (
            select(func.count() if of is None else of)
            .where(Remedy.inspection_id == Inspection.id, *where)
            .correlate(Inspection, Congress)
            .scalar_subquery()
        )

    verified = (Remedy.status == RemedyStatus.XAC_NHAN, Remedy.completed_on <= cut)
    return (
        select(
            Inspection.org_id.label("id"),
            Inspection.started_on,
            case((Inspection.concluded_on <= cut, Inspection.concluded_on), else_=None).label(
                "concluded_on"
            ),
            remedies().label("remedies"),
            remedies(*verified).label("verified"),
            remedies(*verified, of=func.max(Remedy.completed_on)).label("last_verified"),
        )
        .select_from(_units(term).join(Inspection, Inspection.org_id == Organisation.id))
        .where(at_or_under(scope_path), Inspection.started_on <= cut)
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


def feedback_query(*, scope_path: str, as_of: date, term: str, draft_id: int) -> AnySelect:
    """Per unit: its submission dated by its cutoff, and its comments needing a disposition."""
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
        .outerjoin(Congress, congress_of(Organisation.id, term))
        .where(
            at_or_under(scope_path),
            Submission.draft_id == draft_id,
            Submission.submitted_on <= cutoff(as_of),
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


def attendance_query(*, scope_path: str, as_of: date, term: str) -> AnySelect:
    """Per (unit, course, role): the first session dated by the unit's cutoff where that role
    was present."""
    return (
        select(
            Attendance.org_id.label("id"),
            TrainingSession.course_id,
            Attendance.role,
            func.min(TrainingSession.held_on).label("first_on"),
        )
        .select_from(
            _units(term)
            .join(Attendance, Attendance.org_id == Organisation.id)
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        )
        .where(
            at_or_under(scope_path),
            Attendance.presence.in_((Presence.CO_MAT, Presence.DI_TRE)),
            Attendance.role.in_(TRAINING_ROLES),
            TrainingSession.held_on <= cutoff(as_of),
        )
        .group_by(Attendance.org_id, TrainingSession.course_id, Attendance.role)
    )


def training_query(*, scope_path: str, as_of: date, term: str) -> AnySelect:
    """Per (unit, role): how many of the courses requiring the role by the unit's cutoff the
    role attended (`satisfied`), and the latest first attendance after its course began
    requiring the role (`last_first`, NULL when none was late): the attendance grouped in the
    database twice."""
    first = attendance_query(scope_path=scope_path, as_of=as_of, term=term).subquery()
    roles = course_roles_query(as_of=as_of).subquery()
    late = case((first.c.first_on > roles.c.required_from, first.c.first_on), else_=None)
    return (
        select(
            first.c.id,
            first.c.role,
            func.count().label("satisfied"),
            func.max(late).label("last_first"),
        )
        .outerjoin(Congress, congress_of(first.c.id, term))
        .join(
            roles,
            and_(
                roles.c.course_id == first.c.course_id,
                roles.c.role == first.c.role,
                roles.c.required_from <= cutoff(as_of),
            ),
        )
        .group_by(first.c.id, first.c.role)
    )


def overrides_query(*, scope_path: str, as_of: date, term: str) -> AnySelect:
    """Manual overrides in force on their unit's cutoff (from their date, until the day they
    are revoked), newest last."""
    cut = cutoff(as_of)
    return (
        select(
            MilestoneOverride.org_id.label("id"),
            MilestoneOverride.stage,
            MilestoneOverride.state,
            MilestoneOverride.effective_from,
            MilestoneOverride.id.label("override_id"),
        )
        .select_from(
            _units(term).join(MilestoneOverride, MilestoneOverride.org_id == Organisation.id)
        )
        .where(
            at_or_under(scope_path),
            MilestoneOverride.effective_from <= cut,
            or_(MilestoneOverride.revoked_on.is_(None), MilestoneOverride.revoked_on > cut),
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
