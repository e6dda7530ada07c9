"""Migration 0013: the covering indexes the status stage queries read instead of their tables."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, inspect, text

from models import stages as q

pytestmark = pytest.mark.db

COVERING = {
    "candidate_step": ("ix_candidate_step_candidate_passed", ["candidate_id", "passed_on", "step"]),
    "candidate": ("ix_candidate_org_active", ["org_id", "active"]),
    "attendance": ("ix_attendance_org_role_presence", ["org_id", "role", "presence", "session_id"]),
    "comment": ("ix_comment_submission_kind", ["submission_id", "kind"]),
}


def test_migrated_database_has_the_status_covering_indexes(engine: Engine) -> None:
    insp = inspect(engine)
    for table, (name, columns) in COVERING.items():
        found = {ix["name"]: ix["column_names"] for ix in insp.get_indexes(table)}
        assert found.get(name) == columns, (table, found)


def test_sqlite_reads_candidate_steps_from_the_covering_index(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    age = q.AgeReference(term="2025-2030", reference={}, default_congress={})
    stmt = q.candidates_query(scope_path="1/", as_of=date(2025, 3, 15), age=age).compile(
        dialect=engine.dialect, compile_kwargs={"literal_binds": True}
    )
    with engine.connect() as conn:
        plan = [r[3] for r in conn.execute(text(f"EXPLAIN QUERY PLAN {stmt}"))]
    assert any("COVERING INDEX ix_candidate_step_candidate_passed" in p for p in plan), plan
    # The candidates' own columns (the structure categories) are read from the table itself.
    assert any("INDEX ix_candidate_org_active" in p for p in plan), plan
