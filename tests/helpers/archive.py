"""The report archive's rows and a count of SQL statements, for the report batch tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, select

from models.db import read_session
from models.records import ReportArchive


def archive_rows(*left_out: str) -> list[tuple[Any, ...]]:
    """Every archive row's values but its id, timestamps and `left_out`, in the order written."""
    table = ReportArchive.__table__
    skip = {"id", "created_at", "updated_at", *left_out}
    columns = [c for c in table.c if c.name not in skip]
    with read_session() as session:
        return [tuple(r) for r in session.execute(select(*columns).order_by(table.c.id))]


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements `engine` runs inside the block, in order."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
