"""The demo generator: deterministic, realistic in size and shape, safe with real data."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from typer.testing import CliRunner

from models import (
    AuditEvent,
    Base,
    Candidate,
    CandidateStep,
    Comment,
    Congress,
    Organisation,
    Submission,
    YearFigures,
)
from models.db import dispose_engines, read_session, write_session
from models.enums import Gender, OrgKind
from models.queries import get_meta
from tasks.core.errors import UserError
from tasks.demo.names import (
    FAMILY_NAMES,
    FEMALE_MARKER,
    GIVEN_NAMES,
    MALE_MARKER,
    MIDDLE_WORDS,
    SECOND_FAMILIES,
    NameGenerator,
)
from tasks.demo.regions import build_city, build_nation, commune_names
from tasks.demo.seed import DEFAULT_DEMO_AS_OF, seed_demo
from tasks.demo.units import plan_congresses, sum_members
from tasks.status.document import compute_status
from tests.helpers.factories import add_org

pytestmark = pytest.mark.db

TIMESTAMPS = {"created_at", "updated_at"}


def _snapshot(engine: Engine) -> dict[str, list[Any]]:
    """Every row of every table, timestamps left out, in id order."""
    out: dict[str, list[Any]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            cols = [c for c in table.c if c.name not in TIMESTAMPS]
            out[table.name] = [tuple(r) for r in conn.execute(select(*cols).order_by(table.c.id))]
    return out


def _name_parts_fit(full_name: str, gender: Gender) -> bool:
    """Family first (a known family name), then middle words of the right gender, then given."""
    family, *middle, given = full_name.split()
    allowed = set(MIDDLE_WORDS[gender]) | set(SECOND_FAMILIES)
    allowed.add(FEMALE_MARKER if gender is Gender.NU else MALE_MARKER)
    return (
        family in FAMILY_NAMES
        and all(word in allowed for word in middle)
        and given in GIVEN_NAMES[gender]
    )


def test_names_are_family_middle_given_and_fit_the_gender() -> None:
    first = NameGenerator(random.Random(7))
    names = [first.name(g) for g in (Gender.NU, Gender.NAM) for _ in range(1500)]
    again = NameGenerator(random.Random(7))
    assert [again.name(g) for g in (Gender.NU, Gender.NAM) for _ in range(1500)] == names
    for name in names:
        assert name.full == " ".join(p for p in (name.family, name.middle, name.given) if p)
        assert _name_parts_fit(name.full, name.gender), name.full
    women = [n for n in names if n.gender is Gender.NU]
    men = [n for n in names if n.gender is Gender.NAM]
    assert all(MALE_MARKER not in n.middle.split() for n in women)
    assert all(FEMALE_MARKER not in n.middle.split() for n in men)
    assert any(n.middle == FEMALE_MARKER for n in women)
    assert any(n.middle == MALE_MARKER for n in men)
    assert any(len(n.middle.split()) == 2 for n in names)
    families = Counter(n.family for n in names)
    assert families.most_common(1)[0][0] == "Nguyễn"
    assert len(families) >= 15


def test_same_seed_gives_identical_rows_and_another_seed_different_ones(engine: Engine) -> None:
    seed_demo(engine, seed=11)
    first = _snapshot(engine)
    with pytest.raises(UserError, match="--reset"):
        seed_demo(engine, seed=11)
    # Reset rebuilds the schema: append-only audit rows go with it, never by a DELETE.
    with write_session(engine) as s:
        s.add(AuditEvent(actor="thu-nghiem", entity="candidate", entity_id=1, action="update"))
    seed_demo(engine, seed=11, reset=True)
    assert _snapshot(engine) == first
    summary = seed_demo(engine, seed=12, reset=True)
    other = _snapshot(engine)
    for table in ("organisation", "candidate", "candidate_step", "comment", "attendance"):
        assert other[table] != first[table], table
    assert other["draft_section"] == first["draft_section"]  # the draft's structure is fixed
    assert len(other["organisation"]) == summary.counts["organisation"]
    with read_session(engine) as s:
        assert get_meta(s, "demo_seed") == "12"


def test_the_seeded_tables_have_fresh_planner_statistics_on_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite plans these queries well without statistics")
    seed_demo(engine)
    with engine.connect() as conn:
        analysed = conn.execute(
            text(
                "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
                "AND last_analyze IS NOT NULL"
            )
        ).scalars()
        assert {"attendance", "candidate_step", "organisation", "comment"} <= set(analysed)


def test_committee_has_the_planned_size_and_every_kind_of_unit(engine: Engine) -> None:
    summary = seed_demo(engine)
    assert summary.root_code == "DU-SGDDT"
    assert 110 <= summary.units <= 135
    assert 4_500 <= summary.members_official + summary.members_probationary <= 5_500
    assert 600 <= summary.counts["candidate"] <= 800
    assert 1_300 <= summary.counts["comment"] <= 1_700
    assert summary.counts["organisation"] == summary.units + 1 + 2  # root and two merged units
    with read_session(engine) as s:
        assert set(s.scalars(select(Organisation.kind).distinct())) == set(OrgKind)
        codes = list(s.scalars(select(Organisation.code)))
        assert all(code == code.upper() for code in codes) and len(set(codes)) == len(codes)
        contents = Counter(s.scalars(select(Congress.contents)))
        assert contents[4] > 100 and contents[3] >= 1 and contents[2] >= 2
        assert s.scalar(select(func.count()).where(Congress.committee_size.is_(None))) >= 1
        assert (
            s.scalar(
                select(Congress.committee_size)
                .join(Organisation)
                .where(Organisation.code == "DU-SGDDT")
            )
            == 18
        )
        submitted = s.scalar(select(func.count()).select_from(Submission))
        assert 0.65 <= submitted / summary.units <= 0.9
        # Points raised by many units in the same words make "N đơn vị đề nghị …" groups.
        groups = s.execute(
            select(func.count(func.distinct(Comment.submission_id)))
            .group_by(Comment.section_number, Comment.text_key)
            .having(func.count(func.distinct(Comment.submission_id)) >= 10)
        ).all()
        assert len(groups) >= 5
        after = s.scalar(select(func.count()).where(CandidateStep.passed_on > DEFAULT_DEMO_AS_OF))
        assert after > 50  # replaying a later day moves personnel progress
        people = s.execute(select(Candidate.full_name, Candidate.gender)).all()
        assert all(_name_parts_fit(name, gender) for name, gender in people)
        years = Counter(s.scalars(select(YearFigures.year)))
        assert set(years) == {2023, 2024} and years[2024] < years[2023]
        assert get_meta(s, "demo") == "true"
        assert get_meta(s, "demo_as_of") == "2025-03-15"


def test_every_milestone_state_appears_on_the_default_day(engine: Engine) -> None:
    seed_demo(engine)
    with read_session(engine) as s:
        doc = compute_status(s, scope=None, as_of=DEFAULT_DEMO_AS_OF)
    states = Counter(
        (stage, entry["state"]) for unit in doc["units"] for stage, entry in unit["stages"].items()
    )
    for stage in ("personnel", "inspections", "training"):
        for state in ("done", "overdue", "at_risk", "on_track", "not_started"):
            assert states[(stage, state)] > 0, (stage, state)
    assert states[("feedback", "done")] > states[("feedback", "overdue")] > 0
    assert doc["stages"]["feedback"]["late"] > 0
    met = {t["code"]: t["met"] for t in doc["targets"]}
    assert True in met.values() and False in met.values()
    # A later day sees more done: dated facts after the default as-of.
    with read_session(engine) as s:
        later = compute_status(s, scope=None, as_of=date(2025, 4, 15))
    for stage in ("personnel", "inspections", "training"):
        assert later["stages"][stage]["progress"] > doc["stages"][stage]["progress"], stage


def test_a_database_with_real_data_is_refused_and_left_alone(engine: Engine) -> None:
    with write_session(engine) as s:
        add_org(s, "DU-THAT", OrgKind.TREN_CO_SO)
    with pytest.raises(UserError, match="dữ liệu thật"):
        seed_demo(engine, reset=True)
    with read_session(engine) as s:
        assert list(s.scalars(select(Organisation.code))) == ["DU-THAT"]


@pytest.fixture
def fresh_home(home: Path) -> Iterator[Path]:
    """A DAIHOI_HOME with no database yet; engines closed afterwards."""
    yield home
    dispose_engines()


def test_demo_command_creates_the_home_seeds_and_prints_a_summary(fresh_home: Path) -> None:
    from flows.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["demo", "--as-of", "01/04/2025", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Dữ liệu mẫu đã tạo" in result.output
    assert "DU-SGDDT" in result.output and "01/04/2025" in result.output
    assert "Chi bộ trực thuộc" in result.output
    assert (fresh_home / "daihoi.toml").is_file()
    again = runner.invoke(app, ["demo"])
    assert again.exit_code == 1
    assert isinstance(again.exception, UserError) and "--reset" in again.exception.message


def _tree_shape(build: Any) -> tuple[Counter[str], int, int]:
    """Units by kind, members under the root and candidates needed, of a scale's tree."""
    ids = iter(range(1, 10**9))
    units = build(lambda: next(ids), random.Random("daihoi-demo:2025:tree")).units
    sum_members(units, random.Random(1))
    plan_congresses(units, random.Random(2))
    codes = [u.code for u in units]
    assert len(set(codes)) == len(codes) and all(c == c.upper() for c in codes)
    kinds = Counter(u.kind.value for u in units if u.active and u.parent is not None)
    root = units[0]
    return kinds, root.members + root.probationary, sum(u.required for u in units if u.active)


def test_city_tree_has_the_size_of_ho_chi_minh_city() -> None:
    kinds, members, required = _tree_shape(build_city)
    grassroots = kinds[OrgKind.CHI_BO_CO_SO] + kinds[OrgKind.DANG_BO_CO_SO]
    assert 10_300 <= grassroots <= 10_900
    assert 160 <= kinds[OrgKind.TREN_CO_SO] <= 180
    assert 340_000 <= members <= 390_000
    assert 50_000 <= required <= 75_000


@pytest.mark.slow
def test_national_tree_has_the_size_of_the_party() -> None:
    kinds, members, required = _tree_shape(lambda n, r: build_nation(n, r, commune_names()))
    grassroots = kinds[OrgKind.CHI_BO_CO_SO] + kinds[OrgKind.DANG_BO_CO_SO]
    assert 50_000 <= grassroots <= 54_000
    assert 5_300_000 <= members <= 5_900_000
    assert 350_000 <= required <= 450_000
