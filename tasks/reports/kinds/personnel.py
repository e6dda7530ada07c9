"""A unit's personnel list: its candidates for the new committee, the size and surplus, and the
structure of those past step 5. Its queries read the candidates; its context is a pure function
of their rows. The subtree summary variant is kinds.personnel_subtree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from models.bulk import chunked
from models.enums import Gender, PoliticalTheory, Post, Reelection
from models.org import Congress
from models.personnel import Candidate, CandidateStep
from models.queries import OrgRef
from models.settings import get_settings
from models.stages import AnySelect, congress_of, cutoff
from tasks.core.plans import Plan, StructureTarget
from tasks.core.text import norm_key, person_sort_key
from tasks.reports.kinds import personnel_subtree
from tasks.reports.labels import STRUCTURE_LABELS, term_label
from tasks.reports.planning import Kind, PlannedDocument, Request, opt_date, opt_int
from tasks.status.feasibility import shortfall_words

POSTGRADUATE_PREFIXES = ("Thạc sĩ", "Tiến sĩ", "ThS", "TS", "PGS", "GS")
POST_ORDER = {p: i for i, p in enumerate(Post)}


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


def _candidates_query(org_ids: Sequence[int], as_of: date, term: str) -> AnySelect:
    """The units' active candidates (unit id first), each with its latest step by as_of, or
    by its congress when that was held before (DESIGN.md "A congress already held": the
    list is what status judges, models.stages.cutoff)."""
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
        .outerjoin(Congress, congress_of(Candidate.org_id, term))
        .where(Candidate.org_id.in_(org_ids), CandidateStep.passed_on <= cutoff(as_of))
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
    as_of (a held congress: its day); every unit asked for is a key. One statement per IN_CHUNK units."""
    out: dict[int, list[CandidateRow]] = {org_id: [] for org_id in org_ids}
    term = get_settings().term
    for part in chunked(sorted(out)):
        for org_id, *fields in session.execute(_candidates_query(part, as_of, term)):
            out[org_id].append(CandidateRow(*fields))
    return out


def candidates_of(session: Session, *, org_id: int, as_of: date) -> list[CandidateRow]:
    """A unit's active candidates and each one's latest step dated on or before as_of."""
    return candidates_of_units(session, org_ids=[org_id], as_of=as_of)[org_id]


@dataclass(frozen=True)
class UnitFacts:
    """What a personnel list says about its unit."""

    name: str
    level: str
    congress_date: date | None
    committee_size: int | None
    contents: int
    held_date: date | None = None


def congress_phrase(unit: UnitFacts, as_of: date) -> str:
    """How the list speaks of the unit's congress: held, planned and past, or to come (never a
    past date as if it were to come)."""
    if unit.held_date is not None and unit.held_date <= as_of:
        return f"đại hội đã tổ chức ngày {unit.held_date:%d/%m/%Y}"
    if unit.congress_date is None:
        return "chưa có ngày đại hội dự kiến"
    if unit.congress_date < as_of:
        return f"đại hội dự kiến ngày {unit.congress_date:%d/%m/%Y}, đã quá ngày dự kiến"
    return f"đại hội dự kiến ngày {unit.congress_date:%d/%m/%Y}"


def age_on(birth: date, day: date) -> int:
    """Age in completed years on a day."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def categories(c: CandidateRow, age_ref: date) -> set[str]:
    """The structure categories a candidate counts in."""
    out: set[str] = set()
    if c.gender == Gender.NU:
        out.add("nu")
    if age_on(c.birth_date, age_ref) < 40:
        out.add("duoi-40")
    if c.reelection == Reelection.LAN_DAU:
        out.add("lan-dau")
    if norm_key(c.ethnicity) != "kinh":
        out.add("dan-toc-thieu-so")
    if any(s.startswith(POSTGRADUATE_PREFIXES) for s in (c.education, c.academic_title or "")):
        out.add("tren-dai-hoc")
    return out


def age_warnings(c: CandidateRow, plan: Plan, age_ref: date) -> list[str]:
    """The plan's age cut-offs as warnings for one candidate (never a block)."""
    key = "retirement_age_women" if c.gender == Gender.NU else "retirement_age_men"
    retire_age = plan.age_cutoffs.get(key)
    if retire_age is None:
        return []
    b = c.birth_date
    retire_on = date(b.year + retire_age.value, b.month, min(b.day, 28))
    left = _months_between(age_ref, retire_on)
    if left <= 0:
        return ["đã quá tuổi nghỉ hưu"]
    need = plan.age_cutoffs.get("reelection_months_left")
    if c.reelection == Reelection.TAI_CU and need is not None and left < need.value:
        return [f"tái cử còn {left} tháng công tác (yêu cầu từ {need.value} tháng)"]
    return []


def _size_line(unit: UnitFacts, plan: Plan, listed: int, passed: int) -> str:
    if unit.contents == 2:
        return (
            "Đại hội 02 nội dung: cấp ủy khóa mới do cấp trên chỉ định; danh sách dưới đây "
            f"gồm {listed} đồng chí được giới thiệu."
        )
    if unit.committee_size is None:
        return (
            "Đơn vị chưa báo cáo số lượng cấp ủy dự kiến; "
            f"hiện có {listed} đồng chí trong danh sách, {passed} đồng chí đã qua bước 5."
        )
    required = plan.required_candidates(unit.committee_size)
    return (
        f"Số lượng cấp ủy dự kiến: {unit.committee_size} đồng chí; số dư tối thiểu "
        f"{plan.surplus_min.value}%, cần tối thiểu {required} đồng chí hoàn thành quy trình. "
        f"Hiện có {listed} đồng chí trong danh sách, {passed} đồng chí đã qua bước 5."
    )


