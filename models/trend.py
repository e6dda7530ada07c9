"""The trend cache (DESIGN.md "Decision support (exact)"): a stage summary of a scope on a day,
kept by (scope, day, plan, year) with the data version it was computed under. A point is read
again under a later version while no write since touched its scope's subtree on or before its
day (models.changes: a write that did not say what it touched touches everything); a point
recomputed replaces the older one of its key."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    delete,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base
from models.bulk import chunked
from models.changes import KEEP_VERSIONS, changes_between


class TrendPoint(Base):
    """One trend point: the stage summaries (JSON text) of a scope as of a day."""

    __tablename__ = "trend_point"
    __table_args__ = (
        Index("uq_trend_point_key", "org_id", "day", "plan", "year", "data_version", unique=True),
    )

    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    plan: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column()  # 0: no --year given
    data_version: Mapped[int] = mapped_column(BigInteger)
    stages: Mapped[str] = mapped_column(Text)


PointKey = tuple[date, str]  # (day, plan)


def cached_points(
    session: Session,
    *,
    org_id: int,
    path: str,
    keys: Sequence[PointKey],
    year: int | None,
    version: int,
) -> dict[PointKey, dict[str, Any]]:
    """The stored points among `keys` for this scope (id, path) and year that are still
    valid under `version`."""
    found = cached_points_of(
        session, org_paths={org_id: path}, keys=keys, year=year, version=version
    )
    return found.get(org_id, {})


def cached_points_of(
    session: Session,
    *,
    org_paths: Mapping[int, str],
    keys: Sequence[PointKey],
    year: int | None,
    version: int,
) -> dict[int, dict[PointKey, dict[str, Any]]]:
    """The stored points among `keys` of each of these scopes (id → path; a scope with none
    is absent) for this year that are valid under `version`: each key's newest point filed
    under `version` or before, kept when the change log since says no write touched it. One
    statement per IN_CHUNK scopes, and one for the log."""
    days = sorted({day for day, _ in keys})
    wanted = set(keys)
    newest: dict[tuple[int, PointKey], tuple[int, str]] = {}
    if not days:
        return {}
    for part in chunked(list(org_paths)):
        rows = session.execute(
            select(
                TrendPoint.org_id,
                TrendPoint.day,
                TrendPoint.plan,
                TrendPoint.data_version,
                TrendPoint.stages,
            ).where(
                TrendPoint.org_id.in_(part),
                TrendPoint.year == (year or 0),
                TrendPoint.data_version <= version,
                TrendPoint.day.in_(days),
            )
        )
        for org_id, day, plan, filed, stages in rows:
            key = (int(org_id), (day, plan))
            if key[1] in wanted and (key not in newest or newest[key][0] < filed):
                newest[key] = (int(filed), stages)
    if not newest:
        return {}
    log = changes_between(session, after=min(f for f, _ in newest.values()), upto=version)
    found: dict[int, dict[PointKey, dict[str, Any]]] = {}
    for (org_id, point), (filed, stages) in newest.items():
        if log.reusable(path=org_paths[org_id], day=point[0], filed=filed):
            found.setdefault(org_id, {})[point] = json.loads(stages)
    return found


def store_points(
    session: Session,
    *,
    org_id: int,
    points: Mapping[PointKey, Mapping[str, Any]],
    year: int | None,
    version: int,
) -> None:
    """File computed points (ignoring any another process filed meanwhile) in place of this
    scope's older ones of the same days."""
    store_points_of(session, points={org_id: points}, year=year, version=version)


def store_points_of(
    session: Session,
    *,
    points: Mapping[int, Mapping[PointKey, Mapping[str, Any]]],
    year: int | None,
    version: int,
) -> None:
    """store_points for many scopes (by id) at once: per IN_CHUNK scopes, one statement drops
    their older points of these days (and any too old for the change log to vouch for) and
    one reads what is already filed under this version; then one executemany."""
    org_ids = [org_id for org_id, own in points.items() if own]
    days = sorted({day for org_id in org_ids for day, _ in points[org_id]})
    for part in chunked(org_ids):
        session.execute(
            delete(TrendPoint).where(
                TrendPoint.org_id.in_(part),
                TrendPoint.year == (year or 0),
                TrendPoint.data_version < version,
                TrendPoint.day.in_(days),
            )
        )
        session.execute(
            delete(TrendPoint).where(
                TrendPoint.org_id.in_(part),
                TrendPoint.data_version <= version - KEEP_VERSIONS,
            )
        )
    have: set[tuple[int, date, str]] = set()
    for part in chunked(org_ids):
        rows = session.execute(
            select(TrendPoint.org_id, TrendPoint.day, TrendPoint.plan).where(
                TrendPoint.org_id.in_(part),
                TrendPoint.year == (year or 0),
                TrendPoint.data_version == version,
                TrendPoint.day.in_(days),
            )
        )
        have.update((int(o), d, p) for o, d, p in rows)
    rows_in: Iterable[dict[str, Any]] = (
        {
            "org_id": org_id,
            "day": day,
            "plan": plan,
            "year": year or 0,
            "data_version": version,
            "stages": json.dumps(stages, ensure_ascii=False),
        }
        for org_id in org_ids
        for (day, plan), stages in points[org_id].items()
        if (org_id, day, plan) not in have
    )
    batch = list(rows_in)
    if batch:
        session.execute(insert(TrendPoint), batch)
