"""`/nop`: units upload their forms (WEB.md "Pages", "Security" uploads) through the same
functions as `daihoi import` — `import_file` for each file, all-or-nothing; the receipt
register (`intake_register`), one upload, its error workbook; the office's undo
(`undo_intake`). Never a second importer.

The body is read as it streams (flows.web.multipart): 413 as soon as a file passes
`web_max_upload_bytes` or one file more than `web_max_upload_files` begins. The sender is the
account's unit; an office account names it with `org` (else `_meta.org_code` decides, as
`daihoi import` without `--org`).

Confirm-before-removal: a file that would remove more than half of a unit's rows (and at
least five) is not imported (`import_file` stops it, as the CLI without `--yes`). Its bytes
are kept under `$DAIHOI_HOME/intake/cho-xac-nhan/<sender>/<sha256>/`, and the answer shows the
figures with a form that POSTs `xac_nhan=<sha256>` (and the `org`) back to `/nop`: the kept
file is then imported with confirmation and forgotten. A script may instead re-send the file
with `confirm=1` (the CLI's `--yes`). A kept file not confirmed within PENDING_HOURS is
forgotten. In JSON such a file is `"state": "rejected"` with one error saying so,
`"needs_confirmation": true`, its `"changes"` and `"confirm"`: the fields to POST back.

An account's unit sees the files whose sender lies in its subtree; a file refused before a
sender was known (none named, `_meta` unreadable) is seen by the office only."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from sqlalchemy import select
from starlette.requests import ClientDisconnect

from flows.web.deps import engine_of
from flows.web.downloads import XLSX, attachment
from flows.web.multipart import BadForm, Received, TooLarge, Upload, receive_files, size_text
from flows.web.render import page
from flows.web.scope import Access, NotFound, allow, named_in_scope
from models.db import read_session
from models.enums import IntakeState, Role
from models.queries import UnknownOrganisation, find_org
from models.records import IntakeRecord
from models.settings import Settings, get_settings
from tasks.core.dates import parse_cli_date
from tasks.core.errors import UsageError, UserError
from tasks.intake.pipeline.outcome import FileOutcome, ImportOptions
from tasks.intake.receive import import_file
from tasks.intake.register import STATE_WORDS, RegisterEntry, intake_register
from tasks.intake.undo import UndoPlan, plan_undo, superseded_message, undo_intake

router = APIRouter()
UPLOAD_PATH = "/nop"
FILE_FIELD = "files"
PER_PAGE = 50  # register rows a page shows
SHA = re.compile(r"^[0-9a-f]{64}$")
PENDING_HOURS = 24  # a file waiting for confirmation is kept this long

Uploader = Annotated[Access, Depends(allow("upload"))]
Office = Annotated[Access, Depends(allow("undo"))]


def upload_limit(settings: Settings) -> int:
    """The whole body's limit on `/nop`: every file at its limit, and room for the fields."""
    return settings.web_max_upload_files * settings.web_max_upload_bytes + 1024 * 1024


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _error_dir(sha256: str) -> Path:
    """Where a rejected upload's error workbook is kept (the temp copy is gone at once)."""
    return get_settings().home / "intake" / "loi" / sha256[:2] / sha256


def _pending_root() -> Path:
    return get_settings().home / "intake" / "cho-xac-nhan"


def _pending_dir(sender: str, sha256: str) -> Path:
    """Where a file waiting for confirmation is kept, by its sender and bytes."""
    return _pending_root() / sender / sha256


@dataclass
class Answer:
    """One file's answer: its name, what `import_file` made of it, and, when it waits for
    confirmation, the sender its kept copy is filed under."""

    name: str
    outcome: FileOutcome
    pending_sender: str | None = None

    @property
    def error_workbook(self) -> str | None:
        """The error workbook's URL (by intake id), when one was written."""
        o = self.outcome
        return f"/nop/{o.intake_id}/loi.xlsx" if o.error_workbook and o.intake_id else None

    def as_json(self) -> dict[str, Any]:
        """WEB.md's per-file object, with `intake_id`, `message`, `changes`, `warnings`,
        `needs_confirmation` and `confirm` added."""
        o = self.outcome
        return {
            "name": self.name,
            "state": o.state.value,
            "form": o.form,
            "rows": o.rows,
            "errors": [
                {"sheet": i.sheet, "row": i.row, "column": i.column, "message": i.what()}
                for i in o.errors
            ],
            "error_workbook": self.error_workbook,
            "intake_id": o.intake_id,
            "message": o.message,
            "changes": [
                {
                    "org": c.org_code,
                    "existing": c.existing,
                    "added": c.added,
                    "changed": c.changed,
                    "removed": c.removed,
                }
                for c in o.changes
            ],
            "warnings": [i.text() for i in o.warnings],
            "needs_confirmation": o.needs_confirmation,
            "confirm": (
                {"xac_nhan": o.sha256, "org": self.pending_sender} if self.pending_sender else None
            ),
        }