def _structure(passed: Sequence[CandidateRow], plan: Plan, age_ref: date) -> list[dict[str, Any]]:
    targets: dict[str, StructureTarget] = {t.category: t for t in plan.structure_targets}
    cats = [categories(c, age_ref) for c in passed]
    rows: list[dict[str, Any]] = []
    for code, label in STRUCTURE_LABELS.items():
        count = sum(1 for s in cats if code in s)
        target = targets.get(code)
        rows.append(
            {
                "label": label,
                "count": count,
                "share": count / len(passed) if passed else None,
                "target": f"≥ {target.min_share * 100:g}%".replace(".", ",") if target else "—",
                "met": (
                    ""
                    if target is None or not passed
                    else "Đạt"
                    if count >= target.required(len(passed))
                    else "Chưa đạt"
                ),
            }
        )
    return rows


def _person(stt: int, c: CandidateRow, notes: list[str]) -> dict[str, Any]:
    joined = c.joined_on.strftime("%d/%m/%Y")
    if c.official_date:
        joined += "\n" + c.official_date.strftime("%d/%m/%Y")
    step = f"{c.step}/5"
    if c.step_vote_pct is not None:
        step += "\n" + f"{c.step_vote_pct:.1f}".replace(".", ",") + "%"
    return {
        "stt": stt,
        "name": c.full_name,
        "birth_date": c.birth_date.isoformat(),
        "gender": c.gender.label,
        "ethnicity": c.ethnicity,
        "religion": c.religion or "Không",
        "hometown": c.hometown or "",
        "joined": joined,
        "education": c.education,
        "academic": c.academic_title or "",
        "theory": c.political_theory.label,
        "position": c.current_position,
        "reelection": c.reelection.label,
        "post": c.proposed_post.label,
        "step": step,
        "note": "; ".join([*([c.note] if c.note else []), *notes]),
    }


def build_personnel_context(
    *,
    doc: dict[str, Any],
    unit: UnitFacts,
    plan: Plan,
    candidates: Sequence[CandidateRow],
    as_of: date,
    shortfall: str | None = None,
) -> dict[str, Any]:
    """A unit's own list: size and surplus, structure over those past step 5, the list itself
    ordered by proposed post then name (Vietnamese collation)."""
    age_ref = plan.age_reference(unit.level) or unit.congress_date or as_of
    people = sorted(
        candidates, key=lambda c: (POST_ORDER[c.proposed_post], person_sort_key(c.full_name))
    )
    passed = [c for c in people if c.step == 5]
    warnings: list[str] = []
    rows = []
    for i, c in enumerate(people, start=1):
        notes = age_warnings(c, plan, age_ref)
        rows.append(_person(i, c, notes))
    if unit.committee_size is None and unit.contents != 2:
        warnings.append("Đơn vị chưa báo cáo số lượng cấp ủy dự kiến.")
    return {
        "doc": doc,
        "unit": {
            "name": unit.name,
            "congress_date": unit.congress_date.isoformat() if unit.congress_date else "",
            "congress_phrase": congress_phrase(unit, as_of),
            "size_line": _size_line(unit, plan, len(people), len(passed)),
            "shortfall": shortfall or "",
        },
        "structure": _structure(passed, plan, age_ref),
        "warnings": warnings,
        "people": rows,
        "totals": {"listed": len(people), "passed": len(passed)},
    }


def unit_personnel(
    req: Request, org: OrgRef, candidates: Sequence[CandidateRow]
) -> PlannedDocument:
    """A unit's own list, from its row of the request's status (any scope at or above it gives
    the same row) and its candidates."""
    row = req.units[org.id]
    unit = UnitFacts(
        name=org.name,
        level=str(row["level"]),
        congress_date=opt_date(row["congress_date"]),
        committee_size=opt_int(row["committee_size"]),
        contents=opt_int(row["contents"]) or 4,
        held_date=opt_date(row["held_date"]),
    )
    subject = (
        f"Nhân sự dự kiến cấp ủy khóa mới của {org.name}, nhiệm kỳ {term_label(req.settings.term)}"
    )
    ctx = build_personnel_context(
        doc=req.doc(req.report_head(subject)),
        unit=unit,
        plan=req.plan,
        candidates=candidates,
        as_of=req.as_of,
        shortfall=unit_shortfall(req.unit_stages(org.id)["personnel"]),
    )
    return req.report("personnel", subject, ctx, about=org)


def unit_shortfall(entry: Mapping[str, Any]) -> str | None:
    """What a unit's slate still lacks, in words (None when done or nothing is short)."""
    if entry["state"] == "done":
        return None
    return shortfall_words(entry.get("feasibility"))


def plan(req: Request) -> list[PlannedDocument]:
    """The scope's own personnel list."""
    rows = candidates_of(req.s, org_id=req.scope.id, as_of=req.as_of)
    return [unit_personnel(req, req.scope, rows)]


KIND = Kind("personnel", plan, subtree=personnel_subtree.plan)
