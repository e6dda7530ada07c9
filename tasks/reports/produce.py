"""From planned documents to files and archive rows: compile each template once, find what the
archive already holds (one query for all documents), render the rest, and record them.

A document's archive key is (kind, scope, subject, as_of, plan, template SHA-256, context
SHA-256). Files go into place together with their archive rows: if rendering, writing or the
commit fails, every file of the request is removed, so no file is left without its row.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from models.db import read_session, write_session
from models.records import ReportArchive
from models.settings import Settings, get_settings
from tasks.core.dates import local_zone
from tasks.core.plans import sync_plans
from tasks.reports import archive
from tasks.reports import party_format as pf
from tasks.reports.docx.render import CompiledTemplate, load_template, template_dir
from tasks.reports.planning import PlannedDocument, ResolvedRequest
from tasks.reports.staging import Staging, staging

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
    # Set when an archived file was lost and could not be made again byte for byte: the
    # organiser's one line; nothing was written and the archive's record is kept.
    problem: str | None = None


@dataclass
class Job:
    """A planned document of a request, with its compiled template and content hash."""

    req: ResolvedRequest
    planned: PlannedDocument
    template: CompiledTemplate
    context_sha: str

    def key(self, as_of: date) -> archive.ArchiveKey:
        """The archive key of this content."""
        return (
            self.planned.kind,
            self.req.scope.id,
            self.planned.subject_id,
            as_of,
            self.req.plan,
            self.template.sha256,
            self.context_sha,
        )

    def subject_key(self) -> archive.SubjectKey:
        """Whose document of which kind this is, whatever its content."""
        return (self.planned.kind, self.req.scope.id, self.planned.subject_id)


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


def compile_jobs(requests: Sequence[ResolvedRequest], settings: Settings) -> list[Job]:
    """Every document of the requests with its template (each compiled once) and content hash."""
    top, bottom, left, right = (float(m) for m in settings.margins_mm)
    margins = (top, bottom, left, right)
    templates: dict[str, CompiledTemplate] = {}
    jobs = []
    for req in requests:
        for doc in req.documents:
            if doc.template not in templates:
                templates[doc.template] = load_template(
                    template_path(doc.template, settings), margins_mm=margins
                )
            sha = archive.context_sha256(doc.context, margins_mm=margins)
            jobs.append(Job(req, doc, templates[doc.template], sha))
    return jobs


def changed(jobs: Sequence[Job]) -> list[bool]:
    """Whether each document's content differs from its last archived one (number excluded);
    True when none was archived yet. One query for all documents."""
    with read_session() as session:
        last = archive.latest_contexts(session, subjects=[job.subject_key() for job in jobs])
    return [last.get(job.subject_key()) != job.context_sha for job in jobs]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str | None:
    data = _read(path)
    return None if data is None else _sha(data)


def _render(job: Job, as_of: date, number: int | None, issuer_code: str) -> bytes:
    ctx = job.planned.context
    if number is not None:
        ctx = pf.with_number(ctx, number, job.planned.doc_type, issuer_code)
    return job.template.render(
        ctx, as_of=as_of, title=job.planned.title, images=job.planned.images, zone=local_zone()
    )


def _archive_row(job: Job, as_of: date, number: int | None, path: Path, sha: str) -> dict[str, Any]:
    return {
        "kind": job.planned.kind,
        "scope_org_id": job.req.scope.id,
        "subject_org_id": job.planned.subject_id,
        "as_of": as_of,
        "plan": job.req.plan,
        "doc_type": job.planned.doc_type,
        "number": number,
        "term": job.req.term,
        "path": str(path),
        "sha256": sha,
        "template_sha256": job.template.sha256,
        "context_sha256": job.context_sha,
        "summary": job.planned.summary,
    }


def _add_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Archive rows in one bulk INSERT (not one statement per row), each naming the stored
    version of the plan it was judged by (written first if the plan file is new or changed)."""
    if rows:
        versions = sync_plans(session)
        for row in rows:
            row["plan_version_id"] = versions.get(row["plan"])
        session.execute(insert(ReportArchive), rows)


def _result(
    job: Job, path: Path, sha: str, number: int | None, reused: bool, problem: str | None = None
) -> RenderedReport:
    return RenderedReport(
        path=path,
        sha256=sha,
        number=number,
        kind=job.planned.kind,
        scope=job.req.scope.code,
        subject=job.planned.subject_code,
        reused=reused,
        problem=problem,
    )


@dataclass(frozen=True)
class _Archived:
    """An archived file asked for again: where the archive holds it, where it is wanted."""

    index: int
    row_id: int
    path: Path
    target: Path
    sha256: str
    number: int | None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _lost_text(item: _Archived) -> str:
    number = f" (số {item.number})" if item.number is not None else ""
    return (
        f"Không lập lại được {item.path.name}{number}: tệp lưu trữ '{item.path}' không còn và "
        "bản soạn lại không trùng mã SHA-256 đã lưu (mẫu hoặc phần mềm đã thay đổi); giữ "
        "nguyên bản ghi lưu trữ, không ghi tệp."
    )


