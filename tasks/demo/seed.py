"""The demo data generator: a synthetic committee (or city, or country) seeded in one transaction.

Same seed and as-of give the same rows in every table; every date is an offset from as-of, so
any as-of gives a similar picture. The data makes every milestone state of DESIGN.md appear.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from alembic import command
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import Base, Congress, Organisation, OrgLink
from models.db import refresh_planner_statistics, write_session
from models.migrate import alembic_config, current_revision, downgrade, head_revision, upgrade
from models.queries import get_meta, set_meta
from models.tree import rebuild_paths
from tasks.core.errors import UserError
from tasks.demo.committee import build_committee
from tasks.demo.constants import DEFAULT_DEMO_AS_OF as DEFAULT_DEMO_AS_OF
from tasks.demo.constants import DEFAULT_DEMO_SEED as DEFAULT_DEMO_SEED
from tasks.demo.constants import SCALES as SCALES
from tasks.demo.constants import Scale as Scale
from tasks.demo.feedback import DraftSpec, FeedbackMaker
from tasks.demo.figures import FigureMaker
from tasks.demo.inspections import InspectionMaker
from tasks.demo.people import People, give_leaders
from tasks.demo.personnel import CandidateMaker
from tasks.demo.regions import build_city, build_nation, commune_names
from tasks.demo.training import TrainingMaker
from tasks.demo.units import (
    TERM,
    TreeBuilder,
    Unit,
    plan_congresses,
    sum_members,
)
from tasks.demo.writer import BulkWriter

# Tables that a fresh or demo database may hold without them being the user's data.
# Bookkeeping, not a committee's data: the web's accounts and sessions, the data version.
_NOT_USER_DATA = {
    "app_meta",
    "plan_version",
    "plan_milestone",
    "data_version",
    "trend_point",
    "account",
    "activation_code",
    "web_session",
    "login_failure",
    "login_lock",
}


@dataclass(frozen=True)
class DemoSummary:
    """What a seed wrote: the root, the scale, as-of and seed, rows per table, and how long it took."""

    root_code: str
    root_name: str
    scale: Scale
    as_of: date
    seed: int
    counts: Mapping[str, int]
    units_by_kind: Mapping[str, int]  # active units under the root, by OrgKind value
    members_official: int
    members_probationary: int
    seconds: float

    @property
    def units(self) -> int:
        """Active organisations under the root."""
        return sum(self.units_by_kind.values())


@dataclass(frozen=True)
class _ScaleSpec:
    build: Callable[[Callable[[], int], random.Random], TreeBuilder]
    draft_title: str
    regional: bool
    comments_per_submission: float
    units_per_training_cluster: int


def _nation(new_id: Callable[[], int], rng: random.Random) -> TreeBuilder:
    return build_nation(new_id, rng, commune_names())


_SPECS: dict[Scale, _ScaleSpec] = {
    "committee": _ScaleSpec(
        build_committee,
        "Dự thảo Báo cáo chính trị Đại hội đại biểu Đảng bộ Sở Giáo dục và Đào tạo lần thứ VIII, "
        "nhiệm kỳ 2025–2030",
        False,
        16.5,
        10**9,
    ),
    "city": _ScaleSpec(
        build_city,
        "Dự thảo Báo cáo chính trị Đại hội đại biểu Đảng bộ Thành phố Hồ Chí Minh lần thứ I, "
        "nhiệm kỳ 2025–2030",
        True,
        10.3,
        400,
    ),
    "national": _ScaleSpec(
        _nation,
        "Dự thảo Báo cáo chính trị trình Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
        True,
        10.2,
        400,
    ),
}


def database_state(engine: Engine) -> Literal["empty", "demo", "other"]:
    """Whether the database is empty, holds demo data, or holds someone's own data."""
    tables = [t for t in Base.metadata.sorted_tables if t.name not in _NOT_USER_DATA]
    with Session(bind=engine) as session:
        flags = session.execute(select(*(select(t.c.id).exists() for t in tables))).one()
        marker = get_meta(session, "demo")
    if not any(flags):
        return "empty"
    return "demo" if marker == "true" else "other"


def seed_demo(
    engine: Engine,
    *,
    scale: Scale = "committee",
    as_of: date = DEFAULT_DEMO_AS_OF,
    seed: int = DEFAULT_DEMO_SEED,
    reset: bool = False,
) -> DemoSummary:
    """Seed a synthetic committee; refuses a database holding non-demo data, and existing demo
    data unless `reset` (which rebuilds the schema: audit rows are never deleted)."""
    if scale not in _SPECS:
        raise UserError(f"Quy mô '{scale}' không hợp lệ: chọn một trong {', '.join(SCALES)}.", 2)
    started = time.perf_counter()
    if current_revision(engine) != head_revision(engine):
        raise UserError(
            "Cơ sở dữ liệu chưa được khởi tạo hoặc cần nâng cấp: hãy chạy 'daihoi init'."
        )
    state = database_state(engine)
    if state == "other":
        raise UserError(
            "Cơ sở dữ liệu đang chứa dữ liệu thật (không phải dữ liệu mẫu): 'daihoi demo' không ghi "
            "đè lên đó. Hãy dùng một DAIHOI_HOME (hoặc DAIHOI_DATABASE_URL) khác."
        )
    if state == "demo":
        if not reset:
            raise UserError(
                "Cơ sở dữ liệu đã có dữ liệu mẫu: thêm --reset để tạo lại, "
                "hoặc dùng một DAIHOI_HOME khác."
            )
        _rebuild_schema(engine)
    with write_session(engine) as session:
        root, units, counts = _generate(session, _SPECS[scale], as_of=as_of, seed=seed)
        for key, value in (
            ("demo", "true"),
            ("demo_as_of", as_of.isoformat()),
            ("demo_seed", str(seed)),
            ("demo_scale", scale),
        ):
            set_meta(session, key, value)
    refresh_planner_statistics(engine)
    by_kind = Counter(u.kind.value for u in units if u.active and u is not root)
    return DemoSummary(
        root_code=root.code,
        root_name=root.name,
        scale=scale,
        as_of=as_of,
        seed=seed,
        counts=dict(counts),
        units_by_kind=dict(by_kind),
        members_official=root.members,
        members_probationary=root.probationary,
        seconds=time.perf_counter() - started,
    )


