"""The web app at scale (`python -m benchmarks --only web`): the dashboard at the root, cold
(a fresh process's memo) and warm (p50/p95 of 50 requests), each ÷ the bare status computation
of the same scope; a unit's page p95 over 50 units. Served by uvicorn on loopback; the times
are each request's wall time seen by the client there. Prints figures; asserts nothing."""

from __future__ import annotations

import random
import socket
import statistics
import threading
import time
from datetime import date
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


def _client(url: str) -> Any:
    import httpx

    client = httpx.Client(base_url=url, headers={"Origin": url}, timeout=120)
    r = client.post("/dang-nhap", data={"login": LOGIN, "password": PASSWORD})
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
