"""A page or the status API asked for a merged unit answers its one Vietnamese line (a page 422, the API
its usual 400 for a request it cannot answer), not a server error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from models.db import write_session
from models.enums import OrgStatus
from models.org import Organisation
from tests.web.conftest import World


def test_a_merged_units_page_and_status_say_where_it_went(
    engine: Engine, world: World, client_for: Callable[[str], TestClient]
) -> None:
    with write_session(engine) as s:
        s.execute(
            update(Organisation)
            .where(Organisation.code == "CB-B")
            .values(
                status=OrgStatus.MERGED,
                merged_into_id=world.ids["DB-A"],
                valid_to=date(2024, 10, 1),
            )
        )
    c = client_for("van-phong")
    page = c.get("/don-vi/CB-B?as_of=2025-03-15")
    assert page.status_code == 422
    assert "&#39;CB-B&#39; đã sáp nhập vào đơn vị &#39;DB-A&#39;" in page.text
    api = c.get("/api/v1/status?org=CB-B&as_of=2025-03-15")
    assert api.status_code == 400 and "đã sáp nhập" in api.json()["error"]
    assert c.get("/don-vi/DB-A?as_of=2025-03-15").status_code == 200
