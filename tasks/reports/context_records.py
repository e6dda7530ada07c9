"""Context builders for the reports that list records: personnel, inspections, feedback and
training. Pure functions of rows and dicts; every key is a variable the template uses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.enums import CommentKind, Gender, PartyRole, Post, Presence, Reelection
from tasks.core.plans import Plan, StructureTarget
from tasks.core.text import norm_key, person_sort_key
from tasks.reports.labels import STATE_LABELS, STRUCTURE_LABELS
from tasks.reports.queries import (
    CandidateRow,
    CommentRow,
    InspectionRow,
    RemedyRow,
    SectionRow,
    SessionRow,
    SubmissionRow,
)

POSTGRADUATE_PREFIXES = ("Thạc sĩ", "Tiến sĩ", "ThS", "TS", "PGS", "GS")
POST_ORDER = {p: i for i, p in enumerate(Post)}
# The roles a unit has by committee size (DESIGN.md, Training).
ROLE_MIN_SIZE = {PartyRole.BI_THU: 1, PartyRole.PHO_BI_THU: 2, PartyRole.CAP_UY_VIEN: 3}


@dataclass(frozen=True)
class UnitFacts:
    """What a personnel list says about its unit."""

    name: str
    level: str
    congress_date: date | None
    committee_size: int | None
    contents: int


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
            "size_line": _size_line(unit, plan, len(people), len(passed)),
        },
        "structure": _structure(passed, plan, age_ref),
        "warnings": warnings,
        "people": rows,
        "totals": {"listed": len(people), "passed": len(passed)},
    }


def build_personnel_subtree_context(
    *, doc: dict[str, Any], scope_name: str, rows: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """A subtree's personnel summary: one row per unit (tree order), counts only, no names."""
    out = []
    for i, r in enumerate(rows, start=1):
        size = r["committee_size"]
        out.append(
            {
                "stt": i,
                "name": r["name"],
                "size": "" if size is None else str(size),
                "required": "" if size is None else str(r["required"]),
                "passed": r["passed"],
                "nu": r["nu"],
                "duoi_40": r["duoi_40"],
                "dan_toc": r["dan_toc"],
                "lan_dau": r["lan_dau"],
                "tren_dh": r["tren_dh"],
                "state": STATE_LABELS.get(r["state"], r["state"]),
            }
        )
    totals = {
        k: sum(int(r[k]) for r in rows)
        for k in ("passed", "nu", "duoi_40", "dan_toc", "lan_dau", "tren_dh")
    }
    passed = totals["passed"]
    totals["nu_share"] = totals["nu"] / passed if passed else None  # type: ignore[assignment]
    totals["duoi_40_share"] = totals["duoi_40"] / passed if passed else None  # type: ignore[assignment]
    return {
        "doc": doc,
        "scope": {"name": scope_name, "units": len(rows)},
        "rows": out,
        "totals": totals,
    }


