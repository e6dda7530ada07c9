"""python -m benchmarks --scale committee|city|national [--backend sqlite|postgresql]

Builds (or reuses, under $DAIHOI_BENCH_DIR) the demo dataset of a scale and prints one table of
figures and ratios, each pair measured side by side in this run, best of a few interleaved
repetitions; writes benchmarks/results/<scale>.json (<scale>-postgresql.json for PostgreSQL).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parents[1]


def best(fn: Callable[[], Any], rounds: int) -> float:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return min(out)


def interleaved(a: Callable[[], Any], b: Callable[[], Any], rounds: int) -> tuple[float, float]:
    """Best of `rounds` for each, alternating a and b."""
    ta: list[float] = []
    tb: list[float] = []
    for _ in range(rounds):
        ta.append(best(a, 1))
        tb.append(best(b, 1))
    return min(ta), min(tb)


def child(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a benchmark step in a fresh interpreter; its last stdout line is JSON."""
    out = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def rollup_vs_sql(as_of: Any, rounds: int) -> dict[str, float]:
    from benchmarks.baseline import sql_floor
    from models.db import read_session
    from tasks.status.document import status_result

    def ours() -> None:
        with read_session() as s:
            status_result(s, scope=None, as_of=as_of)

    def floor() -> None:
        with read_session() as s:
            sql_floor(s, as_of=as_of)

    t_ours, t_sql = interleaved(ours, floor, rounds)
    return {"status": t_ours, "sql": t_sql}


def _plain_prepare(day: Any) -> None:
    """prepare_congresses' tasks as plain calls (.fn), in the flow's order."""
    from tasks.reports.steps import (
        publish_report_sets,
        render_if_changed,
        render_reports,
        render_unit_lists,
    )
    from tasks.status.steps import (
        judge_stages,
        publish_rollup,
        publish_stages,
        pull_status,
        resolve_as_of,
        write_snapshot,
    )

    day = resolve_as_of.fn(day)
    doc = pull_status.fn(None, day, None)
    digests = judge_stages.fn(doc)
    files = {
        stage: (
            render_unit_lists.fn(d["done"], day, None)
            if stage == "personnel"
            else render_if_changed.fn(stage, None, day, None)
        )
        for stage, d in digests.items()
    }
    progress = render_reports.fn("progress", None, day, None)
    publish_stages.fn(digests)
    write_snapshot.fn(doc)
    publish_rollup.fn(doc)
    sets = [(digests[stage]["org"], f) for stage, f in files.items()]
    publish_report_sets.fn(day, [*sets, (doc["org"], progress)])


def prefect_overhead(as_of: Any, rounds: int) -> dict[str, float]:
    """prepare_congresses through Prefect vs its tasks as plain calls, the API already up."""
    from unittest import mock

    start = time.perf_counter()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        startup = time.perf_counter() - start
        from flows.preparation import prepare_congresses

        log = logging.getLogger("daihoi.bench")
        log.disabled = True
        with (
            mock.patch("tasks.status.steps.get_run_logger", lambda: log),
            mock.patch("tasks.reports.steps.get_run_logger", lambda: log),
        ):
            plain_first = best(lambda: _plain_prepare(as_of), 1)  # renders; later runs reuse
        flow_runs: list[float] = []
        plain_runs: list[float] = []
        for _ in range(rounds):
            flow_runs.append(best(lambda: prepare_congresses(as_of=as_of), 1))
            with (
                mock.patch("tasks.status.steps.get_run_logger", lambda: log),
                mock.patch("tasks.reports.steps.get_run_logger", lambda: log),
            ):
                plain_runs.append(best(lambda: _plain_prepare(as_of), 1))
    return {
        "api_startup": startup,
        "flow": min(flow_runs),
        "plain": min(plain_runs),
        "plain_first": plain_first,
    }


