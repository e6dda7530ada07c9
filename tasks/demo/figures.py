"""Demo yearly figures for the letter's six targets: some met, some not, a few rows missing."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from decimal import Decimal

from models import YearFigures
from models.enums import OrgKind, Rating
from tasks.demo.units import Unit
from tasks.demo.writer import BulkWriter

GRASSROOTS = (OrgKind.CHI_BO_CO_SO, OrgKind.DANG_BO_CO_SO)
REPORTING = (*GRASSROOTS, OrgKind.CHI_BO_TRUC_THUOC)


def _organisation_ratings(rng: random.Random, count: int, weak: bool) -> list[Rating]:
    """Ratings by quota, so the >90% target lands the same side of the line for every seed."""
    modest = math.ceil(count * (0.12 if weak else 0.05))
    failing = 1 if count >= 20 else 0
    out = [Rating.HOAN_THANH] * modest + [Rating.KHONG] * failing
    while len(out) < count:
        out.append(Rating.XUAT_SAC if rng.random() < 0.3 else Rating.TOT)
    rng.shuffle(out)
    return out[:count]


class FigureMaker:
    """Writes the previous two years' figures of grassroots units and chi bộ trực thuộc."""

    def __init__(self, writer: BulkWriter, rng: random.Random, latest_year: int) -> None:
        self.writer = writer
        self.rng = rng
        self.latest = latest_year

    def run(self, units: Iterable[Unit]) -> None:
        """Both years for every reporting unit, except a few grassroots cells' latest year."""
        rng = self.rng
        reporting = [u for u in units if u.active and u.kind in REPORTING and u.parent is not None]
        cells = [u for u in reporting if u.kind is OrgKind.CHI_BO_CO_SO]
        missing = set(rng.sample(cells, min(len(cells), max(2, len(cells) // 50))))
        grassroots = [u for u in reporting if u.kind in GRASSROOTS]
        for year in (self.latest - 1, self.latest):
            weak = year < self.latest
            ratings = iter(_organisation_ratings(rng, len(grassroots), weak))
            unreviewed = rng.choice(
                [u for u in reporting if u.kind is OrgKind.CHI_BO_TRUC_THUOC] or reporting
            )
            late_1793 = rng.choice(
                [u for u in grassroots if u.kind is OrgKind.DANG_BO_CO_SO] or grassroots
            )
            for unit in reporting:
                if unit.kind in GRASSROOTS:
                    rating = next(ratings)
                else:
                    rating = rng.choices(tuple(Rating), weights=(25, 65, 9, 1))[0]
                if year == self.latest and unit in missing:
                    continue
                self._row(unit, year, weak, rating, unit is unreviewed, unit is late_1793 and weak)

    def _row(
        self, unit: Unit, year: int, weak: bool, rating: Rating, unreviewed: bool, no_1793: bool
    ) -> None:
        rng = self.rng
        total = unit.members + unit.probationary
        if weak:
            total = max(1, total - rng.randint(-3, 4))
        short = rng.randint(1, 3) if rng.random() < (0.15 if weak else 0.08) else 0
        registered = max(0, total - short)
        unrated = rng.randint(0, min(2, total // 10))
        failing = 1 if total >= 15 and rng.random() < 0.05 else 0
        modest = round(total * rng.uniform(0.06, 0.14) if weak else total * rng.uniform(0.02, 0.08))
        excellent = round(total * rng.uniform(0.12, 0.25))
        modest = min(modest, max(0, total - unrated - failing))
        excellent = min(excellent, max(0, total - unrated - failing - modest))
        good = max(0, total - unrated - failing - modest - excellent)
        full = rng.random() < (0.5 if weak else 0.88)
        digitised = Decimal(100) if full else Decimal(rng.randint(600 if weak else 850, 995)) / 10
        self.writer.add(
            YearFigures,
            {
                "org_id": unit.id,
                "year": year,
                "members_total": total,
                "registered": registered,
                "reviewed": not (unreviewed or (weak and rng.random() < 0.05)),
                "org_rating": rating,
                "n_xuat_sac": excellent,
                "n_tot": good,
                "n_hoan_thanh": modest,
                "n_khong": failing,
                "applies_1793": not no_1793
                if unit.kind is OrgKind.DANG_BO_CO_SO
                else rng.random() < 0.9,
                "digitised_pct": digitised,
            },
        )
