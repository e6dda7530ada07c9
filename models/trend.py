"""The trend cache (DESIGN.md "Decision support (exact)"): a stage summary of a scope on a day,
kept by (scope, day, plan, year, data version). A write moves the data version, so a point
filed under an older one is never read again (and is dropped when newer points are stored)."""

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
    and_,
    delete,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base
from models.bulk import chunked


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
    session: Session, *, org_id: int, keys: Sequence[PointKey], year: int | None, version: int
) -> dict[PointKey, dict[str, Any]]:
    """The stored points among `keys` for this scope, year and data version."""
    found = cached_points_of(session, org_ids=[org_id], keys=keys, year=year, version=version)
    return found.get(org_id, {})


def cached_points_of(
    session: Session,
    *,
    org_ids: Sequence[int],
    keys: Sequence[PointKey],
    year: int | None,
    version: int,
) -> dict[int, dict[PointKey, dict[str, Any]]]:
    """The stored points among `keys` of each of these scopes (by id; a scope with none is
    absent), for this year and data version: one statement per IN_CHUNK scopes."""
    days = sorted({day for day, _ in keys})
    wanted = set(keys)
    found: dict[int, dict[PointKey, dict[str, Any]]] = {}
    if not days:
        return found
    for part in chunked(list(org_ids)):
        rows = session.execute(
            select(TrendPoint.org_id, TrendPoint.day, TrendPoint.plan, TrendPoint.stages).where(
                TrendPoint.org_id.in_(part),
                TrendPoint.year == (year or 0),
                TrendPoint.data_version == version,
                TrendPoint.day.in_(days),
            )
        )
        for org_id, day, plan, stages in rows:
            if (day, plan) in wanted:
                found.setdefault(org_id, {})[(day, plan)] = json.loads(stages)
    return found


def store_points(
    session: Session,
    *,
    org_id: int,
    points: Mapping[PointKey, Mapping[str, Any]],
    year: int | None,
    version: int,
) -> None:
    """File computed points (ignoring any another process filed meanwhile) and drop this
    scope's points of older data versions."""
    store_points_of(session, points={org_id: points}, year=year, version=version)


def store_points_of(
    session: Session,
    *,
    points: Mapping[int, Mapping[PointKey, Mapping[str, Any]]],
    year: int | None,
    version: int,
) -> None:
    """store_points for many scopes (by id) at once: one statement per IN_CHUNK scopes to drop
    their older versions' points and one to read what is already filed, one executemany."""
    org_ids = [org_id for org_id, own in points.items() if own]
    keys = sorted({key for org_id in org_ids for key in points[org_id]})
    for part in chunked(org_ids):
        session.execute(
            delete(TrendPoint).where(
                and_(TrendPoint.org_id.in_(part), TrendPoint.data_version < version)
            )
        )
    have = cached_points_of(session, org_ids=org_ids, keys=keys, year=year, version=version)
    rows: Iterable[dict[str, Any]] = (
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
        if (day, plan) not in have.get(org_id, {})
    )
    batch = list(rows)
    if batch:
        session.execute(insert(TrendPoint), batch)
