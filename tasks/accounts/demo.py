"""The demo's accounts (`daihoi demo`): the office, leadership and a few units, each with a
one-time activation code printed once — never a fixed password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from models import accounts as q
from models.db import read_session
from models.enums import OrgKind, Role
from tasks.accounts.admin import add_user, reset_user

SOURCE = "demo"
FIXED = (
    ("vanphong", Role.VAN_PHONG, "Văn phòng Đảng ủy"),
    ("lanhdao", Role.LANH_DAO, "Thường trực Đảng ủy"),
    ("tobientap", Role.TO_BIEN_TAP, "Tổ biên tập Báo cáo chính trị"),
)
UNIT_KINDS = (OrgKind.DANG_BO_CO_SO, OrgKind.CHI_BO_CO_SO, OrgKind.CHI_BO_TRUC_THUOC)


@dataclass(frozen=True)
class DemoLogin:
    """A demo account: its login, role, unit, and its code (None: already activated)."""

    login: str
    role: Role
    org_code: str | None
    name: str | None
    code: str | None


def demo_accounts(engine: Engine, *, actor: str, now: datetime) -> list[DemoLogin]:
    """Create the demo's accounts where missing; a fresh code for each not yet activated."""
    with read_session(engine) as session:
        units = q.first_units_of_kinds(session, kinds=[k.value for k in UNIT_KINDS])
    wanted: list[tuple[str, Role, str | None, str]] = [
        (login, role, None, name) for login, role, name in FIXED
    ]
    wanted += [(code, Role.DON_VI, code, name) for code, name in units]
    out = []
    for login, role, org, name in wanted:
        with read_session(engine) as session:
            found = q.find_account(session, login=login)
            activated = found is not None and found.password_hash is not None and not found.disabled
        if activated:
            out.append(DemoLogin(login, role, org, name, None))
            continue
        if found is None:
            issued = add_user(
                engine,
                login=login,
                role=role,
                org_code=org,
                name=name if role != Role.DON_VI else None,
                password=None,
                actor=actor,
                source=SOURCE,
                now=now,
            )
        else:
            issued = reset_user(engine, login=login, actor=actor, source=SOURCE, now=now)
        assert issued is not None
        out.append(DemoLogin(login, role, org, name, issued.code))
    return out
