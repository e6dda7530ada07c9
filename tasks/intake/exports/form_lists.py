"""What `daihoi forms` gives a unit to choose from: reference sheets (the draft's sections, the
session codes, the units and the committee roles they have) whose first column feeds a cell's
dropdown, and the root's `lop-tap-huan` pre-filled with the courses and sessions so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import OrgStatus, PartyRole
from models.feedback import DraftSection
from models.org import Congress, Organisation
from models.queries import OrgRef
from models.settings import get_settings
from models.training import Course, SessionRole, TrainingSession
from models.tree import at_or_under
from tasks.intake.draft.parse import GENERAL_SECTION
from tasks.intake.draft.store import draft_for_unit
from tasks.status.judge import ROLE_MIN_SIZE

GENERAL_TITLE = "Góp ý chung cho toàn văn dự thảo"


@dataclass(frozen=True)
class RefSheet:
    """A read-only sheet beside the form: a title line, a header and rows (first column = the
    values a dropdown offers)."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    widths: tuple[float, ...]


@dataclass(frozen=True)
class FormLists:
    """A form's lookups: reference sheets; form columns (by field) whose dropdown is a reference
    sheet's first column; choice columns narrowed for this unit; notes for the person asking."""

    sheets: tuple[RefSheet, ...] = ()
    from_sheet: dict[str, str] = field(default_factory=dict)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def roles_of(committee_size: int | None) -> tuple[PartyRole, ...]:
    """The committee roles a unit has by its committee size (DESIGN.md, Training)."""
    size = committee_size or 0
    return tuple(PartyRole(r) for r, least in ROLE_MIN_SIZE.items() if size >= least)


def gop_y_lists(session: Session, org: OrgRef) -> FormLists:
    """The sections of the draft the unit comments on: `Chung` and each number, with titles."""
    draft = draft_for_unit(session, org=org)
    if draft is None:
        return FormLists(
            notes=(
                "Chưa có dự thảo Báo cáo chính trị: cột Mục chưa có danh sách các mục; hãy nhập "
                "dự thảo (daihoi draft import) rồi tạo lại biểu mẫu.",
            )
        )
    rows = session.execute(
        select(DraftSection.number, DraftSection.title, DraftSection.level)
        .where(DraftSection.draft_id == draft.id)
        .order_by(DraftSection.position)
    ).all()
    sheet = RefSheet(
        name="Các mục dự thảo",
        title=f"CÁC MỤC CỦA DỰ THẢO (phiên bản {draft.version}) — chọn số mục ở cột Mục",
        headers=("Mục", "Tiêu đề"),
        rows=tuple(
            (r.number, GENERAL_TITLE if r.number == GENERAL_SECTION else r.title) for r in rows
        ),
        widths=(14, 90),
    )
    return FormLists(sheets=(sheet,), from_sheet={"section": sheet.name})


def _sessions(session: Session, as_of: date) -> list[Any]:
    required = {
        (r.session_id, r.role)
        for r in session.execute(select(SessionRole.session_id, SessionRole.role))
    }
    rows = session.execute(
        select(
            TrainingSession.id,
            TrainingSession.code,
            TrainingSession.held_on,
            TrainingSession.place,
            Course.code.label("course_code"),
            Course.title,
        )
        .join(Course, Course.id == TrainingSession.course_id)
        .where(TrainingSession.held_on <= as_of)
        .order_by(TrainingSession.held_on, TrainingSession.code)
    ).all()
    roles = {r.id: tuple(role for role in PartyRole if (r.id, role) in required) for r in rows}
    return [(r, roles[r.id]) for r in rows]


def tap_huan_lists(session: Session, org: OrgRef, as_of: date) -> FormLists:
    """The session codes held by as_of, and the units (the sender and its subtree) with the
    committee roles each has; Chức vụ Đảng offers those roles and Đảng viên."""
    sessions = _sessions(session, as_of)
    lop = RefSheet(
        name="Danh mục lớp",
        title="CÁC LỚP TẬP HUẤN — chọn Mã lớp ở cột Mã lớp",
        headers=("Mã lớp", "Chuyên đề", "Ngày", "Địa điểm", "Bắt buộc đối với"),
        rows=tuple(
            (r.code, r.title, r.held_on, r.place or "", "; ".join(x.label for x in roles))
            for r, roles in sessions
        ),
        widths=(16, 50, 12, 28, 32),
    )
    term = get_settings().term
    units = session.execute(
        select(Organisation.code, Organisation.name, Congress.committee_size)
        .outerjoin(Congress, (Congress.org_id == Organisation.id) & (Congress.term == term))
        .where(at_or_under(org.path), Organisation.status == OrgStatus.ACTIVE)
        .order_by(Organisation.path)
    ).all()
    had: set[PartyRole] = set()
    unit_rows = []
    for u in units:
        roles = roles_of(u.committee_size)
        had.update(roles)
        unit_rows.append((u.code, u.name, "; ".join(r.label for r in roles) or "—"))
    don_vi = RefSheet(
        name="Danh mục đơn vị",
        title="CÁC ĐƠN VỊ VÀ CHỨC VỤ CẤP ỦY CẦN THAM DỰ — chọn ở cột Mã đơn vị",
        headers=("Mã đơn vị", "Tên tổ chức đảng", "Chức vụ cấp ủy của đơn vị"),
        rows=tuple(unit_rows),
        widths=(24, 50, 36),
    )
    notes = () if sessions else (f"Chưa có lớp tập huấn nào đến ngày {as_of:%d/%m/%Y}.",)
    role_choices = tuple(r.label for r in PartyRole if r in had or r is PartyRole.DANG_VIEN)
    return FormLists(
        sheets=(lop, don_vi),
        from_sheet={"session_code": lop.name, "org_code": don_vi.name},
        choices={"role": role_choices},
        notes=notes,
    )


def lop_tap_huan_rows(session: Session, org: OrgRef, as_of: date) -> list[dict[str, Any]]:
    """For the root (the office keeps the courses): its sessions held by as_of, as the form
    states them; nothing for another unit."""
    if org.parent_id is not None:
        return []
    return [
        {
            "code": r.code,
            "course_code": r.course_code,
            "course": r.title,
            "day": r.held_on,
            "place": r.place,
            "required_roles": [x.label for x in roles] or None,
        }
        for r, roles in _sessions(session, as_of)
    ]


def form_lists(session: Session, *, form: str, org: OrgRef, as_of: date) -> FormLists:
    """The lookups of a form for a unit (none for a form without any)."""
    if form == "gop-y":
        return gop_y_lists(session, org)
    if form == "tap-huan":
        return tap_huan_lists(session, org, as_of)
    return FormLists()
