"""Every page of the web app passes axe-core with no serious or critical violation, works
from the keyboard alone, and never tells a state by colour only."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import Site

PAGES = [
    ("/dang-nhap", False),
    ("/kich-hoat", False),
    ("/tong-quan", True),
    ("/tong-quan?state=overdue&sort=tree", True),
    ("/don-vi/{unit}", True),
    ("/bieu-mau", True),
    ("/nhat-ky", True),
    ("/tai-khoan", True),
    ("/bao-cao", True),
    ("/don-doc", True),
    ("/mat-khau", True),
    ("/don-vi/KHONG-CO-DON-VI-NAY", True),
]


def _log_in(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(site.checker_login)
    page.get_by_label("Mật khẩu").fill(site.checker_password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r".*/tong-quan$"))


@pytest.fixture
def office_page(context: Any, site: Site) -> Any:
    page = context.new_page()
    _log_in(page, site)
    return page


def test_every_page_passes_axe_with_no_serious_or_critical_violation(
    context: Any, office_page: Any, site: Site
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    anon = context.browser.new_context(locale="vi-VN").new_page()
    found = {}
    for path, logged_in in PAGES:
        page = office_page if logged_in else anon
        page.goto(site.url + path.replace("{unit}", site.unit_org))
        violations = axe.run(page).response["violations"]
        bad = [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        if bad:
            found[path] = bad
    assert found == {}


def test_login_filters_and_drill_down_from_the_keyboard_alone(context: Any, site: Site) -> None:
    page = context.new_page()
    page.goto(f"{site.url}/dang-nhap")

    def tab_to(selector: str, limit: int = 120) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("#login")
    page.keyboard.type(site.checker_login)
    page.keyboard.press("Tab")
    page.keyboard.type(site.checker_password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/tong-quan$"))

    total = page.locator("#heatmap .count").inner_text()
    tab_to("#f-state")
    for _ in range(1):  # the first state offered is "overdue"
        page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "t => document.querySelector('#heatmap .count').innerText !== t", arg=total
    )
    assert page.locator("#f-state").input_value() == "overdue"
    assert "Quá hạn" in page.locator("table.heat tbody tr").first.inner_text()

    tab_to("table.heat tbody th a")
    name = page.evaluate("() => document.activeElement.innerText")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/don-vi/.+"))
    assert page.get_by_role("heading", level=1).inner_text() == name
    # the skip link is the first stop and lands on the content
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip"


def test_a_state_is_never_told_by_colour_alone(office_page: Any, site: Site) -> None:
    for path in ("/tong-quan?sort=tree", f"/don-vi/{site.unit_org}"):
        office_page.goto(site.url + path)
        texts = office_page.eval_on_selector_all(
            ".chip, td.cell", "els => els.map(e => e.innerText.trim())"
        )
        assert texts, path
        words = (
            "Xong",
            "Hoàn thành",
            "hạn",
            "Chưa",
            "Không áp dụng",
            "Đúng",
            "Nguy cơ",
            "Đạt",
            "Đang dùng",
            "khóa",
            "kích hoạt",
        )
        symbols = "✓●!✕○–⊘…"
        assert all(any(w in t for w in words) and t[0] in symbols for t in texts), [
            t for t in texts if not (t and t[0] in symbols)
        ][:5]
