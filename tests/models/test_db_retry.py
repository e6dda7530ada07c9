"""Write transactions: busy databases are waited for or retried; bad data never is."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Organisation
from models.db import build_engine, is_transient, write_session, write_with_retry
from models.enums import OrgKind


def _add(code: str) -> object:
    def work(session: Session) -> str:
        session.add(Organisation(code=code, name=code, kind=OrgKind.CHI_BO_CO_SO, path=""))
        session.flush()
        return code

    return work


def test_a_writer_waits_for_another_writer_instead_of_failing(engine: Engine, db_url: str) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite locking")
    holder = build_engine(db_url)
    started = threading.Event()

    def hold_lock() -> None:
        with write_session(holder) as s:
            s.add(Organisation(code="HOLD", name="x", kind=OrgKind.CHI_BO_CO_SO, path=""))
            s.flush()
            started.set()
            time.sleep(0.6)

    t = threading.Thread(target=hold_lock)
    t.start()
    started.wait(5)
    t0 = time.perf_counter()
    assert write_with_retry(_add("LATER")) == "LATER"  # type: ignore[arg-type]
    waited = time.perf_counter() - t0
    t.join()
    holder.dispose()
    assert waited >= 0.3
    with write_session() as s:
        assert s.scalar(select(func.count()).select_from(Organisation)) == 2


@pytest.mark.db
def test_bad_data_is_not_retried(engine: Engine) -> None:
    calls = []

    def work(session: Session) -> None:
        calls.append(1)
        session.add(Organisation(code="X", name="x", kind=OrgKind.CHI_BO_CO_SO, path=""))
        session.add(Organisation(code="X", name="y", kind=OrgKind.CHI_BO_CO_SO, path=""))
        session.flush()

    with pytest.raises(IntegrityError):
        write_with_retry(work)
    assert calls == [1]


def test_only_busy_and_conflict_errors_are_transient() -> None:
    class Pg(Exception):
        def __init__(self, state: str) -> None:
            super().__init__(state)
            self.sqlstate = state

    assert is_transient(Exception("database is locked"))
    assert is_transient(Pg("40001")) and is_transient(Pg("40P01"))
    assert not is_transient(Pg("23505"))
    assert not is_transient(Exception("UNIQUE constraint failed"))
