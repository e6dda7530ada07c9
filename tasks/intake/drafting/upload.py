"""The tiếp thu sheet sent back from the workspace: refused unless it is the `tiep-thu` form,
then imported exactly as `daihoi import FILE --org SCOPE` would (the same pipeline and importer:
all or nothing, duplicate check, intake record), with the web account as the actor."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from models.enums import IntakeState
from models.settings import get_settings
from tasks.intake.pipeline.issues import error
from tasks.intake.pipeline.limits import FileRefused
from tasks.intake.pipeline.outcome import FileOutcome, ImportOptions
from tasks.intake.pipeline.spec import form_for_sheets
from tasks.intake.pipeline.workbook import open_workbook
from tasks.intake.receive import import_file

FORM = "tiep-thu"
NOT_THE_SHEET = (
    "Tệp '{name}' không phải bảng tiếp thu, giải trình (biểu mẫu tiep-thu): hãy tải bảng ở "
    "trang này, điền rồi gửi lại. Các biểu mẫu khác gửi ở trang nộp biểu mẫu."
)


def _refused(path: Path, message: str) -> FileOutcome:
    return FileOutcome(
        path=path, state=IntakeState.REJECTED, message=message, issues=[error(message)]
    )


def import_tiep_thu(path: Path, *, scope_code: str, actor: str, engine: Engine) -> FileOutcome:
    """Import a tiếp thu sheet sent by the scope's drafting team (the intake's file checks
    first; any other form is refused before its parser runs)."""
    try:
        wb = open_workbook(path, get_settings().limits)
    except FileRefused as e:
        return _refused(path, e.message)
    named = ((wb.meta or {}).get("form") or "").strip()
    spec = None if named else form_for_sheets(wb.sheet_names)
    if (named or (spec.form if spec else "")) != FORM:
        return _refused(path, NOT_THE_SHEET.format(name=path.name))
    options = ImportOptions(sender_code=scope_code, write_errors=False, actor=actor)
    return import_file(path, options, engine=engine)
