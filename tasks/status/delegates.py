"""Delegate allocation (phân bổ đại biểu) for a congress of delegates held by a scope S
(DESIGN.md "Decision support"): T delegates, E of them ex officio, a base quota b per direct
child, the remaining R = T − E − b·n shared in proportion to members by the largest-remainder
method (ties: more members, then code ascending). Integer arithmetic only."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from models.queries import OrgRef, child_members
from tasks.core.errors import UsageError, UserError
from tasks.core.text import vn_int


@dataclass(frozen=True)
class Figures:
    """What the congress's organisers decide: T in all, E ex officio, a base quota b."""

    total: int
    ex_officio: int = 0
    base: int = 1


@dataclass(frozen=True)
class Member:
    """A direct child of the scope and its members (official + probationary)."""

    code: str
    name: str
    members: int


@dataclass(frozen=True)
class Seats:
    """A direct child's seats: its base quota and its share of the remaining R."""

    code: str
    name: str
    members: int
    base: int
    share: int

    @property
    def delegates(self) -> int:
        """Base + share."""
        return self.base + self.share


@dataclass(frozen=True)
class Allocation:
    """The allocation of a scope's congress: the figures given and each direct child's seats
    (tree order: siblings by code)."""

    scope: str
    total: int
    ex_officio: int
    base: int
    remaining: int
    units: tuple[Seats, ...]

    @property
    def members(self) -> int:
        """M, the members of all direct children."""
        return sum(u.members for u in self.units)

    @property
    def elected(self) -> int:
        """T − E, the seats the units elect (the sum of their delegates)."""
        return self.total - self.ex_officio

    def as_json(self) -> dict[str, Any]:
        """The `daihoi delegates --json` object (DESIGN.md, exact)."""
        return {
            "scope": self.scope,
            "total": self.total,
            "ex_officio": self.ex_officio,
            "base": self.base,
            "remaining": self.remaining,
            "units": [
                {
                    "code": u.code,
                    "name": u.name,
                    "members": u.members,
                    "base": u.base,
                    "share": u.share,
                    "delegates": u.delegates,
                }
                for u in self.units
            ],
        }


def method_sentence(a: Allocation) -> str:
    """The method in one sentence, with the figures (the workbook and the report say it)."""
    return (
        f"Tổng số {vn_int(a.total)} đại biểu, trong đó {vn_int(a.ex_officio)} đại biểu đương "
        f"nhiên và {vn_int(a.elected)} đại biểu do các đơn vị bầu: mỗi đơn vị trực thuộc được "
        f"{vn_int(a.base)} đại biểu cơ bản, {vn_int(a.remaining)} đại biểu còn lại phân bổ theo "
        "tỷ lệ số đảng viên (chính thức và dự bị) bằng phương pháp số dư lớn nhất, số dư bằng "
        "nhau thì ưu tiên đơn vị đông đảng viên hơn."
    )


def _not_a_figure(option: str, given: object) -> UsageError:
    return UsageError(f"{option}: cần một số nguyên không âm (đã cho {given}).")


def _check_figures(total: int, ex_officio: int, base: int) -> None:
    for option, value in (("--total", total), ("--ex-officio", ex_officio), ("--base", base)):
        if value < 0:
            raise _not_a_figure(option, value)


def read_figure(option: str, text: str | None) -> int | None:
    """One of T, E, b typed into a form (the web's report form): blank → None, an integer →
    itself (its sign is checked with the others), anything else the option's usage error."""
    if text is None or not text.strip():
        return None
    if re.fullmatch(r"-?[0-9]+", text.strip()) is None:
        raise _not_a_figure(option, text.strip())
    return int(text.strip())


def delegate_figures(
    kind: str, total: int | None, ex_officio: int | None, base: int | None
) -> Figures | None:
    """T, E and b as `daihoi report` and the web's report form take them: the kind `delegates`
    needs T (E defaults to 0, b to 1); no other kind takes them."""
    if kind != "delegates":
        if (total, ex_officio, base) != (None, None, None):
            raise UsageError("--total, --ex-officio, --base chỉ dùng cho báo cáo delegates.")
        return None
    if total is None:
        raise UsageError("Báo cáo delegates cần --total T (tổng số đại biểu của đại hội).")
    return Figures(total, 0 if ex_officio is None else ex_officio, 1 if base is None else base)


def remaining_seats(*, total: int, ex_officio: int, base: int, n: int) -> int:
    """R = T − E − b·n; R < 0 is a usage error naming T, E, b and n."""
    _check_figures(total, ex_officio, base)
    remaining = total - ex_officio - base * n
    if remaining < 0:
        raise UsageError(
            f"Không đủ đại biểu để phân bổ: T = {vn_int(total)} đại biểu, trừ E = "
            f"{vn_int(ex_officio)} đại biểu đương nhiên còn {vn_int(total - ex_officio)}, ít hơn "
            f"b × n = {vn_int(base)} × {vn_int(n)} = {vn_int(base * n)} đại biểu cơ bản của "
            f"{vn_int(n)} đơn vị trực thuộc (R = {remaining})."
        )
    return remaining


def allocate(
    units: Sequence[Member], *, total: int, ex_officio: int = 0, base: int = 1
) -> tuple[int, list[Seats]]:
    """R and each unit's seats, in the order given: b each, then ⌊R·m_i ÷ M⌋, then one more
    to the largest remainders R·m_i mod M (ties: more members, then code ascending)."""
    remaining = remaining_seats(total=total, ex_officio=ex_officio, base=base, n=len(units))
    everyone = sum(u.members for u in units)
    if remaining and not everyone:
        raise UserError(
            "Các đơn vị trực thuộc chưa có số đảng viên trong danh sách tổ chức (tổng 0): "
            f"không chia được {vn_int(remaining)} đại biểu theo tỷ lệ đảng viên."
        )
    shares = [remaining * u.members // everyone if everyone else 0 for u in units]
    rests = [remaining * u.members % everyone if everyone else 0 for u in units]
    left = remaining - sum(shares)
    order = sorted(range(len(units)), key=lambda i: (-rests[i], -units[i].members, units[i].code))
    for i in order[:left]:
        shares[i] += 1
    seats = [
        Seats(u.code, u.name, u.members, base, share)
        for u, share in zip(units, shares, strict=True)
    ]
    return remaining, seats


def delegate_allocation(session: Session, *, scope: OrgRef, figures: Figures) -> Allocation:
    """The allocation among the scope's active direct children, from their registry figures."""
    units = [Member(*row) for row in child_members(session, parent_id=scope.id)]
    if not units:
        raise UserError(
            f"Đơn vị {scope.code} không có đơn vị trực thuộc: không có gì để phân bổ đại biểu."
        )
    total, ex_officio, base = figures.total, figures.ex_officio, figures.base
    remaining, seats = allocate(units, total=total, ex_officio=ex_officio, base=base)
    return Allocation(scope.code, total, ex_officio, base, remaining, tuple(seats))