def build_inspections_context(
    *,
    doc: dict[str, Any],
    scope_name: str,
    stage: Mapping[str, Any],
    names: Mapping[int, str],
    units: Sequence[int],
    inspections: Sequence[InspectionRow],
    pending: Sequence[RemedyRow],
) -> dict[str, Any]:
    """Inspections and supervisions of the subtree, their conclusions and open remedies.

    `names` maps organisation ids to names; `units` are the ids judged, in tree order."""
    rows = [
        {
            "stt": i,
            "unit": names.get(r.org_id, ""),
            "code": r.code,
            "kind": f"{r.kind.label} {r.form.label.lower()}",
            "started": r.started_on.isoformat(),
            "concluded": r.concluded_on.isoformat() if r.concluded_on else "",
            "violation": "" if r.has_violation is None else ("Có" if r.has_violation else "Không"),
            "remedies": f"{r.verified}/{r.remedies}" if r.remedies else "—",
        }
        for i, r in enumerate(inspections, start=1)
    ]
    inspected = {r.org_id for r in inspections}
    summary = {
        "units": len(units),
        "inspected": len(inspected & set(units)),
        "inspections": len(inspections),
        "kiem_tra": sum(1 for r in inspections if r.kind.value == "kiem-tra"),
        "giam_sat": sum(1 for r in inspections if r.kind.value == "giam-sat"),
        "concluded": sum(1 for r in inspections if r.concluded_on is not None),
        "violations": sum(1 for r in inspections if r.has_violation),
        "remedies": sum(r.remedies for r in inspections),
        "verified": sum(r.verified for r in inspections),
        "completed": sum(r.completed for r in inspections),
        "done": stage["done"],
        "overdue": stage["overdue"],
        "progress": stage["progress"],
    }
    summary["pending"] = summary["remedies"] - summary["verified"] - summary["completed"]
    return {
        "doc": doc,
        "scope": {"name": scope_name, "units": len(units)},
        "summary": summary,
        "rows": rows,
        "pending": [
            {
                "stt": i,
                "unit": names.get(r.org_id, ""),
                "code": r.inspection_code,
                "requirement": r.requirement,
                "due": r.due_on.isoformat(),
                "status": r.status.label,
            }
            for i, r in enumerate(pending, start=1)
        ],
        "not_inspected": [names[u] for u in units if u not in inspected],
    }


_VERBS = {
    CommentKind.BO_SUNG: "đề nghị bổ sung:",
    CommentKind.SUA_DOI: "đề nghị sửa đổi:",
    CommentKind.LUOC_BO: "đề nghị lược bỏ:",
    CommentKind.KHAC: "có ý kiến:",
}


def _group_lead(units: list[str], kind: CommentKind) -> str:
    verb = _VERBS.get(kind, "có ý kiến:")
    if len(units) == 1:
        return f"{units[0]} {verb}"
    return f"Có {len(units):02d} đơn vị ({'; '.join(units)}) {verb}"


def _section_heading(number: str, title: str) -> str:
    if norm_key(number) == "chung":
        return "Ý kiến chung"
    return f"{number}. {title}" if title else number


