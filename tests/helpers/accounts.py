"""Web accounts for tests, made through the product's own `add_user`."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from models.enums import Role
from tasks.accounts.admin import IssuedCode, add_user

WHEN = datetime(2025, 3, 1, tzinfo=UTC)


def account(
    engine: Engine,
    login: str,
    role: Role,
    *,
    org_code: str | None = None,
    password: str | None,
    name: str | None = None,
    now: datetime = WHEN,
) -> IssuedCode | None:
    """An account of any role; its activation code when no password is given."""
    return add_user(
        engine,
        login=login,
        role=role,
        org_code=org_code,
        name=name,
        password=password,
        actor="test",
        source="test",
        now=now,
    )


def unit_account(
    engine: Engine, code: str, *, password: str | None, now: datetime = WHEN
) -> IssuedCode | None:
    """A unit's account, its login the unit's code."""
    return account(engine, code, Role.DON_VI, org_code=code, password=password, now=now)
