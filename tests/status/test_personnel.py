"""Status rules, personnel: required candidates, structure targets, steps as of the date."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from models.db import write_session
from models.enums import Gender, OrgKind
from tests.helpers.factories import add_org
from tests.helpers.status import add_candidate, add_passed, root_only, stage_of, status

pytestmark = pytest.mark.db


def test_required_candidates_are_an_integer_ceiling_of_size_plus_surplus(engine: Engine) -> None:
    sizes = {"S1": 1, "S3": 3, "S9": 9, "S10": 10, "S11": 11, "S15": 15, "S50": 50}
    with write_session() as s:
        root = root_only(s)
        for code, size in sizes.items():
            add_org(s, code, parent=root, committee_size=size)
    doc = status(date(2025, 4, 1))
    required = {c: stage_of(doc, c, "personnel")["required"] for c in sizes}
    # size 50: 50 × 1.1 = 55.00000000000001 in floating point, whose ceiling is 56.
    assert required == {"S1": 2, "S3": 4, "S9": 10, "S10": 11, "S11": 13, "S15": 17, "S50": 55}


def test_size_10_is_done_with_11_passed_and_progress_counts_steps_over_5_x_11(
    engine: Engine,
) -> None:
    with write_session() as s:
        root = root_only(s)
        done = add_org(s, "DONE", parent=root, committee_size=10)
        short = add_org(s, "SHORT", parent=root, committee_size=10)
        big = add_org(s, "BIG", parent=root, committee_size=50)
        add_passed(s, done, 11, date(2025, 3, 1))
        add_passed(s, short, 10, date(2025, 3, 1))
        add_candidate(s, short, {1: date(2025, 1, 1), 3: date(2025, 2, 1)})
        add_passed(s, big, 55, date(2025, 3, 2))
    doc = status(date(2025, 4, 1))
    d = stage_of(doc, "DONE", "personnel")
    assert (d["state"], d["progress"], d["passed"], d["required"]) == ("done", 1.0, 11, 11)
    assert d["done_on"] == "2025-03-01"
    sh = stage_of(doc, "SHORT", "personnel")
    # Σ step = 10 × 5 + 3 = 53 of 5 × 11 = 55 (not 60): 0.9636 (4 decimals).
    assert (sh["state"], sh["progress"], sh["passed"], sh["candidates"]) == (
        "on_track",
        0.9636,
        10,
        11,
    )
    assert sh["done_on"] is None
    assert stage_of(doc, "BIG", "personnel")["state"] == "done"


def test_candidates_short_of_the_surplus_leave_the_unit_not_done(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        unit3 = add_org(s, "U3", parent=root, committee_size=3)
        add_passed(s, unit3, 3, date(2025, 2, 1))
        add_candidate(s, unit3, {4: date(2025, 2, 1)})
        # Inactive candidates count for nothing, even at step 5.
        add_passed(s, unit3, 2, date(2025, 2, 1), active=False)
        capped = add_org(s, "CAP", parent=root, committee_size=1)
        add_passed(s, capped, 3, date(2025, 2, 1))
    doc = status(date(2025, 4, 1))
    u3 = stage_of(doc, "U3", "personnel")
    assert (u3["state"], u3["required"], u3["passed"], u3["candidates"]) == ("on_track", 4, 3, 4)
    assert u3["progress"] == 0.95  # (3 × 5 + 4) ÷ (5 × 4)
    cap = stage_of(doc, "CAP", "personnel")
    assert (cap["state"], cap["progress"], cap["passed"]) == ("done", 1.0, 3)  # 15 ÷ 10 capped


def test_a_structure_target_missed_keeps_the_unit_not_done(engine: Engine) -> None:
    men = {"gender": Gender.NAM}
    with write_session() as s:
        root = root_only(s)
        no_women = add_org(s, "NO-WOMEN", parent=root, committee_size=3)
        add_passed(s, no_women, 4, date(2025, 2, 1), **men)
        one_woman = add_org(s, "ONE-WOMAN", parent=root, committee_size=3)
        add_passed(s, one_woman, 3, date(2025, 2, 1), **men)
        add_passed(s, one_woman, 1, date(2025, 2, 3))
        # 7 passed need ⌈0.15 × 7⌉ = ⌈1.05⌉ = 2 women: one is not enough (rounding would say 1).
        seven_1 = add_org(s, "SEVEN-1", parent=root, committee_size=6)
        add_passed(s, seven_1, 6, date(2025, 2, 1), **men)
        add_passed(s, seven_1, 1, date(2025, 2, 1))
        seven_2 = add_org(s, "SEVEN-2", parent=root, committee_size=6)
        add_passed(s, seven_2, 5, date(2025, 2, 1), **men)
        add_passed(s, seven_2, 2, date(2025, 2, 1))
    doc = status(date(2025, 4, 1))
    nw = stage_of(doc, "NO-WOMEN", "personnel")
    assert (nw["state"], nw["progress"], nw["passed"]) == ("on_track", 1.0, 4)
    ow = stage_of(doc, "ONE-WOMAN", "personnel")
    assert (ow["state"], ow["done_on"]) == ("done", "2025-02-03")
    assert stage_of(doc, "SEVEN-1", "personnel")["state"] == "on_track"
    assert stage_of(doc, "SEVEN-2", "personnel")["state"] == "done"


def test_under_40_is_completed_years_on_the_levels_age_reference_date(engine: Engine) -> None:
    # Grassroots: reference 2025-04-01 in ct45. Chi bộ trực thuộc: no reference → its congress.
    with write_session() as s:
        root = root_only(s)
        for code, born in (("CS-40", date(1985, 4, 1)), ("CS-39", date(1985, 4, 2))):
            org = add_org(s, code, parent=root, committee_size=1)
            add_passed(s, org, 2, date(2025, 2, 1), born=born)
        dbcs = add_org(s, "DBCS", OrgKind.DANG_BO_CO_SO, root, committee_size=None)
        for code, born in (("CT-40", date(1985, 5, 10)), ("CT-39", date(1985, 5, 11))):
            org = add_org(
                s,
                code,
                OrgKind.CHI_BO_TRUC_THUOC,
                dbcs,
                committee_size=1,
                congress=date(2025, 5, 10),
            )
            add_passed(s, org, 2, date(2025, 2, 1), born=born)
    doc = status(date(2025, 3, 1))
    got = {c: stage_of(doc, c, "personnel")["state"] for c in ("CS-40", "CS-39", "CT-40", "CT-39")}
    assert got == {"CS-40": "on_track", "CS-39": "done", "CT-40": "on_track", "CT-39": "done"}


def test_under_40_without_a_congress_date_is_taken_on_the_plans_default_for_the_level(
    engine: Engine,
) -> None:
    # A Chi bộ trực thuộc with no planned congress: ct45's default for its level, 2025-05-31.
    with write_session() as s:
        dbcs = add_org(s, "DBCS", OrgKind.DANG_BO_CO_SO, root_only(s), committee_size=None)
        org = add_org(s, "CT", OrgKind.CHI_BO_TRUC_THUOC, dbcs, committee_size=1)
        for born in (date(1985, 5, 31), date(1985, 6, 1)):  # 40, then 39 on 2025-05-31
            add_passed(s, org, 1, date(2025, 2, 1), born=born)
            add_candidate(s, org, {2: date(2025, 2, 1)}, born=born)
    doc = status(date(2025, 3, 1))
    targets = stage_of(doc, "CT", "personnel")["feasibility"]["targets"]
    under_40 = next(t for t in targets if t["category"] == "duoi-40")
    assert (under_40["have"], under_40["pipeline"]) == (1, 1)


def test_postgraduate_category_reads_education_or_academic_title(engine: Engine) -> None:
    bachelor = {"education": "Cử nhân Sư phạm Toán"}
    with write_session() as s:
        root = root_only(s)
        none = add_org(s, "NONE", parent=root, committee_size=1)
        add_passed(s, none, 2, date(2025, 2, 1), **bachelor)
        by_title = add_org(s, "TITLE", parent=root, committee_size=1)
        add_passed(s, by_title, 1, date(2025, 2, 1), **bachelor)
        add_passed(s, by_title, 1, date(2025, 2, 1), education="Cử nhân Luật", title="PGS.TS")
        by_abbrev = add_org(s, "ABBREV", parent=root, committee_size=1)
        add_passed(s, by_abbrev, 1, date(2025, 2, 1), **bachelor)
        add_passed(s, by_abbrev, 1, date(2025, 2, 1), education="ThS. Quản lý giáo dục")
    doc = status(date(2025, 3, 1))
    assert {c: stage_of(doc, c, "personnel")["state"] for c in ("NONE", "TITLE", "ABBREV")} == {
        "NONE": "on_track",
        "TITLE": "done",
        "ABBREV": "done",
    }


def test_a_candidates_step_is_the_latest_dated_on_or_before_as_of(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        org = add_org(s, "U", parent=root, committee_size=1)  # required 2
        steps = {1: date(2025, 1, 5), 2: date(2025, 1, 20), 3: date(2025, 2, 1)}
        add_candidate(s, org, {**steps, 4: date(2025, 3, 1), 5: date(2025, 4, 10)})
        add_candidate(s, org, {5: date(2025, 2, 15)})
        add_candidate(s, org, {1: date(2025, 5, 1)})  # nothing yet on any day below
    before = stage_of(status(date(2025, 4, 9)), "U", "personnel")
    assert (before["passed"], before["progress"], before["state"]) == (1, 0.9, "on_track")
    on_day = stage_of(status(date(2025, 4, 10)), "U", "personnel")
    assert (on_day["passed"], on_day["progress"], on_day["state"]) == (2, 1.0, "done")
    assert on_day["done_on"] == "2025-04-10"
    early = stage_of(status(date(2025, 1, 31)), "U", "personnel")
    assert early["progress"] == 0.2  # step 2 of the first candidate only: 2 ÷ 10


def test_the_latest_step_is_by_date_not_by_number_and_a_same_day_tie_takes_the_higher(
    engine: Engine,
) -> None:
    with write_session() as s:
        root = root_only(s)
        org = add_org(s, "U", parent=root, committee_size=1)  # required 2
        # Step 5 recorded, then a later-dated step 3 (the process was taken up again).
        add_candidate(s, org, {5: date(2025, 2, 1), 3: date(2025, 3, 1)})
        # Steps 4 and 5 passed the same day: step 5 counts from that day.
        add_candidate(s, org, {4: date(2025, 2, 10), 5: date(2025, 2, 10)})
    feb = stage_of(status(date(2025, 2, 20)), "U", "personnel")
    assert (feb["passed"], feb["progress"], feb["state"]) == (2, 1.0, "done")
    mar = stage_of(status(date(2025, 3, 1)), "U", "personnel")
    assert (mar["passed"], mar["progress"]) == (1, 0.8)  # (3 + 5) ÷ 10
    assert mar["state"] != "done"


def test_personnel_is_not_applicable_for_size_0_or_2_contents_and_warns_when_size_missing(
    engine: Engine,
) -> None:
    with write_session() as s:
        root = root_only(s)
        zero = add_org(s, "ZERO", parent=root, committee_size=0)
        add_passed(s, zero, 2, date(2025, 2, 1))
        appointed = add_org(s, "APPOINTED", parent=root, committee_size=5, contents=2)
        add_passed(s, appointed, 6, date(2025, 2, 1))
        missing = add_org(s, "MISSING", parent=root, committee_size=None)
        add_passed(s, missing, 4, date(2025, 2, 1))
        normal = add_org(s, "NORMAL", parent=root, committee_size=1)
        add_candidate(s, normal, {2: date(2025, 2, 1)})
    doc = status(date(2025, 4, 1))
    for code in ("ZERO", "APPOINTED"):
        entry = stage_of(doc, code, "personnel")
        assert (entry["state"], entry["progress"], entry["done_on"]) == (
            "not_applicable",
            None,
            None,
        )
    miss = stage_of(doc, "MISSING", "personnel")
    assert (miss["state"], miss["progress"]) == ("not_started", 0.0)
    assert miss["warnings"] == ["thieu-so-luong-cap-uy"]
    assert stage_of(doc, "NORMAL", "personnel")["warnings"] == []
    assert doc["stages"]["personnel"] == {
        "units": 4,
        "applicable": 2,
        "done": 0,
        "overdue": 0,
        "at_risk": 0,
        "on_track": 1,
        "not_started": 1,
        "progress": 0.1,  # (0 + 2 ÷ 10) ÷ 2
        "short_units": 1,  # NORMAL: 2 required, 1 listed
    }


def test_personnel_done_on_restarts_after_a_structure_break(engine: Engine) -> None:
    old = {"born": date(1970, 1, 1)}
    with write_session() as s:
        root = root_only(s)
        org = add_org(s, "U", parent=root, committee_size=3)  # required 4
        # 1 under 40 among 4 holds (needs ⌈0.4⌉ = 1) from 01-10 …
        add_passed(s, org, 1, date(2025, 1, 10))
        add_passed(s, org, 3, date(2025, 1, 10), **old)
        # … 8 more over 40 on 01-20: 1 of 12 (needs 2) breaks it …
        add_passed(s, org, 8, date(2025, 1, 20), **old)
        # … one more under 40 on 01-30: 2 of 13 (needs ⌈1.3⌉ = 2) holds again.
        add_passed(s, org, 1, date(2025, 1, 30))
    first = stage_of(status(date(2025, 1, 15)), "U", "personnel")
    assert (first["state"], first["done_on"]) == ("done", "2025-01-10")
    broken = stage_of(status(date(2025, 1, 25)), "U", "personnel")
    assert (broken["state"], broken["done_on"], broken["progress"]) == ("on_track", None, 1.0)
    again = stage_of(status(date(2025, 2, 1)), "U", "personnel")
    assert (again["state"], again["done_on"]) == ("done", "2025-01-30")
