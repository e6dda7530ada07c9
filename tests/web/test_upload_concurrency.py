"""Twenty unit accounts upload their nhan-su files at the same moment through the app served
by uvicorn on a loopback port (real threads, real connections): every upload lands, each unit
then holds exactly the rows of its own file, and no answer tells a user the database was
busy or locked (the app's writes retry: models.db.write_with_retry). SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select

from models import Candidate, Organisation
from models.db import read_session, write_session
from models.enums import OrgKind
from models.settings import get_settings
from tests.helpers.accounts import unit_account
from tests.helpers.factories import add_org
from tests.helpers.workbooks import nhan_su_book, person
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.db

UNITS = 20
ROWS = 6  # each unit's file
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BUSY_WORDS = ("locked", "database is", "bận", "OperationalError")


def _names(code: str) -> list[str]:
    return [f"Người {code} Số {i}" for i in range(ROWS)]


@pytest.fixture
def units(engine: Engine) -> list[str]:
    """DU › CB-00 … CB-19, one unit account each (login = the unit's code)."""
    with write_session(engine) as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO, name="Đảng ủy Thử nghiệm")
        codes = [add_org(s, f"CB-{i:02d}", parent=root).code for i in range(UNITS)]
    for code in codes:
        unit_account(engine, code, password=PASSWORD)
    return codes


@pytest.fixture
def served(engine: Engine) -> Iterator[str]:
    """The app on a random loopback port (uvicorn in a thread); its base URL."""
    import uvicorn

    from flows.web import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(create_app(get_settings()), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _logged_in(url: str, login: str) -> httpx.Client:
    client = httpx.Client(base_url=url, headers={"Origin": url}, timeout=120)
    r = client.post("/dang-nhap", data={"login": login, "password": PASSWORD})
    assert r.status_code == 303, r.text
    return client


def _held(engine: Engine) -> dict[str, set[str]]:
    with read_session(engine) as s:
        rows = s.execute(
            select(Organisation.code, Candidate.full_name)
            .join(Candidate, Candidate.org_id == Organisation.id)
            .where(Candidate.active.is_(True))
        ).all()
    held: dict[str, set[str]] = {}
    for code, name in rows:
        held.setdefault(str(code), set()).add(str(name))
    return held


def test_twenty_units_uploading_at_once_all_land_each_with_exactly_its_rows(
    engine: Engine, units: list[str], served: str, tmp_path: Path
) -> None:
    bodies = {
        code: nhan_su_book(
            tmp_path / f"nhan-su-{code}.xlsx",
            [person(**{"Mã đơn vị": code, "Họ và tên": name}) for name in _names(code)],
        ).read_bytes()
        for code in units
    }
    clients = {code: _logged_in(served, code) for code in units}
    start = threading.Barrier(len(units))
    answers: dict[str, tuple[int, str, Any]] = {}

    def upload(code: str) -> None:
        start.wait()
        r = clients[code].post(
            "/nop",
            files={"files": (f"nhan-su-{code}.xlsx", bodies[code], XLSX)},
            headers={"Accept": "application/json"},
        )
        answers[code] = (r.status_code, r.text, r.json() if r.status_code == 200 else None)

    threads = [threading.Thread(target=upload, args=(code,)) for code in units]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for client in clients.values():
        client.close()

    assert sorted(answers) == sorted(units)
    busy = [c for c, (_, text, _) in answers.items() if any(w in text for w in BUSY_WORDS)]
    assert busy == [], {c: answers[c][1][:300] for c in busy}
    failed = {c: a[:2] for c, a in answers.items() if a[0] != 200}
    assert failed == {}
    states = {c: [(f["state"], f["rows"]) for f in a[2]["files"]] for c, a in answers.items()}
    assert states == {c: [("accepted", ROWS)] for c in units}
    assert _held(engine) == {c: set(_names(c)) for c in units}
