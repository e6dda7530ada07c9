"""Measurements that run in a child process: peak RSS of a whole-scope rollup, and per-unit
progress reports for every unit fanned out over processes (each child sees only its own memory)."""

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
    """This process's own peak RSS: Linux's VmHWM. Not ru_maxrss, which Linux carries across
    exec from the forked copy of the parent (the benchmark's parent, holding a status of its
    own, made a city child's 196 MB read 386 MB)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rollup(as_of: date) -> dict[str, Any]:
    """status_result for the root (fetch, judge, roll up, shape), timed, with the peak RSS."""
    from models.db import read_session
    from tasks.status.document import status_result

    start = time.perf_counter()
    with read_session() as session:
        result = status_result(session, scope=None, as_of=as_of)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "units": len(result.units), "peak_rss_mb": _peak_mb()}


def _render_group(codes: list[str], as_of: str, out: str) -> tuple[int, float, float]:
    """Render each unit's progress report (as render_unit_reports plans it: one status of the
    batch's nearest common scope) to bytes and write it, without archiving (the benchmark
    database keeps its data; the trend cache fills). How many, and the wall and CPU time."""
    start, cpu = time.perf_counter(), time.process_time()
    from models.db import read_session
    from models.settings import get_settings
    from tasks.reports.plan import plan_unit_documents
    from tasks.reports.produce import _render, compile_jobs

    day = date.fromisoformat(as_of)
    settings = get_settings()
    with read_session() as session:
        requests = plan_unit_documents(
            session, settings=settings, kind="progress", units=codes, as_of=day, plan=None
        )
    jobs = compile_jobs(requests, settings)
    folder = Path(out)
    for job in jobs:
        data = _render(job, day, None, settings.issuer.code)
        (folder / f"{job.planned.subject_code}.docx").write_bytes(data)
    return len(jobs), time.perf_counter() - start, time.process_time() - cpu


def _warm_trends(codes: list[str], as_of: str, days: list[str]) -> tuple[int, float, float]:
    """File the trend points of these days for every unit's report (one judgement of the
    batch's common scope a day): the workers share the trend's days before they render."""
    from models.db import read_session
    from tasks.reports.plan import warm_unit_trends

    start, cpu = time.perf_counter(), time.process_time()
    with read_session() as session:
        filed = warm_unit_trends(
            session,
            units=codes,
            as_of=date.fromisoformat(as_of),
            plan=None,
            days=[date.fromisoformat(d) for d in days],
        )
    return filed, time.perf_counter() - start, time.process_time() - cpu


def _batches(rows: list[tuple[str, str, int]], workers: int) -> list[list[str]]:
    """One batch per worker: a batch computes the status of its units' nearest common scope
    once, and the root's (a few seconds) costs less than one per root child (each a fixed
    half second or so, over a hundred of them at city scale). The root's children are dealt
    largest first to the emptiest batch, so the workers finish together; the root, whose
    report is the longest, goes to the first."""
    groups: dict[str, list[str]] = defaultdict(list)
    root: list[str] = []
    for code, path, depth in rows:
        if depth == 0:
            root.append(code)
        else:
            groups[path.strip("/").split("/")[1]].append(code)
    batches: list[list[str]] = [list(root)] + [[] for _ in range(max(1, workers) - 1)]
    for codes in sorted(groups.values(), key=len, reverse=True):
        min(batches, key=len).extend(codes)
    return [b for b in batches if b]


def all_unit_reports(as_of: date, workers: int) -> dict[str, Any]:
    """Every active unit's progress report, one batch (one status computation) per process,
    fanned out over `workers` processes; cold: the trend cache emptied first. The workers
    first file the trend's earlier days between them (each judging its share of the days for
    every unit), then render, each reading the trend from the cache."""
    from sqlalchemy import delete, select

    from models.db import dispose_engines, read_session, write_session
    from models.enums import OrgStatus
    from models.org import Organisation
    from models.trend import TrendPoint
    from tasks.status.trend import trend_days, trend_weeks

    with write_session(changes_data=False) as session:  # bookkeeping: the version stays
        session.execute(delete(TrendPoint))
    start = time.perf_counter()
    with read_session() as session:
        rows = session.execute(
            select(Organisation.code, Organisation.path, Organisation.depth).where(
                Organisation.status == OrgStatus.ACTIVE
            )
        ).all()
    dispose_engines()
    batches = _batches([(str(c), str(p), int(d)) for c, p, d in rows], workers)
    # The trend's earlier days shared out (the status's own day needs no judgement).
    codes = [str(c) for c, _, _ in rows]
    days = [d.isoformat() for d in trend_days(as_of, trend_weeks(None))[:-1]]
    shares = [days[i :: max(1, workers)] for i in range(max(1, workers))]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory(prefix="daihoi-bench-docs-") as out:
        with ProcessPoolExecutor(workers) as pool:
            warm_start = time.perf_counter()
            warmed = [
                f.result()
                for f in [pool.submit(_warm_trends, codes, as_of.isoformat(), d) for d in shares]
            ]
            warm_seconds = time.perf_counter() - warm_start
            futures = [pool.submit(_render_group, b, as_of.isoformat(), out) for b in batches]
            done = [f.result() for f in futures]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, reaped by now
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": cpu,
        "documents": sum(n for n, _, _ in done),
        "batches": len(batches),
        "batch_seconds": [[round(wall, 1), round(cpu, 1)] for _, wall, cpu in done],
        "trend_seconds": round(warm_seconds, 1),
        "trend_points": sum(n for n, _, _ in warmed),
        "trend_share_seconds": [[round(wall, 1), round(cpu, 1)] for _, wall, cpu in warmed],
    }


if __name__ == "__main__":
    what, day = sys.argv[1], date.fromisoformat(sys.argv[2])
    if what == "rollup":
        out = rollup(day)
    else:
        out = all_unit_reports(day, int(os.environ.get("DAIHOI_BENCH_WORKERS", "2")))
    print(json.dumps(out))
