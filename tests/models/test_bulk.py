"""models.bulk: the diff-then-executemany upsert and chunked IN lists, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from models import Course, Remedy
from models.bulk import (
    IN_CHUNK,
    chunked,
    delete_rows,
    existing_rows,
    insert_rows,
    select_in,
    update_rows,
    upsert,
)
from models.db import read_session, write_session
from models.enums import RemedyStatus
from tests.helpers.records import make_record
from tests.helpers.workbooks import seed_tree

pytestmark = pytest.mark.db

# More values than either database binds in one statement (SQLite 32,766; PostgreSQL 65,535).
PAST_THE_LIMIT = 70_000
SQLITE_DEFAULT_LIMIT = 32_766


@contextmanager
def writes(engine: Engine, table: str = "course") -> Iterator[list[str]]:
    """The INSERT / UPDATE / DELETE statements run on `table` meanwhile (a write transaction's
    own bookkeeping, such as the data version, is not counted)."""
    seen: list[str] = []
    target = re.compile(rf'^(INSERT INTO|UPDATE|DELETE FROM) "?{table}"?\b', re.IGNORECASE)

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        found = target.match(statement.lstrip())
        if found:
            seen.append(found.group(1).split()[0].upper())

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _courses(session: Session) -> dict[str, str]:
    return {str(c): str(t) for c, t in session.execute(select(Course.code, Course.title))}


def _seed_courses(engine: Engine, titles: dict[str, str]) -> dict[str, int]:
    with write_session(engine) as s:
        ids = insert_rows(
            s,
            model=Course,
            rows=[{"code": c, "title": t} for c, t in titles.items()],
            returning=True,
        )
    return dict(zip(titles, ids, strict=True))


def _wanted(titles: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {c: {"code": c, "title": t} for c, t in titles.items()}


def test_upsert_inserts_the_new_updates_the_changed_and_keeps_the_same(engine: Engine) -> None:
    ids = _seed_courses(engine, {"A": "Một", "B": "Hai"})
    with write_session(engine) as s:
        done = upsert(
            s,
            model=Course,
            wanted=_wanted({"A": "Một", "B": "Hai (sửa)", "C": "Ba"}),
            fields=("title",),
            key=("code",),
            returning=True,
        )
    assert (done.created, done.updated, done.deleted) == (["C"], ["B"], [])
    assert done.ids["A"] == ids["A"] and done.ids["B"] == ids["B"]
    with read_session(engine) as s:
        assert _courses(s) == {"A": "Một", "B": "Hai (sửa)", "C": "Ba"}
        assert s.scalar(select(Course.id).where(Course.code == "C")) == done.ids["C"]


def test_upsert_deletes_the_gone_only_when_asked(engine: Engine) -> None:
    _seed_courses(engine, {"A": "Một", "B": "Hai"})
    with write_session(engine) as s:
        kept = upsert(
            s, model=Course, wanted=_wanted({"A": "Một"}), fields=("title",), key=("code",)
        )
        existing = existing_rows(
            s, model=Course, key=("code",), columns=("title",), keys=["A", "B"]
        )
        gone = upsert(
            s,
            model=Course,
            wanted=_wanted({"A": "Một"}),
            fields=("title",),
            existing=existing,
            delete_gone=True,
        )
    assert kept.deleted == []
    assert gone.deleted == ["B"]
    with read_session(engine) as s:
        assert _courses(s) == {"A": "Một"}


def test_upsert_with_nothing_changed_writes_nothing(engine: Engine) -> None:
    _seed_courses(engine, {"A": "Một", "B": "Hai"})
    with writes(engine) as seen, write_session(engine) as s:
        done = upsert(
            s,
            model=Course,
            wanted=_wanted({"A": "Một", "B": "Hai"}),
            fields=("title",),
            key=("code",),
            delete_gone=True,
        )
    assert (done.created, done.updated, done.deleted) == ([], [], [])
    assert seen == []


def test_upsert_writes_one_executemany_per_kind_of_change(engine: Engine) -> None:
    _seed_courses(engine, {f"K{i}": "cũ" for i in range(30)})
    wanted = _wanted({**{f"K{i}": "mới" for i in range(10)}, **{f"N{i}": "mới" for i in range(20)}})
    existing_keys = [f"K{i}" for i in range(30)]
    with write_session(engine) as s:
        existing = existing_rows(
            s, model=Course, key=("code",), columns=("title",), keys=existing_keys
        )
    with writes(engine) as seen, write_session(engine) as s:
        done = upsert(
            s,
            model=Course,
            wanted=wanted,
            fields=("title",),
            existing=existing,
            delete_gone=True,
        )
    assert (len(done.created), len(done.updated), len(done.deleted)) == (20, 10, 20)
    # Deletes, then updates, then inserts: one statement each (SQLite's executemany and
    # PostgreSQL's batched INSERT count as one here; a row-by-row loop would not).
    assert [v for i, v in enumerate(seen) if i == 0 or seen[i - 1] != v] == [
        "DELETE",
        "UPDATE",
        "INSERT",
    ]
    assert seen.count("DELETE") == 1


def _remedy(engine: Engine) -> tuple[int, int]:
    """One remedy of an inspection of CB-A: (inspection id, remedy id)."""
    seed_tree()
    _model, remedy_id, _field = make_record("remedy")
    with read_session(engine) as s:
        remedy = s.get(Remedy, remedy_id)
        assert remedy is not None
        return remedy.inspection_id, remedy_id


def test_upsert_bumps_the_version_and_refuses_a_moved_one(engine: Engine) -> None:
    inspection_id, remedy_id = _remedy(engine)
    key = (inspection_id, 1)
    row = {
        "inspection_id": inspection_id,
        "seq": 1,
        "requirement": "Bổ sung biên bản và hồ sơ",
        "due_on": date(2025, 3, 1),
        "status": RemedyStatus.CHUA,
        "completed_on": None,
    }
    fields = ("requirement", "due_on", "status", "completed_on")
    with write_session(engine) as s:
        upsert(
            s,
            model=Remedy,
            wanted={key: row},
            fields=fields,
            key=("inspection_id", "seq"),
            bump_version=True,
            match_version=True,
        )
    with read_session(engine) as s:
        assert s.get(Remedy, remedy_id).version == 2  # type: ignore[union-attr]
    # Read at version 2, then someone else saves: the write of the stale copy changes nothing.
    with write_session(engine) as s:
        stale = existing_rows(
            s,
            model=Remedy,
            key=("inspection_id", "seq"),
            columns=(*fields, "version"),
            keys=[key],
        )
        update_rows(
            s,
            model=Remedy,
            rows=[{"id": remedy_id, "requirement": "Người khác sửa"}],
            fields=("requirement",),
            bump_version=True,
        )
        upsert(
            s,
            model=Remedy,
            wanted={key: {**row, "requirement": "Bản cũ"}},
            fields=fields,
            existing=stale,
            bump_version=True,
            match_version=True,
        )
    with read_session(engine) as s:
        stored = s.get(Remedy, remedy_id)
        assert stored is not None
        assert (stored.requirement, stored.version) == ("Người khác sửa", 3)


def test_chunked_slices_in_order() -> None:
    assert [list(p) for p in chunked([1, 2, 3, 4, 5], size=2)] == [[1, 2], [3, 4], [5]]
    assert list(chunked([], size=2)) == []
    assert IN_CHUNK * 2 < 32_766  # a two-column key's chunk still fits SQLite's limit


def _sqlite_default_limit(engine: Engine) -> None:
    """Hold SQLite to its default bind-parameter limit (a build may raise it, e.g. 250,000)."""
    if engine.dialect.name != "sqlite":
        return

    def limit(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, SQLITE_DEFAULT_LIMIT)

    event.listen(engine, "connect", limit)
    engine.dispose()


def test_reads_updates_and_deletes_past_the_bind_parameter_limit(engine: Engine) -> None:
    _sqlite_default_limit(engine)
    codes = [f"C{i:06d}" for i in range(PAST_THE_LIMIT)]
    _seed_courses(engine, dict.fromkeys(codes, "cũ"))
    with write_session(engine) as s:
        found = select_in(s, select(Course.code), column=Course.code, values=codes)
        assert len(found) == PAST_THE_LIMIT
        done = upsert(
            s,
            model=Course,
            wanted=_wanted(dict.fromkeys(codes, "mới")),
            fields=("title",),
            key=("code",),
        )
        assert len(done.updated) == PAST_THE_LIMIT and len(done.ids) == PAST_THE_LIMIT
        delete_rows(s, model=Course, ids=list(done.ids.values()))
    with read_session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Course)) == 0
