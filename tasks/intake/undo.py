"""`daihoi import --undo INTAKE_ID` (DESIGN.md "Imports that replace data"): put a unit's form
back as it was before an intake, as a new audited intake through the same pipeline — the
previous accepted file of that form from that sender re-applied from the intake store, or,
where the intake was the first, the unit's blank form (which empties it, FORMS.md rule 11)."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.db import get_engine, read_session
from models.enums import IntakeState
from models.org import Organisation
from models.queries import OrgRef, org_ref
from models.records import IntakeRecord
from tasks.core.errors import UserError
from tasks.intake.pipeline.outcome import FileOutcome, ImportOptions
from tasks.intake.preview import has_snapshot
from tasks.intake.store import stored_path

_CURRENT = (IntakeState.ACCEPTED, IntakeState.SUPERSEDED)


@dataclass(frozen=True)
class UndoPlan:
    """What an undo re-applies: the intake undone, its sender, the previous file (or None)."""

    intake_id: int
    form: str
    sender: OrgRef
    previous: IntakeRecord | None
    superseded_by: IntakeRecord | None

    def text(self) -> str:
        """What the undo does, in one Vietnamese line."""
        if self.previous is None:
            return (
                f"hoàn tác lần nhận số {self.intake_id}: đó là tệp {self.form} đầu tiên của "
                f"{self.sender.code}, số liệu của biểu mẫu này được xoá"
            )
        return (
            f"hoàn tác lần nhận số {self.intake_id}: áp dụng lại lần nhận số "
            f"{self.previous.id} ('{self.previous.file_name}')"
        )


def _target(session: Session, intake_id: int) -> tuple[IntakeRecord, OrgRef]:
    rec = session.get(IntakeRecord, intake_id)
    if rec is None:
        raise UserError(f"Không có lần nhận số {intake_id} (xem: daihoi intake list).")
    if rec.state not in _CURRENT or rec.sender_org_id is None or rec.form is None:
        raise UserError(
            f"Lần nhận số {intake_id} không được nhận vào số liệu (trạng thái: "
            f"{rec.state.label}): không có gì để hoàn tác."
        )
    if not has_snapshot(rec.form):
        raise UserError(
            f"Biểu mẫu {rec.form} chỉ thêm hoặc cập nhật, không thay thế: không hoàn tác được; "
            "hãy gửi tệp đã sửa."
        )
    org = session.get(Organisation, rec.sender_org_id)
    assert org is not None
    return rec, org_ref(org)


def _neighbour(session: Session, rec: IntakeRecord, *, later: bool) -> IntakeRecord | None:
    """The accepted intake of the same form and sender just before (or after) `rec`."""
    stmt = select(IntakeRecord).where(
        IntakeRecord.form == rec.form,
        IntakeRecord.sender_org_id == rec.sender_org_id,
        IntakeRecord.state.in_(_CURRENT),
    )
    if later:
        stmt = stmt.where(IntakeRecord.id > rec.id).order_by(IntakeRecord.id)
    else:
        stmt = stmt.where(IntakeRecord.id < rec.id).order_by(IntakeRecord.id.desc())
    return session.scalars(stmt.limit(1)).first()


def plan_undo(session: Session, intake_id: int) -> UndoPlan:
    """What undoing the intake would re-apply; UserError when it cannot be undone."""
    rec, sender = _target(session, intake_id)
    previous = _neighbour(session, rec, later=False)
    if rec.form == "gop-y" and previous is None:
        raise UserError(
            f"Lần nhận số {intake_id} là góp ý đầu tiên của {sender.code}: một tệp góp ý trống "
            "nghĩa là 'thống nhất toàn văn', nên không dùng nó để hoàn tác; hãy gửi tệp đúng."
        )
    if previous is not None and not stored_path(previous.sha256).is_file():
        raise UserError(
            f"Không còn bản lưu của lần nhận số {previous.id} ('{previous.file_name}') trong "
            f"{stored_path(previous.sha256).parent}: không hoàn tác được."
        )
    later = _neighbour(session, rec, later=True) if rec.state is IntakeState.SUPERSEDED else None
    return UndoPlan(rec.id, rec.form or "", sender, previous, later)


def superseded_message(plan: UndoPlan) -> str:
    """An undo of an intake a later one replaced: said, and confirmed with --yes."""
    later = plan.superseded_by
    which = f"lần nhận số {later.id} ('{later.file_name}')" if later else "một lần nhận sau"
    return (
        f"Lần nhận số {plan.intake_id} đã được thay thế bởi {which}: hoàn tác sẽ đưa biểu mẫu "
        f"{plan.form} của {plan.sender.code} về như trước lần {plan.intake_id}, bỏ cả các lần "
        "nhận sau nó. Thêm --yes để xác nhận."
    )


def _source_file(session: Session, plan: UndoPlan, folder: Path) -> Path:
    """The file to re-apply, under its original name, in `folder`."""
    if plan.previous is not None:
        target = folder / Path(plan.previous.file_name).name
        shutil.copyfile(stored_path(plan.previous.sha256), target)
        return target
    from tasks.intake.exports.forms import build_workbook

    book, _rows = build_workbook(session, form=plan.form, org=plan.sender, prefill=False)
    target = folder / f"{plan.form}_{plan.sender.code}_hoan-tac-{plan.intake_id}.xlsx"
    book.save(target)
    return target


def undo_intake(
    intake_id: int,
    *,
    confirm: bool = False,
    dry_run: bool = False,
    engine: Engine | None = None,
    actor: str | None = None,
) -> tuple[UndoPlan, FileOutcome]:
    """Undo an accepted intake as a new intake (its record's `undo_of_id` names the undone
    one), by `actor` (the web account's login; default the settings' actor name). UserError
    when it cannot be undone, or when a later intake superseded it and `confirm` is off."""
    from tasks.intake.receive import import_file

    engine = engine or get_engine()
    with tempfile.TemporaryDirectory(prefix="daihoi-undo-") as tmp:
        with read_session(engine) as session:
            plan = plan_undo(session, intake_id)
            if plan.superseded_by is not None and not confirm:
                raise UserError(superseded_message(plan))
            source = _source_file(session, plan, Path(tmp))
        previous = plan.previous
        opts = ImportOptions(
            sender_code=plan.sender.code,
            force=True,
            confirm=True,
            dry_run=dry_run,
            undo_of=intake_id,
            letter_number=previous.letter_number if previous else None,
            letter_date=previous.letter_date if previous else None,
            write_errors=False,
            actor=actor,
        )
        return plan, import_file(source, opts, engine=engine)
