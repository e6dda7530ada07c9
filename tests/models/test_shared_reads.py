"""Reads split over two connections of one snapshot (models.snapshot.beside): the same facts as
one connection reads, the caller's own session when a write landed in between, never a write
session's; and a status read that way equals the one read on one connection."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

import models.snapshot as snapshot
from models import Organisation, db
from models.db import read_session, write_session
from models.enums import OrgKind
from tasks.demo.seed import DEFAULT_DEMO_AS_OF, seed_demo
from tasks.status import document
from tasks.status.document import compute_status

pytestmark = pytest.mark.db


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Organisation)) or 0)


def _add(code: str) -> None:
    with write_session() as s:
        s.add(Organisation(code=code, name=code, kind=OrgKind.CHI_BO_CO_SO, path=""))


@pytest.fixture
def siblings(monkeypatch: pytest.MonkeyPatch) -> list[Session]:
    """The second connections' sessions beside opens, as it opens them."""
    opened: list[Session] = []
    real = db.read_session

    @contextmanager
    def spy(engine: Engine | None = None) -> Iterator[Session]:
        with real(engine) as s:
            opened.append(s)
            yield s

    monkeypatch.setattr(db, "read_session", spy)
    return opened


def test_work_beside_a_read_session_runs_on_another_connection_in_another_thread(
    engine: Engine, siblings: list[Session]
) -> None:
    _add("A")
    seen: list[tuple[Session, str]] = []

    def work(s: Session) -> int:
        seen.append((s, threading.current_thread().name))
        return _count(s)

    with read_session(engine) as s, snapshot.beside(s, work) as result:
        assert result() == _count(s) == 1
    ((ran_on, thread),) = seen
    assert ran_on is siblings[0] and ran_on is not s
    assert thread != threading.current_thread().name


def test_work_runs_on_the_callers_session_when_a_write_landed_between_the_two_snapshots(
    engine: Engine, siblings: list[Session]
) -> None:
    _add("A")
    with read_session(engine) as s:
        before = _count(s)  # the caller's snapshot
        _add("B")  # committed after it, before the second connection's
        ran_on: list[Session] = []

        def work(x: Session) -> int:
            ran_on.append(x)
            return _count(x)

        with snapshot.beside(s, work) as result:
            assert result() == before == 1
    assert len(siblings) == 1 and ran_on == [s]  # opened, found the newer version, not used


def test_a_write_session_or_a_serial_call_is_never_split(
    engine: Engine, siblings: list[Session]
) -> None:
    with write_session(engine) as w:
        w.add(Organisation(code="A", name="A", kind=OrgKind.CHI_BO_CO_SO, path=""))
        w.flush()
        with snapshot.beside(w, _count) as result:
            assert result() == 1  # its own uncommitted row: another connection cannot see it
    with read_session(engine) as s, snapshot.beside(s, _count, parallel=False) as result:
        assert result() == 1
    assert siblings == []


def test_a_status_read_over_two_connections_equals_one_read_on_one(
    engine: Engine, siblings: list[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_demo(engine, scale="committee", seed=7, reset=True)
    days = [DEFAULT_DEMO_AS_OF - timedelta(days=60), DEFAULT_DEMO_AS_OF, date(2025, 9, 30)]

    def statuses(split_from: int) -> list[dict[str, object]]:
        monkeypatch.setattr(document, "SPLIT_READS_FROM_UNITS", split_from)
        with read_session(engine) as s:
            return [compute_status(s, scope=None, as_of=d) for d in days]

    one = statuses(10**9)
    assert siblings == []
    two = statuses(0)
    assert len(siblings) >= len(days)
    assert two == one


def test_the_second_connection_never_waits_on_the_pool_the_readers_hold(db_url: str) -> None:
    # One connection in the caller's pool, held by the caller: a second connection drawn from
    # the same pool would wait out its timeout and fail.
    tight = create_engine(db_url, pool_size=1, max_overflow=0, pool_timeout=0.5)
    _add("A")
    try:
        with read_session(tight) as s, snapshot.beside(s, _count) as result:
            assert result() == 1
            assert tight.pool.checkedout() == 1  # type: ignore[attr-defined]  # the caller's
    finally:
        tight.dispose()
