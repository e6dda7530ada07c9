"""The plain API of reports: render (and archive, and number) documents; ask whether a kind's
content changed since its last archived file. Flows and the CLI call only this module."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from models.db import read_session, write_session
from models.records import ReportArchive
from models.settings import Settings, get_settings
from tasks.errors import UsageError
from tasks.reports import archive
from tasks.reports import party_format as pf
from tasks.reports.plan_docs import KINDS, PlannedDocument, ResolvedRequest, plan_documents
from tasks.reports.render import CompiledTemplate, load_template, template_dir

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class RenderedReport:
    """A file written (or found in the archive): where, its hash, its number, whom it is about."""

    path: Path
    sha256: str
    number: int | None
    kind: str
    scope: str
    subject: str
    reused: bool


@dataclass
class _Job:
    planned: PlannedDocument
    template: CompiledTemplate
    context_sha: str


def template_path(name: str, settings: Settings | None = None) -> Path:
    """$DAIHOI_HOME/templates/<name>_tpl.docx when the office has one, else the packaged one."""
    settings = settings or get_settings()
    own = settings.home / "templates" / f"{name}_tpl.docx"
    if own.is_file():
        return own
    return template_dir() / f"{name}_tpl.docx"


def file_name(kind: str, subject_code: str, as_of: date, number: int | None) -> str:
    """<kind>_<org>_<as_of>[_<number>].docx, the code made safe for any file system."""
    code = _UNSAFE.sub("-", subject_code).strip("-") or "org"
    tail = f"_{number}" if number is not None else ""
    return f"{kind}_{code}_{as_of.isoformat()}{tail}.docx"


def _sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _render(job: _Job, as_of: date, number: int | None, issuer_code: str) -> bytes:
    ctx = job.planned.context
    if number is not None:
        ctx = pf.with_number(ctx, number, job.planned.doc_type, issuer_code)
    return job.template.render(ctx, as_of=as_of, title=job.planned.title, images=job.planned.images)


class _Staging:
    """Files that go into place together with their archive rows."""

    def __init__(self) -> None:
        self.files: dict[Path, bytes] = {}
        self.written: list[Path] = []

    def add(self, path: Path, data: bytes) -> None:
        self.files[path] = data

    def write(self) -> None:
        """Write temporaries, then move each into place (called just before the commit)."""
        for path, data in self.files.items():
            tmp = path.with_name(f".{path.name}.tmp")
            self.written.append(tmp)
            tmp.write_bytes(data)
        for path in self.files:
            os.replace(path.with_name(f".{path.name}.tmp"), path)
            self.written.append(path)

    def discard(self) -> None:
        for path in self.written:
            with suppress(OSError):
                path.unlink()


@contextmanager
def _staging() -> Iterator[_Staging]:
    """Wraps a write transaction: if rendering, writing or the commit fails, every file this
    request wrote is removed, so no file is left without its archive row."""
    staging = _Staging()
    try:
        yield staging
    except BaseException:
        staging.discard()
        raise


def _archive_row(
    job: _Job, req: ResolvedRequest, as_of: date, number: int | None, path: Path, sha: str
) -> ReportArchive:
    return ReportArchive(
        kind=job.planned.kind,
        scope_org_id=req.scope.id,
        subject_org_id=job.planned.subject_id,
        as_of=as_of,
        plan=req.plan,
        doc_type=job.planned.doc_type,
        number=number,
        term=req.term,
        path=str(path),
        sha256=sha,
        template_sha256=job.template.sha256,
        context_sha256=job.context_sha,
        summary=job.planned.summary,
    )


def _result(
    job: _Job, req: ResolvedRequest, path: Path, sha: str, number: int | None, reused: bool
) -> RenderedReport:
    return RenderedReport(
        path=path,
        sha256=sha,
        number=number,
        kind=job.planned.kind,
        scope=req.scope.code,
        subject=job.planned.subject_code,
        reused=reused,
    )


def _resolve(
    *,
    kind: str,
    scope: str | None,
    as_of: date,
    plan: str | None,
    year: int | None,
    subtree: bool,
    settings: Settings,
) -> tuple[ResolvedRequest, list[_Job]]:
    if kind not in KINDS:
        raise UsageError(f"Loại báo cáo '{kind}' không có. Các loại: {', '.join(KINDS)}.")
    top, bottom, left, right = (float(m) for m in settings.margins_mm)
    margins = (top, bottom, left, right)
    with read_session() as session:
        req = plan_documents(
            session,
            settings=settings,
            kind=kind,
            scope=scope,
            as_of=as_of,
            plan=plan,
            year=year,
            subtree=subtree,
        )
    templates: dict[str, CompiledTemplate] = {}
    jobs = []
    for doc in req.documents:
        if doc.template not in templates:
            templates[doc.template] = load_template(
                template_path(doc.template, settings), margins_mm=margins
            )
        jobs.append(
            _Job(
                doc,
                templates[doc.template],
                archive.context_sha256(doc.context, margins_mm=margins),
            )
        )
    return req, jobs


def _find(
    session: object, job: _Job, req: ResolvedRequest, as_of: date, issued: bool
) -> ReportArchive | None:
    return archive.find_archived(
        session,  # type: ignore[arg-type]
        kind=job.planned.kind,
        scope_id=req.scope.id,
        subject_id=job.planned.subject_id,
        as_of=as_of,
        plan=req.plan,
        template_sha256=job.template.sha256,
        context_sha256=job.context_sha,
        issued=issued,
    )


def render_report(
    *,
    kind: str,
    scope: str | None,
    as_of: date,
    plan: str | None = None,
    year: int | None = None,
    out_dir: Path | None = None,
    issue: bool = False,
    subtree: bool = False,
) -> list[RenderedReport]:
    """Render a kind of report for a scope as of a date into `out_dir` and archive each file.

    A draft carries no number; `issue` takes the next numbers of the register in the same
    transaction that archives the files. Content already archived (same data, template, as-of
    and plan) is returned as it is: same file, same bytes, same number. A failed render leaves
    no file and no archive row, and takes no number."""
    settings = get_settings()
    out = out_dir or settings.home / "reports"
    out.mkdir(parents=True, exist_ok=True)
    req, jobs = _resolve(
        kind=kind,
        scope=scope,
        as_of=as_of,
        plan=plan,
        year=year,
        subtree=subtree,
        settings=settings,
    )
    issuer_code = settings.issuer.code
    results: dict[int, RenderedReport] = {}
    todo: list[int] = []
    repair: list[tuple[int, ReportArchive]] = []
    with read_session() as session:
        for i, job in enumerate(jobs):
            row = _find(session, job, req, as_of, issue)
            if row is None:
                todo.append(i)
            elif _sha256_file(Path(row.path)) == row.sha256:
                results[i] = _result(job, req, Path(row.path), row.sha256, row.number, True)
            else:
                repair.append((i, row))
    if repair:
        # The archived file was moved or deleted: write it again under its number.
        with _staging() as staged, write_session() as session:
            for i, row in repair:
                data = _render(jobs[i], as_of, row.number, issuer_code)
                sha = hashlib.sha256(data).hexdigest()
                staged.add(Path(row.path), data)
                live = session.get(ReportArchive, row.id)
                if live is not None:
                    live.sha256 = sha
                results[i] = _result(jobs[i], req, Path(row.path), sha, row.number, True)
            staged.write()
    if todo and issue:
        _issue(jobs, todo, req, as_of, out, issuer_code, results)
    elif todo:
        _drafts(jobs, todo, req, as_of, out, issuer_code, results)
    return [results[i] for i in range(len(jobs))]


def _drafts(
    jobs: list[_Job],
    todo: list[int],
    req: ResolvedRequest,
    as_of: date,
    out: Path,
    issuer_code: str,
    results: dict[int, RenderedReport],
) -> None:
    rendered = [(i, _render(jobs[i], as_of, None, issuer_code)) for i in todo]
    with _staging() as staged, write_session() as session:
        for i, data in rendered:
            job = jobs[i]
            path = out / file_name(job.planned.kind, job.planned.subject_code, as_of, None)
            sha = hashlib.sha256(data).hexdigest()
            staged.add(path, data)
            fresh = _archive_row(job, req, as_of, None, path, sha)
            old = archive.draft_at(session, path=str(path))
            if old is not None:
                # A draft is rewritten in place: one row per draft file.
                session.delete(old)
                session.flush()
            session.add(fresh)
            results[i] = _result(job, req, path, sha, None, False)
        session.flush()
        staged.write()


def _issue(
    jobs: list[_Job],
    todo: list[int],
    req: ResolvedRequest,
    as_of: date,
    out: Path,
    issuer_code: str,
    results: dict[int, RenderedReport],
) -> None:
    with _staging() as staged, write_session() as session:
        pending = []
        for i in todo:
            # Another process may have issued the same content while we rendered.
            row = _find(session, jobs[i], req, as_of, True)
            if row is not None and _sha256_file(Path(row.path)) == row.sha256:
                results[i] = _result(jobs[i], req, Path(row.path), row.sha256, row.number, True)
            else:
                pending.append(i)
        if not pending:
            return
        doc_type = jobs[pending[0]].planned.doc_type
        numbers = archive.take_numbers(
            session, issuer=issuer_code, doc_type=doc_type, term=req.term, count=len(pending)
        )
        for i, number in zip(pending, numbers, strict=True):
            job = jobs[i]
            data = _render(job, as_of, number, issuer_code)
            path = out / file_name(job.planned.kind, job.planned.subject_code, as_of, number)
            sha = hashlib.sha256(data).hexdigest()
            staged.add(path, data)
            session.add(_archive_row(job, req, as_of, number, path, sha))
            results[i] = _result(job, req, path, sha, number, False)
        session.flush()
        staged.write()


def context_changed(
    *,
    kind: str,
    scope: str | None,
    as_of: date,
    plan: str | None = None,
    year: int | None = None,
    subtree: bool = False,
) -> bool:
    """Whether any document of this kind and scope would differ from its last archived one
    (context hash, number excluded); True when none was archived yet."""
    settings = get_settings()
    req, jobs = _resolve(
        kind=kind,
        scope=scope,
        as_of=as_of,
        plan=plan,
        year=year,
        subtree=subtree,
        settings=settings,
    )
    with read_session() as session:
        for job in jobs:
            last = archive.latest_archived(
                session,
                kind=job.planned.kind,
                scope_id=req.scope.id,
                subject_id=job.planned.subject_id,
            )
            if last is None or last.context_sha256 != job.context_sha:
                return True
    return False
