"""Set-based writes by key: the diff-then-executemany upsert, and IN lists in chunks.

`upsert` reads (or is given) the stored rows by key, compares the fields, and then, one
executemany each: deletes the gone (when asked), updates the changed, inserts the new. Every
function here is keyword-only with the session first and never commits: the caller's
transaction holds the whole write. Callers build their audit rows from what `upsert` returns.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, Unpack, cast

from sqlalchemy import ColumnElement, Row, Select, Table, bindparam, tuple_
from sqlalchemy import delete as sql_delete
from sqlalchemy import insert as sql_insert
from sqlalchemy import select as sql_select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import QueryableAttribute, Session

from models.base import Base

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
AnySelect = Select[Unpack[tuple[Any, ...]]]  # noqa: UP044
AnyRow = Row[Unpack[tuple[Any, ...]]]  # noqa: UP044
InColumn = ColumnElement[Any] | QueryableAttribute[Any]  # a column, or tuple_(...) of several

# Values per IN list: the databases cap bound parameters per statement (SQLite 32,766,
# PostgreSQL 65,535), and a national registry is ~52,000 codes.
IN_CHUNK = 5000


def chunked(values: Sequence[T], *, size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """Slices of at most `size` values, in order."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def select_in(
    session: Session,
    stmt: AnySelect,
    *,
    column: InColumn,
    values: Sequence[Any],
    size: int = IN_CHUNK,
) -> list[AnyRow]:
    """`stmt` restricted to `column IN values`, one statement per `size` values (none for no
    values); `column` may be a `tuple_(...)` with tuples for values."""
    rows: list[AnyRow] = []
    for part in chunked(values, size=size):
        rows.extend(session.execute(stmt.where(column.in_(part))))
    return rows


def mappings_in(
    session: Session,
    stmt: AnySelect,
    *,
    column: InColumn,
    values: Sequence[Any],
    size: int = IN_CHUNK,
) -> list[dict[str, Any]]:
    """`select_in`, each row as a dict of its column names."""
    rows: list[dict[str, Any]] = []
    for part in chunked(values, size=size):
        rows.extend(dict(r) for r in session.execute(stmt.where(column.in_(part))).mappings())
    return rows


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _key_column(model: type[Base], key: Sequence[str]) -> ColumnElement[Any]:
    table = _table(model)
    if len(key) == 1:
        return table.c[key[0]]
    return tuple_(*(table.c[k] for k in key))


def existing_rows(
    session: Session,
    *,
    model: type[Base],
    key: Sequence[str],
    columns: Sequence[str],
    keys: Sequence[Any],
    where: ColumnElement[bool] | None = None,
) -> dict[Any, dict[str, Any]]:
    """The stored rows of `model` whose `key` columns are among `keys` (and match `where`):
    id, key columns and `columns`, by key (the value for a one-column key, else a tuple)."""
    table = _table(model)
    names = list(dict.fromkeys(["id", *key, *columns]))
    stmt = sql_select(*(table.c[n] for n in names))
    if where is not None:
        stmt = stmt.where(where)
    found: dict[Any, dict[str, Any]] = {}
    for r in mappings_in(session, stmt, column=_key_column(model, key), values=keys):
        k = r[key[0]] if len(key) == 1 else tuple(r[c] for c in key)
        found[k] = dict(r)
    return found


def insert_rows(
    session: Session,
    *,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    render_nulls: bool = False,
    returning: bool = False,
) -> list[int]:
    """Insert the rows in one executemany; their new ids in row order when `returning`.

    `render_nulls`: a None is written as NULL (one batch for all rows) instead of leaving the
    column to its default."""
    if not rows:
        return []
    if render_nulls and _same_keys(rows):
        # Every row names every column it writes: a Core executemany says the same as the
        # ORM's bulk insert with render_nulls, without the ORM's per-row bookkeeping (a third
        # of a 10,000-row import's time).
        table = _table(model)
        core = table.insert()
        if not returning:
            session.execute(core, list(rows))
            return []
        result = session.execute(
            core.returning(table.c.id, sort_by_parameter_order=True), list(rows)
        )
        return [int(r[0]) for r in result]
    stmt = sql_insert(model)
    if render_nulls:
        stmt = stmt.execution_options(render_nulls=True)
    if not returning:
        session.execute(stmt, list(rows))
        return []
    # insertmanyvalues keeps RETURNING in parameter order (sort_by_parameter_order).
    result = session.execute(stmt.returning(model.id, sort_by_parameter_order=True), list(rows))
    return [int(r[0]) for r in result]


