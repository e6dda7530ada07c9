"""Status documents kept in memory by (scope, as_of, plan, year, data version) (WEB.md "Fast
pages"): a repeated view costs a lookup; a committed write moves the data version (in the
database, so every worker sees it) and the next view recomputes.

The version is read in the same read transaction as the status queries, and a writer moves it
in its own transaction, so a document is never filed under a version newer than its data.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import Engine

from models import stages as sq
from models.accounts import data_version
from models.db import read_session
from models.queries import OrgRef
from tasks.status.document import (
    InactiveScope,
    StatusResult,
    inactive_scope_text,
    status_result,
    subtree_summary,
)
from tasks.status.present import lag_days, status_json

Key = tuple[str, date, str | None, int | None, int]


@dataclass
class CachedStatus:
    """A status document and what pages derive from it, each derived once."""

    doc: dict[str, Any]
    version: int
    result: StatusResult | None = None  # the frames behind the document (subtree sums)

    @cached_property
    def text(self) -> str:
        """The JSON text of `daihoi status --json`."""
        return status_json(self.doc)

    @cached_property
    def lags(self) -> list[int]:
        """Days behind of each unit, in the document's unit order."""
        day = date.fromisoformat(self.doc["as_of"])
        return [lag_days(u, day) for u in self.doc["units"]]

    @cached_property
    def by_lag(self) -> list[int]:
        """Unit positions, most behind first (tree order among equals)."""
        lags = self.lags
        return sorted(range(len(lags)), key=lambda i: -lags[i])

    @cached_property
    def children(self) -> dict[str | None, list[int]]:
        """Unit positions by parent code (the scope's direct children under the scope's code)."""
        out: dict[str | None, list[int]] = {}
        for i, unit in enumerate(self.doc["units"]):
            out.setdefault(unit["parent"], []).append(i)
        return out

    @cached_property
    def index(self) -> dict[str, int]:
        """Unit positions by code."""
        return {u["code"]: i for i, u in enumerate(self.doc["units"])}

    @cached_property
    def search_keys(self) -> list[str]:
        """Each unit's code and name folded for accent-blind search."""
        from tasks.status.missing import fold

        return [fold(f"{u['code']} {u['name']}") for u in self.doc["units"]]


def _settle_collector(*, full: bool) -> None:
    """Move what is alive now, a new document's ~10⁶ containers among them, out of the cyclic
    collector's reach (gc.freeze): otherwise each of its full collections walks every cached
    document (city: 0.16 s a pass, which put a quarter of the unit pages over 200 ms). A
    document and its frames hold no reference cycles, so one dropped is freed by reference
    counting, frozen or not. A cycle elsewhere, alive when frozen and dropped since, would
    stay: when documents were dropped (`full`), one full collection of everything unfrozen
    first reclaims those (a fraction of the second the new document took)."""
    if full:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


@dataclass
class StatusMemo:
    """A bounded, thread-safe store of status documents, weighed by their units (at most
    `max_units`, or the two most recent documents when those alone weigh more)."""

    max_units: int = 60_000
    _items: OrderedDict[Key, CachedStatus] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _computing: dict[Key, threading.Lock] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0

    def _weight(self) -> int:
        return sum(len(c.doc["units"]) + 1 for c in self._items.values())

    def get(
        self,
        engine: Engine,
        *,
        scope: str,
        as_of: date,
        plan: str | None = None,
        year: int | None = None,
    ) -> CachedStatus:
        """The status of a scope (by code) as of a day, computed at most once per version."""
        with read_session(engine) as session:
            version = data_version(session)
            key: Key = (scope, as_of, plan, year, version)
            with self._lock:
                found = self._items.get(key)
                if found is not None:
                    self._items.move_to_end(key)
                    self.hits += 1
                    return found
                gate = self._computing.setdefault(key, threading.Lock())
            with gate:  # one computation per key; concurrent askers wait for it
                with self._lock:
                    found = self._items.get(key)
                if found is None:
                    result = status_result(session, scope=scope, as_of=as_of, plan=plan, year=year)
                    found = CachedStatus(doc=result.document, version=version, result=result)
                    self._store(key, found)
                else:
                    with self._lock:
                        self.hits += 1
            return found

    def _store(self, key: Key, item: CachedStatus) -> None:
        with self._lock:
            self.misses += 1
            self._computing.pop(key, None)
            self._items[key] = item
            # Drop what an older version filed, then the least recently used, to the budget,
            # always keeping the two most recent: a page's forecast reads its day's status and
            # the one 28 days before, and at national one document alone outweighs the budget
            # (a floor of one recomputed both for every dashboard and unit page).
            before = len(self._items)
            for old in [k for k in self._items if k[4] < key[4]]:
                del self._items[old]
            while len(self._items) > 2 and self._weight() > self.max_units:
                self._items.popitem(last=False)
            dropped = len(self._items) < before
        _settle_collector(full=dropped)

    def clear(self) -> None:
        """Forget everything (tests)."""
        with self._lock:
            self._items.clear()


@dataclass(frozen=True)
class UnitView:
    """What a unit's page shows of status: its own stages, its subtree's summary, its direct
    children's own stages, how many units lie under it."""

    own: dict[str, Any]
    stages: dict[str, Any]
    children: list[dict[str, Any]]
    units: int
    plan: str


def _same_draft(engine: Engine, a: str, b: str) -> bool:
    """Whether two paths resolve the same current draft (feedback is judged against it)."""
    with read_session(engine) as session:
        found = [session.execute(sq.current_draft_query(scope_path=p)).first() for p in (a, b)]
    ids = [row.id if row is not None else None for row in found]
    return ids[0] == ids[1]


def unit_view(
    memo: StatusMemo, engine: Engine, *, scope: OrgRef, unit: OrgRef, as_of: date
) -> UnitView:
    """A unit's status as `status --org UNIT` states it, read off the scope's cached document
    when that is the same thing (the unit's own figures depend on its own rows, the plan in
    force and the current draft; the subtree sums are the same rollup), else computed for the
    unit itself. A unit page is then a lookup in what the dashboard already holds."""
    if not unit.active:  # not in any status document: say so as `status --org UNIT` does
        with read_session(engine) as session:
            raise InactiveScope(inactive_scope_text(session, unit))
    outer = memo.get(engine, scope=scope.code, as_of=as_of)
    if (
        unit.code != scope.code
        and outer.result is not None
        and _same_draft(engine, scope.path, unit.path)
    ):
        entry = outer.doc["units"][outer.index[unit.code]]
        stages = subtree_summary(outer.result, org_id=unit.id, org_path=unit.path)
        kids = outer.children.get(unit.code, [])
        units = next(iter(stages.values()))["units"]
        return UnitView(
            entry["stages"], stages, [outer.doc["units"][i] for i in kids], units, outer.doc["plan"]
        )
    own = outer if unit.code == scope.code else memo.get(engine, scope=unit.code, as_of=as_of)
    kids = own.children.get(unit.code, [])
    return UnitView(
        own.doc["self"]["stages"],
        own.doc["stages"],
        [own.doc["units"][i] for i in kids],
        len(own.doc["units"]),
        own.doc["plan"],
    )
