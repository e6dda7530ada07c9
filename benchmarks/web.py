"""The web app at scale (`python -m benchmarks --only web`): the dashboard at the root, cold
(a fresh process's memo) and warm (p50/p95 of 50 requests), each ÷ the bare status computation
of the same scope; a unit's page p95 over 50 units. Served by uvicorn on loopback; the times
are each request's wall time seen by the client there. Prints figures; asserts nothing.

Uploads (`POST /nop`), each in a fresh interpreter on a fresh temporary database holding the
registry of benchmarks/intake.py (100 units under DU):
  - `python -m benchmarks.web upload FILE` / `import FILE`: the same 10,000-row nhan-su file
    uploaded through the web (the office naming DU, the request's wall time on loopback) and
    through `daihoi import`'s import_file on a twin database;
  - `python -m benchmarks.web concurrent URL [UNITS] [ROWS]`: UNITS unit accounts, logged in
    beforehand, each upload its own ROWS-row file at the same moment on PostgreSQL (a schema
    of its own at URL, dropped after): wall time from the start signal to the last answer,
    p50/p95 per upload, and whether every file landed with exactly its rows. Logins use the
    smallest argon2 cost (the figure is about uploads, not password hashing).
"""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

LOGIN = "bench.office"
PASSWORD = "bench-mat-khau-1"


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _serve(app: Any) -> tuple[Any, threading.Thread, str]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _office_account() -> None:
    from models.accounts import find_account
    from models.base import utcnow
    from models.db import get_engine, read_session
    from models.enums import Role
    from tasks.accounts.admin import add_user

    engine = get_engine()
    with read_session(engine) as s:
        if find_account(s, login=LOGIN) is not None:
            return
    add_user(
        engine,
        login=LOGIN,
        role=Role.VAN_PHONG,
        org_code=None,
        name="benchmark",
        password=PASSWORD,
        actor="benchmarks",
        source="benchmarks",
        now=utcnow(),
    )


def _client(url: str, login: str = LOGIN) -> Any:
    import httpx

    client = httpx.Client(base_url=url, headers={"Origin": url}, timeout=600)
    r = client.post("/dang-nhap", data={"login": login, "password": PASSWORD})
    assert r.status_code == 303, r.text
    return client


def _timed(client: Any, path: str) -> float:
    start = time.perf_counter()
    r = client.get(path)
    took = time.perf_counter() - start
    assert r.status_code == 200, (path, r.status_code)
    return took


def web_figures(as_of: date, *, requests: int = 50, colds: int = 3) -> dict[str, float]:
    """Dashboard cold / warm and unit pages, with the bare status computation beside them."""
    from flows.web import create_app
    from models.db import read_session
    from models.settings import get_settings
    from tasks.status.document import compute_status

    _office_account()
    day = f"?as_of={as_of.isoformat()}"
    status_runs = []
    for _ in range(colds):
        start = time.perf_counter()
        with read_session() as s:
            doc = compute_status(s, scope=None, as_of=as_of)
        status_runs.append(time.perf_counter() - start)
    cold = []
    for _ in range(colds):  # a fresh app each time: an empty memo, as after a restart
        server, thread, url = _serve(create_app(get_settings()))
        client = _client(url)
        cold.append(_timed(client, f"/tong-quan{day}"))
        client.close()
        server.should_exit = True
        thread.join()
    server, thread, url = _serve(create_app(get_settings()))
    client = _client(url)
    _timed(client, f"/tong-quan{day}")
    warm = [_timed(client, f"/tong-quan{day}") for _ in range(requests)]
    filtered = [_timed(client, f"/tong-quan{day}&state=overdue&page=2") for _ in range(requests)]
    codes = [u["code"] for u in doc["units"]]
    picks = random.Random(2025).sample(codes, min(requests, len(codes)))
    units = [_timed(client, f"/don-vi/{code}{day}") for code in picks]
    client.close()
    server.should_exit = True
    thread.join()
    status_s = statistics.median(status_runs)
    return {
        "units": float(len(codes)),
        "status_s": status_s,
        "dashboard_cold_s": statistics.median(cold),
        "dashboard_cold_vs_status": statistics.median(cold) / status_s,
        "dashboard_warm_p50_s": _quantile(warm, 0.5),
        "dashboard_warm_p95_s": _quantile(warm, 0.95),
        "dashboard_filtered_p95_s": _quantile(filtered, 0.95),
        "unit_page_p50_s": _quantile(units, 0.5),
        "unit_page_p95_s": _quantile(units, 0.95),
    }


# -- uploads -------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNITS = 100


def _fresh(url: str | None = None, units: int = UNITS) -> Path:
    """A fresh home and database (SQLite in the home, or `url`), migrated, holding the
    registry of `units` units under DU (imported as `daihoi import` would)."""
    from benchmarks.intake import registry
    from models.db import dispose_engines, get_engine
    from models.migrate import upgrade
    from models.settings import get_settings
    from tasks.intake.receive import import_file

    home = Path(tempfile.mkdtemp(prefix="daihoi-bench-web-"))
    os.environ["DAIHOI_HOME"] = str(home)
    os.environ["DAIHOI_DATABASE_URL"] = url or f"sqlite:///{home / 'daihoi.sqlite'}"
    get_settings.cache_clear()
    dispose_engines()
    upgrade(get_engine())
    assert import_file(registry(home / "don-vi.xlsx", units)).accepted
    return home


