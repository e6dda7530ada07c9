"""Delegate allocation: base quota + largest remainder, integer arithmetic, ties by members
then code; R = 0 and R < 0; monotone and exact (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.core.errors import UsageError, UserError
from tasks.status.delegates import Member, allocate


def units(*members: int) -> list[Member]:
    return [Member(f"CB-{i:02d}", f"Chi bộ {i}", m) for i, m in enumerate(members)]


def delegates_of(seats: list) -> list[int]:
    return [s.delegates for s in seats]


def test_seats_sum_to_total_minus_ex_officio() -> None:
    remaining, seats = allocate(units(120, 75, 40, 15), total=40, ex_officio=6, base=2)
    assert remaining == 40 - 6 - 2 * 4
    assert sum(delegates_of(seats)) == 34
    assert all(s.base == 2 for s in seats)
    # 26 × m / 250: 12.48, 7.8, 4.16, 1.56 → floors 12, 7, 4, 1 (24); the two largest
    # remainders (0.8, 0.56) get one more.
    assert [s.share for s in seats] == [12, 8, 4, 2]


def test_largest_remainders_get_the_extra_seats_not_the_largest_units() -> None:
    # R = 10 over 71 + 19 + 10 members: 7.1, 1.9, 1.0 → 7, 1, 1 and one more to the 0.9.
    _, seats = allocate(units(71, 19, 10), total=13, base=1)
    assert [s.share for s in seats] == [7, 2, 1]


def test_a_larger_remainder_wins_over_more_members() -> None:
    # R = 3 over 1 + 3 (M = 4): 0.75 and 2.25 → 0 and 2; the 0.75 gets the last seat.
    _, seats = allocate(units(1, 3), total=3, base=0)
    assert [s.share for s in seats] == [1, 2]


def test_equal_remainders_go_to_more_members_first() -> None:
    # R = 2 over 1 + 3 (M = 4): 0.5 and 1.5, equal remainders: the unit of 3 gets the seat.
    _, seats = allocate(units(1, 3), total=2, base=0)
    assert [s.share for s in seats] == [0, 2]
    _, seats = allocate(units(3, 1), total=2, base=0)
    assert [s.share for s in seats] == [2, 0]


def test_equal_remainders_and_members_go_to_the_code_first_in_order() -> None:
    given_order = [Member("CB-C", "C", 10), Member("CB-A", "A", 10), Member("CB-B", "B", 10)]
    _, seats = allocate(given_order, total=2, base=0)
    assert {s.code: s.share for s in seats} == {"CB-C": 0, "CB-A": 1, "CB-B": 1}
    assert [s.code for s in seats] == ["CB-C", "CB-A", "CB-B"]  # order kept as given


def test_a_unit_with_no_members_gets_only_its_base_quota() -> None:
    # R = 13 − 1 − 6 = 6 over 0 + 7 + 3: 0, 4.2, 1.8 → 0, 4, 1 and one more to the 0.8.
    _, seats = allocate(units(0, 7, 3), total=13, ex_officio=1, base=2)
    assert delegates_of(seats) == [2, 6, 4]
    assert seats[0].share == 0


def test_no_remaining_seats_gives_every_unit_its_base_quota() -> None:
    remaining, seats = allocate(units(500, 3, 0), total=9, ex_officio=3, base=2)
    assert remaining == 0
    assert [(s.base, s.share) for s in seats] == [(2, 0)] * 3


def test_no_members_at_all_and_no_seats_left_is_allowed() -> None:
    remaining, seats = allocate(units(0, 0), total=2, base=1)
    assert remaining == 0 and delegates_of(seats) == [1, 1]


def test_no_members_at_all_with_seats_left_is_refused() -> None:
    with pytest.raises(UserError, match="tổng 0") as e:
        allocate(units(0, 0), total=5, base=1)
    assert e.value.exit_code == 1


def test_too_few_seats_for_the_base_quotas_is_a_usage_error_naming_the_figures() -> None:
    with pytest.raises(UsageError) as e:
        allocate(units(*[10] * 12), total=30, ex_officio=8, base=2)
    assert e.value.exit_code == 2
    message = e.value.message
    for figure in ("T = 30", "E = 8", "b × n = 2 × 12 = 24", "R = -2"):
        assert figure in message, message


def test_a_negative_figure_is_a_usage_error() -> None:
    for figures in ({"total": -1}, {"total": 5, "ex_officio": -1}, {"total": 5, "base": -1}):
        with pytest.raises(UsageError, match="số nguyên không âm"):
            allocate(units(3), **figures)


@st.composite
def allocations(draw: st.DrawFn) -> tuple[list[Member], int, int, int]:
    members = draw(st.lists(st.integers(0, 5000), min_size=1, max_size=30))
    base = draw(st.integers(0, 3))
    ex_officio = draw(st.integers(0, 50))
    extra = draw(st.integers(0, 400 if sum(members) else 0))
    total = ex_officio + base * len(members) + extra
    return units(*members), total, ex_officio, base


@given(allocations())
def test_allocation_sums_exactly_and_more_members_never_get_fewer_seats(
    case: tuple[list[Member], int, int, int],
) -> None:
    members, total, ex_officio, base = case
    remaining, seats = allocate(members, total=total, ex_officio=ex_officio, base=base)
    assert remaining == total - ex_officio - base * len(members)
    assert sum(s.share for s in seats) == remaining
    assert sum(delegates_of(seats)) == total - ex_officio
    for a in seats:
        assert a.share >= 0 and a.base == base
        # Within one seat of the exact quota R·m/M (largest remainder's quota property).
        exact_times_m = remaining * a.members
        everyone = sum(m.members for m in members)
        assert a.share * everyone >= exact_times_m - everyone
        assert a.share * everyone <= exact_times_m + everyone
        for b in seats:
            if a.members > b.members:
                assert a.delegates >= b.delegates
