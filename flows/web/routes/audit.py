"""`/nhat-ky`: the audit trail, newest first, filterable (office; leadership reads it)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from flows.web.deps import engine_of
from flows.web.render import page
from flows.web.routes.dashboard import link_maker
from flows.web.scope import Access, allow
from models.db import read_session
from models.listings import AuditEntry, audit_entities, audit_page
from tasks.core.dates import local_zone, parse_cli_date
from tasks.core.errors import UsageError

router = APIRouter()
PER_PAGE = 100

ENTITY_LABELS = {
    "candidate": "Nhân sự",
    "inspection": "Kiểm tra, giám sát",
    "remedy": "Khắc phục",
    "disposition": "Tiếp thu, giải trình",
    "attendance": "Tham dự tập huấn",
    "account": "Tài khoản",
    "login": "Đăng nhập",
}
EVENT_LABELS = {
    "success": "Đăng nhập",
    "failure": "Đăng nhập sai",
    "throttled": "Tạm khóa đăng nhập (sai nhiều lần)",
    "throttled-address": "Tạm khóa theo địa chỉ (sai nhiều lần)",
    "logout": "Đăng xuất",
    "disabled": "Đăng nhập vào tài khoản đã khóa",
    "created": "Tạo tài khoản",
    "code-issued": "Cấp mã kích hoạt",
    "activated": "Kích hoạt, đặt mật khẩu",
    "password-changed": "Đổi mật khẩu",
    "reset": "Cấp lại tài khoản",
}
# Fields of a candidate an organiser outside the office does not read (names, birth dates…).
OPEN_CANDIDATE_FIELDS = {"step", "step_date", "active", "proposed_post"}


def describe(entry: AuditEntry, *, office: bool) -> dict[str, Any]:
    """An event as the page shows it: what happened, and each field's before → after."""
    after = entry.after or {}
    event = (
        after.get("outcome") or after.get("event") if entry.entity in ("login", "account") else None
    )
    what = EVENT_LABELS.get(str(event), entry.action.label) if event else entry.action.label
    changes = []
    if entry.entity not in ("login", "account"):
        keys = sorted({*(entry.before or {}), *after})
        for key in keys:
            old = (entry.before or {}).get(key)
            new = after.get(key)
            if entry.entity == "candidate" and not office and key not in OPEN_CANDIDATE_FIELDS:
                old = new = "(ẩn)"
            changes.append((key, old, new))
    else:
        changes = [(k, None, v) for k, v in after.items() if k not in ("event", "outcome")]
    return {
        "entry": entry,
        "entity": ENTITY_LABELS.get(entry.entity, entry.entity),
        "what": what,
        "changes": changes,
    }


@router.get("/nhat-ky", response_class=HTMLResponse)
def audit_trail(
    request: Request,
    access: Annotated[Access, Depends(allow("audit"))],
    entity: str | None = None,
    since: str | None = None,
    actor: str | None = None,
) -> Response:
    """Events filtered by entity, organisation (`org`), since a day, actor."""
    q = request.query_params
    number = int(q["page"]) if q.get("page", "").isdigit() and int(q["page"]) > 0 else 1
    error = None
    since_at = None
    if since:
        try:
            day = parse_cli_date(since, "Từ ngày")
            since_at = datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)
        except UsageError as e:
            error = e.message
    scope_path = access.target.path if q.get("org") and access.target is not None else None
    with read_session(engine_of(request)) as session:
        rows = audit_page(
            session,
            scope_path=scope_path,
            entity=entity or None,
            since=since_at,
            actor=actor or None,
            limit=PER_PAGE + 1,
            offset=(number - 1) * PER_PAGE,
        )
        entities = audit_entities(session)
    params = {k: q[k] for k in ("entity", "org", "since", "actor") if q.get(k)}
    ctx = {
        "title": "Nhật ký",
        "nav": "nhat-ky",
        "access": access,
        "events": [describe(e, office=access.is_office) for e in rows[:PER_PAGE]],
        "more": len(rows) > PER_PAGE,
        "number": number,
        "entities": [(e, ENTITY_LABELS.get(e, e)) for e in entities],
        "params": params,
        "href": link_maker(params),
        "error": error,
    }
    return page(request, "audit.html", ctx)