def _sender(request: Request, access: Access, org: str | None) -> str | None:
    """The sender of this request's files: a unit account's own unit (an `org` it names must
    lie in its subtree, else 404); the `org` an office account names; else None (`_meta`)."""
    named = named_in_scope(request, access, org) if org else None
    if access.role is Role.DON_VI:
        return access.principal.org_code
    return named.code if named is not None else None


def _import(request: Request, upload: Upload, opts: ImportOptions) -> FileOutcome:
    opts = replace(opts, error_dir=_error_dir(upload.sha256))
    return import_file(upload.path, opts, engine=engine_of(request))


def _prune_pending(now: float) -> None:
    """Forget files left waiting for confirmation longer than PENDING_HOURS."""
    for folder in _pending_root().glob("*/*"):
        if now - folder.stat().st_mtime > PENDING_HOURS * 3600:
            shutil.rmtree(folder, ignore_errors=True)


def _keep_for_confirmation(upload: Upload, outcome: FileOutcome, sender: str | None) -> str | None:
    who = sender or outcome.sender
    if not outcome.needs_confirmation or who is None:
        return None
    _prune_pending(time.time())
    folder = _pending_dir(who, outcome.sha256)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(upload.path, folder / upload.name)
    return who


def _confirmed(request: Request, opts: ImportOptions, sender: str | None, sha: str) -> Answer:
    """A kept file imported with confirmation, then forgotten."""
    folder = _pending_dir(sender or "", sha) if SHA.match(sha) and sender else None
    kept = sorted(folder.glob("*")) if folder is not None and folder.is_dir() else []
    if not kept:
        raise UserError(
            "Không còn tệp chờ xác nhận này (đã được nhập hoặc đã quá hạn): hãy gửi lại tệp."
        )
    try:
        upload = Upload(kept[0].name, kept[0], sha, kept[0].stat().st_size)
        outcome = _import(request, upload, replace(opts, confirm=True))
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # type: ignore[arg-type]
    return Answer(upload.name, outcome)


def _receive_all(request: Request, access: Access, got: Received) -> list[Answer]:
    """Every file of the request, in order, each all-or-nothing through `import_file`."""
    sender = _sender(request, access, got.first("org"))
    opts = ImportOptions(
        sender_code=sender, actor=access.principal.login, confirm=got.first("confirm") == "1"
    )
    answers = [_confirmed(request, opts, sender, sha) for sha in got.fields.get("xac_nhan", [])]
    for upload in got.files:
        outcome = _import(request, upload, opts)
        answers.append(
            Answer(upload.name, outcome, _keep_for_confirmation(upload, outcome, sender))
        )
    return answers