def _post(client: Any, path: Path, org: str | None = None) -> tuple[float, dict[str, Any]]:
    """One upload of one file (JSON answer): its wall time and its entry of `files`."""
    body = path.read_bytes()
    start = time.perf_counter()
    r = client.post(
        "/nop",
        data={"org": org} if org else {},
        files={"files": (path.name, body, XLSX)},
        headers={"Accept": "application/json"},
    )
    took = time.perf_counter() - start
    assert r.status_code == 200, (r.status_code, r.text[:300])
    entry: dict[str, Any] = r.json()["files"][0]
    return took, entry


def upload_once(path: Path) -> dict[str, float]:
    """The file uploaded through the web by the office for DU (fresh database)."""
    from flows.web import create_app
    from models.settings import get_settings

    _fresh()
    _office_account()
    server, thread, url = _serve(create_app(get_settings()))
    try:
        client = _client(url)
        took, entry = _post(client, path, org="DU")
        assert entry["state"] == "accepted", entry.get("errors", [])[:3]
        client.close()
    finally:
        server.should_exit = True
        thread.join()
    return {"seconds": took, "rows": float(entry["rows"])}


def import_once(path: Path) -> dict[str, float]:
    """The file through `daihoi import`'s import_file for DU (fresh twin database)."""
    from tasks.intake.receive import ImportOptions, import_file

    _fresh()
    start = time.perf_counter()
    outcome = import_file(path, ImportOptions("DU"))
    took = time.perf_counter() - start
    assert outcome.accepted, [i.text() for i in outcome.issues[:3]]
    return {"seconds": took}


def _unit_accounts(codes: list[str]) -> None:
    from models.base import utcnow
    from models.db import get_engine
    from models.enums import Role
    from tasks.accounts.admin import add_user

    for code in codes:
        add_user(
            get_engine(),
            login=code,
            role=Role.DON_VI,
            org_code=code,
            name=None,
            password=PASSWORD,
            actor="benchmarks",
            source="benchmarks",
            now=utcnow(),
        )


def _rows_by_unit() -> dict[str, int]:
    from sqlalchemy import func, select

    from models import Candidate, Organisation
    from models.db import read_session

    with read_session() as s:
        found = s.execute(
            select(Organisation.code, func.count(Candidate.id))
            .join(Candidate, Candidate.org_id == Organisation.id)
            .where(Candidate.active.is_(True))
            .group_by(Organisation.code)
        ).all()
    return {str(code): int(n) for code, n in found}


def concurrent_uploads(base_url: str, units: int = UNITS, rows: int = 100) -> dict[str, float]:
    """`units` unit accounts upload their own `rows`-row file at once (a schema of its own)."""
    from benchmarks.dataset import _ensure_schema
    from benchmarks.intake import candidates
    from flows.web import create_app
    from models.db import dispose_engines
    from models.settings import get_settings

    os.environ["DAIHOI_WEB_ARGON2_MEMORY_KIB"] = "1024"
    os.environ["DAIHOI_WEB_ARGON2_TIME_COST"] = "1"
    url = f"{base_url}?options=-csearch_path%3Dbench_uploads_{os.getpid()}"
    _ensure_schema(url, empty=True)
    try:
        home = _fresh(url, units)
        codes = [f"U{u:03d}" for u in range(units)]
        _unit_accounts(codes)
        files = {c: candidates(home / f"nhan-su-{c}.xlsx", rows, units, unit=c) for c in codes}
        server, thread, http = _serve(create_app(get_settings()))
        clients = {c: _client(http, login=c) for c in codes}
        start_signal = threading.Barrier(units + 1)
        took: dict[str, float] = {}
        states: dict[str, str] = {}

        def one(code: str) -> None:
            start_signal.wait()
            try:
                took[code], entry = _post(clients[code], files[code])
                states[code] = str(entry["state"])
            except Exception as e:  # counted as not landed, with its kind
                states[code] = type(e).__name__

        threads = [threading.Thread(target=one, args=(c,)) for c in codes]
        for t in threads:
            t.start()
        start_signal.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        for client in clients.values():
            client.close()
        server.should_exit = True
        thread.join()
        held = _rows_by_unit()
        landed = sum(1 for c in codes if states.get(c) == "accepted" and held.get(c) == rows)
        times = list(took.values())
        return {
            "uploads": float(units),
            "rows_each": float(rows),
            "landed": float(landed),
            "wall_s": wall,
            "p50_s": _quantile(times, 0.5) if times else float("nan"),
            "p95_s": _quantile(times, 0.95) if times else float("nan"),
        }
    finally:
        dispose_engines()
        _drop_schema(url)


def _drop_schema(url: str) -> None:
    from sqlalchemy import create_engine, text

    schema = url.split("search_path%3D", 1)[1]
    eng = create_engine(url.split("?", 1)[0])
    with eng.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    eng.dispose()


def main(argv: list[str]) -> None:
    """upload FILE | import FILE | concurrent URL [UNITS] [ROWS]: one JSON line."""
    what, *rest = argv
    if what == "upload":
        out = upload_once(Path(rest[0]))
    elif what == "import":
        out = import_once(Path(rest[0]))
    else:
        out = concurrent_uploads(rest[0], *(int(x) for x in rest[1:]))
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
