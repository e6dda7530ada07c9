"""The change log (DESIGN.md "Decision support (exact)"): what each move of the data version
touched, so a cached trend point survives the writes that cannot change it.

Every write transaction that moves the data version (models.db.write_session) files one or
more rows under the new version: `all` unless the transaction declared what it touched —
`path` rows (status facts of units at or under an organisation path, and, when the writer can
tell, none dated before `since`) or one `none` row (bookkeeping status never reads). A
transaction declares through `touch` / `touch_nothing` on its session, and only the code that
owns the whole transaction may: every status fact it writes must lie inside what it declared.

A point filed under version v is reusable under version V when every version in (v, V] has
its rows here (a pruned or unrecorded version counts as `all`) and none of them is `all` or
a `path` row overlapping the point's scope (one path a prefix of the other) with no `since`
or a `since` on or before the point's day.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import BigInteger, Date, Index, String, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base

# Versions whose rows are kept: an older point is recomputed (its versions count as `all`).
KEEP_VERSIONS = 20_000
_TOUCHED = "daihoi_data_touched"


class DataChange(Base):
    """What the write that made `version` touched: kind `all`, `none` or `path`."""

    __tablename__ = "data_change"
    __table_args__ = (Index("ix_data_change_version", "version"),)

    version: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8))
    org_path: Mapped[str | None] = mapped_column(String(512), nullable=True)
    since: Mapped[date | None] = mapped_column(Date, nullable=True)


def touch(session: Session, *, path: str, since: date | None = None) -> None:
    """Declare that this transaction writes status facts of units at or under `path` only
    (none dated before `since`, when given); several declarations add up."""
    touched: list[tuple[str, date | None]] = session.info.setdefault(_TOUCHED, [])
    touched.append((path, since))


def touch_nothing(session: Session) -> None:
    """Declare that this transaction writes nothing status reads (a register, a record);
    a `touch` in the same transaction still counts."""
    session.info.setdefault(_TOUCHED, [])


def record(session: Session, version: int) -> None:
    """File what the transaction moving the data version to `version` touched (its
    declarations, else `all`); drop the rows of versions no point can use any more."""
    touched: list[tuple[str, date | None]] | None = session.info.pop(_TOUCHED, None)
    if touched is None:
        rows = [{"version": version, "kind": "all", "org_path": None, "since": None}]
    elif not touched:
        rows = [{"version": version, "kind": "none", "org_path": None, "since": None}]
    else:
        rows = [
            {"version": version, "kind": "path", "org_path": path, "since": since}
            for path, since in dict.fromkeys(touched)
        ]
    session.execute(insert(DataChange), rows)
    if version % 1000 == 0:
        session.execute(delete(DataChange).where(DataChange.version <= version - KEEP_VERSIONS))


@dataclass
class Changes:
    """The log between two versions, indexed for the reuse test of many points."""

    upto: int
    versions: list[int]  # every version with rows, ascending
    alls: list[int]  # versions of `all` rows, ascending
    paths: list[str] = field(default_factory=list)  # distinct `path` paths, sorted
    by_path: dict[str, list[tuple[int, date | None]]] = field(default_factory=dict)

    def reusable(self, *, path: str, day: date, filed: int) -> bool:
        """Whether a point of the scope at `path` on `day`, filed under version `filed`,
        is still the one a computation under `upto` would give."""
        if filed > self.upto:
            return False
        if filed == self.upto:
            return True
        logged = bisect_right(self.versions, self.upto) - bisect_right(self.versions, filed)
        if logged != self.upto - filed:
            return False  # a version without rows (pruned, or moved outside write_session)
        if bisect_right(self.alls, self.upto) - bisect_right(self.alls, filed):
            return False
        return not any(
            filed < version <= self.upto and (since is None or since <= day)
            for other in self._overlapping(path)
            for version, since in self.by_path[other]
        )

    def _overlapping(self, path: str) -> list[str]:
        """The logged paths at or above `path` (its prefixes) and below it."""
        found = [p for p in _prefixes(path) if p in self.by_path]
        lo = bisect_left(self.paths, path)
        hi = bisect_left(self.paths, path + "\uffff")
        found.extend(p for p in self.paths[lo:hi] if p != path)
        return found


def _prefixes(path: str) -> list[str]:
    """'1/5/9/' → ['1/', '1/5/', '1/5/9/']."""
    parts = path.rstrip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def changes_between(session: Session, *, after: int, upto: int) -> Changes:
    """The log of the versions in (after, upto], read once for many points."""
    rows = session.execute(
        select(DataChange.version, DataChange.kind, DataChange.org_path, DataChange.since)
        .where(DataChange.version > after, DataChange.version <= upto)
        .order_by(DataChange.version)
    ).all()
    out = Changes(upto=upto, versions=sorted({int(r[0]) for r in rows}), alls=[])
    for version, kind, path, since in rows:
        if kind == "all" or (kind == "path" and path is None):
            out.alls.append(int(version))
        elif kind == "path":
            out.by_path.setdefault(str(path), []).append((int(version), since))
    out.paths = sorted(out.by_path)
    return out


def oldest(versions: Sequence[int], default: int) -> int:
    """The oldest of some filed versions (the log is read from there)."""
    return min(versions, default=default)
