"""`/gop-y`: the drafting team's workspace (WEB.md) — the draft's sections in order, comment
groups with their units, a group's disposition in one action (`POST /gop-y/nhom/{id}`),
near-duplicate suggestions to accept or dismiss, the tiếp thu sheet to download and upload.
The same functions as the tiếp thu sheet's export and importer: one disposition store."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from flows.web.deps import engine_of
from flows.web.render import page
from flows.web.scope import Access, NotFound, allow
from models.accounts import data_version
from models.db import read_session, write_with_retry
from models.drafting import dismissed_signatures
from models.enums import DispositionAction, IntakeState
from models.queries import OrgRef
from tasks.core.errors import UserError
from tasks.intake.drafting.answer import answer_group, parse_answer
from tasks.intake.drafting.decide import accept, dismiss
from tasks.intake.drafting.memo import ViewMemo
from tasks.intake.drafting.suggest import SuggestionMemo, suggestions
from tasks.intake.drafting.upload import import_tiep_thu
from tasks.intake.drafting.workspace import SectionGroups, workspace
from tasks.intake.exports.tiep_thu import draft_for_scope

router = APIRouter()
SOURCE = "web"
PER_PAGE = 100  # groups a page shows
SHOWN_COMMENTS = 20  # comments listed under a group (a city's common point has thousands)
UPLOAD_PATH = "/gop-y/tai-len"
UPLOAD_LIMIT = 20 * 1024 * 1024  # WEB.md: at most 20 MB a file
KEPT = ("org", "chua-xu-ly", "muc", "trang")  # the query a POST returns to

DONE = {
    "nhom": "Đã lưu cách xử lý cho mọi ý kiến của nhóm.",
    "nhan": "Đã gộp các ý kiến được gợi ý thành một nhóm.",
    "bo-qua": "Đã bỏ qua gợi ý; gợi ý này sẽ không hiện lại.",
}

Team = Annotated[Access, Depends(allow("dispositions"))]


def memo_of(request: Request) -> SuggestionMemo:
    """The app's suggestion memo (made on first use)."""
    memo = getattr(request.app.state, "suggestions", None)
    if memo is None:
        memo = request.app.state.suggestions = SuggestionMemo()
    return memo


def views_of(request: Request) -> ViewMemo:
    """The app's memo of workspace views by data version (made on first use)."""
    memo = getattr(request.app.state, "gop_y_views", None)
    if memo is None:
        memo = request.app.state.gop_y_views = ViewMemo()
    return memo


def _scope(access: Access) -> OrgRef:
    if access.target is None:
        raise NotFound
    return access.target


def _page_of(sections: list[SectionGroups], number: int) -> tuple[list[SectionGroups], bool]:
    """The sections' groups from the `number`-th hundred on, and whether more follow."""
    skip, left = (number - 1) * PER_PAGE, PER_PAGE
    out: list[SectionGroups] = []
    for s in sections:
        groups = s.groups[skip:]
        skip = max(0, skip - len(s.groups))
        if not groups:
            continue
        if left <= 0:
            return out, True
        out.append(SectionGroups(s.id, s.number, s.title, groups[:left]))
        more = len(groups) > left
        left -= len(groups[:left])
        if more:
            return out, True
    return out, False


def _back(query: str | None) -> str:
    """The workspace's own query (only its known fields), for the redirect after a POST."""
    kept = [(k, v) for k, v in parse_qsl(query or "") if k in KEPT and v]
    return "/gop-y" + (f"?{urlencode(kept)}" if kept else "")


def _view(
    request: Request,
    access: Access,
    *,
    message: str | None = None,
    error: str | None = None,
    upload: Any = None,
    status_code: int = 200,
) -> Response:
    q = request.query_params
    scope = _scope(access)
    unanswered = q.get("chua-xu-ly") == "1"
    section = int(q["muc"]) if q.get("muc", "").isdigit() else None
    number = int(q["trang"]) if q.get("trang", "").isdigit() and int(q["trang"]) > 0 else 1
    ctx: dict[str, Any] = {
        "title": "Tiếp thu, giải trình góp ý",
        "nav": "gop-y",
        "access": access,
        "scope": scope,
        "unanswered": unanswered,
        "section": section,
        "number": number,
        "actions": list(DispositionAction),
        "shown_comments": SHOWN_COMMENTS,
        "message": message,
        "error": error,
        "upload": upload,
        "back": urlencode([(k, v) for k, v in q.items() if k in KEPT and v]),
        "page_url": lambda n: (
            "/gop-y?"
            + urlencode(
                [(k, v) for k, v in q.items() if k in KEPT and k != "trang" and v] + [("trang", n)]
            )
        ),
    }

    def _groups(session: Any) -> dict[str, Any]:
        every = workspace(session, draft_id=draft.id, scope=scope, unanswered_only=unanswered)
        chosen = [s for s in every if section is None or s.id == section]
        shown, more = _page_of(chosen, number)
        ids = [s.id for s in shown if s.id is not None]
        found = suggestions(
            session,
            draft_id=draft.id,
            scope=scope,
            section_ids=ids,
            memo=memo_of(request),
            dismissed=dismissed_signatures(session, section_ids=ids),
        )
        return {"toc": every, "sections": shown, "more": more, "suggestions": found}

    with read_session(engine_of(request)) as session:
        try:
            draft = draft_for_scope(session, scope=scope)
        except UserError as e:
            ctx.update(draft=None, no_draft=e.message)
            return page(request, "gop_y.html", ctx, status_code=status_code)
        key = (scope.path, draft.id, unanswered, section, number, data_version(session))
        ctx.update(draft=draft, **views_of(request).get_or_make(key, lambda: _groups(session)))
    return page(request, "gop_y.html", ctx, status_code=status_code)


