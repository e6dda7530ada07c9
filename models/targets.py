"""Yearly figures per unit for the six targets (chỉ tiêu) of the letter."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, db_enum
from models.enums import Rating


class YearFigures(Base):
    """A unit's figures for one year (form danh-gia)."""

    __tablename__ = "year_figures"
    __table_args__ = (
        Index("uq_year_figures_org_year", "org_id", "year", unique=True),
        CheckConstraint("members_total >= 0", name="members_total_nonneg"),
        CheckConstraint("registered >= 0 AND registered <= members_total", name="registered_range"),
        CheckConstraint(
            "n_xuat_sac >= 0 AND n_tot >= 0 AND n_hoan_thanh >= 0 AND n_khong >= 0",
            name="ratings_nonneg",
        ),
        CheckConstraint(
            "n_xuat_sac + n_tot + n_hoan_thanh + n_khong <= members_total", name="ratings_le_total"
        ),
        CheckConstraint("digitised_pct >= 0 AND digitised_pct <= 100", name="digitised_range"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column()
    members_total: Mapped[int] = mapped_column()
    registered: Mapped[int] = mapped_column()
    reviewed: Mapped[bool] = mapped_column()
    org_rating: Mapped[Rating] = mapped_column(db_enum(Rating, "rating"))
    n_xuat_sac: Mapped[int] = mapped_column()
    n_tot: Mapped[int] = mapped_column()
    n_hoan_thanh: Mapped[int] = mapped_column()
    n_khong: Mapped[int] = mapped_column()
    applies_1793: Mapped[bool] = mapped_column()
    digitised_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
