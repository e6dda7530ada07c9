"""RELIABILITY.md H and WEB.md "Security": cross-site refusal, throttling, sessions ending,
fixation, `next`, cookie flags, headers, escaping, body limits."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from models.accounts import Account, WebSession
from models.db import read_session
from models.records import AuditEvent
from tasks.accounts.admin import disable_user
from tests.web.conftest import ORIGIN, PASSWORD, XSS_NAME, Clock, log_in


def _count(engine: Engine, column: object) -> int:
    with read_session(engine) as s:
        return int(s.scalar(select(func.count(column))) or 0)  # type: ignore[call-overload]


def _events(engine: Engine, entity: str) -> list[dict[str, object]]:
    with read_session(engine) as s:
        rows = s.scalars(
            select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
        )
        return [r.after or {} for r in rows]


@pytest.mark.db
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://elsewhere.example"},
        {"Origin": ORIGIN, "Sec-Fetch-Site": "cross-site"},
        {"Origin": "null", "Referer": "https://elsewhere.example/form"},
        {"Origin": ""},
    ],
    ids=["other-origin", "sec-fetch-cross-site", "referer-elsewhere", "no-origin-no-referer"],
)
def test_a_cross_site_post_is_refused_before_any_work(
    client_for: Callable[[str], TestClient], engine: Engine, headers: dict[str, str]
) -> None:
    office = client_for("van-phong")
    before = (_count(engine, Account.id), _count(engine, AuditEvent.id))
    r = office.post("/tai-khoan", data={"login": "ke.gian", "role": "van-phong"}, headers=headers)
    assert r.status_code == 403
    assert (_count(engine, Account.id), _count(engine, AuditEvent.id)) == before
    # and a login from elsewhere never reaches the password check
    r = office.post(
        "/dang-nhap", data={"login": "vp.office", "password": PASSWORD}, headers=headers
    )
    assert r.status_code == 403


def test_a_same_origin_post_by_referer_alone_is_accepted(
    client_for: Callable[[str], TestClient],
) -> None:
    office = client_for("van-phong")
    r = office.post(
        "/tai-khoan",
        data={"login": "moi.vao", "role": "lanh-dao"},
        headers={"Origin": "null", "Referer": f"{ORIGIN}/tai-khoan"},
    )
    assert r.status_code == 200 and "moi.vao" in r.text


@pytest.mark.db
def test_six_wrong_passwords_lock_the_account_for_fifteen_minutes(
    anon: TestClient, accounts: dict[str, str], clock: Clock, engine: Engine
) -> None:
    login = accounts["lanh-dao"]
    for _ in range(5):
        r = anon.post("/dang-nhap", data={"login": login, "password": "sai-mat-khau-roi"})
        assert r.status_code == 401
        clock.advance(seconds=10)
    # the 6th and later answer 429, also with the right password
    r = anon.post("/dang-nhap", data={"login": login, "password": PASSWORD})
    assert r.status_code == 429
    assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
    clock.advance(minutes=14)
    assert anon.post("/dang-nhap", data={"login": login, "password": PASSWORD}).status_code == 429
    clock.advance(minutes=1, seconds=1)
    r = anon.post("/dang-nhap", data={"login": login, "password": PASSWORD})
    assert r.status_code == 303
    outcomes = [e["outcome"] for e in _events(engine, "login")]
    assert outcomes.count("failure") == 5 and "throttled" in outcomes and outcomes[-1] == "success"
    assert all(
        PASSWORD not in str(e) and "sai-mat-khau-roi" not in str(e)
        for e in _events(engine, "login")
    )


def test_thirty_failures_from_one_address_lock_that_address(
    anon: TestClient, accounts: dict[str, str], clock: Clock
) -> None:
    for i in range(30):
        r = anon.post("/dang-nhap", data={"login": f"khong-co-{i}", "password": "x" * 12})
        assert r.status_code in (401, 429)
    r = anon.post("/dang-nhap", data={"login": accounts["van-phong"], "password": PASSWORD})
    assert r.status_code == 429
    clock.advance(minutes=16)
    r = anon.post("/dang-nhap", data={"login": accounts["van-phong"], "password": PASSWORD})
    assert r.status_code == 303


@pytest.mark.db
def test_logout_ends_the_session(client_for: Callable[[str], TestClient]) -> None:
    office = client_for("van-phong")
    cookie = office.cookies.get("daihoi_session")
    assert office.get("/tong-quan").status_code == 200
    assert office.post("/dang-xuat").status_code == 303
    office.cookies.set("daihoi_session", cookie)  # the old cookie, replayed
    assert office.get("/tong-quan").status_code == 303


@pytest.mark.db
def test_disabling_an_account_ends_all_its_sessions_at_once(
    client_for: Callable[[str], TestClient], engine: Engine, accounts: dict[str, str]
) -> None:
    first, second = client_for("don-vi"), client_for("don-vi")
    assert first.get("/don-vi/DB-A").status_code == 200
    assert second.get("/don-vi/DB-A").status_code == 200
    disable_user(engine, login=accounts["don-vi"], actor="test", source="test")
    assert first.get("/don-vi/DB-A").status_code == 303
    assert second.get("/don-vi/DB-A").status_code == 303
    r = first.post("/dang-nhap", data={"login": accounts["don-vi"], "password": PASSWORD})
    assert r.status_code == 403 and "đã bị khóa" in r.text


@pytest.mark.db
def test_changing_the_password_ends_every_other_session(
    client_for: Callable[[str], TestClient], accounts: dict[str, str], anon: TestClient
) -> None:
    here, elsewhere = client_for("lanh-dao"), client_for("lanh-dao")
    new = "mat-khau-moi-hon-1"
    r = here.post("/mat-khau", data={"current": PASSWORD, "password": new, "password_again": new})
    assert r.status_code == 200 and "Đã đổi mật khẩu" in r.text
    assert here.get("/tong-quan").status_code == 200  # this browser got a new session
    assert elsewhere.get("/tong-quan").status_code == 303
    assert (
        anon.post(
            "/dang-nhap", data={"login": accounts["lanh-dao"], "password": PASSWORD}
        ).status_code
        == 401
    )
    log_in(anon, accounts["lanh-dao"], new)


def test_a_password_change_needs_the_current_password_and_a_strong_new_one(
    client_for: Callable[[str], TestClient], accounts: dict[str, str]
) -> None:
    c = client_for("lanh-dao")
    assert (
        c.post("/mat-khau", data={"current": "sai-roi-day-nhe", "password": "x" * 12}).status_code
        == 401
    )
    assert c.post("/mat-khau", data={"current": PASSWORD, "password": "ngan"}).status_code == 400
    r = c.post("/mat-khau", data={"current": PASSWORD, "password": accounts["lanh-dao"].upper()})
    assert len(accounts["lanh-dao"]) < 10 or (r.status_code == 400 and "trùng" in r.text)
    from tasks.accounts.secrets import password_problem

    assert password_problem("don.vi.mot", "DON.VI.MOT") is not None


@pytest.mark.db
def test_a_login_always_makes_a_new_session_so_a_planted_cookie_is_useless(
    anon: TestClient, accounts: dict[str, str], engine: Engine
) -> None:
    def set_cookie(r: object) -> str:
        header = r.headers["set-cookie"]  # type: ignore[attr-defined]
        return str(header.split(";", 1)[0].split("=", 1)[1])

    planted = "cookie-dat-truoc-boi-ke-gian"
    r = anon.post(
        "/dang-nhap",
        data={"login": accounts["van-phong"], "password": PASSWORD},
        headers={"Cookie": f"daihoi_session={planted}"},
    )
    assert r.status_code == 303
    issued = set_cookie(r)
    assert issued != planted and len(issued) >= 43
    # logging in again from the same browser replaces its session, never reuses it
    again = anon.post(
        "/dang-nhap",
        data={"login": accounts["van-phong"], "password": PASSWORD},
        headers={"Cookie": f"daihoi_session={issued}"},
    )
    assert set_cookie(again) != issued
    anon.cookies.clear()
    assert anon.get("/tong-quan", headers={"Cookie": f"daihoi_session={issued}"}).status_code == 303
    with read_session(engine) as s:
        stored = list(s.scalars(select(WebSession.token_sha256)))
    assert issued not in stored and all(len(h) == 64 for h in stored)  # only hashes are kept


@pytest.mark.parametrize(
    "target",
    [
        "https://elsewhere.example/",
        "//elsewhere.example/x",
        "/\\elsewhere.example",
        "javascript:alert(1)",
    ],
)
def test_next_never_leaves_the_app(anon: TestClient, accounts: dict[str, str], target: str) -> None:
    r = anon.post(
        "/dang-nhap", data={"login": accounts["van-phong"], "password": PASSWORD, "next": target}
    )
    assert r.status_code == 303 and r.headers["location"] == "/tong-quan"


def test_next_inside_the_app_is_followed(anon: TestClient, accounts: dict[str, str]) -> None:
    first = anon.get("/don-vi/CB-A1?as_of=2025-03-01")
    assert first.status_code == 303
    assert first.headers["location"] == "/dang-nhap?next=%2Fdon-vi%2FCB-A1%3Fas_of%3D2025-03-01"
    page = anon.get(first.headers["location"])
    assert 'name="next" value="/don-vi/CB-A1?as_of=2025-03-01"' in page.text
    r = anon.post(
        "/dang-nhap",
        data={
            "login": accounts["van-phong"],
            "password": PASSWORD,
            "next": "/don-vi/CB-A1?as_of=2025-03-01",
        },
    )
    assert r.headers["location"] == "/don-vi/CB-A1?as_of=2025-03-01"


def test_the_session_cookie_is_httponly_samesite_lax_and_secure_when_configured(
    anon: TestClient, accounts: dict[str, str], monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    r = anon.post("/dang-nhap", data={"login": accounts["van-phong"], "password": PASSWORD})
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("daihoi_session=") and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and "Path=/" in cookie and "Secure" not in cookie
    from flows.web import create_app
    from models.settings import get_settings

    monkeypatch.setenv("DAIHOI_WEB_SECURE_COOKIES", "true")
    get_settings.cache_clear()
    secure = TestClient(
        create_app(get_settings()),
        base_url="https://testserver",
        headers={"Origin": "https://testserver"},
        follow_redirects=False,
    )
    r = secure.post("/dang-nhap", data={"login": accounts["van-phong"], "password": PASSWORD})
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


def test_sessions_end_after_eight_idle_hours_and_after_seven_days(
    client_for: Callable[[str], TestClient], clock: Clock
) -> None:
    c = client_for("van-phong")
    clock.advance(hours=7, minutes=59)
    assert c.get("/tong-quan").status_code == 200
    clock.advance(hours=7, minutes=59)  # idle under 8 h again: still alive
    assert c.get("/tong-quan").status_code == 200
    clock.advance(hours=8, seconds=1)
    assert c.get("/tong-quan").status_code == 303
    d = client_for("van-phong")
    for _ in range(7 * 4):  # busy every 6 hours for a week: the absolute limit still ends it
        clock.advance(hours=6)
        if d.get("/tong-quan").status_code != 200:
            break
    assert d.get("/tong-quan").status_code == 303


@pytest.mark.db
def test_every_answer_carries_the_csp_and_security_headers(
    client_for: Callable[[str], TestClient], anon: TestClient
) -> None:
    for r in (
        anon.get("/dang-nhap"),
        anon.get("/healthz"),
        client_for("van-phong").get("/tong-quan"),
        anon.post("/dang-nhap", data={}, headers={"Origin": "https://x.example"}),
    ):
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
    assert anon.get("/tong-quan").headers["cache-control"] == "no-store"


def test_pages_have_no_inline_script_and_htmx_is_one_vendored_file(
    client_for: Callable[[str], TestClient], anon: TestClient
) -> None:
    import re

    html = client_for("van-phong").get("/tong-quan").text
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S)
    assert scripts == [""]  # one external script, nothing inline
    assert '<script src="/static/htmx.min.js" defer></script>' in html
    tags = re.findall(r"<[^>]+>", html)
    assert not [t for t in tags if re.search(r"\son[a-z]+\s*=", t)]  # no inline handlers
    js = anon.get("/static/htmx.min.js")
    assert js.status_code == 200 and "htmx" in js.text[:200]
    assert "style=" not in html  # inline styles would need 'unsafe-inline'


@pytest.mark.db
def test_a_unit_name_with_markup_shows_as_text(client_for: Callable[[str], TestClient]) -> None:
    for page in ("/tong-quan?sort=tree", "/don-vi/CB-A2", "/don-vi/DB-A"):
        html = client_for("van-phong").get(page).text
        assert '<script>alert("x")</script>' not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<script>" in XSS_NAME


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(
    client_for: Callable[[str], TestClient], engine: Engine
) -> None:
    office = client_for("van-phong")
    before = _count(engine, Account.id)
    big = "x" * (1_048_576 + 10)
    r = office.post("/tai-khoan", data={"login": "a" * 10, "role": "lanh-dao", "name": big})
    assert r.status_code == 413

    # a body that lies about its size (or has none declared) is cut off while it is read
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"name=" + b"y" * 65536

    r = office.post(
        "/tai-khoan",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413
    assert _count(engine, Account.id) == before


def test_healthz_needs_no_session_and_names_the_revision(anon: TestClient, engine: Engine) -> None:
    from models.migrate import head_revision

    r = anon.get("/healthz")
    assert r.status_code == 200 and r.text == f"ok {head_revision(engine)}"
