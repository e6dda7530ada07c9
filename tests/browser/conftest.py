"""Browser tests: the web app served by uvicorn on loopback over a seeded demo database,
driven by Playwright through Debian's chromium (Playwright's own browser download does not
work here). Without chromium, or without Playwright, every test here skips with the reason."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("DAIHOI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=vi-VN",  # an office PC in Vietnam: dates in the picker read dd/mm/yyyy
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("DAIHOI_TEST_ARTIFACTS") or ROOT / ".artifacts" / "browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class Site:
    """The running app: its address and what the scenario needs to know."""

    url: str
    office_login: str
    office_code: str
    unit_login: str
    unit_code: str
    unit_org: str
    password: str
    checker_login: str = "kiemtra"
    checker_password: str = "mat-khau-kiem-tra-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless chromium (skips with the reason when it cannot be had)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A committee-scale demo database with an office and a unit account awaiting activation,
    served by uvicorn in a thread."""
    import uvicorn

    from models.base import utcnow
    from models.db import dispose_engines, get_engine
    from models.enums import Role
    from models.migrate import upgrade
    from models.settings import get_settings
    from tasks.accounts.demo import UNIT_KINDS
    from tasks.demo.seed import seed_demo
    from tests.helpers.accounts import account, unit_account

    home = tmp_path_factory.mktemp("browser-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAIHOI_HOME", str(home))
        mp.delenv("DAIHOI_DATABASE_URL", raising=False)
        mp.setenv("DAIHOI_WEB_ARGON2_MEMORY_KIB", "1024")
        mp.setenv("DAIHOI_WEB_ARGON2_TIME_COST", "1")
        get_settings.cache_clear()
        dispose_engines()
        engine = get_engine()
        upgrade(engine)
        seed_demo(engine, scale="committee")
        from models.accounts import first_units_of_kinds
        from models.db import read_session

        with read_session(engine) as s:
            unit_org = first_units_of_kinds(s, kinds=[UNIT_KINDS[0].value])[0][0]
        now = utcnow()
        office = account(
            engine, "vanphong", Role.VAN_PHONG, name="Văn phòng Đảng ủy", password=None, now=now
        )
        unit = unit_account(engine, unit_org, password=None, now=now)
        assert office is not None and unit is not None
        # a second office account with its password set, for the checks that need a login
        account(
            engine,
            "kiemtra",
            Role.VAN_PHONG,
            name="Kiểm tra",
            password="mat-khau-kiem-tra-1",
            now=now,
        )
        from flows.web import create_app

        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(get_settings()), host="127.0.0.1", port=port, log_level="warning"
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "uvicorn did not start"
        try:
            yield Site(
                f"http://127.0.0.1:{port}",
                "vanphong",
                office.code,
                unit_org,
                unit.code,
                unit_org,
                "mat-khau-trinh-duyet-1",
            )
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            dispose_engines()
            get_settings.cache_clear()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile (no cookies), Vietnamese, laptop-sized."""
    ctx = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    yield ctx
    ctx.close()
