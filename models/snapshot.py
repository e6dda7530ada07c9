"""Reads of one snapshot on two connections: a read session's work split over two threads.

A national status reads ~470,000 rows in several independent statements; SQLite and the
PostgreSQL driver release the GIL while a statement runs, so a second connection in a thread
reads some of them while the caller reads the rest (national, SQLite, 2 cores: the reads
3.0 → 2.45 s; the two statements slow each other down, so less than half is saved).

The second connection comes from a pool of its own (models.db.sibling_engine): a reader never
waits for it on the pool whose connections other readers hold. Both must see the same data.
Every write that changes what status reads moves the data version in its own transaction
(models.db.write_session), so two read transactions that read the same version see the same
facts. The second connection's transaction reads the version; when it differs from the
caller's (a write landed between the two snapshots), its work is done again on the caller's
own session. Only sessions from models.db.read_session are split: a write session's
uncommitted rows would be invisible to another connection under the same version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar, cast

from sqlalchemy.orm import Session

from models import db
from models.accounts import data_version
from models.db import READ_ONLY

T = TypeVar("T")


def splittable(session: Session) -> bool:
    """A read session on a database a second connection can open (not an in-memory SQLite)."""
    if not session.info.get(READ_ONLY):
        return False
    url = session.get_bind().engine.url
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))


@contextmanager
def beside(
    session: Session, work: Callable[[Session], T], *, parallel: bool = True
) -> Iterator[Callable[[], T]]:
    """Start `work` on a second connection of the session's snapshot; yield the function that
    returns its result (waiting for it). Serial — `work(session)` when the result is asked
    for — when `parallel` is false, the session cannot be split, or the versions differ."""
    if not (parallel and splittable(session)):
        yield lambda: work(session)
        return
    version = data_version(session)  # the caller's snapshot is taken here, if not before

    def on_sibling() -> tuple[bool, T | None]:
        with db.read_session(db.sibling_engine(session.get_bind().engine)) as sibling:
            if data_version(sibling) != version:
                return False, None
            return True, work(sibling)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="daihoi-read") as pool:
        future: Future[tuple[bool, T | None]] = pool.submit(on_sibling)

        def result() -> T:
            same, value = future.result()
            return cast("T", value) if same else work(session)

        yield result
