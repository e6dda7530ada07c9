"""One file end to end: limits, form and sender, duplicate and stale checks, validation, the
form's importer in one transaction, the intake record and the error workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from models.db import get_engine, read_session, write_with_retry
from models.enums import IntakeState
from models.org import Organisation
from models.queries import OrgRef, UnknownOrganisation, find_org, find_root
from models.records import IntakeRecord
from models.settings import get_settings
from tasks.core.dates import today
from tasks.intake.forms.common import FormImporter, ImportContext, ImportOutcome
from tasks.intake.forms.registry import get_importer
from tasks.intake.pipeline.error_workbook import error_workbook_path, write_error_workbook
from tasks.intake.pipeline.issues import Issue, error
from tasks.intake.pipeline.limits import FileRefused
from tasks.intake.pipeline.outcome import FileOutcome, ImportOptions, file_sha256, sort_issues
from tasks.intake.pipeline.spec import FormSpec, all_forms, form_for_sheets
from tasks.intake.pipeline.validate import ParsedForm, parse_form
from tasks.intake.pipeline.workbook import Workbook, open_workbook
from tasks.intake.versions import find_duplicate, latest_version, supersede_earlier

__all__ = ["STALE_MESSAGE", "FileOutcome", "ImportOptions", "import_file"]

STALE_MESSAGE = "Dữ liệu đã thay đổi kể từ khi tải biểu mẫu; hãy tải biểu mẫu mới"


class _Rejected(Exception):
    """Raised inside the write transaction to roll it back."""

    def __init__(self, issues: list[Issue], outcome: ImportOutcome | None = None) -> None:
        super().__init__("rejected")
        self.issues = issues
        self.outcome = outcome


def _recognise(wb: Workbook) -> FormSpec:
    """The form of a workbook: `_meta` (form, version), else its sheet names (rule 1)."""
    forms = all_forms()
    if wb.meta is not None and wb.meta.get("form"):
        name = wb.meta["form"].strip()
        spec = forms.get(name)
        if spec is None:
            raise FileRefused(
                f"Biểu mẫu '{name}' không được hỗ trợ; các biểu mẫu: " + ", ".join(sorted(forms))
            )
        version = wb.meta.get("version", "").strip()
        if version != str(spec.version):
            code = wb.meta.get("org_code") or "<mã đơn vị>"
            raise FileRefused(
                f"Biểu mẫu '{name}' phiên bản '{version or '?'}' không còn dùng được: phiên bản "
                f"hiện hành là {spec.version}. Hãy tải biểu mẫu mới "
                f"(daihoi forms {name} --org {code})."
            )
        return spec
    spec = form_for_sheets(wb.sheet_names)
    if spec is None:
        names = ", ".join(f"'{s.main.name}'" for s in forms.values())
        raise FileRefused(
            f"Tệp '{wb.path.name}' không phải biểu mẫu nào đã biết (không có sheet {names})"
        )
    return spec


def _registry_empty(session: Session) -> bool:
    return session.scalar(select(Organisation.id).limit(1)) is None


def _sender(session: Session, wb: Workbook, opts: ImportOptions) -> OrgRef | None:
    """The sender: the transport's, checked against `_meta.org_code`; else `_meta`; else root."""
    meta_code = (wb.meta or {}).get("org_code", "").strip().upper() or None
    code = opts.sender_code.strip().upper() if opts.sender_code else None
    if code and meta_code and code != meta_code:
        raise FileRefused(
            f"Biểu mẫu được tải cho đơn vị '{meta_code}' nhưng được gửi từ đơn vị '{code}'"
        )
    code = code or meta_code
    try:
        if code:
            return find_org(session, code=code)
        return find_root(session) if opts.default_to_root else None
    except UnknownOrganisation as e:
        if _registry_empty(session):
            return None
        raise FileRefused(f"Không tìm thấy đơn vị gửi có mã '{code}'") from e


def _base_version(wb: Workbook) -> int | None:
    if wb.meta is None or "base_version" not in wb.meta:
        return None
    text = wb.meta["base_version"].strip()
    return int(text) if text.isdigit() else 0


def _record(
    session: Session,
    *,
    path: Path,
    sha: str,
    state: IntakeState,
    actor: str | None = None,
    **values: Any,
) -> int:
    rec = IntakeRecord(
        sha256=sha,
        file_name=path.name[:300],
        state=state,
        actor=(actor or get_settings().actor_name)[:120],
        **values,
    )
    session.add(rec)
    session.flush()
    return rec.id


def _finish(engine: Engine, intake_id: int, **values: Any) -> None:
    stmt = update(IntakeRecord).where(IntakeRecord.id == intake_id).values(**values)
    write_with_retry(lambda s: s.execute(stmt), engine=engine)


