"""`/api/v1/status` is exactly `daihoi status --json`; the status memo by (scope, as_of, plan,
year, data version): a repeated view is a lookup, a committed write makes the next recompute."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from flows.cli import app as cli
from models.accounts import data_version
from models.db import read_session, write_session
from tests.web.conftest import ORIGIN, World, log_in

DATES = ("2025-01-15", "2025-03-15", "2025-05-20")


def cli_json(*args: str) -> str:
    result = CliRunner().invoke(cli, ["status", "--json", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.db
@pytest.mark.parametrize(
    ("role", "query", "cli_args"),
    [
        ("van-phong", "", ()),
        ("lanh-dao", "&org=DB-A", ("--org", "DB-A")),
        ("don-vi", "", ("--org", "DB-A")),  # a unit account's own scope by default
        ("don-vi", "&org=CB-A1", ("--org", "CB-A1")),
    ],
    ids=["office", "leadership-org", "unit-own-scope", "unit-child"],
)
def test_the_status_api_is_exactly_status_json_at_three_dates(
    client_for: Callable[[str], TestClient],
    world: World,
    role: str,
    query: str,
    cli_args: tuple[str, ...],
) -> None:
    client = client_for(role)
    texts = set()
    for day in DATES:
        r = client.get(f"/api/v1/status?as_of={day}{query}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
        expected = cli_json("--as-of", day, *cli_args)
        assert r.text + "\n" == expected
        assert json.loads(r.text)["as_of"] == day
        texts.add(r.text)
    assert len(texts) == 3


def test_the_status_api_answers_a_bad_day_or_plan_in_json(
    client_for: Callable[[str], TestClient], world: World
) -> None:
    c = client_for("van-phong")
    r = c.get("/api/v1/status?as_of=31/02/2025")
    assert r.status_code == 400 and "không phải ngày hợp lệ" in r.json()["error"]
    r = c.get("/api/v1/status?plan=khong-co")
    assert r.status_code == 400 and "khong-co" in r.json()["error"]


def _override(code: str, stage: str, day: str) -> None:
    result = CliRunner().invoke(
        cli,
        ["override", stage, "--org", code, "--state", "done", "--from", day, "--reason", "thử"],
    )
    assert result.exit_code == 0, result.output


@pytest.mark.db
def test_a_write_between_two_views_changes_the_second(
    client_for: Callable[[str], TestClient], world: World, app: object
) -> None:
    c = client_for("van-phong")
    url = "/api/v1/status?as_of=2025-03-15&org=DB-A"
    first = c.get(url).json()
    memo = app.state.memo  # type: ignore[attr-defined]
    hits = memo.hits
    assert c.get(url).json() == first and memo.hits == hits + 1  # a lookup, nothing recomputed
    entry = {u["code"]: u for u in first["units"]}["CB-A1"]["stages"]["training"]
    assert entry["state"] != "done"
    _override("CB-A1", "training", "2025-03-01")  # the CLI's own writer, another process's kind
    second = c.get(url).json()
    assert {u["code"]: u for u in second["units"]}["CB-A1"]["stages"]["training"]["state"] == "done"
    assert second != first
    page = c.get("/don-vi/CB-A1?as_of=2025-03-15").text
    assert "Tập huấn nghiệp vụ đại hội" in page


@pytest.mark.db
def test_two_workers_share_the_data_version(
    world: World, accounts: dict[str, str], engine: Engine
) -> None:
    from flows.web import create_app
    from models.settings import get_settings

    one, two = (
        log_in(
            TestClient(
                create_app(get_settings()),
                base_url=ORIGIN,
                headers={"Origin": ORIGIN},
                follow_redirects=False,
            ),
            accounts["van-phong"],
        )
        for _ in range(2)
    )
    url = "/api/v1/status?as_of=2025-03-15"
    before = one.get(url).json()
    assert two.get(url).json() == before
    _override("CB-B", "inspections", "2025-03-01")
    after_one, after_two = one.get(url).json(), two.get(url).json()
    assert after_one == after_two != before


@pytest.mark.db
def test_every_committed_write_moves_the_data_version_and_bookkeeping_does_not(
    engine: Engine, world: World, client_for: Callable[[str], TestClient]
) -> None:
    with read_session(engine) as s:
        start = data_version(s)
    with write_session(engine):
        pass
    with read_session(engine) as s:
        assert data_version(s) == start + 1
    with pytest.raises(RuntimeError), write_session(engine):
        raise RuntimeError("rolled back")
    with write_session(engine, changes_data=False):
        pass
    client_for("van-phong").get("/tong-quan")  # a login and a page: sessions, audit, no data
    with read_session(engine) as s:
        assert data_version(s) == start + 1


def test_the_memo_keys_by_scope_day_plan_and_year(engine: Engine, world: World) -> None:
    from tasks.status.memo import StatusMemo

    memo = StatusMemo()
    a = memo.get(engine, scope="DU-TEST", as_of=date(2025, 3, 15))
    assert memo.get(engine, scope="DU-TEST", as_of=date(2025, 3, 15)) is a
    assert memo.get(engine, scope="DB-A", as_of=date(2025, 3, 15)) is not a
    assert memo.get(engine, scope="DU-TEST", as_of=date(2025, 3, 16)) is not a
    assert memo.get(engine, scope="DU-TEST", as_of=date(2025, 3, 15), plan="ct35-2024") is not a
    assert memo.misses == 4 and memo.hits == 1
    with write_session(engine):
        pass
    assert memo.get(engine, scope="DU-TEST", as_of=date(2025, 3, 15)) is not a


def test_a_scopes_day_and_its_forecast_day_stay_cached_whatever_the_budget(
    engine: Engine, world: World
) -> None:
    from tasks.status.forecast import cached_forecasts
    from tasks.status.memo import StatusMemo

    memo = StatusMemo(max_units=1)  # less than one document weighs, as at national
    day = date(2025, 3, 15)
    first = cached_forecasts(memo, engine, scope="DU-TEST", as_of=day)
    assert (memo.misses, memo.hits) == (2, 0)  # the day and 28 days before
    assert cached_forecasts(memo, engine, scope="DU-TEST", as_of=day) == first
    assert (memo.misses, memo.hits) == (2, 2)
    memo.get(engine, scope="DB-A", as_of=day)  # a third document: the least recent goes
    memo.get(engine, scope="DU-TEST", as_of=day - timedelta(days=28))
    assert memo.misses == 3  # the forecast's day, read last, stayed
    memo.get(engine, scope="DU-TEST", as_of=day)
    assert memo.misses == 4  # the day, read before it, went


def test_cached_documents_are_out_of_the_collectors_walk_and_still_freed_once_dropped(
    engine: Engine, world: World
) -> None:
    import gc
    import weakref

    from tasks.status.memo import StatusMemo

    class Cycle:
        me: object

    memo = StatusMemo(max_units=1)
    day = date(2025, 3, 15)
    try:
        gc.unfreeze()
        cycle = Cycle()
        cycle.me = cycle  # alive when the first document is stored (and frozen with it)
        kept = weakref.ref(cycle)
        first = memo.get(engine, scope="DU-TEST", as_of=day)
        del cycle
        assert gc.get_freeze_count() > 0  # the collector no longer walks it
        assert first.result is not None
        frames = [weakref.ref(first.result.units)]
        frames += [weakref.ref(f) for f in first.result.per_stage.values()]
        del first
        for later in (1, 2):  # the floor of two: the third store drops the first
            memo.get(engine, scope="DU-TEST", as_of=day + timedelta(days=later))
        assert [f() for f in frames] == [None] * len(frames)  # freed, frozen or not
        assert kept() is None  # the store that dropped a document collected the frozen cycle
    finally:
        gc.unfreeze()


def test_a_unit_page_read_off_the_scope_document_equals_status_of_that_unit(engine: Engine) -> None:
    """The unit page's shortcut (the scope's cached document) states exactly what
    `status --org UNIT` states: own stages, subtree summary, children, unit count."""
    from models.queries import find_org, find_root
    from tasks.demo.seed import seed_demo
    from tasks.status.document import compute_status
    from tasks.status.memo import StatusMemo, unit_view

    seed_demo(engine, scale="committee")
    memo = StatusMemo()
    day = date(2025, 3, 15)
    with read_session(engine) as s:
        root = find_root(s)
        doc = compute_status(s, scope=None, as_of=day)
        parents = {u["parent"] for u in doc["units"]}
        codes = [u["code"] for u in doc["units"] if u["code"] in parents]
        codes += [u["code"] for u in doc["units"][::7]]
        refs = {c: find_org(s, code=c) for c in codes}
    assert len([c for c in codes if c in parents]) >= 3
    for code, ref in refs.items():
        view = unit_view(memo, engine, scope=root, unit=ref, as_of=day)
        with read_session(engine) as s:
            want = compute_status(s, scope=code, as_of=day)
        assert view.own == want["self"]["stages"], code
        assert view.stages == want["stages"], code
        assert view.units == len(want["units"]), code
        direct = [u for u in want["units"] if u["parent"] == code]
        assert [(c["code"], c["stages"]) for c in view.children] == [
            (u["code"], u["stages"]) for u in direct
        ], code
    assert memo.misses == 1  # every unit page came from the one scope document
