"""The benchmark datasets: a demo database per scale, seed and backend, built once and reused.

SQLite files live under $DAIHOI_BENCH_DIR (default ~/.cache/daihoi-bench), outside the repo;
a PostgreSQL dataset lives in a schema named after scale and seed. A dataset is reused when its
recorded scale, seed and as-of match and the schema is at the head revision.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from tasks.demo.seed import DEFAULT_DEMO_AS_OF, DEFAULT_DEMO_SEED

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def bench_dir() -> Path:
    """The cache folder for databases, homes and Prefect state."""
    root = Path(os.environ.get("DAIHOI_BENCH_DIR") or Path.home() / ".cache" / "daihoi-bench")
    root.mkdir(parents=True, exist_ok=True)
    return root


@dataclass(frozen=True)
class Dataset:
    scale: str
    seed: int
    backend: str
    url: str
    home: Path
    seed_seconds: float | None  # None when reused (the recorded figure is in meta.txt)


def _url(scale: str, seed: int, backend: str, home: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{home / 'daihoi.sqlite'}"
    schema = f"bench_{scale}_{seed}"
    base = os.environ.get("DAIHOI_BENCH_PG_URL", PG_URL)
    return f"{base}?options=-csearch_path%3D{schema}"


def _ensure_schema(url: str, *, empty: bool = False) -> None:
    """The PostgreSQL schema of the dataset exists (dropped first when `empty`)."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text

    schema = url.split("search_path%3D", 1)[1]
    eng = create_engine(url.split("?", 1)[0])
    with eng.begin() as conn:
        if empty:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    eng.dispose()


def _empty(url: str) -> None:
    """Remove the cached dataset: the SQLite file (and its WAL) or the PostgreSQL schema."""
    if url.startswith("postgresql"):
        _ensure_schema(url, empty=True)
        return
    path = Path(url.removeprefix("sqlite:///"))
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


def _reusable(engine: Engine, scale: str, seed: int) -> bool:
    from models.db import read_session
    from models.migrate import current_revision, head_revision
    from models.queries import get_meta

    try:
        if current_revision(engine) != head_revision(engine):
            return False
        with read_session(engine) as session:
            return (
                get_meta(session, "demo_scale") == scale
                and get_meta(session, "demo_seed") == str(seed)
                and get_meta(session, "demo_as_of") == DEFAULT_DEMO_AS_OF.isoformat()
            )
    except Exception:  # an empty or half-written database: build it again
        return False


def prepare(scale: str, backend: str = "sqlite", seed: int = DEFAULT_DEMO_SEED) -> Dataset:
    """Point DAIHOI_HOME/DAIHOI_DATABASE_URL at the dataset, seeding it when absent or stale."""
    home = bench_dir() / f"{scale}-{seed}-{backend}"
    home.mkdir(parents=True, exist_ok=True)
    url = _url(scale, seed, backend, home)
    os.environ["DAIHOI_HOME"] = str(home)
    os.environ["DAIHOI_DATABASE_URL"] = url
    _ensure_schema(url)
    from models.db import dispose_engines, get_engine
    from models.migrate import upgrade
    from models.settings import get_settings

    cache_clear = getattr(get_settings, "cache_clear", None)
    if cache_clear:
        cache_clear()
    dispose_engines()
    engine = get_engine(url)
    if _reusable(engine, scale, seed):
        return Dataset(scale, seed, backend, url, home, None)
    from tasks.demo.seed import seed_demo

    # Not reusable: start from an empty database, never migrate the old one (it may be at a
    # revision another branch made, which this checkout cannot upgrade from).
    dispose_engines()
    _empty(url)
    engine = get_engine(url)
    upgrade(engine)
    start = time.perf_counter()
    seed_demo(engine, scale=scale, seed=seed, reset=True)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    (home / "seed_seconds.txt").write_text(f"{seconds:.1f}\n")
    return Dataset(scale, seed, backend, url, home, seconds)


def recorded_seed_seconds(ds: Dataset) -> float | None:
    """The seed time of this run, else the one recorded when the dataset was built."""
    if ds.seed_seconds is not None:
        return ds.seed_seconds
    f = ds.home / "seed_seconds.txt"
    return float(f.read_text()) if f.exists() else None


if __name__ == "__main__":
    import sys

    d = prepare(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "sqlite")
    print(d)
