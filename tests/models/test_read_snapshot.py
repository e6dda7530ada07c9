"""A read session sees one snapshot: a write committed while it is open stays invisible to it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from models import Organisation
from models.db import read_session, write_session
from models.enums import OrgKind


def _count(session: object) -> int:
    return int(session.scalar(select(func.count()).select_from(Organisation)))  # type: ignore[attr-defined]


@pytest.mark.db
def test_a_read_session_does_not_see_a_write_committed_while_it_is_open(engine: Engine) -> None:
    with read_session(engine) as reader:
        before = _count(reader)
        with write_session(engine) as writer:
            writer.add(Organisation(code="NEW", name="Mới", kind=OrgKind.CHI_BO_CO_SO, path=""))
        assert _count(reader) == before
    with read_session(engine) as fresh:
        assert _count(fresh) == before + 1
