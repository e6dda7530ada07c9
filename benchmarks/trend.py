"""The trend at scale (`python -m benchmarks --only trend`): a 13-point trend of the root
(K = 12 weeks), cold (no cached point) and warm (every point cached), against one status
computation of the root (fetch, judge, roll up, shape). Prints figures; asserts nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any


def _best(fn: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _forget_points() -> None:
    """Drop every cached trend point (bookkeeping only: the data version does not move)."""
    from sqlalchemy import delete

    from models.db import write_session
    from models.trend import TrendPoint

    with write_session(changes_data=False) as s:
        s.execute(delete(TrendPoint))


def trend_figures(as_of: date, rounds: int) -> dict[str, float]:
    from models.db import get_engine, read_session
    from models.queries import resolve_scope
    from tasks.status.document import status_result
    from tasks.status.trend import trend_of

    engine = get_engine()

    def status() -> None:
        with read_session(engine) as s:
            status_result(s, scope=None, as_of=as_of)

    def trend() -> list[dict[str, Any]]:
        with read_session(engine) as s:
            return trend_of(s, scope=resolve_scope(s, code=None), as_of=as_of, weeks=12)

    def cold() -> None:
        _forget_points()
        start = time.perf_counter()
        points = trend()
        cold_times.append(time.perf_counter() - start)
        assert len(points) == 13

    cold_times: list[float] = []
    status_s = _best(status, rounds)
    for _ in range(max(1, rounds - 1)):
        cold()
    warm_s = _best(trend, max(rounds, 5))
    cold_s = min(cold_times)
    return {
        "status_s": status_s,
        "cold_s": cold_s,
        "warm_s": warm_s,
        "cold_vs_status": cold_s / status_s,
    }
