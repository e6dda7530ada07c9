"""Measurements that run in a child process: peak RSS of a whole-scope rollup, and per-unit
documents for every unit fanned out over processes (each child sees only its own memory)."""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rollup(as_of: date) -> dict[str, Any]:
    """status_result for the root (fetch, judge, roll up, shape), timed, with the peak RSS."""
    from models.db import read_session
    from tasks.status import status_result

    start = time.perf_counter()
    with read_session() as session:
        result = status_result(session, scope=None, as_of=as_of)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "units": len(result.units), "peak_rss_mb": _peak_mb()}


def _render_group(codes: list[str], as_of: str, out: str) -> int:
    """Render each unit's personnel list (as render_unit_reports plans it) to bytes and write it,
    without archiving (the benchmark database stays unchanged)."""
    from models.db import read_session
    from models.settings import get_settings
    from tasks.reports.plan_docs import plan_unit_documents
    from tasks.reports.produce import _render, compile_jobs

    day = date.fromisoformat(as_of)
    settings = get_settings()
    with read_session() as session:
        requests = plan_unit_documents(
            session, settings=settings, kind="personnel", units=codes, as_of=day, plan=None
        )
    jobs = compile_jobs(requests, settings)
    folder = Path(out)
    for job in jobs:
        data = _render(job, day, None, settings.issuer.code)
        (folder / f"{job.planned.subject_code}.docx").write_bytes(data)
    return len(jobs)


def all_unit_reports(as_of: date, workers: int) -> dict[str, Any]:
    """Every active unit's personnel list, grouped by the root's children (one status
    computation per group), fanned out over `workers` processes."""
    from sqlalchemy import select

    from models.db import dispose_engines, read_session
    from models.enums import OrgStatus
    from models.org import Organisation

    start = time.perf_counter()
    with read_session() as session:
        rows = session.execute(
            select(Organisation.code, Organisation.path, Organisation.depth).where(
                Organisation.status == OrgStatus.ACTIVE
            )
        ).all()
    dispose_engines()
    groups: dict[str, list[str]] = defaultdict(list)
    for code, path, depth in rows:
        parts = path.strip("/").split("/")
        groups["/".join(parts[:2]) if depth >= 1 else "root"].append(code)
    # Small neighbouring groups merge (their common scope is then the root, cheap when small);
    # big ones split, so both workers stay busy to the end.
    batches: list[list[str]] = [[]]
    for key in sorted(groups):
        codes = groups[key]
        if len(codes) >= 400:
            batches.extend(codes[i : i + 2000] for i in range(0, len(codes), 2000))
        else:
            if len(batches[-1]) >= 400:
                batches.append([])
            batches[-1].extend(codes)
    batches = sorted((b for b in batches if b), key=len, reverse=True)
    with tempfile.TemporaryDirectory(prefix="daihoi-bench-docs-") as out:
        with ProcessPoolExecutor(workers) as pool:
            futures = [pool.submit(_render_group, b, as_of.isoformat(), out) for b in batches]
            docs = sum(f.result() for f in futures)
    return {"seconds": time.perf_counter() - start, "documents": docs, "batches": len(batches)}


if __name__ == "__main__":
    what, day = sys.argv[1], date.fromisoformat(sys.argv[2])
    if what == "rollup":
        out = rollup(day)
    else:
        out = all_unit_reports(day, int(os.environ.get("DAIHOI_BENCH_WORKERS", "2")))
    print(json.dumps(out))