def _same_keys(rows: Sequence[Mapping[str, Any]]) -> bool:
    first = rows[0].keys()
    return all(r.keys() == first for r in rows)


def update_rows(
    session: Session,
    *,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    key: Sequence[str] = ("id",),
    bump_version: bool = False,
    also_set: Mapping[str, Any] | None = None,
) -> None:
    """Update `fields` of the rows matching each row's `key` values, in one Core executemany
    (the ORM's bulk update would neither bump a version counter nor take other WHERE keys).
    Each row maps the key columns and the fields; `b_version`, when present, must match the
    stored version. `bump_version`: version = version + 1; `also_set`: constant values."""
    if not rows:
        return
    table = _table(model)
    where = [table.c[k] == bindparam(f"b_{k}") for k in key]
    if "b_version" in rows[0]:
        where.append(table.c.version == bindparam("b_version"))
    values: dict[str, Any] = {f: bindparam(f) for f in fields} | dict(also_set or {})
    if bump_version:
        values["version"] = table.c.version + 1
    params = [
        {**{f"b_{k}": r[k] for k in key}, **{f: r[f] for f in (*fields, "b_version") if f in r}}
        for r in rows
    ]
    session.execute(sql_update(table).where(*where).values(values), params)


def delete_rows(session: Session, *, model: type[Base], ids: Sequence[int]) -> None:
    """Delete the rows with these ids, one statement per IN_CHUNK ids."""
    table = _table(model)
    for part in chunked(ids):
        session.execute(sql_delete(table).where(table.c.id.in_(part)))


@dataclass(frozen=True)
class Upserted(Generic[K]):
    """What an upsert did, by key: created and updated in the order wanted, deleted in the
    order stored; `ids` holds every wanted key's row id (created ones only with returning)."""

    created: list[K]
    updated: list[K]
    deleted: list[K]
    ids: dict[K, int]


def diff(
    existing: Mapping[K, Mapping[str, Any]],
    wanted: Mapping[K, Mapping[str, Any]],
    *,
    fields: Sequence[str],
    delete_gone: bool = False,
) -> tuple[list[K], list[K], list[K]]:
    """(new, changed, gone) keys: wanted and not stored; stored and wanted with a field that
    differs; stored and not wanted (only with `delete_gone`)."""
    new = [k for k in wanted if k not in existing]
    changed = [
        k
        for k, values in wanted.items()
        if k in existing and any(existing[k][f] != values[f] for f in fields)
    ]
    gone = [k for k in existing if k not in wanted] if delete_gone else []
    return new, changed, gone


def upsert(
    session: Session,
    *,
    model: type[Base],
    wanted: Mapping[K, Mapping[str, Any]],
    fields: Sequence[str],
    existing: Mapping[K, Mapping[str, Any]] | None = None,
    key: Sequence[str] = (),
    where: ColumnElement[bool] | None = None,
    delete_gone: bool = False,
    render_nulls: bool = False,
    returning: bool = False,
    bump_version: bool = False,
    match_version: bool = False,
) -> Upserted[K]:
    """Make the stored rows of `model` say what `wanted` says, by key.

    `wanted` maps each key to the full row to insert (key columns included); `fields` are the
    columns compared and updated. `existing` maps keys to stored rows (`id`, the fields, and
    `version` with `match_version`); when it is not given the rows are read by the `key`
    columns (and `where`). With `delete_gone`, stored rows not wanted are deleted. Writes go
    deletes, updates, inserts, one executemany each."""
    if existing is None:
        if not key:
            raise ValueError("upsert needs the stored rows or the key columns to read them by")
        extra = ("version",) if match_version else ()
        existing = existing_rows(
            session, model=model, key=key, columns=(*fields, *extra), keys=list(wanted), where=where
        )
    new, changed, gone = diff(existing, wanted, fields=fields, delete_gone=delete_gone)
    delete_rows(session, model=model, ids=[int(existing[k]["id"]) for k in gone])
    update_rows(
        session,
        model=model,
        rows=[
            {
                "id": existing[k]["id"],
                **({"b_version": existing[k]["version"]} if match_version else {}),
                **{f: wanted[k][f] for f in fields},
            }
            for k in changed
        ],
        fields=fields,
        bump_version=bump_version,
    )
    created = insert_rows(
        session,
        model=model,
        rows=[wanted[k] for k in new],
        render_nulls=render_nulls,
        returning=returning,
    )
    ids = {k: int(existing[k]["id"]) for k in wanted if k in existing}
    ids.update(zip(new, created, strict=False))
    return Upserted(created=new, updated=changed, deleted=gone, ids=ids)
