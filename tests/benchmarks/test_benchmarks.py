"""The benchmark module imports and writes its JSON keys (its cheapest part, committee scale)."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.db import dispose_engines
from models.settings import get_settings


def test_committee_rollup_part_produces_the_json_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks import __main__ as bench

    monkeypatch.setenv("DAIHOI_BENCH_DIR", str(tmp_path / "bench"))
    monkeypatch.setenv("DAIHOI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    for name in (
        "DAIHOI_DATABASE_URL",
        "PREFECT_LOGGING_LEVEL",
        "PREFECT_SERVER_ANALYTICS_ENABLED",
    ):
        monkeypatch.delenv(name, raising=False)  # main sets them; restored after the test
    monkeypatch.setattr(bench, "RESULTS", tmp_path / "results")
    try:
        res = bench.main(["--scale", "committee", "--only", "rollup", "--rounds", "1"])
    finally:
        get_settings.cache_clear()
        dispose_engines()
    assert (tmp_path / "results" / "committee.json").exists()
    assert {"scale", "ratios", "seconds", "peak_rss_mb"} <= set(res)
    assert res["scale"] == "committee"
    assert res["ratios"]["rollup_vs_sql"] > 0
    assert res["seconds"]["seed"] > 0


def test_a_cached_dataset_at_a_revision_this_checkout_lacks_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from benchmarks.dataset import prepare

    monkeypatch.setenv("DAIHOI_BENCH_DIR", str(tmp_path / "bench"))
    for name in ("DAIHOI_HOME", "DAIHOI_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)  # prepare sets them; restored after the test
    try:
        first = prepare("committee")
        db = first.home / "daihoi.sqlite"
        dispose_engines()
        with sqlite3.connect(db) as conn:  # another branch's migration stamped the cache
            conn.execute("UPDATE daihoi_alembic_version SET version_num = 'ffff'")
        again = prepare("committee")
        assert again.seed_seconds is not None  # seeded afresh, not reused or migrated
        with sqlite3.connect(db) as conn:
            (revision,) = conn.execute("SELECT version_num FROM daihoi_alembic_version").fetchone()
        assert revision != "ffff"
    finally:
        get_settings.cache_clear()
        dispose_engines()
