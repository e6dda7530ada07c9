"""One file end to end: limits, form and sender, duplicate and stale checks, validation, the
form's importer in one transaction, the changes it makes (confirmed when it removes much), the
intake record, the kept copy and the error workbook.

The functions the command line and the web share: `preview_file` (a dry run: what the file
would do, nothing written), `import_file` (accept, with `ImportOptions(confirm=True)` after a
confirmation), `tasks.intake.undo.undo_intake`, `tasks.intake.register.intake_register`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.changes import touch, touch_nothing
from models.db import get_engine, read_session, write_with_retry
from models.enums import IntakeState
from models.queries import OrgRef, UnknownOrganisation, find_root
from models.settings import get_settings
from tasks.core.dates import today
from tasks.core.errors import os_error_text
from tasks.intake.forms.common import FormImporter, ImportContext, ImportOutcome
from tasks.intake.forms.registry import get_importer
from tasks.intake.identify import (
    NO_SENDER_MESSAGE,
    base_version,
    find_sender,
    other_sender_message,
    recognise,
    registry_empty,
)
from tasks.intake.pipeline.issues import Issue, error
from tasks.intake.pipeline.limits import FileRefused
from tasks.intake.pipeline.outcome import FileOutcome, ImportOptions, file_sha256, sort_issues
from tasks.intake.pipeline.spec import FormSpec
from tasks.intake.pipeline.validate import ParsedForm, parse_form
from tasks.intake.pipeline.workbook import Workbook, open_workbook
from tasks.intake.preview import UnitChange, compare, confirmation_message, snapshot
from tasks.intake.records import add_record, refuse, register_only, rejected, set_record
from tasks.intake.stale import stale_issue
from tasks.intake.store import keep_file
from tasks.intake.versions import accepted_for_other_sender, find_duplicate, supersede_earlier

__all__ = ["FileOutcome", "ImportOptions", "import_file", "preview_file"]


class _Rejected(Exception):
    """Raised inside the write transaction to roll it back."""

    def __init__(self, issues: list[Issue], *, stale: bool = False) -> None:
        super().__init__("rejected")
        self.issues = issues
        self.stale = stale


class _Unconfirmed(Exception):
    """The file would remove more than half of a unit's rows: rolled back, asks for --yes."""

    def __init__(self, result: ImportOutcome, changes: list[UnitChange]) -> None:
        super().__init__("unconfirmed")
        self.result = result
        self.changes = changes


class _DryRun(Exception):
    """A dry run's transaction ends here, rolled back: what the file would have done."""

    def __init__(self, result: ImportOutcome | None, changes: list[UnitChange]) -> None:
        super().__init__("dry run")
        self.result = result
        self.changes = changes


def preview_file(
    path: Path, opts: ImportOptions | None = None, *, engine: Engine | None = None
) -> FileOutcome:
    """What importing the file would do (state, issues, rows added / changed / removed per
    unit, whether it needs confirmation), computed in a transaction rolled back: nothing is
    written, not even an intake record or an error workbook."""
    return import_file(path, replace(opts or ImportOptions(), dry_run=True), engine=engine)


def import_file(
    path: Path, opts: ImportOptions | None = None, *, engine: Engine | None = None
) -> FileOutcome:
    """Import one workbook all-or-nothing; validation problems are returned, never raised."""
    opts = opts or ImportOptions()
    engine = engine or get_engine()
    path = Path(path)
    outcome = FileOutcome(path=path, state=IntakeState.REJECTED, dry_run=opts.dry_run)
    try:
        outcome.sha256 = file_sha256(path)
    except OSError as e:
        return refuse(None, outcome, f"Không đọc được tệp '{path.name}': {os_error_text(e)}", opts)
    try:
        wb = open_workbook(path, get_settings().limits)
        spec = recognise(wb)
        outcome.form = spec.form
        importer = get_importer(spec.form)
        if importer is None:
            raise FileRefused(f"Chưa hỗ trợ nhập biểu mẫu '{spec.form}'")
        with read_session(engine) as s:
            sender = find_sender(s, wb, opts)
            if sender is None and registry_empty(s):
                if importer.needs_sender:
                    raise FileRefused(
                        "Chưa có đơn vị nào: hãy nhập danh sách tổ chức đảng (biểu mẫu don-vi) trước"
                    )
            elif sender is None:
                raise FileRefused(NO_SENDER_MESSAGE)
    except FileRefused as e:
        return refuse(engine, outcome, e.message, opts)
    outcome.sender = sender.code if sender else None
    return _validate_and_write(engine, outcome, wb, spec, importer, sender, opts)