def _rebuild_schema(engine: Engine) -> None:
    """Downgrade to base and upgrade again: audit rows are append-only, never deleted."""
    if engine.dialect.name != "sqlite":
        downgrade(engine, "base")
        upgrade(engine)
        return
    # SQLite empties a table before dropping it, and organisation's reference to itself then
    # refuses; foreign keys can only be switched off per connection, outside a transaction.
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            config = alembic_config(engine)
            config.attributes["connection"] = conn
            with conn.begin():
                command.downgrade(config, "base")
            with conn.begin():
                command.upgrade(config, "head")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def _rng(seed: int, stream: str) -> random.Random:
    # A string seed is hashed with SHA-512 by random.Random: stable across runs and machines.
    return random.Random(f"daihoi-demo:{seed}:{stream}")


def _generate(
    session: Session, spec: _ScaleSpec, *, as_of: date, seed: int
) -> tuple[Unit, list[Unit], Counter[str]]:
    """Every table's rows, written in batches; returns the root, the units and the row counts."""
    writer = BulkWriter(session)
    tree = spec.build(lambda: writer.new_id(Organisation), _rng(seed, "tree"))
    units = tree.units
    sum_members(units, _rng(seed, "members"))
    plan_congresses(units, _rng(seed, "congress"))
    give_leaders(units, People(_rng(seed, "leaders"), as_of))
    _write_units(writer, units, as_of)
    CandidateMaker(
        writer, _rng(seed, "personnel"), People(_rng(seed, "candidates"), as_of), as_of
    ).run(units)
    InspectionMaker(writer, _rng(seed, "inspections"), as_of).run(units)
    root = units[0]
    FeedbackMaker(writer, _rng(seed, "feedback"), as_of, spec.comments_per_submission).run(
        root, DraftSpec(spec.draft_title, spec.regional), units
    )
    clusters = max(1, len(units) // spec.units_per_training_cluster)
    TrainingMaker(
        writer, _rng(seed, "training"), People(_rng(seed, "attendees"), as_of), as_of
    ).run(units, clusters)
    FigureMaker(writer, _rng(seed, "figures"), as_of.year - 1).run(units)
    writer.finish()
    # Paths were computed with the ids; rebuilding checks them against the parent links.
    rebuild_paths(session)
    return root, units, writer.counts


def _write_units(writer: BulkWriter, units: list[Unit], as_of: date) -> None:
    """Organisations, their parent-link history and their congress rows."""
    term_start = date(as_of.year - 5, 1, 1)

    def day(offset: int | None, default: date | None) -> date | None:
        return default if offset is None else as_of + timedelta(days=offset)

    for u in units:
        writer.add(
            Organisation,
            {
                "id": u.id,
                "code": u.code,
                "name": u.name,
                "kind": u.kind,
                "parent_id": u.parent.id if u.parent else None,
                "path": u.path,
                "depth": u.depth,
                "members_official": u.members,
                "members_probationary": u.probationary,
                "status": u.status,
                "merged_into_id": u.merged_into.id if u.merged_into else None,
                "valid_from": day(u.valid_from, term_start),
                "valid_to": day(u.valid_to, None),
            },
        )
    for u in units:
        start = day(u.valid_from, term_start)
        end = day(u.valid_to, None)
        parent_id = u.parent.id if u.parent else None
        reason = f"Sáp nhập vào {u.merged_into.code}" if u.merged_into else None
        if u.moved_from is not None:
            former, moved = u.moved_from
            moved_on = day(moved, None)
            writer.add(OrgLink, _link(u.id, former.id, start, moved_on, None))
            start, reason = moved_on, "Chuyển về đảng bộ bộ phận"
        writer.add(OrgLink, _link(u.id, parent_id, start, end, reason))
        if u.active:
            writer.add(
                Congress,
                {
                    "org_id": u.id,
                    "term": TERM,
                    "ordinal": u.ordinal,
                    "form": u.form,
                    "contents": u.contents,
                    "committee_size": u.size,
                    "planned_date": day(u.congress, None),
                    "held_date": day(u.congress, None) if u.held else None,
                    "pilot": u.pilot,
                },
            )


def _link(
    org_id: int, parent_id: int | None, start: date | None, end: date | None, reason: str | None
) -> dict[str, object]:
    return {
        "org_id": org_id,
        "parent_id": parent_id,
        "valid_from": start,
        "valid_to": end,
        "reason": reason,
    }
