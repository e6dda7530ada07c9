"""Batched bulk inserts for the demo generator: ids assigned in Python, parents flushed first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from enum import Enum
from itertools import repeat
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Column, Date, DateTime, Numeric, Table, func, select, text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Session

from models import (
    Attendance,
    Base,
    Candidate,
    CandidateStep,
    Comment,
    Congress,
    Course,
    Disposition,
    Draft,
    DraftSection,
    Inspection,
    Organisation,
    OrgLink,
    Remedy,
    SessionRole,
    Submission,
    TrainingSession,
    YearFigures,
)
from models.base import utcnow

# Foreign keys point only backwards in this order, so flushing every buffer in it is always safe.
TABLE_ORDER: tuple[type[Base], ...] = (
    Organisation,
    OrgLink,
    Congress,
    Candidate,
    CandidateStep,
    Inspection,
    Remedy,
    Draft,
    DraftSection,
    Submission,
    Comment,
    Disposition,
    Course,
    TrainingSession,
    SessionRole,
    Attendance,
    YearFigures,
)

Row = dict[str, Any]
SQLITE_CACHE_KIB = 256 * 1024
Convert = Callable[[Any], Any]


class _Memo(dict[Any, Any]):
    """A conversion computed once per distinct value; its lookups run at C speed in map().

    The demo's dates, shares and codes take a few thousand distinct values between them.
    """

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self._convert = convert

    def __missing__(self, key: Any) -> Any:
        value = None if key is None else self._convert(key)
        self[key] = value
        return value


_iso: Convert = _Memo(date.isoformat).__getitem__
_float: Convert = _Memo(float).__getitem__
_code: Convert = _Memo(
    lambda member: member.value if isinstance(member, Enum) else member
).__getitem__


def _converter(column: Column[Any], sqlite: bool) -> Convert | None:
    """How a value reaches the driver as SQLAlchemy would have stored it (None: as it is)."""
    kind = column.type
    if isinstance(kind, SAEnum):
        # psycopg would write an enum's name; sqlite3 binds a StrEnum member as its code.
        return None if sqlite else _code
    if sqlite and isinstance(kind, Date) and not isinstance(kind, DateTime):
        return _iso
    if sqlite and isinstance(kind, Numeric):
        return _float
    return None


class BulkWriter:
    """Buffers rows per table and hands them to the driver in batches, parents' tables first.

    The rows skip SQLAlchemy's per-value bind processing (the bulk of the time at city scale):
    each column's conversion is decided once per table, from its SQLAlchemy type.
    """

    def __init__(self, session: Session, *, batch_rows: int = 20_000) -> None:
        self._session = session
        self._batch_rows = batch_rows
        self._buffers: dict[type[Base], list[Row]] = {m: [] for m in TABLE_ORDER}
        self._buffered = 0
        self._postgresql = session.get_bind().dialect.name == "postgresql"
        now = utcnow()
        # The timestamps every row shares, in the form SQLAlchemy writes them.
        self._stamp: Any = now if self._postgresql else now.strftime("%Y-%m-%d %H:%M:%S.%f")
        self.counts: Counter[str] = Counter()
        if not self._postgresql:
            # A large page cache keeps the indexes in memory while hundreds of thousands of
            # rows go in (the default 2 MB spills and re-reads them); reset in finish().
            session.execute(text(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}"))
        maxima = session.execute(
            select(*(select(func.max(m.id)).scalar_subquery() for m in TABLE_ORDER))
        ).one()
        self._next_id = {m: (top or 0) + 1 for m, top in zip(TABLE_ORDER, maxima, strict=True)}

    def new_id(self, model: type[Base]) -> int:
        """Reserve the next id of a table, so children can name their parent before it is written."""
        value = self._next_id[model]
        self._next_id[model] = value + 1
        return value

    def add(self, model: type[Base], row: Row) -> int:
        """Queue a row (an id is reserved when it has none); returns its id."""
        row_id = row.get("id")
        if row_id is None:
            row_id = row["id"] = self.new_id(model)
        self._buffers[model].append(row)
        self._buffered += 1
        if self._buffered >= self._batch_rows:
            self.flush()
        return int(row_id)

    def flush(self) -> None:
        """Insert every queued row, parents' tables first."""
        for model in TABLE_ORDER:
            rows = self._buffers[model]
            if rows:
                self._insert(cast(Table, model.__table__), rows)
                self.counts[model.__tablename__] += len(rows)
                self._buffers[model] = []
        self._buffered = 0

    def _insert(self, table: Table, rows: list[Row]) -> None:
        columns = list(rows[0])
        # Column by column with map() and zip(): the per-value work stays in C.
        cells: list[Iterator[Any]] = []
        for name in columns:
            values = map(itemgetter(name), rows)
            convert = _converter(table.c[name], not self._postgresql)
            cells.append(map(convert, values) if convert else values)
        lines = zip(*cells, repeat(self._stamp), repeat(self._stamp), strict=False)
        names = ", ".join(f'"{c}"' for c in [*columns, "created_at", "updated_at"])
        raw = self._session.connection().connection.driver_connection
        assert raw is not None
        if self._postgresql:
            # psycopg sends an executemany row by row; COPY is one stream.
            with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for line in lines:
                    copy.write_row(line)
        else:
            marks = ", ".join("?" * (len(columns) + 2))
            raw.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', lines)

    def finish(self) -> None:
        """Flush, and on PostgreSQL move each id sequence past the ids given explicitly."""
        self.flush()
        if not self._postgresql:
            session_default = -2000  # SQLite's default cache: 2,000 KiB
            self._session.execute(text(f"PRAGMA cache_size = {session_default}"))
            return
        for model in TABLE_ORDER:
            table = model.__tablename__
            self._session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
            )
