"""Web fixtures: a small tree with one account per role, an injectable clock, a logged-in
TestClient per role (the full-stack template's client-per-role pattern)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from models.db import write_session
from models.enums import OrgKind, Role
from models.feedback import Draft
from models.records import ReportArchive
from models.settings import get_settings
from tests.helpers.accounts import account
from tests.helpers.factories import add_org

ORIGIN = "http://testserver"
PASSWORD = "mat-khau-du-dai-1"
AS_OF = date(2025, 3, 15)
XSS_NAME = 'Chi bộ <script>alert("x")</script>"><img src=x onerror=alert(1)>'


@dataclass
class Clock:
    """The app's clock, moved by tests."""

    now: datetime = field(default_factory=lambda: datetime(2025, 3, 15, 1, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """argon2id at its smallest cost: the same code path, a fraction of the time."""
    monkeypatch.setenv("DAIHOI_WEB_ARGON2_MEMORY_KIB", "1024")
    monkeypatch.setenv("DAIHOI_WEB_ARGON2_TIME_COST", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@dataclass(frozen=True)
class World:
    """The tree: DU-TEST › DB-A › {CB-A1, CB-A2 (a name with markup)}, DU-TEST › CB-B; one
    report scoped at each of DB-A and CB-B, a feedback report of the root."""

    ids: dict[str, int]
    reports: dict[str, int]


def _report(session: object, tmp: Path, kind: str, scope_id: int, name: str) -> int:
    path = tmp / f"{name}.docx"
    path.write_bytes(b"PK\x03\x04 not really a docx: " + name.encode())
    row = ReportArchive(
        kind=kind,
        scope_org_id=scope_id,
        subject_org_id=None,
        as_of=AS_OF,
        plan="ct45-2025",
        doc_type="BC",
        number=None,
        term="2020-2025",
        path=str(path),
        sha256="0" * 64,
        template_sha256="0" * 64,
        context_sha256=name.ljust(64, "0")[:64],
    )
    session.add(row)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return int(row.id)


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    """The tree, a current draft at the root, three archived reports."""
    return build_world(engine, tmp_path)


def build_world(engine: Engine, tmp_path: Path) -> World:
    """The world's tree, draft and reports written into `engine`'s database (a twin database
    gets the very same ids)."""
    with write_session(engine) as s:
        root = add_org(
            s, "DU-TEST", OrgKind.TREN_CO_SO, name="Đảng bộ Thử nghiệm", congress=date(2025, 6, 1)
        )
        a = add_org(
            s,
            "DB-A",
            OrgKind.DANG_BO_CO_SO,
            root,
            name="Đảng bộ Trường A",
            congress=date(2025, 4, 10),
        )
        a1 = add_org(
            s,
            "CB-A1",
            OrgKind.CHI_BO_TRUC_THUOC,
            a,
            name="Chi bộ Lê Quý Đôn",
            congress=date(2025, 3, 20),
        )
        a2 = add_org(
            s, "CB-A2", OrgKind.CHI_BO_TRUC_THUOC, a, name=XSS_NAME, congress=date(2025, 3, 25)
        )
        b = add_org(
            s, "CB-B", OrgKind.CHI_BO_CO_SO, root, name="Chi bộ Trường B", congress=date(2025, 2, 1)
        )
        s.add(
            Draft(
                scope_org_id=root.id,
                title="Dự thảo",
                version=1,
                is_current=True,
                deadline=date(2025, 3, 1),
            )
        )
        s.flush()
        reports = {
            "progress-DB-A": _report(s, tmp_path, "progress", a.id, "progress-a"),
            "progress-CB-B": _report(s, tmp_path, "progress", b.id, "progress-b"),
            "feedback-root": _report(s, tmp_path, "feedback", root.id, "feedback-root"),
        }
        ids = {o.code: o.id for o in (root, a, a1, a2, b)}
    return World(ids=ids, reports=reports)


ACCOUNTS = {
    "van-phong": ("vp.office", Role.VAN_PHONG, None),
    "lanh-dao": ("ld.leader", Role.LANH_DAO, None),
    "to-bien-tap": ("bt.drafting", Role.TO_BIEN_TAP, None),
    "don-vi": ("DB-A", Role.DON_VI, "DB-A"),
}


@pytest.fixture
def accounts(engine: Engine, world: World) -> dict[str, str]:
    """One account per role (the unit account is DB-A's), each with PASSWORD; role → login."""
    for login, role, org in ACCOUNTS.values():
        account(engine, login, role, org_code=org, password=PASSWORD)
    return {key: login for key, (login, _, _) in ACCOUNTS.items()}


@pytest.fixture
def clock() -> Clock:
    """The app's clock."""
    return Clock()


@pytest.fixture
def app(engine: Engine, clock: Clock):  # type: ignore[no-untyped-def]
    """The web application on this test's database."""
    from flows.web import create_app

    return create_app(get_settings(), clock=clock)


@pytest.fixture
def anon(app) -> TestClient:  # type: ignore[no-untyped-def]
    """A browser without a session (it sends the app's own Origin, as a browser would)."""
    return TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN}, follow_redirects=False)


def log_in(client: TestClient, login: str, password: str = PASSWORD) -> TestClient:
    """Log a client in through the login form; fails the test if it does not work."""
    r = client.post("/dang-nhap", data={"login": login, "password": password})
    assert r.status_code == 303, r.text
    return client


@pytest.fixture
def client_for(app, accounts: dict[str, str]) -> Callable[[str], TestClient]:  # type: ignore[no-untyped-def]
    """role → a TestClient logged in as that role's account (a fresh browser each call)."""

    def make(role: str) -> TestClient:
        c = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN}, follow_redirects=False)
        return log_in(c, accounts[role])

    return make