def import_file(
    path: Path, opts: ImportOptions | None = None, *, engine: Engine | None = None
) -> FileOutcome:
    """Import one workbook all-or-nothing; validation problems are returned, never raised."""
    opts = opts or ImportOptions()
    engine = engine or get_engine()
    settings = get_settings()
    path = Path(path)
    outcome = FileOutcome(path=path, state=IntakeState.REJECTED)
    try:
        outcome.sha256 = file_sha256(path)
    except OSError as e:
        outcome.message = f"Không đọc được tệp '{path.name}': {e.strerror}"
        outcome.issues = [error(outcome.message)]
        return outcome

    try:
        wb = open_workbook(path, settings.limits)
        spec = _recognise(wb)
        outcome.form = spec.form
        importer = get_importer(spec.form)
        if importer is None:
            raise FileRefused(f"Chưa hỗ trợ nhập biểu mẫu '{spec.form}'")
        with read_session(engine) as s:
            sender = _sender(s, wb, opts)
            if sender is None and _registry_empty(s):
                if importer.needs_sender:
                    raise FileRefused(
                        "Chưa có đơn vị nào: hãy nhập danh sách tổ chức đảng (biểu mẫu don-vi) trước"
                    )
            elif sender is None:
                raise FileRefused(
                    "Không xác định được đơn vị gửi: hãy đặt tệp trong thư mục inbox/<mã đơn vị>/ "
                    "hoặc dùng --org"
                )
    except FileRefused as e:
        return _refuse(engine, outcome, e.message, opts)

    outcome.sender = sender.code if sender else None
    intake_id = write_with_retry(
        lambda s: _record(
            s,
            path=path,
            sha=outcome.sha256,
            state=IntakeState.RECEIVED,
            form=spec.form,
            form_version=spec.version,
            sender_org_id=sender.id if sender else None,
            actor=opts.actor,
        ),
        engine=engine,
    )
    outcome.intake_id = intake_id

    parsed = parse_form(wb, spec)
    ctx = ImportContext(
        sender=sender,
        sha256=outcome.sha256,
        file_name=path.name,
        actor=opts.actor or settings.actor_name,
        term=settings.term,
        received_on=opts.received_on or today(),
        intake_id=intake_id,
        meta=wb.meta,
        letter_number=opts.letter_number,
        letter_date=opts.letter_date,
        force=opts.force,
    )
    try:
        # Busy or conflicting: the whole transaction again; a rejection is never retried.
        result = write_with_retry(
            lambda s: _import(s, ctx, wb, spec, importer, parsed), engine=engine
        )
    except _Rejected as r:
        return _rejected(engine, outcome, wb, r, opts)

    if result is None:  # the same bytes again
        outcome.state = IntakeState.DUPLICATE
        outcome.message = f"Tệp '{path.name}' đã được nhập trước đây: không có thay đổi"
        return outcome
    outcome.state = IntakeState.ACCEPTED
    if outcome.sender is None:  # a registry created from nothing: its root sent it
        with read_session(engine) as s:
            outcome.sender = find_root(s).code
    outcome.rows = result.rows
    outcome.counts = result.counts
    outcome.issues = sort_issues([i for i in parsed.issues if not i.is_error] + result.issues)
    return outcome


def _import(
    s: Session,
    ctx: ImportContext,
    wb: Workbook,
    spec: FormSpec,
    importer: FormImporter,
    parsed: ParsedForm,
) -> ImportOutcome | None:
    """Inside the write transaction: duplicate, stale check, the importer, the intake record."""
    sender = ctx.sender
    dup = find_duplicate(
        s, sha256=ctx.sha256, form=spec.form, sender_id=sender.id if sender else None
    )
    if dup is not None:
        s.execute(
            update(IntakeRecord)
            .where(IntakeRecord.id == ctx.intake_id)
            .values(state=IntakeState.DUPLICATE)
        )
        return None
    base = _base_version(wb)
    if sender is not None and base is not None and not ctx.force:
        if latest_version(s, form=spec.form, org=sender) > base:
            raise _Rejected([error(STALE_MESSAGE)])
    if not parsed.structure_ok:
        raise _Rejected(list(parsed.issues))
    result = importer.run(s, ctx, parsed)
    issues = list(parsed.issues) + result.issues
    if any(i.is_error for i in issues):
        raise _Rejected(issues, result)
    sender_id = sender.id if sender else _root_id(s)
    s.execute(
        update(IntakeRecord)
        .where(IntakeRecord.id == ctx.intake_id)
        .values(
            state=IntakeState.ACCEPTED,
            rows=result.rows,
            warnings=sum(1 for i in issues if not i.is_error),
            sender_org_id=sender_id,
            letter_number=result.letter_number,
            letter_date=result.letter_date,
        )
    )
    owner = sender or (find_root(s) if sender_id is not None else None)
    if owner is not None:
        supersede_earlier(s, form=spec.form, org=owner, keep_id=ctx.intake_id)
    return result


def _root_id(s: Session) -> int | None:
    try:
        return find_root(s).id
    except UnknownOrganisation:
        return None


def _refuse(engine: Engine, outcome: FileOutcome, message: str, opts: ImportOptions) -> FileOutcome:
    """A file refused before validation: one message, an intake record, no error workbook."""
    outcome.message = message
    outcome.issues = [error(message)]
    outcome.intake_id = write_with_retry(
        lambda s: _record(
            s,
            path=outcome.path,
            sha=outcome.sha256,
            state=IntakeState.REJECTED,
            form=outcome.form,
            errors=1,
            actor=opts.actor,
        ),
        engine=engine,
    )
    return outcome


def _rejected(
    engine: Engine, outcome: FileOutcome, wb: Workbook, r: _Rejected, opts: ImportOptions
) -> FileOutcome:
    """Rolled back: write the error workbook (when cells are located) and mark the record."""
    outcome.issues = sort_issues(r.issues)
    outcome.message = (
        f"Tệp '{outcome.path.name}' bị từ chối: {len(outcome.errors)} lỗi; không có dữ liệu nào "
        "được ghi"
    )
    located = any(i.sheet is not None for i in r.issues)
    if opts.write_errors and located:
        out = error_workbook_path(outcome.path, opts.error_dir)
        outcome.error_workbook = write_error_workbook(outcome.path, r.issues, out)
    assert outcome.intake_id is not None
    _finish(
        engine,
        outcome.intake_id,
        state=IntakeState.REJECTED,
        errors=len(outcome.errors),
        warnings=len(outcome.warnings),
        error_path=str(outcome.error_workbook) if outcome.error_workbook else None,
    )
    return outcome
