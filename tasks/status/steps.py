"""The Prefect tasks of status: thin wrappers over plain functions; they pass codes, dates and dicts."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
)
from prefect.cache_policies import NO_CACHE

from models.db import read_session, write_session
from models.queries import get_meta
from tasks.core.dates import today
from tasks.core.plans import STAGES
from tasks.core.task_options import DB_RETRY
from tasks.core.text import vn_percent
from tasks.status import publish
from tasks.status.document import status_result


@task(name="resolve_as_of", **DB_RETRY)
def resolve_as_of(as_of: date | None) -> date:
    """The run's as-of: the given date, else a demo database's recorded date, else today."""
    if as_of is not None:
        return as_of
    with read_session() as session:
        recorded = get_meta(session, "demo_as_of")
    return date.fromisoformat(recorded) if recorded else today()


@task(name="pull_status", **DB_RETRY)
def pull_status(
    scope: str | None, as_of: date, plan: str | None = None, year: int | None = None
) -> dict[str, Any]:
    """Compute the scope's status as of a date (one set-based query per stage)."""
    with read_session() as session:
        result = status_result(session, scope=scope, as_of=as_of, plan=plan, year=year)
    doc = result.document
    doc["_children"] = publish.children_table(result)
    get_run_logger().info(
        "status of %s as of %s: %d units, plan %s",
        doc["org"],
        doc["as_of"],
        len(doc["units"]),
        doc["plan"],
    )
    return doc


@task(name="judge_stage", cache_policy=NO_CACHE)
def judge_stage(doc: dict[str, Any], stage: str) -> dict[str, Any]:
    """One stage's milestone digest: its summary and the codes of overdue, at-risk, done units."""
    digest = publish.stage_digest(doc, stage)
    get_run_logger().info(
        "%s: %d done, %d overdue, %d at risk",
        stage,
        digest["summary"]["done"],
        digest["summary"]["overdue"],
        digest["summary"]["at_risk"],
    )
    return digest


@task(name="judge_stages", cache_policy=NO_CACHE)
def judge_stages(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every stage's milestone digest, in one task run (judge_stage for each stage): a task
    run costs a few API calls, more than judging a stage from the document."""
    return {stage: judge_stage.fn(doc, stage) for stage in STAGES}


@task(name="publish_stage", cache_policy=NO_CACHE)
def publish_stage(digest: dict[str, Any]) -> None:
    """Publish a stage's digest as a markdown artifact (codes and counts only)."""
    s = digest["summary"]
    label = publish.STAGE_LABELS[digest["stage"]]
    pct = vn_percent(s["progress"])
    lines = [
        f"# {label} — {digest['org']} — {digest['as_of']}",
        "",
        f"Áp dụng {s['applicable']}/{s['units']}; xong {s['done']}; quá hạn {s['overdue']}; "
        f"sắp hạn {s['at_risk']}; tiến độ {pct}.",
        "",
        "Quá hạn: " + (", ".join(f"`{c}`" for c in digest["overdue"][:200]) or "không có"),
    ]
    create_markdown_artifact(
        key=publish.artifact_key(digest["org"], digest["stage"]),
        markdown="\n".join(lines),
        description=f"{label}: tiến độ theo mốc",
    )


@task(name="publish_stages", cache_policy=NO_CACHE)
def publish_stages(digests: dict[str, dict[str, Any]]) -> None:
    """Every stage's digest as its markdown artifact (publish_stage for each), in one task run."""
    for digest in digests.values():
        publish_stage.fn(digest)


@task(name="write_snapshot", **DB_RETRY)
def write_snapshot(doc: dict[str, Any]) -> dict[str, Any]:
    """Store the day's immutable snapshot of the scope (a re-run the same day changes nothing)."""
    payload = {k: v for k, v in doc.items() if not k.startswith("_")}
    with write_session() as session:
        created, sha = publish.write_snapshot(session, doc=payload)
    get_run_logger().info(
        "snapshot %s %s: %s", doc["org"], doc["as_of"], "written" if created else "kept"
    )
    return {"created": created, "sha256": sha}


@task(name="publish_rollup", cache_policy=NO_CACHE)
def publish_rollup(doc: dict[str, Any]) -> None:
    """Artifacts of the rollup: children × stages table, overdue summary, overall progress."""
    key = publish.artifact_key(doc["org"])
    create_table_artifact(
        key=key,
        table=doc["_children"],
        description=f"Tiến độ theo đơn vị trực thuộc — {doc['as_of']}",
    )
    create_table_artifact(
        key=publish.artifact_key(doc["org"], "overdue"),
        table=publish.overdue_rows(doc),
        description="Đơn vị quá hạn (tối đa 200)",
    )
    create_markdown_artifact(
        key=publish.artifact_key(doc["org"], "summary"),
        markdown=publish.overdue_markdown(doc),
        description="Tóm tắt tiến độ",
    )
    create_progress_artifact(
        progress=publish.overall_progress(doc),
        key=publish.artifact_key(doc["org"], "progress"),
        description="Tiến độ chung (trung bình 4 nội dung)",
    )


def summary_of(doc: dict[str, Any]) -> dict[str, Any]:
    """What a flow returns: the scope, date, plan and the stage summaries (aggregates only)."""
    return {"org": doc["org"], "as_of": doc["as_of"], "plan": doc["plan"], "stages": doc["stages"]}
