"""Engine and sessions: SQLite (WAL, busy_timeout, foreign keys, BEGIN IMMEDIATE) or PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

# Raised by write_with_retry; re-exported for callers that import them from here.
from models.errors import DatabaseBusy as DatabaseBusy
from models.errors import StaleEdit as StaleEdit
from models.settings import get_settings

_engines: dict[str, Engine] = {}
T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "daihoi_read_only"  # Session.info's mark of a read_session (models.snapshot)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given without a driver."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN IMMEDIATE can be issued.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def build_engine(url: str) -> Engine:
    """A new engine for a URL, configured for daihoi's transactions."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            hide_parameters=True,
        )
        _configure_sqlite(engine)
        return engine
    # hide_parameters: a database error's text (which may reach a Prefect state message or a
    # log) and SQL echo never carry a row's values — names and birth dates among them.
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine, "handle_error", _scrub_server_detail)
    return engine


def refresh_planner_statistics(engine: Engine) -> None:
    """After a bulk load on PostgreSQL, ANALYZE daihoi's tables so the planner sees their new
    sizes at once. Autovacuum would get there minutes later; until then a table estimated
    empty turns hash joins into nested loops (the national attendance query: 44 s, not 1 s)."""
    if engine.dialect.name != "postgresql":
        return
    from models.base import Base

    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            conn.exec_driver_sql(f'ANALYZE "{table.name}"')


def scrub_detail(message: str) -> str:
    """A server error message without its DETAIL part, which quotes the failing row's values
    (PostgreSQL: "Key (code)=(…) already exists", "Failing row contains (…)")."""
    head, sep, _ = message.partition("\nDETAIL:")
    return head + "\nDETAIL: (hidden: it quotes the row's values)" if sep else message


def _scrub_server_detail(context: Any) -> None:
    """Strip DETAIL from the driver's exception and from SQLAlchemy's wrapper, in place (types
    and SQLSTATE stay, so retry and integrity handling see the same error)."""
    for exc in (context.original_exception, context.sqlalchemy_exception):
        if exc is not None and exc.args and isinstance(exc.args[0], str):
            exc.args = (scrub_detail(exc.args[0]), *exc.args[1:])


def get_engine(url: str | None = None) -> Engine:
    """The engine for the configured (or given) database, built once per URL."""
    url = normalise_url(url or get_settings().db_url)
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = build_engine(url)
    return engine


def sibling_engine(engine: Engine) -> Engine:
    """A second engine on the same database, with its own pool, for the second connection of a
    read split over two (models.snapshot). Its own pool so that a reader waiting for a second
    connection never waits on the main pool, whose connections may all be held by readers
    waiting the same way."""
    url = engine.url.render_as_string(hide_password=False)
    key = f"sibling:{url}"
    sibling = _engines.get(key)
    if sibling is None:
        sibling = _engines[key] = build_engine(url)
    return sibling


def dispose_engines() -> None:
    """Close every pooled connection and forget the engines (tests, forks)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


@contextmanager
def read_session(engine: Engine | None = None) -> Iterator[Session]:
    """A session in a read transaction, rolled back at the end.

    Every statement in it sees one snapshot, so a document built from several queries never
    mixes data from before and after a write: SQLite's deferred BEGIN holds one WAL snapshot
    from the first read; PostgreSQL's default READ COMMITTED would take a new snapshot per
    statement, so reads ask for REPEATABLE READ (a read-only transaction never fails on it)."""
    engine = engine or get_engine()
    bind = (
        engine if is_sqlite(engine) else engine.execution_options(isolation_level="REPEATABLE READ")
    )
    with sessionmaker(bind, expire_on_commit=False)() as session, session.begin():
        session.info[READ_ONLY] = True
        yield session


def bump_data_version(session: Session) -> None:
    """Move the data version on, in the caller's transaction: it becomes visible with the
    write itself, so a reader never sees new data under an old version (or the reverse).
    What the transaction declared it touched is filed under the new version (models.changes:
    `all` when it declared nothing)."""
    from models import changes
    from models.accounts import DataVersion

    result = session.execute(
        update(DataVersion).values(version=DataVersion.version + 1).returning(DataVersion.version)
    )
    moved = result.scalars().all()
    if not moved:
        session.add(DataVersion(version=1))
        session.flush()
        moved = [1]
    changes.record(session, max(moved))


@contextmanager
def write_session(engine: Engine | None = None, *, changes_data: bool = True) -> Iterator[Session]:
    """A session whose transaction takes the write lock at once and commits at the end.

    Every such transaction moves the data version (the status cache's key) just before it
    commits, so no writer can forget to; `changes_data=False` is for bookkeeping
    that status never reads: the web's own (sessions, logins, accounts), the report archive."""
    engine = engine or get_engine()
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
    with sessionmaker(bind, expire_on_commit=False)() as session, session.begin():
        yield session
        if changes_data:
            # Last, so PostgreSQL holds the counter's row lock only for the commit itself.
            bump_data_version(session)


STALE_EDIT_MESSAGE = (
    "Dữ liệu đã thay đổi kể từ khi tải biểu mẫu (một người khác vừa sửa bản ghi này); "
    "hãy tải lại rồi sửa lần nữa"
)

TRANSIENT_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected


def is_transient(error: BaseException) -> bool:
    """A busy SQLite database or a PostgreSQL serialization failure / deadlock: worth a retry."""
    orig = getattr(error, "orig", error)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate in TRANSIENT_SQLSTATES:
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database is busy" in text


def write_with_retry(
    work: Callable[[Session], T],
    *,
    engine: Engine | None = None,
    attempts: int = 5,
    first_delay: float = 0.2,
    changes_data: bool = True,
) -> T:
    """Run `work` in one write transaction; retry the whole transaction, with backoff, only
    when the database was busy or the transaction conflicted — never on bad data. An edit of
    a record whose version moved on (SQLAlchemy's version counter) is refused, not retried."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            with write_session(engine, changes_data=changes_data) as session:
                return work(session)
        except StaleDataError as e:
            raise StaleEdit(STALE_EDIT_MESSAGE) from e
        except DBAPIError as e:
            if not is_transient(e) or attempt == attempts:
                if is_transient(e):
                    raise DatabaseBusy(
                        f"Cơ sở dữ liệu đang bận sau {attempts} lần thử; hãy thử lại sau ít phút."
                    ) from e
                raise
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")