def _validate_and_write(
    engine: Engine,
    outcome: FileOutcome,
    wb: Workbook,
    spec: FormSpec,
    importer: FormImporter,
    sender: OrgRef | None,
    opts: ImportOptions,
) -> FileOutcome:
    settings = get_settings()
    if not opts.dry_run:
        outcome.intake_id = write_with_retry(
            register_only(
                lambda s: add_record(
                    s,
                    path=outcome.path,
                    sha=outcome.sha256,
                    state=IntakeState.RECEIVED,
                    form=spec.form,
                    form_version=spec.version,
                    sender_org_id=sender.id if sender else None,
                    undo_of_id=opts.undo_of,
                    actor=opts.actor,
                ),
            ),
            engine=engine,
        )
    parsed = parse_form(wb, spec)
    ctx = ImportContext(
        sender=sender,
        sha256=outcome.sha256,
        file_name=outcome.path.name,
        actor=opts.actor or settings.actor_name,
        term=settings.term,
        received_on=opts.received_on or today(),
        intake_id=outcome.intake_id or 0,
        meta=wb.meta,
        letter_number=opts.letter_number,
        letter_date=opts.letter_date,
        force=opts.force,
    )

    try:
        # Busy or conflicting: the whole transaction again; a rejection is never retried.
        result = write_with_retry(
            lambda s: _import(s, ctx, wb, spec, importer, parsed, opts), engine=engine
        )
    except _Rejected as r:
        return _rejected_outcome(engine, outcome, r, opts)
    except _Unconfirmed as u:
        outcome.changes, outcome.needs_confirmation = u.changes, True
        outcome.rows = u.result.rows
        why = confirmation_message(u.changes)
        return rejected(engine, outcome, [error(why)], opts, message=why)
    except _DryRun as d:
        return _dry_outcome(outcome, parsed, d)
    return _accepted_outcome(engine, outcome, parsed, result)


def _rejected_outcome(
    engine: Engine, outcome: FileOutcome, r: _Rejected, opts: ImportOptions
) -> FileOutcome:
    errors = [i for i in r.issues if i.is_error]
    only = errors[0].text() if len(errors) == 1 and errors[0].sheet is None else None
    if r.stale:
        only = next(i.text() for i in errors if i.sheet is None)
        if len(errors) > 1:
            only += f" Tệp còn {len(errors) - 1} lỗi ở các ô, xem tệp lỗi."
    return rejected(engine, outcome, r.issues, opts, message=only, workbook=r.stale)


def _dry_outcome(outcome: FileOutcome, parsed: ParsedForm, d: _DryRun) -> FileOutcome:
    outcome.changes = d.changes
    outcome.needs_confirmation = any(c.needs_confirmation for c in d.changes)
    if d.result is None:
        outcome.state = IntakeState.DUPLICATE
        outcome.message = f"Tệp '{outcome.path.name}' đã được nhập trước đây: không có thay đổi"
        return outcome
    outcome.state = IntakeState.ACCEPTED
    outcome.rows, outcome.counts = d.result.rows, d.result.counts
    outcome.issues = sort_issues([i for i in parsed.issues if not i.is_error] + d.result.issues)
    if outcome.needs_confirmation:
        outcome.message = confirmation_message(d.changes)
    return outcome


