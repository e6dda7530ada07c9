"""The plain API of reports: render (and archive, and number) documents; ask whether a kind's
content changed since its last archived file. Flows and the CLI call only this module."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Literal

from models.db import read_session
from models.settings import Settings, get_settings
from tasks.core.errors import UsageError
from tasks.reports.kinds import KINDS
from tasks.reports.plan import UNIT_KINDS, plan_documents, plan_unit_documents
from tasks.reports.produce import (
    Job,
    RenderedReport,
    changed,
    compile_jobs,
    file_name,
    produce,
    template_path,
)
from tasks.status.delegates import Figures

__all__ = [
    "RenderedReport",
    "context_changed",
    "file_name",
    "render_report",
    "render_unit_reports",
    "template_path",
]


def _resolve(
    *,
    kind: str,
    scope: str | None,
    as_of: date,
    plan: str | None,
    year: int | None,
    subtree: bool,
    settings: Settings,
    delegates: Figures | None = None,
) -> list[Job]:
    if kind not in KINDS:
        raise UsageError(f"Loại báo cáo '{kind}' không có. Các loại: {', '.join(KINDS)}.")
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
            delegates=delegates,
        )
    return compile_jobs([req], settings)


def _produce(
    jobs: list[Job], *, settings: Settings, as_of: date, out_dir: Path | None, issue: bool
) -> list[RenderedReport]:
    out = out_dir or settings.home / "reports"
    return produce(jobs, as_of=as_of, out=out, issue=issue, issuer_code=settings.issuer.code)


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
    delegates: Figures | None = None,
) -> list[RenderedReport]:
    """Render a kind of report for a scope as of a date into `out_dir` and archive each file.
    The kind `delegates` needs its figures (T, E, b) in `delegates`; other kinds ignore them.

    A draft carries no number; `issue` takes the next numbers of the register in the same
    transaction that archives the files. Content already archived (same data, template, as-of
    and plan) is returned as it is: same file, same bytes, same number. A failed render leaves
    no file and no archive row, and takes no number."""
    settings = get_settings()
    jobs = _resolve(
        kind=kind,
        scope=scope,
        as_of=as_of,
        plan=plan,
        year=year,
        subtree=subtree,
        settings=settings,
        delegates=delegates,
    )
    return _produce(jobs, settings=settings, as_of=as_of, out_dir=out_dir, issue=issue)


def render_unit_reports(
    *,
    kind: Literal["personnel", "progress"],
    units: Sequence[str],
    as_of: date,
    plan: str | None = None,
    only_changed: bool = True,
    out_dir: Path | None = None,
) -> list[RenderedReport]:
    """Each listed unit's own document of a kind, exactly as `render_report(kind=kind,
    scope=unit)` writes and archives it (same bytes, same archive key), for many units at
    once: one status computation, one query per kind of record, one template compilation,
    one archive transaction for all the drafts. Kinds: a unit's personnel list, or its
    progress report (about its subtree, cut from the common scope's status).

    With `only_changed`, a unit whose content equals its last archived one (number
    excluded) is left out of the result: an unchanged batch returns []. Every other unit
    gets one entry, in the order given: the draft written now, or the archived file of this
    exact content (as_of, plan, template) with `reused` set, as render_report returns it."""
    if kind not in UNIT_KINDS:
        raise UsageError(f"Loại báo cáo '{kind}' không lập theo từng đơn vị.")
    settings = get_settings()
    with read_session() as session:
        requests = plan_unit_documents(
            session, settings=settings, kind=kind, units=units, as_of=as_of, plan=plan
        )
    jobs = compile_jobs(requests, settings)
    if only_changed:
        jobs = [job for job, new in zip(jobs, changed(jobs), strict=True) if new]
    if not jobs:
        return []
    return _produce(jobs, settings=settings, as_of=as_of, out_dir=out_dir, issue=False)


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
    jobs = _resolve(
        kind=kind,
        scope=scope,
        as_of=as_of,
        plan=plan,
        year=year,
        subtree=subtree,
        settings=get_settings(),
    )
    return any(changed(jobs))
