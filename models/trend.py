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
    days = sorted({day for day, _ in keys})
    found: dict[PointKey, dict[str, Any]] = {}
    for part in chunked(days):
        rows = session.execute(
            select(TrendPoint.day, TrendPoint.plan, TrendPoint.stages).where(
                TrendPoint.org_id == org_id,
                TrendPoint.year == (year or 0),
                TrendPoint.data_version == version,
                TrendPoint.day.in_(part),
            )
        )
        for day, plan, stages in rows:
            found[(day, plan)] = json.loads(stages)
    wanted = set(keys)
    return {k: v for k, v in found.items() if k in wanted}


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
    session.execute(
        delete(TrendPoint).where(
            and_(TrendPoint.org_id == org_id, TrendPoint.data_version < version)
        )
    )
    have = cached_points(session, org_id=org_id, keys=list(points), year=year, version=version)
    rows: Iterable[dict[str, Any]] = (
        {
            "org_id": org_id,
            "day": day,
            "plan": plan,
            "year": year or 0,
            "data_version": version,
            "stages": json.dumps(stages, ensure_ascii=False),
        }
        for (day, plan), stages in points.items()
        if (day, plan) not in have
    )
    batch = list(rows)
    if batch:
        session.execute(insert(TrendPoint), batch)