def _accepted_outcome(
    engine: Engine, outcome: FileOutcome, parsed: ParsedForm, result: ImportOutcome | None
) -> FileOutcome:
    if result is None:  # the same bytes again
        outcome.state = IntakeState.DUPLICATE
        outcome.message = f"Tệp '{outcome.path.name}' đã được nhập trước đây: không có thay đổi"
        return outcome
    outcome.state = IntakeState.ACCEPTED
    if outcome.sender is None:  # a registry created from nothing: its root sent it
        with read_session(engine) as s:
            outcome.sender = find_root(s).code
    outcome.rows = result.rows
    outcome.counts = result.counts
    outcome.changes = result.changes
    outcome.issues = sort_issues([i for i in parsed.issues if not i.is_error] + result.issues)
    return outcome


# Forms whose importer writes status facts of the sender's subtree only (each row's unit is
# checked to lie in it: tasks.intake.forms.common.resolve_units, RELIABILITY.md B11; gop-y
# writes the sender's own submission). Not don-vi (the tree itself), lop-tap-huan (courses
# every unit's training reads) or tiep-thu (answers to many units' comments): those touch
# everything.
SUBTREE_FORMS = frozenset({"nhan-su", "kiem-tra", "danh-gia", "tap-huan", "gop-y"})


def _import(
    s: Session,
    ctx: ImportContext,
    wb: Workbook,
    spec: FormSpec,
    importer: FormImporter,
    parsed: ParsedForm,
    opts: ImportOptions,
) -> ImportOutcome | None:
    """Inside the write transaction: sender, duplicate and stale checks, the importer, the
    changes it made (confirmed when it removes much), the intake record, the kept copy."""
    sender = ctx.sender
    if sender is not None:
        other = accepted_for_other_sender(s, sha256=ctx.sha256, form=spec.form, sender_id=sender.id)
        if other is not None:
            raise _Rejected([error(other_sender_message(other, sender.code))])
    dup = find_duplicate(
        s, sha256=ctx.sha256, form=spec.form, sender_id=sender.id if sender else None
    )
    if dup is not None:
        if opts.dry_run:
            raise _DryRun(None, [])
        touch_nothing(s)  # the register alone
        set_record(
            s, ctx.intake_id, state=IntakeState.DUPLICATE, message=f"trùng lần nhận số {dup}"
        )
        return None
    base = base_version(wb)
    stale = None
    if sender is not None and base is not None and not ctx.force:
        stale = stale_issue(s, form=spec.form, org=sender, base=base)
    if not parsed.structure_ok:
        raise _Rejected(([stale] if stale else []) + list(parsed.issues), stale=stale is not None)
    scope = sender or _root(s)
    before = snapshot(s, form=spec.form, scope=scope) if scope else {}
    result = importer.run(s, ctx, parsed)
    issues = list(parsed.issues) + result.issues
    if stale is not None or any(i.is_error for i in issues):
        raise _Rejected(([stale] if stale else []) + issues, stale=stale is not None)
    changes = compare(before, snapshot(s, form=spec.form, scope=scope) if scope else {})
    if opts.dry_run:
        raise _DryRun(result, changes)
    if not opts.confirm and any(c.needs_confirmation for c in changes):
        raise _Unconfirmed(result, changes)
    result.changes = changes
    owner = sender or scope or _root(s)  # a registry created from nothing: its root
    set_record(
        s,
        ctx.intake_id,
        state=IntakeState.ACCEPTED,
        rows=result.rows,
        warnings=sum(1 for i in issues if not i.is_error),
        sender_org_id=owner.id if owner else None,
        letter_number=result.letter_number,
        letter_date=result.letter_date,
        message=_done_text(changes, result),
    )
    if owner is not None:
        supersede_earlier(s, form=spec.form, org=owner, keep_id=ctx.intake_id)
    keep_file(Path(wb.path), ctx.sha256)
    if sender is not None and spec.form in SUBTREE_FORMS:
        touch(s, path=sender.path)  # a cached trend point elsewhere stays (models.changes)
    return result


def _done_text(changes: list[UnitChange], result: ImportOutcome) -> str:
    if not changes:
        return f"{result.rows} dòng, không thay đổi số liệu đã có"
    return "; ".join(c.text() for c in changes)[:2000]


def _root(s: Session) -> OrgRef | None:
    try:
        return find_root(s)
    except UnknownOrganisation:
        return None