def render_vs_docxtpl(as_of: Any, rounds: int, units: int = 120) -> dict[str, float]:
    """Reminder letters (benchmarks/reports.py) and per-unit progress reports of real units
    (planned as render_unit_reports plans them; both renderers get the same contexts and
    leave the chart slot's placeholder picture: the text of the report is what is compared)."""
    from sqlalchemy import select

    from benchmarks import reports
    from models.db import read_session
    from models.enums import OrgStatus
    from models.org import Organisation
    from models.settings import get_settings
    from tasks.reports.docx.render import template_dir
    from tasks.reports.plan import plan_unit_documents
    from tasks.reports.produce import template_path

    data = (template_dir() / "reminders_tpl.docx").read_bytes()
    ours, theirs, _ = reports.compare(data, reports.contexts(units), rounds)
    out = {"reminders_ours": units / ours, "reminders_docxtpl": units / theirs}
    with read_session() as session:
        codes = list(
            session.scalars(
                select(Organisation.code)
                .where(Organisation.status == OrgStatus.ACTIVE, Organisation.depth >= 1)
                .order_by(Organisation.code)
                .limit(units)
            )
        )
        requests = plan_unit_documents(
            session, settings=get_settings(), kind="progress", units=codes, as_of=as_of, plan=None
        )
    docs = [d for r in requests for d in r.documents]
    ctxs = [d.context for d in docs]
    name = docs[0].template
    pdata = template_path(name).read_bytes()
    ours, theirs, _ = reports.compare(pdata, ctxs, rounds, name=name, title=docs[0].title)
    out["unit_ours"] = len(ctxs) / ours
    out["unit_docxtpl"] = len(ctxs) / theirs
    return out


def import_vs_openpyxl(rounds: int) -> dict[str, float]:
    code = "import json; from benchmarks.intake import import_vs_read_only as f; print(json.dumps(f()))"
    runs = [child(["-c", code]) for _ in range(rounds)]
    return {
        "read_only": min(r["read_only"] for r in runs),
        "calamine": min(r["calamine"] for r in runs),
        "import": min(r["import"] for r in runs),
    }


def upload_vs_import(rounds: int) -> dict[str, float]:
    """The 10,000-row nhan-su file through `POST /nop` ÷ through import_file, each in a fresh
    interpreter on a fresh database, alternating; best of `rounds` each."""
    from benchmarks.intake import candidates

    path = candidates(Path(tempfile.mkdtemp(prefix="daihoi-bench-")) / "nhan-su.xlsx", 10_000, 100)
    web: list[float] = []
    cli: list[float] = []
    for _ in range(rounds):
        web.append(child(["-m", "benchmarks.web", "upload", str(path)])["seconds"])
        cli.append(child(["-m", "benchmarks.web", "import", str(path)])["seconds"])
    return {"upload": min(web), "import": min(cli)}


def _keep_earlier(path: Path, res: dict[str, Any]) -> None:
    """A partial run (--only) keeps the figures an earlier run of this scale and backend wrote."""
    if not path.exists():
        return
    old = json.loads(path.read_text())
    if old.get("backend") != res["backend"]:
        return
    for group in ("ratios", "seconds", "figures"):
        for key, value in old.get(group, {}).items():
            if res[group].get(key) is None:
                res[group][key] = value
    if res["peak_rss_mb"] is None:
        res["peak_rss_mb"] = old.get("peak_rss_mb")


