"""The dashboard's heat map: the units of a status document filtered, sorted and paged
(100 at a time) straight from the cached document — never all 10,000 rendered at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.enums import OrgKind
from tasks.core.plans import STAGES
from tasks.status.memo import CachedStatus
from tasks.status.missing import fold

PER_PAGE = 100
STATES = ("done", "on_track", "at_risk", "overdue", "not_started", "not_applicable")
LEVEL_OF_LABEL = {k.label: k.level for k in OrgKind}


@dataclass(frozen=True)
class Filters:
    """What the office asks of the heat map (all optional)."""

    stage: str | None = None
    state: str | None = None
    level: str | None = None
    search: str | None = None
    sort: str = "lag"  # lag | tree
    direct: bool = False  # only the scope's direct children
    page: int = 1

    @classmethod
    def parse(cls, **raw: str | None) -> Filters:
        """Filters from query parameters; anything unknown is ignored, not an error."""
        stage = raw.get("stage") if raw.get("stage") in STAGES else None
        state = raw.get("state") if raw.get("state") in STATES else None
        level = (
            raw.get("level") if raw.get("level") in {"tren-co-so", "co-so", "duoi-co-so"} else None
        )
        search = (raw.get("q") or "").strip()[:100] or None
        sort = "tree" if raw.get("sort") == "tree" else "lag"
        page_text = raw.get("page") or "1"
        page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
        return cls(stage, state, level, search, sort, raw.get("direct") == "1", page)


@dataclass(frozen=True)
class HeatRow:
    """One unit's row: its document entry, how far it lags, how many children it has."""

    unit: dict[str, Any]
    lag: int
    children: int
    number: int  # its position in the filtered list, from 1


@dataclass(frozen=True)
class HeatPage:
    """A page of rows and where it sits in the filtered list."""

    rows: list[HeatRow]
    total: int
    page: int
    pages: int


def _matches(unit: dict[str, Any], f: Filters, key: str, needle: str | None) -> bool:
    if f.level and LEVEL_OF_LABEL.get(unit["kind"]) != f.level:
        return False
    if needle and needle not in key:
        return False
    if f.state:
        stages = [f.stage] if f.stage else list(STAGES)
        return any(unit["stages"][s]["state"] == f.state for s in stages)
    return True


def heat_page(cached: CachedStatus, f: Filters, *, per_page: int = PER_PAGE) -> HeatPage:
    """The page of units the filters select, most behind first or in tree order."""
    units = cached.doc["units"]
    if f.direct:
        order = list(cached.children.get(cached.doc["org"], []))
        if f.sort == "lag":
            lags = cached.lags
            order.sort(key=lambda i: -lags[i])
    else:
        order = cached.by_lag if f.sort == "lag" else list(range(len(units)))
    needle = fold(f.search) if f.search else None
    keys = cached.search_keys
    if f.state or f.level or needle:
        order = [i for i in order if _matches(units[i], f, keys[i], needle)]
    total = len(order)
    pages = max(1, -(-total // per_page))
    page = min(f.page, pages)
    start = (page - 1) * per_page
    kids = cached.children
    rows = [
        HeatRow(units[i], cached.lags[i], len(kids.get(units[i]["code"], ())), start + n + 1)
        for n, i in enumerate(order[start : start + per_page])
    ]
    return HeatPage(rows=rows, total=total, page=page, pages=pages)