async def _refused(request: Request, access: Access, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return await run_in_threadpool(_upload_page, request, access, error=message, status_code=status)


@router.post(UPLOAD_PATH)
async def upload(request: Request, access: Uploader) -> Response:
    """Files sent (multipart field `files`, optional `org`, `confirm`, `xac_nhan`): each one
    accepted, duplicate or rejected with every error; HTML, or WEB.md's JSON on
    `Accept: application/json`."""
    settings: Settings = request.app.state.settings
    with tempfile.TemporaryDirectory(prefix="daihoi-nop-") as tmp:
        try:
            got = await receive_files(
                request,
                Path(tmp),
                file_field=FILE_FIELD,
                max_files=settings.web_max_upload_files,
                max_file_bytes=settings.web_max_upload_bytes,
            )
        except TooLarge as e:
            return await _refused(request, access, 413, e.message)
        except BadForm as e:
            return await _refused(request, access, 400, str(e))
        except ClientDisconnect:
            return Response(status_code=400)  # the body limit's 413 has been sent already
        if not got.files and not got.fields.get("xac_nhan"):
            return await _refused(request, access, 400, "Chưa chọn tệp nào để gửi.")
        try:
            answers = await run_in_threadpool(_receive_all, request, access, got)
        except UserError as e:
            return await _refused(request, access, 400, e.message)
    if _wants_json(request):
        return JSONResponse({"files": [a.as_json() for a in answers]})
    return await run_in_threadpool(_upload_page, request, access, answers=answers)


def _since(value: str | None) -> tuple[date | None, str | None]:
    if not value:
        return None, None
    try:
        return parse_cli_date(value, "Từ ngày"), None
    except UsageError as e:
        return None, e.message


def _register(request: Request, access: Access) -> dict[str, Any]:
    """The register rows of the page asked for (newest first), and the filters' state."""
    q = request.query_params
    form = q.get("form") or None
    since, since_error = _since(q.get("since"))
    before = int(q["truoc"]) if q.get("truoc", "").isdigit() else None
    # The office at the root sees every file, also those refused before a sender was known.
    whole = access.is_office and access.target == access.root
    with read_session(engine_of(request)) as session:
        rows = intake_register(
            session,
            org=None if whole else access.target,
            form=form,
            since=since,
            before=before,
            limit=PER_PAGE + 1,
        )
    rows.reverse()
    more = len(rows) > PER_PAGE
    shown = rows[:PER_PAGE]
    kept = [(k, v) for k, v in q.items() if k in ("org", "form", "since") and v]
    older = f"/nop?{urlencode([*kept, ('truoc', shown[-1].id)])}" if more and shown else None
    return {
        "entries": shown,
        "older": older,
        "newest": f"/nop?{urlencode(kept)}" if before is not None else None,
        "form_filter": form or "",
        "since_filter": q.get("since") or "",
        "since_error": since_error,
    }


def _upload_page(
    request: Request,
    access: Access,
    *,
    answers: list[Answer] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    settings: Settings = request.app.state.settings
    ctx: dict[str, Any] = {
        "title": "Gửi biểu mẫu",
        "nav": "nop",
        "access": access,
        "answers": answers,
        "error": error,
        "state_words": STATE_WORDS,
        "max_files": settings.web_max_upload_files,
        "max_size": size_text(settings.web_max_upload_bytes),
        "org_value": request.query_params.get("org", ""),
        **_register(request, access),
    }
    return page(request, "uploads.html", ctx, block="results", status_code=status_code)


@router.get(UPLOAD_PATH, response_class=HTMLResponse)
def register_page(request: Request, access: Uploader) -> Response:
    """The upload form and the receipt register in scope, filtered by `form` and `since`,
    50 files a page (`truoc`: older than that intake)."""
    return _upload_page(request, access)


@dataclass(frozen=True)
class Intake:
    """One upload as its page shows it: its register row, who sent it, its undos."""

    entry: RegisterEntry
    actor: str | None
    undone_by: list[int]


def _intake(request: Request, access: Access, intake_id: int) -> Intake:
    """The upload `intake_id` if its sender lies in the account's scope (a file with no known
    sender: the office only), else NotFound."""
    with read_session(engine_of(request)) as session:
        found = intake_register(session, ids=[intake_id])
        if not found:
            raise NotFound
        entry = found[0]
        if entry.sender is None:
            if not (access.is_office and access.root is not None):
                raise NotFound
        else:
            try:
                sender = find_org(session, code=entry.sender)
            except UnknownOrganisation as e:
                raise NotFound from e
            if not access.sees(sender):
                raise NotFound
        rec = session.get(IntakeRecord, intake_id)
        assert rec is not None
        undone_by = list(
            session.scalars(
                select(IntakeRecord.id)
                .where(IntakeRecord.undo_of_id == intake_id)
                .order_by(IntakeRecord.id)
            )
        )
        return Intake(entry, rec.actor, undone_by)


def _undo_plan(request: Request, access: Access, intake: Intake) -> tuple[UndoPlan | None, str]:
    """What undoing the intake would do (office only), or why it cannot be undone."""
    if not access.may("undo") or intake.entry.state not in (
        IntakeState.ACCEPTED,
        IntakeState.SUPERSEDED,
    ):
        return None, ""
    with read_session(engine_of(request)) as session:
        try:
            plan = plan_undo(session, intake.entry.id)
        except UserError as e:
            return None, e.message
    return plan, superseded_message(plan) if plan.superseded_by is not None else ""


def _intake_page(
    request: Request,
    access: Access,
    intake_id: int,
    *,
    preview: FileOutcome | None = None,
    done: FileOutcome | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    intake = _intake(request, access, intake_id)
    plan, plan_note = _undo_plan(request, access, intake)
    ctx = {
        "title": f"Lần nhận số {intake_id}",
        "nav": "nop",
        "access": access,
        "intake": intake,
        "e": intake.entry,
        "state_words": STATE_WORDS,
        "plan": plan,
        "plan_note": plan_note,
        "preview": preview,
        "done": done,
        "error": error,
    }
    return page(request, "upload.html", ctx, status_code=status_code)


@router.get("/nop/{intake_id}", response_class=HTMLResponse)
def intake_page(request: Request, intake_id: int, access: Uploader) -> Response:
    """One upload: sender, form, state, errors, its error workbook, undo state (and, for the
    office, the undo button)."""
    return _intake_page(request, access, intake_id)


@router.get("/nop/{intake_id}/loi.xlsx")
def error_workbook(request: Request, intake_id: int, access: Uploader) -> Response:
    """The upload's error workbook, by intake id after the scope check."""
    entry = _intake(request, access, intake_id).entry
    path = Path(entry.error_workbook) if entry.error_workbook else None
    if path is None or not path.is_file():
        raise NotFound
    return FileResponse(path, media_type=XLSX, headers=attachment(path.name))


@router.post("/nop/{intake_id}/hoan-tac")
def undo(
    request: Request,
    intake_id: int,
    access: Office,
    xac_nhan: Annotated[str | None, Form()] = None,
) -> Response:
    """Undo an accepted intake (office): the first POST shows the plan and its figures (a dry
    run, nothing written); the POST with `xac_nhan=1` does it, audited under the login."""
    intake = _intake(request, access, intake_id)
    confirmed = xac_nhan == "1"
    try:
        _plan, outcome = undo_intake(
            intake.entry.id,
            confirm=True,
            dry_run=not confirmed,
            engine=engine_of(request),
            actor=access.principal.login,
        )
    except UserError as e:
        return _intake_page(request, access, intake_id, error=e.message, status_code=400)
    if confirmed:
        return _intake_page(request, access, intake_id, done=outcome)
    return _intake_page(request, access, intake_id, preview=outcome)