def produce(
    jobs: Sequence[Job], *, as_of: date, out: Path, issue: bool, issuer_code: str
) -> list[RenderedReport]:
    """Each job's file, in order. Content already archived (same key) is returned as it is:
    same file, same bytes, same number (written again if lost on disk). The rest is rendered
    and archived in one transaction: drafts without a number, or, with `issue`, under the
    register's next numbers taken in that transaction."""
    out = out.absolute()  # archived paths never depend on the working directory
    out.mkdir(parents=True, exist_ok=True)
    writer = _Writer(jobs, as_of, out, issuer_code)
    todo: list[int] = []
    found: list[tuple[_Archived, bytes | None]] = []
    with read_session() as session:
        rows = archive.find_many(session, keys=[j.key(as_of) for j in jobs], issued=issue)
        for i, row in enumerate(rows):
            if row is None:
                todo.append(i)
                continue
            path = Path(row.path)
            item = _Archived(i, row.id, path, out / path.name, row.sha256, row.number)
            data = _read(path)
            found.append((item, data if data is not None and _sha(data) == row.sha256 else None))
    if found:
        writer.reuse(found)
    if todo and issue:
        writer.issue(todo)
    elif todo:
        writer.drafts(todo)
    return [writer.results[i] for i in range(len(jobs))]


@dataclass
class _Writer:
    """Writes the files of one request, with their archive rows, all or nothing."""

    jobs: Sequence[Job]
    as_of: date
    out: Path
    issuer_code: str
    results: dict[int, RenderedReport] = field(default_factory=dict)

    def reuse(self, found: list[tuple[_Archived, bytes | None]]) -> None:
        """Archived content asked for again: the archived bytes, copied into the folder asked
        for when they are elsewhere. A lost file is rendered again under its number and kept
        only if it hashes to the archived SHA-256 (the archive's row then points at it); if
        not, nothing is written, the row is kept and the result says so."""
        moved: list[dict[str, Any]] = []
        with staging() as staged:
            for item, data in found:
                job = self.jobs[item.index]
                if data is None:
                    data = _render(job, self.as_of, item.number, self.issuer_code)
                    if _sha(data) != item.sha256:
                        problem = _lost_text(item)
                        self.results[item.index] = _result(
                            job, item.path, item.sha256, item.number, True, problem
                        )
                        continue
                    moved.append({"row_id": item.row_id, "new_path": str(item.target)})
                if item.target != item.path or not item.target.is_file():
                    staged.add(item.target, data)
                self.results[item.index] = _result(job, item.target, item.sha256, item.number, True)
            if moved:
                table = cast(Table, ReportArchive.__table__)
                stmt = update(table).where(table.c.id == bindparam("row_id"))
                with write_session(changes_data=False) as session:
                    session.execute(stmt.values(path=bindparam("new_path")), moved)
                    staged.publish()
            else:
                staged.publish()

    def stage_new(
        self, staged: Staging, todo: Sequence[int], numbers: Sequence[int | None]
    ) -> list[dict[str, Any]]:
        """Render new documents into the staging under their file names; their archive rows."""
        values = []
        for i, number in zip(todo, numbers, strict=True):
            job = self.jobs[i]
            name = file_name(job.planned.kind, job.planned.subject_code, self.as_of, number)
            path = self.out / name
            sha = staged.add(path, _render(job, self.as_of, number, self.issuer_code))
            values.append(_archive_row(job, self.as_of, number, path, sha))
            self.results[i] = _result(job, path, sha, number, False)
        return values

    def drafts(self, todo: list[int]) -> None:
        """Render drafts before the write lock is taken; archive them in one transaction."""
        with staging() as staged:
            values = self.stage_new(staged, todo, [None] * len(todo))
            with write_session(changes_data=False) as session:
                archive.drop_drafts_at(session, paths=[v["path"] for v in values])
                _add_rows(session, values)
                staged.publish()

    def issue(self, todo: list[int]) -> None:
        """Take numbers and render the issued files in the transaction that archives them."""
        with staging() as staged, write_session(changes_data=False) as session:
            # Another process may have issued the same content while we rendered.
            keys = [self.jobs[i].key(self.as_of) for i in todo]
            pending = []
            for i, row in zip(
                todo, archive.find_many(session, keys=keys, issued=True), strict=True
            ):
                if row is not None and _sha256_file(Path(row.path)) == row.sha256:
                    path = Path(row.path)
                    self.results[i] = _result(self.jobs[i], path, row.sha256, row.number, True)
                else:
                    pending.append(i)
            if not pending:
                return
            first = self.jobs[pending[0]]
            numbers = archive.take_numbers(
                session,
                issuer=self.issuer_code,
                doc_type=first.planned.doc_type,
                term=first.req.term,
                count=len(pending),
            )
            _add_rows(session, self.stage_new(staged, pending, numbers))
            staged.publish()
