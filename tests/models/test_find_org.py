"""find_org: codes compare case-insensitively, by the stored code's index when stored upper-case."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from models import Organisation
from models.db import read_session, write_session
from models.enums import OrgKind
from models.queries import UnknownOrganisation, find_org


@pytest.mark.db
def test_a_code_is_found_whatever_its_case_and_surrounding_spaces(engine: Engine) -> None:
    with write_session(engine) as s:
        s.add(Organisation(code="DU", name="Đảng ủy", kind=OrgKind.DANG_BO_CO_SO, path=""))
        # Written before codes were upper-cased on the way in: still found.
        s.add(Organisation(code="cb1", name="Chi bộ 1", kind=OrgKind.CHI_BO_CO_SO, path=""))
    with read_session(engine) as s:
        assert find_org(s, code=" du ").code == "DU"
        assert find_org(s, code="CB1").code == "cb1"
        with pytest.raises(UnknownOrganisation):
            find_org(s, code="KHONG-CO")