@router.get("/gop-y", response_class=HTMLResponse)
def workspace_page(request: Request, access: Team) -> Response:
    """The draft's sections in order with their comment groups; `chua-xu-ly=1` keeps the groups
    still waiting for an answer, `muc` one section, `trang` the page of 100 groups."""
    done = request.query_params.get("xong", "")
    message = DONE.get(done.split("-", 1)[0] if done.startswith("nhom-") else done)
    return _view(request, access, message=message)


def _write(request: Request, access: Access, back: str | None, work: Any, done: str) -> Response:
    """Run `work(session, draft_id, scope)` in one write transaction; 303 back to the page on
    success, the page with the Vietnamese error (400) otherwise."""
    scope = _scope(access)
    try:

        def run(session: Any) -> Any:
            draft = draft_for_scope(session, scope=scope)
            return work(session, draft.id, scope)

        result = write_with_retry(run, engine=engine_of(request))
    except UserError as e:
        return _view(request, access, error=e.message, status_code=400)
    if result is None:
        raise NotFound
    target = _back(back)
    sep = "&" if "?" in target else "?"
    anchor = f"#{done}" if done.startswith("nhom-") else ""
    return RedirectResponse(f"{target}{sep}{urlencode({'xong': done})}{anchor}", status_code=303)


@router.post("/gop-y/nhom/{group_id}")
def answer(
    request: Request,
    group_id: int,
    access: Team,
    action: Annotated[str, Form()],
    text: Annotated[str | None, Form()] = None,
    back: Annotated[str | None, Form()] = None,
) -> Response:
    """The group's disposition, in one action, on every comment of the group (audited)."""
    try:
        given = parse_answer(action, text, access.principal.name or access.principal.login)
    except UserError as e:
        return _view(request, access, error=e.message, status_code=400)

    def work(session: Any, draft_id: int, scope: OrgRef) -> Any:
        return answer_group(
            session,
            draft_id=draft_id,
            scope=scope,
            comment_id=group_id,
            answer=given,
            actor=access.principal.login,
            source=SOURCE,
        )

    return _write(request, access, back, work, f"nhom-{group_id}")


@router.post("/gop-y/goi-y/{section_id}/nhan")
def accept_suggestion(
    request: Request,
    section_id: int,
    access: Team,
    sig: Annotated[str, Form()],
    label: Annotated[str | None, Form()] = None,
    back: Annotated[str | None, Form()] = None,
) -> Response:
    """Accept a suggestion: its groups share one label from then on (audited)."""

    def work(session: Any, draft_id: int, scope: OrgRef) -> Any:
        return accept(
            session,
            draft_id=draft_id,
            scope=scope,
            section_id=section_id,
            sig=sig,
            label=label,
            memo=memo_of(request),
            actor=access.principal.login,
            source=SOURCE,
        )

    return _write(request, access, back, work, "nhan")


@router.post("/gop-y/goi-y/{section_id}/bo-qua")
def dismiss_suggestion(
    request: Request,
    section_id: int,
    access: Team,
    sig: Annotated[str, Form()],
    back: Annotated[str | None, Form()] = None,
) -> Response:
    """Dismiss a suggestion: remembered, not shown again, nothing merged (audited)."""

    def work(session: Any, draft_id: int, scope: OrgRef) -> Any:
        return dismiss(
            session,
            draft_id=draft_id,
            scope=scope,
            section_id=section_id,
            sig=sig,
            memo=memo_of(request),
            actor=access.principal.login,
            source=SOURCE,
        )

    return _write(request, access, back, work, "bo-qua")


def _upload_message(outcome: Any) -> str:
    counts = outcome.counts
    return (
        f"Đã nhận bảng tiếp thu, giải trình '{outcome.path.name}': {outcome.rows} ý kiến; "
        f"{counts.get('created', 0)} cách xử lý mới, {counts.get('updated', 0)} cập nhật, "
        f"{counts.get('groups', 0)} ý kiến đổi nhóm, {counts.get('unanswered', 0)} ý kiến "
        "chưa có cách xử lý."
    )


@router.post(UPLOAD_PATH)
def upload_sheet(request: Request, access: Team, file: Annotated[UploadFile, File()]) -> Response:
    """The tiếp thu sheet sent back: the same pipeline and importer as `daihoi import`, sender
    the workspace's scope, actor the account; every error listed (sheet, row, column)."""
    scope = _scope(access)
    name = Path(file.filename or "tiep-thu.xlsx").name or "tiep-thu.xlsx"
    with tempfile.TemporaryDirectory(prefix="daihoi-tiep-thu-") as tmp:
        path = Path(tmp) / name
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        outcome = import_tiep_thu(
            path, scope_code=scope.code, actor=access.principal.login, engine=engine_of(request)
        )
    if outcome.state is IntakeState.ACCEPTED:
        return _view(request, access, message=_upload_message(outcome))
    if outcome.state is IntakeState.DUPLICATE:
        return _view(request, access, message=outcome.message)
    return _view(request, access, error=outcome.message, upload=outcome, status_code=400)
