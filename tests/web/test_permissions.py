"""WEB.md's permission table for the pages built so far, as one table-driven matrix: every
row allowed where the table allows it and refused (403 for a missing role, 404 outside a
unit's subtree) where it does not; and every page asks for a session first."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from models.enums import Role
from tasks.accounts.permissions import PERMISSIONS, can
from tests.web.conftest import World

ROLES = ("van-phong", "lanh-dao", "to-bien-tap", "don-vi")

# (method, path, expected status for van-phong, lanh-dao, to-bien-tap, don-vi of DB-A).
# `{report:NAME}` is replaced by that archived report's id.
MATRIX: list[tuple[str, str, tuple[int, int, int, int]]] = [
    # dashboard, unit pages, status API: all / all / — / X's subtree
    ("GET", "/tong-quan", (200, 200, 403, 200)),
    ("GET", "/tong-quan?org=CB-A1", (200, 200, 403, 200)),
    ("GET", "/tong-quan?org=CB-B", (200, 200, 403, 404)),
    ("GET", "/tong-quan?org=DU-TEST", (200, 200, 403, 404)),
    ("GET", "/tong-quan?org=KHONG-CO", (404, 404, 403, 404)),
    ("GET", "/don-vi/DB-A", (200, 200, 403, 200)),
    ("GET", "/don-vi/CB-A2", (200, 200, 403, 200)),
    ("GET", "/don-vi/CB-B", (200, 200, 403, 404)),
    ("GET", "/don-vi/DU-TEST", (200, 200, 403, 404)),
    ("GET", "/don-vi/KHONG-CO", (404, 404, 403, 404)),
    ("GET", "/api/v1/status", (200, 200, 403, 200)),
    ("GET", "/api/v1/status?org=CB-A1&as_of=2025-03-01", (200, 200, 403, 200)),
    ("GET", "/api/v1/status?org=CB-B", (200, 200, 403, 404)),
    # pre-filled forms: any unit / — / the tiếp thu sheet / X's subtree
    ("GET", "/bieu-mau", (200, 403, 200, 200)),
    ("GET", "/bieu-mau/nhan-su?org=CB-A1", (200, 403, 403, 200)),
    ("GET", "/bieu-mau/nhan-su?org=CB-B", (200, 403, 403, 404)),
    ("GET", "/bieu-mau/don-vi", (200, 403, 403, 200)),
    ("GET", "/bieu-mau/tiep-thu?org=DU-TEST", (200, 403, 200, 404)),
    ("GET", "/bieu-mau/tiep-thu?org=DB-A", (200, 403, 200, 200)),
    ("GET", "/bieu-mau/khong-co-bieu-mau", (404, 403, 403, 404)),
    # reports: all / all / feedback / scope or subject in X's subtree
    ("GET", "/bao-cao/{report:progress-DB-A}/tai-ve", (200, 200, 403, 200)),
    ("GET", "/bao-cao/{report:progress-CB-B}/tai-ve", (200, 200, 403, 404)),
    ("GET", "/bao-cao/{report:feedback-root}/tai-ve", (200, 200, 200, 404)),
    ("GET", "/bao-cao/999999/tai-ve", (404, 404, 404, 404)),
    # accounts, audit trail: yes / audit (read) / — / —
    ("GET", "/nhat-ky", (200, 200, 403, 403)),
    ("GET", "/nhat-ky?org=DB-A&entity=account", (200, 200, 403, 403)),
    ("GET", "/tai-khoan", (200, 403, 403, 403)),
    ("POST", "/tai-khoan", (200, 403, 403, 403)),
    ("POST", "/tai-khoan/ma-kich-hoat", (200, 403, 403, 403)),
    ("POST", "/tai-khoan/ld.leader/khoa", (200, 403, 403, 403)),
    # one's own password and home: every role
    ("GET", "/mat-khau", (200, 200, 200, 200)),
    ("GET", "/", (303, 303, 303, 303)),
]


def _path(path: str, world: World) -> str:
    if "{report:" in path:
        name = path.split("{report:", 1)[1].split("}", 1)[0]
        path = path.replace("{report:" + name + "}", str(world.reports[name]))
    return path


def _form(path: str) -> dict[str, str] | None:
    if path == "/tai-khoan":
        return {"login": "moi.them", "role": "lanh-dao"}
    return {} if path.startswith("/tai-khoan") else None


@pytest.mark.db
@pytest.mark.parametrize("role", ROLES)
def test_permission_table_rows_for_role(
    client_for: Callable[[str], TestClient], world: World, role: str
) -> None:
    """Every row of the matrix for one role (one database per role: 32 rows, one login)."""
    client = client_for(role)
    column = ROLES.index(role)
    wrong = []
    for method, path, expected in MATRIX:
        url = _path(path, world)
        r = client.request(method, url, data=_form(path)) if method == "POST" else client.get(url)
        if r.status_code != expected[column]:
            wrong.append((method, url, expected[column], r.status_code))
        if expected[column] == 404:
            # nothing revealed: no name of the unit asked for, nor of the root
            assert "Trường B" not in r.text and "Thử nghiệm" not in r.text, (method, url)
    assert wrong == [], f"{role}: (method, path, expected, got) {wrong}"


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in MATRIX if p != "/"])
def test_every_page_needs_a_session(anon: TestClient, world: World, method: str, path: str) -> None:
    url = _path(path, world)
    r = anon.request(method, url, data=_form(path)) if method == "POST" else anon.get(url)
    if url.startswith("/api/"):
        assert r.status_code == 401
    else:
        assert r.status_code == 303
        assert r.headers["location"].startswith("/dang-nhap?next=")


def test_the_table_names_only_known_roles_and_an_unknown_action_fails_loudly() -> None:
    assert set().union(*PERMISSIONS.values()) <= set(Role)
    with pytest.raises(KeyError):
        can(Role.VAN_PHONG, "khong-co")


def test_a_unit_account_never_learns_whether_an_outside_unit_exists(
    client_for: Callable[[str], TestClient], world: World
) -> None:
    unit = client_for("don-vi")
    outside = unit.get("/don-vi/CB-B")
    missing = unit.get("/don-vi/KHONG-CO")
    assert outside.status_code == missing.status_code == 404
    assert outside.text.replace("CB-B", "") == missing.text.replace("KHONG-CO", "")
