"""Batched bulk inserts for the demo generator: ids assigned in Python, parents flushed first."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from enum import Enum
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text
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


def _plain(value: Any) -> Any:
    """Enum members go in as their stored codes (psycopg would write their names)."""
    return value.value if isinstance(value, Enum) else value


class BulkWriter:
    """Buffers rows per table and inserts them with one executemany per table and batch."""

    def __init__(self, session: Session, *, batch_rows: int = 20_000) -> None:
        self._session = session
        self._batch_rows = batch_rows
        self._buffers: dict[type[Base], list[Row]] = {m: [] for m in TABLE_ORDER}
        self._buffered = 0
        self._now: datetime = utcnow()
        self._postgresql = session.get_bind().dialect.name == "postgresql"
        self.counts: Counter[str] = Counter()
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
        row["created_at"] = row["updated_at"] = self._now
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
                if self._postgresql:
                    self._copy(model.__tablename__, rows)
                else:
                    # Core insert of the table: one executemany, whatever values are None.
                    self._session.execute(insert(cast(Table, model.__table__)), rows)
                self.counts[model.__tablename__] += len(rows)
                self._buffers[model] = []
        self._buffered = 0

    def _copy(self, table: str, rows: list[Row]) -> None:
        """PostgreSQL: COPY the rows in, on the session's own connection and transaction.

        psycopg sends an executemany row by row; COPY is one stream, many times faster.
        """
        columns = list(rows[0])
        raw = self._session.connection().connection.driver_connection
        assert raw is not None
        names = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_plain(row[c]) for c in columns])

    def finish(self) -> None:
        """Flush, and on PostgreSQL move each id sequence past the ids given explicitly."""
        self.flush()
        if not self._postgresql:
            return
        for model in TABLE_ORDER:
            table = model.__tablename__
            self._session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
            )