class _Rows(list[tuple[str, str, str]]):
    """The table's rows, each also printed as it is measured (long runs show progress)."""

    def append(self, row: tuple[str, str, str]) -> None:
        super().append(row)
        print("  ...", *row, flush=True)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--scale", choices=("committee", "city", "national"), default="committee")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated parts (default: all)")
    parser.add_argument("--no-write", action="store_true", help="do not write the JSON file")
    args = parser.parse_args(argv)
    parts = set(args.only.split(",")) if args.only else {
        "rollup", "prefect", "render", "import", "rss", "units"
    }  # fmt: skip
    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="daihoi-bench-prefect-"))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

    from benchmarks.dataset import PG_URL, prepare, recorded_seed_seconds
    from tasks.demo.seed import DEFAULT_DEMO_AS_OF as AS_OF

    ds = prepare(args.scale, args.backend)
    rows = _Rows()
    seed_s = recorded_seed_seconds(ds)
    res: dict[str, Any] = {
        "scale": args.scale,
        "backend": args.backend,
        "cores": os.cpu_count(),
        "ratios": dict.fromkeys(
            ("rollup_vs_sql", "prefect_overhead", "render_vs_docxtpl", "import_vs_openpyxl")
        ),  # None: not measured in this run (--only)
        "seconds": {"seed": seed_s, "rollup": None, "prepare": None, "all_unit_reports": None},
        "peak_rss_mb": None,
        "figures": {},
    }
    rows.append(
        (
            "seed (" + ("this run" if ds.seed_seconds else "recorded") + ")",
            f"{seed_s or 0:.1f} s",
            "",
        )
    )
    r, s, f = res["ratios"], res["seconds"], res["figures"]
    if "rollup" in parts:
        m = rollup_vs_sql(AS_OF, args.rounds)
        f.update(status_s=m["status"], sql_floor_s=m["sql"])
        r["rollup_vs_sql"] = m["status"] / m["sql"]
        rows.append(
            (
                "status+rollup ÷ SQL GROUP BYs",
                f"{m['status']:.2f} s ÷ {m['sql']:.2f} s",
                f"{r['rollup_vs_sql']:.2f}× (goal ≤ 2.0)",
            )
        )
    if "rss" in parts:
        m = child(["-m", "benchmarks.workers", "rollup", AS_OF.isoformat()])
        s["rollup"] = m["seconds"]
        res["peak_rss_mb"] = m["peak_rss_mb"]
        rows.append(
            ("rollup, fresh process: wall", f"{m['seconds']:.1f} s", "goal < 30 s (national)")
        )
        rows.append(
            ("rollup, fresh process: peak RSS", f"{m['peak_rss_mb']:.0f} MB", "goal < 2048 MB")
        )
    if "prefect" in parts:
        m = prefect_overhead(AS_OF, args.rounds)
        f.update(
            prefect_api_startup_s=m["api_startup"],
            prepare_plain_s=m["plain"],
            prepare_first_plain_s=m["plain_first"],
        )
        s["prepare"] = m["flow"]
        r["prefect_overhead"] = m["flow"] / m["plain"]
        rows.append(("Prefect API start-up", f"{m['api_startup']:.1f} s", ""))
        rows.append(
            (
                "prepare_congresses: Prefect ÷ .fn",
                f"{m['flow']:.2f} s ÷ {m['plain']:.2f} s",
                f"{r['prefect_overhead']:.2f}× (goal ≤ 1.15)",
            )
        )
    if "render" in parts:
        m = render_vs_docxtpl(AS_OF, args.rounds)
        f.update(m)
        r["render_vs_docxtpl"] = m["reminders_ours"] / m["reminders_docxtpl"]
        r["unit_render_vs_docxtpl"] = m["unit_ours"] / m["unit_docxtpl"]
        rows.append(
            (
                "reminder letters docs/s: ours ÷ docxtpl",
                f"{m['reminders_ours']:.0f} ÷ {m['reminders_docxtpl']:.1f}",
                f"{r['render_vs_docxtpl']:.1f}× (goal ≥ 5)",
            )
        )
        rows.append(
            (
                "per-unit progress reports docs/s: ours ÷ docxtpl",
                f"{m['unit_ours']:.0f} ÷ {m['unit_docxtpl']:.1f}",
                f"{r['unit_render_vs_docxtpl']:.1f}× (goal ≥ 5)",
            )
        )
    if "import" in parts:
        m = import_vs_openpyxl(max(1, args.rounds - 1))
        f.update(
            import_s=m["import"], openpyxl_read_only_s=m["read_only"], calamine_s=m["calamine"]
        )
        r["import_vs_openpyxl"] = m["import"] / m["read_only"]
        rows.append(
            (
                "10,000-row nhan-su import ÷ openpyxl read_only",
                f"{m['import']:.2f} s ÷ {m['read_only']:.2f} s",
                f"{r['import_vs_openpyxl']:.2f}× (goal ≤ 1.0)",
            )
        )
        rows.append(
            (
                "  the same file read by calamine alone (the floor)",
                f"{m['calamine']:.2f} s",
                f"{m['calamine'] / m['read_only']:.2f}× openpyxl read_only",
            )
        )
    if "web" in parts:
        from benchmarks.web import web_figures

        m = web_figures(AS_OF)
        f.update({f"web_{k}": v for k, v in m.items()})
        rows.append(
            (
                f"dashboard cold ÷ bare status ({m['units']:,.0f} units)",
                f"{m['dashboard_cold_s']:.2f} s ÷ {m['status_s']:.2f} s",
                f"{m['dashboard_cold_vs_status']:.2f}× (goal ≤ 1.3)",
            )
        )
        rows.append(
            (
                "dashboard warm p50 / p95 (50 requests)",
                f"{m['dashboard_warm_p50_s'] * 1000:.0f} / {m['dashboard_warm_p95_s'] * 1000:.0f} ms",
                "goal p95 ≤ 150 ms",
            )
        )
        rows.append(
            (
                "dashboard filtered (overdue, page 2) p95",
                f"{m['dashboard_filtered_p95_s'] * 1000:.0f} ms",
                "",
            )
        )
        rows.append(
            (
                "unit page p50 / p95 (50 units, first visit)",
                f"{m['unit_page_p50_s'] * 1000:.0f} / {m['unit_page_p95_s'] * 1000:.0f} ms",
                "goal p95 ≤ 200 ms",
            )
        )
        from benchmarks.suggest import suggestion_figures

        m = suggestion_figures()
        f.update({f"suggest_{k}": v for k, v in m.items()})
        rows.append(
            (
                f"/gop-y suggestions cold / warm ({m['comments']:,} comments)",
                f"{m['pass_cold_s']:.1f} / {m['pass_warm_s']:.1f} s",
                "goal ≤ 30 s",
            )
        )
        if "scaled_rule_s" in m:
            rows.append(
                (
                    f"  the rule alone on {m['scaled_comments']:,} comments",
                    f"{m['scaled_rule_s']:.1f} s",
                    "goal ≤ 30 s",
                )
            )
        m = upload_vs_import(max(1, args.rounds - 1))
        f.update(web_upload_s=m["upload"], web_upload_import_s=m["import"])
        r["web_upload_vs_import"] = m["upload"] / m["import"]
        rows.append(
            (
                "10,000-row nhan-su: web upload ÷ daihoi import",
                f"{m['upload']:.2f} s ÷ {m['import']:.2f} s",
                f"{r['web_upload_vs_import']:.2f}× (goal ≤ 1.2)",
            )
        )
        pg = os.environ.get("DAIHOI_BENCH_PG_URL", PG_URL)
        m = child(["-m", "benchmarks.web", "concurrent", pg, "100", "100"])
        f.update({f"web_concurrent_{k}": v for k, v in m.items()})
        rows.append(
            (
                "100 units upload at once (100 rows each), PostgreSQL",
                f"{m['landed']:.0f}/100 landed, {m['wall_s']:.1f} s",
                f"p50 / p95 per upload {m['p50_s']:.1f} / {m['p95_s']:.1f} s",
            )
        )
    if "trend" in parts:
        from benchmarks.trend import trend_figures

        m = trend_figures(AS_OF, args.rounds)
        f.update({f"trend_{k}": v for k, v in m.items()})
        rows.append(
            (
                "13-point trend cold ÷ one status",
                f"{m['cold_s']:.2f} s ÷ {m['status_s']:.2f} s",
                f"{m['cold_vs_status']:.2f}× (goal ≤ 13)",
            )
        )
        rows.append(
            ("13-point trend warm (all cached)", f"{m['warm_s'] * 1000:.0f} ms", "goal ≤ 200 ms")
        )
    if "units" in parts:
        m = child(["-m", "benchmarks.workers", "units", AS_OF.isoformat()])
        s["all_unit_reports"] = m["seconds"]
        f.update(all_unit_documents=m["documents"], all_unit_reports_cpu_s=m["cpu_seconds"])
        rows.append(
            (
                f"progress report of every unit ({m['documents']:,}), 2 processes",
                f"{m['seconds']:.1f} s (CPU {m['cpu_seconds']:.0f} s)",
                f"{m['documents'] / m['seconds']:.0f} docs/s (goal < 180 s national)",
            )
        )
    width = max(len(a) for a, _, _ in rows)
    print(
        f"daihoi benchmarks — scale {args.scale}, {args.backend}, {os.cpu_count()} cores, best of {args.rounds}"
    )
    for a, b, c in rows:
        print(f"  {a:<{width}}  {b:>22}  {c}")
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        # SQLite figures in <scale>.json, PostgreSQL's beside them in <scale>-postgresql.json.
        suffix = "" if args.backend == "sqlite" else f"-{args.backend}"
        path = RESULTS / f"{args.scale}{suffix}.json"
        _keep_earlier(path, res)
        path.write_text(json.dumps(res, indent=2) + "\n")
    return res


if __name__ == "__main__":
    main()
