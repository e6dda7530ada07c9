"""The demo's organisations in memory: the tree, each unit's congress plan and how far along it is.

Every date is an offset in days from `as_of`, so any as-of gives the same picture. A unit's
`profile` (good, normal, behind, stalled) and each stage's due date decide how far the unit has
got with that stage on as_of (`done`, `partial` or `zero`); the stage generators turn that level
into dated facts, some of them after as_of so that replaying a later day moves progress.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from models.enums import CongressForm, OrgKind, OrgStatus
from tasks.core.text import norm_key

if TYPE_CHECKING:
    from tasks.demo.people import Person

Level = Literal["done", "partial", "zero"]
Profile = Literal["good", "normal", "behind", "stalled"]

TERM = "2025-2030"
SURPLUS_PCT = 10  # the plans' surplus_min: candidates prepared beyond the committee size
AT_RISK_DAYS = 14
DUE_OFFSETS = {"personnel": -30, "inspections": -15, "training": -45}  # days before the congress
# Without a planned date, the plans' default congress dates fall this far after the default as-of.
DEFAULT_CONGRESS = {"duoi-co-so": 45, "co-so": 107, "tren-co-so": 169}

_PROFILES: tuple[Profile, ...] = ("good", "normal", "behind", "stalled")
_PROFILE_WEIGHTS = (45, 35, 14, 6)

# Names and comment texts repeat a lot at large scales; the key of each is computed once.
cached_key = lru_cache(maxsize=1 << 17)(norm_key)


@dataclass(slots=True, eq=False)
class Unit:
    """An organisation of the demo tree and its congress plan; dates are offsets from as_of."""

    id: int
    code: str
    name: str
    kind: OrgKind
    parent: Unit | None
    sector: str
    path: str
    depth: int
    members: int = 0
    probationary: int = 0
    children: list[Unit] = field(default_factory=list)
    status: OrgStatus = OrgStatus.ACTIVE
    valid_from: int | None = None  # None: the start of the previous term
    valid_to: int | None = None
    merged_into: Unit | None = None
    moved_from: tuple[Unit, int] | None = None  # (former parent, offset of the move)
    congress: int | None = None  # planned date; None: the plan's default date for the level
    congress_set: bool = False
    held: bool | None = None
    size: int | None = None
    size_set: bool = False
    contents: int | None = None
    ordinal: int | None = None
    pilot: bool = False
    profile: Profile | None = None
    leaders: list[Person] = field(default_factory=list)  # Bí thư, Phó Bí thư, a Cấp ủy viên

    @property
    def active(self) -> bool:
        """Still an organisation (not merged or dissolved)."""
        return self.status is OrgStatus.ACTIVE

    @property
    def congress_offset(self) -> int:
        """The congress date the status rules use: planned, else the plan's default."""
        if self.congress is not None:
            return self.congress
        return DEFAULT_CONGRESS[self.kind.level]

    @property
    def form(self) -> CongressForm:
        """Toàn thể for cells and small committees, Đại biểu for large ones."""
        if self.kind is OrgKind.TREN_CO_SO or (
            self.kind is OrgKind.DANG_BO_CO_SO and self.members + self.probationary >= 100
        ):
            return CongressForm.DAI_BIEU
        return CongressForm.TOAN_THE

    def due(self, stage: str) -> int:
        """The stage's due date (offset from as_of) under the default plans."""
        return self.congress_offset + DUE_OFFSETS[stage]

    @property
    def required(self) -> int:
        """Candidates needed: ⌈size × (100 + surplus) / 100⌉, in integers; 0 when not elected."""
        if not self.size or self.contents == 2:
            return 0
        return -(-self.size * (100 + SURPLUS_PCT) // 100)

    @property
    def roles(self) -> int:
        """How many of Bí thư, Phó Bí thư, Cấp ủy viên the unit has (its committee size says)."""
        return min(3, self.size or 0)


class TreeBuilder:
    """Creates units in insertion order (parents first) with ids reserved from the writer."""

    def __init__(self, new_id: Callable[[], int]) -> None:
        self._new_id = new_id
        self.units: list[Unit] = []
        self.codes: set[str] = set()

    def add(
        self,
        code: str,
        name: str,
        kind: OrgKind,
        parent: Unit | None,
        sector: str,
        members: int = 0,
    ) -> Unit:
        """A new unit under `parent`; codes are upper-case and unique."""
        code = code.upper()
        if code in self.codes:
            raise ValueError(f"duplicate demo code {code}")
        self.codes.add(code)
        unit_id = self._new_id()
        path = f"{parent.path if parent else ''}{unit_id}/"
        unit = Unit(
            id=unit_id,
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            sector=sector,
            path=path,
            depth=path.count("/") - 1,
            members=members,
        )
        if parent is not None:
            parent.children.append(unit)
        self.units.append(unit)
        return unit


def sum_members(units: Iterable[Unit], rng: random.Random) -> None:
    """Give leaves probationary members; a unit with children counts every member of its cells."""
    ordered = list(units)
    for unit in ordered:
        if not unit.children and unit.members:
            unit.probationary = round(unit.members * rng.uniform(0.0, 0.07))
    for unit in reversed(ordered):
        if unit.children:
            live = [c for c in unit.children if c.active]
            unit.members = sum(c.members for c in live)
            unit.probationary = sum(c.probationary for c in live)


def _size_for(unit: Unit, rng: random.Random) -> int:
    total = unit.members + unit.probationary
    if unit.kind in (OrgKind.CHI_BO_CO_SO, OrgKind.CHI_BO_TRUC_THUOC):
        if total < 9:
            return rng.choice((1, 1, 2, 3))
        return rng.choice((3, 5, 5) if total >= 30 else (3, 3, 5))
    if unit.kind is OrgKind.DANG_BO_BO_PHAN:
        return rng.choice((3, 5))
    if unit.kind is OrgKind.DANG_BO_CO_SO:
        if total < 150:
            return rng.choice((7, 9))
        return rng.choice((9, 11)) if total < 300 else rng.choice((11, 13, 15))
    if total < 1500:
        return rng.choice((15, 17, 19))
    return rng.choice((21, 23, 25)) if total < 6000 else rng.choice((31, 35, 41))


def _offset_for(unit: Unit, rng: random.Random) -> int:
    kind = unit.kind
    if kind is OrgKind.CHI_BO_TRUC_THUOC:
        base = rng.randint(-30, 35)
    elif kind is OrgKind.DANG_BO_BO_PHAN:
        base = rng.randint(20, 45)
    elif kind is OrgKind.CHI_BO_CO_SO:
        base = rng.randint(-14, -3) if rng.random() < 0.03 else rng.randint(5, 100)
    elif kind is OrgKind.DANG_BO_CO_SO:
        base = rng.randint(20, 95)
    else:
        base = rng.randint(110, 160)
    # Lower units hold their congresses before the organisation above them.
    kids = [c.congress_offset for c in unit.children if c.active]
    return max(base, max(kids) + rng.randint(5, 14)) if kids else base


def plan_congresses(units: list[Unit], rng: random.Random) -> None:
    """Fill in congress dates, sizes, contents, ordinals and profiles left unset by the builder."""
    for unit in reversed(units):  # children before parents: a parent's date follows theirs
        if not unit.active:
            continue
        if not unit.congress_set:
            unit.congress = _offset_for(unit, rng)
            # A few grassroots units have not fixed a date: the plan's default applies.
            if unit.kind is OrgKind.CHI_BO_CO_SO and unit.congress > 0 and rng.random() < 0.02:
                unit.congress = None
        if unit.contents is None:
            r = rng.random()
            unit.contents = 3 if unit.kind is not OrgKind.TREN_CO_SO and r < 0.025 else 4
        if not unit.size_set:
            # Three contents: the congress elects no committee this time.
            unit.size = 0 if unit.contents == 3 else _size_for(unit, rng)
            if unit.contents == 4 and rng.random() < 0.012:
                unit.size = None  # not yet decided: personnel progress stays 0
        if unit.ordinal is None:
            low = 2 if unit.kind in (OrgKind.CHI_BO_TRUC_THUOC, OrgKind.DANG_BO_BO_PHAN) else 4
            unit.ordinal = rng.randint(low, low + 9)
        if unit.held is None:
            unit.held = unit.congress is not None and unit.congress < 0
        if unit.profile is None:
            if unit.held:
                unit.profile = "good"
            elif unit.congress is not None and unit.congress < 0:
                unit.profile = "stalled"  # postponed past its planned date
            else:
                unit.profile = rng.choices(_PROFILES, weights=_PROFILE_WEIGHTS)[0]


def stage_level(rng: random.Random, profile: Profile, due: int) -> Level:
    """How far a unit of this profile has got, on as_of, with a stage due `due` days later."""
    r = rng.random()
    if profile == "stalled":
        return "zero"
    if due < 0:
        if profile == "good":
            return "done"
        if profile == "normal":
            return "done" if r < 0.8 else "partial"
        return "partial" if r < 0.75 else "zero"
    if due <= AT_RISK_DAYS:
        if profile == "good":
            return "done" if r < 0.6 else "partial"
        if profile == "normal":
            return "done" if r < 0.25 else "partial"
        return "partial" if r < 0.7 else "zero"
    if profile == "good":
        return "done" if r < 0.35 else "partial"
    if profile == "normal":
        return "partial" if r < 0.85 else "zero"
    return "partial" if r < 0.5 else "zero"


def finish_after(rng: random.Random, profile: Profile, due: int) -> int:
    """When an unfinished stage gets done: before its due date if the unit keeps up, else late."""
    if profile in ("good", "normal") and due > 3:
        return rng.randint(1, max(1, due - 1))
    return max(due, 0) + rng.randint(3, 25)


def fit_before(offsets: list[int], limit: int) -> list[int]:
    """Offsets in order, none after `limit` (the unit's congress): later ones still to come are
    squeezed between their first day and the congress, dropped when it has already passed."""
    if not offsets or max(offsets) <= limit:
        return offsets
    past = [min(o, limit) for o in offsets if o <= 0]
    future = [o for o in offsets if o > 0]
    if limit < 1 or not future:
        return past
    first, n = min(future[0], limit), len(future)
    return past + [first + (limit - first) * k // max(1, n - 1) for k in range(n)]


def ceil_share(share: float, n: int) -> int:
    """⌈share × n⌉ for the small counts quotas need."""
    return math.ceil(round(share * n, 9))
