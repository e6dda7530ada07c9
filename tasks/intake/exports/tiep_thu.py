"""`daihoi export tiep-thu`: the comments needing an answer, as a workbook the drafting team fills."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.orm import Session

from models.enums import CommentKind, DispositionAction
from models.feedback import Comment, Disposition, DraftSection, Submission
from models.org import Organisation
from models.queries import OrgRef, comment_select
from models.tree import at_or_under
from tasks.core.errors import UserError
from tasks.core.text import norm_key
from tasks.intake.draft.store import DraftRef, current_draft, draft_for_unit
from tasks.intake.pipeline.spec import load_form
from tasks.intake.pipeline.workbook import META_SHEET

FORM = "tiep-thu"
SHEET = "Tiếp thu giải trình"
COLUMNS = (
    ("Mã ý kiến", 11),
    ("Mục", 10),
    ("Đơn vị", 30),
    ("Loại ý kiến", 13),
    ("Nội dung góp ý", 60),
    ("Số đơn vị", 10),
    ("Nhóm", 16),
    ("Hình thức xử lý", 20),
    ("Nội dung tiếp thu, giải trình", 60),
    ("Người xử lý", 20),
    # Hidden: the group as exported, so that an import tells a `Nhóm` the team edited from one
    # this sheet merely shows (a label accepted after the export is not undone by it).
    ("Nhóm khi xuất", 16),
)
HIDDEN_COLUMNS = ("Nhóm khi xuất",)
# Cells Excel (or a later edit in Excel) would evaluate; FORMS/RELIABILITY E4. Tab and CR too (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TiepThuRow:
    """One comment needing a disposition, with its group and current answer."""

    comment_id: int
    section: str
    unit: str
    kind: str
    text: str
    units_in_group: int
    group: str
    action: str | None
    answer: str | None
    handler: str | None

    def values(self) -> tuple[Any, ...]:
        """The cells of the row, in COLUMNS order."""
        return (
            self.comment_id,
            self.section,
            self.unit,
            self.kind,
            self.text,
            self.units_in_group,
            self.group,
            self.action,
            self.answer,
            self.handler,
            self.group,
        )


def default_group(section_number: str, text_key: str) -> str:
    """The group a comment is in unless the team names one: its section and normalised text."""
    digest = hashlib.sha256(text_key.encode("utf-8")).hexdigest()[:6]
    return f"{section_number}#{digest}"


def group_key(label: str) -> str:
    """How group labels compare (FORMS.md rule 1)."""
    return norm_key(label)


def draft_for_scope(session: Session, *, scope: OrgRef) -> DraftRef:
    """The draft a scope answers comments on: its own current draft, else its ancestors'."""
    draft = current_draft(session, scope_id=scope.id) or draft_for_unit(session, org=scope)
    if draft is None:
        raise UserError(
            "Chưa có dự thảo Báo cáo chính trị: hãy nhập dự thảo bằng 'daihoi draft import' trước."
        )
    return draft


def tiep_thu_rows(session: Session, *, scope: OrgRef, draft_id: int) -> list[TiepThuRow]:
    """Comments from the scope's subtree needing a disposition, in the draft's section order."""
    rows = session.execute(
        comment_select(
            Comment.id,
            Comment.section_number,
            Comment.kind,
            Comment.text,
            Comment.text_key,
            Comment.group_label,
            DraftSection.position,
            Organisation.id.label("org_id"),
            Organisation.name,
            Disposition.action,
            Disposition.text.label("answer"),
            Disposition.handler,
        )
        .outerjoin(DraftSection, DraftSection.id == Comment.section_id)
        .where(
            Submission.draft_id == draft_id,
            Comment.kind != CommentKind.THONG_NHAT,
            at_or_under(scope.path),
        )
        .order_by(Comment.id)
    ).all()
    labels = {r.id: r.group_label or default_group(r.section_number, r.text_key) for r in rows}
    units: dict[str, set[int]] = {}
    first: dict[str, tuple[int, int]] = {}
    for r in rows:
        key = group_key(labels[r.id])
        units.setdefault(key, set()).add(r.org_id)
        # A group sits at its first section in the draft's order; orphans (no section) last.
        place = (r.position if r.position is not None else 1 << 30, r.id)
        first[key] = min(first.get(key, place), place)
    ordered = sorted(rows, key=lambda r: (first[group_key(labels[r.id])], r.id))
    return [
        TiepThuRow(
            comment_id=r.id,
            section=r.section_number,
            unit=r.name,
            kind=CommentKind(r.kind).label,
            text=r.text,
            units_in_group=len(units[group_key(labels[r.id])]),
            group=labels[r.id],
            action=DispositionAction(r.action).label if r.action is not None else None,
            answer=r.answer,
            handler=r.handler,
        )
        for r in ordered
    ]


def _safe(cell: Any, value: Any) -> None:
    cell.value = value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        # Stored as a string with Excel's quote prefix: shown as typed, never evaluated.
        cell.data_type = "s"
        cell.quotePrefix = True


def write_tiep_thu(rows: Sequence[TiepThuRow], path: Path, *, title: str, org_code: str) -> None:
    """Write the workbook: a title line, the header on row 3, one row per comment, and `_meta`
    naming the form and the scope (so it comes back only from that scope)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    _safe(ws.cell(row=1, column=1), title)
    ws.cell(row=1, column=1).font = Font(bold=True)
    header_row = 3
    for col, (label, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=header_row, column=col, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
        ws.column_dimensions[get_column_letter(col)].hidden = label in HIDDEN_COLUMNS
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(rows, start=header_row + 1):
        for col, value in enumerate(row.values(), start=1):
            cell = ws.cell(row=i, column=col)
            _safe(cell, value)
            cell.alignment = wrap
    choices = ",".join(a.label for a in DispositionAction)
    validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    validation.error = "Chọn một hình thức xử lý trong danh sách"
    validation.errorTitle = "Hình thức xử lý"
    action_col = get_column_letter([c for c, _ in COLUMNS].index("Hình thức xử lý") + 1)
    last = max(header_row + 1, header_row + len(rows))
    validation.add(f"{action_col}{header_row + 1}:{action_col}{last}")
    ws.add_data_validation(validation)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    # No base_version: the team sends the same sheet back as it fills it in, and dispositions
    # are only ever added or updated, so an older sheet is not refused as stale.
    meta = wb.create_sheet(META_SHEET)
    for key, value in (
        ("form", FORM),
        ("version", str(load_form(FORM).version)),
        ("org_code", org_code),
    ):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)


def export_tiep_thu(session: Session, *, scope: OrgRef, out: Path) -> int:
    """Write the scope's tiếp thu – giải trình workbook; returns the number of comments in it."""
    draft = draft_for_scope(session, scope=scope)
    rows = tiep_thu_rows(session, scope=scope, draft_id=draft.id)
    title = (
        f"TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý DỰ THẢO BÁO CÁO CHÍNH TRỊ (phiên bản {draft.version})"
    )
    write_tiep_thu(rows, out, title=title, org_code=scope.code)
    return len(rows)
