"""`/bao-cao`: the archived reports in scope (filter by kind and day), rendering one as a
background job (`POST /bao-cao`: kind, org, as_of, issue), and `/bao-cao/{id}/tai-ve`: one
archived report by its archive id after the scope check."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from flows.web.deps import default_day, engine_of
from flows.web.downloads import attachment
from flows.web.render import REPORT_KINDS, page
from flows.web.routes.jobs import start_job
from flows.web.scope import Access, Forbidden, NotFound, allow, named_in_scope
from models.db import read_session
from models.enums import Role
from models.jobs import account_jobs
from models.listings import ReportEntry, scope_reports
from models.queries import OrgRef
from tasks.accounts.permissions import DRAFTING_REPORT, REMINDERS, can_render
from tasks.core.dates import parse_cli_date
from tasks.core.errors import UsageError, UserError
from tasks.status.delegates import Figures, delegate_allocation, delegate_figures, read_figure

router = APIRouter()

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 100
# The form's fields for T, E and b (kind delegates), by the CLI option they stand for.
FIGURE_FIELDS = (("total", "--total"), ("ex_officio", "--ex-officio"), ("base", "--base"))


def _read_day(value: str | None, label: str) -> tuple[date | None, str | None]:
    if not value or not value.strip():
        return None, None
    try:
        return parse_cli_date(value.strip(), label), None
    except UsageError as e:
        return None, e.message


def listed_kinds(access: Access) -> frozenset[str] | None:
    """The kinds this account may list (None: every kind)."""
    return frozenset({DRAFTING_REPORT}) if access.role == Role.TO_BIEN_TAP else None


def render_kinds(access: Access) -> list[tuple[str, str]]:
    """(kind, title) of what this account may render, in the table's order."""
    return [(k, t) for k, t in REPORT_KINDS.items() if can_render(access.role, k)]


def _listing(request: Request, access: Access) -> tuple[list[ReportEntry], dict[str, Any]]:
    q = request.query_params
    since, since_error = _read_day(q.get("tu"), "Từ ngày")
    until, until_error = _read_day(q.get("den"), "Đến ngày")
    kind = q.get("kind") or None
    number = max(1, int(q["page"])) if (q.get("page") or "").isdigit() else 1
    reports: list[ReportEntry] = []
    if access.target is not None:
        with read_session(engine_of(request)) as session:
            reports = scope_reports(
                session,
                scope_path=access.target.path,
                kinds=listed_kinds(access),
                kind=kind,
                since=since,
                until=until,
                limit=PAGE_SIZE + 1,
                offset=(number - 1) * PAGE_SIZE,
            )
    params = {k: q[k] for k in ("org", "kind", "tu", "den") if q.get(k)}
    return reports[:PAGE_SIZE], {
        "params": params,
        "filter_error": since_error or until_error,
        "number": number,
        "more": len(reports) > PAGE_SIZE,
        "href": lambda page_no: "/bao-cao?" + urlencode({**params, "page": page_no}),
    }


def _reports_page(
    request: Request, access: Access, *, error: str | None = None, status_code: int = 200
) -> Response:
    reports, listing = _listing(request, access)
    with read_session(engine_of(request)) as session:
        jobs = account_jobs(session, account_id=access.principal.account_id)
    kinds = listed_kinds(access)
    ctx = {
        "title": "Báo cáo",
        "nav": "bao-cao",
        "access": access,
        "reports": reports,
        "filter_kinds": [(k, t) for k, t in REPORT_KINDS.items() if kinds is None or k in kinds],
        "render_kinds": render_kinds(access),
        "may_issue": access.may("issue"),
        "default_day": default_day(request),
        "jobs": [j for j in jobs if j.kind == "report"],
        "error": error,
        **listing,
    }
    return page(request, "reports.html", ctx, status_code=status_code)


@router.get("/bao-cao", response_class=HTMLResponse)
def reports_page(
    request: Request, access: Annotated[Access, Depends(allow("reports"))]
) -> Response:
    """Archived reports in scope, newest first; the form to render one."""
    return _reports_page(request, access)


@router.post("/bao-cao", response_class=HTMLResponse)
def render_report(
    request: Request,
    access: Annotated[Access, Depends(allow("render"))],
    kind: Annotated[str, Form()],
    org: Annotated[str | None, Form()] = None,
    as_of: Annotated[str | None, Form()] = None,
    issue: Annotated[str | None, Form()] = None,
    total: Annotated[str | None, Form()] = None,
    ex_officio: Annotated[str | None, Form()] = None,
    base: Annotated[str | None, Form()] = None,
) -> Response:
    """Record a job rendering one kind of report for an organisation of the scope; 303 to it.
    The kind delegates takes T, E and b, checked here as `daihoi report delegates` checks them
    (422 with the same Vietnamese line, R < 0 naming the figures) before any job is made."""
    if kind not in REPORT_KINDS or kind == REMINDERS:
        return _reports_page(request, access, error="Loại báo cáo không hợp lệ.", status_code=422)
    if not can_render(access.role, kind):
        raise Forbidden
    numbered = issue not in (None, "", "0", "false")
    if numbered and not access.may("issue"):
        raise Forbidden
    target = named_in_scope(request, access, org)
    if target is None:
        raise NotFound
    day, day_error = _read_day(as_of, "Ngày báo cáo")
    if day_error:
        return _reports_page(request, access, error=day_error, status_code=422)
    try:
        figures = _figures(
            request, kind, target, {"total": total, "ex_officio": ex_officio, "base": base}
        )
    except UserError as e:
        return _reports_page(request, access, error=e.message, status_code=422)
    parameters: dict[str, Any] = {
        "kind": kind,
        "scope": target.code,
        "as_of": (day or default_day(request)).isoformat(),
        "issue": numbered,
    }
    if figures is not None:
        parameters["delegates"] = asdict(figures)
    return start_job(request, access, kind="report", parameters=parameters, org=target)


def _figures(
    request: Request, kind: str, target: OrgRef, typed: dict[str, str | None]
) -> Figures | None:
    """T, E and b of a delegates report, checked against the target's direct children the way
    the render will (UserError otherwise); None for any other kind (which takes none)."""
    if kind != "delegates":  # the form sends the hidden delegates fields with any kind
        return None
    figures = delegate_figures(kind, *(read_figure(o, typed[name]) for name, o in FIGURE_FIELDS))
    assert figures is not None  # the kind is delegates
    with read_session(engine_of(request)) as session:
        delegate_allocation(session, scope=target, figures=figures)
    return figures


@router.get("/bao-cao/{report_id:int}/tai-ve")
def download_report(access: Annotated[Access, Depends(allow("reports"))]) -> FileResponse:
    """The report's file (the path comes from the archive, never from the request)."""
    report = access.report
    assert report is not None  # the scope dependency resolved the id
    path = Path(report.path)
    if not path.is_file():
        raise NotFound
    number = f"_{report.number}" if report.number else ""
    code = report.subject_code or report.scope_code
    name = f"{report.kind}_{code}_{report.as_of.isoformat()}{number}.docx"
    return FileResponse(path, media_type=DOCX, headers=attachment(name))