def _groups(comments: Sequence[CommentRow], names: Mapping[int, str]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for c in comments:
        key = (c.kind.value, norm_key(c.group_label) if c.group_label else c.text_key)
        g = groups.get(key)
        if g is None:
            g = groups[key] = {
                "kind": c.kind,
                "units": [],
                "text": c.group_label or c.text,
                "answers": [],
                "unanswered": False,
            }
        name = names.get(c.org_id, "")
        if name not in g["units"]:
            g["units"].append(name)
        if c.action is None:
            g["unanswered"] = True
        else:
            answer = (c.action.label, c.answer or "tiếp thu ý kiến")
            if answer not in g["answers"]:
                g["answers"].append(answer)
    out = []
    for g in groups.values():
        dispositions = [{"action": a, "text": t} for a, t in g["answers"]]
        if g["unanswered"]:
            dispositions.append({"action": "Chưa tiếp thu, giải trình", "text": "đang xem xét"})
        out.append(
            {
                "lead": _group_lead(g["units"], g["kind"]),
                "text": g["text"],
                "dispositions": dispositions,
            }
        )
    return out


def build_feedback_context(
    *,
    doc: dict[str, Any],
    scope_name: str,
    draft: Mapping[str, Any] | None,
    sections: Sequence[SectionRow],
    comments: Sequence[CommentRow],
    submissions: Sequence[SubmissionRow],
    names: Mapping[int, str],
    units: Sequence[int],
) -> dict[str, Any]:
    """The synthesis: comments grouped in the draft's section order, each group's units and
    dispositions, agreements counted, units yet to submit listed."""
    deadline = draft["deadline"] if draft else None
    by_section: dict[str, list[CommentRow]] = {}
    for c in comments:
        by_section.setdefault(str(c.section_id) if c.section_id else c.section_number, []).append(c)
    ordered = [(str(s.id), _section_heading(s.number, s.title)) for s in sections]
    known = {key for key, _ in ordered}
    ordered += [(key, _section_heading(key, "")) for key in by_section if key not in known]
    out_sections = []
    for key, heading in ordered:
        rows = by_section.get(key, [])
        if not rows:
            continue
        agreed = {c.org_id for c in rows if c.kind == CommentKind.THONG_NHAT}
        asked = [c for c in rows if c.kind != CommentKind.THONG_NHAT]
        out_sections.append(
            {"heading": heading, "agreements": len(agreed), "groups": _groups(asked, names)}
        )
    submitted = {s.org_id for s in submissions}
    needing = [c for c in comments if c.kind != CommentKind.THONG_NHAT]
    answered = sum(1 for c in needing if c.action is not None)
    summary = {
        "units": len(units),
        "submitted": len(submitted),
        "late": sum(1 for s in submissions if deadline and s.submitted_on > deadline),
        "no_comments": sum(1 for s in submissions if s.no_comments),
        "comments": len(comments),
        "agreements": len(comments) - len(needing),
        "needing": len(needing),
        "answered": answered,
        "answered_share": answered / len(needing) if needing else None,
    }
    return {
        "doc": doc,
        "scope": {"name": scope_name},
        "draft": None
        if draft is None
        else {
            "title": draft["title"],
            "deadline": deadline.isoformat() if deadline else "",
        },
        "summary": summary,
        "sections": out_sections,
        "not_submitted": [names[u] for u in units if u not in submitted],
    }


def build_training_context(
    *,
    doc: dict[str, Any],
    scope_name: str,
    stage: Mapping[str, Any],
    sessions: Sequence[SessionRow],
    attendance: Mapping[int, Mapping[Presence, int]],
    units: Sequence[tuple[int, str, int | None]],
    course_roles: Sequence[tuple[int, PartyRole]],
    satisfied: set[tuple[int, int, PartyRole]],
    titles: Mapping[int, str],
) -> dict[str, Any]:
    """Training: sessions held per course with attendance, and the (course, role) pairs each
    unit has not yet covered. `units` are (id, name, committee size) in tree order."""
    courses: dict[int, dict[str, Any]] = {}
    for s in sessions:
        c = courses.setdefault(s.course_id, {"title": s.course_title, "sessions": [], "roles": []})
        where = f" ({s.place})" if s.place else ""
        c["sessions"].append(f"{s.held_on.strftime('%d/%m/%Y')}{where}")
        c["roles"] += [r for r in s.roles if r not in c["roles"]]
    course_rows = []
    for i, (course_id, c) in enumerate(courses.items(), start=1):
        counts = attendance.get(course_id, {})
        course_rows.append(
            {
                "stt": i,
                "title": c["title"],
                "sessions": "; ".join(c["sessions"]),
                "roles": ", ".join(r.label for r in sorted(c["roles"], key=list(PartyRole).index)),
                "present": counts.get(Presence.CO_MAT, 0),
                "late": counts.get(Presence.DI_TRE, 0),
                "excused": counts.get(Presence.VANG_CO_PHEP, 0),
                "absent": counts.get(Presence.VANG_KHONG_PHEP, 0),
            }
        )
    required = sorted(
        set(course_roles), key=lambda p: (titles.get(p[0], ""), list(PartyRole).index(p[1]))
    )
    missing: list[dict[str, Any]] = []
    for org_id, name, size in units:
        lacking = [
            f"{role.label} — {titles.get(course_id, '')}"
            for course_id, role in required
            if (size or 0) >= ROLE_MIN_SIZE.get(role, 99)
            and (org_id, course_id, role) not in satisfied
        ]
        if lacking:
            missing.append({"stt": len(missing) + 1, "name": name, "lacking": "; ".join(lacking)})
    return {
        "doc": doc,
        "scope": {"name": scope_name, "units": len(units)},
        "summary": {k: stage[k] for k in ("applicable", "done", "overdue", "progress")},
        "courses": course_rows,
        "missing": missing,
    }
