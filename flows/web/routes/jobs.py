"""`/cong-viec/{id}`: a background job's page (WEB.md "Long work"). While the job runs, its
status block polls itself with htmx every second; when it is done, the block lists the
result's downloads; a failed job says why in one Vietnamese line. The requester and the
office see a job; anyone else gets 404."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from flows.web.deps import engine_of
from flows.web.jobs import JobRunner
from flows.web.render import page
from flows.web.scope import Access, NotFound, allow
from models.db import read_session, write_session
from models.jobs import JobRow, add_job, job_row
from models.listings import reports_by_ids
from models.org import Organisation
from models.queries import OrgRef

router = APIRouter()

KIND_TITLES = {"report": "Lập báo cáo", "reminders": "Lập công văn đôn đốc"}


def runner_of(request: Request) -> JobRunner:
    """The app's job runner."""
    runner: JobRunner = request.app.state.jobs
    return runner


def start_job(
    request: Request, access: Access, *, kind: str, parameters: dict[str, Any], org: OrgRef
) -> Response:
    """Record a job for the account, hand it to the runner, and send the browser to its page
    (303): the request never waits for the work."""
    runner = runner_of(request)
    with write_session(engine_of(request), changes_data=False) as session:
        job_id = add_job(
            session,
            kind=kind,
            parameters=parameters,
            account_id=access.principal.account_id,
            org_id=org.id,
            owner=runner.owner,
            now=request.app.state.clock(),
        )
    runner.submit(job_id)
    return RedirectResponse(f"/cong-viec/{job_id}", status_code=303)


def _visible(job: JobRow | None, access: Access) -> JobRow:
    if job is None or not (access.is_office or job.account_id == access.principal.account_id):
        raise NotFound
    return job


@router.get("/cong-viec/{job_id:int}", response_class=HTMLResponse)
def job_page(
    request: Request, job_id: int, access: Annotated[Access, Depends(allow("self"))]
) -> Response:
    """A job: what it does, how far it got, then its downloads or why it failed."""
    with read_session(engine_of(request)) as session:
        job = _visible(job_row(session, job_id=job_id), access)
        org = session.get(Organisation, job.org_id) if job.org_id is not None else None
        reports = reports_by_ids(session, ids=job.result) if job.finished else []
        org_label = f"{org.code} · {org.name}" if org is not None else ""
    ctx = {
        "title": KIND_TITLES.get(job.kind, "Công việc"),
        "nav": "bao-cao" if job.kind == "report" else "don-doc",
        "job": job,
        "org_label": org_label,
        "reports": reports,
    }
    return page(request, "job.html", ctx, block="status")
