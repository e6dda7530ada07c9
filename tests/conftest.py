"""Fixtures: a migrated template database copied per test; PostgreSQL for `db` tests when asked."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, text

from models import Base
from models.db import build_engine, dispose_engines
from models.migrate import upgrade
from models.settings import get_settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=50,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

PG_URL = os.environ.get("DAIHOI_TEST_DATABASE_URL")

# Tests draw 2-week trends (3 points) unless they ask for the default (`default_trend_weeks`)
# or name their weeks: a point is one judgement of every stage, and 13 of them in each
# progress report were most of the suite's time. The trend's own tests (tests/status/
# test_decision_trend.py) use the default 12 weeks and any weeks they name.
os.environ.setdefault("DAIHOI_TREND_WEEKS", "2")


def pytest_configure(config: pytest.Config) -> None:
    """Children get the environment os.environ describes. GNU readline (which pytest imports)
    puts the terminal's LINES and COLUMNS into the C environment but not into os.environ, so
    a process started from here (an xdist worker) would see COLUMNS=80, and Rich's console
    (flows.cli.common, made at import) would keep 80 columns whatever a test sets."""
    for key in ("COLUMNS", "LINES"):
        if key not in os.environ:
            os.unsetenv(key)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run tests marked `db` on PostgreSQL too, when DAIHOI_TEST_DATABASE_URL is set."""
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"]
        if PG_URL and metafunc.definition.get_closest_marker("db"):
            backends.append("postgresql")
        metafunc.parametrize("backend", backends)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file built by the Alembic migrations, once per session."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    engine = build_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL schema for this run, built by the migrations, dropped at the end."""
    assert PG_URL, "DAIHOI_TEST_DATABASE_URL is not set"
    schema = f"daihoi_test_{uuid.uuid4().hex[:8]}"
    admin = build_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    engine = build_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _truncate_pg(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        # Audit rows are append-only by trigger; a test database is emptied with triggers off.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def default_trend_weeks(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The product's default trend (12 weeks), not the suite's short one."""
    monkeypatch.delenv("DAIHOI_TREND_WEEKS", raising=False)
    get_settings.cache_clear()
    yield get_settings().trend_weeks
    get_settings.cache_clear()


@pytest.fixture
def backend() -> str:
    """Overridden by parametrisation: which database a test runs on."""
    return "sqlite"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh DAIHOI_HOME for the test."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("DAIHOI_HOME", str(path))
    monkeypatch.delenv("DAIHOI_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture
def db_url(
    request: pytest.FixtureRequest,
    backend: str,
    home: Path,
    sqlite_template: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """The URL of an empty migrated database for this test, set as DAIHOI_DATABASE_URL."""
    if backend == "postgresql":
        url = request.getfixturevalue("pg_schema_url")
        engine = build_engine(url)
        _truncate_pg(engine)
        engine.dispose()
    else:
        path = home / "daihoi.sqlite"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite:///{path}"
    monkeypatch.setenv("DAIHOI_DATABASE_URL", url)
    get_settings.cache_clear()
    dispose_engines()
    yield url
    dispose_engines()
    get_settings.cache_clear()


@pytest.fixture
def engine(db_url: str) -> Engine:
    """The engine of this test's database (the one get_engine() returns)."""
    from models.db import get_engine

    return get_engine(db_url)


@pytest.fixture(scope="session")
def harness() -> Iterator[None]:
    """One Prefect test server for the whole session (it takes a while to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
