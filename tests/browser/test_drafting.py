"""The drafting team answers a group, in a real browser: log in (home is the workspace), keep
the groups still waiting, give the first one an explanation in one action, see it leave the
list; every comment of the group holds the answer. The workspace passes axe-core."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from tests.browser.conftest import Site

LOGIN, PASSWORD = "bientap", "mat-khau-bien-tap-1"
ANSWER = "Đã giải trình tại hội nghị Ban Chấp hành"


def _drafting_account() -> None:
    from models.accounts import Account
    from models.base import utcnow
    from models.db import get_engine, read_session
    from models.enums import Role
    from tests.helpers.accounts import account

    with read_session(get_engine()) as s:
        if s.scalar(select(Account.id).where(Account.login == LOGIN)) is not None:
            return
    account(
        get_engine(), LOGIN, Role.TO_BIEN_TAP, name="Tổ biên tập", password=PASSWORD, now=utcnow()
    )


def _answers(ids: list[int]) -> dict[int, tuple[str, str | None]]:
    from models.db import get_engine, read_session
    from models.feedback import Disposition

    with read_session(get_engine()) as s:
        rows = s.execute(
            select(Disposition.comment_id, Disposition.action, Disposition.text).where(
                Disposition.comment_id.in_(ids)
            )
        ).all()
    return {r.comment_id: (r.action.label, r.text) for r in rows}


def test_the_drafting_team_answers_a_group(context: Any, site: Site) -> None:
    from axe_playwright_python.sync_playwright import Axe

    _drafting_account()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site.url}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(LOGIN)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r".*/gop-y$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Tiếp thu, giải trình ý kiến góp ý"

    page.get_by_label("Chỉ các nhóm chưa xử lý").check()
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r".*chua-xu-ly=1.*"))
    group = page.locator("article.group").first
    gid = group.get_attribute("id")
    assert gid and gid.startswith("nhom-")
    assert "Chưa xử lý" in group.inner_text()
    ids = [int(x) for x in re.findall(r"mã ý kiến (\d+)", group.inner_text())]
    assert ids and _answers(ids) == {}

    group.get_by_role("radio", name="Giải trình", exact=True).check()
    group.get_by_label(re.compile("^Nội dung tiếp thu, giải trình")).fill(ANSWER)
    group.get_by_role("button", name=re.compile("^Lưu cho cả nhóm")).click()
    page.wait_for_url(re.compile(r".*xong=nhom-.*"))
    assert "Đã lưu cách xử lý cho mọi ý kiến của nhóm." in page.get_by_role("status").inner_text()
    assert page.locator(f"#{gid}").count() == 0  # answered: gone from the groups still waiting
    assert _answers(ids) == dict.fromkeys(ids, ("Giải trình", ANSWER))

    page.goto(f"{site.url}/gop-y")
    assert f"Đã xử lý: Giải trình — {ANSWER}" in page.locator(f"#{gid}").inner_text()
    violations = Axe().run(page).response["violations"]
    bad = [(v["id"], v["impact"]) for v in violations if v["impact"] in ("serious", "critical")]
    assert bad == []
    assert errors == []
